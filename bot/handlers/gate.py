"""The gate every update passes first, and the routing of buttons and dialogue answers.

The gate loads the actor from the database on every update; strangers get a polite answer
that they need an invitation and nothing else. Button presses are looked up by their opaque
token, and dialogue answers by the dialogue stored for the user and chat.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.access import load_actor
from bot.handlers.common import is_group, is_private, reply, tr
from bot.i18n import both
from bot.runtime import BotContext
from bot.storage import directory, interaction
from bot.storage.models import Button, Dialog

log = logging.getLogger(__name__)

ButtonAction = Callable[[Update, BotContext, Button], Awaitable[None]]
DialogStep = Callable[[Update, BotContext, Dialog], Awaitable[None]]
HandlerCallback = Callable[[Update, Any], Coroutine[Any, Any, None]]

#: Commands that strangers may use: getting in, and learning what the bot stores.
PUBLIC_COMMANDS = frozenset(
    {"start", "datenschutz", "meinedaten", "hilfe", "help", "abbrechen", "cancel"}
)


def _command(update: Update, bot_username: str) -> str | None:
    """The command of a message, if it is meant for this bot (``/cmd`` or ``/cmd@thisbot``)."""
    message = update.effective_message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    name, _, addressee = message.text.split()[0][1:].partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return None
    return name.lower()


def _is_membership_event(update: Update) -> bool:
    message = update.effective_message
    return update.my_chat_member is not None or (
        message is not None
        and (message.migrate_to_chat_id is not None or message.migrate_from_chat_id is not None)
    )


async def gate(update: Update, context: BotContext) -> None:
    """Load who is acting; stop every update from a stranger that is not public."""
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
    settings = context.services.settings
    scope = context.scope
    scope.actor = await load_actor(
        context.session, telegram_id=user.id, admin_ids=settings.bot_admin_ids
    )
    actor = scope.actor
    if actor.is_admin and actor.member is None:
        await directory.ensure_member(
            context.session,
            telegram_id=user.id,
            display_name=user.full_name,
            language=settings.bot_language,
            now=context.now,
        )
        scope.actor = await load_actor(
            context.session, telegram_id=user.id, admin_ids=settings.bot_admin_ids
        )
    elif actor.member is not None and actor.member.display_name != user.full_name:
        await directory.ensure_member(
            context.session,
            telegram_id=user.id,
            display_name=user.full_name,
            language=actor.member.language,
            now=context.now,
        )
    if scope.actor.is_known or _is_membership_event(update):
        return
    command = _command(update, context.bot.username)
    if command in PUBLIC_COMMANDS:
        return
    if update.callback_query is not None:
        await update.callback_query.answer(both("gate.stranger_button"), show_alert=True)
    elif is_private(update) or (is_group(update) and command is not None):
        await reply(update, context, both("gate.stranger"))
    raise ApplicationHandlerStop


def button_router(actions: Mapping[str, ButtonAction]) -> HandlerCallback:
    """A callback-query handler that resolves the opaque token and checks who pressed."""

    async def route(update: Update, context: BotContext) -> None:
        query = update.callback_query
        assert query is not None
        button = await interaction.get_button(context.session, token=query.data or "")
        chat = update.effective_chat
        if (
            button is None
            or button.expires_at <= context.now
            or (chat is not None and button.chat_id != chat.id)
        ):
            await query.answer(tr(context, "button.stale"), show_alert=True)
            return
        if button.telegram_id is not None and button.telegram_id != context.actor.telegram_id:
            await query.answer(tr(context, "button.not_yours"), show_alert=True)
            return
        action = actions.get(button.action)
        if action is None:
            log.warning("button with unknown action %s", button.action)
            await query.answer(tr(context, "button.stale"), show_alert=True)
            return
        await action(update, context, button)

    return route


def dialog_router(steps: Mapping[str, DialogStep]) -> HandlerCallback:
    """A private-text handler that feeds the answer to the running dialogue, if any."""

    async def route(update: Update, context: BotContext) -> None:
        chat = update.effective_chat
        assert chat is not None
        dialog = await interaction.get_dialog(
            context.session, telegram_id=context.actor.telegram_id, chat_id=chat.id
        )
        if dialog is None or dialog.kind not in steps:
            await reply(update, context, tr(context, "dialog.nothing_running"))
            return
        await steps[dialog.kind](update, context, dialog)

    return route


async def unknown_command(update: Update, context: BotContext) -> None:
    """Answer a command the bot does not know (private chats, or addressed to the bot)."""
    await reply(update, context, tr(context, "command.unknown"))


async def non_text_in_private(update: Update, context: BotContext) -> None:
    """Photos, voice messages and files are not taken; say so instead of staying silent."""
    await reply(update, context, tr(context, "dialog.text_only"))
