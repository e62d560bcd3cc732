"""Answers to "are you coming?", the quorum warning's choices, and ``/zusagen``.

The answer buttons of a group reminder may be pressed by anyone in the group (they are not
personal), so every press is checked against the database: the presser must be a member of
the meeting's team now, and the meeting must still take place and not have begun. The
meeting's time is computed from the series as it is now (a move after the reminder counts),
not taken from the stored row.

An answer is stored first; the edits that show it (the group message with the counts, the
private reminder) come after, and a failed edit is logged, never rolled back into a lost
answer.
"""

from __future__ import annotations

import logging
from typing import Final

from sqlmodel import select
from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler

from bot import attendance
from bot.consultations.schedule import next_occurrence
from bot.handlers import consultation_changes
from bot.handlers.common import (
    alert,
    consume,
    edit_or_send,
    is_group,
    managed_teams,
    reply,
    tr,
)
from bot.handlers.consultations import format_when, stored_view
from bot.handlers.gate import ButtonAction
from bot.i18n import Markup, TextKey, t
from bot.notify import notify_group
from bot.runtime import BotContext
from bot.storage import audit, consultations, directory, meetings
from bot.storage.models import (
    AuditEntry,
    Button,
    ConsultationSeries,
    OutboxMessage,
    RsvpAnswer,
    Team,
)

log = logging.getLogger(__name__)

HELD_WITHOUT_QUORUM: Final = "meeting.held_without_quorum"
"""Audit action of "Trotzdem stattfinden"; one entry per meeting."""


# -- answering --------------------------------------------------------------------------------


async def _meeting(
    update: Update, context: BotContext, button: Button
) -> attendance.LiveMeeting | None:
    """The pressed button's meeting as it is now; answers the press when it is gone."""
    live = await attendance.live_meeting(
        context.session,
        meeting_id=int(button.payload["meeting_id"]),
        tz=context.services.settings.tz,
    )
    if live is None:
        await alert(update, context, "button.stale")
    return live


async def _answer(update: Update, context: BotContext, button: Button, answer: RsvpAnswer) -> None:
    """Store a member's answer if they belong to the team and the meeting is still ahead."""
    query = update.callback_query
    assert query is not None
    live = await _meeting(update, context, button)
    if live is None:
        return
    member = context.actor.member
    team_id = live.team.id
    if (
        member is None
        or member.id is None
        or team_id is None
        or not (context.actor.roles_in(team_id))
    ):
        await alert(update, context, "reminders.not_member")
        return
    if live.occurrence is None:
        await alert(update, context, "reminders.not_taking_place")
        return
    if not live.open_for_answers(context.now):
        await alert(update, context, "reminders.started")
        return
    assert live.meeting.id is not None
    previous = await meetings.set_answer(
        context.session,
        meeting_id=live.meeting.id,
        member_id=member.id,
        answer=answer,
        now=context.now,
    )
    chosen = TextKey(attendance.ANSWER_KEYS[answer])
    changed = previous is not None and previous != answer
    await query.answer(
        tr(context, "reminders.changed" if changed else "reminders.saved", answer=chosen)
    )
    await _show_in_group(update, context, live)
    if not is_group(update):
        await _show_in_private(update, context, live, answer)


async def _show_in_group(
    update: Update, context: BotContext, live: attendance.LiveMeeting
) -> None:
    """Edit the group's reminder to show the counts: the pressed one, or the stored one."""
    chat_id = live.team.chat_id
    meeting_id = live.meeting.id
    if chat_id is None or meeting_id is None or live.occurrence is None:
        return
    lang = context.services.settings.bot_language
    assert live.team.id is not None
    counts = await attendance.tally(context.session, team_id=live.team.id, meeting_id=meeting_id)
    text = attendance.group_text(live, live.occurrence.starts_at, counts, lang)
    markup = await attendance.group_keyboard(
        context.session, meeting_id=meeting_id, chat_id=chat_id, lang=lang
    )
    query = update.callback_query
    assert query is not None
    chat = update.effective_chat
    message_id: int | None = None
    if chat is not None and chat.id == chat_id and isinstance(query.message, Message):
        message_id = query.message.message_id
    elif live.meeting.rsvp_outbox_id is not None:
        queued = await context.session.get(OutboxMessage, live.meeting.rsvp_outbox_id)
        if queued is not None and queued.chat_id == chat_id:
            message_id = queued.message_id
    if message_id is None:
        return
    try:
        await context.bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except TelegramError as error:  # unchanged, too old, rate-limited: the answer stays
        log.info("group reminder of meeting %s not updated: %s", meeting_id, type(error).__name__)


