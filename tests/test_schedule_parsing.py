"""What coordinators type for a consultation series: accepted forms and clear refusals."""

from __future__ import annotations

import re
import string
import time as clock
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from bot.consultations.parsing import (
    MAX_INPUT_LENGTH,
    MESSAGES,
    DeadlineBefore,
    DeadlineOnWeekday,
    InputError,
    format_duration,
    parse_date,
    parse_deadline,
    parse_duration,
    parse_monthly_rule,
    parse_offsets,
    parse_state,
    parse_time,
    parse_weekday,
)

TODAY = date(2026, 3, 2)
PACKAGE = Path(__file__).resolve().parent.parent / "bot" / "consultations"


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# --- time of day -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9", time(9)),
        ("9:00", time(9)),
        ("09.00", time(9)),
        ("9 Uhr", time(9)),
        ("9:30 Uhr", time(9, 30)),
        ("  14:15  ", time(14, 15)),
        ("0:00", time(0)),
        ("23:59", time(23, 59)),
        ("9uhr", time(9)),
    ],
)
def test_time_of_day_is_read_in_german_forms(text: str, expected: time) -> None:
    """9, 9:00, 09.00, 9 Uhr and 9:30 Uhr are all read as wall-clock times."""
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "9:60", "24:00", "99"])
def test_impossible_time_is_refused_as_impossible(text: str) -> None:
    """Hours beyond 23 and minutes beyond 59 get the "does not exist" answer."""
    with pytest.raises(InputError) as caught:
        parse_time(text)
    assert caught.value.key == "schedule.impossible_time"
    assert caught.value.values == {"text": text}


@pytest.mark.parametrize("text", ["abc", "", "9:5", "9:000", "neun", "9 30", "-9"])
def test_unreadable_time_is_refused_as_unreadable(text: str) -> None:
    """Text that is no time at all gets the "cannot read" answer with examples."""
    with pytest.raises(InputError) as caught:
        parse_time(text)
    assert caught.value.key == "schedule.bad_time"


# --- weekdays --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Montag", 0),
        ("Mo", 0),
        ("Mo.", 0),
        ("Dienstag", 1),
        ("Di", 1),
        ("dienstags", 1),
        ("Mittwoch", 2),
        ("Mi", 2),
        ("Donnerstag", 3),
        ("Do", 3),
        ("Freitag", 4),
        ("Fr", 4),
        ("Samstag", 5),
        ("Sonnabend", 5),
        ("Sonntag", 6),
        ("So", 6),
        ("Tuesday", 1),
        ("tue", 1),
        ("THURSDAY", 3),
        ("Fri", 4),
    ],
)
def test_weekday_names_and_abbreviations_are_read(text: str, expected: int) -> None:
    """German and English weekday names and abbreviations map to Monday = 0."""
    assert parse_weekday(text) == expected


@pytest.mark.parametrize("text", ["Feiertag", "", "Tag", "8"])
def test_unknown_weekday_is_refused(text: str) -> None:
    """Words that are no weekday get the weekday answer."""
    with pytest.raises(InputError) as caught:
        parse_weekday(text)
    assert caught.value.key == "schedule.bad_weekday"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("erster Mittwoch", (1, 2)),
        ("1. Mittwoch im Monat", (1, 2)),
        ("3. Di", (3, 1)),
        ("letzter Freitag", (-1, 4)),
        ("first Wednesday of the month", (1, 2)),
        ("jeden zweiten Donnerstag", (2, 3)),
    ],
)
def test_monthly_rule_is_read(text: str, expected: tuple[int, int]) -> None:
    """ "erster Mittwoch", "3. Di" and "letzter Freitag" become (nth, weekday)."""
    assert parse_monthly_rule(text) == expected


