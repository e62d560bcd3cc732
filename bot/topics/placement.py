"""Which consultation a topic goes to: the team's next date whose submission deadline is ahead.

Meeting rows are made here when a topic needs one (:func:`bot.storage.meetings.ensure_meeting`),
so a topic submitted three weeks ahead has an agenda to sit on before any reminder ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.consultations.schedule import Occurrence, next_occurrence, submission_deadline
from bot.storage import consultations, meetings, topics
from bot.storage.models import CaseTopic, ConsultationSeries, Meeting, TopicStatus

_SEARCH: int = 12
"""How many dates to look past whose deadline is over (a deadline can lie weeks ahead)."""


@dataclass(frozen=True)
class Target:
    """A consultation that takes topics: its meeting row, when it is and its deadline."""

    meeting: Meeting
    series: ConsultationSeries
    occurrence: Occurrence
    deadline: datetime


async def next_open(
    session: AsyncSession,
    *,
    team_id: int,
    tz: ZoneInfo,
    now: datetime,
    after: datetime | None = None,
) -> Target | None:
    """The team's first consultation starting after ``after`` (default ``now``) that still
    takes topics at ``now``; None when the team has no consultation series or no such date."""
    row = await consultations.get_series(session, team_id=team_id)
    if row is None or row.id is None:
        return None
    state = await consultations.federal_state(session, team_id=team_id)
    series = consultations.to_domain(row, tz=tz, state=state)
    found = await consultations.exceptions(session, series_id=row.id)
    rule = consultations.deadline_of(row)
    moment = after or now
    for _ in range(_SEARCH):
        occurrence = next_occurrence(
            series,
            cancelled=found.cancelled,
            moved=found.moves,
            pauses=found.pauses,
            after=moment,
        )
        if occurrence is None:
            return None
        deadline = submission_deadline(occurrence, rule)
        if deadline > now:
            meeting = await meetings.ensure_meeting(
                session,
                series_id=row.id,
                original_date=occurrence.original_date,
                starts_at=occurrence.starts_at,
                ends_at=occurrence.ends_at,
                now=now,
            )
            return Target(meeting, row, occurrence, deadline)
        moment = occurrence.starts_at
    return None


async def deadline_of_meeting(
    session: AsyncSession, *, meeting: Meeting, tz: ZoneInfo
) -> datetime | None:
    """The submission deadline of a stored meeting as it takes place now (None: it does not)."""
    from bot.attendance import occurrence_now  # local: attendance imports handler helpers

    row = await session.get(ConsultationSeries, meeting.series_id)
    if row is None:
        return None
    occurrence = await occurrence_now(session, row=row, original_date=meeting.original_date, tz=tz)
    if occurrence is None:
        return None
    return submission_deadline(occurrence, consultations.deadline_of(row))


async def place_waiting(
    session: AsyncSession, *, team_id: int, tz: ZoneInfo, now: datetime
) -> Target | None:
    """Put the team's topics without a date on its next open consultation; that target."""
    waiting = await topics.waiting(session, team_id=team_id)
    if not waiting:
        return None
    target = await next_open(session, team_id=team_id, tz=tz, now=now)
    if target is None:
        return None
    assert target.meeting.id is not None
    for topic in waiting:
        await topics.place(
            session, topic=topic, meeting_id=target.meeting.id, now=now, moved=False
        )
    return target


async def carry_over(
    session: AsyncSession, *, topic: CaseTopic, tz: ZoneInfo, now: datetime, after: datetime
) -> Target | None:
    """Move a queued topic to the team's next consultation after ``after``.

    Carried-over topics are not held to the submission deadline (they were on time once), so
    the next date is the first one that starts after ``after``. Without one the topic waits
    without a date and is placed when the team has dates again.
    """
    target = await next_date(session, team_id=topic.team_id, tz=tz, now=now, after=after)
    if target is None:
        topic.status = TopicStatus.QUEUED
        topic.meeting_id = None
        topic.times_moved += 1
        topic.updated_at = now
        session.add(topic)
        await session.flush()
        return None
    assert target.meeting.id is not None
    await topics.place(session, topic=topic, meeting_id=target.meeting.id, now=now, moved=True)
    return target


async def next_date(
    session: AsyncSession, *, team_id: int, tz: ZoneInfo, now: datetime, after: datetime
) -> Target | None:
    """The team's first consultation starting after ``after``, deadline or not."""
    row = await consultations.get_series(session, team_id=team_id)
    if row is None or row.id is None:
        return None
    state = await consultations.federal_state(session, team_id=team_id)
    series = consultations.to_domain(row, tz=tz, state=state)
    found = await consultations.exceptions(session, series_id=row.id)
    occurrence = next_occurrence(
        series, cancelled=found.cancelled, moved=found.moves, pauses=found.pauses, after=after
    )
    if occurrence is None:
        return None
    meeting = await meetings.ensure_meeting(
        session,
        series_id=row.id,
        original_date=occurrence.original_date,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        now=now,
    )
    return Target(
        meeting, row, occurrence, submission_deadline(occurrence, consultations.deadline_of(row))
    )


async def rehome_cancelled(
    session: AsyncSession, *, team_id: int, tz: ZoneInfo, now: datetime
) -> int:
    """Move topics off meetings that no longer take place (cancelled, paused); how many.

    They go to the team's next date (not held to its deadline: they were on time once).
    """
    from bot.attendance import occurrence_now  # local: attendance imports handler helpers

    moved = 0
    for meeting_id, queued in (await topics.queued_by_meeting(session, team_id=team_id)).items():
        meeting = await meetings.get_meeting(session, meeting_id=meeting_id)
        row = await session.get(ConsultationSeries, meeting.series_id) if meeting else None
        if meeting is None or row is None:
            continue
        occurrence = await occurrence_now(
            session, row=row, original_date=meeting.original_date, tz=tz
        )
        if occurrence is not None:
            continue
        for topic in queued:
            await carry_over(session, topic=topic, tz=tz, now=now, after=now)
            moved += 1
    return moved
