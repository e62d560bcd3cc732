"""A series as an iCalendar file that phone calendars import (``/kalender``).

One recurring VEVENT (DTSTART/DTEND with ``TZID``, RRULE, EXDATE) plus one VEVENT with
``RECURRENCE-ID`` per moved date, and a VTIMEZONE so clients need not know the zone.

* The UID is derived from ``uid_prefix`` only, and the overrides share it (RFC 5545 ties a
  RECURRENCE-ID to the recurring event's UID), so importing an updated file replaces the
  old events instead of adding a second series.
* EXDATE lists cancelled dates, dates in pauses and skipped holidays from the first date up
  to ``horizon`` after ``now``; holidays further ahead appear once the file is sent again.
  Moves by hand are exported whatever their date; holiday moves within the horizon.
* Instances are identified by their *original* wall-clock start, which is what the RRULE
  produces in the ``TZID`` zone: the same rule as :func:`~bot.consultations.schedule.wall_clock`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Final

from icalendar import Calendar, Event, vRecur

from bot.consultations.schedule import (
    Monthly,
    Move,
    Once,
    Pause,
    PlannedDate,
    Series,
    Weekly,
    first_date,
    plan_dates,
    wall_clock,
)

__all__ = ["DEFAULT_HORIZON", "PRODID", "series_to_ics", "series_uid"]

PRODID: Final = "-//Sozialraum-Bot//Kollegiale Beratung//DE"
DEFAULT_HORIZON: Final = timedelta(days=366)
_BYDAY: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DROPPED: Final = frozenset({"cancelled", "paused", "holiday_skipped"})
_TIMEZONE_UNTIL: Final = date(2038, 1, 1)


def series_uid(uid_prefix: str) -> str:
    """The stable UID of a series' events, e.g. ``team-3-series-7@sozialraum-bot``."""
    return f"{uid_prefix}@sozialraum-bot"


def _rrule(series: Series) -> vRecur | None:
    day = _BYDAY[series.weekday]
    match series.recurrence:
        case Weekly(interval_weeks=interval):
            rule = vRecur(FREQ="WEEKLY", INTERVAL=interval, BYDAY=day, WKST="MO")
        case Monthly(nth=nth):
            rule = vRecur(FREQ="MONTHLY", BYDAY=f"{nth}{day}")
        case Once():
            return None
    if series.end_date is not None:
        rule["UNTIL"] = wall_clock(series.end_date, series.start_time, series.tz).astimezone(UTC)
    return rule


def series_to_ics(
    series: Series,
    *,
    name: str,
    location: str,
    cancelled: Collection[date] = (),
    moved: Iterable[Move] = (),
    pauses: Iterable[Pause] = (),
    uid_prefix: str,
    now: datetime,
    horizon: timedelta = DEFAULT_HORIZON,
    description: str = "",
    describe: Callable[[PlannedDate], str] | None = None,
    sequence: int = 0,
) -> bytes:
    """The series as an iCalendar (``METHOD:PUBLISH``) file.

    Args:
        series: The series.
        name: Event summary and calendar name, e.g. "Kollegiale Beratung Nord".
        location: The place.
        cancelled: Original dates that are cancelled.
        moved: Moves of single dates.
        pauses: Pauses (dates inside become EXDATEs).
        uid_prefix: Stable per series (e.g. ``team-3-series-7``); the same prefix gives the
            same UID, so calendars replace the old events on import.
        now: Aware; DTSTAMP and the start of the EXDATE horizon.
        horizon: How far ahead holidays and pauses are written as EXDATE.
        description: Text of the recurring event.
        describe: Text of a moved date's event, from its :class:`PlannedDate`; the handler
            passes a translated one. Without it the move's note (or holiday name) is used.
        sequence: Raise it with each change of the series, for clients that compare it.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    stamp = now.astimezone(UTC)
    uid = series_uid(uid_prefix)
    calendar = Calendar.new(
        prodid=PRODID, method="PUBLISH", name=name, uid=f"{uid_prefix}-calendar"
    )
    calendar.add("X-WR-TIMEZONE", series.tz.key)
    first = first_date(series)
    if first is None:
        return calendar.to_ical()
    moves = tuple(moved)
    last = max([now.astimezone(series.tz).date() + horizon] + [m.original_date for m in moves])
    plan = plan_dates(
        series, cancelled=cancelled, moved=moves, pauses=pauses, start=first, end=last
    )

    def event(start: datetime, end: datetime, recurrence_id: datetime | None = None) -> Event:
        created = Event.new(
            uid=uid,
            stamp=stamp,
            sequence=sequence,
            summary=name,
            start=start,
            end=end,
            recurrence_id=recurrence_id,
        )
        if location:
            created.add("LOCATION", location)
        return created

    def original_start(day: date) -> datetime:
        return wall_clock(day, series.start_time, series.tz)

    def original_end(day: date) -> datetime:
        start = original_start(day)
        return (start.astimezone(UTC) + series.duration).astimezone(series.tz)

    rule = _rrule(series)
    if rule is None:
        # A single date: its one event shows where it takes place, or that it is cancelled.
        entry = plan[0]
        if entry.occurrence is None:
            single = event(original_start(first), original_end(first))
            single.add("STATUS", "CANCELLED")
        else:
            single = event(start=entry.occurrence.starts_at, end=entry.occurrence.ends_at)
        if description:
            single.add("DESCRIPTION", description)
        calendar.add_component(single)
    else:
        master = event(start=original_start(first), end=original_end(first))
        master.add("RRULE", rule)
        excluded = [original_start(e.original_date) for e in plan if e.fate in _DROPPED]
        if excluded:
            master.add("EXDATE", excluded)
        if description:
            master.add("DESCRIPTION", description)
        calendar.add_component(master)
        for entry in plan:
            if entry.occurrence is None or entry.fate == "regular":
                continue
            override = event(
                start=entry.occurrence.starts_at,
                end=entry.occurrence.ends_at,
                recurrence_id=original_start(entry.original_date),
            )
            text = describe(entry) if describe is not None else entry.note
            if text:
                override.add("DESCRIPTION", text)
            calendar.add_component(override)
    calendar.add_missing_timezones(
        first_date=date(first.year, 1, 1),
        last_date=max(_TIMEZONE_UNTIL, last + timedelta(days=366)),
    )
    return calendar.to_ical()
