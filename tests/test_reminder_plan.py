"""The reminder plan: what is due, late, dropped or waiting, across DST and restarts."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.consultations.reminders import LoggedReminder, PlannedReminder, plan_reminders
from bot.consultations.schedule import Move, Pause, Series, weekly

BERLIN = ZoneInfo("Europe/Berlin")
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def _monday_series() -> Series:
    """Every Monday 09:00–10:30 in Berlin, Schleswig-Holstein's holidays."""
    return Series(
        kind="consultation",
        weekday=0,
        start_time=time(9, 0),
        duration=timedelta(minutes=90),
        tz=BERLIN,
        recurrence=weekly(),
        state="SH",
        start_date=date(2026, 1, 5),
    )


def _local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def _logged(status: str, due: datetime) -> LoggedReminder:
    """A log entry as the reminder job reads it back (due time in UTC)."""
    return LoggedReminder(status=status, due_at=due.astimezone(UTC))


def _summary(plan: list[PlannedReminder]) -> list[tuple[str, int, str, str]]:
    """(date, offset in minutes, action, reason) of each entry."""
    return [
        (entry.original_date.isoformat(), entry.offset_minutes, entry.action, entry.reason)
        for entry in plan
    ]


def test_reminder_due_now_is_sent_with_the_buttons_and_the_next_one_waits() -> None:
    """At Sunday 09:00 the day-before reminder goes out first; the hour-before one waits."""
    plan = plan_reminders(_monday_series(), [DAY, HOUR], now=_local(2026, 11, 22, 9))
    assert _summary(plan)[:2] == [
        ("2026-11-23", 1440, "send", ""),
        ("2026-11-23", 60, "wait", ""),
    ]
    assert (plan[0].first, plan[0].last) == (True, False)
    assert (plan[1].first, plan[1].last) == (False, True)


def test_nothing_is_due_a_minute_before_the_time() -> None:
    """One minute early everything waits."""
    plan = plan_reminders(_monday_series(), [DAY], now=_local(2026, 11, 22, 8, 59))
    assert {entry.action for entry in plan} == {"wait"}


@pytest.mark.parametrize(
    ("meeting", "due_utc"),
    [
        (date(2026, 3, 23), datetime(2026, 3, 22, 8, 0, tzinfo=UTC)),  # CET
        (date(2026, 3, 30), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),  # CEST from 29 March
        (date(2026, 10, 19), datetime(2026, 10, 18, 7, 0, tzinfo=UTC)),  # CEST
        (date(2026, 10, 26), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),  # CET from 25 October
    ],
    ids=["before-spring", "spring-forward", "before-autumn", "fall-back"],
)
def test_day_before_reminder_stays_at_nine_local_across_clock_changes(
    meeting: date, due_utc: datetime
) -> None:
    """The day-before reminder of Monday 09:00 is Sunday 09:00 local, also on DST Sundays."""
    now = due_utc - timedelta(hours=12)
    plan = plan_reminders(_monday_series(), [DAY], now=now)
    [entry] = [entry for entry in plan if entry.original_date == meeting]
    assert entry.due_at == due_utc
    assert entry.due_at.astimezone(BERLIN).time() == time(9, 0)
    assert entry.occurrence.starts_at.astimezone(BERLIN).time() == time(9, 0)
    sent = plan_reminders(_monday_series(), [DAY], now=due_utc)
    assert [(e.original_date, e.action) for e in sent if e.action != "wait"] == [(meeting, "send")]


def test_hour_before_reminder_on_the_spring_forward_night_is_one_real_hour() -> None:
    """A Sunday 04:00 meeting on 29 March 2026: "1 Stunde" before is 03:00 CEST (01:00 UTC)."""
    sunday = Series(
        kind="network",
        weekday=6,
        start_time=time(4, 0),
        duration=HOUR,
        tz=BERLIN,
        recurrence=weekly(),
        state="SH",
        start_date=date(2026, 3, 1),
    )
    plan = plan_reminders(sunday, [HOUR], now=datetime(2026, 3, 28, 23, 0, tzinfo=UTC))
    [entry] = [entry for entry in plan if entry.original_date == date(2026, 3, 29)]
    assert entry.due_at == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert entry.occurrence.starts_at == datetime(2026, 3, 29, 2, 0, tzinfo=UTC)


def test_reminder_missed_by_thirty_minutes_is_sent_late() -> None:
    """The bot comes back 30 minutes after the time: the reminder goes out, marked late."""
    plan = plan_reminders(_monday_series(), [DAY, HOUR], now=_local(2026, 11, 22, 9, 30))
    assert _summary(plan)[0] == ("2026-11-23", 1440, "send_late", "")
    assert plan[0].first


