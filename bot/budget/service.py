"""The budget's use cases: request, approve, reject, settle, move money, and check the ledger.

Every function takes the caller's session and keyword-only arguments, never commits (the
handler's or command's transaction does) and returns a result object; expected outcomes
(not allowed, not enough money, already decided) are results, not exceptions. Rights are
checked here against the database on every call with :mod:`bot.budget.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.access import Actor
from bot.budget import BookingKind, Category, Figures, RequestStatus, rules
from bot.money import MAX_CENTS
from bot.storage import audit
from bot.storage import budget as store
from bot.storage.models import (
    BudgetBooking,
    BudgetPot,
    Member,
    Membership,
    Role,
    SocialSpace,
    SpendingRequest,
    Team,
)

RefusalReason = Literal[
    "own_request",
    "not_allowed",
    "over_limit",
    "not_pending",
    "gone",
    "bad_amount",
    "bad_text",
    "insufficient",
    "below_used",
]
"""Why a call changed nothing. The first five are the contract's; the rest:

- ``bad_amount``: outside 1 … MAX_CENTS, or a lower approval above the requested amount;
- ``bad_text``: empty purpose or rejection reason;
- ``insufficient``: the source pot (or the reserve) does not hold the amount;
- ``below_used``: an allocation below what is already committed and settled.
"""


# ---------------------------------------------------------------------------------------
# Views and results
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PotView:
    """A pot as the chat shows it; ``social_space_id`` is ``None`` for the reserve."""

    id: int
    organisation_id: int
    social_space_id: int | None
    social_space_name: str | None
    region_id: int | None
    year: int
    category: Category
    figures: Figures
    warned_percent: int


@dataclass(frozen=True, slots=True)
class LedgerPage:
    """One page of a pot's ledger, newest first; ``total`` lines in all."""

    entries: tuple[BudgetBooking, ...]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class Refused:
    """Nothing changed; ``reason`` is one of :data:`RefusalReason`."""

    reason: RefusalReason


@dataclass(frozen=True, slots=True)
class Approved:
    """The money is committed (or, for an extra claim, settled).

    Attributes:
        request: the request after the approval.
        pot: the pot with its figures after the booking.
        crossed: use thresholds (80, 100) passed for the first time; the pot remembers them.
        drawn: cents drawn from the reserve for this approval (0 if none).
        extra: ``True`` when this approved a settlement above the approved amount.
    """

    request: SpendingRequest
    pot: PotView
    crossed: tuple[int, ...]
    drawn: int = 0
    extra: bool = False


@dataclass(frozen=True, slots=True)
class Shortfall:
    """The pot does not cover the amount; nothing changed. The approver chooses what next.

    Attributes:
        request: the request, unchanged.
        needed: the amount that was to be approved.
        available: what the pot still has.
        missing: ``needed − available``.
        reserve_available: what the organisation's reserve for that year still has.
        may_draw_reserve: whether this approver may draw the missing part from the reserve.
    """

    request: SpendingRequest
    needed: int
    available: int
    missing: int
    reserve_available: int
    may_draw_reserve: bool


@dataclass(frozen=True, slots=True)
class Rejected:
    """The request (or, with ``extra``, only its claim above the approved amount) is refused."""

    request: SpendingRequest
    extra: bool = False


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """The requester took the request back before a decision."""

    request: SpendingRequest


@dataclass(frozen=True, slots=True)
class Settled:
    """The request is paid; ``released`` cents went back to the pot."""

    request: SpendingRequest
    released: int
    pot: PotView


@dataclass(frozen=True, slots=True)
class NeedsApproval:
    """More was paid than approved; ``extra`` cents wait for an approver (see :func:`approve`)."""

    request: SpendingRequest
    extra: int


