"""Data functions for the groups the bot is in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import directory
from bot.storage.models import BotChat, Button, OutboxMessage, OutboxStatus, Team


async def record_chat(
    session: AsyncSession, *, chat_id: int, title: str, status: str, now: datetime
) -> None:
    """Remember whether the bot is in a group."""
    chat = await session.get(BotChat, chat_id)
    if chat is None:
        chat = BotChat(chat_id=chat_id, title=title, status=status, updated_at=now)
    chat.title, chat.status, chat.updated_at = title, status, now
    session.add(chat)
    await session.flush()


async def migrate_chat(
    session: AsyncSession, *, old_chat_id: int, new_chat_id: int, now: datetime
) -> Team | None:
    """Move everything that points at the old group id to the new one; idempotent.

    Telegram announces the upgrade twice (``migrate_to_chat_id`` in the old group,
    ``migrate_from_chat_id`` in the new one), in either order: the second call finds nothing
    left to move and returns ``None``.
    """
    old = await session.get(BotChat, old_chat_id)
    if old is not None:
        await record_chat(
            session, chat_id=new_chat_id, title=old.title, status=old.status, now=now
        )
        await session.delete(old)
    await session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.chat_id) == old_chat_id,
            col(OutboxMessage.status) == OutboxStatus.PENDING,
        )
        .values(chat_id=new_chat_id)
    )
    # Keyboards already posted live on in the supergroup; their presses come with the new id.
    await session.exec(
        update(Button).where(col(Button.chat_id) == old_chat_id).values(chat_id=new_chat_id)
    )
    team = await directory.team_by_chat(session, chat_id=old_chat_id)
    if team is None:
        return None
    await directory.bind_chat(session, team=team, chat_id=new_chat_id)
    return team
