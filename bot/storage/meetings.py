"""Data functions for meetings, members' answers and the log of handled reminders.

Rows that must exist once (a meeting per series date, a reminder per meeting and offset)
are inserted with ``INSERT … ON CONFLICT DO NOTHING``: a parallel transaction that inserts
the same row waits for the first one and then finds it taken, on PostgreSQL and SQLite alike.
A reminder that is due again after its meeting moved is claimed by updating its row only
where it still holds the old due time, which is the same guard for an existing row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.consultations.reminders import LoggedReminder
from bot.storage.models import (
    Meeting,
    MeetingStatus,
    ReminderLog,
    ReminderStatus,
    Rsvp,
    RsvpAnswer,
)


def _insert(session: AsyncSession) -> Any:
    """The dialect's ``insert`` (both offer ``on_conflict_do_nothing``)."""
    return postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


# -- meetings -------------------------------------------------------------------------------


async def get_meeting(session: AsyncSession, *, meeting_id: int) -> Meeting | None:
    """The meeting with this id."""
    return await session.get(Meeting, meeting_id)


async def meeting_on(
    session: AsyncSession, *, series_id: int, original_date: date
) -> Meeting | None:
    """The meeting of a series' date, if it was made already."""
    query = select(Meeting).where(
        Meeting.series_id == series_id, Meeting.original_date == original_date
    )
    return (await session.exec(query)).first()


