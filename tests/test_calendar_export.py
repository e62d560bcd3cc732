"""The /kalender file: an iCalendar series that phone calendars import and update."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar, Event

from bot.consultations.calendar import PRODID, series_to_ics, series_uid
from bot.consultations.schedule import (
    Move,
    Pause,
    PlannedDate,
    Series,
    monthly,
    occurrences,
    weekly,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
HORIZON_END = date(2027, 3, 1)  # NOW + one year, the default horizon


def series(weekday: int = 0, **changes: object) -> Series:
    """A weekly SH series at 09:00 for two hours from 1 March 2026 (Monday by default)."""
    base = Series(
        kind="consultation",
        weekday=weekday,
        start_time=time(9),
        duration=timedelta(hours=2),
        tz=BERLIN,
        recurrence=weekly(),
        state="SH",
        start_date=date(2026, 3, 1),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def export(subject: Series, **changes: object) -> Calendar:
    """Export ``subject`` and parse the file back as a calendar would."""
    arguments: dict[str, object] = {
        "name": "Kollegiale Beratung Nord",
        "location": "Stadtteilhaus, Raum 2",
        "uid_prefix": "team-3-series-7",
        "now": NOW,
    }
    arguments.update(changes)
    return Calendar.from_ical(series_to_ics(subject, **arguments))  # type: ignore[arg-type]


def master_of(calendar: Calendar) -> Event:
    """The recurring event (the one without RECURRENCE-ID)."""
    (master,) = [event for event in calendar.events if event.RECURRENCE_ID is None]
    return master


def moment(value: date | datetime | None) -> datetime:
    """A DTSTART, DTEND, RECURRENCE-ID or EXDATE value, which here is always a datetime."""
    assert isinstance(value, datetime)
    return value


def overrides_of(calendar: Calendar) -> dict[datetime, Event]:
    """The single-date events, by the original start they replace."""
    return {
        moment(event.RECURRENCE_ID): event
        for event in calendar.events
        if event.RECURRENCE_ID is not None
    }


def excluded_days(calendar: Calendar) -> set[date]:
    """The local dates the recurring event excludes."""
    return {moment(value).date() for value in master_of(calendar).exdates}


def expand(calendar: Calendar, first: date, last: date) -> list[datetime]:
    """Start times a calendar client would show from ``first`` to ``last``, via dateutil."""
    master = master_of(calendar)
    rules = rruleset()
    (rule,) = master.rrules
    rules.rrule(rrulestr(rule.to_ical().decode(), dtstart=moment(master.start)))
    for excluded in master.exdates:
        rules.exdate(moment(excluded))
    replaced = {
        original: moment(event.start) for original, event in overrides_of(calendar).items()
    }
    starts: list[datetime] = []
    for instance in rules:
        if instance.date() > last + timedelta(days=31):
            break
        starts.append(replaced.pop(instance, instance))
    assert not replaced, "every override must replace an instance of the rule"
    return sorted(start for start in starts if first <= start.astimezone(BERLIN).date() <= last)


def starts(subject: Series, first: date, last: date, **exceptions: object) -> list[datetime]:
    """Start times of ``occurrences()`` for the same window."""
    found = occurrences(subject, start=first, end=last, **exceptions)  # type: ignore[arg-type]
    return [occurrence.starts_at for occurrence in found]


def test_file_is_a_publishable_calendar_with_a_berlin_timezone() -> None:
    """METHOD:PUBLISH, our PRODID, and a VTIMEZONE for Europe/Berlin with both offsets."""
    calendar = export(series())
    assert calendar.method == "PUBLISH"
    assert calendar.prodid == PRODID
    (zone,) = calendar.timezones
    assert zone.tz_name == "Europe/Berlin"
    offsets = {offset for offset, _, _ in zone.get_transitions()[1]}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}
    ics = series_to_ics(series(), name="x", location="", uid_prefix="p", now=NOW)
    assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n" in ics


def test_recurring_event_starts_at_nine_local_with_a_weekly_rule() -> None:
    """DTSTART carries TZID=Europe/Berlin at 09:00; RRULE is weekly on the series' weekday."""
    calendar = export(series(weekday=1))
    master = master_of(calendar)
    assert master.start == datetime(2026, 3, 3, 9, tzinfo=BERLIN)
    assert master.end == datetime(2026, 3, 3, 11, tzinfo=BERLIN)
    assert [rule.to_ical() for rule in master.rrules] == [
        b"FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;WKST=MO"
    ]
    assert master.summary == "Kollegiale Beratung Nord"
    assert master.location == "Stadtteilhaus, Raum 2"
    assert b"DTSTART;TZID=Europe/Berlin:20260303T090000" in series_to_ics(
        series(weekday=1), name="x", location="", uid_prefix="p", now=NOW
    )