@dataclass(frozen=True, slots=True)
class Moved:
    """Money moved between two pots (reallocation, reserve draw, carry-over).

    ``crossed`` are the thresholds the source pot passed for the first time.
    """

    source: PotView
    target: PotView
    amount: int
    crossed: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Allocated:
    """A pot's allocation set by an administrator; ``before``/``after`` in cents."""

    pot: PotView
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A request a person may decide: a new one, or an extra claim at settlement."""

    request: SpendingRequest
    pot: PotView
    team_name: str
    needed: int
    extra: bool


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A figure that does not agree with the ledger (there must never be one)."""

    pot_id: int
    what: str
    expected: int
    found: int

    def describe(self) -> str:
        """German line for ``python -m bot budget verify``."""
        return (
            f"Topf {self.pot_id}: {self.what} laut Buchungen {self.expected} Cent,"
            f" gefunden {self.found} Cent"
        )


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------


async def authority_of(session: AsyncSession, actor: Actor) -> rules.Authority:
    """The actor's money rights, from the roles loaded for this update."""
    member_id = actor.member.id if actor.member is not None else None
    lead_teams = [t for t, roles in actor.roles.items() if Role.FACHBEREICHSLEITUNG in roles]
    coordinated = frozenset(t for t, roles in actor.roles.items() if Role.KOORDINATION in roles)
    regions = await store.region_of_teams(session, lead_teams)
    return rules.Authority(
        member_id=member_id,
        lead_regions=frozenset(regions.values()),
        coordinated_teams=coordinated,
    )


async def _views(session: AsyncSession, pots: Iterable[BudgetPot]) -> list[PotView]:
    pots = list(pots)
    space_ids = {p.social_space_id for p in pots if p.social_space_id is not None}
    spaces: dict[int, SocialSpace] = {}
    for space_id in space_ids:
        space = await session.get(SocialSpace, space_id)
        if space is not None:
            spaces[space_id] = space
    views = []
    for pot in pots:
        assert pot.id is not None
        space = spaces.get(pot.social_space_id) if pot.social_space_id is not None else None
        views.append(
            PotView(
                id=pot.id,
                organisation_id=pot.organisation_id,
                social_space_id=pot.social_space_id,
                social_space_name=space.name if space else None,
                region_id=space.region_id if space else None,
                year=pot.year,
                category=Category(pot.category),
                figures=store.figures_of(pot),
                warned_percent=pot.warned_percent,
            )
        )
    return views


async def view_of(session: AsyncSession, pot: BudgetPot) -> PotView:
    """One pot as a view."""
    return (await _views(session, [pot]))[0]


async def pots_for(
    session: AsyncSession, *, social_space_ids: Iterable[int], year: int
) -> list[PotView]:
    """The pots of these social spaces in ``year`` (no reserve), by space and category."""
    return await _views(
        session, await store.pots(session, year=year, social_space_ids=social_space_ids)
    )


async def reserve_for(session: AsyncSession, *, organisation_id: int, year: int) -> PotView | None:
    """The organisation's reserve (Vorwegabzug) in ``year``, if the structure file sets one."""
    pot = await store.find_pot(
        session,
        organisation_id=organisation_id,
        social_space_id=None,
        year=year,
        category=Category.RESERVE,
    )
    return await view_of(session, pot) if pot is not None else None


async def pot_view(session: AsyncSession, *, pot_id: int) -> PotView | None:
    """One pot by id, or ``None``."""
    pot = await store.get_pot(session, pot_id=pot_id)
    return await view_of(session, pot) if pot is not None else None


async def ledger_page(
    session: AsyncSession, *, pot_id: int, offset: int = 0, limit: int = 10
) -> LedgerPage:
    """A page of the pot's ledger, newest first."""
    rows, total = await store.booking_page(session, pot_id=pot_id, offset=offset, limit=limit)
    return LedgerPage(entries=tuple(rows), total=total, offset=offset, limit=limit)


@dataclass(frozen=True, slots=True)
class _Context:
    """A request with its team, pot place and the year's coordinator limit."""

    team: Team
    region_id: int | None
    limit: int


