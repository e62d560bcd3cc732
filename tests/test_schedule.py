"""Dates of consultation and network series: wall-clock times, holidays, pauses, exceptions."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FrozenClock
from bot.consultations.parsing import DeadlineBefore, DeadlineOnWeekday, InputError
from bot.consultations.schedule import (
    MAX_DURATION,
    Monthly,
    Move,
    Occurrence,
    Pause,
    Series,
    Weekly,
    first_date,
    holiday_name,
    is_series_date,
    monthly,
    next_occurrence,
    occurrence_on,
    occurrences,
    plan_dates,
    reminder_times,
    series_interval,
    submission_deadline,
    validate_cancellation,
    validate_move,
    validate_pause,
    validate_series,
    wall_clock,
    weekly,
)

BERLIN = ZoneInfo("Europe/Berlin")
SPRING_FORWARD = date(2026, 3, 29)
FALL_BACK = date(2026, 10, 25)


def series(weekday: int = 1, **changes: object) -> Series:
    """A weekly SH series at 09:00 for two hours from 1 January 2026 (Tuesday by default)."""
    base = Series(
        kind="consultation",
        weekday=weekday,
        start_time=time(9),
        duration=timedelta(hours=2),
        tz=BERLIN,
        recurrence=weekly(),
        state="SH",
        start_date=date(2026, 1, 1),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """Berlin wall-clock time as an aware datetime."""
    return wall_clock(date(year, month, day), time(hour, minute), BERLIN)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def days(found: list[Occurrence]) -> list[date]:
    """The local dates on which the meetings take place."""
    return [occurrence.starts_at.astimezone(BERLIN).date() for occurrence in found]


def every(first: date, last: date, step: int = 7) -> list[date]:
    """Every ``step`` days from ``first`` to ``last``: the expected dates, computed plainly."""
    result = []
    while first <= last:
        result.append(first)
        first += timedelta(days=step)
    return result


def fire_while_ticking(
    subject: Series, start: datetime, end: datetime, tick: timedelta
) -> list[Occurrence]:
    """A scheduler loop on a controlled clock: every tick, fire what became due since the last."""
    clock = FrozenClock(start)
    cursor = clock.now()
    fired: list[Occurrence] = []
    while clock.now() < end:
        clock.advance(tick)
        while (due := next_occurrence(subject, after=cursor)) is not None:
            if due.starts_at > clock.now():
                break
            fired.append(due)
            cursor = due.starts_at
        cursor = clock.now()
    return fired


# --- wall-clock time across the clock changes ------------------------------------------------


def test_tuesday_series_stays_at_nine_local_across_both_clock_changes() -> None:
    """09:00 stays 09:00 local while the UTC offset goes +01:00 → +02:00 → +01:00."""
    found = occurrences(series(), start=date(2026, 3, 1), end=date(2026, 11, 30))
    assert days(found) == every(date(2026, 3, 3), date(2026, 11, 24))
    for occurrence in found:
        starts = occurrence.starts_at
        assert (starts.hour, starts.minute) == (9, 0)
        assert starts.tzinfo == BERLIN
        summer = SPRING_FORWARD < starts.date() < FALL_BACK
        assert starts.utcoffset() == timedelta(hours=2 if summer else 1)
        assert occurrence.ends_at - occurrence.starts_at == timedelta(hours=2)
        assert occurrence.status == "regular"
    by_day = {occurrence.starts_at.date(): occurrence.starts_at for occurrence in found}
    assert by_day[date(2026, 3, 24)].astimezone(UTC) == utc(2026, 3, 24, 8)
    assert by_day[date(2026, 3, 31)].astimezone(UTC) == utc(2026, 3, 31, 7)
    assert by_day[date(2026, 10, 20)].astimezone(UTC) == utc(2026, 10, 20, 7)
    assert by_day[date(2026, 10, 27)].astimezone(UTC) == utc(2026, 10, 27, 8)


def test_controlled_clock_fires_every_tuesday_once_from_march_to_november() -> None:
    """Jumping a frozen clock from meeting to meeting neither doubles nor loses a date."""
    subject = series()
    clock = FrozenClock(utc(2026, 3, 1))
    fired: list[Occurrence] = []
    while (due := next_occurrence(subject, after=clock.now())) is not None:
        if due.starts_at > local(2026, 11, 30):
            break
        fired.append(due)
        clock.set(due.starts_at)
    assert fired == occurrences(subject, start=date(2026, 3, 1), end=date(2026, 11, 30))
    assert len({occurrence.original_date for occurrence in fired}) == len(fired) == 39


@pytest.mark.parametrize(
    ("subject", "window_start", "window_end", "expected_utc"),
    [
        (series(), utc(2026, 3, 27), utc(2026, 4, 1), [utc(2026, 3, 31, 7)]),
        (series(), utc(2026, 10, 23), utc(2026, 10, 28), [utc(2026, 10, 27, 8)]),
        (
            series(weekday=6, start_time=time(2, 30)),
            utc(2026, 3, 27),
            utc(2026, 4, 1),
            [utc(2026, 3, 29, 1, 30)],
        ),
        (
            series(weekday=6, start_time=time(2, 30)),
            utc(2026, 10, 23),
            utc(2026, 10, 28),
            [utc(2026, 10, 25, 0, 30)],
        ),
    ],
    ids=["tuesday-spring", "tuesday-autumn", "sunday-0230-spring", "sunday-0230-autumn"],
)
def test_ticking_clock_through_a_change_weekend_fires_each_meeting_exactly_once(
    subject: Series, window_start: datetime, window_end: datetime, expected_utc: list[datetime]
) -> None:
    """A 15-minute tick through 29 March and 25 October fires once, even at 02:30."""
    fired = fire_while_ticking(subject, window_start, window_end, timedelta(minutes=15))
    assert [occurrence.starts_at.astimezone(UTC) for occurrence in fired] == expected_utc


def test_nonexistent_local_time_moves_forward_by_the_gap() -> None:
    """02:30 on the spring-forward Sunday does not exist and becomes 03:30 CEST, once."""
    moment = wall_clock(SPRING_FORWARD, time(2, 30), BERLIN)
    assert (moment.hour, moment.minute) == (3, 30)
    assert moment.utcoffset() == timedelta(hours=2)
    assert moment.astimezone(UTC) == utc(2026, 3, 29, 1, 30)


def test_ambiguous_local_time_is_the_first_of_the_two() -> None:
    """02:30 on the fall-back Sunday exists twice; the series uses the first (CEST)."""
    moment = wall_clock(FALL_BACK, time(2, 30), BERLIN)
    assert (moment.hour, moment.minute, moment.fold) == (2, 30, 0)
    assert moment.astimezone(UTC) == utc(2026, 10, 25, 0, 30)
    assert wall_clock(FALL_BACK, time(2, 30, fold=1), BERLIN) == moment


def test_meeting_length_is_real_time_across_a_clock_change() -> None:
    """A three-hour meeting from 01:00 on 29 March lasts three real hours (until 05:00 CEST)."""
    subject = series(weekday=6, start_time=time(1), duration=timedelta(hours=3))
    (occurrence,) = occurrences(subject, start=SPRING_FORWARD, end=SPRING_FORWARD)
    assert occurrence.length == timedelta(hours=3)
    assert (occurrence.ends_at.hour, occurrence.ends_at.utcoffset()) == (5, timedelta(hours=2))


# --- reminders -------------------------------------------------------------------------------


def test_one_day_reminder_before_a_tuesday_after_the_change_is_monday_nine() -> None:
    """ "1 Tag" before Tuesday 31 March 09:00 CEST is Monday 30 March 09:00 local."""
    (occurrence,) = occurrences(series(), start=date(2026, 3, 31), end=date(2026, 3, 31))
    (reminder,) = reminder_times(occurrence, [timedelta(days=1)])
    assert reminder == utc(2026, 3, 30, 7)
    assert reminder.astimezone(BERLIN).hour == 9


@pytest.mark.parametrize(
    ("meeting_day", "expected"),
    [(SPRING_FORWARD, utc(2026, 3, 28, 9)), (FALL_BACK, utc(2026, 10, 24, 8))],
    ids=["spring", "autumn"],
)
def test_whole_day_reminder_across_the_change_keeps_the_wall_clock_time(
    meeting_day: date, expected: datetime
) -> None:
    """ "1 Tag" before Sunday 10:00 is Saturday 10:00 local, though 23 or 25 hours lie between."""
    subject = series(weekday=6, start_time=time(10))
    (occurrence,) = occurrences(subject, start=meeting_day, end=meeting_day)
    assert reminder_times(occurrence, [timedelta(days=1)]) == [expected]
    assert expected.astimezone(BERLIN).hour == 10


def test_week_reminder_counts_calendar_days() -> None:
    """ "1 Woche" before Tuesday 31 March 09:00 is Tuesday 24 March 09:00 CET."""
    (occurrence,) = occurrences(series(), start=date(2026, 3, 31), end=date(2026, 3, 31))
    assert reminder_times(occurrence, [timedelta(weeks=1)]) == [utc(2026, 3, 24, 8)]


def test_the_part_of_an_offset_below_a_day_is_real_time() -> None:
    """ "1 Tag 2 Stunden" before Monday 30 March 09:00 is Sunday 07:00 local; "2 h" is 2 h."""
    subject = series(weekday=0)
    (occurrence,) = occurrences(subject, start=date(2026, 3, 30), end=date(2026, 3, 30))
    reminders = reminder_times(occurrence, [timedelta(days=1, hours=2)])
    assert reminders == [local(2026, 3, 29, 7).astimezone(UTC)]
    early = series(weekday=6, start_time=time(3, 30))
    (night,) = occurrences(early, start=SPRING_FORWARD, end=SPRING_FORWARD)
    assert reminder_times(night, [timedelta(hours=2)]) == [utc(2026, 3, 28, 23, 30)]


def test_reminders_are_sorted_deduplicated_and_in_utc() -> None:
    """Offsets in any order give reminder times in time order, once each, in UTC."""
    (occurrence,) = occurrences(series(), start=date(2026, 3, 31), end=date(2026, 3, 31))
    offsets = [timedelta(hours=1), timedelta(days=1), timedelta(hours=24), timedelta(minutes=30)]
    reminders = reminder_times(occurrence, offsets)
    assert reminders == [utc(2026, 3, 30, 7), utc(2026, 3, 31, 6), utc(2026, 3, 31, 6, 30)]
    assert all(reminder.tzinfo is UTC for reminder in reminders)


def test_a_reminder_offset_must_be_positive() -> None:
    """Zero or negative offsets are a programming error; the parser never makes them."""
    (occurrence,) = occurrences(series(), start=date(2026, 3, 31), end=date(2026, 3, 31))
    with pytest.raises(ValueError, match="positive"):
        reminder_times(occurrence, [timedelta(0)])


# --- public holidays -------------------------------------------------------------------------


def test_easter_and_pentecost_monday_are_skipped_for_a_monday_series_in_sh() -> None:
    """6 April and 25 May 2026 are public holidays in SH; a Monday series skips them."""
    found = occurrences(series(weekday=0), start=date(2026, 3, 30), end=date(2026, 6, 1))
    expected = every(date(2026, 3, 30), date(2026, 6, 1))
    expected.remove(date(2026, 4, 6))
    expected.remove(date(2026, 5, 25))
    assert days(found) == expected


def test_skipped_holidays_are_named_in_the_plan() -> None:
    """The overview says which holiday a dropped date fell on."""
    plan = plan_dates(series(weekday=0), start=date(2026, 4, 1), end=date(2026, 5, 31))
    skipped = {entry.original_date: entry.note for entry in plan if entry.occurrence is None}
    assert skipped == {date(2026, 4, 6): "Ostermontag", date(2026, 5, 25): "Pfingstmontag"}
    assert {entry.fate for entry in plan if entry.occurrence is None} == {"holiday_skipped"}


def test_holidays_move_to_tuesday_when_the_team_chose_next_working_day() -> None:
    """With "next_working_day" Easter and Pentecost Monday meet on Tuesday at 09:00."""
    subject = series(weekday=0, holiday_policy="next_working_day")
    found = occurrences(subject, start=date(2026, 4, 1), end=date(2026, 5, 31))
    moved = [occurrence for occurrence in found if occurrence.status == "holiday_moved"]
    assert [(o.original_date, o.starts_at, o.note) for o in moved] == [
        (date(2026, 4, 6), local(2026, 4, 7, 9), "Ostermontag"),
        (date(2026, 5, 25), local(2026, 5, 26, 9), "Pfingstmontag"),
    ]
    assert len(found) == 8


def test_good_friday_moves_past_the_weekend_and_easter_monday() -> None:
    """Good Friday's meeting moves to Tuesday 7 April: Saturday, Sunday and Monday are off."""
    subject = series(weekday=4, holiday_policy="next_working_day")
    (occurrence,) = occurrences(subject, start=date(2026, 4, 3), end=date(2026, 4, 9))
    assert (occurrence.original_date, occurrence.starts_at) == (
        date(2026, 4, 3),
        local(2026, 4, 7, 9),
    )


