"""After the consultation: the coordinator records per topic what became of it, corrects who
was there, and closes the meeting.

The minutes job (:mod:`bot.scheduler.minutes`) asks the team's coordinators privately when a
meeting has ended. One message then walks through the agenda: per topic "Besprochen" (with an
outcome category and an optional note for the author), "Nächster Termin" or "Zurückgezogen";
then attendance, taken from the answers and correctable with a tap per name; then
"Abschließen" (:func:`bot.topics.minutes.close`). Each decision is stored at once, so a
coordinator who stops halfway loses nothing; topics left open move on when the meeting is
closed. Every press re-reads the meeting and the topic and re-checks the presser's rights.

The note is free text that goes to the topic's author and is stored encrypted; it passes the
privacy gate like every other case text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Update
from telegram.ext import BaseHandler

from bot import attendance
from bot.handlers.common import (
    Choice,
    ack,
    alert,
    audit_action,
    consume,
    edit_or_send,
    keyboard,
    reply,
    tr,
)
from bot.handlers.dialogue import RefusalTexts, refusal, screen
from bot.handlers.gate import ButtonAction, DialogStep
from bot.i18n import Markup
from bot.runtime import BotContext
from bot.storage import directory, interaction, minutes, topics
from bot.storage.models import Button, CaseTopic, Dialog, Member, TopicStatus
from bot.topics import OUTCOMES, agenda, board
from bot.topics import minutes as closing

log = logging.getLogger(__name__)

START = "minutes.start"
DISCUSSED = "minutes.discussed"
OUTCOME = "minutes.outcome"
NO_NOTE = "minutes.no_note"
MOVED = "minutes.moved"
WITHDRAWN = "minutes.withdrawn"
TOGGLE = "minutes.toggle"
FINISH = "minutes.finish"
NOTE_DIALOG = "minutes.note"
NO_OUTCOME = "keine_angabe"
NOTE_LIMIT = 500
NOTE_REFUSALS = RefusalTexts(
    identifying="minutes.note_identifying",
    too_long="minutes.note_too_long",
    empty="minutes.note_empty",
)


async def _live(
    update: Update | None, context: BotContext, meeting_id: int
) -> attendance.LiveMeeting | None:
    """The meeting, if the actor coordinates its team, it has ended and is not closed."""
    live = await attendance.live_meeting(
        context.session, meeting_id=meeting_id, tz=context.services.settings.tz
    )
    problem = None
    if live is None:
        problem = "button.stale"
    elif live.team.id is None or not context.actor.can_manage(live.team.id):
        problem = "minutes.not_coordinator"
    elif live.meeting.closed_at is not None:
        problem = "minutes.already_closed"
    elif live.meeting.ends_at > context.now:
        problem = "minutes.not_ended"
    if problem is not None:
        if update is not None and update.callback_query is not None:
            await alert(update, context, problem)
        elif update is not None:
            await reply(update, context, tr(context, problem))
        return None
    return live


@dataclass(frozen=True)
class _Item:
    live: attendance.LiveMeeting
    topic: CaseTopic


async def _item(update: Update, context: BotContext, button: Button) -> _Item | None:
    """The meeting and the still-open topic of a topic button."""
    live = await _live(update, context, int(button.payload["meeting_id"]))
    if live is None:
        return None
    topic = await topics.get_topic(context.session, topic_id=int(button.payload["topic_id"]))
    if topic is None or topic.meeting_id != live.meeting.id or topic.status != TopicStatus.QUEUED:
        await alert(update, context, "minutes.topic_done")
        return None
    return _Item(live, topic)


def _heading(context: BotContext, live: attendance.LiveMeeting) -> Markup:
    return attendance.heading(live, live.meeting.starts_at, context.lang)


# -- the walk through the agenda ----------------------------------------------------------------


async def _next_step(
    update: Update, context: BotContext, live: attendance.LiveMeeting, *, new: bool = False
) -> None:
    """Show the first open topic, or attendance when every topic is dealt with."""
    assert live.meeting.id is not None
    queued = list(await topics.queued_on(context.session, meeting_id=live.meeting.id))
    if not queued:
        await _attendance_step(update, context, live, new=new)
        return
    order = agenda.ordered([board.entry_of(topic) for topic in queued])
    topic = next(topic for topic in queued if topic.id == order[0].topic_id)
    code = await topics.code_of(context.session, topic=topic)
    question = board.open_question(context.services.vault, topic)
    payload = {"meeting_id": live.meeting.id, "topic_id": topic.id}
    rows = [
        [Choice(tr(context, "minutes.button_discussed"), DISCUSSED, payload)],
        [
            Choice(tr(context, "minutes.button_moved"), MOVED, payload),
            Choice(tr(context, "minutes.button_withdrawn"), WITHDRAWN, payload),
        ],
    ]
    text = tr(
        context,
        "minutes.item",
        meeting=_heading(context, live),
        left=len(queued),
        code=code,
        question=question if question is not None else tr(context, "agenda.question_gone"),
    )
    await _show(update, context, text, rows, new=new)


async def _show(
    update: Update, context: BotContext, text: str, rows: list[list[Choice]], *, new: bool
) -> None:
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    markup = await keyboard(context, rows, chat_id=chat_id)
    if new:
        await reply(update, context, text, keyboard=markup)
    else:
        await edit_or_send(update, context, text, keyboard=markup)


async def on_start(update: Update, context: BotContext, button: Button) -> None:
    """ "Ergebnisse eintragen"."""
    live = await _live(update, context, int(button.payload["meeting_id"]))
    if live is None:
        return
    await consume(context, button)
    await ack(update)
    await _next_step(update, context, live)


async def on_discussed(update: Update, context: BotContext, button: Button) -> None:
    """Ask for the outcome category."""
    item = await _item(update, context, button)
    if item is None:
        return
    code = await topics.code_of(context.session, topic=item.topic)
    payload = dict(button.payload)
    choices = [
        Choice(tr(context, f"minutes.outcome.{outcome}"), OUTCOME, {**payload, "outcome": outcome})
        for outcome in OUTCOMES
    ]
    rows = [choices[index : index + 2] for index in range(0, len(choices), 2)]
    rows.append(
        [Choice(tr(context, "minutes.outcome_skip"), OUTCOME, {**payload, "outcome": NO_OUTCOME})]
    )
    await consume(context, button)
    await ack(update)
    await _show(update, context, tr(context, "minutes.ask_outcome", code=code), rows, new=False)


async def on_outcome(update: Update, context: BotContext, button: Button) -> None:
    """Remember the outcome in a short dialogue that waits for the optional note."""
    item = await _item(update, context, button)
    if item is None:
        return
    outcome = str(button.payload["outcome"])
    if outcome not in (*OUTCOMES, NO_OUTCOME):
        await alert(update, context, "button.stale")
        return
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    data = {"meeting_id": item.live.meeting.id, "topic_id": item.topic.id, "outcome": outcome}
    await interaction.set_dialog(
        context.session,
        telegram_id=context.actor.telegram_id,
        chat_id=chat_id,
        kind=NOTE_DIALOG,
        step="note",
        data=data,
        now=context.now,
    )
    author = await context.session.get(Member, item.topic.author_id)
    await consume(context, button)
    await ack(update)
    rows = [[Choice(tr(context, "minutes.button_no_note"), NO_NOTE, data)]]
    text = tr(
        context,
        "minutes.ask_note",
        author=author.display_name if author else "?",
        limit=NOTE_LIMIT,
    )
    await _show(update, context, text, rows, new=False)


async def _record_discussed(
    context: BotContext, item: _Item, outcome: str, note: str | None
) -> None:
    vault = context.services.vault
    sealed = vault.seal(note) if vault is not None and note else None
    await topics.close(
        context.session,
        topic=item.topic,
        status=TopicStatus.DISCUSSED,
        now=context.now,
        outcome=None if outcome == NO_OUTCOME else outcome,
        outcome_note=sealed,
    )
    await _audit_topic(context, item, "topic.discussed")
    chat_id = context.actor.telegram_id
    await interaction.clear_dialog(context.session, telegram_id=chat_id, chat_id=chat_id)


async def _audit_topic(context: BotContext, item: _Item, action: str) -> None:
    await audit_action(
        context,
        action,
        object_type="case_topic",
        object_id=item.topic.id or 0,
        details={"meeting_id": item.live.meeting.id},
    )


async def on_no_note(update: Update, context: BotContext, button: Button) -> None:
    """ "Ohne Notiz": the topic is discussed; on to the next one."""
    item = await _item(update, context, button)
    if item is None:
        return
    await _record_discussed(context, item, str(button.payload["outcome"]), None)
    await consume(context, button)
    await ack(update)
    await _next_step(update, context, item.live)


async def on_note(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The note typed for the author: checked by the privacy gate, then stored sealed."""
    message = update.effective_message
    assert message is not None and message.text is not None
    live = await _live(update, context, int(dialog.data["meeting_id"]))
    if live is None:
        await interaction.clear_dialog(
            context.session, telegram_id=context.actor.telegram_id, chat_id=message.chat_id
        )
        return
    screened = await screen(
        update,
        context,
        message.text,
        organisation_id=live.team.organisation_id,
        limit=NOTE_LIMIT,
        what="minutes note",
    )
    if not screened.verdict.ok:
        await reply(update, context, refusal(context, screened, NOTE_REFUSALS))
        return
    text = screened.verdict.text
    topic = await topics.get_topic(context.session, topic_id=int(dialog.data["topic_id"]))
    if topic is None or topic.meeting_id != live.meeting.id or topic.status != TopicStatus.QUEUED:
        await interaction.clear_dialog(
            context.session, telegram_id=context.actor.telegram_id, chat_id=message.chat_id
        )
        await reply(update, context, tr(context, "minutes.topic_done"))
        return
    await _record_discussed(context, _Item(live, topic), str(dialog.data["outcome"]), text)
    await reply(update, context, tr(context, "minutes.note_saved"))
    await _next_step(update, context, live, new=True)