def test_reminder_missed_by_three_hours_is_dropped_and_the_next_one_brings_the_buttons() -> None:
    """Three hours late is beyond the grace period; the hour-before reminder goes first then."""
    series = _monday_series()
    plan = plan_reminders(series, [DAY, HOUR], now=_local(2026, 11, 22, 12))
    assert _summary(plan)[:2] == [
        ("2026-11-23", 1440, "drop", "too_late"),
        ("2026-11-23", 60, "wait", ""),
    ]
    logged = {(date(2026, 11, 23), 1440): _logged("dropped", _local(2026, 11, 22, 9))}
    later = plan_reminders(series, [DAY, HOUR], now=_local(2026, 11, 23, 8), logged=logged)
    [entry] = [entry for entry in later if entry.original_date == date(2026, 11, 23)]
    assert (entry.action, entry.first, entry.last) == ("send", True, True)


def test_restart_inside_a_reminder_window_sends_nothing_twice() -> None:
    """After a restart ten minutes past the time, a logged reminder is not planned again."""
    series = _monday_series()
    logged = {(date(2026, 11, 23), 1440): _logged("sent", _local(2026, 11, 22, 9))}
    plan = plan_reminders(series, [DAY, HOUR], now=_local(2026, 11, 22, 9, 10), logged=logged)
    assert next(e for e in plan if e.original_date == date(2026, 11, 23)).offset == HOUR
    assert all(entry.action == "wait" for entry in plan)
    at_hour = plan_reminders(series, [DAY, HOUR], now=_local(2026, 11, 23, 8), logged=logged)
    [entry] = [entry for entry in at_hour if entry.original_date == date(2026, 11, 23)]
    assert (entry.action, entry.first) == ("send", False)


def test_downtime_over_two_reminders_sends_only_the_latest() -> None:
    """Back 30 minutes before the start: "2 hours" is superseded by the late "1 hour"."""
    plan = plan_reminders(_monday_series(), [2 * HOUR, HOUR], now=_local(2026, 11, 23, 8, 30))
    today = [entry for entry in plan if entry.original_date == date(2026, 11, 23)]
    assert _summary(today) == [
        ("2026-11-23", 120, "drop", "superseded"),
        ("2026-11-23", 60, "send_late", ""),
    ]
    assert (today[1].first, today[1].last) == (True, True)


def test_reminder_of_a_meeting_that_has_begun_is_dropped() -> None:
    """Back ten minutes after the start, within the grace period: too late to remind."""
    plan = plan_reminders(_monday_series(), [HOUR], now=_local(2026, 11, 23, 9, 10))
    assert _summary(plan)[0] == ("2026-11-23", 60, "drop", "started")


def test_meetings_long_past_are_not_planned() -> None:
    """Only meetings that started at most the grace period ago appear."""
    within = plan_reminders(_monday_series(), [HOUR], now=_local(2026, 11, 23, 10, 30))
    assert _summary(within) == [("2026-11-23", 60, "drop", "started")]
    assert plan_reminders(_monday_series(), [HOUR], now=_local(2026, 11, 23, 12)) == []


def test_cancelled_and_paused_dates_have_no_reminders_and_moved_ones_follow_the_move() -> None:
    """A cancelled Monday is silent; one moved to Wednesday 14:00 is reminded Tuesday 14:00."""
    series = _monday_series()
    now = _local(2026, 11, 22, 9)
    cancelled = plan_reminders(series, [DAY], cancelled={date(2026, 11, 23)}, now=now)
    assert date(2026, 11, 23) not in {entry.original_date for entry in cancelled}
    paused = plan_reminders(
        series, [DAY], pauses=[Pause(date(2026, 11, 23), date(2026, 11, 23))], now=now
    )
    assert date(2026, 11, 23) not in {entry.original_date for entry in paused}
    move = Move(date(2026, 11, 23), date(2026, 11, 25), time(14, 0))
    moved = plan_reminders(series, [DAY], moved=[move], now=_local(2026, 11, 24, 9))
    [entry] = [entry for entry in moved if entry.original_date == date(2026, 11, 23)]
    assert entry.due_at == _local(2026, 11, 24, 14).astimezone(UTC)
    assert entry.action == "wait"


def test_reminders_due_before_the_series_existed_are_left_out() -> None:
    """A series set up on Sunday 10:00 does not remind late of Monday's meeting."""
    since = _local(2026, 11, 22, 10).astimezone(UTC)
    plan = plan_reminders(_monday_series(), [DAY, HOUR], now=_local(2026, 11, 22, 10), since=since)
    today = [entry for entry in plan if entry.original_date == date(2026, 11, 23)]
    assert _summary(today) == [("2026-11-23", 60, "wait", "")]


def test_series_without_offsets_plans_nothing() -> None:
    """No offsets, no reminders."""
    assert plan_reminders(_monday_series(), [], now=_local(2026, 11, 22, 9)) == []


def test_naive_now_is_refused() -> None:
    """A naive time would silently mean UTC or local; it is refused."""
    with pytest.raises(ValueError, match="aware"):
        plan_reminders(_monday_series(), [DAY], now=datetime(2026, 11, 22, 9))  # noqa: DTZ001


# -- after a move -----------------------------------------------------------------------------

MONDAY_23 = date(2026, 11, 23)


