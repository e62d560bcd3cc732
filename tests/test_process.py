"""The real ``python -m bot`` process: structure import, onboarding over long polling, SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.auxil import people
from tests.auxil.builders import (
    callback_update,
    message_dict_from_sent,
    message_update,
    private_chat,
)
from tests.auxil.fake_bot_api import TOKEN, FakeBotAPI

ROOT = Path(__file__).resolve().parent.parent
NORDERSTEDT = str(ROOT / "examples" / "norderstedt.toml")
MARKER = "Geheimer-Marker-7731"


def _env(fake: FakeBotAPI, db_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM")}
    env.update(
        PYTHONPATH=str(ROOT),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake.url,
        DATABASE_URL=f"sqlite+aiosqlite:///{db_path}",
        BOT_ADMIN_IDS=str(people.ADMIN.id),
        LOG_LEVEL="DEBUG",
    )
    return env


def _last_text(fake: FakeBotAPI, chat_id: int) -> str:
    sent = fake.sent(chat_id)
    return sent[-1].text or "" if sent else ""


@pytest.mark.slow
def test_bot_process_onboards_a_member_and_exits_cleanly_on_sigterm(
    tmp_path: Path, fake_api: FakeBotAPI
) -> None:
    """Import, run, invite, join, /team over real long polling; SIGTERM ends it with code 0."""
    env = _env(fake_api, tmp_path / "bot.db")
    imported = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "structure",
            "import",
            str(ROOT / "examples/norderstedt.toml"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    log_path = tmp_path / "bot.log"
    log_file = log_path.open("w", encoding="utf-8")  # a file, not a pipe: a full pipe would block
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        admin_chat = private_chat(people.ADMIN)
        fake_api.push_update(message_update(people.ADMIN, admin_chat, "/einladen"))
        assert fake_api.wait_for(lambda f: bool(f.sent(people.ADMIN.id)), timeout=30)
        teams = fake_api.sent(people.ADMIN.id)[-1]
        bot_user = {
            "id": 123456789,
            "is_bot": True,
            "first_name": "Sozialraum-Bot",
            "username": "sozialraum_test_bot",
        }
        data = teams.button("Sozialraumteam Süd A")["callback_data"]
        fake_api.push_update(
            callback_update(people.ADMIN, message_dict_from_sent(teams, bot_user), data)
        )
        assert fake_api.wait_for(
            lambda f: "ASD" in " ".join(f.message(teams.chat_id, teams.message_id).button_texts()),
            timeout=10,
        )
        roles = fake_api.message(teams.chat_id, teams.message_id)
        data = roles.button("Koordination")["callback_data"]
        fake_api.push_update(
            callback_update(people.ADMIN, message_dict_from_sent(roles, bot_user), data)
        )
        assert fake_api.wait_for(
            lambda f: "t.me/" in (f.message(teams.chat_id, teams.message_id).text or ""),
            timeout=10,
        )
        text = fake_api.message(teams.chat_id, teams.message_id).text or ""
        code = text.split("?start=")[1].split()[0]

        joiner = people.NETWORKER
        fake_api.push_update(message_update(joiner, private_chat(joiner), f"/start {code}"))
        assert fake_api.wait_for(lambda f: "Willkommen" in _last_text(f, joiner.id), timeout=10)
        fake_api.push_update(message_update(joiner, private_chat(joiner), MARKER))
        fake_api.push_update(message_update(joiner, private_chat(joiner), "/team"))
        last_id = fake_api.push_update(message_update(joiner, private_chat(joiner), "/hilfe"))
        assert fake_api.wait_for(lambda f: len(f.sent(joiner.id)) >= 4, timeout=10)
        roster = [m.text or "" for m in fake_api.sent(joiner.id)]
        assert any("Nils Netzwerk – Koordination" in text for text in roster)
        assert fake_api.wait_for(lambda f: f.confirmed_offset > last_id, timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log_file.close()
    output = log_path.read_text(encoding="utf-8")
    assert process.returncode == 0, output
    assert "bot stopped" in output
    assert "Traceback" not in output
    assert MARKER not in output
    assert TOKEN not in output
    assert fake_api.confirmed_offset == last_id + 1


@pytest.mark.slow
def test_run_without_token_explains_what_to_do(tmp_path: Path, fake_api: FakeBotAPI) -> None:
    """``python -m bot run`` with no token ends with one sentence and exit code 2."""
    env = _env(fake_api, tmp_path / "bot.db")
    env["TELEGRAM_BOT_TOKEN"] = ""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "@BotFather" in result.stderr
    assert "Traceback" not in result.stderr
