"""Small tools every handler module uses: replying, keyboards, chat types."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest

from bot.i18n import t
from bot.render import split_message
from bot.runtime import BotContext
from bot.storage import audit, directory, interaction
from bot.storage.models import Button, Team

BUTTON_TTL = timedelta(days=2)


@dataclass(frozen=True)
class Choice:
    """One inline button: its label and what pressing it means."""

    text: str
    action: str
    payload: dict[str, Any] = field(default_factory=dict)


def is_private(update: Update) -> bool:
    """True in a one-to-one chat with the bot."""
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


def chat_id_of(update: Update) -> int:
    """The chat an update came from (every handler that answers has one)."""
    chat = update.effective_chat
    assert chat is not None
    return chat.id


def member_id_of(context: BotContext) -> int | None:
    """The acting member's id (None for an administrator without membership)."""
    member = context.actor.member
    return member.id if member is not None else None


def is_group(update: Update) -> bool:
    """True in a group or supergroup."""
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


def with_prefix(prefix: str, text: str) -> str:
    """``text`` after ``prefix`` (a notice, why an answer was not taken) and a blank line."""
    return f"{prefix}\n\n{text}" if prefix else text


def tr(context: BotContext, key: str, /, **values: object) -> str:
    """A text in the reader's language."""
    return t(context.lang, key, **values)


async def send(
    context: BotContext,
    chat_id: int,
    text: str,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send HTML text, split at Telegram's limit; the keyboard goes with the last part."""
    parts = split_message(text)
    message = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        message = await context.bot.send_message(
            chat_id=chat_id,
            text=part,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard if last else None,
        )
    return message


async def reply(
    update: Update, context: BotContext, text: str, *, keyboard: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Answer in the chat the update came from."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await send(context, chat.id, text, keyboard=keyboard)


async def keyboard(
    context: BotContext,
    rows: Sequence[Sequence[Choice]],
    *,
    chat_id: int,
    personal: bool = True,
    ttl: timedelta = BUTTON_TTL,
) -> InlineKeyboardMarkup:
    """Build an inline keyboard whose ``callback_data`` are opaque tokens stored in the database.

    Args:
        context: the handler's context (its transaction stores the tokens).
        rows: the buttons, row by row.
        chat_id: chat the keyboard is sent to.
        personal: only the current actor may press these buttons.
        ttl: how long the buttons stay valid.
    """
    owner = context.actor.telegram_id if personal else None
    batch = interaction.new_batch()
    markup_rows = []
    for row in rows:
        buttons = []
        for choice in row:
            token = await interaction.create_button(
                context.session,
                batch=batch,
                chat_id=chat_id,
                telegram_id=owner,
                action=choice.action,
                payload=choice.payload,
                now=context.now,
                ttl=ttl,
            )
            buttons.append(InlineKeyboardButton(choice.text, callback_data=token))
        markup_rows.append(buttons)
    return InlineKeyboardMarkup(markup_rows)


def no_choice(context: BotContext) -> Choice:
    """The "no" of every confirmation: it only closes the question."""
    return Choice(tr(context, "common.no"), "common.dismiss", {})


async def confirm_keyboard(
    context: BotContext, *, yes: str, action: str, payload: dict[str, Any], chat_id: int
) -> InlineKeyboardMarkup:
    """A "yes, do it" / "no" pair, asked before anything that cannot be undone."""
    return await keyboard(
        context, [[Choice(yes, action, payload), no_choice(context)]], chat_id=chat_id
    )


async def managed_teams(context: BotContext) -> list[Team]:
    """Teams the actor may manage (coordinators: their own; administrators: all), by name."""
    all_teams = await directory.teams(context.session)
    return [
        team for team in all_teams if team.id is not None and context.actor.can_manage(team.id)
    ]


async def ask_team(
    update: Update,
    context: BotContext,
    teams: Sequence[Team],
    *,
    action: str,
    prompt: str,
    prefix: str = "",
) -> None:
    """Offer one button per team; pressing one runs the button action ``action``.

    ``prefix`` (a notice such as "the other dialogue ended") stands before the question.
    """
    chat = update.effective_chat
    assert chat is not None
    rows = [[Choice(team.name, action, {"team_id": team.id})] for team in teams]
    markup = await keyboard(context, rows, chat_id=chat.id)
    await reply(update, context, with_prefix(prefix, tr(context, prompt)), keyboard=markup)


async def with_managed_team(
    update: Update,
    context: BotContext,
    *,
    not_allowed: str,
    action: str,
    prompt: str,
    then: Callable[[Update, BotContext, Team], Awaitable[None]],
) -> None:
    """The common start of a coordinator command: private chat, a team the actor manages.

    With one such team ``then`` runs at once; with several the team is asked for with buttons
    (``action``); with none the ``not_allowed`` text is the answer.
    """
    if not is_private(update):
        await reply(update, context, tr(context, "common.private_only"))
        return
    teams = await managed_teams(context)
    if not teams:
        await reply(update, context, tr(context, not_allowed))
    elif len(teams) == 1:
        await then(update, context, teams[0])
    else:
        await ask_team(update, context, teams, action=action, prompt=prompt)


async def audit_action(
    context: BotContext,
    action: str,
    *,
    object_type: str,
    object_id: int | str,
    details: dict[str, Any] | None = None,
) -> None:
    """Audit what the acting user did just now (``details``: ids and codes, never typed text)."""
    await audit.record(
        context.session,
        at=context.now,
        actor_id=context.actor.telegram_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details=details,
    )


async def consume(context: BotContext, button: Button) -> None:
    """Make every button of the pressed keyboard stale (the choice is made)."""
    await interaction.drop_batch(context.session, batch=button.batch)


async def close_keyboard(update: Update, context: BotContext, button: Button) -> None:
    """The question is answered: its buttons go stale and disappear."""
    await consume(context, button)
    query = update.callback_query
    assert query is not None
    await query.answer()
    with suppress(BadRequest):  # too old to edit, or already without buttons
        await query.edit_message_reply_markup(reply_markup=None)


def command_args(update: Update) -> list[str]:
    """Words after the command, for handlers that take arguments."""
    message = update.effective_message
    if message is None or not message.text:
        return []
    return message.text.split()[1:]


async def answer_button(update: Update, context: BotContext, key: str, **values: object) -> None:
    """Answer a button press with a short notice."""
    query = update.callback_query
    if query is not None:
        await query.answer(tr(context, key, **values), show_alert=False)


async def alert(update: Update, context: BotContext, key: str, **values: object) -> None:
    """Answer a button press with a notice the presser must close (a refusal, a problem)."""
    await alert_text(update, tr(context, key, **values))


async def alert_text(update: Update, text: str) -> None:
    """:func:`alert` with a text that is already in the reader's language."""
    query = update.callback_query
    assert query is not None
    await query.answer(text, show_alert=True)


async def ack(update: Update, text: str | None = None) -> None:
    """Answer a button press quietly (Telegram stops the button's spinner)."""
    query = update.callback_query
    if query is not None:
        await query.answer(text)


async def edit_or_send(
    update: Update,
    context: BotContext,
    text: str,
    *,
    keyboard: InlineKeyboardMarkup | None = None,
) -> None:
    """Replace the message whose button was pressed; send a new one if that is impossible."""
    query = update.callback_query
    if query is not None and query.message is not None and len(text) <= 4000:
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
            return
        except BadRequest:  # too old to edit, or unchanged: send anew
            pass
    await reply(update, context, text, keyboard=keyboard)


def role_label(context: BotContext, role: str) -> str:
    """A role's name in the reader's language."""
    return tr(context, f"role.{role}")
