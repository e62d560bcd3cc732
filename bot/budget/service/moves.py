"""Moving money between pots and setting allocations: reallocation, reserve draw, carry-over.

Every move is two ledger lines (out of the source, into the target) booked under row locks;
allocations come from the structure file (``allocate``) or the command line (``adjust``).
Approvals reuse :func:`move` when they draw the missing part from the reserve.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.access import Actor
from bot.budget import BookingKind, rules
from bot.budget.service.checks import leads_pot, remember_thresholds
from bot.budget.service.results import Allocated, Moved, Refused
from bot.budget.service.views import view_of
from bot.money import MAX_CENTS
from bot.storage import budget as store
from bot.storage.models import BudgetPot


async def move(
    session: AsyncSession,
    *,
    source: BudgetPot,
    target: BudgetPot,
    amount: int,
    kinds: tuple[BookingKind, BookingKind],
    actor_id: int | None,
    now: datetime,
    request_id: int | None = None,
    note: str = "",
) -> None:
    """Two bookings: −allocated on the source, +allocated on the target (both locked)."""
    for pot, kind, delta, counterpart in (
        (source, kinds[0], -amount, target),
        (target, kinds[1], amount, source),
    ):
        await store.book(
            session,
            pot=pot,
            kind=kind,
            now=now,
            actor_id=actor_id,
            d_allocated=delta,
            counterpart_pot_id=counterpart.id,
            request_id=request_id,
            note=note,
        )


async def _transfer(
    session: AsyncSession,
    *,
    source: BudgetPot,
    target: BudgetPot,
    amount: int,
    kinds: tuple[BookingKind, BookingKind],
    actor_id: int | None,
    now: datetime,
    note: str,
) -> Moved | Refused:
    """Move ``amount`` if the (locked) source holds it; the source's thresholds are told."""
    if store.figures_of(source).available < amount:
        return Refused("insufficient")
    await move(
        session,
        source=source,
        target=target,
        amount=amount,
        kinds=kinds,
        actor_id=actor_id,
        now=now,
        note=note,
    )
    crossed = remember_thresholds(source)
    session.add(source)
    await session.flush()
    return Moved(
        source=await view_of(session, source),
        target=await view_of(session, target),
        amount=amount,
        crossed=crossed,
    )


async def reallocate(
    session: AsyncSession,
    *,
    from_pot_id: int,
    to_pot_id: int,
    amount_cents: int,
    actor: Actor,
    now: datetime,
    note: str = "",
) -> Moved | Refused:
    """Move free money between two pots of the same social space and year (``/umbuchen``)."""
    if not 1 <= amount_cents <= MAX_CENTS or from_pot_id == to_pot_id:
        return Refused("bad_amount")
    locked = await store.lock_pots(session, [from_pot_id, to_pot_id])
    source, target = locked.get(from_pot_id), locked.get(to_pot_id)
    if source is None or target is None:
        return Refused("gone")
    if (
        source.social_space_id is None
        or source.social_space_id != target.social_space_id
        or source.year != target.year
    ):
        return Refused("not_allowed")
    if not await leads_pot(session, actor, source, rules.may_reallocate):
        return Refused("not_allowed")
    return await _transfer(
        session,
        source=source,
        target=target,
        amount=amount_cents,
        kinds=(BookingKind.REALLOCATE_OUT, BookingKind.REALLOCATE_IN),
        actor_id=actor.telegram_id,
        now=now,
        note=note,
    )


async def draw_reserve(
    session: AsyncSession,
    *,
    pot_id: int,
    amount_cents: int,
    actor: Actor,
    now: datetime,
    note: str = "",
) -> Moved | Refused:
    """Move money from the organisation's reserve of that year into a social-space pot."""
    if not 1 <= amount_cents <= MAX_CENTS:
        return Refused("bad_amount")
    pot = await store.get_pot(session, pot_id=pot_id)
    if pot is None or pot.social_space_id is None:
        return Refused("gone")
    reserve = await store.find_reserve(session, organisation_id=pot.organisation_id, year=pot.year)
    if reserve is None or reserve.id is None:
        return Refused("gone")
    if not await leads_pot(session, actor, pot, rules.may_draw_reserve):
        return Refused("not_allowed")
    locked = await store.lock_pots(session, [pot_id, reserve.id])
    return await _transfer(
        session,
        source=locked[reserve.id],
        target=locked[pot_id],
        amount=amount_cents,
        kinds=(BookingKind.RESERVE_OUT, BookingKind.RESERVE_IN),
        actor_id=actor.telegram_id,
        now=now,
        note=note,
    )