@pytest.mark.parametrize("text", ["fünfter Montag", "Mittwoch", "erster Feiertag", "5. Mo"])
def test_monthly_rule_without_a_valid_nth_weekday_is_refused(text: str) -> None:
    """A fifth weekday or a missing ordinal is refused; not every month has a fifth."""
    with pytest.raises(InputError) as caught:
        parse_monthly_rule(text)
    assert caught.value.key == "schedule.bad_monthly_rule"


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.12.", date(2026, 12, 31)),
        ("31.12", date(2026, 12, 31)),
        ("31.12.2026", date(2026, 12, 31)),
        ("31.12.26", date(2026, 12, 31)),
        ("1.4.", date(2026, 4, 1)),
        ("2026-12-31", date(2026, 12, 31)),
        ("2.3.", date(2026, 3, 2)),
    ],
)
def test_dates_are_read_with_and_without_year(text: str, expected: date) -> None:
    """31.12., 31.12.2026 and 31.12.26 all mean the same day; today counts as not past."""
    assert parse_date(text, today=TODAY) == expected


def test_date_without_year_means_the_next_such_date() -> None:
    """1.3. on 2 March 2026 is 1 March 2027, not yesterday."""
    assert parse_date("1.3.", today=TODAY) == date(2027, 3, 1)


def test_29_february_without_year_finds_the_next_leap_year() -> None:
    """29.02. in 2026 is 29 February 2028."""
    assert parse_date("29.02.", today=TODAY) == date(2028, 2, 29)


@pytest.mark.parametrize("text", ["31.02.", "30.2.2027", "32.1.", "0.1.", "1.13.2026", "29.2.27"])
def test_impossible_date_is_refused(text: str) -> None:
    """Dates the calendar does not have, like 31.02. or 30.2.2027, are refused."""
    with pytest.raises(InputError) as caught:
        parse_date(text, today=TODAY)
    assert caught.value.key == "schedule.impossible_date"
    assert caught.value.values == {"text": text}


@pytest.mark.parametrize("text", ["morgen", "31/12/2026", "31.12.202", "12.2026", ""])
def test_unreadable_date_is_refused(text: str) -> None:
    """Text that is not a date in a known form gets the form answer."""
    with pytest.raises(InputError) as caught:
        parse_date(text, today=TODAY)
    assert caught.value.key == "schedule.bad_date"


def test_past_date_with_year_is_refused_unless_allowed() -> None:
    """1.3.2026 on 2 March 2026 is in the past; a pause may still begin there if allowed."""
    with pytest.raises(InputError) as caught:
        parse_date("1.3.2026", today=TODAY)
    assert caught.value.key == "schedule.date_in_past"
    assert caught.value.values == {"date": date(2026, 3, 1)}
    assert parse_date("1.3.2026", today=TODAY, allow_past=True) == date(2026, 3, 1)


# --- durations and offsets -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30", 30),
        ("30 min", 30),
        ("30min", 30),
        ("30 Min.", 30),
        ("1 h", 60),
        ("1,5 Std.", 90),
        ("1.5 h", 90),
        ("2 Stunden", 120),
        ("1 Tag", 24 * 60),
        ("1 Tag 2 Stunden", 26 * 60),
        ("90 Minuten", 90),
        ("2 Tage", 2 * 24 * 60),
        ("1 Woche", 7 * 24 * 60),
        ("1 day 2 hours", 26 * 60),
        ("0,25 h", 15),
    ],
)
def test_durations_are_read_to_the_minute(text: str, minutes: int) -> None:
    """Minutes, hours, days and weeks in German and English, with decimal commas."""
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["0", "0 min", "0,0 h", "-30", "-1 h", "minus 2 Stunden"])
def test_zero_or_negative_duration_is_refused(text: str) -> None:
    """A length of zero or below gets the "more than zero" answer."""
    with pytest.raises(InputError) as caught:
        parse_duration(text)
    assert caught.value.key == "schedule.duration_not_positive"


@pytest.mark.parametrize("text", ["0,5 min", "1,01 h", "30,5"])
def test_duration_that_is_no_whole_number_of_minutes_is_refused(text: str) -> None:
    """Reminders are planned to the minute; half a minute is refused, not rounded."""
    with pytest.raises(InputError) as caught:
        parse_duration(text)
    assert caught.value.key == "schedule.not_whole_minutes"


