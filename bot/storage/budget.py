"""Data functions for the budget: pots, row locks, the append-only ledger, requests.

:func:`book` is the only place where a pot's figures change: it appends a ledger line, moves
the cached sums on the pot row and writes the audit entry, all in the caller's transaction.
Callers lock the pot first (:func:`lock_pots`), so the figures they check are the figures
they change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.budget import BookingKind, Category, Figures
from bot.storage import audit
from bot.storage.models import (
    BudgetBooking,
    BudgetPot,
    BudgetYear,
    Member,
    Membership,
    Region,
    SocialSpace,
    SpendingRequest,
    Team,
)


def figures_of(pot: BudgetPot) -> Figures:
    """The pot's cached figures."""
    return Figures(allocated=pot.allocated, committed=pot.committed, settled=pot.settled)


async def get_pot(session: AsyncSession, *, pot_id: int) -> BudgetPot | None:
    """A pot by id, without a lock (for showing)."""
    return await session.get(BudgetPot, pot_id)


async def lock_pots(session: AsyncSession, pot_ids: Iterable[int]) -> dict[int, BudgetPot]:
    """Lock pot rows in ascending id order and read them fresh from the database.

    On PostgreSQL this is ``SELECT … FOR UPDATE``: a second transaction waits here until the
    first commits and then sees its figures. SQLite ignores the clause but serialises every
    writing transaction (``BEGIN IMMEDIATE``, see :mod:`bot.storage.db`). Ascending order
    keeps two bookings over the same two pots from deadlocking.
    """
    ids = sorted(set(pot_ids))
    if not ids:
        return {}
    query = (
        select(BudgetPot)
        .where(col(BudgetPot.id).in_(ids))
        .order_by(col(BudgetPot.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {pot.id: pot for pot in (await session.exec(query)).all() if pot.id is not None}


async def lock_request(session: AsyncSession, *, request_id: int) -> SpendingRequest | None:
    """Lock a request row and read it fresh, so two deciders cannot both act on it."""
    query = (
        select(SpendingRequest)
        .where(SpendingRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.exec(query)).first()


async def find_pot(
    session: AsyncSession,
    *,
    organisation_id: int,
    social_space_id: int | None,
    year: int,
    category: str,
) -> BudgetPot | None:
    """The pot of this organisation, social space (``None``: the reserve), year and category."""
    query = select(BudgetPot).where(
        BudgetPot.organisation_id == organisation_id,
        BudgetPot.year == year,
        BudgetPot.category == category,
    )
    if social_space_id is None:
        query = query.where(col(BudgetPot.social_space_id).is_(None))
    else:
        query = query.where(BudgetPot.social_space_id == social_space_id)
    return (await session.exec(query)).first()


async def find_reserve(
    session: AsyncSession, *, organisation_id: int, year: int
) -> BudgetPot | None:
    """The organisation's reserve pot (Vorwegabzug) of ``year``, if there is one."""
    return await find_pot(
        session,
        organisation_id=organisation_id,
        social_space_id=None,
        year=year,
        category=Category.RESERVE,
    )


async def save_recorded(
    session: AsyncSession,
    row: BudgetPot | BudgetYear | SpendingRequest,
    *,
    now: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    details: dict[str, Any],
) -> None:
    """Write a new or changed row and its audit entry, which needs the row's id (flushed)."""
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        at=now,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=row.id or 0,
        details=details,
    )


async def ensure_pot(
    session: AsyncSession,
    *,
    organisation_id: int,
    social_space_id: int | None,
    year: int,
    category: str,
    now: datetime,
) -> tuple[BudgetPot, bool]:
    """The pot, created empty (allocated 0) if missing; ``True`` when it was created."""
    pot = await find_pot(
        session,
        organisation_id=organisation_id,
        social_space_id=social_space_id,
        year=year,
        category=category,
    )
    if pot is not None:
        return pot, False
    pot = BudgetPot(
        organisation_id=organisation_id,
        social_space_id=social_space_id,
        year=year,
        category=category,
        created_at=now,
        updated_at=now,
    )
    await save_recorded(
        session,
        pot,
        now=now,
        actor_id=None,
        action="budget.pot.created",
        object_type="budget_pot",
        details={
            "organisation_id": organisation_id,
            "social_space_id": social_space_id,
            "year": year,
            "category": category,
        },
    )
    return pot, True


async def book(
    session: AsyncSession,
    *,
    pot: BudgetPot,
    kind: BookingKind,
    now: datetime,
    actor_id: int | None,
    d_allocated: int = 0,
    d_committed: int = 0,
    d_settled: int = 0,
    request_id: int | None = None,
    counterpart_pot_id: int | None = None,
    note: str = "",
) -> BudgetBooking:
    """Append one ledger line, move the pot's cached figures and write the audit entry.

    The pot must be locked by the caller. ``note`` is an administrator's short reference
    (e.g. a committee decision) and goes into the ledger, not into the audit log.
    """
    assert pot.id is not None
    booking = BudgetBooking(
        pot_id=pot.id,
        kind=kind,
        d_allocated=d_allocated,
        d_committed=d_committed,
        d_settled=d_settled,
        request_id=request_id,
        counterpart_pot_id=counterpart_pot_id,
        actor_id=actor_id,
        note=note[:200],
        at=now,
    )
    session.add(booking)
    pot.allocated += d_allocated
    pot.committed += d_committed
    pot.settled += d_settled
    pot.updated_at = now
    session.add(pot)
    await session.flush()
    details: dict[str, Any] = {
        "pot_id": pot.id,
        "booking_id": booking.id,
        "allocated": d_allocated,
        "committed": d_committed,
        "settled": d_settled,
    }
    if request_id is not None:
        details["request_id"] = request_id
    if counterpart_pot_id is not None:
        details["counterpart_pot_id"] = counterpart_pot_id
    await audit.record(
        session,
        at=now,
        actor_id=actor_id,
        action=f"budget.{kind}",
        object_type="budget_pot",
        object_id=pot.id,
        details=details,
    )
    return booking


async def coordinator_limit(session: AsyncSession, *, organisation_id: int, year: int) -> int:
    """The coordinators' approval limit in cents for that year (0 when none is set)."""
    query = select(BudgetYear.coordinator_limit).where(
        BudgetYear.organisation_id == organisation_id, BudgetYear.year == year
    )
    return (await session.exec(query)).first() or 0


async def set_coordinator_limit(
    session: AsyncSession,
    *,
    organisation_id: int,
    year: int,
    limit: int,
    now: datetime,
    actor_id: int | None,
) -> bool:
    """Set the limit; audited; ``True`` when something changed."""
    query = select(BudgetYear).where(
        BudgetYear.organisation_id == organisation_id, BudgetYear.year == year
    )
    row = (await session.exec(query)).first()
    before = row.coordinator_limit if row is not None else None
    if before == limit:
        return False
    if row is None:
        row = BudgetYear(organisation_id=organisation_id, year=year, updated_at=now)
    row.coordinator_limit = limit
    row.updated_at = now
    await save_recorded(
        session,
        row,
        now=now,
        actor_id=actor_id,
        action="budget.limit.set",
        object_type="budget_year",
        details={"year": year, "before": before, "after": limit},
    )
    return True


@dataclass(frozen=True, slots=True)
class PotPlace:
    """Where a pot sits: its organisation, social space and region (``None`` for the reserve)."""

    organisation_id: int
    social_space_id: int | None
    social_space_name: str | None
    region_id: int | None


async def place_of(session: AsyncSession, pot: BudgetPot) -> PotPlace:
    """The social space and region a pot belongs to."""
    if pot.social_space_id is None:
        return PotPlace(pot.organisation_id, None, None, None)
    space = await session.get(SocialSpace, pot.social_space_id)
    assert space is not None
    return PotPlace(pot.organisation_id, space.id, space.name, space.region_id)


async def pots(
    session: AsyncSession,
    *,
    year: int | None = None,
    social_space_ids: Iterable[int] | None = None,
    organisation_id: int | None = None,
) -> Sequence[BudgetPot]:
    """Pots filtered by year, social spaces and organisation, in a stable order."""
    query = select(BudgetPot)
    if year is not None:
        query = query.where(BudgetPot.year == year)
    if social_space_ids is not None:
        query = query.where(col(BudgetPot.social_space_id).in_(list(social_space_ids)))
    if organisation_id is not None:
        query = query.where(BudgetPot.organisation_id == organisation_id)
    order = {c.value: i for i, c in enumerate(Category)}
    rows = (await session.exec(query)).all()
    return sorted(
        rows,
        key=lambda p: (
            p.organisation_id,
            p.year,
            p.social_space_id is None,
            p.social_space_id or 0,
            order.get(p.category, 99),
        ),
    )


async def bookings(
    session: AsyncSession, *, pot_id: int | None = None, newest_first: bool = False
) -> Sequence[BudgetBooking]:
    """Ledger lines of one pot (or all), in writing order or newest first."""
    query = select(BudgetBooking)
    if pot_id is not None:
        query = query.where(BudgetBooking.pot_id == pot_id)
    order = col(BudgetBooking.id).desc() if newest_first else col(BudgetBooking.id)
    return (await session.exec(query.order_by(order))).all()


async def booking_page(
    session: AsyncSession, *, pot_id: int, offset: int, limit: int
) -> tuple[Sequence[BudgetBooking], int]:
    """One page of a pot's ledger, newest first, and the number of lines in all."""
    query = (
        select(BudgetBooking)
        .where(BudgetBooking.pot_id == pot_id)
        .order_by(col(BudgetBooking.id).desc())
        .offset(max(0, offset))
        .limit(max(0, limit))
    )
    total_query = (
        select(func.count()).select_from(BudgetBooking).where(BudgetBooking.pot_id == pot_id)
    )
    rows = (await session.exec(query)).all()
    total = (await session.exec(total_query)).one()
    return rows, int(total)


async def ledger_sums(session: AsyncSession) -> dict[int, Figures]:
    """Per pot: the sums of all its ledger lines, recomputed by the database."""
    query = select(
        BudgetBooking.pot_id,
        func.coalesce(func.sum(BudgetBooking.d_allocated), 0),
        func.coalesce(func.sum(BudgetBooking.d_committed), 0),
        func.coalesce(func.sum(BudgetBooking.d_settled), 0),
    ).group_by(col(BudgetBooking.pot_id))
    return {
        pot_id: Figures(int(a), int(c), int(s))
        for pot_id, a, c, s in (await session.exec(query)).all()
    }


async def requests(
    session: AsyncSession,
    *,
    statuses: Iterable[str] | None = None,
    pot_ids: Iterable[int] | None = None,
    team_ids: Iterable[int] | None = None,
) -> Sequence[SpendingRequest]:
    """Requests filtered by status, pot and team, oldest first."""
    query = select(SpendingRequest)
    if statuses is not None:
        query = query.where(col(SpendingRequest.status).in_(list(statuses)))
    if pot_ids is not None:
        query = query.where(col(SpendingRequest.pot_id).in_(list(pot_ids)))
    if team_ids is not None:
        query = query.where(col(SpendingRequest.team_id).in_(list(team_ids)))
    return (await session.exec(query.order_by(col(SpendingRequest.id)))).all()


async def region_of_teams(session: AsyncSession, team_ids: Iterable[int]) -> dict[int, int]:
    """Region id per team (teams without a social space are left out)."""
    ids = list(team_ids)
    if not ids:
        return {}
    query = (
        select(Team.id, SocialSpace.region_id)
        .join(SocialSpace, col(SocialSpace.id) == col(Team.social_space_id))
        .where(col(Team.id).in_(ids))
    )
    rows = (await session.exec(query)).all()
    return {team_id: region_id for team_id, region_id in rows if team_id is not None}


async def members_with_role(
    session: AsyncSession,
    *,
    role: str,
    team_ids: Iterable[int] | None = None,
    region_id: int | None = None,
) -> list[Member]:
    """Members holding ``role`` in the given teams or in any team of ``region_id``."""
    query = (
        select(Member)
        .join(Membership, col(Membership.member_id) == col(Member.id))
        .where(Membership.role == role)
    )
    if team_ids is not None:
        query = query.where(col(Membership.team_id).in_(list(team_ids)))
    if region_id is not None:
        query = (
            query.join(Team, col(Team.id) == col(Membership.team_id))
            .join(SocialSpace, col(SocialSpace.id) == col(Team.social_space_id))
            .where(SocialSpace.region_id == region_id)
        )
    rows = (await session.exec(query.order_by(col(Member.id)))).all()
    return list({member.id: member for member in rows}.values())


async def organisation_of_region(session: AsyncSession, *, region_id: int) -> int | None:
    """The organisation a region belongs to."""
    region = await session.get(Region, region_id)
    return region.organisation_id if region is not None else None
