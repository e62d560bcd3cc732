"""Two approvals racing for the last money: exactly one succeeds (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.access import Actor
from bot.budget import service
from bot.storage import budget as store
from bot.storage.db import Database
from tests.auxil import people
from tests.auxil.budget import LEAD, actor, request, seed_budget

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


async def _approve_in_own_transaction(
    db: Database, approver: Actor, request_id: int, start: asyncio.Barrier
) -> object:
    await start.wait()
    async with db.transaction() as session:
        return await service.approve(session, request_id=request_id, approver=approver, now=NOW)


async def test_parallel_approvals_over_the_pot_only_one_wins(db: Database) -> None:
    """Two requests of 600 € on 1.000 € left, approved at the same moment: exactly one wins."""
    bw = await seed_budget(db, now=NOW, fua=100_000)
    frieda = await actor(db, LEAD)
    for round_ in range(3):
        if round_:  # top the pot up so that again exactly 1.000 € are free
            async with db.transaction() as session:
                pot = await store.get_pot(session, pot_id=bw.fua)
                assert pot is not None
                topped = await service.adjust_allocation(
                    session,
                    pot_id=bw.fua,
                    amount_cents=pot.committed + pot.settled + 100_000,
                    actor_id=None,
                    now=NOW,
                )
                assert isinstance(topped, service.Allocated)
        first = await request(db, bw, cents=60_000, now=NOW, pot_id=bw.fua)
        second = await request(db, bw, cents=60_000, now=NOW, pot_id=bw.fua)
        barrier = asyncio.Barrier(2)
        results = await asyncio.gather(
            _approve_in_own_transaction(db, frieda, first, barrier),
            _approve_in_own_transaction(db, frieda, second, barrier),
        )
        assert sorted(type(r).__name__ for r in results) == ["Approved", "Shortfall"], results
        async with db.transaction() as session:
            pot = await store.get_pot(session, pot_id=bw.fua)
            assert pot is not None
            assert store.figures_of(pot).available == 40_000
            assert await service.verify(session) == []


async def test_second_approval_waits_for_the_first_and_sees_its_booking(db: Database) -> None:
    """While one approval's transaction is open, the other waits, then gets a Shortfall."""
    bw = await seed_budget(db, now=NOW, fua=100_000)
    first = await request(db, bw, cents=70_000, now=NOW, pot_id=bw.fua)
    second = await request(db, bw, cents=70_000, now=NOW, pot_id=bw.fua)
    frieda = await actor(db, LEAD)
    async with db.transaction() as session:
        won = await service.approve(session, request_id=first, approver=frieda, now=NOW)
        assert isinstance(won, service.Approved)
        loser = asyncio.create_task(
            _approve_in_own_transaction(db, frieda, second, asyncio.Barrier(1))
        )
        await asyncio.sleep(0.5)
        assert not loser.done()  # blocked by the row lock (PostgreSQL) / write lock (SQLite)
    lost = await asyncio.wait_for(loser, timeout=30)
    assert isinstance(lost, service.Shortfall)
    assert (lost.available, lost.missing) == (30_000, 40_000)
    async with db.transaction() as session:
        assert await service.verify(session) == []


async def test_same_request_approved_twice_at_once_books_once(db: Database) -> None:
    """Two approvers pressing 'approve' on one request together: one booking, one refusal."""
    bw = await seed_budget(db, now=NOW)
    rid = await request(db, bw, cents=10_000, now=NOW)
    frieda, carla = await actor(db, LEAD), await actor(db, people.COORDINATOR)
    barrier = asyncio.Barrier(2)
    results = await asyncio.gather(
        _approve_in_own_transaction(db, frieda, rid, barrier),
        _approve_in_own_transaction(db, carla, rid, barrier),
    )
    kinds = sorted(type(r).__name__ for r in results)
    assert kinds == ["Approved", "Refused"]
    assert service.Refused("not_pending") in results
    async with db.transaction() as session:
        pot = await store.get_pot(session, pot_id=bw.beratung)
        assert pot is not None and pot.committed == 10_000
        assert await service.verify(session) == []