def _reminder_of(plan: list[PlannedReminder], offset: timedelta) -> PlannedReminder:
    [entry] = [e for e in plan if e.original_date == MONDAY_23 and e.offset == offset]
    return entry


def test_sent_reminder_is_due_again_at_the_new_time_of_a_moved_meeting() -> None:
    """Monday 09:00 moved to Wednesday after the day-before reminder: due again Tuesday 09:00."""
    series = _monday_series()
    logged = {(MONDAY_23, 1440): _logged("sent", _local(2026, 11, 22, 9))}
    move = Move(MONDAY_23, date(2026, 11, 25))

    waiting = plan_reminders(
        series, [DAY], moved=[move], now=_local(2026, 11, 24, 8, 59), logged=logged
    )
    entry = _reminder_of(waiting, DAY)
    assert (entry.action, entry.due_at) == ("wait", _local(2026, 11, 24, 9).astimezone(UTC))
    assert entry.previous_due_at == _local(2026, 11, 22, 9).astimezone(UTC)

    due = plan_reminders(series, [DAY], moved=[move], now=_local(2026, 11, 24, 9), logged=logged)
    entry = _reminder_of(due, DAY)
    assert (entry.action, entry.moved, entry.first) == ("send", True, False)


def test_meeting_moved_to_a_later_hour_is_reminded_at_the_later_hour() -> None:
    """Monday 09:00 moved to Monday 14:00: the day-before reminder is due Sunday 14:00."""
    series = _monday_series()
    logged = {(MONDAY_23, 1440): _logged("sent", _local(2026, 11, 22, 9))}
    move = Move(MONDAY_23, MONDAY_23, time(14, 0))

    early = plan_reminders(
        series, [DAY], moved=[move], now=_local(2026, 11, 22, 13, 59), logged=logged
    )
    assert _reminder_of(early, DAY).action == "wait"
    at_two = plan_reminders(
        series, [DAY], moved=[move], now=_local(2026, 11, 22, 14), logged=logged
    )
    entry = _reminder_of(at_two, DAY)
    assert (entry.action, entry.moved, entry.due_at) == (
        "send",
        True,
        _local(2026, 11, 22, 14).astimezone(UTC),
    )


def test_reminder_handled_at_its_current_time_is_not_planned_again() -> None:
    """Once the reminder for the new time is logged, nothing is open at that offset."""
    series = _monday_series()
    move = Move(MONDAY_23, date(2026, 11, 25))
    logged = {(MONDAY_23, 1440): _logged("sent", _local(2026, 11, 24, 9))}

    plan = plan_reminders(
        series, [DAY], moved=[move], now=_local(2026, 11, 24, 9, 1), logged=logged
    )

    assert MONDAY_23 not in {entry.original_date for entry in plan}


def test_only_the_first_reminder_after_a_move_says_the_date_changed() -> None:
    """Both reminders went out for 09:00; after the move the day-before one says so, the
    hour-before one (due again as well) does not repeat it."""
    series = _monday_series()
    move = Move(MONDAY_23, date(2026, 11, 25))
    logged = {
        (MONDAY_23, 1440): _logged("sent", _local(2026, 11, 24, 9)),  # sent for the new date
        (MONDAY_23, 60): _logged("sent", _local(2026, 11, 23, 8)),  # for the old one
    }

    plan = plan_reminders(
        series, [DAY, HOUR], moved=[move], now=_local(2026, 11, 25, 8), logged=logged
    )

    entry = _reminder_of(plan, HOUR)
    assert (entry.action, entry.moved, entry.first, entry.last) == ("send", False, False, True)
    assert entry.previous_due_at == _local(2026, 11, 23, 8).astimezone(UTC)


def test_reminder_moved_too_far_into_the_past_is_dropped() -> None:
    """Moved three hours earlier after the reminder: its new time passed long ago, dropped."""
    series = _monday_series()
    logged = {(MONDAY_23, 1440): _logged("sent", _local(2026, 11, 22, 9))}
    move = Move(MONDAY_23, MONDAY_23, time(6, 0))

    plan = plan_reminders(series, [DAY], moved=[move], now=_local(2026, 11, 22, 10), logged=logged)

    entry = _reminder_of(plan, DAY)
    assert (entry.action, entry.reason) == ("drop", "too_late")
    assert entry.previous_due_at == _local(2026, 11, 22, 9).astimezone(UTC)


def test_after_a_dropped_reminder_the_moved_meeting_still_gets_the_buttons() -> None:
    """Only a dropped reminder is logged: the first one that goes out brings the buttons and
    is not a "new date" notice (nobody was told the old date)."""
    series = _monday_series()
    logged = {(MONDAY_23, 1440): _logged("dropped", _local(2026, 11, 22, 9))}
    move = Move(MONDAY_23, date(2026, 11, 25))

    plan = plan_reminders(series, [DAY], moved=[move], now=_local(2026, 11, 24, 9), logged=logged)

    entry = _reminder_of(plan, DAY)
    assert (entry.action, entry.first, entry.moved) == ("send", True, False)
