"""When consultations and network meetings happen: dates, wall-clock times, holidays, pauses.

Pure functions over small frozen dataclasses; nothing here knows Telegram or the database.

Design rules, in one place:

* **Wall-clock times.** A series meets at ``start_time`` *local* time in ``Series.tz``, whatever
  the UTC offset. :func:`wall_clock` builds the aware datetime with ``fold=0`` and normalises
  it through UTC, so every local date and time gives exactly one instant: a time that does
  not exist (02:30 on the spring-forward Sunday) moves forward by the gap (03:30 CEST, as
  phone calendars do), a time that exists twice (02:30 on the autumn Sunday) is the first
  one (02:30 CEST). Arithmetic on aware datetimes with the same ``tzinfo`` is wall-clock
  arithmetic in Python, so durations are added in UTC instead (a 1-hour meeting lasts one
  real hour even across a change).
* **Reminders and "hours before" deadlines** subtract whole days as *calendar days* (same
  wall-clock time on the earlier day) and the rest as real time. "1 Tag" before Tuesday 09:00
  is Monday 09:00 even when the clocks changed on the Sunday in between; ``timedelta``
  stores 24 h as one day, so "24 h" behaves the same.
* **Public holidays** of the series' federal state (``holidays.Germany(subdiv=state)``) are
  skipped, or with ``holiday_policy="next_working_day"`` moved to the next day that is not a
  Saturday, Sunday or holiday and on which no other date of the series takes place. The
  moved date must come before the series' next regular date and within 14 days, and must
  not fall into a pause; otherwise it is skipped. School holidays are not public holidays:
  only pauses skip them. 24 and 31 December are ordinary working days.
* **Order of precedence** for one date of the series: cancelled > moved by hand (a
  coordinator's explicit decision wins over pauses and holidays) > pause > holiday.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import Final, Literal
from zoneinfo import ZoneInfo

import holidays

from bot.consultations.parsing import (
    MAX_OFFSETS,
    DeadlineBefore,
    DeadlineRule,
    InputError,
)

__all__ = [
    "MAX_DURATION",
    "Fate",
    "HolidayPolicy",
    "Kind",
    "Monthly",
    "Move",
    "Occurrence",
    "Once",
    "Pause",
    "PlannedDate",
    "Recurrence",
    "Series",
    "Status",
    "Weekly",
    "first_date",
    "holiday_name",
    "is_series_date",
    "monthly",
    "next_occurrence",
    "occurrence_on",
    "occurrences",
    "plan_dates",
    "reminder_times",
    "series_interval",
    "submission_deadline",
    "validate_cancellation",
    "validate_move",
    "validate_pause",
    "validate_series",
    "wall_clock",
    "weekly",
]

Kind = Literal["consultation", "network"]
HolidayPolicy = Literal["skip", "next_working_day"]
Status = Literal["regular", "moved", "holiday_moved"]
Fate = Literal["regular", "moved", "holiday_moved", "cancelled", "paused", "holiday_skipped"]

MAX_DURATION: Final = timedelta(hours=12)
"""Longer than a working day is a typo, not a meeting."""

_MONTHLY_INTERVAL: Final = timedelta(days=28)
"""The shortest gap between two "nth weekday of the month" dates."""

_HOLIDAY_SEARCH: Final = timedelta(days=14)
"""How far a holiday date may move; the longest run of days off is far shorter."""

_MARGIN: Final = timedelta(days=40)
"""Dates this far outside a window are planned too, so moves into the window are seen."""


# --- the series ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Weekly:
    """Every ``interval_weeks`` weeks on the series' weekday, counted from its first date."""

    interval_weeks: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.interval_weeks <= 52:
            raise ValueError(f"interval_weeks must be 1..52, not {self.interval_weeks}")


@dataclass(frozen=True)
class Monthly:
    """The ``nth`` weekday of each month (1 to 4, or -1 for the last one)."""

    nth: int

    def __post_init__(self) -> None:
        if self.nth not in (1, 2, 3, 4, -1):
            raise ValueError(f"nth must be 1..4 or -1, not {self.nth}")


@dataclass(frozen=True)
class Once:
    """A single date: the series' ``start_date`` (a network meeting that does not repeat)."""


Recurrence = Weekly | Monthly | Once


