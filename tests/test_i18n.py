"""Texts: both languages complete and alike, every key the code uses exists, all valid HTML.

The code is scanned for text keys (``tr(context, "…")``, ``t(lang, "…")``, ``both("…")``,
``key="…"``, ``TextKey("…")`` and f-string prefixes such as ``f"role.{role}"``), so a key that
is used but missing in a language, or a call that forgets a placeholder, fails here.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import bot.notify
from bot.commands import GROUP_COMMANDS, PRIVATE_COMMANDS
from bot.i18n import (
    FALLBACK,
    LANGUAGES,
    Markup,
    MissingTextError,
    TextKey,
    both,
    catalogue,
    normalise_language,
    placeholders,
    plain_text,
    t,
)
from bot.offers.fields import FIELDS as OFFER_FIELDS
from bot.storage.invites import RedeemResult
from bot.storage.models import Role
from bot.topics import HELP_KINDS, OUTCOMES
from tests.auxil.fake_bot_api import render_text

BOT = Path(__file__).resolve().parent.parent / "bot"
HOSTILE = "<Tom & Jerry>"

#: What the dynamic keys of the code expand to; a new prefix must be added here.
EXPANSIONS: dict[str, list[str]] = {
    "role.": [role.value for role in Role],
    "language.": list(LANGUAGES),
    "menu.": sorted(set(PRIVATE_COMMANDS) | set(GROUP_COMMANDS)),
    "invite.": [result.value for result in RedeemResult if result is not RedeemResult.OK],
    "agenda.help.": list(HELP_KINDS),
    "minutes.outcome.": list(OUTCOMES),
    "offers.ask.": list(OFFER_FIELDS),
    "offers.field.": list(OFFER_FIELDS),
}

#: Functions taking the key as ``key=`` whose other keyword arguments are not text values.
KEY_FUNCTIONS: dict[str, Callable[..., object]] = {
    name: function
    for name, function in inspect.getmembers(bot.notify, inspect.isfunction)
    if "key" in inspect.signature(function).parameters
}


@dataclass(frozen=True)
class Use:
    """One place in the code that names a text."""

    where: str
    key: str
    values: frozenset[str] | None  # keyword values passed; None if unknown (``**values``)
    alert: bool = False  # shown by answerCallbackQuery, which has no parse mode
    both: bool = False  # German and English together

    def text(self, language: str) -> str:
        """The template as the user sees it (without values filled in)."""
        return both(self.key) if self.both else catalogue(language)[self.key]


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _values(call: ast.Call, skip: set[str]) -> frozenset[str] | None:
    if any(keyword.arg is None for keyword in call.keywords):
        return None
    return frozenset(k.arg for k in call.keywords if k.arg is not None and k.arg not in skip)


def _key_argument(call: ast.Call) -> tuple[ast.expr | None, frozenset[str] | None]:
    """The key expression of a text call, and the names of the values passed along."""
    name = _name(call.func)
    if name in ("tr", "t") and len(call.args) >= 2:
        return call.args[1], _values(call, set())
    if name == "both" and call.args:
        return call.args[0], _values(call, set())
    if name == "alert" and len(call.args) >= 3:  # bot.handlers.common.alert(update, context, key)
        return call.args[2], _values(call, set())
    if name == "TextKey" and call.args:
        return call.args[0], frozenset()
    for keyword in call.keywords:
        if keyword.arg == "key":
            function = KEY_FUNCTIONS.get(name)
            if function is None:
                return keyword.value, None
            skip = set(inspect.signature(function).parameters)
            return keyword.value, _values(call, skip)
    return None, None


#: Keyword arguments that name a text shown without values (``with_managed_team``, ``ask_team``).
PLAIN_KEY_KEYWORDS = frozenset({"prompt", "not_allowed"})


def _plain_key_arguments(call: ast.Call) -> list[ast.expr]:
    return [k.value for k in call.keywords if k.arg in PLAIN_KEY_KEYWORDS]


def _alert_calls(tree: ast.AST) -> set[int]:
    """Ids of the text calls that are the first argument of ``….answer(…)``."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) == "answer" and node.args:
            ids.add(id(node.args[0]))
    return ids


