"""The outbox end to end: the real sender, the real database, the fake Bot API.

Messages are queued with :func:`bot.storage.outbox.enqueue` inside a transaction, as a handler
does, and delivered by ``world.deliver_outbox()`` at a frozen clock that only the test moves.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.scheduler.outbox import OutboxSender
from bot.storage import audit, directory, outbox
from bot.storage.models import BotChat, OutboxMessage, OutboxStatus, Team
from tests.auxil import people
from tests.auxil.data import Directory
from tests.auxil.world import World

PRIVATE = people.COORDINATOR.id
GROUP = people.NORD_A_GROUP.id
NEW_GROUP = -100999
MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"


# -- helpers ------------------------------------------------------------------------------


async def _enqueue(world: World, chat_id: int, text: str, **kwargs: Any) -> OutboxMessage | None:
    async with world.db.transaction() as session:
        return await outbox.enqueue(
            session, chat_id=chat_id, text=text, now=world.clock.now(), **kwargs
        )


async def _queue(world: World, chat_id: int, text: str, **kwargs: Any) -> int:
    """Queue one message (no dedupe key in the way); returns its id."""
    queued = await _enqueue(world, chat_id, text, **kwargs)
    assert queued is not None and queued.id is not None
    return queued.id


async def _enqueue_all(world: World, messages: list[tuple[int, str]]) -> None:
    async with world.db.transaction() as session:
        for chat_id, text in messages:
            await outbox.enqueue(session, chat_id=chat_id, text=text, now=world.clock.now())


async def _rows(world: World) -> list[OutboxMessage]:
    async with world.db.transaction() as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        return list((await session.exec(query)).all())


async def _row(world: World, message_id: int) -> OutboxMessage:
    async with world.db.transaction() as session:
        row = await session.get(OutboxMessage, message_id)
    assert row is not None
    return row


def _send_calls(world: World) -> int:
    return len(world.fake.calls_to("sendMessage"))


def _sender_with(world: World, bot: Bot) -> OutboxSender:
    """A second sender on the same database that talks to Telegram through ``bot``."""
    return OutboxSender(db=world.db, bot=bot, clock=world.clock)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def _bot_api(answer_after: float | None) -> AsyncIterator[int]:
    """A minimal Bot API that answers sendMessage after ``answer_after`` seconds (None: never).

    Yields its port.
    """
    writers: list[asyncio.StreamWriter] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"content-length: *(\d+)", head, re.IGNORECASE)
            await reader.readexactly(int(length.group(1)) if length else 0)
            if answer_after is None:
                await reader.read()  # until the client gives up
                return
            await asyncio.sleep(answer_after)
            message = {"message_id": 77, "date": 0, "chat": {"id": PRIVATE, "type": "private"}}
            body = json.dumps({"ok": True, "result": {**message, "text": "x"}}).encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        for writer in writers:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        server.close()
        await server.wait_closed()


async def _until_status(world: World, message_id: int, status: OutboxStatus) -> None:
    for _ in range(500):
        if (await _row(world, message_id)).status == status:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"message {message_id} never became {status}")


# -- the normal case ----------------------------------------------------------------------


async def test_message_is_sent_once_and_its_text_dropped(world: World) -> None:
    """A queued message arrives once, keeps its HTML, and the row forgets its text."""
    queued = await _queue(world, PRIVATE, "Neue <b>Nachricht</b> &amp; mehr")

    sent = await world.deliver_outbox()

    assert [(m.chat_id, m.text, m.parse_mode) for m in sent] == [
        (PRIVATE, "Neue <b>Nachricht</b> &amp; mehr", "HTML")
    ]
    row = await _row(world, queued)
    assert row.status == OutboxStatus.SENT
    assert row.text == ""
    assert row.message_id == sent[0].message_id
    assert row.sent_at == world.clock.now()
    assert row.attempts == 1


async def test_second_drain_sends_nothing(world: World) -> None:
    """Draining again, even much later, never repeats a delivered message."""
    await _enqueue(world, PRIVATE, "Einmal")
    assert len(await world.deliver_outbox()) == 1
    assert await world.deliver_outbox() == []
    world.clock.advance(timedelta(days=1))
    assert await world.deliver_outbox() == []
    assert _send_calls(world) == 1


async def test_keyboard_is_sent_with_the_message(world: World) -> None:
    """A stored inline keyboard goes out with the message and is dropped after sending."""
    markup = {"inline_keyboard": [[{"text": "Ansehen", "callback_data": "tok"}]]}
    queued = await _queue(world, PRIVATE, "Mit Knopf", reply_markup=markup)
    sent = await world.deliver_outbox()
    assert sent[0].button_texts() == ["Ansehen"]
    assert (await _row(world, queued)).reply_markup is None


async def test_dedupe_key_queues_a_message_only_once(world: World) -> None:
    """A second enqueue with the same key queues nothing, even after the first was sent."""
    first = await _enqueue(world, PRIVATE, "Erinnerung", dedupe_key="reminder:1")
    again = await _enqueue(world, PRIVATE, "Erinnerung", dedupe_key="reminder:1")
    assert first is not None
    assert again is None
    assert len(await world.deliver_outbox()) == 1
    assert await _enqueue(world, PRIVATE, "Erinnerung", dedupe_key="reminder:1") is None
    assert await world.deliver_outbox() == []
    other = await _enqueue(world, PRIVATE, "Andere", dedupe_key="reminder:2")
    assert other is not None
    world.clock.advance(timedelta(seconds=1))
    assert len(await world.deliver_outbox()) == 1


async def test_message_waits_for_not_before(world: World) -> None:
    """A message queued for later is not sent before its time."""
    await _enqueue(world, PRIVATE, "Später", not_before=world.clock.now() + timedelta(hours=1))
    assert await world.deliver_outbox() == []
    world.clock.advance(timedelta(minutes=59))
    assert await world.deliver_outbox() == []
    world.clock.advance(timedelta(minutes=1))
    assert len(await world.deliver_outbox()) == 1


async def test_rolled_back_enqueue_sends_nothing(world: World) -> None:
    """A message queued in a transaction that fails is never sent."""

    async def enqueue_then_fail() -> None:
        async with world.db.transaction() as session:
            await outbox.enqueue(session, chat_id=PRIVATE, text="Nie", now=world.clock.now())
            raise LookupError("the handler failed after queueing")

    with pytest.raises(LookupError):
        await enqueue_then_fail()
    assert await world.deliver_outbox() == []
    assert await _rows(world) == []


async def test_overlong_text_is_queued_in_parts_in_order(world: World) -> None:
    """A text over 4096 characters goes out as several messages, keyboard on the last."""
    lines = [f"Zeile {number:04d} " + "x" * 90 for number in range(100)]
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    await _enqueue(world, PRIVATE, "\n".join(lines), reply_markup=markup, dedupe_key="lang")

    sent = []
    for _ in range(4):  # one message a second into a private chat
        sent += await world.deliver_outbox()
        world.clock.advance(timedelta(seconds=1))

    assert len(sent) == 3
    assert "\n".join(m.text or "" for m in sent).split("\n") == lines
    assert [m.button_texts() for m in sent] == [[], [], ["OK"]]
    assert await _enqueue(world, PRIVATE, "nochmal", dedupe_key="lang") is None


# -- Telegram says no ---------------------------------------------------------------------


async def test_429_waits_for_retry_after_then_sends_exactly_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After 429 with retry_after=7 the message waits seven seconds and then goes out once."""
    # Without it the library's RetryAfter warns about a coming type change, and the test
    # run turns warnings into errors.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    queued = await _queue(world, PRIVATE, "Gleich")
    world.fake.fail_next("sendMessage", status=429, retry_after=7)

    assert await world.deliver_outbox() == []
    row = await _row(world, queued)
    assert (row.status, row.not_before) == (
        OutboxStatus.PENDING,
        world.clock.now() + timedelta(seconds=7),
    )
    assert row.text == "Gleich"

    world.clock.advance(timedelta(seconds=6))
    assert await world.deliver_outbox() == []
    world.clock.advance(timedelta(seconds=1))
    sent = await world.deliver_outbox()
    assert [m.text for m in sent] == ["Gleich"]
    world.clock.advance(timedelta(minutes=5))
    assert await world.deliver_outbox() == []
    assert _send_calls(world) == 2  # the refused try and the successful one


