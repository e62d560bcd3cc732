"""Operator mistakes end with one clear sentence naming the key, exit code 2, no traceback.

Each test runs the real command line in-process (``bot.cli.main``) in an empty folder, so no
``.env`` of the developer is read, with only the variables the test sets.
"""

from __future__ import annotations

import gc
import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from tests.auxil.fake_bot_api import TOKEN, FakeBotAPI

OTHER_TOKEN = "987654321:BBHotherTokenThatTelegramRejects_xyz"
EXIT_CONFIG = 2


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No setting from the outside, an empty working folder, logging as it was after."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/db/bot.db")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str], key: str) -> str:
    """Run the command; check exit 2 and one sentence on stderr naming ``key``."""
    code = main(argv)
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == EXIT_CONFIG, err
    assert "Traceback" not in err + out
    assert len(lines) == 1, err
    assert lines[0].startswith("Fehler: ")
    assert lines[0].endswith("."), lines[0]
    assert key in lines[0]
    return lines[0]


# -- the token ----------------------------------------------------------------------------


def test_missing_token_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    """Without TELEGRAM_BOT_TOKEN, run says where to get one and where to put it."""
    sentence = _refused(capsys, ["run"], "TELEGRAM_BOT_TOKEN")
    assert "@BotFather" in sentence
    assert ".env" in sentence


@pytest.mark.parametrize(
    "token",
    ["abc", "987654321", "987654321:short", "12:" + "a" * 35, "123456789:" + "ä" * 35],
)
def test_malformed_token_is_refused_before_any_network(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], token: str
) -> None:
    """A token that cannot be one is refused without asking Telegram, and not echoed."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9")
    sentence = _refused(capsys, ["run"], "TELEGRAM_BOT_TOKEN")
    assert token not in sentence


def test_stray_white_space_around_secrets_is_dropped() -> None:
    """A token read with a trailing newline (e.g. ``$(cat file)``) is the token itself."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=f" {TOKEN}\n",
        webhook_secret="\tgeheim-geheim-geheim \n",
    )
    assert settings.telegram_bot_token == TOKEN
    assert settings.webhook_secret == "geheim-geheim-geheim"


def test_token_the_api_rejects_is_explained(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fake_api: FakeBotAPI
) -> None:
    """A well-formed token that Telegram answers with 401 names the key, not the token."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", OTHER_TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", fake_api.url)
    sentence = _refused(capsys, ["run"], "TELEGRAM_BOT_TOKEN")
    assert "abgelehnt" in sentence
    assert OTHER_TOKEN.split(":")[1] not in sentence
    # The CLI leaves the HTTP connection of the failed start open (reported); collect it here
    # so that its ResourceWarning does not fail an unrelated test later.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def test_unreachable_api_is_explained(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nobody listening at TELEGRAM_API_URL: one sentence naming the key and the address."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9")
    sentence = _refused(capsys, ["run"], "TELEGRAM_API_URL")
    assert "http://127.0.0.1:9" in sentence
    assert TOKEN not in sentence


# -- other settings -----------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Europe/Nowhere", "Europe", "../etc/passwd", "berlin"])
def test_unknown_time_zone_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], zone: str
) -> None:
    """BOT_TIMEZONE must name a zone of the tz database (a folder like 'Europe' is none)."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_TIMEZONE", zone)
    assert "Europe/Berlin" in _refused(capsys, ["run"], "BOT_TIMEZONE")


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "",
        "mysql://user@localhost/bot",
        "sqlite:///data/bot.db",
        "postgresql://user@localhost/bot",
        "postgresql+asyncpg://user@localhost:port/bot",
    ],
)
def test_bad_database_url_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    """Unparsable URLs, wrong drivers and broken ports name DATABASE_URL and an example."""
    monkeypatch.setenv("DATABASE_URL", url)
    _refused(capsys, ["migrate"], "DATABASE_URL")


def test_sqlite_file_below_a_file_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A SQLite path whose folder cannot be created is a sentence, not a traceback."""
    (tmp_path / "blocker").write_text("not a folder")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/blocker/bot.db")
    _refused(capsys, ["migrate"], "DATABASE_URL")


def test_admin_ids_must_be_numbers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """BOT_ADMIN_IDS '1,abc' names the key and shows the expected form."""
    monkeypatch.setenv("BOT_ADMIN_IDS", "1,abc")
    sentence = _refused(capsys, ["migrate"], "BOT_ADMIN_IDS")
    assert "Kommas" in sentence


def test_admin_ids_are_parsed() -> None:
    """Spaces and empty entries are tolerated; the ids become a set of numbers."""
    settings = Settings(_env_file=None, bot_admin_ids=" 1, 22 ,,333 ")  # type: ignore[call-arg]
    assert settings.bot_admin_ids == frozenset({1, 22, 333})
    assert Settings(_env_file=None).bot_admin_ids == frozenset()  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("key", "value", "hint"),
    [
        ("BOT_LANGUAGE", "fr", "de oder en"),
        ("WEBHOOK_PORT", "achtzig", "ganze Zahl"),
        ("TELEGRAM_API_URL", "api.telegram.org", "https://"),
    ],
)
def test_invalid_values_are_explained_in_german(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    key: str,
    value: str,
    hint: str,
) -> None:
    """Other unusable values name the key and what is allowed, without pydantic's English."""
    monkeypatch.setenv(key, value)
    sentence = _refused(capsys, ["migrate"], key)
    assert hint in sentence
    assert "Input should" not in sentence


def test_env_file_is_read_and_environment_wins(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Settings come from .env in the working folder; the environment overrides them."""
    (tmp_path / ".env").write_text("BOT_TIMEZONE=Mars/Olympus\nBOT_LANGUAGE=en\n")
    _refused(capsys, ["migrate"], "BOT_TIMEZONE")
    monkeypatch.setenv("BOT_TIMEZONE", "Europe/Vienna")
    assert main(["migrate"]) == 0


def test_env_file_in_another_encoding_is_explained(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A .env saved as Latin-1 is a sentence about the file, not a UnicodeDecodeError."""
    (tmp_path / ".env").write_bytes("# Jugendamt Köln\nBOT_LANGUAGE=de\n".encode("latin-1"))
    _refused(capsys, ["migrate"], ".env")


# -- webhook ------------------------------------------------------------------------------


def test_webhook_without_secret_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--webhook needs WEBHOOK_SECRET, checked before anything is started."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9")
    _refused(capsys, ["run", "--webhook", "https://bot.example.org/hook"], "WEBHOOK_SECRET")


def test_webhook_with_short_secret_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A secret Telegram would not accept is refused the same way."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_SECRET", "kurz")
    _refused(capsys, ["run", "--webhook", "https://bot.example.org/hook"], "WEBHOOK_SECRET")


def test_webhook_needs_https(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Telegram only calls https:// webhooks; a plain http:// address is refused."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_SECRET", "s" * 32)
    _refused(capsys, ["run", "--webhook", "http://bot.example.org/hook"], "--webhook")


# -- migrate ------------------------------------------------------------------------------


def test_migrate_creates_a_fresh_sqlite_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """migrate needs no token, creates missing folders and the file, and can run again."""
    path = tmp_path / "neu" / "tief" / "bot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")

    assert main(["migrate"]) == 0
    assert path.is_file()
    assert main(["migrate"]) == 0

    out, err = capsys.readouterr()
    assert out.splitlines() == ["Datenbank ist auf dem neuesten Stand."] * 2
    assert "Traceback" not in err
