"""Data functions for the outbox: messages the bot sends on its own, each exactly once."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.render import split_message
from bot.storage.models import OutboxMessage, OutboxStatus

FINISHED = (OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.UNCERTAIN)


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
    """Queue a message; with a ``dedupe_key`` that was queued before, queue nothing.

    A text longer than Telegram's limit is queued as several messages, split at line
    boundaries; the keyboard goes with the last part. Returns the first part.
    """
    if dedupe_key is not None:
        existing = (
            await session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key))
        ).first()
        if existing is not None:
            return None
    parts = split_message(text)
    keys = [dedupe_key if index == 0 else f"{dedupe_key}#{index}" for index in range(len(parts))]
    messages = [
        OutboxMessage(
            chat_id=chat_id,
            text=part,
            reply_markup=reply_markup if index == len(parts) - 1 else None,
            dedupe_key=None if dedupe_key is None else keys[index],
            created_at=now,
            not_before=not_before or now,
        )
        for index, part in enumerate(parts)
    ]
    for message in messages:
        # One flush per part: the ids, and so the sending order, follow the parts.
        session.add(message)
        await session.flush()
    return messages[0]


async def due(
    session: AsyncSession,
    *,
    now: datetime,
    limit: int,
    exclude_chats: Collection[int] = (),
) -> Sequence[OutboxMessage]:
    """Pending messages whose time has come, in the order they were queued.

    Queue order (not due time) keeps a chat's messages in order when one of them had to be
    retried. ``exclude_chats`` are chats held back by the rate limits, so that a long queue
    for one group cannot hide the messages to everybody else.
    """
    query = select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.not_before <= now
    )
    if exclude_chats:
        query = query.where(col(OutboxMessage.chat_id).not_in(list(exclude_chats)))
    return (await session.exec(query.order_by(col(OutboxMessage.id)).limit(limit))).all()


async def next_due_at(session: AsyncSession, *, after: datetime | None = None) -> datetime | None:
    """When the earliest pending message becomes due (only times later than ``after``)."""
    query = select(OutboxMessage.not_before).where(OutboxMessage.status == OutboxStatus.PENDING)
    if after is not None:
        query = query.where(OutboxMessage.not_before > after)
    return (await session.exec(query.order_by(col(OutboxMessage.not_before)).limit(1))).first()


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


async def move_to_chat(session: AsyncSession, *, message_id: int, chat_id: int) -> None:
    """Point a message at a new chat id (its group became a supergroup)."""
    await session.exec(
        update(OutboxMessage).where(col(OutboxMessage.id) == message_id).values(chat_id=chat_id)
    )


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
    """Delete finished messages (sent, failed, uncertain) created before ``older_than``."""
    result = await session.exec(
        delete(OutboxMessage).where(
            col(OutboxMessage.status).in_(FINISHED),
            col(OutboxMessage.created_at) < older_than,
        )
    )
    return int(result.rowcount or 0)


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many messages are in each state."""
    rows = await session.exec(
        select(OutboxMessage.status, func.count()).group_by(col(OutboxMessage.status))
    )
    return {str(status): int(count) for status, count in rows}


def retry_delay(attempts: int) -> timedelta:
    """Back-off after a failed try: 5 s, 10 s, 20 s … at most 10 minutes."""
    return timedelta(seconds=min(600, 5 * 2 ** max(0, attempts - 1)))