async def on_moved(update: Update, context: BotContext, button: Button) -> None:
    """ "Nächster Termin": marked now, moved on when the minutes are closed."""
    item = await _item(update, context, button)
    if item is None:
        return
    await topics.defer(context.session, topic=item.topic, now=context.now)
    await _audit_topic(context, item, "topic.deferred")
    await consume(context, button)
    await ack(update)
    await _next_step(update, context, item.live)


async def on_withdrawn(update: Update, context: BotContext, button: Button) -> None:
    """ "Zurückgezogen"."""
    item = await _item(update, context, button)
    if item is None:
        return
    await topics.close(
        context.session, topic=item.topic, status=TopicStatus.WITHDRAWN, now=context.now
    )
    await _audit_topic(context, item, "topic.withdrawn")
    await consume(context, button)
    await ack(update)
    await _next_step(update, context, item.live)


# -- attendance and closing ---------------------------------------------------------------------


async def _attendance_step(
    update: Update, context: BotContext, live: attendance.LiveMeeting, *, new: bool
) -> None:
    assert live.meeting.id is not None and live.team.id is not None
    roster = [
        m for m, _roles in await directory.team_members(context.session, team_id=live.team.id)
    ]
    present = await minutes.take_attendance_from_answers(
        context.session,
        meeting_id=live.meeting.id,
        member_ids=[member.id for member in roster if member.id is not None],
        now=context.now,
    )
    rows = []
    for member in roster:
        mark = "✅" if present.get(member.id or 0) else "◻️"
        payload = {"meeting_id": live.meeting.id, "member_id": member.id}
        rows.append([Choice(f"{mark} {member.display_name}", TOGGLE, payload)])
    rows.append(
        [Choice(tr(context, "minutes.button_finish"), FINISH, {"meeting_id": live.meeting.id})]
    )
    text = tr(
        context,
        "minutes.attendance",
        meeting=_heading(context, live),
        present=sum(present.values()),
        total=len(roster),
    )
    await _show(update, context, text, rows, new=new)