async def test_429_holds_back_the_whole_chat_but_not_others(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While one chat waits for retry_after, its next message waits too; others go out."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    await _enqueue(world, PRIVATE, "Erste")
    await _enqueue(world, PRIVATE, "Zweite")
    await _enqueue(world, people.CASEWORKER.id, "Für Sven")
    world.fake.fail_next("sendMessage", status=429, retry_after=30)

    sent = await world.deliver_outbox()
    assert [(m.chat_id, m.text) for m in sent] == [(people.CASEWORKER.id, "Für Sven")]
    world.clock.advance(timedelta(seconds=29))
    assert await world.deliver_outbox() == []
    world.clock.advance(timedelta(seconds=1))
    sent = await world.deliver_outbox()
    world.clock.advance(timedelta(seconds=1))
    sent += await world.deliver_outbox()
    assert [m.text for m in sent] == ["Erste", "Zweite"]  # queue order kept after the retry


async def test_blocked_chat_fails_and_is_not_retried(world: World) -> None:
    """403 'bot was blocked by the user' ends the message as failed; it is never tried again."""
    queued = await _queue(world, PRIVATE, "Blockiert")
    world.fake.block_chat(PRIVATE)

    assert await world.deliver_outbox() == []
    row = await _row(world, queued)
    assert row.status == OutboxStatus.FAILED
    assert "blocked" in (row.last_error or "")
    assert row.text == ""

    world.fake.unblock_chat(PRIVATE)
    world.clock.advance(timedelta(hours=1))
    assert await world.deliver_outbox() == []
    assert _send_calls(world) == 1


async def test_bad_request_fails_without_retry(world: World) -> None:
    """Markup Telegram cannot parse is refused for good and not retried."""
    queued = await _queue(world, PRIVATE, "Kaputt <b>fett")
    assert await world.deliver_outbox() == []
    world.clock.advance(timedelta(hours=1))
    assert await world.deliver_outbox() == []
    assert (await _row(world, queued)).status == OutboxStatus.FAILED
    assert _send_calls(world) == 1


async def test_server_error_is_retried_with_growing_back_off(world: World) -> None:
    """A 500 answer puts the message back: 5 s, then 10 s later, then it is sent once."""
    queued = await _queue(world, PRIVATE, "Trotzdem")
    world.fake.fail_next("sendMessage", status=500, description="Internal Server Error", times=2)

    assert await world.deliver_outbox() == []
    row = await _row(world, queued)
    assert row.status == OutboxStatus.PENDING
    assert row.not_before == world.clock.now() + timedelta(seconds=5)

    world.clock.advance(timedelta(seconds=4))
    assert await world.deliver_outbox() == []
    world.clock.advance(timedelta(seconds=1))
    assert await world.deliver_outbox() == []  # second 500
    row = await _row(world, queued)
    assert row.not_before == world.clock.now() + timedelta(seconds=10)

    world.clock.advance(timedelta(seconds=10))
    assert [m.text for m in await world.deliver_outbox()] == ["Trotzdem"]
    row = await _row(world, queued)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 3)
    assert _send_calls(world) == 3