def test_christmas_and_new_year_are_skipped_for_a_friday_series() -> None:
    """25 December 2026 and 1 January 2027 are Fridays and holidays; both are skipped."""
    found = occurrences(series(weekday=4), start=date(2026, 12, 14), end=date(2027, 1, 10))
    assert days(found) == [date(2026, 12, 18), date(2027, 1, 8)]


def test_christmas_and_new_year_move_to_the_following_mondays() -> None:
    """With "next_working_day" they move to Monday 28 December and Monday 4 January."""
    subject = series(weekday=4, holiday_policy="next_working_day")
    found = occurrences(subject, start=date(2026, 12, 14), end=date(2027, 1, 10))
    assert days(found) == [
        date(2026, 12, 18),
        date(2026, 12, 28),
        date(2027, 1, 4),
        date(2027, 1, 8),
    ]


def test_christmas_eve_and_new_years_eve_are_working_days() -> None:
    """24 and 31 December are not public holidays; teams cancel them by hand if they wish."""
    found = occurrences(series(weekday=3), start=date(2026, 12, 20), end=date(2027, 1, 3))
    assert days(found) == [date(2026, 12, 24), date(2026, 12, 31)]
    assert holiday_name("SH", date(2026, 12, 24)) is None


def test_holiday_move_avoids_a_day_taken_by_another_meeting() -> None:
    """If Tuesday already holds a moved meeting, Easter Monday's goes to Wednesday."""
    subject = series(weekday=0, holiday_policy="next_working_day")
    moved = [Move(date(2026, 4, 13), date(2026, 4, 7))]
    found = occurrences(subject, moved=moved, start=date(2026, 4, 1), end=date(2026, 4, 20))
    assert [(o.original_date, days([o])[0], o.status) for o in found] == [
        (date(2026, 4, 13), date(2026, 4, 7), "moved"),
        (date(2026, 4, 6), date(2026, 4, 8), "holiday_moved"),
        (date(2026, 4, 20), date(2026, 4, 20), "regular"),
    ]


