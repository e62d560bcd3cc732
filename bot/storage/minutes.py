"""Data functions for what happens after a meeting: attendance and closing the meeting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import (
    Attendance,
    ConsultationSeries,
    Meeting,
    MeetingStatus,
    Rsvp,
    RsvpAnswer,
)


async def attendance(session: AsyncSession, *, meeting_id: int) -> dict[int, bool]:
    """Who was there, by member id (only members with a row)."""
    query = select(Attendance).where(Attendance.meeting_id == meeting_id)
    return {row.member_id: row.present for row in (await session.exec(query)).all()}


async def take_attendance_from_answers(
    session: AsyncSession, *, meeting_id: int, member_ids: Sequence[int], now: datetime
) -> dict[int, bool]:
    """Fill attendance from the answers once: "Ich komme" counts as present, all else not.

    Does nothing when attendance was taken before (the coordinator's corrections stay).
    """
    known = await attendance(session, meeting_id=meeting_id)
    if known:
        return known
    query = select(Rsvp).where(Rsvp.meeting_id == meeting_id)
    coming = {
        row.member_id for row in (await session.exec(query)).all() if row.answer == RsvpAnswer.YES
    }
    for member_id in member_ids:
        session.add(
            Attendance(
                meeting_id=meeting_id,
                member_id=member_id,
                present=member_id in coming,
                updated_at=now,
            )
        )
    await session.flush()
    return {member_id: member_id in coming for member_id in member_ids}


async def set_present(
    session: AsyncSession,
    *,
    meeting_id: int,
    member_id: int,
    present: bool,
    corrected_by: int,
    now: datetime,
) -> None:
    """The coordinator's correction of one member's attendance."""
    query = select(Attendance).where(
        Attendance.meeting_id == meeting_id, Attendance.member_id == member_id
    )
    row = (await session.exec(query)).first()
    if row is None:
        row = Attendance(meeting_id=meeting_id, member_id=member_id, present=present)
    row.present = present
    row.corrected_by = corrected_by
    row.updated_at = now
    session.add(row)
    await session.flush()


async def mark_asked(session: AsyncSession, *, meeting: Meeting, now: datetime) -> None:
    """Remember that the coordinators were asked for the results."""
    meeting.minutes_asked_at = now
    session.add(meeting)
    await session.flush()


async def close_meeting(session: AsyncSession, *, meeting: Meeting, now: datetime) -> bool:
    """Mark the meeting's minutes as done and the meeting as held; False if it was closed."""
    if meeting.closed_at is not None:
        return False
    meeting.closed_at = now
    meeting.status = MeetingStatus.HELD
    session.add(meeting)
    await session.flush()
    return True


async def unclosed_ended(
    session: AsyncSession, *, series_id: int, ended_before: datetime
) -> Sequence[Meeting]:
    """A series' meetings that ended before ``ended_before`` and are not closed."""
    query = (
        select(Meeting)
        .where(
            Meeting.series_id == series_id,
            col(Meeting.closed_at).is_(None),
            Meeting.status != MeetingStatus.CANCELLED,
            col(Meeting.ends_at) <= ended_before,
        )
        .order_by(col(Meeting.starts_at))
    )
    return (await session.exec(query)).all()


async def consultation_series_ids(session: AsyncSession) -> list[int]:
    """Ids of every consultation series (network meetings have no minutes)."""
    query = (
        select(ConsultationSeries.id)
        .where(ConsultationSeries.kind == "consultation")
        .order_by(col(ConsultationSeries.id))
    )
    return [series_id for series_id in (await session.exec(query)).all() if series_id is not None]
