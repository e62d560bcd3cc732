"""Closing a consultation: topics not dealt with move on, the group gets a summary, authors
get their outcomes privately, and attendance is kept.

Used by the coordinator's "Abschließen" button (:mod:`bot.handlers.minutes`) and by the
minutes job (:mod:`bot.scheduler.minutes`) when nobody closed a meeting within a few days.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.crypto import InvalidToken, Vault
from bot.handlers.consultations import format_day, format_when
from bot.i18n import Markup, t
from bot.storage import audit, directory, minutes, outbox, topics
from bot.storage.models import (
    CaseTopic,
    ConsultationSeries,
    Meeting,
    Member,
    Team,
    TopicStatus,
)
from bot.topics import placement

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Summary:
    """What a closed meeting did."""

    discussed: int
    moved: int
    withdrawn: int
    present: int
    next_starts_at: datetime | None


async def carry_over_rest(
    session: AsyncSession, *, meeting: Meeting, tz: ZoneInfo, now: datetime
) -> list[tuple[CaseTopic, placement.Target | None]]:
    """Move every topic still open on the meeting (queued, or marked for the next date) on."""
    assert meeting.id is not None
    moved = []
    open_topics = [
        *await topics.deferred_on(session, meeting_id=meeting.id),
        *await topics.queued_on(session, meeting_id=meeting.id),
    ]
    for topic in open_topics:
        target = await placement.carry_over(
            session, topic=topic, tz=tz, now=now, after=meeting.starts_at
        )
        moved.append((topic, target))
    return moved


async def close(
    session: AsyncSession,
    *,
    meeting: Meeting,
    series: ConsultationSeries,
    team: Team,
    tz: ZoneInfo,
    vault: Vault | None,
    group_language: str,
    now: datetime,
    actor_id: int,
    announce: bool = True,
) -> Summary | None:
    """Close the meeting's minutes; None when it was closed already.

    ``announce=False`` closes quietly (meetings long past, e.g. from before minutes existed).
    """
    assert meeting.id is not None and team.id is not None
    if meeting.closed_at is not None:
        return None
    moved = await carry_over_rest(session, meeting=meeting, tz=tz, now=now)
    roster = [member for member, _roles in await directory.team_members(session, team_id=team.id)]
    present = await minutes.take_attendance_from_answers(
        session,
        meeting_id=meeting.id,
        member_ids=[member.id for member in roster if member.id is not None],
        now=now,
    )
    await minutes.close_meeting(session, meeting=meeting, now=now)
    closed = await topics.closed_on(session, meeting_id=meeting.id)
    discussed = [topic for topic in closed if topic.status == TopicStatus.DISCUSSED]
    withdrawn = [topic for topic in closed if topic.status == TopicStatus.WITHDRAWN]
    upcoming = await placement.next_date(
        session, team_id=team.id, tz=tz, now=now, after=max(now, meeting.ends_at)
    )
    summary = Summary(
        discussed=len(discussed),
        moved=len(moved),
        withdrawn=len(withdrawn),
        present=sum(present.values()),
        next_starts_at=upcoming.occurrence.starts_at if upcoming else None,
    )
    await audit.record(
        session,
        at=now,
        actor_id=actor_id,
        action="meeting.closed",
        object_type="meeting",
        object_id=meeting.id,
        details={
            "team_id": team.id,
            "discussed": summary.discussed,
            "moved": summary.moved,
            "withdrawn": summary.withdrawn,
            "present": summary.present,
        },
    )
    if not announce:
        return summary
    if team.chat_id is not None:
        await outbox.enqueue(
            session,
            chat_id=team.chat_id,
            text=summary_text(summary, meeting, series, team, tz, group_language),
            now=now,
            dedupe_key=f"minutes:{meeting.id}:group",
        )
    for topic in discussed:
        await _tell_outcome(session, topic=topic, meeting=meeting, tz=tz, vault=vault, now=now)
    for topic, target in moved:
        await _tell_moved(session, topic=topic, target=target, tz=tz, now=now)
    return summary


def summary_text(
    summary: Summary,
    meeting: Meeting,
    series: ConsultationSeries,
    team: Team,
    tz: ZoneInfo,
    lang: str,
) -> str:
    """The short summary for the team's group: counts and the next date, no case content."""
    day = format_day(meeting.starts_at.astimezone(tz).date(), lang)
    parts = [
        t(
            lang,
            "minutes.summary",
            team=team.name,
            day=day,
            discussed=summary.discussed,
            moved=summary.moved,
            withdrawn=summary.withdrawn,
            present=summary.present,
        )
    ]
    if summary.next_starts_at is not None:
        parts.append(
            t(lang, "minutes.summary_next", when=format_when(summary.next_starts_at, tz, lang))
        )
    return "\n".join(parts)


async def _tell_outcome(
    session: AsyncSession,
    *,
    topic: CaseTopic,
    meeting: Meeting,
    tz: ZoneInfo,
    vault: Vault | None,
    now: datetime,
) -> None:
    author = await session.get(Member, topic.author_id)
    if author is None:
        return
    lang = author.language
    code = await topics.code_of(session, topic=topic)
    outcome = t(lang, f"minutes.outcome.{topic.outcome}") if topic.outcome else ""
    text = t(
        lang,
        "minutes.outcome_to_author",
        code=code,
        day=format_day(meeting.starts_at.astimezone(tz).date(), lang),
        outcome=outcome or t(lang, "minutes.outcome_none"),
    )
    note = _open(vault, topic.outcome_note, topic.id)
    if note:
        text += "\n" + t(lang, "minutes.outcome_note", note=note)
    await outbox.enqueue(
        session,
        chat_id=author.telegram_id,
        text=text,
        now=now,
        dedupe_key=f"minutes:{meeting.id}:topic:{topic.id}",
    )


async def _tell_moved(
    session: AsyncSession,
    *,
    topic: CaseTopic,
    target: placement.Target | None,
    tz: ZoneInfo,
    now: datetime,
) -> None:
    author = await session.get(Member, topic.author_id)
    if author is None:
        return
    lang = author.language
    code = await topics.code_of(session, topic=topic)
    if target is None:
        text = t(lang, "minutes.moved_to_author_nowhere", code=code)
    else:
        when = format_when(target.occurrence.starts_at, tz, lang)
        text = t(lang, "minutes.moved_to_author", code=code, when=Markup(when))
    await outbox.enqueue(session, chat_id=author.telegram_id, text=text, now=now)


def _open(vault: Vault | None, token: str | None, topic_id: int | None) -> str | None:
    if vault is None or token is None:
        return None
    try:
        return vault.open(token)
    except InvalidToken:
        log.error(
            "outcome note of topic %s cannot be decrypted with the configured keys", topic_id
        )
        return None
