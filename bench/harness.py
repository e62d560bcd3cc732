"""A bot of its own for one benchmark module: fake Bot API, SQLite file, real Application.

``bench/run.py`` builds its bot inline; the offers and budget benchmarks each need a database
of their own (their catalogue and ledger must not change what the other scenarios read), so
they share this context manager. Timed operations hand ready-made updates straight to
``Application.process_update`` (as ``run.py`` does): :class:`~tests.auxil.world.World` copies
every message sent so far on each step, which is fine for setting up but would make later
operations slower than earlier ones.
"""

from __future__ import annotations

import gc
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from cryptography.fernet import Fernet
from telegram import Update

from bot.app import build_application, start_application, stop_application
from bot.clock import FrozenClock
from bot.config import Settings
from bot.storage.db import Database
from bot.storage.migrate import upgrade_to_head
from bot.storage.models import Role
from tests.auxil.builders import TgUser, callback_update, message_update, private_chat
from tests.auxil.data import add_member
from tests.auxil.fake_bot_api import TOKEN, FakeBotAPI
from tests.auxil.world import World

Operation = Callable[[int], Awaitable[None]]
"""One timed step; the argument is its index in the round."""

#: Monday 23 November 2026, 09:00 in Berlin: the same morning as ``bench/run.py``.
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@asynccontextmanager
async def bot_world() -> AsyncIterator[World]:
    """A started bot (outbox sender off) on a fresh, migrated SQLite file."""
    with FakeBotAPI() as fake, tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        db = Database(url)
        await upgrade_to_head(db.engine)
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_bot_token=TOKEN,
            telegram_api_url=fake.url,
            database_url=url,
            bot_admin_ids=frozenset(),
            bot_encryption_key=Fernet.generate_key().decode(),
        )
        clock = FrozenClock(START)
        application = build_application(settings, clock=clock, db=db)
        await start_application(application, run_outbox=False)
        try:
            yield World(application, fake, clock)
        finally:
            await stop_application(application)


async def fill_roster(world: World, team_id: int) -> None:
    """Twelve more ASD members, so ``/team`` lists a roster the size of ``bench/run.py``'s."""
    for offset in range(12):
        member = TgUser(50_000 + offset, f"Mitglied{offset}", "Beispiel")
        await add_member(world.db, member, team_id, Role.ASD, now=world.clock.now())


def command(world: World, user: TgUser, text: str) -> Callable[[int], Awaitable[None]]:
    """An operation: ``user`` writes ``text`` in private (a new update each time)."""
    chat = private_chat(user)

    async def run(_: int) -> None:
        data = message_update(user, chat, text)
        await world.app.process_update(Update.de_json(data, world.app.bot))

    return run


def press(world: World, user: TgUser, message: dict[str, Any], data: str) -> Operation:
    """An operation: ``user`` presses the button ``data`` under ``message`` (a new update)."""

    async def run(_: int) -> None:
        update = callback_update(user, message, data)
        await world.app.process_update(Update.de_json(update, world.app.bot))

    return run


def baseline(world: World, user: TgUser) -> Callable[[int], Awaitable[None]]:
    """The unavoidable call: one ``sendMessage`` round trip to the fake Bot API."""

    async def run(_: int) -> None:
        await world.app.bot.send_message(chat_id=user.id, text="Basis")

    return run


async def timed(operation: Callable[[int], Awaitable[None]], count: int) -> float:
    """Seconds per call of an async operation."""
    started = time.perf_counter()
    for index in range(count):
        await operation(index)
    return (time.perf_counter() - started) / count


async def timed_updates(world: World, updates: Sequence[dict[str, Any]]) -> float:
    """Seconds per update of updates prepared beforehand (button presses, for instance)."""
    started = time.perf_counter()
    for data in updates:
        await world.app.process_update(Update.de_json(data, world.app.bot))
    return (time.perf_counter() - started) / len(updates)


def timed_sync(operation: Callable[[], object], count: int) -> float:
    """Seconds per call of a plain function, garbage collector paused (see bench/privacy.py)."""
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        for _ in range(count):
            operation()
        return (time.perf_counter() - started) / count
    finally:
        gc.enable()