def test_holidays_cancellations_and_pauses_become_exdates() -> None:
    """Easter and Pentecost Monday, a cancelled date and the paused Mondays are excluded."""
    pause = Pause(date(2026, 7, 6), date(2026, 7, 20))
    calendar = export(series(), cancelled={date(2026, 3, 16)}, pauses=[pause])
    excluded = excluded_days(calendar)
    assert {
        date(2026, 3, 16),
        date(2026, 4, 6),
        date(2026, 5, 25),
        date(2026, 7, 6),
        date(2026, 7, 13),
        date(2026, 7, 20),
    } <= excluded
    assert {moment(value).time() for value in master_of(calendar).exdates} == {time(9)}
    assert date(2026, 7, 27) not in excluded


def test_moved_and_holiday_moved_dates_become_recurrence_id_events() -> None:
    """Each moved date is its own event with the series' UID and the original start as ID."""
    subject = series(holiday_policy="next_working_day")
    move = Move(date(2026, 3, 16), date(2026, 3, 18), time(14), note="Raum belegt")
    calendar = export(subject, moved=[move])
    overrides = overrides_of(calendar)
    assert set(overrides) >= {
        datetime(2026, 3, 16, 9, tzinfo=BERLIN),
        datetime(2026, 4, 6, 9, tzinfo=BERLIN),
        datetime(2026, 5, 25, 9, tzinfo=BERLIN),
    }
    moved = overrides[datetime(2026, 3, 16, 9, tzinfo=BERLIN)]
    assert moved.start == datetime(2026, 3, 18, 14, tzinfo=BERLIN)
    assert moved.description == "Raum belegt"
    easter = overrides[datetime(2026, 4, 6, 9, tzinfo=BERLIN)]
    assert easter.start == datetime(2026, 4, 7, 9, tzinfo=BERLIN)
    assert {event.uid for event in calendar.events} == {series_uid("team-3-series-7")}
    assert date(2026, 4, 6) not in excluded_days(calendar)
    ics = series_to_ics(subject, name="x", location="", uid_prefix="p", now=NOW)
    assert b"RECURRENCE-ID;TZID=Europe/Berlin:20260406T090000" in ics


def test_expanding_the_file_gives_the_same_dates_as_occurrences() -> None:
    """RRULE minus EXDATE plus overrides, expanded by dateutil, equals occurrences()."""
    subject = series(holiday_policy="next_working_day")
    exceptions: dict[str, object] = {
        "cancelled": {date(2026, 3, 23)},
        "moved": [Move(date(2026, 6, 8), date(2026, 6, 10), time(10))],
        "pauses": [Pause(date(2026, 7, 6), date(2026, 8, 14))],
    }
    calendar = export(subject, **exceptions)
    expected = starts(subject, date(2026, 3, 1), HORIZON_END, **exceptions)
    assert expand(calendar, date(2026, 3, 1), HORIZON_END) == expected
    assert len(expected) > 40


def test_expanding_across_the_clock_changes_keeps_nine_local() -> None:
    """Client-side expansion of a Tuesday series shows 09:00 on both sides of each change."""
    calendar = export(series(weekday=1))
    expanded = expand(calendar, date(2026, 3, 1), date(2026, 11, 30))
    assert expanded == starts(series(weekday=1), date(2026, 3, 1), date(2026, 11, 30))
    assert {start.astimezone(BERLIN).time() for start in expanded} == {time(9)}
    offsets = {start.astimezone(BERLIN).utcoffset() for start in expanded}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}


