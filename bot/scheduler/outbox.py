"""The outbox sender: delivers queued messages once, within Telegram's limits.

Each message is claimed in its own committed transaction before the Bot API call and marked
sent right after it. If the process dies between the two, the message stays *sending* and is
marked *uncertain* at the next start instead of being sent a second time. For the same reason
a message is tried again only when the error shows that Telegram never got it (429, a 5xx
answer, a refused connection); after a read time-out it is marked *uncertain*.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

import httpx
from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.clock import Clock
from bot.scheduler.ratelimit import RateLimiter, retry_after_seconds
from bot.storage import audit, groups, outbox
from bot.storage.db import Database
from bot.storage.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

BATCH = 100
MIN_DELAY = 0.05


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
        self._stopping = False

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
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="outbox-sender")

    async def stop(self, timeout: float = 10.0) -> None:
        """Stop the background loop after the message in flight.

        Cancelling a send halfway would leave its message *uncertain* (and so never sent),
        so the loop is asked to stop and given ``timeout`` seconds to finish that message.
        """
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        _, pending = await asyncio.wait({self._task}, timeout=timeout)
        if pending:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None
        self._stopping = False

    async def _run(self) -> None:
        while not self._stopping:
            # Cleared before draining: a wake() during the drain triggers the next one at once.
            self._wake.clear()
            try:
                delay = await self.drain()
            except Exception:
                log.exception("outbox drain failed")
                delay = self._poll_interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def drain(self) -> float:
        """Send every message that is due and allowed now; return seconds until the next try.

        Chats held back by the rate limits are left out of the next query, so a long queue
        for one group never delays the messages to other chats.
        """
        async with self._lock:
            held: dict[int, timedelta] = {}
            next_try = timedelta(seconds=self._poll_interval)
            while not self._stopping:
                overall = self._limiter.overall_wait(self._clock.now())
                if overall > timedelta(0):
                    next_try = min(next_try, overall)
                    break
                async with self._db.transaction() as session:
                    batch = list(
                        await outbox.due(
                            session, now=self._clock.now(), limit=BATCH, exclude_chats=held
                        )
                    )
                for message in batch:
                    if self._stopping:
                        break
                    if message.chat_id in held:
                        continue
                    wait = self._limiter.wait_time(message.chat_id, self._clock.now())
                    if wait > timedelta(0):
                        held[message.chat_id] = wait
                        continue
                    await self._deliver(message)
                if len(batch) < BATCH:
                    break
            if held:
                next_try = min(next_try, *held.values())
            now = self._clock.now()
            async with self._db.transaction() as session:
                upcoming = await outbox.next_due_at(session, after=now)
            if upcoming is not None:
                next_try = min(next_try, upcoming - now)
            return max(next_try.total_seconds(), MIN_DELAY)

    async def _deliver(self, message: OutboxMessage) -> None:
        assert message.id is not None
        async with self._db.transaction() as session:
            if not await outbox.claim(session, message_id=message.id):
                return
            # Read it again: the group may have moved to a new id since the batch was read.
            claimed = await session.get(OutboxMessage, message.id, populate_existing=True)
        assert claimed is not None
        await self._send(claimed, follow_migration=True)

    async def _send(self, message: OutboxMessage, *, follow_migration: bool) -> None:
        assert message.id is not None
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
        except ChatMigrated as exc:
            if follow_migration:
                await self._follow_migration(message, int(exc.new_chat_id))
            else:
                await self._finish(message, OutboxStatus.FAILED, "ChatMigrated twice")
        except RetryAfter as exc:
            until = self._clock.now() + timedelta(seconds=retry_after_seconds(exc))
            self._limiter.block(message.chat_id, until)
            await self._finish_retry(message, until, "429 retry_after")
        except Forbidden as exc:
            # Blocked by the user, removed from the group, account deleted: retrying is futile.
            log.warning("outbox message %s refused by Telegram: Forbidden", message.id)
            await self._finish(message, OutboxStatus.FAILED, exc.message)
        except BadRequest as exc:
            log.warning("outbox message %s refused by Telegram: BadRequest", message.id)
            await self._finish(message, OutboxStatus.FAILED, type(exc).__name__)
        except TelegramError as exc:  # NetworkError, TimedOut, InvalidToken, …
            if _surely_not_sent(exc):
                until = self._clock.now() + outbox.retry_delay(message.attempts)
                log.warning(
                    "outbox message %s not sent (%s); retry at %s",
                    message.id,
                    type(exc).__name__,
                    until.isoformat(timespec="seconds"),
                )
                await self._finish_retry(message, until, type(exc).__name__)
            else:
                log.warning(
                    "outbox message %s: %s after the request was sent; it may have arrived "
                    "and is not sent again",
                    message.id,
                    type(exc).__name__,
                )
                await self._finish(message, OutboxStatus.UNCERTAIN, type(exc).__name__)
        except Exception as exc:
            # Unknown outcome: never resend, but do not leave the row stuck in "sending".
            log.error("outbox message %s: unexpected %s", message.id, type(exc).__name__)
            await self._finish(message, OutboxStatus.UNCERTAIN, type(exc).__name__)
        else:
            async with self._db.transaction() as session:
                await outbox.mark_sent(
                    session,
                    message_id=message.id,
                    telegram_message_id=sent.message_id,
                    now=self._clock.now(),
                )

    async def _follow_migration(self, message: OutboxMessage, new_chat_id: int) -> None:
        """The group became a supergroup: move the team binding and the queue, then resend.

        Telegram refused the message to the old id, so sending it to the new one cannot
        deliver it twice.
        """
        assert message.id is not None
        old_chat_id = message.chat_id
        now = self._clock.now()
        async with self._db.transaction() as session:
            team = await groups.migrate_chat(
                session, old_chat_id=old_chat_id, new_chat_id=new_chat_id, now=now
            )
            await outbox.move_to_chat(session, message_id=message.id, chat_id=new_chat_id)
            if team is not None and team.id is not None:
                await audit.record(
                    session,
                    at=now,
                    actor_id=None,
                    action="group.migrated",
                    object_type="team",
                    object_id=team.id,
                    details={"old_chat_id": old_chat_id, "new_chat_id": new_chat_id},
                )
        log.info("outbox message %s follows its group to a supergroup", message.id)
        message.chat_id = new_chat_id
        wait = self._limiter.wait_time(new_chat_id, self._clock.now())
        if wait > timedelta(0):
            await self._finish_retry(message, self._clock.now() + wait, "ChatMigrated")
            return
        await self._send(message, follow_migration=False)

    async def _finish_retry(self, message: OutboxMessage, until: datetime, error: str) -> None:
        assert message.id is not None
        async with self._db.transaction() as session:
            await outbox.mark_retry(session, message_id=message.id, not_before=until, error=error)

    async def _finish(self, message: OutboxMessage, status: OutboxStatus, error: str) -> None:
        assert message.id is not None
        async with self._db.transaction() as session:
            await outbox.mark_final(session, message_id=message.id, status=status, error=error)


#: Transport errors that happen before a request reaches Telegram.
_BEFORE_SENDING = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def _surely_not_sent(error: TelegramError) -> bool:
    """True if Telegram cannot have delivered the message, so trying again is safe.

    An error answer of the server (5xx, 401) has no cause; a refused or timed-out connection
    never carried the request. A read time-out, a dropped connection after the request went
    out or an unreadable answer leave the outcome open.
    """
    cause = error.__cause__
    return cause is None or isinstance(cause, _BEFORE_SENDING)