async def _show_in_private(
    update: Update, context: BotContext, live: attendance.LiveMeeting, answer: RsvpAnswer
) -> None:
    """Edit the private reminder to say which answer is stored; the buttons stay."""
    query = update.callback_query
    assert query is not None and live.occurrence is not None
    if not isinstance(query.message, Message):
        return
    lang = context.lang
    text = "\n\n".join(
        [
            t(
                lang,
                "reminders.reminder",
                meeting=attendance.heading(live, live.occurrence.starts_at, lang),
            ),
            t(lang, "reminders.your_answer", answer=TextKey(attendance.ANSWER_KEYS[answer])),
        ]
    )
    try:
        await query.edit_message_text(text, reply_markup=query.message.reply_markup)
    except TelegramError as error:
        log.info("private reminder not updated: %s", type(error).__name__)


async def on_yes(update: Update, context: BotContext, button: Button) -> None:
    """ "Ich komme"."""
    await _answer(update, context, button, RsvpAnswer.YES)


async def on_no(update: Update, context: BotContext, button: Button) -> None:
    """ "Ich komme nicht"."""
    await _answer(update, context, button, RsvpAnswer.NO)


async def on_maybe(update: Update, context: BotContext, button: Button) -> None:
    """ "Vielleicht"."""
    await _answer(update, context, button, RsvpAnswer.MAYBE)


# -- the quorum warning -----------------------------------------------------------------------


async def _decision(
    update: Update, context: BotContext, button: Button
) -> attendance.LiveMeeting | None:
    """The meeting of a quorum warning, if the presser coordinates its team and it is ahead."""
    live = await _meeting(update, context, button)
    if live is None:
        return None
    if live.team.id is None or not context.actor.can_manage(live.team.id):
        await alert(update, context, "reminders.not_coordinator")
        return None
    if live.occurrence is None:
        await alert(update, context, "reminders.not_taking_place")
        return None
    if not live.open_for_answers(context.now):
        await alert(update, context, "reminders.begun")
        return None
    return live


async def on_hold(update: Update, context: BotContext, button: Button) -> None:
    """ "Trotzdem stattfinden": recorded and told to the group once; the warning's buttons go
    stale for every coordinator."""
    live = await _decision(update, context, button)
    if live is None:
        return
    assert live.meeting.id is not None and live.occurrence is not None
    await consume(context, button)
    if not await _held_already(context, live.meeting.id):
        await audit.record(
            context.session,
            at=context.now,
            actor_id=context.actor.telegram_id,
            action=HELD_WITHOUT_QUORUM,
            object_type="meeting",
            object_id=live.meeting.id,
            details={"team_id": live.team.id},
        )
        group_lang = context.services.settings.bot_language
        await notify_group(
            context,
            team=live.team,
            key="reminders.hold_announce",
            when=format_when(live.occurrence.starts_at, live.tz, group_lang),
        )
    await update.callback_query.answer()  # type: ignore[union-attr]
    meeting = attendance.heading(live, live.occurrence.starts_at, context.lang)
    await edit_or_send(update, context, tr(context, "reminders.hold_done", meeting=meeting))


async def _held_already(context: BotContext, meeting_id: int) -> bool:
    """Whether a coordinator already chose to hold this meeting (the audit log says so).

    The first press makes the warning's buttons stale for every coordinator; the audit entry
    keeps any other hold button of the same meeting (a later warning, a second coordinator's
    own) from telling the group again. No column needed: the log is append-only anyway.
    """
    query = select(AuditEntry.id).where(
        AuditEntry.action == HELD_WITHOUT_QUORUM,
        AuditEntry.object_type == "meeting",
        AuditEntry.object_id == str(meeting_id),
    )
    return (await context.session.exec(query)).first() is not None