def test_holiday_move_into_a_pause_is_dropped() -> None:
    """A holiday date whose next working day lies in a pause is skipped, not moved past it."""
    subject = series(weekday=0, holiday_policy="next_working_day")
    pauses = [Pause(date(2026, 4, 7), date(2026, 4, 10))]
    plan = plan_dates(subject, pauses=pauses, start=date(2026, 4, 6), end=date(2026, 4, 6))
    assert [(entry.fate, entry.note) for entry in plan] == [("holiday_skipped", "Ostermontag")]


def test_holidays_follow_the_organisations_federal_state() -> None:
    """Epiphany (6 January 2027) is a holiday in Bavaria but not in Schleswig-Holstein."""
    network = series(weekday=2, kind="network", recurrence=monthly(1))
    january = (date(2027, 1, 1), date(2027, 1, 31))
    assert days(occurrences(network, start=january[0], end=january[1])) == [date(2027, 1, 6)]
    bavaria = dataclasses.replace(network, state="BY")
    assert occurrences(bavaria, start=january[0], end=january[1]) == []


# --- pauses, cancellations, moves ------------------------------------------------------------


def test_summer_pause_skips_its_dates_inclusive() -> None:
    """A pause 6 July to 14 August drops the meetings on its first and last day and between."""
    pause = Pause(date(2026, 7, 6), date(2026, 8, 14), note="Sommerpause")
    monday = occurrences(
        series(weekday=0), pauses=[pause], start=date(2026, 6, 29), end=date(2026, 8, 31)
    )
    assert days(monday) == [
        date(2026, 6, 29),
        date(2026, 8, 17),
        date(2026, 8, 24),
        date(2026, 8, 31),
    ]
    friday = occurrences(
        series(weekday=4), pauses=[pause], start=date(2026, 7, 1), end=date(2026, 8, 31)
    )
    assert days(friday) == [date(2026, 7, 3), date(2026, 8, 21), date(2026, 8, 28)]
    plan = plan_dates(
        series(weekday=4), pauses=[pause], start=date(2026, 8, 14), end=date(2026, 8, 14)
    )
    assert [(entry.fate, entry.note) for entry in plan] == [("paused", "Sommerpause")]


