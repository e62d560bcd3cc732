"""The agenda's pure rules: order, time boxes, what does not fit, moving within it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.topics import agenda
from bot.topics.agenda import Entry

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _entry(topic_id: int, *, urgent: bool = False, position: int = 0, minutes: int = 0) -> Entry:
    return Entry(topic_id, urgent, position, T0 + timedelta(minutes=minutes))


def test_urgent_topics_come_first_then_position_then_submission() -> None:
    entries = [
        _entry(1, position=1),
        _entry(2, position=0, minutes=5),
        _entry(3, urgent=True, position=7),
        _entry(4, position=0, minutes=1),
    ]
    assert [e.topic_id for e in agenda.ordered(entries)] == [3, 4, 2, 1]


def test_time_boxes_follow_each_other_and_the_rest_does_not_fit() -> None:
    start = datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN)
    slots = agenda.arrange(
        [_entry(n, position=n) for n in range(1, 6)],
        starts_at=start,
        length=timedelta(hours=2),
        box=timedelta(minutes=30),
    )
    assert [(s.number, s.starts_at.strftime("%H:%M"), s.fits) for s in slots] == [
        (1, "09:00", True),
        (2, "09:30", True),
        (3, "10:00", True),
        (4, "10:30", True),
        (5, "11:00", False),
    ]
    assert slots[0].starts_at.tzinfo == BERLIN


def test_time_boxes_across_the_autumn_clock_change_use_real_time() -> None:
    """A meeting from 01:30 to 03:30 local on 25 Oct 2026 is three real hours long."""
    start = datetime(2026, 10, 25, 1, 30, tzinfo=BERLIN)
    length = datetime(2026, 10, 25, 3, 30, tzinfo=BERLIN).astimezone(UTC) - start.astimezone(UTC)
    assert length == timedelta(hours=3)
    slots = agenda.arrange(
        [_entry(n, position=n) for n in range(1, 5)],
        starts_at=start,
        length=length,
        box=timedelta(hours=1),
    )
    assert [s.fits for s in slots] == [True, True, True, False]
    assert [s.starts_at.astimezone(UTC).hour for s in slots] == [23, 0, 1, 2]


def test_capacity_and_a_box_that_is_not_positive() -> None:
    assert agenda.capacity(timedelta(minutes=90), timedelta(minutes=20)) == 4
    assert agenda.capacity(timedelta(minutes=10), timedelta(minutes=20)) == 0
    with pytest.raises(ValueError, match="positive"):
        agenda.capacity(timedelta(minutes=90), timedelta(0))
    with pytest.raises(ValueError, match="positive"):
        agenda.arrange([], starts_at=T0, length=timedelta(hours=1), box=timedelta(0))


def test_moving_up_and_down_swaps_neighbours() -> None:
    entries = [_entry(1, position=0), _entry(2, position=1), _entry(3, position=2)]
    assert agenda.move(entries, 2, -1) == [2, 1, 3]
    assert agenda.move(entries, 2, +1) == [1, 3, 2]


def test_moving_past_the_ends_or_across_urgency_changes_nothing() -> None:
    entries = [_entry(1, urgent=True), _entry(2, position=0), _entry(3, position=1)]
    assert agenda.move(entries, 1, -1) == [1, 2, 3]
    assert agenda.move(entries, 3, +1) == [1, 2, 3]
    assert agenda.move(entries, 2, -1) == [1, 2, 3]  # not above the urgent topic
    assert agenda.move(entries, 1, +1) == [1, 2, 3]
    assert agenda.move(entries, 99, -1) == [1, 2, 3]


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [
        ([timedelta(days=1), timedelta(hours=1)], timedelta(days=1)),
        ([timedelta(days=2), timedelta(days=1), timedelta(hours=1)], timedelta(days=1)),
        ([timedelta(days=3), timedelta(hours=2)], timedelta(days=3)),
        ([timedelta(hours=12)], timedelta(hours=12)),
        ([timedelta(hours=2), timedelta(minutes=30)], timedelta(hours=2)),
        ([], None),
    ],
)
def test_the_agenda_goes_out_with_the_day_before_reminder(
    offsets: list[timedelta], expected: timedelta | None
) -> None:
    assert agenda.agenda_offset(offsets) == expected


def test_case_codes_are_a_word_and_a_number_and_typed_codes_are_normalised() -> None:
    from bot.topics.codes import CODE_PATTERN, WORDS, new_code, normalise

    codes = {new_code() for _ in range(200)}
    assert all(CODE_PATTERN.fullmatch(code) for code in codes)
    assert all(10 <= int(code.split("-")[1]) <= 99 for code in codes)
    assert all(100 <= int(new_code(wide=True).split("-")[1]) <= 999 for _ in range(50))
    assert len(codes) > 100  # random, not a counter
    assert normalise("linde 17") == "Linde-17"
    assert normalise("LINDE–17") == "Linde-17"
    assert normalise("Linde-1") is None
    assert normalise("Sven-17") is None
    assert len(set(WORDS)) == len(WORDS) == 60