async def carry_over(
    session: AsyncSession,
    *,
    pot_id: int,
    to_year: int,
    actor: Actor | None,
    now: datetime,
    amount_cents: int | None = None,
    note: str = "",
) -> Moved | Refused:
    """Carry unspent money of a pot into the same pot of a later year, as two bookings.

    Without a carry-over the money stays with its year. ``amount_cents`` ``None`` carries
    everything available. ``actor`` ``None`` is an administrator on the command line;
    otherwise the Fachbereichsleitung of the pot's region (the reserve: the command line only).
    """
    source = await store.get_pot(session, pot_id=pot_id)
    if source is None or source.id is None:
        return Refused("gone")
    if not rules.carry_year_ok(source.year, to_year):
        return Refused("not_allowed")
    if actor is not None and not await leads_pot(session, actor, source, rules.may_reallocate):
        return Refused("not_allowed")
    target, _ = await store.ensure_pot(
        session,
        organisation_id=source.organisation_id,
        social_space_id=source.social_space_id,
        year=to_year,
        category=source.category,
        now=now,
    )
    assert target.id is not None
    locked = await store.lock_pots(session, [source.id, target.id])
    source, target = locked[pot_id], locked[target.id]
    amount = store.figures_of(source).available if amount_cents is None else amount_cents
    if amount < 1 or amount > MAX_CENTS * 100:
        return Refused("insufficient" if amount_cents is None else "bad_amount")
    return await _transfer(
        session,
        source=source,
        target=target,
        amount=amount,
        kinds=(BookingKind.CARRY_OUT, BookingKind.CARRY_IN),
        actor_id=actor.telegram_id if actor is not None else None,
        now=now,
        note=note,
    )


async def base_allocation(session: AsyncSession, *, pot_id: int) -> int:
    """The part of a pot's allocation that comes from the structure file (``allocate`` lines)."""
    return sum(
        b.d_allocated
        for b in await store.bookings(session, pot_id=pot_id)
        if b.kind == BookingKind.ALLOCATE
    )


async def set_base_allocation(
    session: AsyncSession,
    *,
    pot: BudgetPot,
    amount_cents: int,
    actor_id: int | None,
    now: datetime,
) -> Allocated | Refused:
    """Bring the pot's file-given allocation to ``amount_cents`` with one ``allocate`` booking.

    Reallocations, reserve draws, carry-overs and command-line adjustments stay on top, so a
    re-import of an unchanged file books nothing. Refused when the pot would hold less than
    is already committed and settled.
    """
    pot_id = pot.id
    assert pot_id is not None
    pot = (await store.lock_pots(session, [pot_id]))[pot_id]
    delta = amount_cents - await base_allocation(session, pot_id=pot_id)
    before = pot.allocated
    if delta and pot.allocated + delta < pot.committed + pot.settled:
        return Refused("below_used")
    if delta:
        await store.book(
            session,
            pot=pot,
            kind=BookingKind.ALLOCATE,
            now=now,
            actor_id=actor_id,
            d_allocated=delta,
        )
    return Allocated(pot=await view_of(session, pot), before=before, after=pot.allocated)


async def adjust_allocation(
    session: AsyncSession,
    *,
    pot_id: int,
    amount_cents: int,
    actor_id: int | None,
    now: datetime,
    note: str = "",
) -> Allocated | Refused:
    """Set a pot's allocation to ``amount_cents`` (command line, audited ``adjust`` booking).

    Kept apart from the file's base allocation, so the next structure import does not undo it.
    """
    if not 0 <= amount_cents <= MAX_CENTS * 100:
        return Refused("bad_amount")
    locked = await store.lock_pots(session, [pot_id])
    pot = locked.get(pot_id)
    if pot is None:
        return Refused("gone")
    before = pot.allocated
    if amount_cents < pot.committed + pot.settled:
        return Refused("below_used")
    if amount_cents != before:
        await store.book(
            session,
            pot=pot,
            kind=BookingKind.ADJUST,
            now=now,
            actor_id=actor_id,
            d_allocated=amount_cents - before,
            note=note,
        )
        remember_thresholds(pot)
        session.add(pot)
        await session.flush()
    return Allocated(pot=await view_of(session, pot), before=before, after=pot.allocated)
