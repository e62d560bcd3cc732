"""Telegram's sending limits as pure rules on datetimes: no clock, no sleeping, no network."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

import pytest
from telegram.error import RetryAfter

from bot.scheduler.ratelimit import RateLimiter, Window, retry_after_seconds

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
PRIVATE = 4711
OTHER_PRIVATE = 4712
GROUP = -100111
OTHER_GROUP = -100222
ZERO = timedelta(0)


def _ms(milliseconds: int) -> timedelta:
    return timedelta(milliseconds=milliseconds)


def test_fresh_limiter_lets_everything_go_now() -> None:
    """Nothing was sent yet, so no chat has to wait."""
    limiter = RateLimiter()
    for chat_id in (PRIVATE, GROUP, -1):
        assert limiter.wait_time(chat_id, T0) == ZERO
    assert limiter.overall_wait(T0) == ZERO


def test_private_chat_gets_one_message_per_second() -> None:
    """After a message to a person the next one to them waits until a second has passed."""
    limiter = RateLimiter()
    limiter.record(PRIVATE, T0)
    assert limiter.wait_time(PRIVATE, T0) == timedelta(seconds=1)
    assert limiter.wait_time(PRIVATE, T0 + _ms(400)) == _ms(600)
    assert limiter.wait_time(PRIVATE, T0 + _ms(999)) == _ms(1)
    assert limiter.wait_time(PRIVATE, T0 + timedelta(seconds=1)) == ZERO


def test_private_limit_is_per_chat() -> None:
    """A message to one person does not hold back a message to another."""
    limiter = RateLimiter()
    limiter.record(PRIVATE, T0)
    assert limiter.wait_time(OTHER_PRIVATE, T0) == ZERO


def test_group_gets_twenty_messages_per_minute() -> None:
    """Twenty messages into one group pass, the 21st waits until the first is a minute old."""
    limiter = RateLimiter()
    for second in range(20):
        moment = T0 + timedelta(seconds=second)
        assert limiter.wait_time(GROUP, moment) == ZERO, second
        limiter.record(GROUP, moment)
    late = T0 + timedelta(seconds=30)
    assert limiter.wait_time(GROUP, late) == timedelta(seconds=30)
    assert limiter.wait_time(OTHER_GROUP, late) == ZERO
    assert limiter.wait_time(GROUP, T0 + timedelta(minutes=1)) == ZERO


def test_group_window_slides() -> None:
    """Once the oldest message leaves the minute, exactly one more may go."""
    limiter = RateLimiter()
    for second in range(20):
        limiter.record(GROUP, T0 + timedelta(seconds=second))
    one_minute = T0 + timedelta(minutes=1)
    assert limiter.wait_time(GROUP, one_minute) == ZERO
    limiter.record(GROUP, one_minute)
    assert limiter.wait_time(GROUP, one_minute) == timedelta(seconds=1)


def test_group_messages_in_a_burst_at_one_instant() -> None:
    """Twenty messages at the same instant fill the group's minute at once."""
    limiter = RateLimiter()
    for _ in range(20):
        assert limiter.wait_time(GROUP, T0) == ZERO
        limiter.record(GROUP, T0)
    assert limiter.wait_time(GROUP, T0) == timedelta(minutes=1)
    assert limiter.wait_time(GROUP, T0 + timedelta(seconds=59)) == timedelta(seconds=1)


def test_overall_limit_is_thirty_per_second_across_chats() -> None:
    """Thirty messages to thirty people fill the second; any 31st message waits."""
    limiter = RateLimiter()
    for chat_id in range(1, 31):
        assert limiter.wait_time(chat_id, T0) == ZERO
        limiter.record(chat_id, T0 + _ms(chat_id))
    assert limiter.overall_wait(T0 + _ms(100)) == _ms(901)
    assert limiter.wait_time(999, T0 + _ms(100)) == _ms(901)
    assert limiter.wait_time(GROUP, T0 + _ms(100)) == _ms(901)
    assert limiter.wait_time(999, T0 + _ms(1001)) == ZERO