def test_school_holidays_without_a_pause_are_ordinary_meeting_days() -> None:
    """SH summer holidays are not public holidays: only a pause keeps the team from meeting."""
    found = occurrences(series(), start=date(2026, 7, 6), end=date(2026, 8, 14))
    assert days(found) == every(date(2026, 7, 7), date(2026, 8, 11))


def test_cancelled_date_is_left_out() -> None:
    """A cancelled Tuesday disappears; the weeks around it stay."""
    found = occurrences(
        series(), cancelled={date(2026, 4, 14)}, start=date(2026, 4, 1), end=date(2026, 4, 30)
    )
    assert days(found) == [date(2026, 4, 7), date(2026, 4, 21), date(2026, 4, 28)]


def test_moved_date_takes_place_at_its_new_day_and_time() -> None:
    """A move carries its new day, time, length and note, and replaces the original date."""
    move = Move(
        date(2026, 4, 14), date(2026, 4, 16), time(14, 30), timedelta(hours=1), note="Raum belegt"
    )
    found = occurrences(series(), moved=[move], start=date(2026, 4, 13), end=date(2026, 4, 19))
    assert found == [
        Occurrence(
            original_date=date(2026, 4, 14),
            starts_at=local(2026, 4, 16, 14, 30),
            ends_at=local(2026, 4, 16, 15, 30),
            status="moved",
            note="Raum belegt",
        )
    ]


def test_window_applies_to_the_day_a_meeting_really_takes_place() -> None:
    """A date moved far into the window is included; one moved out of it is not."""
    moves = [
        Move(date(2026, 1, 6), date(2026, 6, 10)),
        Move(date(2026, 6, 16), date(2026, 9, 1)),
    ]
    found = occurrences(series(), moved=moves, start=date(2026, 6, 8), end=date(2026, 6, 19))
    assert [(o.original_date, days([o])[0]) for o in found] == [
        (date(2026, 6, 9), date(2026, 6, 9)),
        (date(2026, 1, 6), date(2026, 6, 10)),
    ]