@pytest.mark.parametrize(
    "text", ["abc", "", "1 Tag 2", "Stunde", "1 Jahr", "2 h h", "1:30", "eine Stunde", "1,5,5 h"]
)
def test_nonsense_duration_is_refused(text: str) -> None:
    """Numbers without a known unit or units without numbers get the examples answer."""
    with pytest.raises(InputError) as caught:
        parse_duration(text)
    assert caught.value.key == "schedule.bad_duration"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 Tag, 1 Stunde", [timedelta(days=1), timedelta(hours=1)]),
        ("1 Tag; 2 h", [timedelta(days=1), timedelta(hours=2)]),
        ("1 h, 1 Tag", [timedelta(days=1), timedelta(hours=1)]),
        ("1,5 Std., 30 min", [timedelta(minutes=90), timedelta(minutes=30)]),
        ("1 Tag,2 h", [timedelta(days=1), timedelta(hours=2)]),
        ("1 Tag vorher, 1 Stunde vor Beginn", [timedelta(days=1), timedelta(hours=1)]),
        ("1 Tag\n15 min", [timedelta(days=1), timedelta(minutes=15)]),
        ("1 Tag, 24 h", [timedelta(days=1)]),
        ("keine", []),
        ("none", []),
    ],
)
def test_offset_lists_are_split_sorted_and_deduplicated(
    text: str, expected: list[timedelta]
) -> None:
    """Commas, semicolons and new lines separate reminders; a decimal comma does not."""
    assert parse_offsets(text) == expected


def test_offset_list_with_a_bad_entry_is_refused_as_a_whole() -> None:
    """One unreadable reminder refuses the whole list, naming nothing half-saved."""
    with pytest.raises(InputError) as caught:
        parse_offsets("1 Tag, bald")
    assert caught.value.key == "schedule.bad_duration"


@pytest.mark.parametrize("text", [",", " ; ", ""])
def test_empty_offset_list_is_refused(text: str) -> None:
    """An answer without any reminder asks for one, or for "keine"."""
    with pytest.raises(InputError) as caught:
        parse_offsets(text)
    assert caught.value.key == "schedule.no_offsets"


def test_too_many_offsets_are_refused() -> None:
    """More than ten reminders per meeting are refused."""
    text = ", ".join(f"{minutes} min" for minutes in range(1, 13))
    with pytest.raises(InputError) as caught:
        parse_offsets(text)
    assert caught.value.key == "schedule.too_many_offsets"


# --- deadline --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Montag 12:00", DeadlineOnWeekday(0, time(12))),
        ("Mo 12 Uhr", DeadlineOnWeekday(0, time(12))),
        ("Montag, 12:00", DeadlineOnWeekday(0, time(12))),
        ("montags um 12.30 Uhr", DeadlineOnWeekday(0, time(12, 30))),
        ("Friday at 16:00", DeadlineOnWeekday(4, time(16))),
        ("24 h vorher", DeadlineBefore(timedelta(hours=24))),
        ("24 Stunden vor Beginn", DeadlineBefore(timedelta(hours=24))),
        ("2 Tage vorher", DeadlineBefore(timedelta(days=2))),
        ("48 h", DeadlineBefore(timedelta(days=2))),
        ("90 minutes before", DeadlineBefore(timedelta(minutes=90))),
    ],
)
def test_deadline_is_read_as_weekday_time_or_lead(text: str, expected: object) -> None:
    """ "Montag 12:00" is a weekday and time, "24 h vorher" a lead before the start."""
    assert parse_deadline(text) == expected


@pytest.mark.parametrize("text", ["Montag", "morgen früh", "", "vorher"])
def test_unreadable_deadline_is_refused(text: str) -> None:
    """A weekday without time, or words without a length, get the deadline examples."""
    with pytest.raises(InputError) as caught:
        parse_deadline(text)
    assert caught.value.key == "schedule.bad_deadline"


