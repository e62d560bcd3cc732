"""Shared fixtures: a migrated database per test (SQLite file, or PostgreSQL in CI).

Set ``TEST_DATABASE_URL`` to a ``postgresql+asyncpg://`` URL to run the whole suite on
PostgreSQL; ``make test`` does that after the SQLite run when the server is reachable.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

# python-telegram-bot 22 warns unless RetryAfter.retry_after is a timedelta (opt-in), and
# warnings are errors here; the bot's command line opts in the same way.
os.environ.setdefault("PTB_TIMEDELTA", "true")
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.app import build_application, start_application, stop_application
from bot.clock import FrozenClock
from bot.config import Settings
from bot.storage.db import Database
from bot.storage.migrate import upgrade_to_head
from bot.storage.models import Role, SQLModel
from tests.auxil import people
from tests.auxil.data import Directory, add_member, seed_directory
from tests.auxil.fake_bot_api import TOKEN, FakeBotAPI
from tests.auxil.world import World

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _table_names() -> list[str]:
    return [table.name for table in SQLModel.metadata.sorted_tables]


async def _create_postgres_database(url: str) -> str:
    """Create a fresh database for this run next to the one in ``url``; return its URL.

    Each run gets its own database, so two runs on one server (a developer and CI, or two
    terminals) never drop each other's tables.
    """
    base = make_url(url)
    name = f"sozialraum_test_{os.getpid()}_{secrets.token_hex(4)}"
    connection = await asyncpg.connect(base.set(drivername="postgresql").render_as_string(False))
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    run_url = base.set(database=name).render_as_string(hide_password=False)
    db = Database(run_url)
    try:
        await upgrade_to_head(db.engine)
    finally:
        await db.dispose()
    return run_url


async def _drop_postgres_database(url: str, run_url: str) -> None:
    base = make_url(url)
    connection = await asyncpg.connect(base.set(drivername="postgresql").render_as_string(False))
    try:
        name = make_url(run_url).database
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per run; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"

    async def _make() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        try:
            await upgrade_to_head(db.engine)
        finally:
            await db.dispose()

    asyncio.run(_make())
    return path


@pytest.fixture(scope="session")
def _postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this run's own (empty string: SQLite is in use)."""
    if not PG_URL:
        yield ""
        return
    run_url = asyncio.run(_create_postgres_database(PG_URL))
    yield run_url
    asyncio.run(_drop_postgres_database(PG_URL, run_url))


@pytest.fixture
def database_url(tmp_path: Path, migrated_sqlite_template: Path, _postgres_url: str) -> str:
    """URL of an empty, migrated database for one test."""
    if _postgres_url:
        return _postgres_url
    path = tmp_path / "bot.db"
    shutil.copyfile(migrated_sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A migrated database with no rows, closed after the test."""
    database = Database(database_url)
    if database.dialect == "postgresql":
        tables = ", ".join(f'"{name}"' for name in _table_names())
        async with database.engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    try:
        yield database
    finally:
        await database.dispose()


# -- the bot inside a fake Telegram --------------------------------------------------------

START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
ENCRYPTION_KEY = "hxuxS0ydyXWi0kUSxtJWiIQJB6jc5A9PsC2oMPeDYEw="
"""The tests' Fernet key (never used anywhere else)."""


@pytest.fixture(scope="session")
def fake_api_server() -> Iterator[FakeBotAPI]:
    """One fake Bot API server for the whole run."""
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
def fake_api(fake_api_server: FakeBotAPI) -> FakeBotAPI:
    """The fake Bot API, emptied for this test."""
    fake_api_server.reset()
    return fake_api_server


@pytest.fixture
def clock() -> FrozenClock:
    """A clock that stands still until a test moves it."""
    return FrozenClock(START)


@pytest.fixture
def settings(fake_api: FakeBotAPI, database_url: str) -> Settings:
    """Settings pointing at the fake Bot API and the test database; ADMIN is administrator."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TOKEN,
        telegram_api_url=fake_api.url,
        database_url=database_url,
        bot_admin_ids=frozenset({people.ADMIN.id}),
        bot_encryption_key=ENCRYPTION_KEY,
    )


@pytest.fixture
async def world(
    settings: Settings, fake_api: FakeBotAPI, db: Database, clock: FrozenClock
) -> AsyncIterator[World]:
    """The real bot, started against the fake Bot API (outbox drained by the test)."""
    application = build_application(settings, clock=clock, db=db)
    await start_application(application, run_outbox=False)
    try:
        yield World(application, fake_api, clock)
    finally:
        await stop_application(application)


@pytest.fixture
async def teams(world: World, clock: FrozenClock) -> Directory:
    """Three teams; Carla coordinates Nord A, Olga Süd A; Sven (ASD) and Petra are in Nord A."""
    seeded = await seed_directory(world.db, now=clock.now())
    await add_member(
        world.db, people.COORDINATOR, seeded.nord_a, Role.KOORDINATION, Role.ASD, now=clock.now()
    )
    await add_member(
        world.db, people.OTHER_COORDINATOR, seeded.sued_a, Role.KOORDINATION, now=clock.now()
    )
    await add_member(world.db, people.CASEWORKER, seeded.nord_a, Role.ASD, now=clock.now())
    await add_member(
        world.db, people.PROVIDER, seeded.nord_a, Role.TRAEGER_AMBULANT, now=clock.now()
    )
    return seeded