async def _context(session: AsyncSession, request: SpendingRequest) -> _Context | None:
    team = await session.get(Team, request.team_id)
    pot = await session.get(BudgetPot, request.pot_id)
    if team is None or pot is None:
        return None
    place = await store.place_of(session, pot)
    limit = await store.coordinator_limit(
        session, organisation_id=pot.organisation_id, year=pot.year
    )
    return _Context(team=team, region_id=place.region_id, limit=limit)


def _approval_refusal(
    who: rules.Authority, request: SpendingRequest, ctx: _Context, amount: int
) -> rules.Refusal | None:
    return rules.may_approve(
        who,
        requester_id=request.requester_id,
        team_id=request.team_id,
        region_id=ctx.region_id if ctx.region_id is not None else -1,
        amount=amount,
        coordinator_limit=ctx.limit,
    )


def _remember_thresholds(pot: BudgetPot) -> tuple[int, ...]:
    crossed = rules.crossed_thresholds(store.figures_of(pot), pot.warned_percent)
    if crossed:
        pot.warned_percent = max(crossed)
    return crossed


# ---------------------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------------------


async def submit(
    session: AsyncSession,
    *,
    team_id: int,
    pot_id: int,
    requester_id: int,
    amount_cents: int,
    purpose: str,
    now: datetime,
    idea_id: int | None = None,
    provider_id: int | None = None,
    provider_name: str | None = None,
    desired_date: date | None = None,
) -> SpendingRequest | Refused:
    """File a request (status ``requested``); nothing is committed until an approval.

    The requester (``member.id``) must belong to the team, and the pot must be one of the
    team's social space (never the reserve).
    """
    if not 1 <= amount_cents <= MAX_CENTS:
        return Refused("bad_amount")
    purpose = purpose.strip()
    if not purpose:
        return Refused("bad_text")
    team = await session.get(Team, team_id)
    pot = await session.get(BudgetPot, pot_id)
    if team is None or pot is None:
        return Refused("gone")
    if pot.social_space_id is None or pot.social_space_id != team.social_space_id:
        return Refused("not_allowed")
    membership = await session.exec(
        select(Membership.id).where(
            Membership.member_id == requester_id, Membership.team_id == team_id
        )
    )
    if membership.first() is None:
        return Refused("not_allowed")
    request = SpendingRequest(
        team_id=team_id,
        pot_id=pot_id,
        requester_id=requester_id,
        amount=amount_cents,
        purpose=purpose,
        idea_id=idea_id,
        provider_id=provider_id,
        provider_name=(provider_name or "").strip()[:200] or None,
        desired_date=desired_date,
        status=RequestStatus.REQUESTED,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    await session.flush()
    await audit.record(
        session,
        at=now,
        actor_id=None,
        action="budget.request.submitted",
        object_type="spending_request",
        object_id=request.id or 0,
        details={
            "pot_id": pot_id,
            "team_id": team_id,
            "member_id": requester_id,
            "amount": amount_cents,
        },
    )
    return request


async def withdraw(
    session: AsyncSession, *, request_id: int, actor: Actor, now: datetime
) -> Withdrawn | Refused:
    """The requester takes a still undecided request back."""
    request = await store.lock_request(session, request_id=request_id)
    if request is None:
        return Refused("gone")
    member_id = actor.member.id if actor.member is not None else None
    if member_id is None or member_id != request.requester_id:
        return Refused("not_allowed")
    if request.status != RequestStatus.REQUESTED:
        return Refused("not_pending")
    request.status = RequestStatus.WITHDRAWN
    request.updated_at = now
    session.add(request)
    await audit.record(
        session,
        at=now,
        actor_id=actor.telegram_id,
        action="budget.request.withdrawn",
        object_type="spending_request",
        object_id=request_id,
        details={"pot_id": request.pot_id, "amount": request.amount},
    )
    return Withdrawn(request)


async def approve(
    session: AsyncSession,
    *,
    request_id: int,
    approver: Actor,
    now: datetime,
    amount_cents: int | None = None,
    draw_reserve: bool = False,
) -> Approved | Shortfall | Refused:
    """Commit a request's money (or a settlement's extra), if the pot covers it.

    The request and the pot are locked and re-read inside the transaction, so of two
    approvals racing for the last money exactly one succeeds; the other gets a
    :class:`Shortfall`. ``amount_cents`` approves less than requested. With
    ``draw_reserve`` a Fachbereichsleitung moves the missing part from the reserve first.
    """
    request = await store.lock_request(session, request_id=request_id)
    if request is None:
        return Refused("gone")
    extra = request.status == RequestStatus.APPROVED and request.claimed is not None
    if request.status != RequestStatus.REQUESTED and not extra:
        return Refused("not_pending")
    if extra:
        assert request.claimed is not None and request.approved is not None
        total, needed = request.claimed, request.claimed - request.approved
    else:
        total = needed = amount_cents if amount_cents is not None else request.amount
        if not 1 <= needed <= request.amount:
            return Refused("bad_amount")
    ctx = await _context(session, request)
    if ctx is None:
        return Refused("gone")
    who = await authority_of(session, approver)
    refusal = _approval_refusal(who, request, ctx, total)
    if refusal is not None:
        return Refused(refusal)
    pot = await session.get(BudgetPot, request.pot_id)
    assert pot is not None and pot.id is not None
    reserve = await store.find_pot(
        session,
        organisation_id=pot.organisation_id,
        social_space_id=None,
        year=pot.year,
        category=Category.RESERVE,
    )
    may_draw = ctx.region_id is not None and rules.may_draw_reserve(who, region_id=ctx.region_id)
    if draw_reserve and not may_draw:
        return Refused("not_allowed")
    lock_ids = [pot.id] + ([reserve.id] if draw_reserve and reserve and reserve.id else [])
    locked = await store.lock_pots(session, lock_ids)
    pot = locked[pot.id]
    if reserve is not None and reserve.id in locked:
        reserve = locked[reserve.id]
    missing = rules.shortfall(store.figures_of(pot), needed)
    reserve_available = store.figures_of(reserve).available if reserve is not None else 0
    drawn = 0
    if missing:
        if not draw_reserve or reserve is None or reserve_available < missing:
            return Shortfall(
                request=request,
                needed=needed,
                available=store.figures_of(pot).available,
                missing=missing,
                reserve_available=max(0, reserve_available),
                may_draw_reserve=may_draw,
            )
        await _move(
            session,
            source=reserve,
            target=pot,
            amount=missing,
            kinds=(BookingKind.RESERVE_OUT, BookingKind.RESERVE_IN),
            actor_id=approver.telegram_id,
            now=now,
            request_id=request.id,
        )
        drawn = missing
    member_id = who.member_id
    if extra:
        assert request.approved is not None and request.claimed is not None
        await store.book(
            session,
            pot=pot,
            kind=BookingKind.SETTLE,
            now=now,
            actor_id=approver.telegram_id,
            d_committed=-request.approved,
            d_settled=request.claimed,
            request_id=request.id,
        )
        request.actual = request.claimed
        request.claimed = None
        request.status = RequestStatus.SETTLED
        request.settled_at = now
    else:
        await store.book(
            session,
            pot=pot,
            kind=BookingKind.APPROVE,
            now=now,
            actor_id=approver.telegram_id,
            d_committed=needed,
            request_id=request.id,
        )
        request.approved = needed
        request.status = RequestStatus.APPROVED
    request.decided_by = member_id
    request.decided_at = now
    request.updated_at = now
    session.add(request)
    crossed = _remember_thresholds(pot)
    session.add(pot)
    await session.flush()
    return Approved(
        request=request, pot=await view_of(session, pot), crossed=crossed, drawn=drawn, extra=extra
    )


async def reject(
    session: AsyncSession, *, request_id: int, approver: Actor, reason: str, now: datetime
) -> Rejected | Refused:
    """Refuse a request (or only a settlement's extra claim) with a reason for the requester.

    Who may approve the amount may reject it. The reason is stored for the requester's
    message; the audit log keeps only that there was one.
    """
    reason = reason.strip()
    if not reason:
        return Refused("bad_text")
    request = await store.lock_request(session, request_id=request_id)
    if request is None:
        return Refused("gone")
    extra = request.status == RequestStatus.APPROVED and request.claimed is not None
    if request.status != RequestStatus.REQUESTED and not extra:
        return Refused("not_pending")
    ctx = await _context(session, request)
    if ctx is None:
        return Refused("gone")
    who = await authority_of(session, approver)
    total = request.claimed if extra and request.claimed is not None else request.amount
    refusal = _approval_refusal(who, request, ctx, total)
    if refusal is not None:
        return Refused(refusal)
    if extra:
        request.claimed = None
    else:
        request.status = RequestStatus.REJECTED
        request.decided_by = who.member_id
        request.decided_at = now
    request.reason = reason
    request.updated_at = now
    session.add(request)
    await audit.record(
        session,
        at=now,
        actor_id=approver.telegram_id,
        action="budget.request.extra_rejected" if extra else "budget.request.rejected",
        object_type="spending_request",
        object_id=request_id,
        details={"pot_id": request.pot_id, "amount": total},
    )
    return Rejected(request=request, extra=extra)


async def settle(
    session: AsyncSession, *, request_id: int, actor: Actor, actual_cents: int, now: datetime
) -> Settled | NeedsApproval | Refused:
    """Record what an approved request really cost.

    Lower (or equal): the request is settled and the difference goes back to the pot.
    Higher: nothing is booked yet; the claim waits in the approvers' queue and
    :func:`approve` books it (with the same guard), :func:`reject` drops the claim.
    """
    if not 0 <= actual_cents <= MAX_CENTS:
        return Refused("bad_amount")
    request = await store.lock_request(session, request_id=request_id)
    if request is None:
        return Refused("gone")
    if request.status != RequestStatus.APPROVED or request.approved is None:
        return Refused("not_pending")
    ctx = await _context(session, request)
    if ctx is None:
        return Refused("gone")
    who = await authority_of(session, actor)
    if not rules.may_settle(
        who,
        requester_id=request.requester_id,
        team_id=request.team_id,
        region_id=ctx.region_id if ctx.region_id is not None else -1,
    ):
        return Refused("not_allowed")
    released, extra = rules.settle_split(request.approved, actual_cents)
    if extra:
        request.claimed = actual_cents
        request.updated_at = now
        session.add(request)
        await audit.record(
            session,
            at=now,
            actor_id=actor.telegram_id,
            action="budget.request.claimed",
            object_type="spending_request",
            object_id=request_id,
            details={
                "pot_id": request.pot_id,
                "approved": request.approved,
                "actual": actual_cents,
            },
        )
        return NeedsApproval(request=request, extra=extra)
    pot = (await store.lock_pots(session, [request.pot_id]))[request.pot_id]
    await store.book(
        session,
        pot=pot,
        kind=BookingKind.SETTLE,
        now=now,
        actor_id=actor.telegram_id,
        d_committed=-request.approved,
        d_settled=actual_cents,
        request_id=request.id,
    )
    request.actual = actual_cents
    request.claimed = None
    request.status = RequestStatus.SETTLED
    request.settled_at = now
    request.updated_at = now
    session.add(request)
    await session.flush()
    return Settled(request=request, released=released, pot=await view_of(session, pot))


# ---------------------------------------------------------------------------------------
# Moving money
# ---------------------------------------------------------------------------------------


async def _move(
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
    await store.book(
        session,
        pot=source,
        kind=kinds[0],
        now=now,
        actor_id=actor_id,
        d_allocated=-amount,
        counterpart_pot_id=target.id,
        request_id=request_id,
        note=note,
    )
    await store.book(
        session,
        pot=target,
        kind=kinds[1],
        now=now,
        actor_id=actor_id,
        d_allocated=amount,
        counterpart_pot_id=source.id,
        request_id=request_id,
        note=note,
    )


async def _moved(
    session: AsyncSession, source: BudgetPot, target: BudgetPot, amount: int
) -> Moved:
    crossed = _remember_thresholds(source)
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
    place = await store.place_of(session, source)
    who = await authority_of(session, actor)
    if place.region_id is None or not rules.may_reallocate(who, region_id=place.region_id):
        return Refused("not_allowed")
    if store.figures_of(source).available < amount_cents:
        return Refused("insufficient")
    await _move(
        session,
        source=source,
        target=target,
        amount=amount_cents,
        kinds=(BookingKind.REALLOCATE_OUT, BookingKind.REALLOCATE_IN),
        actor_id=actor.telegram_id,
        now=now,
        note=note,
    )
    return await _moved(session, source, target, amount_cents)


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
    reserve = await store.find_pot(
        session,
        organisation_id=pot.organisation_id,
        social_space_id=None,
        year=pot.year,
        category=Category.RESERVE,
    )
    if reserve is None or reserve.id is None:
        return Refused("gone")
    place = await store.place_of(session, pot)
    who = await authority_of(session, actor)
    if place.region_id is None or not rules.may_draw_reserve(who, region_id=place.region_id):
        return Refused("not_allowed")
    locked = await store.lock_pots(session, [pot_id, reserve.id])
    pot, reserve = locked[pot_id], locked[reserve.id]
    if store.figures_of(reserve).available < amount_cents:
        return Refused("insufficient")
    await _move(
        session,
        source=reserve,
        target=pot,
        amount=amount_cents,
        kinds=(BookingKind.RESERVE_OUT, BookingKind.RESERVE_IN),
        actor_id=actor.telegram_id,
        now=now,
        note=note,
    )
    return await _moved(session, reserve, pot, amount_cents)


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
    actor_id = None
    if actor is not None:
        place = await store.place_of(session, source)
        who = await authority_of(session, actor)
        if place.region_id is None or not rules.may_reallocate(who, region_id=place.region_id):
            return Refused("not_allowed")
        actor_id = actor.telegram_id
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
    available = store.figures_of(source).available
    amount = available if amount_cents is None else amount_cents
    if amount < 1 or amount > MAX_CENTS * 100:
        return Refused("insufficient" if amount_cents is None else "bad_amount")
    if amount > available:
        return Refused("insufficient")
    await _move(
        session,
        source=source,
        target=target,
        amount=amount,
        kinds=(BookingKind.CARRY_OUT, BookingKind.CARRY_IN),
        actor_id=actor_id,
        now=now,
        note=note,
    )
    return await _moved(session, source, target, amount)


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
        _remember_thresholds(pot)
        session.add(pot)
        await session.flush()
    return Allocated(pot=await view_of(session, pot), before=before, after=pot.allocated)


# ---------------------------------------------------------------------------------------
# Who decides
# ---------------------------------------------------------------------------------------


async def queue_for(session: AsyncSession, *, approver: Actor) -> list[QueueItem]:
    """Requests (and extra claims) this person may decide now, oldest first."""
    who = await authority_of(session, approver)
    if who.member_id is None:
        return []
    teams: set[int] = set(who.coordinated_teams)
    if who.lead_regions:
        query = (
            select(Team.id)
            .join(SocialSpace, col(SocialSpace.id) == col(Team.social_space_id))
            .where(col(SocialSpace.region_id).in_(list(who.lead_regions)))
        )
        teams |= {team_id for team_id in (await session.exec(query)).all() if team_id}
    if not teams:
        return []
    candidates = await store.requests(
        session,
        statuses=[RequestStatus.REQUESTED, RequestStatus.APPROVED],
        team_ids=teams,
    )
    items: list[QueueItem] = []
    for request in candidates:
        extra = request.status == RequestStatus.APPROVED
        if extra and request.claimed is None:
            continue
        ctx = await _context(session, request)
        if ctx is None:
            continue
        total = request.claimed if extra and request.claimed is not None else request.amount
        if _approval_refusal(who, request, ctx, total) is not None:
            continue
        pot = await session.get(BudgetPot, request.pot_id)
        assert pot is not None
        needed = total - (request.approved or 0) if extra else total
        items.append(
            QueueItem(
                request=request,
                pot=await view_of(session, pot),
                team_name=ctx.team.name,
                needed=needed,
                extra=extra,
            )
        )
    return items


async def approvers_of(
    session: AsyncSession,
    *,
    team_id: int,
    amount_cents: int,
    year: int,
    exclude_member_id: int | None = None,
) -> list[Member]:
    """Whom to push a new request to: who may approve ``amount_cents`` for this team.

    The Fachbereichsleitung of the team's region always; the team's coordinators when the
    amount is within the organisation's limit for ``year`` (the pot's year). Never the
    requester (``exclude_member_id``).
    """
    team = await session.get(Team, team_id)
    if team is None or team.social_space_id is None:
        return []
    space = await session.get(SocialSpace, team.social_space_id)
    assert space is not None
    found = await store.members_with_role(
        session, role=Role.FACHBEREICHSLEITUNG, region_id=space.region_id
    )
    limit = await store.coordinator_limit(session, organisation_id=team.organisation_id, year=year)
    if amount_cents <= limit:
        found += await store.members_with_role(session, role=Role.KOORDINATION, team_ids=[team_id])
    unique = {m.id: m for m in found if m.id != exclude_member_id}
    return list(unique.values())


# ---------------------------------------------------------------------------------------
# Checking the ledger
# ---------------------------------------------------------------------------------------


async def verify(session: AsyncSession) -> list[Mismatch]:
    """Recompute every pot from the ledger and the requests; list what does not agree.

    Checks per pot: the cached allocated/committed/settled equal the sums of its bookings;
    committed equals the approved amounts of its open approved requests; settled equals
    the paid amounts of its settled requests; nothing is overspent (available ≥ 0).
    """
    sums = await store.ledger_sums(session)
    open_requests = await store.requests(session, statuses=[RequestStatus.APPROVED])
    settled_requests = await store.requests(session, statuses=[RequestStatus.SETTLED])
    committed_by_pot: dict[int, int] = {}
    for request in open_requests:
        committed_by_pot[request.pot_id] = committed_by_pot.get(request.pot_id, 0) + (
            request.approved or 0
        )
    settled_by_pot: dict[int, int] = {}
    for request in settled_requests:
        settled_by_pot[request.pot_id] = settled_by_pot.get(request.pot_id, 0) + (
            request.actual or 0
        )
    found: list[Mismatch] = []
    all_pots = await store.pots(session)
    known = {p.id for p in all_pots}
    for pot in all_pots:
        assert pot.id is not None
        ledger = sums.get(pot.id, Figures(0, 0, 0))
        for what, expected, actual in (
            ("zugewiesen", ledger.allocated, pot.allocated),
            ("gebunden", ledger.committed, pot.committed),
            ("abgerechnet", ledger.settled, pot.settled),
            ("gebunden (Anträge)", committed_by_pot.get(pot.id, 0), ledger.committed),
            ("abgerechnet (Anträge)", settled_by_pot.get(pot.id, 0), ledger.settled),
        ):
            if expected != actual:
                found.append(Mismatch(pot.id, what, expected, actual))
        if ledger.available < 0:
            found.append(Mismatch(pot.id, "verfügbar (mindestens 0)", 0, ledger.available))
    for pot_id in sorted(set(sums) - known):
        found.append(Mismatch(pot_id, "Buchungen ohne Topf", 0, 1))
    return found


def summarise(mismatches: Sequence[Mismatch]) -> str:
    """German report for the command line."""
    if not mismatches:
        return "Alle Töpfe stimmen mit dem Buchungsjournal überein."
    lines = [f"{len(mismatches)} Abweichung(en) gefunden:"]
    lines += [f"  - {m.describe()}" for m in mismatches]
    return "\n".join(lines)
