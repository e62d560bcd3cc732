"""The one error handler: log without message text, tell admins (rate-limited), tell the user."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.error import TelegramError

from bot.i18n import t
from bot.runtime import BotContext, Scope, current_scope, mark_failed
from bot.storage import outbox

log = logging.getLogger(__name__)

ADMIN_ALERT_INTERVAL = timedelta(minutes=5)


def _describe(update: object) -> str:
    if isinstance(update, Update):
        kind = next(
            (
                name
                for name in ("message", "callback_query", "my_chat_member", "edited_message")
                if getattr(update, name, None) is not None
            ),
            "other",
        )
        return f"update {update.update_id} ({kind})"
    return "job" if update is None else type(update).__name__


async def on_error(update: object, context: BotContext) -> None:
    """Handle every exception a handler or job raised."""
    error = context.error
    where = _describe(update)
    log.error(
        "error while handling %s: %s",
        where,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    mark_failed()
    scope = current_scope()
    if isinstance(update, Update) and update.effective_chat is not None:
        await _tell_user(update, context)
    alert = t(
        context.services.settings.bot_language,
        "error.admin",
        where=where,
        error=type(error).__name__,
    )
    await _alert_admins(context, scope, alert)


async def _tell_user(update: Update, context: BotContext) -> None:
    """Say kindly that something went wrong: as an alert on a button, else as a message.

    A button press the handler already answered cannot be answered again (Telegram refuses),
    so then the text comes as a message in the chat.
    """
    chat = update.effective_chat
    assert chat is not None
    text = t(context.lang, "error.user")
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(text, show_alert=True)
        except TelegramError:
            pass
        else:
            return
    try:
        await context.bot.send_message(chat.id, text)
    except TelegramError:
        log.warning("could not tell the user about the error")


async def _alert_admins(context: BotContext, scope: Scope | None, text: str) -> None:
    """Queue an alert to the administrators, at most one per interval.

    Inside a failed update the alert waits until its rollback is done (it would be rolled
    back too); a failing job queues it in its own transaction.
    """
    services = context.services
    now = services.clock.now()
    last: datetime | None = services.extras.get("last_admin_alert")
    if last is not None and now - last < ADMIN_ALERT_INTERVAL:
        return
    services.extras["last_admin_alert"] = now
    admin_ids = sorted(services.settings.bot_admin_ids)
    if not admin_ids:
        return

    async def enqueue(session: AsyncSession) -> None:
        for admin_id in admin_ids:
            await outbox.enqueue(session, chat_id=admin_id, text=text, now=now)

    if scope is not None:
        scope.after_rollback.append(enqueue)
        return
    async with services.db.transaction() as session:
        await enqueue(session)
    if services.outbox is not None:
        services.outbox.wake()