async def on_toggle(update: Update, context: BotContext, button: Button) -> None:
    """Flip one member's attendance."""
    live = await _live(update, context, int(button.payload["meeting_id"]))
    if live is None:
        return
    assert live.meeting.id is not None and live.team.id is not None
    member_id = int(button.payload["member_id"])
    roster = {
        m.id for m, _roles in await directory.team_members(context.session, team_id=live.team.id)
    }
    if member_id not in roster:
        await alert(update, context, "minutes.not_in_team")
        return
    current = await minutes.attendance(context.session, meeting_id=live.meeting.id)
    await minutes.set_present(
        context.session,
        meeting_id=live.meeting.id,
        member_id=member_id,
        present=not current.get(member_id, False),
        corrected_by=context.actor.telegram_id,
        now=context.now,
    )
    await consume(context, button)
    await ack(update)
    await _attendance_step(update, context, live, new=False)


async def on_finish(update: Update, context: BotContext, button: Button) -> None:
    """ "Abschließen": close the meeting, post the summary, tell the authors."""
    live = await _live(update, context, int(button.payload["meeting_id"]))
    if live is None:
        return
    summary = await closing.close(
        context.session,
        meeting=live.meeting,
        series=live.series,
        team=live.team,
        tz=context.services.settings.tz,
        vault=context.services.vault,
        group_language=context.services.settings.bot_language,
        now=context.now,
        actor_id=context.actor.telegram_id,
    )
    await consume(context, button)
    await ack(update)
    assert summary is not None  # _live refused a closed meeting
    key = "minutes.closed" if live.team.chat_id is not None else "minutes.closed_no_group"
    await edit_or_send(
        update,
        context,
        tr(
            context,
            key,
            discussed=summary.discussed,
            moved=summary.moved,
            withdrawn=summary.withdrawn,
            present=summary.present,
        ),
    )


def handlers() -> list[BaseHandler]:
    """Handlers of this feature (everything is buttons and one dialogue step)."""
    return []


BUTTONS: dict[str, ButtonAction] = {
    START: on_start,
    DISCUSSED: on_discussed,
    OUTCOME: on_outcome,
    NO_NOTE: on_no_note,
    MOVED: on_moved,
    WITHDRAWN: on_withdrawn,
    TOGGLE: on_toggle,
    FINISH: on_finish,
}
DIALOGS: dict[str, DialogStep] = {NOTE_DIALOG: on_note}
