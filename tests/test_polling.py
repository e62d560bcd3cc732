"""Our own long-polling loop: confirm only after handling, skip redeliveries, survive errors."""

from __future__ import annotations

import asyncio

from bot.app import ALLOWED_UPDATES
from bot.polling import poll
from tests.auxil import people
from tests.auxil.builders import message_update, private_chat
from tests.auxil.data import Directory
from tests.auxil.world import World


async def _run_until(world: World, predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    stop = asyncio.Event()
    task = asyncio.create_task(poll(world.app, stop, allowed_updates=ALLOWED_UPDATES, timeout=1))
    try:
        assert await world.fake.wait_for_async(predicate, timeout=timeout)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


async def test_polling_handles_updates_in_order_and_confirms_them(
    world: World, teams: Directory
) -> None:
    """Pushed updates are answered in order, then confirmed by the next getUpdates offset."""
    chat = private_chat(people.CASEWORKER)
    first = world.fake.push_update(message_update(people.CASEWORKER, chat, "/team"))
    last = world.fake.push_update(message_update(people.CASEWORKER, chat, "/hilfe"))
    await _run_until(world, lambda f: len(f.sent(chat.id)) >= 2)
    texts = [m.text or "" for m in world.fake.sent(chat.id)]
    assert "Sozialraumteam Nord A" in texts[0]
    assert "/team" in texts[1]
    assert first < last
    assert world.fake.confirmed_offset == last + 1
    assert world.fake.calls_to("getUpdates")[0].params["allowed_updates"] == ALLOWED_UPDATES


async def test_update_handled_before_a_crash_is_not_handled_again(
    world: World, teams: Directory
) -> None:
    """An update stored but not confirmed before a crash is redelivered and skipped."""
    chat = private_chat(people.CASEWORKER)
    update = message_update(people.CASEWORKER, chat, "/team")
    update_id = world.fake.push_update(update)
    update["update_id"] = update_id
    await world.feed(update)  # handled and committed, then the process "died"
    assert len(world.fake.sent(chat.id)) == 1
    follow_up = world.fake.push_update(message_update(people.CASEWORKER, chat, "/hilfe"))

    await _run_until(world, lambda f: f.confirmed_offset > follow_up)
    texts = [m.text or "" for m in world.fake.sent(chat.id)]
    assert len(texts) == 2  # /team once (not twice), /hilfe once
    assert await world.count("processed_update") == 2


async def test_polling_survives_telegram_errors(world: World, teams: Directory) -> None:
    """A 502 and a 429 from getUpdates delay polling but lose nothing."""
    chat = private_chat(people.CASEWORKER)
    world.fake.fail_next("getUpdates", status=502, description="Bad Gateway", retry_after=None)
    world.fake.fail_next("getUpdates", status=429, retry_after=1)
    world.fake.push_update(message_update(people.CASEWORKER, chat, "/team"))
    await _run_until(world, lambda f: len(f.sent(chat.id)) >= 1, timeout=15)
    assert "Sozialraumteam Nord A" in (world.fake.sent(chat.id)[0].text or "")
