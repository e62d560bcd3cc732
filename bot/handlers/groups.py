"""Team groups: ``/verbinden``, the bot being added or removed, and supergroup migration."""

from __future__ import annotations

import logging

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import BaseHandler, ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.handlers.common import (
    Choice,
    consume,
    edit_or_send,
    is_group,
    keyboard,
    managed_teams,
    reply,
    tr,
)
from bot.handlers.gate import ButtonAction
from bot.i18n import plain_text, t
from bot.notify import notify_team_managers
from bot.runtime import BotContext
from bot.storage import audit, directory, groups, outbox
from bot.storage.models import Button

log = logging.getLogger(__name__)

PRESENT = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def bind(update: Update, context: BotContext) -> None:
    """Coordinators bind the group they write in to one of their teams."""
    if not is_group(update):
        await reply(update, context, tr(context, "bind.group_only"))
        return
    teams = await managed_teams(context)
    if not teams:
        await reply(update, context, tr(context, "bind.not_allowed"))
        return
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    current = await directory.team_by_chat(context.session, chat_id=chat_id)
    if current is not None and current.id is not None and not context.actor.can_manage(current.id):
        await reply(update, context, tr(context, "bind.taken", team=current.name))
        return
    rows = [[Choice(team.name, "bind.team", {"team_id": team.id})] for team in teams]
    text = (
        tr(context, "bind.choose_rebind", team=current.name)
        if current is not None
        else tr(context, "bind.choose")
    )
    await reply(update, context, text, keyboard=await keyboard(context, rows, chat_id=chat_id))


async def on_bind_team(update: Update, context: BotContext, button: Button) -> None:
    """Team chosen: bind the group (checking the right again)."""
    query = update.callback_query
    assert query is not None
    team_id = int(button.payload["team_id"])
    team = await directory.get_team(context.session, team_id=team_id)
    if team is None or not context.actor.can_manage(team_id):
        await query.answer(tr(context, "bind.not_allowed"), show_alert=True)
        return
    chat = update.effective_chat
    assert chat is not None
    current = await directory.team_by_chat(context.session, chat_id=chat.id)
    if current is not None and current.id is not None and not context.actor.can_manage(current.id):
        await query.answer(
            plain_text(tr(context, "bind.taken", team=current.name)), show_alert=True
        )
        return
    await consume(context, button)
    await query.answer()
    if current is not None and current.id == team_id:
        await edit_or_send(update, context, tr(context, "bind.already", team=team.name))
        return
    previous_chat = team.chat_id
    await directory.bind_chat(context.session, team=team, chat_id=chat.id)
    await audit.record(
        context.session,
        at=context.now,
        actor_id=context.actor.telegram_id,
        action="group.bound",
        object_type="team",
        object_id=team_id,
        details={"chat_id": chat.id, "previous_chat_id": previous_chat},
    )
    if current is not None and current.id is not None:
        await audit.record(
            context.session,
            at=context.now,
            actor_id=context.actor.telegram_id,
            action="group.unbound",
            object_type="team",
            object_id=current.id,
            details={"chat_id": chat.id, "reason": "rebound", "new_team_id": team_id},
        )
        await notify_team_managers(
            context,
            team_id=current.id,
            key="bind.moved_notice",
            exclude={context.actor.telegram_id},
            team=current.name,
            new_team=team.name,
        )
    await edit_or_send(update, context, tr(context, "bind.done", team=team.name))


def _present(member: ChatMember) -> bool:
    """In the group: a member, an administrator, or restricted but still a member."""
    if member.status == ChatMemberStatus.RESTRICTED:
        return bool(getattr(member, "is_member", False))
    return member.status in PRESENT


def _was_present(change: ChatMemberUpdated) -> tuple[bool, bool]:
    return _present(change.old_chat_member), _present(change.new_chat_member)


async def bot_membership(update: Update, context: BotContext) -> None:
    """The bot was added to or removed from a group."""
    change = update.my_chat_member
    assert change is not None
    chat = change.chat
    if chat.type not in ("group", "supergroup"):
        return
    was, now_present = _was_present(change)
    await groups.record_chat(
        context.session,
        chat_id=chat.id,
        title=chat.title or "",
        status=change.new_chat_member.status,
        now=context.now,
    )
    if now_present and not was:
        # Not a reply to anyone (and the bot may not be allowed to write): via the outbox,
        # in the group's language, not the language of whoever added the bot.
        language = context.services.settings.bot_language
        await outbox.enqueue(
            context.session, chat_id=chat.id, text=t(language, "group.added"), now=context.now
        )
        return
    if was and not now_present:
        team = await directory.unbind_chat(context.session, chat_id=chat.id)
        if team is not None and team.id is not None:
            await audit.record(
                context.session,
                at=context.now,
                actor_id=change.from_user.id,
                action="group.unbound",
                object_type="team",
                object_id=team.id,
                details={"chat_id": chat.id, "reason": "bot_removed"},
            )
            await notify_team_managers(
                context, team_id=team.id, key="group.removed_notice", team=team.name
            )


async def migrated(update: Update, context: BotContext) -> None:
    """A group became a supergroup: its id changed, and the binding follows."""
    message = update.effective_message
    assert message is not None
    if message.migrate_to_chat_id is not None:
        old_id, new_id = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old_id, new_id = message.migrate_from_chat_id, message.chat.id
    else:
        return
    team = await groups.migrate_chat(
        context.session, old_chat_id=old_id, new_chat_id=new_id, now=context.now
    )
    if team is not None and team.id is not None:
        await audit.record(
            context.session,
            at=context.now,
            actor_id=message.from_user.id if message.from_user else None,
            action="group.migrated",
            object_type="team",
            object_id=team.id,
            details={"old_chat_id": old_id, "new_chat_id": new_id},
        )
        log.info("team %s followed its group to a supergroup", team.id)


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [
        CommandHandler("verbinden", bind),
        ChatMemberHandler(bot_membership, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, migrated),
    ]


BUTTONS: dict[str, ButtonAction] = {"bind.team": on_bind_team}
