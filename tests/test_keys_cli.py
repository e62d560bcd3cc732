"""``python -m bot keys new`` and ``keys rotate`` on a real SQLite file."""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.cli import main
from bot.clock import FrozenClock
from bot.crypto import InvalidToken, Vault, new_key, parse_keys
from bot.handlers.topics import DIALOG_KIND
from bot.storage import interaction, topics
from bot.storage.db import Database
from bot.storage.models import CaseTopic, Dialog
from tests.conftest import START
from tests.test_retention import QUESTION, SITUATION, Topics, seed_topics

ROOT = Path(__file__).resolve().parent.parent
SEALED = (*topics.TEXT_FIELDS, "outcome_note")

Stored = dict[int, dict[str, str | None]]


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """``main`` points the root logger at this test's stderr; put logging back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture
def sqlite_url(
    migrated_sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A migrated SQLite file of this test's own, set as DATABASE_URL; cwd without .env."""
    path = tmp_path / "bot.db"
    shutil.copyfile(migrated_sqlite_template, path)
    url = f"sqlite+aiosqlite:///{path}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("BOT_ENCRYPTION_KEY", raising=False)
    return url


async def _seed(url: str, vault: Vault) -> Topics:
    db = Database(url)
    try:
        return await seed_topics(db, FrozenClock(START), vault)
    finally:
        await db.dispose()


