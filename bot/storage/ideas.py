"""Data functions for network ideas: ideas, their tags and votes, status steps, meetings.

The rules (which step is allowed, how votes sort) live in :mod:`bot.ideas`; these functions
only read and write. Numbers are per team and never reused: the unique constraint on
``(team_id, number)`` refuses a second idea with the same number, so a parallel insert fails
and its update is rolled back rather than two ideas sharing "#12".
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ideas import OPEN_STATUSES, REALISED, session_running
from bot.storage.models import (
    Idea,
    IdeaSession,
    IdeaStatusChange,
    IdeaVote,
    Member,
    SpendingRequest,
)

# -- ideas ----------------------------------------------------------------------------------


async def next_number(session: AsyncSession, *, team_id: int) -> int:
    """The number the team's next idea gets."""
    highest = (
        await session.exec(select(func.max(Idea.number)).where(Idea.team_id == team_id))
    ).first()
    return int(highest or 0) + 1


async def add_idea(
    session: AsyncSession,
    *,
    team_id: int,
    author_id: int,
    text: str,
    now: datetime,
    session_id: int | None = None,
) -> Idea:
    """Store a checked idea with the team's next number."""
    idea = Idea(
        team_id=team_id,
        number=await next_number(session, team_id=team_id),
        text=text,
        author_id=author_id,
        session_id=session_id,
        partners=[],
        created_at=now,
        updated_at=now,
    )
    session.add(idea)
    await session.flush()
    return idea


async def get_idea(session: AsyncSession, *, idea_id: int) -> Idea | None:
    """The idea with this id."""
    return await session.get(Idea, idea_id)


async def ideas_of_team(session: AsyncSession, *, team_id: int) -> Sequence[Idea]:
    """Every idea of a team, by number."""
    query = select(Idea).where(Idea.team_id == team_id).order_by(col(Idea.number))
    return (await session.exec(query)).all()


async def linkable_ideas(session: AsyncSession, *, team_id: int) -> list[Idea]:
    """The team's ideas that are neither done nor dropped, by number.

    For the budget's ``/ausgabe``: a spending request may name the idea it pays for.
    """
    query = (
        select(Idea)
        .where(Idea.team_id == team_id, col(Idea.status).in_(sorted(OPEN_STATUSES)))
        .order_by(col(Idea.number))
    )
    return list((await session.exec(query)).all())


async def save(session: AsyncSession, *, idea: Idea, now: datetime) -> None:
    """Write changed tags of an idea."""
    idea.updated_at = now
    session.add(idea)
    await session.flush()


async def change_status(
    session: AsyncSession,
    *,
    idea: Idea,
    to_status: str,
    actor_id: int,
    now: datetime,
    responsible_id: int | None = None,
    reason: str | None = None,
) -> str:
    """Move an idea to ``to_status`` (checked by the caller) and record the step.

    Returns the previous status. ``responsible_id`` is kept when moving to "planned",
    ``reason`` when dropping.
    """
    assert idea.id is not None
    previous = idea.status
    idea.status = to_status
    if responsible_id is not None:
        idea.responsible_id = responsible_id
    if reason is not None:
        idea.drop_reason = reason
    idea.updated_at = now
    session.add(idea)
    session.add(
        IdeaStatusChange(
            idea_id=idea.id, from_status=previous, to_status=to_status, actor_id=actor_id, at=now
        )
    )
    await session.flush()
    return previous


async def ever_realised(session: AsyncSession, *, idea_ids: Collection[int]) -> set[int]:
    """Ideas that reached "running" or "done" at some point (dropped later or not)."""
    if not idea_ids:
        return set()
    rows = await session.exec(
        select(IdeaStatusChange.idea_id).where(
            col(IdeaStatusChange.idea_id).in_(list(idea_ids)),
            col(IdeaStatusChange.to_status).in_(sorted(REALISED)),
        )
    )
    return set(rows.all())


async def member_names(session: AsyncSession, *, member_ids: Collection[int]) -> dict[int, str]:
    """Display names by member id."""
    if not member_ids:
        return {}
    rows = await session.exec(
        select(Member.id, Member.display_name).where(col(Member.id).in_(list(member_ids)))
    )
    return {ident: name for ident, name in rows.all() if ident is not None}


# -- votes ----------------------------------------------------------------------------------


async def vote_counts(session: AsyncSession, *, idea_ids: Collection[int]) -> dict[int, int]:
    """How many 👍 each idea has."""
    if not idea_ids:
        return {}
    rows = await session.exec(
        select(IdeaVote.idea_id, func.count())
        .where(col(IdeaVote.idea_id).in_(list(idea_ids)))
        .group_by(col(IdeaVote.idea_id))
    )
    return {idea_id: int(count) for idea_id, count in rows.all()}