def test_overall_limit_counts_group_messages_too() -> None:
    """Group messages use up the overall budget as well."""
    limiter = RateLimiter(overall=Window(3, timedelta(seconds=1)))
    for group in (-1, -2, -3):
        limiter.record(group, T0)
    assert limiter.wait_time(PRIVATE, T0) == timedelta(seconds=1)


def test_over_full_window_waits_for_the_right_message() -> None:
    """Sends recorded beyond the limit push the wait out to when enough have expired."""
    limiter = RateLimiter(private=Window(2, timedelta(seconds=10)))
    for second in (0, 1, 2, 3):
        limiter.record(PRIVATE, T0 + timedelta(seconds=second))
    # Of the four sends, three must leave the window: the third (at 2 s) leaves at 12 s.
    assert limiter.wait_time(PRIVATE, T0 + timedelta(seconds=4)) == timedelta(seconds=8)


def test_blocked_chat_waits_until_the_given_time() -> None:
    """A 429 blocks that chat until the stated time, and no other chat."""
    limiter = RateLimiter()
    limiter.block(PRIVATE, T0 + timedelta(seconds=30))
    assert limiter.wait_time(PRIVATE, T0) == timedelta(seconds=30)
    assert limiter.wait_time(PRIVATE, T0 + timedelta(seconds=29)) == timedelta(seconds=1)
    assert limiter.wait_time(PRIVATE, T0 + timedelta(seconds=30)) == ZERO
    assert limiter.wait_time(OTHER_PRIVATE, T0) == ZERO


def test_shorter_block_does_not_shorten_a_longer_one() -> None:
    """Blocking again keeps the later of the two times."""
    limiter = RateLimiter()
    limiter.block(GROUP, T0 + timedelta(seconds=40))
    limiter.block(GROUP, T0 + timedelta(seconds=5))
    assert limiter.wait_time(GROUP, T0) == timedelta(seconds=40)
    limiter.block(GROUP, T0 + timedelta(seconds=60))
    assert limiter.wait_time(GROUP, T0) == timedelta(seconds=60)


def test_block_and_window_combine_to_the_longer_wait() -> None:
    """A chat that is both blocked and at its limit waits for whichever ends later."""
    limiter = RateLimiter()
    limiter.record(PRIVATE, T0)
    limiter.block(PRIVATE, T0 + _ms(300))
    assert limiter.wait_time(PRIVATE, T0) == timedelta(seconds=1)
    limiter.block(PRIVATE, T0 + timedelta(seconds=5))
    assert limiter.wait_time(PRIVATE, T0) == timedelta(seconds=5)


def test_clock_jumping_back_holds_a_chat_at_most_one_period() -> None:
    """If the wall clock is set back an hour, a group is not held back for an hour."""
    limiter = RateLimiter()
    for _ in range(20):
        limiter.record(GROUP, T0)
    assert limiter.wait_time(GROUP, T0 - timedelta(hours=1)) == timedelta(minutes=1)


def test_limiter_forgets_idle_chats() -> None:
    """Chats whose window and block have passed leave no state behind."""
    limiter = RateLimiter()
    for chat_id in range(1, 1001):
        limiter.record(chat_id, T0)
        limiter.block(-chat_id, T0 + timedelta(seconds=1))
    later = T0 + timedelta(minutes=2)
    for chat_id in range(1, 1001):
        assert limiter.wait_time(chat_id, later) == ZERO
        assert limiter.wait_time(-chat_id, later) == ZERO
    assert limiter._per_chat == {}
    assert limiter._blocked_until == {}


def test_retry_after_seconds_in_both_library_modes(monkeypatch: pytest.MonkeyPatch) -> None:
    """``retry_after`` is read as seconds with and without ``PTB_TIMEDELTA``, without warning."""
    monkeypatch.delenv("PTB_TIMEDELTA", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        legacy = RetryAfter(7)
    assert retry_after_seconds(legacy) == 7.0  # would raise under filterwarnings=error
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    assert retry_after_seconds(RetryAfter(timedelta(seconds=3))) == 3.0  # type: ignore[arg-type]
    assert retry_after_seconds(RetryAfter(5)) == 5.0