def test_move_by_hand_wins_over_a_pause() -> None:
    """A coordinator who moves a paused date on purpose gets that meeting."""
    pause = Pause(date(2026, 7, 6), date(2026, 8, 14))
    move = Move(date(2026, 7, 14), date(2026, 7, 15))
    found = occurrences(
        series(), pauses=[pause], moved=[move], start=date(2026, 7, 1), end=date(2026, 8, 31)
    )
    assert days(found) == [date(2026, 7, 15), date(2026, 8, 18), date(2026, 8, 25)]


def test_a_move_of_a_date_that_is_not_in_the_series_is_ignored() -> None:
    """A stray move record for a Wednesday in a Tuesday series adds no meeting."""
    move = Move(date(2026, 4, 15), date(2026, 4, 16))
    found = occurrences(series(), moved=[move], start=date(2026, 4, 13), end=date(2026, 4, 19))
    assert days(found) == [date(2026, 4, 14)]


# --- network meetings and other rhythms ------------------------------------------------------


def test_network_meetings_on_the_first_wednesday_of_each_month() -> None:
    """A monthly network meeting on the first Wednesday, all of 2026."""
    network = series(weekday=2, kind="network", recurrence=monthly(1))
    found = occurrences(network, start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert [(d.month, d.day) for d in days(found)] == [
        (1, 7), (2, 4), (3, 4), (4, 1), (5, 6), (6, 3),
        (7, 1), (8, 5), (9, 2), (10, 7), (11, 4), (12, 2),
    ]  # fmt: skip
    assert all(o.starts_at.hour == 9 for o in found)


def test_last_friday_of_the_month_with_christmas_moved() -> None:
    """ "Last Friday" is 25 December in 2026; with next_working_day it meets on the 28th."""
    network = series(weekday=4, recurrence=monthly(-1), holiday_policy="next_working_day")
    found = occurrences(network, start=date(2026, 10, 1), end=date(2026, 12, 31))
    assert days(found) == [date(2026, 10, 30), date(2026, 11, 27), date(2026, 12, 28)]


def test_monthly_series_starts_with_the_first_matching_date_after_its_start() -> None:
    """A first-Wednesday series starting 5 March meets first on 1 April."""
    network = series(weekday=2, recurrence=monthly(1), start_date=date(2026, 3, 5))
    assert first_date(network) == date(2026, 4, 1)
    assert not is_series_date(network, date(2026, 3, 4))


def test_fortnightly_series_counts_its_weeks_from_the_first_date() -> None:
    """Every two weeks from Tuesday 6 January means 20 January, 3 February and so on."""
    subject = series(recurrence=weekly(2), start_date=date(2026, 1, 5))
    found = occurrences(subject, start=date(2026, 1, 1), end=date(2026, 3, 1))
    assert days(found) == every(date(2026, 1, 6), date(2026, 3, 1), step=14)


def test_series_ends_on_its_end_date() -> None:
    """No meeting after the end date; next_occurrence then says there is none."""
    subject = series(end_date=date(2026, 4, 21))
    found = occurrences(subject, start=date(2026, 4, 1), end=date(2026, 5, 31))
    assert days(found) == every(date(2026, 4, 7), date(2026, 4, 21))
    assert next_occurrence(subject, after=local(2026, 4, 21, 10)) is None


def test_single_network_meeting_uses_the_same_machinery() -> None:
    """A one-off date is a series of one: found once, then nothing follows."""
    single = Series.single(
        kind="network",
        day=date(2026, 6, 17),
        start_time=time(14),
        duration=timedelta(hours=2),
        tz=BERLIN,
        state="SH",
    )
    assert days(occurrences(single, start=date(2026, 1, 1), end=date(2026, 12, 31))) == [
        date(2026, 6, 17)
    ]
    assert next_occurrence(single, after=utc(2026, 6, 1)) is not None
    assert next_occurrence(single, after=local(2026, 6, 17, 14)) is None
    assert series_interval(single) is None


def test_single_meeting_on_a_holiday_is_skipped_or_moved() -> None:
    """A one-off on Ascension Day is dropped, or held on Friday with next_working_day."""
    single = Series.single(
        kind="network",
        day=date(2026, 5, 14),
        start_time=time(10),
        duration=timedelta(hours=1),
        tz=BERLIN,
        state="SH",
    )
    may = (date(2026, 5, 1), date(2026, 5, 31))
    assert occurrences(single, start=may[0], end=may[1]) == []
    moving = dataclasses.replace(single, holiday_policy="next_working_day")
    assert days(occurrences(moving, start=may[0], end=may[1])) == [date(2026, 5, 15)]


# --- next occurrence and lookup --------------------------------------------------------------


def test_next_occurrence_is_strictly_after_the_given_moment() -> None:
    """At exactly 09:00 on a Tuesday the next meeting is the following Tuesday."""
    subject = series()
    nxt = next_occurrence(subject, after=local(2026, 4, 14, 9))
    assert nxt is not None
    assert nxt.starts_at == local(2026, 4, 21, 9)
    just_before = next_occurrence(subject, after=local(2026, 4, 14, 8, 59))
    assert just_before is not None
    assert just_before.starts_at == local(2026, 4, 14, 9)


def test_next_occurrence_skips_cancellations_and_long_pauses() -> None:
    """After a cancelled date and a pause of more than a year the next date is still found."""
    subject = series()
    pause = Pause(date(2026, 4, 20), date(2027, 6, 30))
    nxt = next_occurrence(
        subject, cancelled={date(2026, 4, 14)}, pauses=[pause], after=utc(2026, 4, 10)
    )
    assert nxt is not None
    assert nxt.starts_at == local(2027, 7, 6, 9)


def test_next_occurrence_finds_a_series_that_starts_years_later() -> None:
    """Asked long before a series begins, the answer is its first date, not "none"."""
    later = series(start_date=date(2029, 1, 1))
    nxt = next_occurrence(later, after=utc(2026, 4, 10))
    assert nxt is not None
    assert nxt.starts_at == local(2029, 1, 2, 9)


def test_next_occurrence_needs_an_aware_moment() -> None:
    """A naive datetime is refused: the series could not know which zone it means."""
    with pytest.raises(ValueError, match="aware"):
        next_occurrence(series(), after=datetime(2026, 4, 10))  # noqa: DTZ001


def test_occurrence_on_finds_a_holiday_moved_meeting_by_its_real_day() -> None:
    """Typing 7.4. finds the meeting moved there from Easter Monday."""
    subject = series(weekday=0, holiday_policy="next_working_day")
    found = occurrence_on(subject, day=date(2026, 4, 7))
    assert found is not None
    assert found.original_date == date(2026, 4, 6)
    assert occurrence_on(subject, day=date(2026, 4, 6)) is None


# --- submission deadline ---------------------------------------------------------------------


def tuesday_meeting(day: date = date(2026, 4, 14)) -> Occurrence:
    """The Tuesday 09:00 meeting on ``day``."""
    (occurrence,) = occurrences(series(), start=day, end=day)
    return occurrence


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (DeadlineOnWeekday(0, time(12)), local(2026, 4, 13, 12)),
        (DeadlineOnWeekday(4, time(12)), local(2026, 4, 10, 12)),
        (DeadlineOnWeekday(1, time(8)), local(2026, 4, 14, 8)),
        (DeadlineOnWeekday(6, time(18)), local(2026, 4, 12, 18)),
        (DeadlineBefore(timedelta(hours=24)), local(2026, 4, 13, 9)),
        (DeadlineBefore(timedelta(hours=2)), local(2026, 4, 14, 7)),
    ],
    ids=["monday-noon", "friday-before", "same-day-earlier", "sunday-evening", "24h", "2h"],
)
def test_submission_deadline_for_a_tuesday_meeting(
    rule: DeadlineOnWeekday | DeadlineBefore, expected: datetime
) -> None:
    """ "Montag 12:00" is the Monday before; other weekdays reach back within the week."""
    deadline = submission_deadline(tuesday_meeting(), rule)
    assert deadline == expected
    assert deadline.tzinfo is UTC


