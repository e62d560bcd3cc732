"""The unit of work around every update: exactly once, all or nothing, and quiet logs."""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.i18n import t
from bot.logsetup import LIBRARY_FLOORS, RedactingFormatter
from tests.auxil import people
from tests.auxil.builders import (
    TgUser,
    callback_update,
    message_dict_from_sent,
    message_update,
    private_chat,
)
from tests.auxil.data import Directory
from tests.auxil.fake_bot_api import TOKEN, SentMessage
from tests.auxil.world import World

ERROR_TEXT = t("de", "error.user")
NOT_FOUND = "Bad Request: message to edit not found"
CHAT_NOT_FOUND = "Bad Request: chat not found"
TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


# -- helpers ------------------------------------------------------------------------------


async def _invite_menu(world: World) -> SentMessage:
    """Carla's /einladen: the role buttons of her only team."""
    sent = await world.send(people.COORDINATOR, "/einladen")
    assert "ASD (Allgemeiner Sozialer Dienst)" in sent[-1].button_texts()
    return sent[-1]


def _press_update(world: World, message: SentMessage, button: str) -> dict[str, Any]:
    """The raw update of Carla pressing ``button`` (to feed it more than once)."""
    raw = message_dict_from_sent(world.current(message), world.bot_user)
    data = message.button(button)["callback_data"]
    return callback_update(people.COORDINATOR, raw, data)


def _fail_link_delivery(world: World) -> None:
    """Make both ways of showing the new invitation link fail with 400."""
    world.fake.fail_next("editMessageText", status=400, description=NOT_FOUND)
    world.fake.fail_next("sendMessage", status=400, description=CHAT_NOT_FOUND)


async def _invite_link(world: World) -> str:
    menu = await _invite_menu(world)
    await world.press(people.COORDINATOR, menu, "Netzwerkarbeit")
    words = (world.current(menu).plain_text or "").split()
    return next(word for word in words if word.startswith("https://t.me/"))


# -- exactly once -------------------------------------------------------------------------


async def test_redelivered_update_is_handled_once(world: World) -> None:
    """Telegram sending the same update twice gets one answer; its id is stored."""
    update = message_update(people.STRANGER, private_chat(people.STRANGER), "/start")

    first = await world.feed(update)
    second = await world.feed(update)

    assert len(first) == 1
    assert second == []
    assert await world.count("processed_update", f"update_id = {update['update_id']}") == 1


async def test_redelivered_invitation_joins_once(world: World, teams: Directory) -> None:
    """A redelivered /start with a code neither joins twice nor answers 'already used'."""
    code = (await _invite_link(world)).split("start=")[1]
    update = message_update(people.NETWORKER, private_chat(people.NETWORKER), f"/start {code}")

    first = await world.feed(update)
    again = await world.feed(update)

    assert "Willkommen" in (first[0].text or "")
    assert again == []
    assert await world.count("membership", "role = 'netzwerk'") == 1
    assert await world.count("audit_log", "action = 'membership.joined'") == 1
    notices = await world.deliver_outbox()
    assert [m.chat_id for m in notices] == [people.COORDINATOR.id]


async def test_same_update_delivered_twice_at_once_is_handled_once(
    world: World, request: pytest.FixtureRequest
) -> None:
    """Webhook requests run concurrently: a parallel redelivery must not answer twice."""
    update = message_update(people.STRANGER, private_chat(people.STRANGER), "/start")

    await asyncio.gather(world.feed(update), world.feed(update), return_exceptions=True)

    assert len(world.fake.calls_to("sendMessage")) == 1
    assert await world.count("processed_update", f"update_id = {update['update_id']}") == 1


async def test_different_updates_with_same_content_are_both_handled(world: World) -> None:
    """Dedupe is by update id, not by content: writing /start twice gets two answers."""
    for _ in range(2):
        assert len(await world.send(people.STRANGER, "/start")) == 1
    assert await world.count("processed_update") == 2


# -- all or nothing -----------------------------------------------------------------------


async def test_failed_handler_stores_nothing_and_tells_user_and_admin(
    world: World, teams: Directory
) -> None:
    """The invite row and its audit entry vanish; the user gets the kind text, admins an alert."""
    menu = await _invite_menu(world)
    _fail_link_delivery(world)

    await world.press(people.COORDINATOR, menu, "ASD (Allgemeiner Sozialer Dienst)")

    assert await world.count("invite") == 0
    assert await world.count("audit_log") == 0
    answer = world.last_callback_answer()
    assert (answer["text"], answer.get("show_alert")) == (ERROR_TEXT, True)
    assert await world.count("processed_update") == 2  # the failed update is done, too

    alerts = await world.deliver_outbox()
    assert [m.chat_id for m in alerts] == [people.ADMIN.id]
    alert = alerts[0].plain_text or ""
    assert "callback_query" in alert
    assert "BadRequest" in alert


async def test_button_still_works_after_a_failed_press(world: World, teams: Directory) -> None:
    """The rollback also keeps the pressed keyboard valid, so trying again succeeds."""
    menu = await _invite_menu(world)
    _fail_link_delivery(world)
    await world.press(people.COORDINATOR, menu, "ASD (Allgemeiner Sozialer Dienst)")

    await world.press(people.COORDINATOR, menu, "ASD (Allgemeiner Sozialer Dienst)")

    assert "https://t.me/" in (world.current(menu).plain_text or "")
    assert await world.count("invite") == 1
    assert await world.count("audit_log", "action = 'invite.created'") == 1


