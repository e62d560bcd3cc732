"""``/agenda``: the next consultation's topics, and the coordinator's buttons to order them.

In the team's group the agenda shows only each topic's code and question; in private,
members of the team also see urgency, kind of help and who brings the topic. Coordinators
get buttons to post the agenda to the group and to change it: move a topic up or down (urgent
topics stay first), put it on the next date, or take it off the agenda (with confirmation;
the author is told privately). Every press re-reads the topic and re-checks the presser's
rights and that the meeting has not begun.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler

from bot import attendance
from bot.handlers.common import (
    Choice,
    ack,
    alert,
    consume,
    edit_or_send,
    is_group,
    keyboard,
    reply,
    tr,
)
from bot.handlers.consultations import format_when
from bot.handlers.gate import ButtonAction
from bot.i18n import Markup
from bot.notify import notify_member
from bot.runtime import BotContext
from bot.storage import audit, consultations, directory, outbox, topics
from bot.storage.models import Button, CaseTopic, Member, Team, TopicStatus
from bot.topics import agenda, board, placement

POST = "agenda.post"
EDIT = "agenda.edit"
DONE = "agenda.done"
UP = "agenda.up"
DOWN = "agenda.down"
NEXT = "agenda.next"
DROP = "agenda.drop"
DROP_YES = "agenda.drop_yes"
DROP_NO = "agenda.drop_no"


def heading(item_board: board.Board, lang: str) -> Markup:
    """Name, time and place of the board's meeting."""
    live = attendance.LiveMeeting(
        item_board.meeting,
        item_board.series,
        item_board.team,
        item_board.occurrence.starts_at.tzinfo,  # type: ignore[arg-type]
        item_board.occurrence,
    )
    return attendance.heading(live, item_board.occurrence.starts_at, lang)


async def _board(context: BotContext, team: Team) -> board.Board | None:
    return await board.next_board(
        context.session,
        team=team,
        tz=context.services.settings.tz,
        now=context.now,
        vault=context.services.vault,
    )


def _text(context: BotContext, found: board.Board, *, private: bool) -> str:
    tz = context.services.settings.tz
    return board.board_text(
        found, heading(found, context.lang), tz, context.lang, private=private, now=context.now
    )


# -- /agenda ----------------------------------------------------------------------------------


async def show_agenda(update: Update, context: BotContext) -> None:
    """``/agenda`` in the group (code and question) or in private (one block per team)."""
    if is_group(update):
        await _show_in_group(update, context)
        return
    teams = [
        team
        for team in await directory.teams(context.session)
        if team.id is not None and (team.id in context.actor.team_ids or context.actor.is_admin)
    ]
    found = await consultations.series_of_teams(
        context.session, team_ids={team.id for team in teams if team.id is not None}
    )
    if not found:
        await reply(update, context, tr(context, "agenda.no_series"))
        return
    for team, _row in found:
        await _show_private(update, context, team)


async def _show_in_group(update: Update, context: BotContext) -> None:
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    team = await directory.team_by_chat(context.session, chat_id=chat_id)
    if team is None or team.id is None:
        await reply(update, context, tr(context, "agenda.group_unbound"))
        return
    if team.id not in context.actor.team_ids and not context.actor.is_admin:
        await reply(update, context, tr(context, "agenda.group_not_member"))
        return
    found = await _board(context, team)
    if found is None:
        await reply(update, context, tr(context, "agenda.no_date", team=team.name))
        return
    await reply(update, context, _text(context, found, private=False))


async def _show_private(
    update: Update, context: BotContext, team: Team, *, edit: bool = False
) -> None:
    found = await _board(context, team)
    if found is None:
        await reply(update, context, tr(context, "agenda.no_date", team=team.name))
        return
    markup = None
    if team.id is not None and context.actor.can_manage(team.id):
        rows = [[Choice(tr(context, "agenda.button_post"), POST, {"team_id": team.id})]]
        if found.items:
            rows[0].append(Choice(tr(context, "agenda.button_edit"), EDIT, {"team_id": team.id}))
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        markup = await keyboard(context, rows, chat_id=chat_id)
    text = _text(context, found, private=True)
    if edit:
        await edit_or_send(update, context, text, keyboard=markup)
    else:
        await reply(update, context, text, keyboard=markup)


# -- the coordinator's buttons ------------------------------------------------------------------


async def _managed_team(update: Update, context: BotContext, team_id: int) -> Team | None:
    """The team, if the presser manages it now (answers the press otherwise)."""
    team = await directory.get_team(context.session, team_id=team_id)
    if team is None or team.id is None or not context.actor.can_manage(team.id):
        await alert(update, context, "agenda.not_coordinator")
        return None
    return team