def test_deadline_hours_before_across_the_change_keep_the_wall_clock() -> None:
    """24 h before Monday 30 March 09:00 CEST is Sunday 29 March 09:00 CEST, like a reminder."""
    (occurrence,) = occurrences(series(weekday=0), start=date(2026, 3, 30), end=date(2026, 3, 30))
    assert submission_deadline(occurrence, DeadlineBefore(timedelta(hours=24))) == utc(
        2026, 3, 29, 7
    )
    sunday = series(weekday=6, start_time=time(10))
    (early,) = occurrences(sunday, start=SPRING_FORWARD, end=SPRING_FORWARD)
    assert submission_deadline(early, DeadlineBefore(timedelta(days=1))) == utc(2026, 3, 28, 9)


def test_weekday_deadline_for_a_moved_meeting_stays_before_its_start() -> None:
    """Moved to Monday 10:00, a "Montag 12:00" deadline is the Monday of the week before."""
    move = Move(date(2026, 4, 14), date(2026, 4, 13), time(10))
    (occurrence,) = occurrences(
        series(), moved=[move], start=date(2026, 4, 13), end=date(2026, 4, 13)
    )
    deadline = submission_deadline(occurrence, DeadlineOnWeekday(0, time(12)))
    assert deadline == local(2026, 4, 6, 12)
    assert deadline < occurrence.starts_at


# --- validation ------------------------------------------------------------------------------


