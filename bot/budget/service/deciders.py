"""Who decides: the approvers' queue and whom to tell about a new request.

Both answer from the same rule as :func:`~bot.budget.service.approve` (via
:func:`~bot.budget.service.checks.approval_refusal`), so nobody is offered a request the
service would then refuse them.
"""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.access import Actor
from bot.budget import RequestStatus
from bot.budget.service.checks import (
    approval_refusal,
    decision_total,
    is_extra_claim,
    place_of_request,
    waits_for_decision,
)
from bot.budget.service.results import QueueItem
from bot.budget.service.views import authority_of, view_of
from bot.storage import budget as store
from bot.storage.models import BudgetPot, Member, Role, SocialSpace, Team


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
        if not waits_for_decision(request):
            continue
        place = await place_of_request(session, request)
        if place is None:
            continue
        total = decision_total(request)
        if approval_refusal(who, request, place, total) is not None:
            continue
        pot = await session.get(BudgetPot, request.pot_id)
        assert pot is not None
        extra = is_extra_claim(request)
        items.append(
            QueueItem(
                request=request,
                pot=await view_of(session, pot),
                team_name=place.team.name,
                needed=total - (request.approved or 0) if extra else total,
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
