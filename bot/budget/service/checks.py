"""The checks that requesting, moving money and the approvers' queue share.

Who may decide a request, whether a request still waits for a decision, whether the actor
leads the pot's region, and the once-only 80/100 % thresholds: written once here, so the
queue offers exactly what :func:`~bot.budget.service.approve` will then accept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.access import Actor
from bot.budget import RequestStatus, rules
from bot.budget.service.views import authority_of
from bot.storage import budget as store
from bot.storage.models import BudgetPot, SpendingRequest, Team


@dataclass(frozen=True, slots=True)
class RequestPlace:
    """A request with its team, its pot's region and the year's coordinator limit."""

    team: Team
    region_id: int | None
    limit: int

    @property
    def rule_region(self) -> int:
        """The region for :mod:`bot.budget.rules`; ``-1`` (no region) matches no leader."""
        return self.region_id if self.region_id is not None else -1


async def place_of_request(session: AsyncSession, request: SpendingRequest) -> RequestPlace | None:
    """Where a request sits, or ``None`` when its team or pot is gone."""
    team = await session.get(Team, request.team_id)
    pot = await session.get(BudgetPot, request.pot_id)
    if team is None or pot is None:
        return None
    place = await store.place_of(session, pot)
    limit = await store.coordinator_limit(
        session, organisation_id=pot.organisation_id, year=pot.year
    )
    return RequestPlace(team=team, region_id=place.region_id, limit=limit)


def is_extra_claim(request: SpendingRequest) -> bool:
    """An approved request whose settlement above the approval waits for a decision."""
    return request.status == RequestStatus.APPROVED and request.claimed is not None


def waits_for_decision(request: SpendingRequest) -> bool:
    """A new request, or an extra claim: something an approver may approve or reject."""
    return request.status == RequestStatus.REQUESTED or is_extra_claim(request)


def decision_total(request: SpendingRequest) -> int:
    """The amount an approver's limit is checked against: the claim, or the requested sum."""
    if is_extra_claim(request) and request.claimed is not None:
        return request.claimed
    return request.amount


def approval_refusal(
    who: rules.Authority, request: SpendingRequest, place: RequestPlace, amount: int
) -> rules.Refusal | None:
    """Why ``who`` may not approve ``amount`` on this request, or ``None``."""
    return rules.may_approve(
        who,
        requester_id=request.requester_id,
        team_id=request.team_id,
        region_id=place.rule_region,
        amount=amount,
        coordinator_limit=place.limit,
    )


class RegionRight(Protocol):
    """A rule like :func:`rules.may_reallocate`: may ``who`` act in this region?"""

    def __call__(self, who: rules.Authority, *, region_id: int) -> bool: ...


async def leads_pot(
    session: AsyncSession, actor: Actor, pot: BudgetPot, right: RegionRight
) -> bool:
    """Whether the actor holds ``right`` in the pot's region (the reserve has none)."""
    place = await store.place_of(session, pot)
    who = await authority_of(session, actor)
    return place.region_id is not None and right(who, region_id=place.region_id)


def remember_thresholds(pot: BudgetPot) -> tuple[int, ...]:
    """Thresholds the pot passes for the first time; the pot keeps the highest told."""
    crossed = rules.crossed_thresholds(store.figures_of(pot), pot.warned_percent)
    if crossed:
        pot.warned_percent = max(crossed)
    return crossed