def error_key(call: object, *args: object, **kwargs: object) -> str:
    """Run ``call`` and return the key of the InputError it raises."""
    assert callable(call)
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return caught.value.key


def test_sensible_settings_pass_validation() -> None:
    """Weekly 09:00 for 2 h, reminders 1 day and 1 hour, deadline Monday 12:00: all fine."""
    validate_series(
        series(),
        offsets=[timedelta(days=1), timedelta(hours=1), timedelta(weeks=1)],
        deadline=DeadlineOnWeekday(0, time(12)),
        pauses=[Pause(date(2026, 7, 6), date(2026, 7, 6))],
        minutes_per_case=timedelta(minutes=30),
        quorum=2,
    )


@pytest.mark.parametrize(
    ("subject", "offset", "ok"),
    [
        (series(), timedelta(days=7), True),
        (series(), timedelta(days=7, minutes=1), False),
        (series(recurrence=weekly(2)), timedelta(days=10), True),
        (series(recurrence=weekly(2)), timedelta(days=15), False),
        (series(weekday=2, recurrence=monthly(1)), timedelta(days=28), True),
        (series(weekday=2, recurrence=monthly(1)), timedelta(days=29), False),
    ],
)
def test_reminder_offsets_longer_than_the_interval_are_refused(
    subject: Series, offset: timedelta, ok: bool
) -> None:
    """A reminder further back than the previous meeting (7 days × interval) is refused."""
    if ok:
        validate_series(subject, offsets=[offset])
    else:
        assert error_key(validate_series, subject, offsets=[offset]) == "schedule.offset_too_long"


@pytest.mark.parametrize(
    ("rule", "key"),
    [
        (DeadlineOnWeekday(1, time(9)), "schedule.deadline_after_start"),
        (DeadlineOnWeekday(1, time(10)), "schedule.deadline_after_start"),
        (DeadlineBefore(timedelta(0)), "schedule.deadline_after_start"),
        (DeadlineBefore(timedelta(days=8)), "schedule.deadline_too_early"),
    ],
)
def test_deadline_not_before_the_start_is_refused(
    rule: DeadlineOnWeekday | DeadlineBefore, key: str
) -> None:
    """ "Dienstag 10:00" for a Tuesday 09:00 meeting, or a lead beyond the interval, is refused."""
    assert error_key(validate_series, series(), deadline=rule) == key


@pytest.mark.parametrize(
    ("duration", "key"),
    [
        (timedelta(0), "schedule.duration_not_positive"),
        (timedelta(minutes=-30), "schedule.duration_not_positive"),
        (MAX_DURATION + timedelta(minutes=1), "schedule.duration_too_long"),
    ],
)
def test_meeting_length_must_be_more_than_zero_and_at_most_twelve_hours(
    duration: timedelta, key: str
) -> None:
    """A meeting of no length or longer than 12 hours is a typo and is refused."""
    assert error_key(validate_series, series(duration=duration)) == key
    validate_series(series(duration=MAX_DURATION))


def test_other_series_settings_are_checked() -> None:
    """Unknown state, end before start, too long a case, an empty quorum are refused."""
    assert error_key(validate_series, series(state="XX")) == "schedule.bad_state"
    ended = series(start_date=date(2026, 5, 1), end_date=date(2026, 4, 1))
    assert error_key(validate_series, ended) == "schedule.end_before_start"
    assert (
        error_key(validate_series, series(), minutes_per_case=timedelta(hours=3))
        == "schedule.case_longer_than_meeting"
    )
    assert error_key(validate_series, series(), quorum=0) == "schedule.bad_quorum"
    assert (
        error_key(validate_series, series(), offsets=[timedelta(0)])
        == "schedule.duration_not_positive"
    )


def test_pause_ending_before_it_starts_is_refused() -> None:
    """A pause from 14 August to 6 July is refused with both dates named."""
    pause = Pause(date(2026, 8, 14), date(2026, 7, 6))
    with pytest.raises(InputError) as caught:
        validate_pause(pause)
    assert caught.value.key == "schedule.pause_end_before_start"
    assert caught.value.values == {"start": date(2026, 8, 14), "end": date(2026, 7, 6)}
    assert (
        error_key(validate_series, series(), pauses=[pause]) == "schedule.pause_end_before_start"
    )


def test_impossible_series_shapes_are_programming_errors() -> None:
    """Shapes the handlers cannot produce from parsed input raise ValueError."""
    with pytest.raises(ValueError, match="interval"):
        Weekly(0)
    with pytest.raises(ValueError, match="nth"):
        Monthly(5)
    with pytest.raises(ValueError, match="weekday"):
        series(weekday=7)
    with pytest.raises(ValueError, match="naive"):
        series(start_time=time(9, tzinfo=UTC))


NOW = local(2026, 4, 10, 12)