async def on_cancel(update: Update, context: BotContext, button: Button) -> None:
    """ "Absagen": the confirmation of ``/absagen`` for this date."""
    live = await _decision(update, context, button)
    if live is None:
        return
    await update.callback_query.answer()  # type: ignore[union-attr]
    await consultation_changes.offer_cancellation(
        update, context, live.team, live.series, live.meeting.original_date
    )


async def on_move(update: Update, context: BotContext, button: Button) -> None:
    """ "Verschieben": the question of ``/verschieben`` for this date."""
    live = await _decision(update, context, button)
    if live is None:
        return
    await update.callback_query.answer()  # type: ignore[union-attr]
    await consultation_changes.offer_move(update, context, live.series, live.meeting.original_date)


# -- /zusagen ---------------------------------------------------------------------------------


async def _teams_to_show(update: Update, context: BotContext) -> list[Team] | None:
    """In a group its team, in private every team the actor manages; ``None``: not allowed."""
    if is_group(update):
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        team = await directory.team_by_chat(context.session, chat_id=chat_id)
        if team is None or team.id is None or not context.actor.can_manage(team.id):
            return None
        return [team]
    return await managed_teams(context) or None


async def _overview(context: BotContext, team: Team, row: ConsultationSeries) -> str:
    """Who answered what for the team's next meeting, and who has not answered."""
    assert row.id is not None and team.id is not None
    lang = context.lang
    view = await stored_view(context, row)
    found = await consultations.exceptions(context.session, series_id=row.id)
    occurrence = next_occurrence(
        view.series,
        cancelled=found.cancelled,
        moved=found.moves,
        pauses=found.pauses,
        after=context.now,
    )
    if occurrence is None:
        return tr(context, "reminders.no_next", team=team.name)
    meeting = await meetings.ensure_meeting(
        context.session,
        series_id=row.id,
        original_date=occurrence.original_date,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        now=context.now,
    )
    assert meeting.id is not None
    live = attendance.LiveMeeting(meeting, row, team, view.series.tz, occurrence)
    counts = await attendance.tally(context.session, team_id=team.id, meeting_id=meeting.id)
    return tr(
        context,
        "reminders.overview",
        meeting=Markup(attendance.heading(live, occurrence.starts_at, lang)),
        yes=len(counts.yes),
        yes_names=attendance.names(counts.yes, lang),
        no=len(counts.no),
        no_names=attendance.names(counts.no, lang),
        maybe=len(counts.maybe),
        maybe_names=attendance.names(counts.maybe, lang),
        open=len(counts.open),
        open_names=attendance.names(counts.open, lang),
        asd=counts.asd_yes,
        quorum=row.quorum,
    )


async def show_answers(update: Update, context: BotContext) -> None:
    """``/zusagen``: the answers for the next meeting of each team the coordinator manages."""
    teams = await _teams_to_show(update, context)
    if teams is None:
        await reply(update, context, tr(context, "reminders.overview_not_allowed"))
        return
    found = await consultations.series_of_teams(
        context.session, team_ids={team.id for team in teams if team.id is not None}
    )
    if not found:
        await reply(update, context, tr(context, "reminders.overview_none"))
        return
    blocks = [await _overview(context, team, row) for team, row in found]
    await reply(update, context, "\n\n".join(blocks))


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [CommandHandler("zusagen", show_answers)]


BUTTONS: dict[str, ButtonAction] = {
    attendance.ANSWER_ACTIONS[RsvpAnswer.YES]: on_yes,
    attendance.ANSWER_ACTIONS[RsvpAnswer.NO]: on_no,
    attendance.ANSWER_ACTIONS[RsvpAnswer.MAYBE]: on_maybe,
    attendance.HOLD_ACTION: on_hold,
    attendance.CANCEL_ACTION: on_cancel,
    attendance.MOVE_ACTION: on_move,
}
