"""``python -m bot structure import|show`` and the command menus published at start."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.commands import GROUP_COMMANDS, PRIVATE_COMMANDS
from tests.auxil.world import World

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean working directory (no .env) with a SQLite database of its own."""
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "BOT_ADMIN_IDS", "TELEGRAM_API_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    return tmp_path


def test_structure_import_is_idempotent_and_show_prints_the_tree(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Importing twice changes nothing the second time; show lists regions and teams."""
    assert main(["structure", "import", str(EXAMPLES / "norderstedt.toml")]) == 0
    first = capsys.readouterr().out
    assert main(["structure", "import", str(EXAMPLES / "norderstedt.toml")]) == 0
    second = capsys.readouterr().out
    assert first != second
    assert "Keine Änderungen" in second
    assert main(["structure", "show"]) == 0
    tree = capsys.readouterr().out
    for name in ("Region Nord", "Garstedt", "Sozialraumteam Süd B", "SOS Kinderdorf"):
        assert name in tree


def test_malformed_structure_file_names_the_line_and_imports_nothing(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken file ends with exit code 2, the line number, and an empty database."""
    broken = cli_env / "kaputt.toml"
    broken.write_text(
        '[organisation]\nkey = "x"\nname = "Jugendamt X"\nstate = "SH"\n'
        'emergency_contact = "110"\n\n[[region]]\nkey = "nord"\nname = \n',
        encoding="utf-8",
    )
    assert main(["structure", "import", str(broken)]) == 2
    error = capsys.readouterr().err
    assert "Zeile 9" in error
    assert "Traceback" not in error
    assert main(["structure", "show"]) == 0
    assert "structure import" in capsys.readouterr().out


def test_missing_structure_file_is_explained(
    cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path that does not exist ends with exit code 2 and one sentence."""
    assert main(["structure", "import", str(cli_env / "gibt-es-nicht.toml")]) == 2
    assert "gibt-es-nicht.toml" in capsys.readouterr().err


async def test_command_menus_are_published_per_chat_type_and_language(world: World) -> None:
    """At start the bot sets private and group menus, in German and English."""
    calls = world.fake.calls_to("setMyCommands")
    seen = {
        (call.params["scope"]["type"], call.params.get("language_code", "")): [
            command["command"] for command in call.params["commands"]
        ]
        for call in calls
    }
    for language in ("", "de", "en"):
        assert seen[("all_private_chats", language)] == list(PRIVATE_COMMANDS)
        assert seen[("all_group_chats", language)] == list(GROUP_COMMANDS)
    english = next(
        call
        for call in calls
        if call.params.get("language_code") == "en"
        and call.params["scope"]["type"] == "all_private_chats"
    )
    descriptions = {c["command"]: c["description"] for c in english.params["commands"]}
    assert descriptions["team"] == "Members and roles of my teams"