def test_monthly_network_meeting_uses_an_nth_weekday_rule() -> None:
    """First Wednesday becomes FREQ=MONTHLY;BYDAY=1WE and expands like occurrences()."""
    network = series(weekday=2, kind="network", recurrence=monthly(1))
    calendar = export(network)
    assert [rule.to_ical() for rule in master_of(calendar).rrules] == [b"FREQ=MONTHLY;BYDAY=1WE"]
    assert expand(calendar, date(2026, 3, 1), HORIZON_END) == starts(
        network, date(2026, 3, 1), HORIZON_END
    )
    last_friday = series(weekday=4, recurrence=monthly(-1), holiday_policy="next_working_day")
    calendar = export(last_friday)
    assert [rule.to_ical() for rule in master_of(calendar).rrules] == [b"FREQ=MONTHLY;BYDAY=-1FR"]
    assert expand(calendar, date(2026, 3, 1), HORIZON_END) == starts(
        last_friday, date(2026, 3, 1), HORIZON_END
    )


def test_fortnightly_series_and_end_date_become_interval_and_until() -> None:
    """Every two weeks until 30 June: INTERVAL=2 and UNTIL in UTC; expansion stops there."""
    subject = series(weekday=1, recurrence=weekly(2), end_date=date(2026, 6, 30))
    calendar = export(subject)
    (rule,) = master_of(calendar).rrules
    assert rule["INTERVAL"] == [2]
    assert rule["UNTIL"] == [datetime(2026, 6, 30, 7, tzinfo=UTC)]
    assert expand(calendar, date(2026, 3, 1), HORIZON_END) == starts(
        subject, date(2026, 3, 1), HORIZON_END
    )


def test_uid_is_stable_so_an_updated_file_replaces_the_old_events() -> None:
    """Exporting again later, with changes, keeps the UID; another series gets another."""
    first = export(series())
    later = export(
        series(), now=NOW + timedelta(days=30), cancelled={date(2026, 4, 13)}, sequence=1
    )
    assert master_of(first).uid == master_of(later).uid == "team-3-series-7@sozialraum-bot"
    assert master_of(later).sequence == 1
    assert first.uid == later.uid
    other = export(series(), uid_prefix="team-3-series-8")
    assert master_of(other).uid != master_of(first).uid


def test_exdates_reach_one_year_ahead_of_now() -> None:
    """Holidays within the horizon are excluded; those beyond wait for the next export."""
    assert date(2027, 3, 29) not in excluded_days(export(series()))  # Easter Monday 2027
    assert date(2027, 3, 29) in excluded_days(export(series(), horizon=timedelta(days=800)))


def test_describe_callback_writes_the_text_of_moved_dates() -> None:
    """The handler can pass translated text for a moved date's event."""

    def describe(entry: PlannedDate) -> str:
        return f"{entry.fate}: {entry.note}"

    calendar = export(series(holiday_policy="next_working_day"), describe=describe)
    easter = overrides_of(calendar)[datetime(2026, 4, 6, 9, tzinfo=BERLIN)]
    assert easter.description == "holiday_moved: Ostermontag"


def test_single_meeting_has_no_rule_and_shows_a_cancellation() -> None:
    """A one-off date is one plain event; cancelled, it stays as STATUS:CANCELLED."""
    single = Series.single(
        kind="network",
        day=date(2026, 6, 17),
        start_time=time(14),
        duration=timedelta(hours=2),
        tz=BERLIN,
        state="SH",
    )
    (event,) = export(single).events
    assert event.rrules == []
    assert event.start == datetime(2026, 6, 17, 14, tzinfo=BERLIN)
    (cancelled,) = export(single, cancelled={date(2026, 6, 17)}).events
    assert cancelled.status == "CANCELLED"
    assert cancelled.uid == event.uid
