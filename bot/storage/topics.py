"""Data functions for case codes and case topics.

The text columns of :class:`~bot.storage.models.CaseTopic` hold Fernet tokens; these
functions take and return them sealed and never see plain text (sealing and opening is the
caller's job with :class:`bot.crypto.Vault`), so nothing here can leak case text.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import CaseCode, CaseTopic, TopicStatus

#: The free-text columns of a topic, in the order the dialogue asks for them.
TEXT_FIELDS = ("question", "situation", "will", "resources", "tried")
_CODE_ATTEMPTS = 40


@dataclass(frozen=True)
class SealedText:
    """A topic's free-text answers, each a Fernet token or None (skipped)."""

    question: str
    situation: str | None = None
    will: str | None = None
    resources: str | None = None
    tried: str | None = None


class CodesExhaustedError(RuntimeError):
    """No free code was found; the organisation has used nearly every code of the pool."""


def _insert(session: AsyncSession) -> Any:
    """The dialect's ``insert`` (both offer ``on_conflict_do_nothing``)."""
    return postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


# -- codes ---------------------------------------------------------------------------------


async def new_case(
    session: AsyncSession,
    *,
    organisation_id: int,
    team_id: int,
    owner_id: int,
    now: datetime,
    draw: Callable[[bool], str],
) -> CaseCode:
    """A new case with a fresh code from ``draw(wide)``, unique in the organisation.

    A code already taken is skipped with ``INSERT … ON CONFLICT DO NOTHING`` (so two members
    drawing the same code at once both end up with distinct codes); after half the attempts
    the numbers get a digit more.
    """
    for attempt in range(_CODE_ATTEMPTS):
        code = draw(attempt >= _CODE_ATTEMPTS // 2)
        statement = (
            _insert(session)(CaseCode)
            .values(
                organisation_id=organisation_id,
                team_id=team_id,
                owner_id=owner_id,
                code=code,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=["organisation_id", "code"])
            .returning(CaseCode.id)
        )
        new_id = (await session.exec(statement)).scalar_one_or_none()
        if new_id is not None:
            case = await session.get(CaseCode, new_id)
            assert case is not None
            return case
    raise CodesExhaustedError(f"no free case code after {_CODE_ATTEMPTS} attempts")


async def get_case(session: AsyncSession, *, case_id: int) -> CaseCode | None:
    """The case with this id."""
    return await session.get(CaseCode, case_id)


async def cases_of(session: AsyncSession, *, owner_id: int, team_id: int) -> Sequence[CaseCode]:
    """The cases a member brought in a team, newest first."""
    query = (
        select(CaseCode)
        .where(CaseCode.owner_id == owner_id, CaseCode.team_id == team_id)
        .order_by(col(CaseCode.created_at).desc(), col(CaseCode.id).desc())
    )
    return (await session.exec(query)).all()


async def codes_of_organisation(session: AsyncSession, *, organisation_id: int) -> set[str]:
    """Every code of an organisation (the privacy gate lets them pass)."""
    query = select(CaseCode.code).where(CaseCode.organisation_id == organisation_id)
    return set((await session.exec(query)).all())


# -- topics --------------------------------------------------------------------------------


async def add_topic(
    session: AsyncSession,
    *,
    case: CaseCode,
    author_id: int,
    text: SealedText,
    urgent: bool,
    help_kind: str,
    meeting_id: int | None,
    now: datetime,
) -> CaseTopic:
    """Queue a new topic of ``case``, last on the agenda of ``meeting_id`` (None: no date yet)."""
    assert case.id is not None
    topic = CaseTopic(
        case_id=case.id,
        team_id=case.team_id,
        author_id=author_id,
        meeting_id=meeting_id,
        position=await _next_position(session, team_id=case.team_id, meeting_id=meeting_id),
        status=TopicStatus.QUEUED,
        urgent=urgent,
        help_kind=help_kind,
        question=text.question,
        situation=text.situation,
        will=text.will,
        resources=text.resources,
        tried=text.tried,
        submitted_at=now,
        updated_at=now,
    )
    session.add(topic)
    await session.flush()
    return topic


async def _next_position(session: AsyncSession, *, team_id: int, meeting_id: int | None) -> int:
    query = select(func.max(CaseTopic.position)).where(
        CaseTopic.team_id == team_id,
        CaseTopic.meeting_id == meeting_id
        if meeting_id is not None
        else col(CaseTopic.meeting_id).is_(None),
        CaseTopic.status == TopicStatus.QUEUED,
    )
    highest = (await session.exec(query)).one()
    return 0 if highest is None else int(highest) + 1


async def get_topic(session: AsyncSession, *, topic_id: int) -> CaseTopic | None:
    """The topic with this id."""
    return await session.get(CaseTopic, topic_id)


async def code_of(session: AsyncSession, *, topic: CaseTopic) -> str:
    """The code of a topic's case."""
    case = await session.get(CaseCode, topic.case_id)
    assert case is not None
    return case.code


async def codes_by_case(session: AsyncSession, *, case_ids: Collection[int]) -> dict[int, str]:
    """Codes of several cases by case id."""
    if not case_ids:
        return {}
    query = select(CaseCode.id, CaseCode.code).where(col(CaseCode.id).in_(case_ids))
    return {case_id: code for case_id, code in (await session.exec(query)).all() if case_id}


async def topics_of_author(
    session: AsyncSession,
    *,
    author_id: int,
    statuses: Collection[str] = (TopicStatus.QUEUED,),
) -> Sequence[CaseTopic]:
    """A member's topics in the given states, oldest first."""
    query = (
        select(CaseTopic)
        .where(CaseTopic.author_id == author_id, col(CaseTopic.status).in_(statuses))
        .order_by(col(CaseTopic.submitted_at), col(CaseTopic.id))
    )
    return (await session.exec(query)).all()


async def queued_on(session: AsyncSession, *, meeting_id: int) -> Sequence[CaseTopic]:
    """The topics queued for a meeting, in stored order (urgency is applied by the agenda)."""
    query = (
        select(CaseTopic)
        .where(CaseTopic.meeting_id == meeting_id, CaseTopic.status == TopicStatus.QUEUED)
        .order_by(col(CaseTopic.position), col(CaseTopic.submitted_at), col(CaseTopic.id))
    )
    return (await session.exec(query)).all()


async def queued_by_meeting(session: AsyncSession, *, team_id: int) -> dict[int, list[CaseTopic]]:
    """A team's queued topics that have a date, by meeting id."""
    query = (
        select(CaseTopic)
        .where(
            CaseTopic.team_id == team_id,
            col(CaseTopic.meeting_id).is_not(None),
            CaseTopic.status == TopicStatus.QUEUED,
        )
        .order_by(col(CaseTopic.position), col(CaseTopic.id))
    )
    found: dict[int, list[CaseTopic]] = {}
    for topic in (await session.exec(query)).all():
        assert topic.meeting_id is not None
        found.setdefault(topic.meeting_id, []).append(topic)
    return found


async def closed_on(session: AsyncSession, *, meeting_id: int) -> Sequence[CaseTopic]:
    """The topics a meeting dealt with (discussed, withdrawn or dropped)."""
    query = (
        select(CaseTopic)
        .where(
            CaseTopic.meeting_id == meeting_id,
            col(CaseTopic.status).not_in((TopicStatus.QUEUED, TopicStatus.DEFERRED)),
        )
        .order_by(col(CaseTopic.position), col(CaseTopic.id))
    )
    return (await session.exec(query)).all()


async def waiting(session: AsyncSession, *, team_id: int) -> Sequence[CaseTopic]:
    """A team's queued topics that have no date yet (the team had no consultation date)."""
    query = (
        select(CaseTopic)
        .where(
            CaseTopic.team_id == team_id,
            col(CaseTopic.meeting_id).is_(None),
            CaseTopic.status == TopicStatus.QUEUED,
        )
        .order_by(col(CaseTopic.submitted_at), col(CaseTopic.id))
    )
    return (await session.exec(query)).all()


async def place(
    session: AsyncSession, *, topic: CaseTopic, meeting_id: int, now: datetime, moved: bool
) -> None:
    """Put a topic last on another meeting's agenda, queued (``moved``: it was carried over)."""
    topic.status = TopicStatus.QUEUED
    topic.position = await _next_position(session, team_id=topic.team_id, meeting_id=meeting_id)
    topic.meeting_id = meeting_id
    if moved:
        topic.times_moved += 1
    topic.updated_at = now
    session.add(topic)
    await session.flush()


async def set_positions(session: AsyncSession, *, ordered: Sequence[CaseTopic]) -> None:
    """Store a new order of an agenda: positions 0, 1, 2, … in the given order."""
    for position, topic in enumerate(ordered):
        if topic.position != position:
            topic.position = position
            session.add(topic)
    await session.flush()


async def update_text(
    session: AsyncSession, *, topic: CaseTopic, field: str, sealed: str | None, now: datetime
) -> None:
    """Replace one free-text answer of a queued topic by a new sealed one."""
    if field not in TEXT_FIELDS:
        raise ValueError(f"not a text field: {field}")
    setattr(topic, field, sealed)
    topic.updated_at = now
    session.add(topic)
    await session.flush()


async def defer(session: AsyncSession, *, topic: CaseTopic, now: datetime) -> None:
    """Mark a topic of an ended meeting to go to the next date when the minutes are closed."""
    topic.status = TopicStatus.DEFERRED
    topic.updated_at = now
    session.add(topic)
    await session.flush()


async def deferred_on(session: AsyncSession, *, meeting_id: int) -> Sequence[CaseTopic]:
    """A meeting's topics marked for the next date."""
    query = (
        select(CaseTopic)
        .where(CaseTopic.meeting_id == meeting_id, CaseTopic.status == TopicStatus.DEFERRED)
        .order_by(col(CaseTopic.position), col(CaseTopic.id))
    )
    return (await session.exec(query)).all()


async def close(
    session: AsyncSession,
    *,
    topic: CaseTopic,
    status: TopicStatus,
    now: datetime,
    outcome: str | None = None,
    outcome_note: str | None = None,
) -> None:
    """End a topic's way: discussed (with an outcome), withdrawn or dropped."""
    topic.status = status
    topic.outcome = outcome
    topic.outcome_note = outcome_note
    topic.closed_at = now
    topic.updated_at = now
    session.add(topic)
    await session.flush()


async def purge_text(
    session: AsyncSession, *, closed_before: datetime, now: datetime
) -> list[int]:
    """Delete the free text of topics closed before ``closed_before``; their ids.

    Code, dates, kind of help, urgency and outcome category stay for statistics.
    """
    query = select(CaseTopic.id).where(
        col(CaseTopic.closed_at).is_not(None),
        col(CaseTopic.closed_at) < closed_before,
        col(CaseTopic.text_deleted_at).is_(None),
    )
    ids = [topic_id for topic_id in (await session.exec(query)).all() if topic_id is not None]
    if ids:
        await session.exec(
            update(CaseTopic)
            .where(col(CaseTopic.id).in_(ids))
            .values(
                question=None,
                situation=None,
                will=None,
                resources=None,
                tried=None,
                outcome_note=None,
                text_deleted_at=now,
            )
        )
    return ids
