"""The database itself keeps the ledger append-only and allows one reserve pot per year."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from bot.budget import Category
from bot.storage import budget as store
from bot.storage.db import Database
from tests.auxil.budget import YEAR, seed_budget

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE budget_booking SET d_allocated = d_allocated + 100",
        "DELETE FROM budget_booking",
    ],
)
async def test_ledger_refuses_edits_and_deletions(db: Database, statement: str) -> None:
    """A booking can only be corrected by a new booking: UPDATE and DELETE fail, nothing moves."""
    bw = await seed_budget(db, now=NOW)
    async with db.transaction() as session:
        before = (await session.exec(text("SELECT SUM(d_allocated) FROM budget_booking"))).one()
    with pytest.raises(DBAPIError, match="append-only"):
        async with db.transaction() as session:
            await session.exec(text(statement))
    async with db.transaction() as session:
        after = (await session.exec(text("SELECT SUM(d_allocated) FROM budget_booking"))).one()
        pot = await store.get_pot(session, pot_id=bw.beratung)
    assert after == before
    assert pot is not None and pot.allocated == 936_000


async def test_second_reserve_pot_of_a_year_is_refused(db: Database) -> None:
    """NULL social spaces never collide in a unique constraint; the partial index catches it."""
    bw = await seed_budget(db, now=NOW)
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await session.exec(
                text(
                    "INSERT INTO budget_pot (organisation_id, social_space_id, year, category,"
                    " allocated, committed, settled, warned_percent, created_at, updated_at)"
                    " VALUES (:org, NULL, :year, :category, 0, 0, 0, 0, :now, :now)"
                ),
                params={
                    "org": bw.organisation_id,
                    "year": YEAR,
                    "category": Category.RESERVE.value,
                    "now": NOW,
                },
            )
