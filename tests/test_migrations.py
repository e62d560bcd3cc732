"""Alembic is the only creator of the schema, and it agrees with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.storage import audit
from bot.storage.db import Database
from bot.storage.migrate import upgrade_to_head
from bot.storage.models import SQLModel
from tests.conftest import START


async def test_upgrade_head_on_empty_database_matches_models(database_url: str) -> None:
    """After ``upgrade head`` autogenerate finds no difference between models and schema."""
    db = Database(database_url)
    try:
        await upgrade_to_head(db.engine)  # idempotent on an already migrated database

        def _diff(connection: object) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})  # type: ignore[arg-type]
            return list(compare_metadata(context, SQLModel.metadata))

        async with db.engine.connect() as connection:
            differences = await connection.run_sync(_diff)
        assert differences == []
    finally:
        await db.dispose()


async def test_fresh_file_is_created_by_migrations(tmp_path: object) -> None:
    """A brand-new SQLite file gets every table from the migrations alone."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/fresh/new.db")
    try:
        await upgrade_to_head(db.engine)
        async with db.engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table'")
            )
            tables = {row[0] for row in rows}
        assert set(SQLModel.metadata.tables) <= tables
    finally:
        await db.dispose()


async def test_audit_log_is_append_only(db: Database) -> None:
    """The database itself refuses to change or delete audit entries."""
    async with db.transaction() as session:
        await audit.record(
            session, at=START, actor_id=1, action="test.created", object_type="team", object_id=1
        )
    for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with db.transaction() as session:
                await session.exec(text(statement))  # type: ignore[call-overload]
    async with db.transaction() as session:
        assert [entry.action for entry in await audit.entries(session)] == ["test.created"]
