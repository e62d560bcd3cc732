"""The shared steps of the private dialogues (:mod:`bot.handlers.dialogue`), through the bot.

The features' own tests cover each dialogue; these check what the shared functions promise
beyond one feature: a refused message that Telegram will not delete is logged by its kind,
never by its text, and the member hears that it is still there; and the text keys the
features hand to the shared functions (which ``tests/test_i18n.py`` does not see, as they are
not ``tr`` calls) exist in every language with the right placeholders.
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from bot.i18n import FALLBACK, LANGUAGES, catalogue, placeholders
from tests.auxil import people
from tests.auxil.data import Directory
from tests.auxil.ideas import IDENTIFYING, ideas
from tests.auxil.world import World


async def test_refused_message_telegram_keeps_is_logged_by_kind_only(
    world: World, teams: Directory, caplog: pytest.LogCaptureFixture
) -> None:
    """Deletion refused: the idea is not stored, the member is told, the log has no text."""
    caplog.set_level(logging.DEBUG, logger="bot")
    world.fake.fail_next(
        "deleteMessage", status=400, description="Bad Request: message can't be deleted"
    )
    sent = await world.send(people.PROVIDER, f"/idee {IDENTIFYING}")
    answer = sent[-1].plain_text or ""
    assert "bitte löschen Sie sie selbst" in answer, answer
    assert "Kevin" not in answer and "Müller" not in answer
    assert world.fake.deleted == set()
    assert await ideas(world) == []
    assert "could not delete a refused idea message (BadRequest)" in caplog.text
    assert "Kevin" not in caplog.text and "Müller" not in caplog.text


# -- the features' text keys handed to the shared functions ---------------------------------

BOT = Path(__file__).resolve().parent.parent / "bot"
#: Keyword arguments of the shared functions that name a text, and the values it shows.
#: ``private_only`` also passes its other keyword values (``command=…``) to both texts.
KEY_FIELDS: dict[str, dict[str, frozenset[str]]] = {
    "RefusalTexts": {
        "identifying": frozenset({"kinds"}),
        "identifying_kept": frozenset({"kinds"}),
        "too_long": frozenset({"length", "limit"}),
        "empty": frozenset(),
    },
    "StartTexts": {
        "running": frozenset(),
        "resume": frozenset(),
        "restart": frozenset(),
        "other_ended": frozenset(),
    },
    "private_only": {"link_key": frozenset({"link"}), "plain_key": frozenset()},
    "discard": {"done_key": frozenset()},
}


def _handed_keys() -> list[tuple[str, str, frozenset[str]]]:
    """(where, key, values) for every literal key passed to a shared dialogue function."""
    found = []
    for path in sorted(BOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            fields = KEY_FIELDS.get(name)
            if fields is None:
                continue
            extra = frozenset(
                k.arg for k in node.keywords if k.arg is not None and k.arg not in fields
            )
            if name != "private_only":
                extra = frozenset()
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg in fields and isinstance(value, ast.Constant):
                    where = f"{path.relative_to(BOT.parent)}:{node.lineno}"
                    found.append((where, str(value.value), fields[keyword.arg] | extra))
    return found


HANDED = _handed_keys()


def test_the_scan_finds_the_features_keys() -> None:
    """Every feature that uses the shared functions is seen (a rename would hide them)."""
    keys = {key for _, key, _ in HANDED}
    assert {"topics.identifying", "budget.empty_answer", "ideas.identifying_kept"} <= keys
    assert {"minutes.note_too_long", "budget.draft_running", "offers.discarded"} <= keys
    assert {"topics.private_only_link", "budget.private_only"} <= keys


@pytest.mark.parametrize(
    ("where", "key", "values"), HANDED, ids=[f"{where}:{key}" for where, key, _ in HANDED]
)
def test_keys_handed_to_the_shared_functions_fit(
    where: str, key: str, values: frozenset[str]
) -> None:
    """Each key exists in every language and shows exactly the values the function passes."""
    for language in LANGUAGES:
        assert key in catalogue(language), f"{where}: {key} missing in {language}"
    assert placeholders(catalogue(FALLBACK)[key]) == values, where