async def test_bad_gateway_is_retried(world: World) -> None:
    """502 from a proxy in front of the Bot API is a temporary error, too."""
    await _enqueue(world, PRIVATE, "Nach 502")
    world.fake.fail_next("sendMessage", status=502, description="Bad Gateway")
    assert await world.deliver_outbox() == []
    world.clock.advance(timedelta(seconds=5))
    assert [m.text for m in await world.deliver_outbox()] == ["Nach 502"]


async def test_refused_connection_is_retried(world: World) -> None:
    """When the Bot API cannot be reached at all, the message waits and is sent later."""
    queued = await _queue(world, PRIVATE, "Netz weg")
    unreachable = Bot(
        world.app.bot.token,
        base_url=f"http://127.0.0.1:{_closed_port()}/bot",
        request=HTTPXRequest(connect_timeout=2),
    )
    try:
        await _sender_with(world, unreachable).drain()
    finally:
        await unreachable.request.shutdown()  # never initialized
    row = await _row(world, queued)
    assert (row.status, row.last_error) == (OutboxStatus.PENDING, "NetworkError")
    assert row.not_before == world.clock.now() + timedelta(seconds=5)

    world.clock.advance(timedelta(seconds=5))
    assert [m.text for m in await world.deliver_outbox()] == ["Netz weg"]


