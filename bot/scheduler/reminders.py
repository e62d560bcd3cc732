"""The reminder job: every minute, carry out what the reminder plan says is due.

Why one repeating planner job instead of one JobQueue job per reminder: the database is the
only source of truth. Each run reads every series with its exceptions and the reminder log
and asks :func:`bot.consultations.reminders.plan_reminders` what is due, so there is no
per-reminder job state that could get lost, go stale after a move or cancellation, or be
duplicated by a restart. "Rebuilt from the database at start" is therefore literally true:
:func:`schedule` replaces the one job by its deterministic name (:data:`JOB_NAME`) and
:func:`send_due_reminders` runs once at start, which catches up what fell into downtime
(within the grace period, marked late) and logs as dropped what is too old.

Exactly once: each reminder is claimed in the ``reminder_log`` table (unique per meeting and
offset) in the same transaction that queues its messages in the outbox (with a
``reminder:…`` dedupe key as a second guard). Either both are committed or neither; a second
run, a restart or a parallel process finds the row and sends nothing. Delivery itself is the
outbox sender's job.

Each series is handled in its own transaction, never shared with an update; one broken
series is logged and does not keep the others from being reminded.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import JobQueue

from bot import attendance
from bot.consultations.reminders import PlannedReminder, plan_reminders
from bot.consultations.schedule import Series, plan_dates, submission_deadline
from bot.handlers.consultations import format_when
from bot.i18n import t
from bot.runtime import BotContext, Services
from bot.scheduler import jobs
from bot.storage import consultations, directory, interaction, meetings, outbox
from bot.storage.models import (
    ConsultationSeries,
    Meeting,
    MeetingStatus,
    ReminderStatus,
    Team,
)
from bot.topics import agenda, board, placement

log = logging.getLogger(__name__)

JOB_NAME: Final = "reminders"
INTERVAL: Final = timedelta(minutes=1)
_QUORUM_ACTIONS: Final = (attendance.HOLD_ACTION, attendance.CANCEL_ACTION, attendance.MOVE_ACTION)
_LOG_MARGIN: Final = timedelta(days=60)
"""How far back the reminder log is read: a meeting keeps its original date when moved."""


async def run_reminders(context: BotContext) -> None:
    """The repeating job (JobQueue callback): send what is due now."""
    await send_due_reminders(context.services)


def schedule(job_queue: JobQueue[BotContext], *, first: float | None = None) -> None:
    """Put the repeating reminder job on the queue, replacing one of the same name."""
    jobs.replace_repeating(job_queue, run_reminders, name=JOB_NAME, interval=INTERVAL, first=first)


async def send_due_reminders(services: Services) -> int:
    """Handle every reminder that is due; returns how many reminders were queued.

    Dropped reminders are logged (``reminder_log`` and the log file) but not counted.
    """
    now = services.clock.now()
    async with services.db.transaction() as session:
        series_ids = list(
            await session.exec(select(ConsultationSeries.id).order_by(col(ConsultationSeries.id)))
        )
    queued = 0
    for series_id in series_ids:
        if series_id is None:
            continue
        try:
            async with services.db.transaction() as session:
                queued += await _remind_series(session, services, series_id=series_id, now=now)
        except Exception:
            log.exception("reminders of series %s failed; the other series go on", series_id)
    if queued and services.outbox is not None:
        services.outbox.wake()
    return queued


async def _remind_series(
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
    await _refresh_meetings(session, series_id, series, found, now=now)
    logged = await meetings.reminder_log(
        session, series_id=series_id, since=(now - _LOG_MARGIN).astimezone(tz).date()
    )
    plan = plan_reminders(
        series,
        consultations.offsets_of(row),
        cancelled=found.cancelled,
        moved=found.moves,
        pauses=found.pauses,
        now=now,
        logged=logged,
        since=row.created_at,
    )
    queued = 0
    for entry in plan:
        if entry.action == "wait":
            continue
        meeting = await meetings.ensure_meeting(
            session,
            series_id=series_id,
            original_date=entry.original_date,
            starts_at=entry.occurrence.starts_at,
            ends_at=entry.occurrence.ends_at,
            now=now,
        )
        assert meeting.id is not None
        if entry.action == "drop":
            if await meetings.claim_reminder(
                session,
                meeting_id=meeting.id,
                offset_minutes=entry.offset_minutes,
                due_at=entry.due_at,
                status=ReminderStatus.DROPPED,
                reason=entry.reason,
                now=now,
                previous_due_at=entry.previous_due_at,
            ):
                log.warning(
                    "reminder of meeting %s (%d min before) due %s dropped: %s",
                    meeting.id,
                    entry.offset_minutes,
                    entry.due_at.isoformat(timespec="minutes"),
                    entry.reason,
                )
            continue
        status = ReminderStatus.LATE if entry.action == "send_late" else ReminderStatus.SENT
        if not await meetings.claim_reminder(
            session,
            meeting_id=meeting.id,
            offset_minutes=entry.offset_minutes,
            due_at=entry.due_at,
            status=status,
            now=now,
            previous_due_at=entry.previous_due_at,
        ):
            continue
        await _send(session, services, team, row, meeting, entry, now=now)
        queued += 1
        if status is ReminderStatus.LATE:
            log.warning(
                "reminder of meeting %s (%d min before) sent late, due %s",
                meeting.id,
                entry.offset_minutes,
                entry.due_at.isoformat(timespec="minutes"),
            )
    return queued


def _moved_note(entry: PlannedReminder, tz: ZoneInfo, lang: str) -> str:
    """ "Neuer Termin: Donnerstag, 26.11.2026, 09:00 Uhr. Der Termin wurde verschoben."."""
    return t(lang, "reminders.moved", when=format_when(entry.occurrence.starts_at, tz, lang))


async def _refresh_meetings(
    session: AsyncSession,
    series_id: int,
    series: Series,
    found: consultations.Exceptions,
    *,
    now: datetime,
) -> None:
    """Bring stored meetings up to date: moved times, cancelled dates, meetings that ended."""
    for meeting in await meetings.open_meetings(session, series_id=series_id):
        plan = plan_dates(
            series,
            cancelled=found.cancelled,
            moved=found.moves,
            pauses=found.pauses,
            start=meeting.original_date,
            end=meeting.original_date,
        )
        occurrence = plan[0].occurrence if plan else None
        if occurrence is None:
            await meetings.update_meeting(
                session,
                meeting=meeting,
                starts_at=meeting.starts_at,
                ends_at=meeting.ends_at,
                status=MeetingStatus.CANCELLED,
            )
            continue
        ended = occurrence.ends_at <= now
        await meetings.update_meeting(
            session,
            meeting=meeting,
            starts_at=occurrence.starts_at,
            ends_at=occurrence.ends_at,
            status=MeetingStatus.HELD if ended else MeetingStatus.PLANNED,
        )


async def _send(
    session: AsyncSession,
    services: Services,
    team: Team,
    row: ConsultationSeries,
    meeting: Meeting,
    entry: PlannedReminder,
    *,
    now: datetime,
) -> None:
    """Queue the group reminder, the private nudges and, at the last one, the quorum check."""
    assert meeting.id is not None and team.id is not None
    live = attendance.LiveMeeting(meeting, row, team, services.settings.tz, entry.occurrence)
    starts_at = entry.occurrence.starts_at
    late = entry.action == "send_late"
    counts = await attendance.tally(session, team_id=team.id, meeting_id=meeting.id)
    # The due time is part of the key: a meeting moved after its reminder went out is reminded
    # again for the new time (the planner allows it once), and the outbox must take it.
    key = f"reminder:{meeting.id}:{entry.offset_minutes}:{entry.due_at.astimezone(UTC):%Y%m%d%H%M}"
    tz = services.settings.tz
    if team.chat_id is not None:
        group_lang: str = services.settings.bot_language
        markup = None
        if entry.first:
            markup = await attendance.answer_keyboard(
                session,
                meeting=meeting,
                chat_id=team.chat_id,
                owner=None,
                lang=group_lang,
                now=now,
            )
        text = attendance.group_text(live, starts_at, counts, group_lang, late=late)
        if entry.moved:
            text = f"{_moved_note(entry, tz, group_lang)}\n\n{text}"
        if _carries_agenda(row, entry):
            text += "\n\n" + await _agenda_text(session, services, live, entry, group_lang, now)
        message = await outbox.enqueue(
            session,
            chat_id=team.chat_id,
            text=text,
            now=now,
            reply_markup=markup.to_dict() if markup else None,
            dedupe_key=key,
        )
        if entry.first and message is not None and message.id is not None:
            await meetings.set_rsvp_message(session, meeting=meeting, outbox_id=message.id)
    for member in counts.open:
        if not member.reminders_enabled:
            continue
        lang = member.language
        markup = await attendance.answer_keyboard(
            session,
            meeting=meeting,
            chat_id=member.telegram_id,
            owner=member.telegram_id,
            lang=lang,
            now=now,
        )
        parts = [t(lang, "reminders.reminder", meeting=attendance.heading(live, starts_at, lang))]
        if entry.moved:
            parts.insert(0, _moved_note(entry, tz, lang))
        if late:
            parts.append(t(lang, "reminders.late"))
        parts.append(t(lang, "reminders.nudge"))
        await outbox.enqueue(
            session,
            chat_id=member.telegram_id,
            text="\n\n".join(parts),
            now=now,
            reply_markup=markup.to_dict(),
            dedupe_key=f"{key}:member:{member.id}",
        )
    if entry.last:
        await _check_quorum(session, services, live, counts, row.quorum, entry, now=now)


def _carries_agenda(row: ConsultationSeries, entry: PlannedReminder) -> bool:
    """The consultation's day-before reminder (see :func:`bot.topics.agenda.agenda_offset`)."""
    if row.kind != consultations.CONSULTATION:
        return False
    chosen = agenda.agenda_offset(consultations.offsets_of(row))
    return chosen is not None and entry.offset_minutes == consultations.minutes(chosen)