async def on_post(update: Update, context: BotContext, button: Button) -> None:
    """Post the group version of the agenda to the team's group."""
    team = await _managed_team(update, context, int(button.payload["team_id"]))
    if team is None:
        return
    if team.chat_id is None:
        await alert(update, context, "agenda.no_group")
        return
    found = await _board(context, team)
    if found is None:
        await alert(update, context, "agenda.topic_gone")
        return
    language = context.services.settings.bot_language
    tz = context.services.settings.tz
    text = board.board_text(
        found, heading(found, language), tz, language, private=False, now=context.now
    )
    await outbox.enqueue(context.session, chat_id=team.chat_id, text=text, now=context.now)
    await audit.record(
        context.session,
        at=context.now,
        actor_id=context.actor.telegram_id,
        action="agenda.posted",
        object_type="meeting",
        object_id=found.meeting.id or 0,
        details={"team_id": team.id, "topics": len(found.items)},
    )
    await ack(update, tr(context, "agenda.posted"))


async def _edit_view(update: Update, context: BotContext, team: Team) -> None:
    """The agenda with a row of buttons per topic."""
    found = await _board(context, team)
    if found is None or not found.items:
        await _show_private(update, context, team, edit=True)
        return
    rows = []
    for item in found.items:
        payload = {"team_id": team.id, "topic_id": item.topic.id, "meeting_id": found.meeting.id}
        number = item.slot.number
        rows.append(
            [
                Choice(tr(context, "agenda.button_up", number=number), UP, payload),
                Choice(tr(context, "agenda.button_down", number=number), DOWN, payload),
                Choice(tr(context, "agenda.button_next", number=number), NEXT, payload),
                Choice(tr(context, "agenda.button_drop", number=number), DROP, payload),
            ]
        )
    rows.append([Choice(tr(context, "agenda.button_done"), DONE, {"team_id": team.id})])
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    markup: InlineKeyboardMarkup = await keyboard(context, rows, chat_id=chat_id)
    text = _text(context, found, private=True) + "\n\n" + tr(context, "agenda.edit_help")
    await edit_or_send(update, context, text, keyboard=markup)


async def on_edit(update: Update, context: BotContext, button: Button) -> None:
    """Switch the message to the editing view."""
    team = await _managed_team(update, context, int(button.payload["team_id"]))
    if team is None:
        return
    await consume(context, button)
    await ack(update)
    await _edit_view(update, context, team)


async def on_done(update: Update, context: BotContext, button: Button) -> None:
    """Back to the plain agenda."""
    team = await _managed_team(update, context, int(button.payload["team_id"]))
    if team is None:
        return
    await consume(context, button)
    await ack(update)
    await _show_private(update, context, team, edit=True)


@dataclass(frozen=True)
class _Target:
    team: Team
    topic: CaseTopic
    found: board.Board


async def _target(update: Update, context: BotContext, button: Button) -> _Target | None:
    """Team, topic and agenda of a topic button, if all still hold (answers the press if not).

    The topic must still be queued on the agenda the button was made for, and that meeting
    must be the team's next one and not have begun.
    """
    team = await _managed_team(update, context, int(button.payload["team_id"]))
    if team is None:
        return None
    topic = await topics.get_topic(context.session, topic_id=int(button.payload["topic_id"]))
    found = await _board(context, team)
    if (
        topic is None
        or found is None
        or topic.team_id != team.id
        or topic.status != TopicStatus.QUEUED
        or topic.meeting_id != int(button.payload["meeting_id"])
        or topic.meeting_id != found.meeting.id
    ):
        await alert(update, context, "agenda.topic_gone")
        return None
    if found.occurrence.starts_at <= context.now:
        await alert(update, context, "agenda.begun")
        return None
    return _Target(team, topic, found)


async def _reorder(update: Update, context: BotContext, button: Button, step: int) -> None:
    target = await _target(update, context, button)
    if target is None:
        return
    queued = [item.topic for item in target.found.items]
    entries = [board.entry_of(topic) for topic in queued]
    order = agenda.move(entries, topic_id=target.topic.id or 0, step=step)
    if order == [entry.topic_id for entry in agenda.ordered(entries)]:
        await alert(update, context, "agenda.no_move")
        return
    by_id = {topic.id: topic for topic in queued}
    await topics.set_positions(context.session, ordered=[by_id[topic_id] for topic_id in order])
    await consume(context, button)
    await ack(update)
    await _edit_view(update, context, target.team)


async def on_up(update: Update, context: BotContext, button: Button) -> None:
    """Move a topic one place up."""
    await _reorder(update, context, button, -1)