async def test_read_timeout_marks_message_uncertain_and_never_resends(world: World) -> None:
    """If the request went out but no answer came, the message may have arrived: no resend."""
    queued = await _queue(world, PRIVATE, "Vielleicht angekommen")
    async with _bot_api(answer_after=None) as port:
        silent = Bot(
            world.app.bot.token,
            base_url=f"http://127.0.0.1:{port}/bot",
            request=HTTPXRequest(read_timeout=0.1),
        )
        try:
            await _sender_with(world, silent).drain()
        finally:
            await silent.request.shutdown()  # never initialized
    row = await _row(world, queued)
    assert (row.status, row.last_error, row.text) == (OutboxStatus.UNCERTAIN, "TimedOut", "")
    world.clock.advance(timedelta(hours=1))
    assert await world.deliver_outbox() == []


async def test_rejected_token_keeps_message_for_later(world: World) -> None:
    """401 means Telegram refused the request itself: the message is kept and retried."""
    queued = await _queue(world, PRIVATE, "Token falsch")
    wrong = Bot("987654321:" + "x" * 35, base_url=world.fake.url + "/bot")
    try:
        await _sender_with(world, wrong).drain()
    finally:
        await wrong.request.shutdown()  # never initialized
    row = await _row(world, queued)
    assert (row.status, row.last_error) == (OutboxStatus.PENDING, "InvalidToken")
    world.clock.advance(timedelta(seconds=5))
    assert [m.text for m in await world.deliver_outbox()] == ["Token falsch"]


# -- crashes ------------------------------------------------------------------------------


async def test_message_caught_mid_send_by_a_crash_is_uncertain_and_never_sent(
    world: World,
) -> None:
    """A row left 'sending' (crash between claim and mark) becomes 'uncertain' at start."""
    queued = await _queue(world, PRIVATE, "Im Flug")
    await _enqueue(world, people.CASEWORKER.id, "Wartet noch")
    async with world.db.transaction() as session:  # what the sender did before the crash
        assert await outbox.claim(session, message_id=queued)

    assert await world.services.outbox.recover() == 1  # type: ignore[union-attr]

    row = await _row(world, queued)
    assert (row.status, row.text) == (OutboxStatus.UNCERTAIN, "")
    sent = await world.deliver_outbox()
    assert [m.text for m in sent] == ["Wartet noch"]
    world.clock.advance(timedelta(days=1))
    assert await world.deliver_outbox() == []
    assert [call.params["chat_id"] for call in world.fake.calls_to("sendMessage")] == [
        people.CASEWORKER.id
    ]


async def test_recover_leaves_pending_and_sent_messages_alone(world: World) -> None:
    """Only interrupted messages change state at start."""
    await _enqueue(world, PRIVATE, "Schon da")
    await world.deliver_outbox()
    await _enqueue(world, PRIVATE, "Noch offen")
    assert await world.services.outbox.recover() == 0  # type: ignore[union-attr]
    async with world.db.transaction() as session:
        counts = await outbox.count_by_status(session)
    assert counts == {OutboxStatus.SENT: 1, OutboxStatus.PENDING: 1}