async def _agenda_text(
    session: AsyncSession,
    services: Services,
    live: attendance.LiveMeeting,
    entry: PlannedReminder,
    lang: str,
    now: datetime,
) -> str:
    """The group version of the meeting's agenda: codes and questions only."""
    assert live.team.id is not None
    tz = services.settings.tz
    await placement.rehome_cancelled(session, team_id=live.team.id, tz=tz, now=now)
    await placement.place_waiting(session, team_id=live.team.id, tz=tz, now=now)
    found = await board.board_of(
        session,
        team=live.team,
        meeting=live.meeting,
        series=live.series,
        occurrence=entry.occurrence,
        deadline=submission_deadline(entry.occurrence, consultations.deadline_of(live.series)),
        vault=services.vault,
    )
    return board.board_text(found, None, tz, lang, private=False, now=now)


async def _check_quorum(
    session: AsyncSession,
    services: Services,
    live: attendance.LiveMeeting,
    counts: attendance.Tally,
    quorum: int,
    entry: PlannedReminder,
    *,
    now: datetime,
) -> None:
    """Warn the coordinators when fewer ASD members said yes than the series needs.

    Not when this last reminder is also the first one that went out: nobody could answer
    before, so a warning would always fire and teach coordinators to ignore it.
    """
    meeting = live.meeting
    assert meeting.id is not None and live.team.id is not None
    if counts.asd_yes >= quorum:
        return
    if entry.first:
        log.info("quorum of meeting %s not checked: no reminder went out before", meeting.id)
        return
    starts_at = entry.occurrence.starts_at
    payload = {"meeting_id": meeting.id}
    batch = interaction.new_batch()
    ttl = max(starts_at - now, timedelta(0)) + attendance.BUTTONS_OUTLIVE_START
    coordinators = await attendance.coordinators(session, team_id=live.team.id)
    if not coordinators:
        log.warning(
            "quorum of meeting %s not reached, but its team has no coordinator", meeting.id
        )
    for member in coordinators:
        lang = member.language
        labels = (
            t(lang, "reminders.button_hold"),
            t(lang, "reminders.button_cancel"),
            t(lang, "reminders.button_move"),
        )
        buttons = []
        for action, label in zip(_QUORUM_ACTIONS, labels, strict=True):
            token = await interaction.create_button(
                session,
                batch=batch,
                chat_id=member.telegram_id,
                telegram_id=member.telegram_id,
                action=action,
                payload=payload,
                now=now,
                ttl=ttl,
            )
            buttons.append(InlineKeyboardButton(label, callback_data=token))
        text = t(
            lang,
            "reminders.quorum_warning",
            meeting=attendance.heading(live, starts_at, lang),
            yes=counts.asd_yes,
            quorum=quorum,
        )
        await outbox.enqueue(
            session,
            chat_id=member.telegram_id,
            text=text,
            now=now,
            reply_markup=InlineKeyboardMarkup([buttons]).to_dict(),
            dedupe_key=f"quorum:{meeting.id}:member:{member.id}",
        )