async def on_down(update: Update, context: BotContext, button: Button) -> None:
    """Move a topic one place down."""
    await _reorder(update, context, button, +1)


async def on_next(update: Update, context: BotContext, button: Button) -> None:
    """Put a topic on the date after this one; its author is told."""
    target = await _target(update, context, button)
    if target is None:
        return
    tz = context.services.settings.tz
    code = await topics.code_of(context.session, topic=target.topic)
    moved_to = await placement.carry_over(
        context.session,
        topic=target.topic,
        tz=tz,
        now=context.now,
        after=target.found.occurrence.starts_at,
    )
    await audit.record(
        context.session,
        at=context.now,
        actor_id=context.actor.telegram_id,
        action="topic.moved",
        object_type="case_topic",
        object_id=target.topic.id or 0,
        details={"from_meeting": target.found.meeting.id},
    )
    author = await context.session.get(Member, target.topic.author_id)
    if moved_to is not None:
        when = format_when(moved_to.occurrence.starts_at, tz, context.lang)
        done = tr(context, "agenda.moved_done", code=code, meeting=when)
    else:
        done = tr(context, "agenda.moved_nowhere", code=code)
    if moved_to is not None:
        await _tell_author(
            context,
            author,
            "agenda.author_moved",
            code=code,
            meeting=lambda lang: format_when(moved_to.occurrence.starts_at, tz, lang),
        )
    else:
        await _tell_author(context, author, "agenda.author_moved_nowhere", code=code)
    await consume(context, button)
    await ack(update, done)
    await _edit_view(update, context, target.team)


async def _tell_author(
    context: BotContext,
    author: Member | None,
    key: str,
    *,
    code: str,
    meeting: Callable[[str], Markup] | None = None,
) -> None:
    """A private notice to the topic's author, unless the coordinator is the author."""
    if author is None or author.telegram_id == context.actor.telegram_id:
        return
    values: dict[str, object] = {"code": code}
    if meeting is not None:
        values["meeting"] = meeting(author.language)
    await notify_member(
        context.session,
        telegram_id=author.telegram_id,
        language=author.language,
        key=key,
        now=context.now,
        **values,
    )


async def on_drop(update: Update, context: BotContext, button: Button) -> None:
    """Ask before taking a topic off the agenda."""
    target = await _target(update, context, button)
    if target is None:
        return
    code = await topics.code_of(context.session, topic=target.topic)
    author = await context.session.get(Member, target.topic.author_id)
    payload = dict(button.payload)
    rows = [
        [
            Choice(tr(context, "agenda.button_drop_yes"), DROP_YES, payload),
            Choice(tr(context, "agenda.button_drop_no"), DROP_NO, {"team_id": target.team.id}),
        ]
    ]
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    markup = await keyboard(context, rows, chat_id=chat_id)
    await consume(context, button)
    await ack(update)
    text = tr(
        context,
        "agenda.drop_confirm",
        code=code,
        author=author.display_name if author else "?",
    )
    await edit_or_send(update, context, text, keyboard=markup)


async def on_drop_yes(update: Update, context: BotContext, button: Button) -> None:
    """Take the topic off the agenda; its author is told."""
    target = await _target(update, context, button)
    if target is None:
        return
    code = await topics.code_of(context.session, topic=target.topic)
    await topics.close(
        context.session, topic=target.topic, status=TopicStatus.DROPPED, now=context.now
    )
    await audit.record(
        context.session,
        at=context.now,
        actor_id=context.actor.telegram_id,
        action="topic.dropped",
        object_type="case_topic",
        object_id=target.topic.id or 0,
        details={"meeting_id": target.found.meeting.id},
    )
    author = await context.session.get(Member, target.topic.author_id)
    await _tell_author(context, author, "agenda.author_dropped", code=code)
    await consume(context, button)
    await ack(update, tr(context, "agenda.dropped_done", code=code))
    await _edit_view(update, context, target.team)


async def on_drop_no(update: Update, context: BotContext, button: Button) -> None:
    """Keep the topic; back to the editing view."""
    team = await _managed_team(update, context, int(button.payload["team_id"]))
    if team is None:
        return
    await consume(context, button)
    await ack(update)
    await _edit_view(update, context, team)


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [CommandHandler("agenda", show_agenda)]


BUTTONS: dict[str, ButtonAction] = {
    POST: on_post,
    EDIT: on_edit,
    DONE: on_done,
    UP: on_up,
    DOWN: on_down,
    NEXT: on_next,
    DROP: on_drop,
    DROP_YES: on_drop_yes,
    DROP_NO: on_drop_no,
}