async def test_purge_keeps_queued_and_in_flight_messages(world: World) -> None:
    """Clean-up deletes old finished messages, never pending or 'sending' ones."""
    await _queue(world, PRIVATE, "Alt und gesendet")
    await world.deliver_outbox()
    pending = await _queue(
        world, PRIVATE, "Alt, wartet", not_before=world.clock.now() + timedelta(days=90)
    )
    flying = await _queue(world, people.CASEWORKER.id, "Alt, im Flug")
    async with world.db.transaction() as session:
        assert await outbox.claim(session, message_id=flying)

    async with world.db.transaction() as session:
        removed = await outbox.purge_finished(
            session, older_than=world.clock.now() + timedelta(days=60)
        )

    assert removed == 1
    assert [row.id for row in await _rows(world)] == [pending, flying]


async def test_second_sender_cannot_send_a_claimed_message(world: World) -> None:
    """Two senders on one database: a message claimed by one is skipped by the other."""
    queued = await _queue(world, PRIVATE, "Nur einer")
    async with world.db.transaction() as session:
        assert await outbox.claim(session, message_id=queued)
    async with world.db.transaction() as session:
        assert not await outbox.claim(session, message_id=queued)
    assert await world.deliver_outbox() == []


async def test_stop_lets_the_message_in_flight_finish(world: World) -> None:
    """Stopping the sender waits for the message being sent; the next one stays queued."""
    first = await _queue(world, PRIVATE, "Im Flug")
    second = await _queue(world, people.CASEWORKER.id, "Danach")
    async with _bot_api(answer_after=0.3) as port:
        slow = Bot(world.app.bot.token, base_url=f"http://127.0.0.1:{port}/bot")
        sender = _sender_with(world, slow)
        try:
            await sender.start()
            await _until_status(world, first, OutboxStatus.SENDING)
            await sender.stop()
        finally:
            await slow.request.shutdown()  # never initialized
    done = await _row(world, first)
    assert (done.status, done.message_id) == (OutboxStatus.SENT, 77)
    assert (await _row(world, second)).status == OutboxStatus.PENDING


# -- Telegram's limits --------------------------------------------------------------------


async def test_group_gets_twenty_messages_a_minute(world: World) -> None:
    """25 messages to one group: 20 go at once, the other 5 a minute later, in order."""
    await _enqueue_all(world, [(GROUP, f"Gruppe {number}") for number in range(25)])

    first = await world.deliver_outbox()
    assert [m.text for m in first] == [f"Gruppe {n}" for n in range(20)]
    world.clock.advance(timedelta(seconds=59))
    assert await world.deliver_outbox() == []
    world.clock.advance(timedelta(seconds=1))
    rest = await world.deliver_outbox()
    assert [m.text for m in rest] == [f"Gruppe {n}" for n in range(20, 25)]
    assert _send_calls(world) == 25


async def test_private_chat_gets_one_message_a_second(world: World) -> None:
    """Three messages to one person go out one per second."""
    for number in range(3):
        await _enqueue(world, PRIVATE, f"Privat {number}")
    texts = []
    for _ in range(3):
        texts += [m.text for m in await world.deliver_outbox()]
        world.clock.advance(timedelta(seconds=1))
    assert texts == ["Privat 0", "Privat 1", "Privat 2"]


async def test_overall_limit_of_thirty_per_second(world: World) -> None:
    """35 people get a notice: 30 in the first second, 5 in the next."""
    await _enqueue_all(world, [(50_000 + chat_id, "Rundschreiben") for chat_id in range(1, 36)])
    assert len(await world.deliver_outbox()) == 30
    assert await world.deliver_outbox() == []
    world.clock.advance(timedelta(seconds=1))
    assert len(await world.deliver_outbox()) == 5