def test_valid_move_passes() -> None:
    """Moving next Tuesday to Thursday afternoon is accepted."""
    validate_move(series(), Move(date(2026, 4, 14), date(2026, 4, 16), time(14)), now=NOW)


def test_move_onto_a_holiday_is_refused_with_its_name() -> None:
    """Moving a meeting onto Pentecost Monday is refused and names the holiday."""
    with pytest.raises(InputError) as caught:
        validate_move(series(), Move(date(2026, 5, 26), date(2026, 5, 25)), now=NOW)
    assert caught.value.key == "schedule.move_onto_holiday"
    assert caught.value.values == {"date": date(2026, 5, 25), "holiday": "Pfingstmontag"}


def test_move_into_the_past_is_refused() -> None:
    """Moving next Tuesday to yesterday, or to an hour already gone today, is refused."""
    assert (
        error_key(validate_move, series(), Move(date(2026, 4, 14), date(2026, 4, 9)), now=NOW)
        == "schedule.move_into_past"
    )
    today_morning = Move(date(2026, 4, 14), date(2026, 4, 10), time(8))
    assert error_key(validate_move, series(), today_morning, now=NOW) == "schedule.move_into_past"


def test_move_onto_another_date_of_the_series_is_refused() -> None:
    """Moving a Tuesday onto the next Tuesday, or onto a holiday-moved date, is refused."""
    assert (
        error_key(validate_move, series(), Move(date(2026, 4, 14), date(2026, 4, 21)), now=NOW)
        == "schedule.move_onto_occurrence"
    )
    monday = series(weekday=0, holiday_policy="next_working_day")
    onto_holiday_move = Move(date(2026, 5, 18), date(2026, 5, 26))
    assert (
        error_key(validate_move, monday, onto_holiday_move, now=NOW)
        == "schedule.move_onto_occurrence"
    )


def test_move_onto_a_day_taken_by_an_earlier_move_is_refused_but_a_new_time_is_fine() -> None:
    """A stored move occupies its day; re-moving the same date or changing its hour is fine."""
    stored = [Move(date(2026, 4, 14), date(2026, 4, 16))]
    assert (
        error_key(
            validate_move,
            series(),
            Move(date(2026, 4, 21), date(2026, 4, 16)),
            moved=stored,
            now=NOW,
        )
        == "schedule.move_onto_occurrence"
    )
    validate_move(series(), Move(date(2026, 4, 14), date(2026, 4, 15)), moved=stored, now=NOW)
    validate_move(series(), Move(date(2026, 4, 21), date(2026, 4, 21), time(13)), now=NOW)


def test_move_needs_a_coming_date_of_the_series() -> None:
    """Moving a Wednesday, a cancelled or an already held meeting is refused."""
    assert (
        error_key(validate_move, series(), Move(date(2026, 4, 15), date(2026, 4, 16)), now=NOW)
        == "schedule.not_a_series_date"
    )
    assert (
        error_key(
            validate_move,
            series(),
            Move(date(2026, 4, 14), date(2026, 4, 16)),
            cancelled={date(2026, 4, 14)},
            now=NOW,
        )
        == "schedule.already_cancelled"
    )
    assert (
        error_key(validate_move, series(), Move(date(2026, 4, 7), date(2026, 4, 16)), now=NOW)
        == "schedule.date_in_past"
    )


def test_a_holiday_skipped_date_may_be_moved_to_a_working_day() -> None:
    """Easter Monday's meeting can be moved to the Wednesday by hand."""
    monday = series(weekday=0)
    validate_move(monday, Move(date(2026, 4, 6), date(2026, 4, 8)), now=local(2026, 4, 1))


@pytest.mark.parametrize(
    ("day", "cancelled", "key"),
    [
        (date(2026, 4, 15), set(), "schedule.not_a_series_date"),
        (date(2026, 4, 14), {date(2026, 4, 14)}, "schedule.already_cancelled"),
        (date(2026, 4, 7), set(), "schedule.date_in_past"),
    ],
)
def test_cancellation_needs_a_coming_date_of_the_series(
    day: date, cancelled: set[date], key: str
) -> None:
    """Only a coming, not yet cancelled date of the series can be cancelled."""
    assert error_key(validate_cancellation, series(), day, cancelled=cancelled, now=NOW) == key
    validate_cancellation(series(), date(2026, 4, 14), now=NOW)


def test_validation_changes_nothing_it_is_given() -> None:
    """A refused move leaves the stored exceptions exactly as they were."""
    stored = [Move(date(2026, 4, 14), date(2026, 4, 16))]
    cancelled = {date(2026, 4, 28)}
    with pytest.raises(InputError):
        validate_move(
            series(),
            Move(date(2026, 4, 21), date(2026, 4, 16)),
            moved=stored,
            cancelled=cancelled,
            now=NOW,
        )
    assert stored == [Move(date(2026, 4, 14), date(2026, 4, 16))]
    assert cancelled == {date(2026, 4, 28)}
