"""The outbox sender: delivers queued messages once, within Telegram's limits.

Each message is claimed in its own committed transaction before the Bot API call and marked
sent right after it. If the process dies between the two, the message stays *sending* and is
marked *uncertain* at the next start instead of being sent a second time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.clock import Clock
from bot.scheduler.ratelimit import RateLimiter, retry_after_seconds
from bot.storage import outbox
from bot.storage.db import Database
from bot.storage.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

BATCH = 100


class OutboxSender:
    """Drains the outbox table; woken after each committed update, polls otherwise."""

    def __init__(
        self,
        *,
        db: Database,
        bot: Bot,
        clock: Clock,
        limiter: RateLimiter | None = None,
        poll_interval: float = 5.0,
    ) -> None:
        self._db = db
        self._bot = bot
        self._clock = clock
        self._limiter = limiter or RateLimiter()
        self._poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def wake(self) -> None:
        """Look at the outbox now (something new was committed)."""
        self._wake.set()

    async def recover(self) -> int:
        """Mark messages interrupted by a crash as uncertain; run once at start."""
        async with self._db.transaction() as session:
            count = await outbox.recover_interrupted(session)
        if count:
            log.warning("%d outbox message(s) were interrupted mid-send; not resent", count)
        return count

    async def start(self) -> None:
        """Start the background loop."""
        await self.recover()
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self) -> None:
        """Stop the background loop after the message in flight."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            try:
                delay = await self.drain()
            except Exception:
                log.exception("outbox drain failed")
                delay = self._poll_interval
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def drain(self) -> float:
        """Send every message that is due and allowed now; return seconds until the next try."""
        async with self._lock:
            now = self._clock.now()
            async with self._db.transaction() as session:
                batch = list(await outbox.due(session, now=now, limit=BATCH))
            next_try = self._poll_interval
            for message in batch:
                wait = self._limiter.wait_time(message.chat_id, self._clock.now())
                if wait > timedelta(0):
                    next_try = min(next_try, wait.total_seconds())
                    continue
                await self._deliver(message)
            if len(batch) == BATCH:
                next_try = 0.0
            async with self._db.transaction() as session:
                upcoming = await outbox.next_due_at(session)
            if upcoming is not None:
                seconds = (upcoming - self._clock.now()).total_seconds()
                next_try = min(next_try, max(seconds, 0.05))
            return max(next_try, 0.05)

    async def _deliver(self, message: OutboxMessage) -> None:
        assert message.id is not None
        async with self._db.transaction() as session:
            if not await outbox.claim(session, message_id=message.id):
                return
        markup: Any = (
            InlineKeyboardMarkup.de_json(message.reply_markup, self._bot)
            if message.reply_markup
            else None
        )
        self._limiter.record(message.chat_id, self._clock.now())
        try:
            sent = await self._bot.send_message(
                chat_id=message.chat_id,
                text=message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except RetryAfter as exc:
            until = self._clock.now() + timedelta(seconds=retry_after_seconds(exc))
            self._limiter.block(message.chat_id, until)
            await self._finish_retry(message, until, "429 retry_after")
        except TimedOut:
            log.warning("outbox message %s timed out; it may have arrived", message.id)
            await self._finish(message, OutboxStatus.UNCERTAIN, "timed out")
        except (Forbidden, BadRequest) as exc:
            log.warning(
                "outbox message %s refused by Telegram: %s", message.id, type(exc).__name__
            )
            await self._finish(message, OutboxStatus.FAILED, type(exc).__name__)
        except NetworkError as exc:
            until = self._clock.now() + outbox.retry_delay(message.attempts + 1)
            await self._finish_retry(message, until, type(exc).__name__)
        else:
            async with self._db.transaction() as session:
                await outbox.mark_sent(
                    session,
                    message_id=message.id,
                    telegram_message_id=sent.message_id,
                    now=self._clock.now(),
                )

    async def _finish_retry(self, message: OutboxMessage, until: Any, error: str) -> None:
        assert message.id is not None
        async with self._db.transaction() as session:
            await outbox.mark_retry(session, message_id=message.id, not_before=until, error=error)

    async def _finish(self, message: OutboxMessage, status: OutboxStatus, error: str) -> None:
        assert message.id is not None
        async with self._db.transaction() as session:
            await outbox.mark_final(session, message_id=message.id, status=status, error=error)
