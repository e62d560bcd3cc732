"""Reading what coordinators type: times, weekdays, dates, durations, reminders, deadlines.

Every parser returns a plain value or raises :class:`InputError`, whose ``key`` is a text key
(``schedule.bad_time``) and whose ``values`` fill the text's placeholders. The wording meant
for each key is in :data:`MESSAGES`, German first, so the handlers can copy it into the
``.po`` catalogues.

The input is user text, so the parsers normalise whitespace first, refuse overlong input
before looking at it, and use only regular expressions without nested quantifiers: their run
time is linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Final

import holidays
from babel.dates import format_date

__all__ = [
    "MAX_INPUT_LENGTH",
    "MAX_OFFSETS",
    "MESSAGES",
    "DeadlineBefore",
    "DeadlineOnWeekday",
    "DeadlineRule",
    "InputError",
    "format_duration",
    "parse_date",
    "parse_deadline",
    "parse_duration",
    "parse_monthly_rule",
    "parse_offsets",
    "parse_state",
    "parse_time",
    "parse_weekday",
]

MAX_INPUT_LENGTH: Final = 100
"""Longer answers are refused unread; no sensible schedule input is that long."""

MAX_OFFSETS: Final = 10
"""More reminders per meeting than this would be noise, not help."""

MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "schedule.bad_input_length": (
        "Diese Angabe ist zu lang (höchstens {max} Zeichen).",
        "This answer is too long (at most {max} characters).",
    ),
    "schedule.bad_time": (
        "„{text}“ verstehe ich nicht als Uhrzeit. Bitte so angeben: 9:00, 9.30 oder 14 Uhr.",
        "I cannot read “{text}” as a time of day. Please write it like 9:00, 9.30 or 14 Uhr.",
    ),
    "schedule.impossible_time": (
        "Die Uhrzeit „{text}“ gibt es nicht: Stunden gehen von 0 bis 23, Minuten von 0 bis 59.",
        "The time “{text}” does not exist: hours run from 0 to 23, minutes from 0 to 59.",
    ),
    "schedule.bad_weekday": (
        "„{text}“ ist kein Wochentag. Bitte z. B. „Dienstag“ oder „Di“ schreiben.",
        "“{text}” is not a day of the week. Please write e.g. “Tuesday” or “Tue”.",
    ),
    "schedule.bad_monthly_rule": (
        "„{text}“ verstehe ich nicht. Bitte z. B. „erster Mittwoch“, „3. Dienstag“ oder "
        "„letzter Freitag“ schreiben.",
        "I cannot read “{text}”. Please write e.g. “first Wednesday”, “3rd Tuesday” or "
        "“last Friday”.",
    ),
    "schedule.bad_date": (
        "„{text}“ verstehe ich nicht als Datum. Bitte so angeben: 31.12., 31.12.2026 oder "
        "31.12.26.",
        "I cannot read “{text}” as a date. Please write it like 31.12., 31.12.2026 or 31.12.26.",
    ),
    "schedule.impossible_date": (
        "Das Datum „{text}“ gibt es nicht im Kalender.",
        "The date “{text}” does not exist in the calendar.",
    ),
    "schedule.date_in_past": (
        "Der {date} liegt in der Vergangenheit. Bitte einen Tag ab heute wählen.",
        "{date} is in the past. Please choose today or a later day.",
    ),
    "schedule.bad_duration": (
        "„{text}“ verstehe ich nicht als Zeitspanne. Beispiele: 30 min, 1,5 Std., 2 Stunden, "
        "1 Tag 2 Stunden.",
        "I cannot read “{text}” as a length of time. Examples: 30 min, 1.5 h, 2 hours, "
        "1 day 2 hours.",
    ),
    "schedule.duration_not_positive": (
        "Die Zeitspanne muss größer als null sein.",
        "The length of time must be more than zero.",
    ),
    "schedule.not_whole_minutes": (
        "„{text}“ ergibt keine ganzen Minuten. Bitte auf die Minute genau angeben.",
        "“{text}” is not a whole number of minutes. Please give it to the minute.",
    ),
    "schedule.no_offsets": (
        "Bitte mindestens eine Erinnerung angeben, z. B. „1 Tag, 1 Stunde“ – oder „keine“.",
        "Please give at least one reminder, e.g. “1 day, 1 hour” – or “none”.",
    ),
    "schedule.too_many_offsets": (
        "Bitte höchstens {max} Erinnerungen pro Termin angeben.",
        "Please give at most {max} reminders per meeting.",
    ),
    "schedule.bad_deadline": (
        "„{text}“ verstehe ich nicht als Einreichungsfrist. Beispiele: „Montag 12:00“ oder "
        "„24 Stunden vorher“.",
        "I cannot read “{text}” as a submission deadline. Examples: “Monday 12:00” or "
        "“24 hours before”.",
    ),
    "schedule.deadline_after_start": (
        "Die Einreichungsfrist muss vor dem Beginn des Termins liegen.",
        "The submission deadline must be before the meeting starts.",
    ),
    "schedule.deadline_too_early": (
        "Die Einreichungsfrist liegt {lead} vor dem Termin und damit weiter zurück als der "
        "Abstand zwischen zwei Terminen ({interval}). Bitte eine kürzere Frist wählen.",
        "The submission deadline is {lead} before the meeting, more than the time between two "
        "meetings ({interval}). Please choose a shorter one.",
    ),
    "schedule.offset_too_long": (
        "Eine Erinnerung {offset} vorher liegt weiter zurück als der Abstand zwischen zwei "
        "Terminen ({interval}). Bitte eine kürzere Zeit wählen.",
        "A reminder {offset} before lies further back than the time between two meetings "
        "({interval}). Please choose a shorter time.",
    ),
    "schedule.duration_too_long": (
        "Ein Termin darf höchstens {max} dauern.",
        "A meeting may last at most {max}.",
    ),
    "schedule.case_longer_than_meeting": (
        "Pro Fall sind {case} vorgesehen, der Termin dauert aber nur {duration}.",
        "Each case is given {case}, but the meeting lasts only {duration}.",
    ),
    "schedule.bad_quorum": (
        "Für das Quorum braucht es mindestens eine Person aus dem ASD.",
        "The quorum needs at least one ASD member.",
    ),
    "schedule.bad_state": (
        "„{text}“ ist kein Bundesland. Bitte das Kürzel angeben, z. B. SH, HH oder NI.",
        "“{text}” is not a German federal state. Please give its code, e.g. SH, HH or NI.",
    ),
    "schedule.end_before_start": (
        "Die Reihe endet ({end}) vor ihrem ersten Termin ({start}). Bitte die Daten prüfen.",
        "The series ends ({end}) before its first date ({start}). Please check the dates.",
    ),
    "schedule.pause_end_before_start": (
        "Die Pause endet ({end}) vor ihrem Beginn ({start}). Bitte die Daten prüfen.",
        "The break ends ({end}) before it begins ({start}). Please check the dates.",
    ),
    "schedule.not_a_series_date": (
        "Am {date} ist kein Termin dieser Reihe.",
        "There is no meeting of this series on {date}.",
    ),
    "schedule.already_cancelled": (
        "Der Termin am {date} ist bereits abgesagt.",
        "The meeting on {date} is already cancelled.",
    ),
    "schedule.move_into_past": (
        "Der neue Termin am {date} um {time} Uhr läge in der Vergangenheit.",
        "The new time, {date} at {time}, would be in the past.",
    ),
    "schedule.move_onto_holiday": (
        "Der {date} ist ein Feiertag ({holiday}). Bitte einen anderen Tag wählen.",
        "{date} is a public holiday ({holiday}). Please choose another day.",
    ),
    "schedule.move_onto_occurrence": (
        "Am {date} findet schon ein Termin dieser Reihe statt. Bitte einen anderen Tag wählen.",
        "There is already a meeting of this series on {date}. Please choose another day.",
    ),
}


class InputError(ValueError):
    """Input that cannot be used; ``key`` names the text that explains why.

    Args:
        message_key: A key of :data:`MESSAGES` (and of the ``.po`` catalogues).
        **values: The placeholders of that text. Dates, times and durations stay typed here,
            so each language can show them its own way (see :meth:`display_values`).
    """

    def __init__(self, message_key: str, /, **values: object) -> None:
        super().__init__(message_key)
        self.key = message_key
        self.values: dict[str, object] = values

    def __repr__(self) -> str:
        return f"InputError({self.key!r}, **{self.values!r})"

    def display_values(self, language: str) -> dict[str, str]:
        """The placeholder values as text for ``language`` (``de`` or ``en``)."""
        return {name: _display(value, language) for name, value in self.values.items()}


def _display(value: object, language: str) -> str:
    if isinstance(value, timedelta):
        return format_duration(value, language)
    if isinstance(value, date):
        pattern = "d MMM yyyy" if language == "en" else "dd.MM.yyyy"
        return format_date(value, pattern, locale="en" if language == "en" else "de")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


_DURATION_WORDS: Final = {
    "de": (("Woche", "Wochen"), ("Tag", "Tage"), ("Std.", "Std."), ("Min.", "Min.")),
    "en": (("week", "weeks"), ("day", "days"), ("h", "h"), ("min", "min")),
}


def format_duration(value: timedelta, language: str = "de") -> str:
    """``1 Tag 2 Std.`` / ``1 day 2 h``: how reminders and durations are shown back."""
    minutes = int(value.total_seconds()) // 60
    words = _DURATION_WORDS["en" if language == "en" else "de"]
    parts = []
    for (singular, plural), size in zip(words, (7 * 24 * 60, 24 * 60, 60, 1), strict=True):
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count} {singular if count == 1 else plural}")
    return " ".join(parts) or f"0 {words[-1][1]}"


def _normalise(text: str) -> str:
    """Lower case, single spaces; refuses overlong text before anything else reads it."""
    if len(text) > MAX_INPUT_LENGTH:
        raise InputError("schedule.bad_input_length", max=MAX_INPUT_LENGTH)
    return " ".join(text.split()).casefold()


# --- time of day -----------------------------------------------------------------------------

_TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(?: ?uhr| ?h)?")


def parse_time(text: str) -> time:
    """``9``, ``9:00``, ``09.00``, ``9 Uhr``, ``9:30 Uhr`` → a wall-clock time."""
    clean = _normalise(text)
    match = _TIME.fullmatch(clean)
    if match is None:
        raise InputError("schedule.bad_time", text=text.strip())
    hour = int(match.group(1))
    minute = int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise InputError("schedule.impossible_time", text=text.strip())
    return time(hour, minute)


# --- weekdays --------------------------------------------------------------------------------

_WEEKDAY_NAMES: Final = (
    ("montag", "montags", "mo", "mon", "monday", "mondays"),
    ("dienstag", "dienstags", "di", "tue", "tues", "tuesday", "tuesdays"),
    ("mittwoch", "mittwochs", "mi", "wed", "wednesday", "wednesdays"),
    ("donnerstag", "donnerstags", "do", "thu", "thur", "thurs", "thursday", "thursdays"),
    ("freitag", "freitags", "fr", "fri", "friday", "fridays"),
    ("samstag", "samstags", "sonnabend", "sonnabends", "sa", "sat", "saturday", "saturdays"),
    ("sonntag", "sonntags", "so", "sun", "sunday", "sundays"),
)
_WEEKDAYS: Final = {name: index for index, names in enumerate(_WEEKDAY_NAMES) for name in names}


def _weekday_or_none(word: str) -> int | None:
    return _WEEKDAYS.get(word.rstrip(".,"))


def parse_weekday(text: str) -> int:
    """``Dienstag``, ``Di``, ``Di.``, ``dienstags``, ``Tuesday`` → 1 (Monday is 0)."""
    weekday = _weekday_or_none(_normalise(text))
    if weekday is None:
        raise InputError("schedule.bad_weekday", text=text.strip())
    return weekday


_ORDINALS: Final = {
    "1": 1, "1.": 1, "erster": 1, "erste": 1, "ersten": 1, "first": 1, "1st": 1,
    "2": 2, "2.": 2, "zweiter": 2, "zweite": 2, "zweiten": 2, "second": 2, "2nd": 2,
    "3": 3, "3.": 3, "dritter": 3, "dritte": 3, "dritten": 3, "third": 3, "3rd": 3,
    "4": 4, "4.": 4, "vierter": 4, "vierte": 4, "vierten": 4, "fourth": 4, "4th": 4,
    "letzter": -1, "letzte": -1, "letzten": -1, "last": -1,
}  # fmt: skip
_MONTH_SUFFIXES: Final = ("im monat", "des monats", "jeden monats", "of the month", "monthly")


def parse_monthly_rule(text: str) -> tuple[int, int]:
    """``erster Mittwoch`` / ``3. Di`` / ``last Friday`` → ``(nth, weekday)``; nth -1 is last.

    A fifth weekday exists only in some months, so only 1 to 4 and "last" are offered.
    """
    clean = _normalise(text)
    for suffix in _MONTH_SUFFIXES:
        clean = clean.removesuffix(suffix).strip()
    clean = clean.removeprefix("jeden ").removeprefix("jeder ").removeprefix("every ")
    words = clean.split(" ")
    if len(words) == 2 and words[0] in _ORDINALS:
        weekday = _weekday_or_none(words[1])
        if weekday is not None:
            return _ORDINALS[words[0]], weekday
    raise InputError("schedule.bad_monthly_rule", text=text.strip())


# --- dates -----------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2})?)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEARS_TO_SEARCH: Final = 8  # 29 February comes back within eight years


def parse_date(text: str, *, today: date, allow_past: bool = False) -> date:
    """``31.12.``, ``31.12.2026``, ``31.12.26`` (or ``2026-12-31``) → a date.

    A date without a year is the next such date that is not in the past relative to
    ``today`` (``29.02.`` finds the next leap year). A date with a year that lies before
    ``today`` is refused unless ``allow_past``.
    """
    clean = _normalise(text)
    shown = text.strip()
    year_text: str | None
    if (match := _DATE.fullmatch(clean)) is not None:
        day_text, month_text, year_text = match.group(1), match.group(2), match.group(3)
    elif (match := _ISO_DATE.fullmatch(clean)) is not None:
        year_text, month_text, day_text = match.group(1), match.group(2), match.group(3)
    else:
        raise InputError("schedule.bad_date", text=shown)
    day, month = int(day_text), int(month_text)
    if year_text is None:
        for year in range(today.year, today.year + _YEARS_TO_SEARCH + 1):
            candidate = _date_or_none(year, month, day)
            if candidate is not None and candidate >= today:
                return candidate
        raise InputError("schedule.impossible_date", text=shown)
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    result = _date_or_none(year, month, day)
    if result is None:
        raise InputError("schedule.impossible_date", text=shown)
    if result < today and not allow_past:
        raise InputError("schedule.date_in_past", date=result)
    return result


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# --- durations and reminder offsets ----------------------------------------------------------

_MINUTES_PER_UNIT: Final = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minuten", "minutes", "'"), 1),
    **dict.fromkeys(("h", "std", "stunde", "stunden", "stdn", "hour", "hours", "hr", "hrs"), 60),
    **dict.fromkeys(("d", "t", "tag", "tage", "tagen", "day", "days"), 24 * 60),
    **dict.fromkeys(("w", "wo", "woche", "wochen", "week", "weeks", "wk", "wks"), 7 * 24 * 60),
}
# Tokens: a number (at most 5 digits, at most 3 decimals), a word, or any other single sign.
# No quantifier is nested, and finditer walks the text once.
_TOKEN = re.compile(r"\d{1,5}(?:[.,]\d{1,3})?|[a-zäöüß]+\.?|\S")
_BEFORE_SUFFIXES: Final = (
    "vor beginn",
    "vor dem beginn",
    "vor dem termin",
    "vor der beratung",
    "vor der sitzung",
    "vor start",
    "vorher",
    "zuvor",
    "davor",
    "before the start",
    "before the meeting",
    "before start",
    "before",
    "in advance",
    "earlier",
)
_NONE_WORDS: Final = frozenset({"keine", "kein", "keins", "none", "no", "nein", "-"})


def parse_duration(text: str) -> timedelta:
    """``30``, ``30 min``, ``1 h``, ``1,5 Std.``, ``1 Tag 2 Stunden``, ``90 Minuten``.

    A bare number means minutes. Several parts add up. The result must be a positive whole
    number of minutes: reminders and meetings are planned to the minute.
    """
    clean = _normalise(text)
    shown = text.strip()
    if clean.startswith(("-", "minus ")):
        raise InputError("schedule.duration_not_positive")
    tokens = [match.group(0) for match in _TOKEN.finditer(clean)]
    if not tokens:
        raise InputError("schedule.bad_duration", text=shown)
    if len(tokens) == 1 and tokens[0][0].isdigit():
        tokens.append("min")
    total = Decimal(0)
    position = 0
    while position < len(tokens):
        number = tokens[position]
        unit = tokens[position + 1].rstrip(".") if position + 1 < len(tokens) else ""
        if not number[0].isdigit() or unit not in _MINUTES_PER_UNIT:
            raise InputError("schedule.bad_duration", text=shown)
        total += Decimal(number.replace(",", ".")) * _MINUTES_PER_UNIT[unit]
        position += 2
    if total <= 0:
        raise InputError("schedule.duration_not_positive")
    if total != total.to_integral_value():
        raise InputError("schedule.not_whole_minutes", text=shown)
    return timedelta(minutes=int(total))


def _strip_before(clean: str) -> str:
    for suffix in _BEFORE_SUFFIXES:
        if clean.endswith(" " + suffix):
            return clean.removesuffix(suffix).strip()
    return clean


_LIST_SEPARATOR = re.compile(r"[;\n]|,(?!\d)|(?<!\d),")


def parse_offsets(text: str) -> list[timedelta]:
    """``1 Tag, 1 Stunde`` / ``1 Tag; 2 h`` / ``keine`` → reminder offsets, earliest first.

    A comma between two digits is a decimal comma (``1,5 Std.``), any other comma, a
    semicolon or a new line separates reminders. Duplicates (``1 Tag, 24 h``) count once.
    """
    if len(text) > MAX_INPUT_LENGTH:
        raise InputError("schedule.bad_input_length", max=MAX_INPUT_LENGTH)
    if _normalise(text) in _NONE_WORDS:
        return []
    parts = [part for part in _LIST_SEPARATOR.split(text) if part.strip()]
    if not parts:
        raise InputError("schedule.no_offsets")
    offsets = {parse_duration(_strip_before(_normalise(part))) for part in parts}
    if len(offsets) > MAX_OFFSETS:
        raise InputError("schedule.too_many_offsets", max=MAX_OFFSETS)
    return sorted(offsets, reverse=True)


# --- submission deadline ---------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineOnWeekday:
    """Cases are due on ``weekday`` at ``at``: the last such moment before the meeting starts.

    For a Tuesday meeting, "Montag 12:00" is the Monday just before it and "Freitag 12:00"
    the Friday of the week before.
    """

    weekday: int
    at: time


@dataclass(frozen=True)
class DeadlineBefore:
    """Cases are due ``lead`` before the meeting starts (whole days count in calendar days)."""

    lead: timedelta


DeadlineRule = DeadlineOnWeekday | DeadlineBefore

_AFTER_WORDS: Final = frozenset({"nach", "nachher", "danach", "after", "later", "später"})


def parse_deadline(text: str) -> DeadlineRule:
    """``Montag 12:00`` / ``Mo 12 Uhr`` / ``24 h vorher`` / ``24 Stunden vor Beginn``."""
    clean = _normalise(text)
    shown = text.strip()
    words = clean.split(" ")
    if _AFTER_WORDS.intersection(words):
        raise InputError("schedule.deadline_after_start")
    weekday = _weekday_or_none(words[0]) if words[0] else None
    if weekday is not None:
        rest = words[1:]
        if rest and rest[0] in ("um", "at", "bis", "by"):
            rest = rest[1:]
        if not rest:
            raise InputError("schedule.bad_deadline", text=shown)
        return DeadlineOnWeekday(weekday, parse_time(" ".join(rest)))
    try:
        return DeadlineBefore(parse_duration(_strip_before(clean)))
    except InputError as error:
        if error.key == "schedule.bad_duration":
            raise InputError("schedule.bad_deadline", text=shown) from None
        raise


# --- federal state ---------------------------------------------------------------------------

_STATE_NAMES: Final = {
    "baden-württemberg": "BW",
    "bayern": "BY",
    "berlin": "BE",
    "brandenburg": "BB",
    "bremen": "HB",
    "hamburg": "HH",
    "hessen": "HE",
    "mecklenburg-vorpommern": "MV",
    "niedersachsen": "NI",
    "nordrhein-westfalen": "NW",
    "rheinland-pfalz": "RP",
    "saarland": "SL",
    "sachsen": "SN",
    "sachsen-anhalt": "ST",
    "schleswig-holstein": "SH",
    "thüringen": "TH",
}


def parse_state(text: str) -> str:
    """``SH`` or ``Schleswig-Holstein`` → ``SH``: the code the ``holidays`` package knows."""
    clean = _normalise(text)
    code = _STATE_NAMES.get(clean, clean.upper())
    if code not in holidays.Germany.subdivisions:
        raise InputError("schedule.bad_state", text=text.strip())
    return code