def weekly(interval_weeks: int = 1) -> Weekly:
    """Every week, or every ``interval_weeks`` weeks."""
    return Weekly(interval_weeks)


def monthly(nth: int) -> Monthly:
    """The ``nth`` weekday of every month; ``-1`` is the last."""
    return Monthly(nth)


@dataclass(frozen=True)
class Series:
    """A repeating meeting of one team.

    Attributes:
        kind: ``consultation`` (weekly collegial consultation) or ``network`` (meeting).
        weekday: 0 = Monday, as :meth:`date.weekday` (not python-telegram-bot's Sunday = 0).
        start_time: Naive wall-clock time in ``tz``.
        duration: Real length of each meeting.
        tz: The team's zone, e.g. ``ZoneInfo("Europe/Berlin")``.
        recurrence: :class:`Weekly`, :class:`Monthly` or :class:`Once`.
        state: Federal state code for public holidays (``SH``).
        start_date: First possible date; the first meeting is the first matching day from here.
        end_date: Last possible date, inclusive, or ``None``.
        holiday_policy: ``skip`` or ``next_working_day``.
    """

    kind: Kind
    weekday: int
    start_time: time
    duration: timedelta
    tz: ZoneInfo
    recurrence: Recurrence
    state: str
    start_date: date
    end_date: date | None = None
    holiday_policy: HolidayPolicy = "skip"

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, not {self.weekday}")
        if self.start_time.tzinfo is not None:
            raise ValueError("start_time is a wall-clock time and must be naive")
        if isinstance(self.recurrence, Once) and self.start_date.weekday() != self.weekday:
            raise ValueError("a single date's weekday must match its start_date")

    @classmethod
    def single(
        cls,
        *,
        kind: Kind,
        day: date,
        start_time: time,
        duration: timedelta,
        tz: ZoneInfo,
        state: str,
        holiday_policy: HolidayPolicy = "skip",
    ) -> Series:
        """A one-off meeting on ``day``, handled by the same machinery as a series."""
        return cls(
            kind=kind,
            weekday=day.weekday(),
            start_time=start_time,
            duration=duration,
            tz=tz,
            recurrence=Once(),
            state=state,
            start_date=day,
            end_date=day,
            holiday_policy=holiday_policy,
        )


@dataclass(frozen=True)
class Move:
    """One date of the series takes place on ``new_date`` (at ``new_time``, if given)."""

    original_date: date
    new_date: date
    new_time: time | None = None
    duration: timedelta | None = None
    note: str = ""


@dataclass(frozen=True)
class Pause:
    """No meetings from ``start`` to ``end``, both inclusive (e.g. the summer break)."""

    start: date
    end: date
    note: str = ""

    def covers(self, day: date) -> bool:
        """Whether ``day`` lies in the pause."""
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Occurrence:
    """One meeting that takes place.

    Attributes:
        original_date: The series' date this meeting belongs to (its identity).
        starts_at: Aware, in the series' zone.
        ends_at: Aware, in the series' zone.
        status: ``regular``, ``moved`` (by hand) or ``holiday_moved``.
        note: The move's note, or the holiday's name for ``holiday_moved``.

    ``ends_at - starts_at`` is wall-clock arithmetic in Python (same ``tzinfo``); use
    :attr:`length` for the real length of a meeting that spans a clock change.
    """

    original_date: date
    starts_at: datetime
    ends_at: datetime
    status: Status
    note: str = ""

    @property
    def length(self) -> timedelta:
        """The real time between start and end."""
        return self.ends_at.astimezone(UTC) - self.starts_at.astimezone(UTC)


@dataclass(frozen=True)
class PlannedDate:
    """What becomes of one date of the series; ``occurrence`` is ``None`` when it is dropped.

    ``note`` is the holiday's name for ``holiday_moved`` and ``holiday_skipped``, the pause's
    note for ``paused`` and the move's note for ``moved``.
    """

    original_date: date
    fate: Fate
    occurrence: Occurrence | None
    note: str = ""


# --- wall clock and holidays -----------------------------------------------------------------


def wall_clock(day: date, at: time, tz: tzinfo) -> datetime:
    """``day`` at ``at`` local time in ``tz``: exactly one aware datetime, in ``tz``.

    ``fold=0`` picks the earlier of two ambiguous instants; the UTC round trip turns a
    nonexistent local time into the real instant that ``fold=0`` denotes (the gap is
    skipped forward). See the module docstring.
    """
    local = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=tz)
    return local.astimezone(UTC).astimezone(tz)