def test_deadline_with_an_impossible_time_names_the_time() -> None:
    """ "Montag 25:00" says the time does not exist, which is more helpful than "unreadable"."""
    with pytest.raises(InputError) as caught:
        parse_deadline("Montag 25:00")
    assert caught.value.key == "schedule.impossible_time"


@pytest.mark.parametrize("text", ["24 h nach Beginn", "1 Stunde danach", "2 hours after"])
def test_deadline_after_the_start_is_refused(text: str) -> None:
    """A deadline after the meeting has begun makes no sense and is refused."""
    with pytest.raises(InputError) as caught:
        parse_deadline(text)
    assert caught.value.key == "schedule.deadline_after_start"


# --- federal state, lengths, messages --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"), [("SH", "SH"), ("sh", "SH"), ("Schleswig-Holstein", "SH"), ("by", "BY")]
)
def test_federal_state_is_read_by_code_or_name(text: str, expected: str) -> None:
    """Codes in any case and full state names give the holidays package's code."""
    assert parse_state(text) == expected


def test_unknown_federal_state_is_refused() -> None:
    """A code the holidays package does not know is refused."""
    with pytest.raises(InputError) as caught:
        parse_state("XY")
    assert caught.value.key == "schedule.bad_state"


@pytest.mark.parametrize(
    "parser", [parse_time, parse_weekday, parse_duration, parse_offsets, parse_deadline]
)
def test_overlong_input_is_refused_unread(parser: object) -> None:
    """Answers longer than the limit are refused before any expression looks at them."""
    assert callable(parser)
    with pytest.raises(InputError) as caught:
        parser("9" * (MAX_INPUT_LENGTH + 1))
    assert caught.value.key == "schedule.bad_input_length"


def test_parsers_stay_fast_on_hostile_input() -> None:
    """Inputs built to make backtracking expressions explode are answered at once."""
    hostile = ["1" * 99, "1 " * 49 + "x", "1," * 49 + "x", ":" * 99, "9" + " " * 90 + "x"]
    started = clock.perf_counter()
    for text in hostile:
        for parser in (parse_time, parse_duration, parse_offsets, parse_deadline):
            with pytest.raises(InputError):
                parser(text)
        with pytest.raises(InputError):
            parse_date(text, today=TODAY)
    assert clock.perf_counter() - started < 0.5


def test_every_raised_key_has_german_and_english_text_with_the_same_placeholders() -> None:
    """MESSAGES covers every key the package can raise, in both languages alike."""
    sources = "".join(path.read_text(encoding="utf-8") for path in PACKAGE.glob("*.py"))
    raised = set(re.findall(r"InputError\(\s*\"([a-z_.]+)\"", sources))
    assert len(raised) > 20
    assert raised <= MESSAGES.keys()
    for key, (german, english) in MESSAGES.items():
        assert german
        assert english
        assert _placeholders(german) == _placeholders(english), key


def test_error_values_are_shown_in_each_language() -> None:
    """Dates, times and durations in an error are written the reader's way."""
    error = InputError(
        "schedule.move_into_past", date=date(2026, 4, 6), time=time(9), lead=timedelta(days=1)
    )
    assert error.display_values("de") == {"date": "06.04.2026", "time": "09:00", "lead": "1 Tag"}
    assert error.display_values("en") == {"date": "6 Apr 2026", "time": "09:00", "lead": "1 day"}


@pytest.mark.parametrize(
    ("value", "german", "english"),
    [
        (timedelta(days=1, hours=2), "1 Tag 2 Std.", "1 day 2 h"),
        (timedelta(weeks=2, minutes=5), "2 Wochen 5 Min.", "2 weeks 5 min"),
        (timedelta(minutes=90), "1 Std. 30 Min.", "1 h 30 min"),
    ],
)
def test_durations_are_shown_back_readably(value: timedelta, german: str, english: str) -> None:
    """A parsed duration is shown back in the same words people type."""
    assert format_duration(value, "de") == german
    assert format_duration(value, "en") == english
    assert parse_duration(german) == value