async def test_redelivered_failed_update_is_not_run_again(world: World, teams: Directory) -> None:
    """A failed update is remembered as handled: its redelivery changes and sends nothing."""
    menu = await _invite_menu(world)
    update = _press_update(world, menu, "ASD (Allgemeiner Sozialer Dienst)")
    _fail_link_delivery(world)
    await world.feed(update)
    calls = len(world.fake.calls)

    assert await world.feed(update) == []

    assert len(world.fake.calls) == calls
    assert await world.count("invite") == 0


async def test_two_failures_in_a_row_send_one_admin_alert(world: World, teams: Directory) -> None:
    """Alerts are rate-limited: a second failure soon after the first alerts nobody."""
    menu = await _invite_menu(world)
    for _ in range(2):
        _fail_link_delivery(world)
        await world.press(people.COORDINATOR, menu, "ASD (Allgemeiner Sozialer Dienst)")
        assert world.last_callback_answer()["text"] == ERROR_TEXT
    assert [m.chat_id for m in await world.deliver_outbox()] == [people.ADMIN.id]

    world.clock.advance(timedelta(minutes=10))
    _fail_link_delivery(world)
    await world.press(people.COORDINATOR, menu, "ASD (Allgemeiner Sozialer Dienst)")
    assert [m.chat_id for m in await world.deliver_outbox()] == [people.ADMIN.id]


async def test_error_text_comes_as_message_when_the_alert_cannot_be_shown(
    world: World, teams: Directory
) -> None:
    """If answering the button fails (already answered, too old), the text is sent instead."""
    menu = await _invite_menu(world)
    world.fake.fail_next("answerCallbackQuery", status=400, description=TOO_OLD, times=2)

    sent = await world.press(people.COORDINATOR, menu, "ASD (Allgemeiner Sozialer Dienst)")

    assert [(m.chat_id, m.plain_text) for m in sent] == [(people.COORDINATOR.id, ERROR_TEXT)]
    assert await world.count("invite") == 0


async def test_failed_command_gets_the_error_text_in_the_users_language(
    world: World, teams: Directory
) -> None:
    """A failing /team answers with the kind text, in English for an English member."""
    async with world.db.engine.begin() as connection:
        await connection.execute(
            text(f"UPDATE member SET language = 'en' WHERE telegram_id = {people.CASEWORKER.id}")
        )
    world.fake.fail_next("sendMessage", status=400, description=CHAT_NOT_FOUND)

    sent = await world.send(people.CASEWORKER, "/team")

    assert [m.plain_text for m in sent] == [t("en", "error.user")]


async def test_writes_of_the_gate_roll_back_with_the_handler(
    world: World, teams: Directory
) -> None:
    """The member row the gate creates for a new administrator goes if the command fails."""
    world.fake.fail_next("sendMessage", status=400, description=CHAT_NOT_FOUND)

    sent = await world.send(people.ADMIN, "/team")

    assert [m.plain_text for m in sent] == [ERROR_TEXT]
    assert await world.count("member", f"telegram_id = {people.ADMIN.id}") == 0
    await world.send(people.ADMIN, "/team")
    assert await world.count("member", f"telegram_id = {people.ADMIN.id}") == 1


# -- logs ---------------------------------------------------------------------------------


def _production_log_levels(caplog: pytest.LogCaptureFixture) -> None:
    """Capture everything the bot logs at DEBUG, libraries at their production floors."""
    caplog.set_level(logging.DEBUG)
    for name, floor in LIBRARY_FLOORS:
        caplog.set_level(floor, logger=name)


def _record_texts(caplog: pytest.LogCaptureFixture) -> list[str]:
    formatter = logging.Formatter()
    texts = []
    for record in caplog.records:
        texts.append(record.getMessage())
        if record.exc_info:
            texts.append(formatter.formatException(record.exc_info))
    return texts


async def test_logs_of_a_full_onboarding_hold_no_message_text(
    world: World, teams: Directory, caplog: pytest.LogCaptureFixture
) -> None:
    """Invite, join, chat, fail: no log record contains what people wrote, codes or the token."""
    _production_log_levels(caplog)
    marker = "Zebrafink-4711 Familie Mustermann"
    newcomer = TgUser(3999, "Quentin", "Zebrafink-Quast")

    link = await _invite_link(world)
    code = link.split("start=")[1]
    await world.send(newcomer, f"/start {code}")
    await world.send(newcomer, f"/start {code}")  # a second, refused try
    await world.send(newcomer, marker)
    await world.send(newcomer, "/team")
    await world.send(people.COORDINATOR, marker, people.NORD_A_GROUP)
    world.fake.fail_next("sendMessage", status=400, description=CHAT_NOT_FOUND)
    await world.send(newcomer, f"/hilfe {marker}")  # fails: logged with its traceback
    await world.deliver_outbox()

    texts = _record_texts(caplog)
    assert any("error while handling" in entry for entry in texts)
    assert any("Traceback" in entry for entry in texts)
    for secret in ("Zebrafink", "Mustermann", code, TOKEN, TOKEN.split(":")[1]):
        leaks = [entry for entry in texts if secret in entry]
        assert leaks == [], secret


def test_formatter_hides_token_and_sql_parameters() -> None:
    """Formatted records, tracebacks included, lose the token and SQL parameter values."""
    formatter = RedactingFormatter("%(levelname)s %(message)s", TOKEN)
    error = IntegrityError(
        "INSERT INTO member (display_name) VALUES (?)", ("Familie Mustermann",), Exception("x")
    )
    try:
        raise error
    except IntegrityError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "bot", logging.ERROR, __file__, 1, "GET /bot%s/getMe failed", (TOKEN,), exc_info
    )

    formatted = formatter.format(record)

    assert "Mustermann" not in formatted
    assert TOKEN not in formatted
    assert "/bot<TOKEN>/getMe" in formatted
    assert "[parameters hidden]" in formatted
    assert "INSERT INTO member" in formatted  # the statement itself stays, for debugging
