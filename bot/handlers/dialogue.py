"""What the private dialogues (``/thema``, ``/ausgabe``, ``/angebot``, ``/idee`` …) share.

Each feature keeps its own text keys; these functions only do the common steps: the
"private chat only" answer with a link to the bot, the question whether to resume a running
draft, storing the dialogue at a step, finding the dialogue a button belongs to, and screening a
typed text through the privacy gate (:mod:`bot.topics.intake`), deleting a refused message from
the chat and naming what was found by kind only, never echoing it.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import TelegramError

from bot.handlers.common import (
    Choice,
    alert,
    chat_id_of,
    consume,
    edit_or_send,
    keyboard,
    reply,
    tr,
)
from bot.i18n import Markup
from bot.runtime import BotContext
from bot.storage import interaction
from bot.storage.models import Button, Dialog
from bot.topics import intake

log = logging.getLogger(__name__)


async def private_only(
    update: Update, context: BotContext, *, link_key: str, plain_key: str, **values: object
) -> None:
    """In a group: the feature works privately; the answer links to the private chat."""
    username = context.services.bot_username
    if username:
        url = html.escape(f"https://t.me/{username}")
        link = Markup(f'<a href="{url}">@{html.escape(username)}</a>')
        await reply(update, context, tr(context, link_key, link=link, **values))
    else:
        await reply(update, context, tr(context, plain_key, **values))


# -- the dialogue row ------------------------------------------------------------------------


async def end_dialog(update: Update, context: BotContext) -> None:
    """Forget the actor's dialogue in this chat."""
    await interaction.clear_dialog(
        context.session, telegram_id=context.actor.telegram_id, chat_id=chat_id_of(update)
    )


async def save_step(
    update: Update, context: BotContext, *, kind: str, step: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Store the dialogue at ``step`` as a new question; returns its data with the new "asked".

    "asked" counts the questions, so a button of an earlier question is recognised as stale.
    """
    data = {**data, "asked": int(data.get("asked", 0)) + 1}
    await interaction.set_dialog(
        context.session,
        telegram_id=context.actor.telegram_id,
        chat_id=chat_id_of(update),
        kind=kind,
        step=step,
        data=data,
        now=context.now,
    )
    return data


async def dialog_of_button(
    update: Update, context: BotContext, button: Button, *, kind: str
) -> Dialog | None:
    """The dialogue a button belongs to, if it is still at the question the button answers."""
    dialog = await interaction.get_dialog(
        context.session, telegram_id=context.actor.telegram_id, chat_id=chat_id_of(update)
    )
    if (
        dialog is None
        or dialog.kind != kind
        or dialog.data.get("asked") != button.payload.get("asked")
        or ("step" in button.payload and dialog.step != button.payload["step"])
    ):
        return None
    return dialog


@dataclass(frozen=True)
class StartTexts:
    """A feature's text keys and button actions for starting its dialogue again."""

    running: str
    resume: str
    restart: str
    other_ended: str
    resume_action: str
    restart_action: str


async def resume_or_replace(
    update: Update, context: BotContext, *, kind: str, texts: StartTexts
) -> str | None:
    """Before a dialogue starts: ask to resume when it runs already, else end any other one.

    Returns None when the resume-or-restart question was asked (nothing more to do), else the
    notice to put before the first question ("" when no other dialogue ran).
    """
    chat_id = chat_id_of(update)
    running = await interaction.get_dialog(
        context.session, telegram_id=context.actor.telegram_id, chat_id=chat_id
    )
    if running is None:
        return ""
    if running.kind == kind:
        payload = {"asked": running.data.get("asked")}
        markup = await keyboard(
            context,
            [
                [
                    Choice(tr(context, texts.resume), texts.resume_action, payload),
                    Choice(tr(context, texts.restart), texts.restart_action, payload),
                ]
            ],
            chat_id=chat_id,
        )
        await reply(update, context, tr(context, texts.running), keyboard=markup)
        return None
    # One dialogue per chat, as everywhere in the bot: the new command replaces the old one.
    # Say so, so nobody wonders where the other questions went.
    await end_dialog(update, context)
    await interaction.drop_buttons(
        context.session, telegram_id=context.actor.telegram_id, chat_id=chat_id
    )
    return tr(context, texts.other_ended)


async def discard(
    update: Update, context: BotContext, button: Button, *, kind: str, done_key: str
) -> None:
    """ "Verwerfen": the draft is thrown away (none of it was stored), and the message says so."""
    if await dialog_of_button(update, context, button, kind=kind) is None:
        await alert(update, context, "button.stale")
        return
    await consume(context, button)
    await end_dialog(update, context)
    await update.callback_query.answer()  # type: ignore[union-attr]
    await edit_or_send(update, context, tr(context, done_key))


# -- typed text through the privacy gate ------------------------------------------------------


async def delete_refused(update: Update, context: BotContext, *, what: str) -> bool:
    """Delete a refused message from the chat (Telegram keeps it otherwise).

    False when Telegram refuses (no admin right in a group, older than 48 h); the log line
    names the kind of message (``what``), never its text.
    """
    message = update.effective_message
    if message is None:
        return False
    try:
        await context.bot.delete_message(chat_id=message.chat_id, message_id=message.message_id)
    except TelegramError as error:
        log.warning("could not delete a refused %s (%s)", what, type(error).__name__)
        return False
    return True


@dataclass(frozen=True)
class Screened:
    """A typed text after the privacy gate: the verdict, and whether its message was deleted."""

    verdict: intake.Verdict
    deleted: bool = False


async def screen(
    update: Update,
    context: BotContext,
    text: str,
    *,
    organisation_id: int,
    limit: int,
    what: str,
) -> Screened:
    """Put a typed text through the gate, then emptiness and length (:func:`intake.check_answer`).

    A text with an identifier is deleted from the chat at once; a text that is only too long
    stays, so the member can copy and shorten it.
    """
    allow = await intake.allowlist_for(context.session, organisation_id=organisation_id)
    verdict = intake.check_answer(text, limit=limit, allow=allow)
    deleted = False
    if verdict.problem == "identifying":
        deleted = await delete_refused(update, context, what=what)
    return Screened(verdict, deleted)


def found_kinds(context: BotContext, verdict: intake.Verdict) -> Markup:
    """What the gate found, by kind ("Name, Datum"), in the reader's language."""
    return Markup(", ".join(tr(context, label) for label in intake.ordered_kinds(verdict.kinds)))


@dataclass(frozen=True)
class RefusalTexts:
    """A feature's text keys for a refused text (``identifying`` gets ``kinds``)."""

    identifying: str
    too_long: str
    empty: str
    #: When the message could not be deleted (a group without admin right), if it differs.
    identifying_kept: str | None = None


def refusal(context: BotContext, screened: Screened, texts: RefusalTexts) -> str:
    """Why a text was not taken, in the reader's language (never echoing the text)."""
    verdict = screened.verdict
    if verdict.problem == "identifying":
        key = texts.identifying
        if texts.identifying_kept is not None and not screened.deleted:
            key = texts.identifying_kept
        return tr(context, key, kinds=found_kinds(context, verdict))
    if verdict.problem == "too_long":
        return tr(context, texts.too_long, length=verdict.length, limit=verdict.limit)
    return tr(context, texts.empty)
