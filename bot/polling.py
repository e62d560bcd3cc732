"""Long polling that confirms an update to Telegram only after it was handled.

python-telegram-bot's own Updater confirms updates when it fetches them, so a crash would lose
what was fetched but not yet handled. Here an update's id is confirmed (by the ``offset`` of the
next ``getUpdates``) only after :meth:`SozialraumApplication.process_update` committed it; a
redelivered update is recognised there by its stored id and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.runtime import SozialraumApplication
from bot.scheduler.ratelimit import retry_after_seconds

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


async def handle_with_retry(
    application: SozialraumApplication, update: Update, stop: asyncio.Event
) -> None:
    """Handle one update; retry if the database failed, skip it after several failures."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            await application.process_update(update)
            return
        except Exception:
            log.exception("update %s could not be stored (try %d)", update.update_id, attempt)
            if attempt == MAX_ATTEMPTS or stop.is_set():
                break
            await _sleep_or_stop(stop, min(30.0, 2.0**attempt))
    log.error("update %s given up after %d tries", update.update_id, MAX_ATTEMPTS)


async def poll(
    application: SozialraumApplication,
    stop: asyncio.Event,
    *,
    allowed_updates: Sequence[str],
    timeout: int = 30,
) -> None:
    """Fetch and handle updates until ``stop`` is set."""
    bot = application.bot
    offset: int | None = None
    failures = 0
    while not stop.is_set():
        fetch = asyncio.create_task(
            bot.get_updates(
                offset=offset,
                timeout=timeout,
                allowed_updates=list(allowed_updates),
                read_timeout=timeout + 10,
            )
        )
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if fetch not in done:
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            break
        stopping.cancel()
        try:
            updates = fetch.result()
        except InvalidToken:
            raise
        except RetryAfter as exc:
            await _sleep_or_stop(stop, retry_after_seconds(exc))
            continue
        except (TimedOut, NetworkError) as exc:
            failures += 1
            log.warning("getUpdates failed (%s); retrying", type(exc).__name__)
            await _sleep_or_stop(stop, min(30.0, 0.5 * 2**failures))
            continue
        failures = 0
        for update in updates:
            if stop.is_set():
                break
            await handle_with_retry(application, update, stop)
            offset = update.update_id + 1
    if offset is not None:
        await _confirm(application, offset)


async def _confirm(application: SozialraumApplication, offset: int) -> None:
    """Tell Telegram the handled updates are done, so they are not delivered again."""
    try:
        await application.bot.get_updates(offset=offset, timeout=0, limit=1)
    except Exception:
        log.warning("could not confirm handled updates; they will be skipped on redelivery")