async def has_voted(session: AsyncSession, *, idea_id: int, member_id: int) -> bool:
    """Whether the member's 👍 is on the idea."""
    query = select(IdeaVote.id).where(IdeaVote.idea_id == idea_id, IdeaVote.member_id == member_id)
    return (await session.exec(query)).first() is not None


async def toggle_vote(
    session: AsyncSession, *, idea_id: int, member_id: int, now: datetime
) -> bool:
    """Add the member's 👍, or take it back if it was there; True if it was added."""
    removed = await session.exec(
        delete(IdeaVote).where(
            col(IdeaVote.idea_id) == idea_id, col(IdeaVote.member_id) == member_id
        )
    )
    if removed.rowcount:
        return False
    session.add(IdeaVote(idea_id=idea_id, member_id=member_id, created_at=now))
    await session.flush()
    return True


# -- meetings in the group ------------------------------------------------------------------


async def latest_session(session: AsyncSession, *, team_id: int) -> IdeaSession | None:
    """The team's most recent meeting that was not closed, if any."""
    query = (
        select(IdeaSession)
        .where(IdeaSession.team_id == team_id, col(IdeaSession.ended_at).is_(None))
        .order_by(col(IdeaSession.started_at).desc(), col(IdeaSession.id).desc())
    )
    return (await session.exec(query)).first()


async def running_session(
    session: AsyncSession, *, team_id: int, now: datetime
) -> IdeaSession | None:
    """The team's meeting that collects ideas now (not closed, not forgotten)."""
    found = await latest_session(session, team_id=team_id)
    if found is None or not session_running(found.started_at, found.ended_at, now):
        return None
    return found


async def start_session(
    session: AsyncSession,
    *,
    team_id: int,
    chat_id: int,
    meeting_id: int | None,
    actor_id: int,
    now: datetime,
) -> IdeaSession:
    """Open a meeting in the group; forgotten ones of the team are closed first."""
    stale = await session.exec(
        select(IdeaSession).where(
            IdeaSession.team_id == team_id, col(IdeaSession.ended_at).is_(None)
        )
    )
    for old in stale.all():
        old.ended_at, old.ended_by = now, actor_id
        session.add(old)
    found = IdeaSession(
        team_id=team_id,
        chat_id=chat_id,
        meeting_id=meeting_id,
        started_by=actor_id,
        started_at=now,
    )
    session.add(found)
    await session.flush()
    return found


async def end_session(
    session: AsyncSession, *, idea_session: IdeaSession, actor_id: int, now: datetime
) -> None:
    """Close a meeting: it collects no more ideas."""
    idea_session.ended_at, idea_session.ended_by = now, actor_id
    session.add(idea_session)
    await session.flush()


async def get_session(session: AsyncSession, *, session_id: int) -> IdeaSession | None:
    """The meeting with this id."""
    return await session.get(IdeaSession, session_id)


async def ideas_of_session(session: AsyncSession, *, session_id: int) -> Sequence[Idea]:
    """The ideas collected at one meeting, by number."""
    query = select(Idea).where(Idea.session_id == session_id).order_by(col(Idea.number))
    return (await session.exec(query)).all()


# -- spending requests (issue 5) ------------------------------------------------------------

#: Requests an idea may be linked to: not refused or withdrawn (the budget's own words).
LINKABLE_REQUEST_STATUSES: tuple[str, ...] = ("requested", "approved", "settled")


async def linkable_requests(session: AsyncSession, *, team_id: int) -> list[SpendingRequest]:
    """The team's spending requests that pay for no idea yet and still stand, newest first."""
    query = (
        select(SpendingRequest)
        .where(
            SpendingRequest.team_id == team_id,
            col(SpendingRequest.idea_id).is_(None),
            col(SpendingRequest.status).in_(LINKABLE_REQUEST_STATUSES),
        )
        .order_by(col(SpendingRequest.id).desc())
    )
    return list((await session.exec(query)).all())


async def link_request(
    session: AsyncSession, *, request_id: int, idea: Idea, now: datetime
) -> SpendingRequest | None:
    """Let a spending request name the idea it pays for; None if it may not (any more)."""
    request = await session.get(SpendingRequest, request_id)
    if (
        request is None
        or request.team_id != idea.team_id
        or request.idea_id is not None
        or request.status not in LINKABLE_REQUEST_STATUSES
    ):
        return None
    request.idea_id = idea.id
    request.updated_at = now
    session.add(request)
    await session.flush()
    return request


async def requests_of_idea(session: AsyncSession, *, idea_id: int) -> list[SpendingRequest]:
    """The spending requests that name this idea."""
    query = (
        select(SpendingRequest)
        .where(SpendingRequest.idea_id == idea_id)
        .order_by(col(SpendingRequest.id))
    )
    return list((await session.exec(query)).all())
