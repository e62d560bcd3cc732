"""Dates and ages.

The gate cannot tell a birth date from an appointment, so every date with a day is
reported ("03.05.2019", "3.5.19", "2019-05-03", "3. Mai 2019", "am 3. Mai", "12.03."). A
month or a year alone ("im Mai", "seit März 2023", "seit 2019") passes, unless a birth is
mentioned next to it ("im März 2019 geboren", "geb. 03/2016"). Times ("14.30 Uhr") fail
the month check and pass.

Ages are collected here but reported by :mod:`bot.privacy.gate` only next to another
identifier: the consultation needs ages, and an age alone identifies nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from bot.privacy.structured import Hit

_MONTHS: Final = (
    r"Januar|Jänner|Februar|März|Maerz|April|Mai|Juni|Juli|August|September|Oktober"
    r"|November|Dezember"
)
_MONTH_ABBREVIATIONS: Final = r"Jan|Feb|Mär|Mrz|Apr|Jun|Jul|Aug|Sept|Sep|Okt|Nov|Dez"

_NUMERIC_DATE: Final = re.compile(r"(?<![\w.,/-])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?(?!\d)")
_SLASH_DATE: Final = re.compile(r"(?<![\w./-])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\w/])")
_ISO_DATE: Final = re.compile(r"(?<![\w.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])")
_WORD_DATE: Final = re.compile(
    r"(?i)(?<![\w.,])(\d{1,2})\.? {0,2}(?:"
    + _MONTHS
    + r"|(?:"
    + _MONTH_ABBREVIATIONS
    + r")\.?)(?![^\W\d_])(?: {0,2}(\d{4})(?!\d))?"
)
_MONTH_YEAR: Final = re.compile(r"(?i)(?<![\w.])(?:" + _MONTHS + r") {1,2}(\d{4})(?!\d)")
_NUMERIC_MONTH_YEAR: Final = re.compile(r"(?<![\w./-])(\d{1,2})[/.](\d{4})(?![\w/-]|[.,]\d)")
_BIRTH: Final = re.compile(r"(?i)\bgeb\b|geboren|geburt|jahrgang|\*")


def _valid_day_month(day: str, month: str) -> bool:
    return 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def find_dates(text: str) -> Iterator[Hit]:
    """Dates with a day, and month-and-year next to a mention of a birth."""
    for match in _NUMERIC_DATE.finditer(text):
        if _valid_day_month(match.group(1), match.group(2)):
            yield "date", match.start(), match.end()
    for match in _SLASH_DATE.finditer(text):
        if _valid_day_month(match.group(1), match.group(2)):
            yield "date", match.start(), match.end()
    for match in _ISO_DATE.finditer(text):
        year, month, day = match.groups()
        if 1900 <= int(year) <= 2100 and _valid_day_month(day, month):
            yield "date", match.start(), match.end()
    for match in _WORD_DATE.finditer(text):
        if 1 <= int(match.group(1)) <= 31:
            yield "date", match.start(), match.end()
    for pattern in (_MONTH_YEAR, _NUMERIC_MONTH_YEAR):
        for match in pattern.finditer(text):
            if pattern is _NUMERIC_MONTH_YEAR and not 1 <= int(match.group(1)) <= 12:
                continue
            window_start = max(0, match.start() - 40)
            window_end = min(len(text), match.end() + 40)
            if _BIRTH.search(text, window_start, window_end):
                yield "date", match.start(), match.end()


_NUMBER_WORDS: Final = (
    r"ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|dreizehn|vierzehn"
    r"|fünfzehn|sechzehn|siebzehn|achtzehn"
)
_AGE_PATTERNS: Final = (
    # "7-jährige", "14-Jährige", "3 jähriger"
    re.compile(r"(?<![\w.,-])\d{1,2} ?-? ?[jJ]ährig[a-z]{0,2}"),
    # "siebenjährige"
    re.compile(r"(?i)(?<![\w-])(?:" + _NUMBER_WORDS + r")jährig[a-z]{0,2}"),
    # "7 Jahre alt", "45 Jahre alt"
    re.compile(r"(?<![\w.,])\d{1,2} ?(?:Jahre|Jahren|J\.) ?alt\b"),
    # "im Alter von 6 Jahren"
    re.compile(r"(?i)(?<=\balter von )\d{1,2}(?: ?jahren)?"),
    # "(7)", "(34)", "(12 J.)"
    re.compile(r"(?<![\w.,])\( ?\d{1,2} ?(?:J\.|Jahre)? ?\)"),
    # "(Jannik, 11)", "Kevin, 10 Jahre,"
    re.compile(r"(?<=[^\W\d_], )\d{1,2}(?: ?(?:Jahre|J\.))?(?= ?[,)])"),
    # "ist 9 und", "wird dann 12.", "war damals 13."
    re.compile(
        r"(?:(?<=\bist )|(?<=\bwar )|(?<=\bwird )|(?<=\bsind ))"
        r"(?:(?:dann|jetzt|bald|schon|erst|gerade|damals|inzwischen|fast|knapp|noch|nun) )?"
        r"\d{1,2}(?= ?(?:[.,;)!?]|$| und\b| Jahre\b))"
    ),
)


def find_ages(text: str) -> Iterator[Hit]:
    """Exact ages of people ("7-jährige", "ist 14 Jahre alt", "Sohn (7)")."""
    for pattern in _AGE_PATTERNS:
        for match in pattern.finditer(text):
            yield "age", match.start(), match.end()
