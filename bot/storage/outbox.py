"""Data functions for the outbox: messages the bot sends on its own, each exactly once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import OutboxMessage, OutboxStatus


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    text: str,
    now: datetime,
    reply_markup: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
) -> OutboxMessage | None:
    """Queue a message; with a ``dedupe_key`` that was queued before, queue nothing."""
    if dedupe_key is not None:
        existing = (
            await session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        ).first()
        if existing is not None:
            return None
    message = OutboxMessage(
        chat_id=chat_id,
        text=text,
        reply_markup=reply_markup,
        dedupe_key=dedupe_key,
        created_at=now,
        not_before=not_before or now,
    )
    session.add(message)
    await session.flush()
    return message


async def due(session: AsyncSession, *, now: datetime, limit: int) -> Sequence[OutboxMessage]:
    """Pending messages whose time has come, oldest first."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.not_before <= now)
        .order_by(col(OutboxMessage.not_before), col(OutboxMessage.id))
        .limit(limit)
    )
    return (await session.exec(query)).all()


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the earliest pending message becomes due."""
    query = (
        select(OutboxMessage.not_before)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .order_by(col(OutboxMessage.not_before))
        .limit(1)
    )
    return (await session.exec(query)).first()


async def claim(session: AsyncSession, *, message_id: int) -> bool:
    """Mark a pending message as being sent; False if someone else claimed it."""
    result = await session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == message_id,
            col(OutboxMessage.status) == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.SENDING, attempts=OutboxMessage.attempts + 1)
    )
    return result.rowcount == 1


async def mark_sent(
    session: AsyncSession, *, message_id: int, telegram_message_id: int, now: datetime
) -> None:
    """Record delivery; the text is dropped, as it is no longer needed."""
    await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(
            status=OutboxStatus.SENT,
            sent_at=now,
            message_id=telegram_message_id,
            text="",
            reply_markup=None,
            last_error=None,
        )
    )


async def mark_retry(
    session: AsyncSession, *, message_id: int, not_before: datetime, error: str
) -> None:
    """Put a message back in the queue for a later try."""
    await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(status=OutboxStatus.PENDING, not_before=not_before, last_error=error[:200])
    )


async def mark_final(
    session: AsyncSession, *, message_id: int, status: OutboxStatus, error: str
) -> None:
    """End a message's life without delivery (failed, or uncertain after a time-out)."""
    await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(status=status, last_error=error[:200], text="", reply_markup=None)
    )


async def recover_interrupted(session: AsyncSession) -> int:
    """After a crash, messages caught mid-send are marked uncertain and never sent again.

    Telegram offers no way to ask whether a message arrived, so resending could deliver it
    twice; the operator sees these in the log instead.
    """
    result = await session.exec(
        update(OutboxMessage)
        .where(col(OutboxMessage.status) == OutboxStatus.SENDING)
        .values(
            status=OutboxStatus.UNCERTAIN,
            last_error="interrupted while sending",
            text="",
            reply_markup=None,
        )
    )
    return int(result.rowcount or 0)


async def purge_finished(session: AsyncSession, *, older_than: datetime) -> int:
    """Delete finished messages created before ``older_than``."""
    result = await session.exec(
        delete(OutboxMessage).where(
            col(OutboxMessage.status) != OutboxStatus.PENDING,
            col(OutboxMessage.created_at) < older_than,
        )
    )
    return int(result.rowcount or 0)


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many messages are in each state."""
    rows = await session.exec(select(OutboxMessage.status, OutboxMessage.id))
    counts: dict[str, int] = {}
    for status, _ in rows:
        counts[status] = counts.get(status, 0) + 1
    return counts


def retry_delay(attempts: int) -> timedelta:
    """Back-off after a failed try: 5 s, 10 s, 20 s … at most 10 minutes."""
    return timedelta(seconds=min(600, 5 * 2 ** max(0, attempts - 1)))
