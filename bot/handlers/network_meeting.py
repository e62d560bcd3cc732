"""``/treffen start`` and ``/treffen ende``: a network meeting collects ideas live in the group.

While a meeting runs, every group message of a team member that begins with "Idee:" or 💡 is
logged as an idea of that meeting (the privacy gate first, as for ``/idee``). Telegram only
delivers such plain messages when the bot is an administrator of the group or its privacy
mode is off (BotFather → /setprivacy); otherwise ``/idee …`` always works, and the start
message says so. Closing posts the meeting's numbered ideas with 👍 and origin buttons.

Messages of people the bot does not know never reach this module: the gate stops them
silently (a plain group message gets no answer), so only invited members' ideas are stored.
"""

from __future__ import annotations

from typing import Final

from telegram import Update
from telegram.constants import ChatMemberStatus
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot import ideas as rules
from bot.consultations.schedule import occurrence_on
from bot.handlers.common import audit_action, chat_id_of, is_group, reply, tr
from bot.handlers.consultations import format_when
from bot.handlers.ideas import command_text, create_idea, list_view, screen
from bot.runtime import BotContext
from bot.storage import consultations, directory, meetings
from bot.storage import ideas as store
from bot.storage.models import BotChat, Meeting, Team

START_WORDS: Final = frozenset({"start", "beginn", "beginnen", "starten", "los"})
END_WORDS: Final = frozenset({"ende", "end", "stop", "beenden", "schluss"})
MARKER: Final = filters.Regex(rules.MARKER)


async def todays_meeting(context: BotContext, team: Team) -> Meeting | None:
    """The team's network-meeting date of today (in the bot's zone), made if needed."""
    assert team.id is not None
    row = await consultations.get_series(
        context.session, team_id=team.id, kind=consultations.NETWORK
    )
    if row is None or row.id is None:
        return None
    tz = context.services.settings.tz
    state = await consultations.federal_state(context.session, team_id=team.id)
    series = consultations.to_domain(row, tz=tz, state=state)
    found = await consultations.exceptions(context.session, series_id=row.id)
    occurrence = occurrence_on(
        series,
        cancelled=found.cancelled,
        moved=found.moves,
        pauses=found.pauses,
        day=context.now.astimezone(tz).date(),
    )
    if occurrence is None:
        return None
    return await meetings.ensure_meeting(
        context.session,
        series_id=row.id,
        original_date=occurrence.original_date,
        starts_at=occurrence.starts_at,
        ends_at=occurrence.ends_at,
        now=context.now,
    )


async def bot_sees_messages(context: BotContext, chat_id: int) -> bool:
    """Whether Telegram delivers plain group messages: bot is admin, or privacy mode off."""
    if context.bot.can_read_all_group_messages:
        return True
    chat = await context.session.get(BotChat, chat_id)
    return chat is not None and chat.status in (
        ChatMemberStatus.ADMINISTRATOR,
        ChatMemberStatus.OWNER,
    )


async def meeting_command(update: Update, context: BotContext) -> None:
    """``/treffen start`` or ``/treffen ende`` in the team's group."""
    if not is_group(update):
        await reply(update, context, tr(context, "ideas.meeting_group_only"))
        return
    team = await directory.team_by_chat(context.session, chat_id=chat_id_of(update))
    if team is None or team.id is None:
        await reply(update, context, tr(context, "ideas.unbound"))
        return
    if not context.actor.can_run_network(team.id):
        await reply(update, context, tr(context, "ideas.meeting_not_allowed"))
        return
    word = command_text(update).strip().casefold()
    if word in START_WORDS:
        await _start(update, context, team)
    elif word in END_WORDS:
        await _end(update, context, team)
    else:
        await reply(update, context, tr(context, "ideas.meeting_usage"))


async def _start(update: Update, context: BotContext, team: Team) -> None:
    assert team.id is not None
    tz = context.services.settings.tz
    running = await store.running_session(context.session, team_id=team.id, now=context.now)
    if running is not None:
        await reply(
            update,
            context,
            tr(
                context,
                "ideas.meeting_already",
                since=format_when(running.started_at, tz, context.lang),
            ),
        )
        return
    meeting = await todays_meeting(context, team)
    started = await store.start_session(
        context.session,
        team_id=team.id,
        chat_id=chat_id_of(update),
        meeting_id=meeting.id if meeting is not None else None,
        actor_id=context.actor.telegram_id,
        now=context.now,
    )
    await audit_action(
        context,
        "idea_session.started",
        object_type="idea_session",
        object_id=started.id or 0,
        details={"team_id": team.id, "meeting_id": started.meeting_id},
    )
    date_line = (
        tr(context, "ideas.meeting_date", when=format_when(meeting.starts_at, tz, context.lang))
        if meeting is not None
        else tr(context, "ideas.meeting_no_date")
    )
    text = tr(context, "ideas.meeting_started", team=team.name, date=date_line)
    if not await bot_sees_messages(context, chat_id_of(update)):
        text += "\n\n" + tr(context, "ideas.meeting_blind")
    await reply(update, context, text)


async def _end(update: Update, context: BotContext, team: Team) -> None:
    assert team.id is not None
    latest = await store.latest_session(context.session, team_id=team.id)
    if latest is None or latest.id is None:
        await reply(update, context, tr(context, "ideas.meeting_none"))
        return
    await store.end_session(
        context.session, idea_session=latest, actor_id=context.actor.telegram_id, now=context.now
    )
    found = await store.ideas_of_session(context.session, session_id=latest.id)
    await audit_action(
        context,
        "idea_session.ended",
        object_type="idea_session",
        object_id=latest.id,
        details={"team_id": team.id, "ideas": len(found)},
    )
    if not found:
        await reply(update, context, tr(context, "ideas.meeting_closed_empty"))
        return
    text, markup = await list_view(
        context,
        team,
        {
            "team_id": team.id,
            "status": None,
            "origin": None,
            "kind": None,
            "page": 0,
            "session_id": latest.id,
        },
        chat_id=chat_id_of(update),
        group=True,
    )
    await reply(
        update,
        context,
        tr(context, "ideas.meeting_closed", count=len(found)) + "\n\n" + text,
        keyboard=markup,
    )


async def capture(update: Update, context: BotContext) -> None:
    """A group message beginning with "Idee:" or 💡: an idea of the running meeting."""
    message = update.effective_message
    assert message is not None
    text = rules.recognise(message.text)
    if text is None:
        return
    team = await directory.team_by_chat(context.session, chat_id=chat_id_of(update))
    if team is None or team.id is None:
        return  # an unbound group: /idee answers there, plain messages are left alone
    if not context.actor.roles_in(team.id):
        await reply(update, context, tr(context, "ideas.not_member", team=team.name))
        return
    running = await store.running_session(context.session, team_id=team.id, now=context.now)
    if running is None:
        await reply(update, context, tr(context, "ideas.no_meeting"))
        return
    verdict, why = await screen(
        update, context, text, organisation_id=team.organisation_id, limit=rules.TEXT_LIMIT
    )
    if not verdict.ok:
        await reply(update, context, why)
        return
    idea = await create_idea(context, team, verdict.text, session_id=running.id)
    count = len(await store.ideas_of_session(context.session, session_id=running.id or 0))
    await reply(update, context, tr(context, "ideas.captured", number=idea.number, count=count))


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [
        CommandHandler(["treffen", "meeting"], meeting_command),
        MessageHandler(
            filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND & MARKER, capture
        ),
    ]