async def _stored(url: str) -> Stored:
    """Every sealed column of every topic, by topic id."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            rows = (await session.exec(select(CaseTopic).order_by(col(CaseTopic.id)))).all()
    finally:
        await db.dispose()
    return {row.id: {field: getattr(row, field) for field in SEALED} for row in rows if row.id}


def _tokens(stored: Stored) -> list[str]:
    return [token for fields in stored.values() for token in fields.values() if token]


def test_keys_new_prints_a_valid_key_with_an_empty_environment(tmp_path: Path) -> None:
    """No token, no database, even a broken .env: a fresh key on stdout, a hint on stderr."""
    (tmp_path / ".env").write_text("BOT_TOPIC_RETENTION_DAYS=viele\n", encoding="utf-8")
    runs = [
        subprocess.run(
            [sys.executable, "-m", "bot", "keys", "new"],
            cwd=tmp_path,
            env={"PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
        [key] = run.stdout.splitlines()
        assert parse_keys(key) == [key]
        assert Vault([key]).open(Vault([key]).seal("Probe")) == "Probe"
        assert len(run.stderr.strip().splitlines()) == 1
        assert "BOT_ENCRYPTION_KEY" in run.stderr
        assert "keys rotate" in run.stderr
    assert runs[0].stdout != runs[1].stdout
    assert not (tmp_path / "data").exists()  # no database was created


def test_rotate_reencrypts_every_text_with_the_new_key(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """After rotation the new key alone opens every stored text, and the text is the same."""
    old, new = new_key(), new_key()
    made = asyncio.run(_seed(sqlite_url, Vault([old])))
    before = asyncio.run(_stored(sqlite_url))
    plain = {
        topic_id: {field: Vault([old]).open_optional(token) for field, token in fields.items()}
        for topic_id, fields in before.items()
    }
    assert plain[made.queued]["question"] == QUESTION

    monkeypatch.setenv("BOT_ENCRYPTION_KEY", f"{new},{old}")
    assert main(["keys", "rotate"]) == 0

    after = asyncio.run(_stored(sqlite_url))
    count = len(_tokens(before))
    assert count == 14  # 3 × question, situation, will, tried; 2 outcome notes; no resources
    assert (
        capsys.readouterr().out.strip()
        == f"{count} Texte mit dem ersten Schlüssel neu verschlüsselt ({count} in Themen, "
        "0 in Entwürfen)."
    )
    assert set(_tokens(after)).isdisjoint(_tokens(before))
    only_new, only_old = Vault([new]), Vault([old])
    for topic_id, fields in after.items():
        for field, token in fields.items():
            assert only_new.open_optional(token) == plain[topic_id][field]
            if token is not None:
                with pytest.raises(InvalidToken):
                    only_old.open(token)
    assert plain[made.closed_31_days_ago]["situation"] == SITUATION


def test_a_text_no_key_opens_exits_2_names_the_topic_and_changes_nothing(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """One topic sealed with a lost key: exit 2, its id named, no text, every token unchanged."""
    old, new, lost = new_key(), new_key(), new_key()
    made = asyncio.run(_seed(sqlite_url, Vault([old])))
    asyncio.run(_replace_question(sqlite_url, made.queued, Vault([lost]).seal(QUESTION)))
    before = asyncio.run(_stored(sqlite_url))

    monkeypatch.setenv("BOT_ENCRYPTION_KEY", f"{new},{old}")
    assert main(["keys", "rotate"]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    [sentence] = captured.err.strip().splitlines()
    assert f"Thema {made.queued}" in sentence
    assert "nichts" in sentence
    assert QUESTION not in sentence
    assert not any(token in sentence for token in _tokens(before))
    assert asyncio.run(_stored(sqlite_url)) == before  # the topics before it were rolled back


async def _replace_question(url: str, topic_id: int, token: str) -> None:
    db = Database(url)
    try:
        async with db.transaction() as session:
            topic = await topics.get_topic(session, topic_id=topic_id)
            assert topic is not None
            topic.question = token
            session.add(topic)
    finally:
        await db.dispose()


@pytest.mark.parametrize("setting", [None, "", "kein-fernet-schluessel"])
def test_rotate_without_a_usable_key_exits_2_with_one_sentence(
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    setting: str | None,
) -> None:
    """No key, an empty or a malformed one: exit 2 and one sentence naming the setting."""
    if setting is not None:
        monkeypatch.setenv("BOT_ENCRYPTION_KEY", setting)
    assert main(["keys", "rotate"]) == 2
    captured = capsys.readouterr()
    [sentence] = captured.err.strip().splitlines()
    assert sentence.startswith("Fehler: BOT_ENCRYPTION_KEY")
    assert "Traceback" not in captured.err


async def _draft(url: str, telegram_id: int, answers: dict[str, str | None]) -> None:
    db = Database(url)
    try:
        async with db.transaction() as session:
            await interaction.set_dialog(
                session,
                telegram_id=telegram_id,
                chat_id=telegram_id,
                kind=DIALOG_KIND,
                step="will",
                data={"team_id": 1, "answers": answers, "asked": 3},
                now=START,
            )
    finally:
        await db.dispose()


async def _drafts(url: str) -> dict[int, dict[str, Any]]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            rows = (await session.exec(select(Dialog))).all()
    finally:
        await db.dispose()
    return {row.telegram_id: row.data for row in rows}


def test_rotate_reseals_the_answers_of_running_drafts(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Draft answers are resealed too; one no key opens is left as it was, with a note."""
    old, new, lost = new_key(), new_key(), new_key()
    sealed = Vault([old]).seal(QUESTION)
    unreadable = Vault([lost]).seal(SITUATION)
    asyncio.run(_draft(sqlite_url, 1001, {"question": sealed, "situation": None}))
    asyncio.run(_draft(sqlite_url, 1002, {"question": sealed, "situation": unreadable}))

    monkeypatch.setenv("BOT_ENCRYPTION_KEY", f"{new},{old}")
    assert main(["keys", "rotate"]) == 0

    captured = capsys.readouterr()
    assert "2 Texte" in captured.out
    assert "(0 in Themen, 2 in Entwürfen)" in captured.out
    assert "keinem Schlüssel öffnen lassen: 1;" in captured.err
    drafts = asyncio.run(_drafts(sqlite_url))
    only_new = Vault([new])
    for telegram_id in (1001, 1002):
        assert only_new.open(drafts[telegram_id]["answers"]["question"]) == QUESTION
        assert drafts[telegram_id]["team_id"] == 1
        assert drafts[telegram_id]["asked"] == 3
    assert drafts[1001]["answers"]["situation"] is None
    assert drafts[1002]["answers"]["situation"] == unreadable