def _uses() -> Iterator[Use]:
    for path in sorted(BOT.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        alerts = _alert_calls(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            argument, values = _key_argument(node)
            where = f"{path.relative_to(BOT.parent)}:{node.lineno}"
            alert = id(node) in alerts or _name(node.func) == "alert"
            combined = _name(node.func) == "both"
            for key in _keys(argument, where):
                yield Use(where, key, values, alert, combined)
            for plain in _plain_key_arguments(node):
                for key in _keys(plain, where):
                    yield Use(where, key, frozenset())


def _keys(argument: ast.expr | None, where: str) -> list[str]:
    """The keys an expression stands for: literal, both conditional arms, f-string expansions."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return [argument.value]
    if isinstance(argument, ast.IfExp):
        return _keys(argument.body, where) + _keys(argument.orelse, where)
    if isinstance(argument, ast.JoinedStr) and argument.values:
        head = argument.values[0]
        prefix = str(head.value) if isinstance(head, ast.Constant) else ""
        assert prefix in EXPANSIONS, f"{where}: add f-string prefix {prefix!r}"
        return [f"{prefix}{suffix}" for suffix in EXPANSIONS[prefix]]
    return []


USES = list(_uses())
KEYS = sorted(catalogue(FALLBACK))


def _dummy_values(template: str) -> dict[str, str]:
    return dict.fromkeys(placeholders(template), HOSTILE)


# -- the catalogues -----------------------------------------------------------------------


def test_every_language_has_exactly_the_same_keys() -> None:
    """No text is missing in a language, and no language has a text the others lack."""
    reference = set(catalogue(FALLBACK))
    assert len(reference) > 50
    for language in LANGUAGES:
        texts = catalogue(language)
        assert sorted(reference - set(texts)) == [], f"missing in {language}"
        assert sorted(set(texts) - reference) == [], f"only in {language}"


@pytest.mark.parametrize("key", KEYS)
def test_placeholders_are_the_same_in_every_language(key: str) -> None:
    """A translation uses exactly the placeholders of the German text."""
    expected = placeholders(catalogue(FALLBACK)[key])
    for language in LANGUAGES:
        assert placeholders(catalogue(language)[key]) == expected, language


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", KEYS)
def test_every_text_is_valid_telegram_html(language: str, key: str) -> None:
    """Filled with hostile values, each text parses as Telegram HTML and shows them verbatim."""
    template = catalogue(language)[key]
    values = _dummy_values(template)

    text = t(language, key, **values)

    plain, _ = render_text(text, "HTML")
    assert plain.strip()
    assert plain.count(HOSTILE) == template.count("{") - template.count("{{") * 2
    assert "{" not in plain


def test_no_text_is_only_a_draft() -> None:
    """No entry is marked fuzzy: gettext tools would drop it, this bot would show it."""
    from babel.messages.pofile import read_po

    drafts = []
    for path in sorted((BOT / "locales").rglob("*.po")):
        with path.open("rb") as handle:
            drafts += [f"{path.name}:{m.id}" for m in read_po(handle) if m.id and m.fuzzy]
    assert drafts == []


# -- the code against the catalogues ------------------------------------------------------


def test_scan_finds_the_texts_of_the_code() -> None:
    """The scan sees a plausible number of uses, including f-string and keyword keys."""
    keys = {use.key for use in USES}
    assert len(USES) > 60
    assert {"role.koordination", "menu.start", "invite.used", "invite.joined_notice"} <= keys
    assert any(use.alert for use in USES)
    assert any(use.alert and use.both for use in USES)  # the gate's answer to strangers


@pytest.mark.parametrize("use", USES, ids=lambda use: f"{use.where}:{use.key}")
def test_every_key_used_in_the_code_exists_in_every_language(use: Use) -> None:
    """Each key the code names has a text in every language."""
    for language in LANGUAGES:
        assert use.key in catalogue(language), f"{use.where}: {use.key} missing in {language}"


@pytest.mark.parametrize(
    "use",
    [use for use in USES if use.values is not None],
    ids=lambda use: f"{use.where}:{use.key}",
)
def test_calls_pass_exactly_the_placeholders_of_their_text(use: Use) -> None:
    """A call that forgets a value (or passes one the text does not show) is caught."""
    assert use.values == placeholders(catalogue(FALLBACK)[use.key]), use.where


KNOWN_HTML_ALERTS: set[str] = set()  # keys still shown with HTML in a button alert


@pytest.mark.parametrize(
    "use",
    [
        pytest.param(
            use,
            marks=pytest.mark.xfail(
                use.key in KNOWN_HTML_ALERTS, reason="HTML text in a button alert", strict=True
            ),
        )
        for use in USES
        if use.alert
    ],
    ids=lambda use: f"{use.where}:{use.key}",
)
def test_button_alerts_are_short_plain_texts(use: Use) -> None:
    """answerCallbackQuery shows at most 200 characters, literally: no tags, no entities."""
    for language in LANGUAGES:
        template = use.text(language)
        assert len(template) <= 200, language
        assert "<" not in template, language
        assert "&" not in template, language


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("command", EXPANSIONS["menu."])
def test_command_descriptions_fit_telegram(language: str, command: str) -> None:
    """Menu descriptions are 1–256 characters of plain text."""
    text = t(language, f"menu.{command}")
    assert 1 <= len(text) <= 256
    assert plain_text(text) == text


# -- t() ----------------------------------------------------------------------------------


def test_values_are_escaped() -> None:
    """Every value put into a text is HTML-escaped."""
    text = t("de", "team.member_line", name="<b>Tom & Jerry</b>", roles="ASD")
    assert "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;" in text
    assert "<b>Tom" not in text
    assert render_text(text, "HTML")[0].count("<b>Tom & Jerry</b>") == 1


def test_markup_is_not_escaped() -> None:
    """Values wrapped in Markup are trusted HTML and go in unchanged."""
    text = t("de", "team.member_line", name=Markup("<i>Carla</i>"), roles="ASD &amp; mehr")
    assert "<i>Carla</i>" in text
    assert "ASD &amp;amp; mehr" in text
    _, entities = render_text(text, "HTML")
    assert "italic" in [entity["type"] for entity in entities]


def test_text_key_value_is_translated_per_language() -> None:
    """A TextKey value becomes the text of that key in each reader's language."""
    role = TextKey("role.traeger_fua")
    german = t("de", "invite.joined_notice", name="Nils", team="Nord A", role=role)
    english = t("en", "invite.joined_notice", name="Nils", team="Nord A", role=role)
    assert catalogue("de")["role.traeger_fua"] in german
    assert catalogue("en")["role.traeger_fua"] in english
    assert catalogue("de")["role.traeger_fua"] not in english


def test_both_gives_german_then_english() -> None:
    """both() is the German text, a blank line, then the English one."""
    assert both("button.stale") == f"{t('de', 'button.stale')}\n\n{t('en', 'button.stale')}"


def test_unknown_key_fails_loudly() -> None:
    """A key no language knows raises instead of showing the key."""
    with pytest.raises(MissingTextError):
        t("de", "does.not.exist")


def test_missing_value_fails_loudly() -> None:
    """A text whose placeholder got no value raises instead of showing '{team}'."""
    with pytest.raises(KeyError):
        t("de", "team.member_line", name="Carla")
    with pytest.raises(KeyError):
        t("de", "team.member_line")


def test_unsupported_language_falls_back_to_german() -> None:
    """A language without catalogue gets the German text."""
    assert t("fr", "button.stale") == t("de", "button.stale")


def test_telegram_language_codes_are_normalised() -> None:
    """de-AT and EN map to supported languages; others to ''."""
    assert normalise_language("de-AT") == "de"
    assert normalise_language("EN") == "en"
    assert normalise_language("en-GB") == "en"
    assert normalise_language("fr") == ""
    assert normalise_language("") == ""
    assert normalise_language(None) == ""


def test_plain_text_drops_tags_and_entities() -> None:
    """For alerts: a rendered HTML text becomes what the user should read."""
    html_text = t("de", "bind.taken", team="Nord & Süd")
    assert plain_text(html_text) == render_text(html_text, "HTML")[0]
    assert "<b>" not in plain_text(html_text)
    assert "Nord & Süd" in plain_text(html_text)