def _plus(moment: datetime, delta: timedelta) -> datetime:
    """Real-time addition, returned in the same zone."""
    zone = moment.tzinfo
    return (moment.astimezone(UTC) + delta).astimezone(zone)


def _calendar_before(moment: datetime, offset: timedelta) -> datetime:
    """``offset`` before ``moment``: whole days in local calendar days, the rest in real time."""
    zone = moment.tzinfo
    assert zone is not None
    local = moment.astimezone(zone)
    whole_days = timedelta(days=offset.days)
    same_time = wall_clock(local.date() - whole_days, local.time(), zone)
    return same_time.astimezone(UTC) - (offset - whole_days)


@lru_cache(maxsize=512)
def _holidays(state: str, year: int) -> dict[date, str]:
    return dict(holidays.Germany(subdiv=state, years=year, language="de").items())


def holiday_name(state: str, day: date) -> str | None:
    """The German name of the public holiday on ``day`` in ``state``, or ``None``."""
    return _holidays(state, day.year).get(day)


def _is_working_day(state: str, day: date) -> bool:
    return day.weekday() < 5 and holiday_name(state, day) is None


# --- the dates of a series -------------------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    following = date(year + month // 12, month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _rule_dates(series: Series, first: date, last: date) -> Iterator[date]:
    """The series' dates by its rule alone, from ``first`` to ``last`` inclusive."""
    low = max(first, series.start_date)
    high = last if series.end_date is None else min(last, series.end_date)
    if low > high:
        return
    match series.recurrence:
        case Once():
            if low <= series.start_date <= high:
                yield series.start_date
        case Weekly(interval_weeks=interval):
            anchor = series.start_date + timedelta(
                days=(series.weekday - series.start_date.weekday()) % 7
            )
            step = 7 * interval
            skip = max(0, -(-(low - anchor).days // step))
            day = anchor + timedelta(days=skip * step)
            while day <= high:
                yield day
                day += timedelta(days=step)
        case Monthly(nth=nth):
            year, month = low.year, low.month
            while date(year, month, 1) <= high:
                day = _nth_weekday(year, month, series.weekday, nth)
                if low <= day <= high:
                    yield day
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def is_series_date(series: Series, day: date) -> bool:
    """Whether the series' rule puts a meeting on ``day`` (before any exception)."""
    return any(True for _ in _rule_dates(series, day, day))


def first_date(series: Series) -> date | None:
    """The series' first date by its rule, or ``None`` if its end comes first."""
    last = series.start_date + timedelta(days=400)
    return next(_rule_dates(series, series.start_date, last), None)


def series_interval(series: Series) -> timedelta | None:
    """The shortest time between two dates of the series; ``None`` for a single date."""
    match series.recurrence:
        case Weekly(interval_weeks=interval):
            return timedelta(weeks=interval)
        case Monthly():
            return _MONTHLY_INTERVAL
        case Once():
            return None
    raise TypeError(series.recurrence)  # pragma: no cover


def _plan(
    series: Series,
    originals: Iterable[date],
    *,
    cancelled: Collection[date],
    moves: dict[date, Move],
    pauses: tuple[Pause, ...],
) -> list[PlannedDate]:
    """Decide each original date's fate; holiday moves are placed after everything else."""
    planned: dict[date, PlannedDate] = {}
    taken: set[date] = set()
    holiday_dates: list[tuple[date, str]] = []
    for day in sorted(set(originals)):
        if day in cancelled:
            planned[day] = PlannedDate(day, "cancelled", None)
        elif (move := moves.get(day)) is not None:
            occurrence = _occurrence(
                series, day, move.new_date, move.new_time, move.duration, "moved", move.note
            )
            planned[day] = PlannedDate(day, "moved", occurrence, move.note)
            taken.add(move.new_date)
        elif (pause := next((p for p in pauses if p.covers(day)), None)) is not None:
            planned[day] = PlannedDate(day, "paused", None, pause.note)
        elif (name := holiday_name(series.state, day)) is not None:
            holiday_dates.append((day, name))
        else:
            occurrence = _occurrence(series, day, day, None, None, "regular", "")
            planned[day] = PlannedDate(day, "regular", occurrence)
            taken.add(day)
    for day, name in holiday_dates:
        target = None
        if series.holiday_policy == "next_working_day":
            target = _holiday_target(series, day, taken, pauses)
        if target is None:
            planned[day] = PlannedDate(day, "holiday_skipped", None, name)
        else:
            occurrence = _occurrence(series, day, target, None, None, "holiday_moved", name)
            planned[day] = PlannedDate(day, "holiday_moved", occurrence, name)
            taken.add(target)
    return [planned[day] for day in sorted(planned)]


def _holiday_target(
    series: Series, day: date, taken: set[date], pauses: tuple[Pause, ...]
) -> date | None:
    limit = day + _HOLIDAY_SEARCH
    following = next(_rule_dates(series, day + timedelta(days=1), limit), None)
    if following is not None:
        limit = following - timedelta(days=1)
    candidate = day + timedelta(days=1)
    while candidate <= limit:
        if any(pause.covers(candidate) for pause in pauses):
            return None
        if _is_working_day(series.state, candidate) and candidate not in taken:
            return candidate
        candidate += timedelta(days=1)
    return None


def _occurrence(
    series: Series,
    original: date,
    day: date,
    at: time | None,
    duration: timedelta | None,
    status: Status,
    note: str,
) -> Occurrence:
    starts_at = wall_clock(day, at or series.start_time, series.tz)
    ends_at = _plus(starts_at, duration or series.duration)
    return Occurrence(original, starts_at, ends_at, status, note)


def _valid_moves(series: Series, moved: Iterable[Move]) -> dict[date, Move]:
    return {
        move.original_date: move for move in moved if is_series_date(series, move.original_date)
    }


def plan_dates(
    series: Series,
    *,
    cancelled: Collection[date] = (),
    moved: Iterable[Move] = (),
    pauses: Iterable[Pause] = (),
    start: date,
    end: date,
) -> list[PlannedDate]:
    """What becomes of each date of the series whose *original* date lies in [start, end].

    For overviews ("06.04. entfällt: Ostermontag") and the calendar export. Moves of dates
    outside the window are still seen, so a holiday date does not move onto them.
    """
    moves = _valid_moves(series, moved)
    context = _rule_dates(series, start - _MARGIN, end + _MARGIN)
    plan = _plan(
        series, [*context, *moves], cancelled=cancelled, moves=moves, pauses=tuple(pauses)
    )
    return [entry for entry in plan if start <= entry.original_date <= end]


def occurrences(
    series: Series,
    *,
    cancelled: Collection[date] = (),
    moved: Iterable[Move] = (),
    pauses: Iterable[Pause] = (),
    start: date,
    end: date,
) -> list[Occurrence]:
    """The meetings that take place on a local date from ``start`` to ``end``, in time order.

    The window applies to the date a meeting actually takes place, so a date moved into the
    window from outside is included and one moved out of it is not.
    """
    if end < start:
        return []
    moves = _valid_moves(series, moved)
    context = _rule_dates(series, start - _MARGIN, end + _MARGIN)
    plan = _plan(
        series, [*context, *moves], cancelled=cancelled, moves=moves, pauses=tuple(pauses)
    )
    found = [
        entry.occurrence
        for entry in plan
        if entry.occurrence is not None
        and start <= entry.occurrence.starts_at.astimezone(series.tz).date() <= end
    ]
    return sorted(found, key=lambda occurrence: occurrence.starts_at)


_SEARCH_STEP: Final = timedelta(days=62)


def next_occurrence(
    series: Series,
    *,
    cancelled: Collection[date] = (),
    moved: Iterable[Move] = (),
    pauses: Iterable[Pause] = (),
    after: datetime,
) -> Occurrence | None:
    """The first meeting that starts strictly after ``after`` (an aware datetime), or ``None``."""
    if after.tzinfo is None:
        raise ValueError("after must be an aware datetime")
    moves = tuple(moved)
    pause_list = tuple(pauses)
    window_start = after.astimezone(series.tz).date()
    horizon = max(
        [max(window_start, series.start_date) + timedelta(days=400)]
        + [pause.end + timedelta(days=400) for pause in pause_list]
    )
    if series.end_date is not None:
        horizon = min(horizon, series.end_date + _HOLIDAY_SEARCH)
    horizon = max([horizon] + [move.new_date for move in moves])
    while window_start <= horizon:
        window_end = window_start + _SEARCH_STEP
        for occurrence in occurrences(
            series,
            cancelled=cancelled,
            moved=moves,
            pauses=pause_list,
            start=window_start,
            end=window_end,
        ):
            if occurrence.starts_at > after:
                return occurrence
        window_start = window_end + timedelta(days=1)
    return None


def occurrence_on(
    series: Series,
    *,
    cancelled: Collection[date] = (),
    moved: Iterable[Move] = (),
    pauses: Iterable[Pause] = (),
    day: date,
) -> Occurrence | None:
    """The meeting that takes place on ``day``, e.g. to find what a typed date refers to."""
    found = occurrences(
        series, cancelled=cancelled, moved=moved, pauses=pauses, start=day, end=day
    )
    return found[0] if found else None


# --- reminders and deadlines -----------------------------------------------------------------


def reminder_times(occurrence: Occurrence, offsets: Iterable[timedelta]) -> list[datetime]:
    """When to remind of ``occurrence``: aware UTC datetimes, sorted, without duplicates.

    Whole days of an offset are calendar days (same wall-clock time), the rest real time:
    "1 Tag" before Tuesday 09:00 is Monday 09:00 local even across a clock change.
    """
    times = set()
    for offset in offsets:
        if offset <= timedelta(0):
            raise ValueError(f"reminder offsets must be positive, not {offset}")
        times.add(_calendar_before(occurrence.starts_at, offset))
    return sorted(times)


def submission_deadline(occurrence: Occurrence, rule: DeadlineRule) -> datetime:
    """When cases for ``occurrence`` are due, as an aware UTC datetime.

    :class:`DeadlineOnWeekday`: the last time that weekday and time come round before the
    meeting starts, so "Montag 12:00" for a Tuesday is the day before, and for a meeting
    moved to a Monday 10:00 it is the Monday of the week before. :class:`DeadlineBefore`:
    like a reminder offset (whole days in calendar days).
    """
    if isinstance(rule, DeadlineBefore):
        return _calendar_before(occurrence.starts_at, rule.lead)
    zone = occurrence.starts_at.tzinfo
    assert zone is not None
    local = occurrence.starts_at.astimezone(zone)
    back = timedelta(days=(local.weekday() - rule.weekday) % 7)
    deadline = wall_clock(local.date() - back, rule.at, zone)
    if deadline >= occurrence.starts_at:
        deadline = wall_clock(local.date() - back - timedelta(weeks=1), rule.at, zone)
    return deadline.astimezone(UTC)


# --- validation ------------------------------------------------------------------------------


def validate_series(
    series: Series,
    *,
    offsets: Iterable[timedelta] = (),
    deadline: DeadlineRule | None = None,
    pauses: Iterable[Pause] = (),
    minutes_per_case: timedelta | None = None,
    quorum: int | None = None,
) -> None:
    """Refuse settings that cannot work, with an :class:`InputError` that says why.

    Checks the meeting length (more than zero, at most 12 h), the federal state, the end
    date, reminder offsets and the deadline against the interval (a reminder or deadline
    further back than the previous meeting is a mistake), time per case and quorum, and
    each pause.
    """
    if series.duration <= timedelta(0):
        raise InputError("schedule.duration_not_positive")
    if series.duration > MAX_DURATION:
        raise InputError("schedule.duration_too_long", max=MAX_DURATION)
    if series.state not in holidays.Germany.subdivisions:
        raise InputError("schedule.bad_state", text=series.state)
    if series.end_date is not None and series.end_date < series.start_date:
        raise InputError("schedule.end_before_start", start=series.start_date, end=series.end_date)
    interval = series_interval(series)
    offset_list = list(offsets)
    if len(set(offset_list)) > MAX_OFFSETS:
        raise InputError("schedule.too_many_offsets", max=MAX_OFFSETS)
    for offset in offset_list:
        if offset <= timedelta(0):
            raise InputError("schedule.duration_not_positive")
        if interval is not None and offset > interval:
            raise InputError("schedule.offset_too_long", offset=offset, interval=interval)
    if deadline is not None:
        _validate_deadline(series, deadline, interval)
    if minutes_per_case is not None:
        if minutes_per_case <= timedelta(0):
            raise InputError("schedule.duration_not_positive")
        if minutes_per_case > series.duration:
            raise InputError(
                "schedule.case_longer_than_meeting",
                case=minutes_per_case,
                duration=series.duration,
            )
    if quorum is not None and quorum < 1:
        raise InputError("schedule.bad_quorum")
    for pause in pauses:
        validate_pause(pause)


def _validate_deadline(series: Series, rule: DeadlineRule, interval: timedelta | None) -> None:
    if isinstance(rule, DeadlineBefore):
        if rule.lead <= timedelta(0):
            raise InputError("schedule.deadline_after_start")
        if interval is not None and rule.lead > interval:
            raise InputError("schedule.deadline_too_early", lead=rule.lead, interval=interval)
        return
    if rule.weekday == series.weekday and rule.at >= series.start_time:
        # The same day at or after the start: the rule would silently mean a week earlier.
        raise InputError("schedule.deadline_after_start")


def validate_pause(pause: Pause) -> None:
    """A pause must not end before it begins (a one-day pause is fine)."""
    if pause.end < pause.start:
        raise InputError("schedule.pause_end_before_start", start=pause.start, end=pause.end)


def _current_start(
    series: Series,
    day: date,
    *,
    cancelled: Collection[date],
    moved: Iterable[Move],
    pauses: Iterable[Pause],
) -> datetime:
    """When the date ``day`` of the series currently takes (or would have taken) place."""
    plan = plan_dates(series, cancelled=cancelled, moved=moved, pauses=pauses, start=day, end=day)
    if plan and plan[0].occurrence is not None:
        return plan[0].occurrence.starts_at
    return wall_clock(day, series.start_time, series.tz)


def validate_cancellation(
    series: Series,
    day: date,
    *,
    cancelled: Collection[date] = (),
    moved: Iterable[Move] = (),
    pauses: Iterable[Pause] = (),
    now: datetime,
) -> None:
    """Cancelling needs a date of the series that is not cancelled yet and has not begun."""
    if not is_series_date(series, day):
        raise InputError("schedule.not_a_series_date", date=day)
    if day in cancelled:
        raise InputError("schedule.already_cancelled", date=day)
    moves = tuple(moved)
    if _current_start(series, day, cancelled=cancelled, moved=moves, pauses=pauses) <= now:
        raise InputError("schedule.date_in_past", date=day)


def validate_move(
    series: Series,
    move: Move,
    *,
    cancelled: Collection[date] = (),
    moved: Iterable[Move] = (),
    pauses: Iterable[Pause] = (),
    now: datetime,
) -> None:
    """Refuse a move that would land in the past, on a holiday or on another meeting's day.

    ``moved`` are the moves already stored; one for the same date is replaced by ``move``.
    A date skipped for a holiday or a pause may be moved (that is how a team meets on the
    Wednesday after Easter Monday instead).
    """
    day = move.original_date
    moved = tuple(moved)
    if not is_series_date(series, day):
        raise InputError("schedule.not_a_series_date", date=day)
    if day in cancelled:
        raise InputError("schedule.already_cancelled", date=day)
    others = tuple(existing for existing in moved if existing.original_date != day)
    pause_list = tuple(pauses)
    if _current_start(series, day, cancelled=cancelled, moved=moved, pauses=pause_list) <= now:
        raise InputError("schedule.date_in_past", date=day)
    if move.duration is not None and move.duration <= timedelta(0):
        raise InputError("schedule.duration_not_positive")
    if move.duration is not None and move.duration > MAX_DURATION:
        raise InputError("schedule.duration_too_long", max=MAX_DURATION)
    new_time = move.new_time or series.start_time
    if wall_clock(move.new_date, new_time, series.tz) <= now:
        raise InputError("schedule.move_into_past", date=move.new_date, time=new_time)
    if (name := holiday_name(series.state, move.new_date)) is not None:
        raise InputError("schedule.move_onto_holiday", date=move.new_date, holiday=name)
    for occurrence in occurrences(
        series,
        cancelled=cancelled,
        moved=others,
        pauses=pause_list,
        start=move.new_date,
        end=move.new_date,
    ):
        if occurrence.original_date != day:
            raise InputError("schedule.move_onto_occurrence", date=move.new_date)