async def ensure_meeting(
    session: AsyncSession,
    *,
    series_id: int,
    original_date: date,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> Meeting:
    """The meeting of a series' date, made if new; its times follow ``starts_at``/``ends_at``.

    Call it for dates that take place: a meeting marked cancelled before (its date came back,
    e.g. after the series was changed) is planned again.
    """
    statement = (
        _insert(session)(Meeting)
        .values(
            series_id=series_id,
            original_date=original_date,
            starts_at=starts_at,
            ends_at=ends_at,
            status=MeetingStatus.PLANNED,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["series_id", "original_date"])
    )
    await session.exec(statement)
    meeting = await meeting_on(session, series_id=series_id, original_date=original_date)
    assert meeting is not None
    status = MeetingStatus.PLANNED if meeting.status == MeetingStatus.CANCELLED else meeting.status
    await update_meeting(
        session, meeting=meeting, starts_at=starts_at, ends_at=ends_at, status=status
    )
    return meeting


async def update_meeting(
    session: AsyncSession,
    *,
    meeting: Meeting,
    starts_at: datetime,
    ends_at: datetime,
    status: str,
) -> bool:
    """Bring a meeting's times and status up to date; True if anything changed."""
    if (meeting.starts_at, meeting.ends_at, meeting.status) == (starts_at, ends_at, status):
        return False
    meeting.starts_at, meeting.ends_at, meeting.status = starts_at, ends_at, status
    session.add(meeting)
    await session.flush()
    return True


async def open_meetings(session: AsyncSession, *, series_id: int) -> Sequence[Meeting]:
    """The series' meetings that are still planned, earliest first."""
    query = (
        select(Meeting)
        .where(Meeting.series_id == series_id, Meeting.status == MeetingStatus.PLANNED)
        .order_by(col(Meeting.original_date))
    )
    return (await session.exec(query)).all()


async def set_rsvp_message(session: AsyncSession, *, meeting: Meeting, outbox_id: int) -> None:
    """Remember the outbox row of the group message that carries the answer buttons."""
    meeting.rsvp_outbox_id = outbox_id
    session.add(meeting)
    await session.flush()


# -- answers --------------------------------------------------------------------------------


async def set_answer(
    session: AsyncSession, *, meeting_id: int, member_id: int, answer: RsvpAnswer, now: datetime
) -> str | None:
    """Store a member's answer, replacing an earlier one; returns the earlier answer."""
    query = select(Rsvp).where(Rsvp.meeting_id == meeting_id, Rsvp.member_id == member_id)
    row = (await session.exec(query)).first()
    if row is None:
        statement = (
            _insert(session)(Rsvp)
            .values(meeting_id=meeting_id, member_id=member_id, answer=answer, updated_at=now)
            .on_conflict_do_nothing(index_elements=["meeting_id", "member_id"])
        )
        result = await session.exec(statement)
        if result.rowcount == 1:
            return None
        row = (await session.exec(query)).first()
        assert row is not None
    previous = row.answer
    row.answer, row.updated_at = answer, now
    session.add(row)
    await session.flush()
    return previous


async def answers(session: AsyncSession, *, meeting_id: int) -> dict[int, str]:
    """Every answer given for a meeting, by member id."""
    rows = await session.exec(
        select(Rsvp.member_id, Rsvp.answer).where(Rsvp.meeting_id == meeting_id)
    )
    return dict(rows.all())


async def answers_of_member(
    session: AsyncSession, *, member_id: int
) -> Sequence[tuple[Rsvp, Meeting]]:
    """A member's answers with their meetings (for the member's data export)."""
    query = (
        select(Rsvp, Meeting)
        .join(Meeting, col(Meeting.id) == col(Rsvp.meeting_id))
        .where(Rsvp.member_id == member_id)
        .order_by(col(Meeting.starts_at))
    )
    return (await session.exec(query)).all()


async def purge_answers(session: AsyncSession, *, ended_before: datetime) -> int:
    """Delete the answers of meetings that ended before ``ended_before`` (storage limitation).

    The meetings and the reminder log stay: they hold no personal data, and the log is what
    keeps a reminder from being sent twice.
    """
    ended = select(Meeting.id).where(col(Meeting.ends_at) < ended_before)
    result = await session.exec(delete(Rsvp).where(col(Rsvp.meeting_id).in_(ended)))
    return int(result.rowcount or 0)


# -- the reminder log -----------------------------------------------------------------------


async def claim_reminder(
    session: AsyncSession,
    *,
    meeting_id: int,
    offset_minutes: int,
    due_at: datetime,
    status: ReminderStatus,
    reason: str = "",
    now: datetime,
    previous_due_at: datetime | None = None,
) -> bool:
    """Record that a meeting's reminder at ``offset_minutes`` is handled; False if it was before.

    Call it in the transaction that queues the reminder: the reminder is queued if and only
    if this returns True, and the unique row makes that happen once.

    Args:
        previous_due_at: The due time the log holds for this reminder (handled before, and
            due again because its meeting moved). The row is then taken over only if it
            still holds that time: a parallel run that got there first changed it, so this
            one finds nothing to update (on PostgreSQL the second ``UPDATE`` waits for the
            first and re-reads the row; SQLite serialises writers).
    """
    if previous_due_at is not None:
        taken_over = await session.exec(
            update(ReminderLog)
            .where(
                col(ReminderLog.meeting_id) == meeting_id,
                col(ReminderLog.offset_minutes) == offset_minutes,
                col(ReminderLog.due_at) == previous_due_at,
            )
            .values(due_at=due_at, status=status, reason=reason, handled_at=now)
            .returning(col(ReminderLog.id))
        )
        return taken_over.first() is not None
    statement = (
        _insert(session)(ReminderLog)
        .values(
            meeting_id=meeting_id,
            offset_minutes=offset_minutes,
            due_at=due_at,
            status=status,
            reason=reason,
            handled_at=now,
        )
        .on_conflict_do_nothing(index_elements=["meeting_id", "offset_minutes"])
        .returning(col(ReminderLog.id))
    )
    result = await session.exec(statement)
    return result.first() is not None


async def reminder_log(
    session: AsyncSession, *, series_id: int, since: date
) -> dict[tuple[date, int], LoggedReminder]:
    """The handled reminders of a series' meetings from ``since`` on.

    Returns:
        Status (``sent``, ``late``, ``dropped``) and due time by original date and offset in
        minutes.
    """
    rows = await session.exec(
        select(
            col(Meeting.original_date),
            col(ReminderLog.offset_minutes),
            col(ReminderLog.status),
            col(ReminderLog.due_at),
        )
        .join(Meeting, col(Meeting.id) == col(ReminderLog.meeting_id))
        .where(Meeting.series_id == series_id, col(Meeting.original_date) >= since)
    )
    return {
        (day, offset): LoggedReminder(status=status, due_at=due_at)
        for day, offset, status, due_at in rows
    }
