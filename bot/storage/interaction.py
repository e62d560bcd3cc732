"""Data functions for the state of conversations: processed updates, buttons, dialogues."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import Button, Dialog, ProcessedUpdate

# -- processed updates -------------------------------------------------------------------


async def claim_update(session: AsyncSession, *, update_id: int, now: datetime) -> bool:
    """Record that this update is being handled; False if it was handled before.

    ``INSERT … ON CONFLICT DO NOTHING`` makes a concurrent claim of the same id wait for the
    first transaction and then find the row, on PostgreSQL and SQLite alike.
    """
    insert = (
        postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )
    statement = (
        insert(ProcessedUpdate)
        .values(update_id=update_id, processed_at=now)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(col(ProcessedUpdate.update_id))
    )
    result = await session.exec(statement)
    return result.first() is not None


async def purge_processed(session: AsyncSession, *, older_than: datetime) -> int:
    """Forget old update ids; Telegram redelivers for at most 24 hours."""
    result = await session.exec(
        delete(ProcessedUpdate).where(col(ProcessedUpdate.processed_at) < older_than)
    )
    return int(result.rowcount or 0)


# -- buttons -----------------------------------------------------------------------------


async def create_button(
    session: AsyncSession,
    *,
    batch: str,
    chat_id: int,
    telegram_id: int | None,
    action: str,
    payload: dict[str, Any],
    now: datetime,
    ttl: timedelta,
) -> str:
    """Store what a button means and return its random token (the ``callback_data``)."""
    token = secrets.token_urlsafe(12)
    session.add(
        Button(
            token=token,
            batch=batch,
            chat_id=chat_id,
            telegram_id=telegram_id,
            action=action,
            payload=payload,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return token


async def get_button(session: AsyncSession, *, token: str) -> Button | None:
    """The button behind a token, if it exists."""
    if not token or len(token) > 32:
        return None
    return await session.get(Button, token)


def new_batch() -> str:
    """An id shared by the buttons of one keyboard."""
    return secrets.token_urlsafe(12)


async def drop_batch(session: AsyncSession, *, batch: str) -> None:
    """Invalidate every button of one keyboard (a choice was made)."""
    await session.exec(delete(Button).where(col(Button.batch) == batch))


async def drop_buttons(session: AsyncSession, *, telegram_id: int, chat_id: int) -> int:
    """Invalidate a user's personal buttons in a chat (their dialogue ends)."""
    result = await session.exec(
        delete(Button).where(
            col(Button.telegram_id) == telegram_id, col(Button.chat_id) == chat_id
        )
    )
    return int(result.rowcount or 0)


async def purge_buttons(session: AsyncSession, *, now: datetime) -> int:
    """Delete expired buttons."""
    result = await session.exec(delete(Button).where(col(Button.expires_at) < now))
    return int(result.rowcount or 0)


# -- dialogues ---------------------------------------------------------------------------


async def get_dialog(session: AsyncSession, *, telegram_id: int, chat_id: int) -> Dialog | None:
    """The running dialogue of a user in a chat."""
    query = select(Dialog).where(Dialog.telegram_id == telegram_id, Dialog.chat_id == chat_id)
    return (await session.exec(query)).first()


async def set_dialog(
    session: AsyncSession,
    *,
    telegram_id: int,
    chat_id: int,
    kind: str,
    step: str,
    data: dict[str, Any],
    now: datetime,
) -> Dialog:
    """Start or advance a dialogue (one per user and chat)."""
    dialog = await get_dialog(session, telegram_id=telegram_id, chat_id=chat_id)
    if dialog is None:
        dialog = Dialog(telegram_id=telegram_id, chat_id=chat_id, kind=kind, step=step)
    dialog.kind, dialog.step, dialog.data, dialog.updated_at = kind, step, dict(data), now
    session.add(dialog)
    await session.flush()
    return dialog


async def clear_dialog(session: AsyncSession, *, telegram_id: int, chat_id: int) -> bool:
    """End the running dialogue; False if there was none."""
    result = await session.exec(
        delete(Dialog).where(
            col(Dialog.telegram_id) == telegram_id, col(Dialog.chat_id) == chat_id
        )
    )
    return bool(result.rowcount)


async def purge_dialogs(session: AsyncSession, *, older_than: datetime) -> int:
    """Forget dialogues nobody touched for a long time."""
    result = await session.exec(delete(Dialog).where(col(Dialog.updated_at) < older_than))
    return int(result.rowcount or 0)
