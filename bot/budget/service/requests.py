"""A spending request's life: submit, withdraw, approve, reject, settle.

Each call locks the request row and re-reads it, re-checks the caller's rights from the
database (:mod:`bot.budget.service.checks`) and books through :func:`bot.storage.budget.book`,
so a stale button or a racing second approver changes nothing. The audit log keeps ids and
cents, never the purpose or a rejection reason.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.access import Actor
from bot.budget import BookingKind, RequestStatus, rules
from bot.budget.service.checks import (
    RequestPlace,
    approval_refusal,
    decision_total,
    is_extra_claim,
    place_of_request,
    remember_thresholds,
    waits_for_decision,
)
from bot.budget.service.moves import move
from bot.budget.service.results import (
    Approved,
    NeedsApproval,
    Refused,
    Rejected,
    Settled,
    Shortfall,
    Withdrawn,
)
from bot.budget.service.views import authority_of, view_of
from bot.money import MAX_CENTS
from bot.storage import budget as store
from bot.storage.models import BudgetPot, Membership, SpendingRequest, Team


async def _save(
    session: AsyncSession,
    request: SpendingRequest,
    *,
    event: str,
    actor_id: int | None,
    now: datetime,
    details: dict[str, Any],
) -> None:
    """Write the request and its audit entry ``budget.request.<event>`` (ids and cents only)."""
    await store.save_recorded(
        session,
        request,
        now=now,
        actor_id=actor_id,
        action=f"budget.request.{event}",
        object_type="spending_request",
        details=details,
    )


async def _locked_undecided(session: AsyncSession, request_id: int) -> SpendingRequest | Refused:
    """The request, locked and re-read, if it still waits for an approver's decision."""
    request = await store.lock_request(session, request_id=request_id)
    if request is None:
        return Refused("gone")
    if not waits_for_decision(request):
        return Refused("not_pending")
    return request


async def _decider(
    session: AsyncSession, request: SpendingRequest, approver: Actor, total: int
) -> tuple[RequestPlace, rules.Authority] | Refused:
    """The request's place and the approver's rights, if they may decide ``total``."""
    place = await place_of_request(session, request)
    if place is None:
        return Refused("gone")
    who = await authority_of(session, approver)
    refusal = approval_refusal(who, request, place, total)
    if refusal is not None:
        return Refused(refusal)
    return place, who


async def _book_settlement(
    session: AsyncSession,
    *,
    pot: BudgetPot,
    request: SpendingRequest,
    actual: int,
    actor_id: int | None,
    now: datetime,
) -> None:
    """Turn the approved (committed) amount into ``actual`` paid; the request is settled."""
    assert request.approved is not None
    await store.book(
        session,
        pot=pot,
        kind=BookingKind.SETTLE,
        now=now,
        actor_id=actor_id,
        d_committed=-request.approved,
        d_settled=actual,
        request_id=request.id,
    )
    request.actual = actual
    request.claimed = None
    request.status = RequestStatus.SETTLED
    request.settled_at = now


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
    await _save(
        session,
        request,
        event="submitted",
        actor_id=None,
        now=now,
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
    await _save(
        session,
        request,
        event="withdrawn",
        actor_id=actor.telegram_id,
        now=now,
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
    request = await _locked_undecided(session, request_id)
    if isinstance(request, Refused):
        return request
    extra = is_extra_claim(request)
    if extra:
        assert request.claimed is not None and request.approved is not None
        total, needed = request.claimed, request.claimed - request.approved
    else:
        total = needed = amount_cents if amount_cents is not None else request.amount
        if not 1 <= needed <= request.amount:
            return Refused("bad_amount")
    decider = await _decider(session, request, approver, total)
    if isinstance(decider, Refused):
        return decider
    place, who = decider
    pot = await session.get(BudgetPot, request.pot_id)
    assert pot is not None and pot.id is not None
    reserve = await store.find_reserve(session, organisation_id=pot.organisation_id, year=pot.year)
    may_draw = place.region_id is not None and rules.may_draw_reserve(
        who, region_id=place.region_id
    )
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
        await move(
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
    if extra:
        assert request.claimed is not None
        await _book_settlement(
            session,
            pot=pot,
            request=request,
            actual=request.claimed,
            actor_id=approver.telegram_id,
            now=now,
        )
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
    request.decided_by = who.member_id
    request.decided_at = now
    request.updated_at = now
    session.add(request)
    crossed = remember_thresholds(pot)
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
    request = await _locked_undecided(session, request_id)
    if isinstance(request, Refused):
        return request
    extra = is_extra_claim(request)
    total = decision_total(request)
    decider = await _decider(session, request, approver, total)
    if isinstance(decider, Refused):
        return decider
    _, who = decider
    if extra:
        request.claimed = None
    else:
        request.status = RequestStatus.REJECTED
        request.decided_by = who.member_id
        request.decided_at = now
    request.reason = reason
    request.updated_at = now
    await _save(
        session,
        request,
        event="extra_rejected" if extra else "rejected",
        actor_id=approver.telegram_id,
        now=now,
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
    place = await place_of_request(session, request)
    if place is None:
        return Refused("gone")
    who = await authority_of(session, actor)
    if not rules.may_settle(
        who,
        requester_id=request.requester_id,
        team_id=request.team_id,
        region_id=place.rule_region,
    ):
        return Refused("not_allowed")
    released, extra = rules.settle_split(request.approved, actual_cents)
    if extra:
        request.claimed = actual_cents
        request.updated_at = now
        await _save(
            session,
            request,
            event="claimed",
            actor_id=actor.telegram_id,
            now=now,
            details={
                "pot_id": request.pot_id,
                "approved": request.approved,
                "actual": actual_cents,
            },
        )
        return NeedsApproval(request=request, extra=extra)
    pot = (await store.lock_pots(session, [request.pot_id]))[request.pot_id]
    await _book_settlement(
        session, pot=pot, request=request, actual=actual_cents, actor_id=actor.telegram_id, now=now
    )
    request.updated_at = now
    session.add(request)
    await session.flush()
    return Settled(request=request, released=released, pot=await view_of(session, pot))