async def test_long_group_queue_does_not_hold_up_other_chats(world: World) -> None:
    """With 150 messages queued for one group, a private message queued last still goes now."""
    await _enqueue_all(world, [(GROUP, f"Gruppe {number}") for number in range(150)])
    await _enqueue(world, PRIVATE, "Dringend")

    sent = await world.deliver_outbox()

    assert [m.text for m in sent if m.chat_id == PRIVATE] == ["Dringend"]
    assert len([m for m in sent if m.chat_id == GROUP]) == 20


async def test_drain_reports_when_to_look_again(world: World) -> None:
    """The sender sleeps until the next message is allowed instead of polling busily."""
    sender = world.services.outbox
    assert sender is not None
    await _enqueue_all(world, [(GROUP, f"Gruppe {number}") for number in range(21)])
    assert await sender.drain() == 5.0  # the poll interval caps the minute the group waits
    await _enqueue(world, PRIVATE, "Gleich", not_before=world.clock.now() + timedelta(seconds=2))
    assert await sender.drain() == 2.0
    world.clock.advance(timedelta(minutes=1))
    await sender.drain()
    assert await sender.drain() == 5.0  # nothing left: the poll interval


# -- a group becomes a supergroup ---------------------------------------------------------


async def test_message_follows_group_to_its_supergroup(world: World, teams: Directory) -> None:
    """ChatMigrated: the message goes to the new id, and the team binding moves along."""
    async with world.db.transaction() as session:
        team = await directory.get_team(session, team_id=teams.nord_a)
        assert team is not None
        await directory.bind_chat(session, team=team, chat_id=GROUP)
        session.add(
            BotChat(chat_id=GROUP, title="Nord A", status="member", updated_at=world.clock.now())
        )
    first = await _queue(world, GROUP, "Für die Gruppe")
    second = await _queue(world, GROUP, "Noch eine")
    world.fake.fail_next(
        "sendMessage", status=400, description=MIGRATED, migrate_to_chat_id=NEW_GROUP
    )

    sent = await world.deliver_outbox()

    assert [(m.chat_id, m.text) for m in sent] == [
        (NEW_GROUP, "Für die Gruppe"),
        (NEW_GROUP, "Noch eine"),
    ]
    assert [call.params["chat_id"] for call in world.fake.calls_to("sendMessage")] == [
        GROUP,
        NEW_GROUP,
        NEW_GROUP,
    ]
    for queued in (first, second):
        row = await _row(world, queued)
        assert (row.status, row.chat_id) == (OutboxStatus.SENT, NEW_GROUP)
    async with world.db.transaction() as session:
        moved = await session.get(Team, teams.nord_a)
        assert moved is not None and moved.chat_id == NEW_GROUP
        assert await session.get(BotChat, GROUP) is None
        assert await session.get(BotChat, NEW_GROUP) is not None
        entries = await audit.entries(session, action="group.migrated")
    assert [(e.object_id, e.details) for e in entries] == [
        (str(teams.nord_a), {"old_chat_id": GROUP, "new_chat_id": NEW_GROUP})
    ]
    assert await world.deliver_outbox() == []


async def test_migration_of_an_unbound_group_still_delivers(world: World) -> None:
    """A group bound to no team is followed as well; nothing else changes."""
    queued = await _queue(world, GROUP, "Ohne Team")
    world.fake.fail_next(
        "sendMessage", status=400, description=MIGRATED, migrate_to_chat_id=NEW_GROUP
    )
    assert [(m.chat_id, m.text) for m in await world.deliver_outbox()] == [
        (NEW_GROUP, "Ohne Team")
    ]
    assert (await _row(world, queued)).chat_id == NEW_GROUP


async def test_migration_is_followed_only_once(world: World) -> None:
    """If the new id migrates again at once, the message fails instead of looping."""
    queued = await _queue(world, GROUP, "Ping-Pong")
    world.fake.fail_next(
        "sendMessage", status=400, description=MIGRATED, migrate_to_chat_id=NEW_GROUP, times=2
    )
    assert await world.deliver_outbox() == []
    row = await _row(world, queued)
    assert (row.status, row.chat_id) == (OutboxStatus.FAILED, NEW_GROUP)
    assert _send_calls(world) == 2
