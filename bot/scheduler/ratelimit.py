"""Telegram's sending limits as a pure rule on timestamps.

About 30 messages a second overall, one a second into the same private chat, and 20 a minute
into the same group. :meth:`RateLimiter.wait_time` says how long to wait before the next
message to a chat may go; nothing here sleeps, so it is tested with plain datetimes.
"""

from __future__ import annotations

import warnings
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram.error import RetryAfter

ZERO = timedelta(0)


@dataclass(frozen=True)
class Window:
    """At most ``count`` messages per ``period``."""

    count: int
    period: timedelta


GLOBAL = Window(30, timedelta(seconds=1))
PRIVATE_CHAT = Window(1, timedelta(seconds=1))
GROUP_CHAT = Window(20, timedelta(minutes=1))


class RateLimiter:
    """Sliding-window limits overall and per chat; groups have negative chat ids."""

    def __init__(
        self,
        *,
        overall: Window = GLOBAL,
        private: Window = PRIVATE_CHAT,
        group: Window = GROUP_CHAT,
    ) -> None:
        self._overall = overall
        self._private = private
        self._group = group
        self._sent: deque[datetime] = deque()
        self._per_chat: dict[int, deque[datetime]] = {}
        self._blocked_until: dict[int, datetime] = {}

    def _window(self, chat_id: int) -> Window:
        return self._group if chat_id < 0 else self._private

    @staticmethod
    def _wait(history: deque[datetime], window: Window, now: datetime) -> timedelta:
        while history and history[0] <= now - window.period:
            history.popleft()
        if len(history) < window.count:
            return ZERO
        # The oldest send that still counts against the limit; clamped, so that a clock that
        # jumped back cannot hold a chat for longer than one period.
        return min(window.period, history[-window.count] + window.period - now)

    def overall_wait(self, now: datetime) -> timedelta:
        """How long until any message may be sent (zero: now)."""
        return self._wait(self._sent, self._overall, now)

    def wait_time(self, chat_id: int, now: datetime) -> timedelta:
        """How long until a message to ``chat_id`` may be sent (zero: now)."""
        waits = [self.overall_wait(now)]
        history = self._per_chat.get(chat_id)
        if history is not None:
            waits.append(self._wait(history, self._window(chat_id), now))
            if not history:
                del self._per_chat[chat_id]
        blocked = self._blocked_until.get(chat_id)
        if blocked is not None:
            if blocked <= now:
                del self._blocked_until[chat_id]
            else:
                waits.append(blocked - now)
        return max(waits)

    def record(self, chat_id: int, now: datetime) -> None:
        """Note that a message to ``chat_id`` went out at ``now``."""
        self._sent.append(now)
        self._per_chat.setdefault(chat_id, deque()).append(now)

    def block(self, chat_id: int, until: datetime) -> None:
        """Hold a chat back, e.g. after Telegram answered 429 with ``retry_after``."""
        self._blocked_until[chat_id] = max(until, self._blocked_until.get(chat_id, until))


def retry_after_seconds(error: RetryAfter) -> float:
    """Seconds Telegram asked us to wait (the library gives int or timedelta).

    The public attribute warns about its coming change of type unless ``PTB_TIMEDELTA`` is
    set; the value is read without that warning, which would otherwise fail the tests.
    """
    retry = getattr(error, "_retry_after", None)
    if not isinstance(retry, timedelta):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            retry = error.retry_after
    return retry.total_seconds() if isinstance(retry, timedelta) else float(retry)
