"""The minutes job: when a consultation has ended, ask its coordinators for the results.

Runs every minute next to the reminder job, with the same design: the database is the only
state. A meeting is asked about once (``meeting.minutes_asked_at``, set in the same
transaction that queues the questions in the outbox), also across restarts. Meetings that
ended longer ago than :data:`ASK_WINDOW` (the bot was down, or the series is new) are not
asked about any more. A meeting nobody closed within :data:`AUTO_CLOSE_AFTER` is closed by
the job: topics not dealt with move on to the next date and the group gets its summary; so
nothing waits forever on a coordinator who is on holiday. Meetings that ended more than
:data:`QUIET_AFTER` ago are closed without any message.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Final

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import JobQueue

from bot import attendance
from bot.consultations.schedule import occurrences
from bot.handlers import minutes as minutes_handlers
from bot.i18n import t
from bot.runtime import BotContext, Services
from bot.scheduler import jobs
from bot.storage import consultations, directory, interaction, meetings, minutes, outbox
from bot.storage.models import ConsultationSeries, Meeting, Team
from bot.topics import minutes as closing

log = logging.getLogger(__name__)

JOB_NAME: Final = "minutes"
INTERVAL: Final = timedelta(minutes=1)
ASK_WINDOW: Final = timedelta(days=2)
"""Meetings that ended at most this long ago are asked about."""
AUTO_CLOSE_AFTER: Final = timedelta(days=3)
"""A meeting still open this long after its end is closed by the job."""
QUIET_AFTER: Final = timedelta(days=14)
"""A meeting that ended longer ago than this is closed without messages."""
BUTTON_TTL: Final = AUTO_CLOSE_AFTER + timedelta(days=1)


async def run_minutes(context: BotContext) -> None:
    """The repeating job (JobQueue callback)."""
    await ask_and_close(context.services)


def schedule(job_queue: JobQueue[BotContext], *, first: float | None = None) -> None:
    """Put the repeating minutes job on the queue, replacing one of the same name."""
    jobs.replace_repeating(job_queue, run_minutes, name=JOB_NAME, interval=INTERVAL, first=first)


async def ask_and_close(services: Services) -> int:
    """Ask about meetings that ended, close those left open; returns how many were asked."""
    now = services.clock.now()
    async with services.db.transaction() as session:
        series_ids = await minutes.consultation_series_ids(session)
    asked = 0
    for series_id in series_ids:
        try:
            async with services.db.transaction() as session:
                asked += await _series(session, services, series_id=series_id, now=now)
        except Exception:
            log.exception("minutes of series %s failed; the other series go on", series_id)
    if services.outbox is not None:
        services.outbox.wake()
    return asked


async def _series(
    session: AsyncSession, services: Services, *, series_id: int, now: datetime
) -> int:
    row = await session.get(ConsultationSeries, series_id)
    team = await directory.get_team(session, team_id=row.team_id) if row else None
    if row is None or team is None or team.id is None:
        return 0
    tz = services.settings.tz
    state = await consultations.federal_state(session, team_id=team.id)
    series = consultations.to_domain(row, tz=tz, state=state)
    found = await consultations.exceptions(session, series_id=series_id)
    since = max(now - ASK_WINDOW, row.created_at)
    ended = [
        occurrence
        for occurrence in occurrences(
            series,
            cancelled=found.cancelled,
            moved=found.moves,
            pauses=found.pauses,
            start=since.astimezone(tz).date(),
            end=now.astimezone(tz).date(),
        )
        if since < occurrence.ends_at <= now
    ]
    asked = 0
    for occurrence in ended:
        meeting = await meetings.ensure_meeting(
            session,
            series_id=series_id,
            original_date=occurrence.original_date,
            starts_at=occurrence.starts_at,
            ends_at=occurrence.ends_at,
            now=now,
        )
        if meeting.minutes_asked_at is None and meeting.closed_at is None:
            await _ask(session, services, team, row, meeting, now=now)
            asked += 1
    for meeting in await minutes.unclosed_ended(
        session, series_id=series_id, ended_before=now - AUTO_CLOSE_AFTER
    ):
        await closing.close(
            session,
            meeting=meeting,
            series=row,
            team=team,
            tz=tz,
            vault=services.vault,
            group_language=services.settings.bot_language,
            now=now,
            actor_id=0,
            announce=meeting.ends_at > now - QUIET_AFTER,
        )
        log.info("minutes of meeting %s closed automatically", meeting.id)
    return asked


async def _ask(
    session: AsyncSession,
    services: Services,
    team: Team,
    row: ConsultationSeries,
    meeting: Meeting,
    *,
    now: datetime,
) -> None:
    """Ask every coordinator of the team, privately, with a button to start."""
    assert meeting.id is not None and team.id is not None
    await minutes.mark_asked(session, meeting=meeting, now=now)
    live = attendance.LiveMeeting(meeting, row, team, services.settings.tz, None)
    coordinators = await attendance.coordinators(session, team_id=team.id)
    if not coordinators:
        log.warning("meeting %s ended, but its team has no coordinator to ask", meeting.id)
    for member in coordinators:
        lang = member.language
        token = await interaction.create_button(
            session,
            batch=interaction.new_batch(),  # each coordinator's button stands alone
            chat_id=member.telegram_id,
            telegram_id=member.telegram_id,
            action=minutes_handlers.START,
            payload={"meeting_id": meeting.id},
            now=now,
            ttl=BUTTON_TTL,
        )
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(t(lang, "minutes.button_start"), callback_data=token)]]
        )
        await outbox.enqueue(
            session,
            chat_id=member.telegram_id,
            text=t(
                lang,
                "minutes.ask",
                meeting=attendance.heading(live, meeting.starts_at, lang),
                days=AUTO_CLOSE_AFTER.days,
            ),
            now=now,
            reply_markup=markup.to_dict(),
            dedupe_key=f"minutes:{meeting.id}:ask:{member.id}",
        )
