"""Money as integer cents: German amounts parsed strictly, shown the German way with Babel.

Users type amounts on a phone ("250", "1.250,50", "1250,5 €", "EUR 80"). A point is a
thousands separator in German but a decimal point in English, so "250.50" and "1.250" are
ambiguous: the parser never guesses, it returns both readings and the bot asks back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from babel.numbers import format_currency

MAX_CENTS = 100_000_000
"""The largest amount anyone may type: 1.000.000,00 €."""

InvalidReason = Literal[
    "empty", "negative", "zero", "too_many_decimals", "not_a_number", "too_large"
]


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount read without doubt, in cents (1 ≤ cents ≤ MAX_CENTS)."""

    cents: int


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """Two readings are possible; ``options`` in cents, the likelier first."""

    options: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Invalid:
    """The text is no usable amount; ``reason`` maps to the text ``budget.amount.<reason>``."""

    reason: InvalidReason


Parsed = Amount | Ambiguous | Invalid

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_CURRENCY = re.compile(r"^(?:euro|eur|€)|(?:euro|eur|€)$", re.IGNORECASE)
_MINUS = ("-", "\u2212", "\u2013")
_DIGITS = re.compile(r"\d+")
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _strip_currency(text: str) -> str:
    """Remove one leading and one trailing currency word or sign ("EUR 80", "80 Euro")."""
    before = None
    while before != text:
        before = text
        text = _CURRENCY.sub("", text, count=1).strip()
    return text


def _euros(integer: str) -> int | None:
    """Whole euros of an integer part: plain digits or correctly grouped thousands."""
    if integer == "":
        return 0
    if _DIGITS.fullmatch(integer):
        return int(integer)
    if _GROUPED.fullmatch(integer):
        return int(integer.replace(".", ""))
    return None


def _fraction_cents(fraction: str) -> int | None:
    """Cents of one or two decimal digits; None when more digits carry value."""
    if len(fraction) > 2 and fraction[2:].strip("0"):
        return None
    return int((fraction + "00")[:2]) if fraction else 0


def _readings(number: str) -> list[int] | InvalidReason:
    """All sensible readings of an unsigned number in cents, the likelier first."""
    if not number:
        return "empty"
    number = re.sub(r",-{1,2}$", ",", number)
    if not re.fullmatch(r"[\d.,]+", number) or not any(ch.isdigit() for ch in number):
        return "not_a_number"
    if number.count(",") > 1:
        return "not_a_number"
    if "," in number:
        integer, fraction = number.split(",")
        if not re.fullmatch(r"\d*", fraction):
            return "not_a_number"
        euros = _euros(integer)
        if euros is None:
            return "not_a_number"
        if len(fraction) > 2:
            return "too_many_decimals"
        cents = _fraction_cents(fraction)
        assert cents is not None
        return [euros * 100 + cents]
    if "." not in number:
        return [int(number) * 100]
    if number.count(".") > 1:
        euros = _euros(number)
        return "not_a_number" if euros is None else [euros * 100]
    integer, fraction = number.split(".")
    if not integer or not fraction:
        return "not_a_number"
    if len(fraction) == 3 and len(integer) <= 3:
        # German thousands ("1.250") first; the decimal point reading only where it loses nothing.
        readings = [int(integer + fraction) * 100]
        decimal = _fraction_cents(fraction)
        if decimal is not None:
            readings.append(int(integer) * 100 + decimal)
        return readings
    if len(fraction) > 2:
        return "too_many_decimals"
    decimal = _fraction_cents(fraction)
    assert decimal is not None
    readings = [int(integer) * 100 + decimal]
    if not integer.startswith("0"):
        readings.append(int(integer + fraction) * 100)
    return readings


def parse_amount(text: str, *, max_cents: int = MAX_CENTS) -> Parsed:
    """Read a typed amount; ambiguous forms come back with their readings, never guessed.

    ``max_cents`` is raised only for administrators' files (a whole reserve may exceed the
    1.000.000,00 € a person may ask for).
    """
    cleaned = _SPACES.sub(" ", text or "").strip()
    if not cleaned:
        return Invalid("empty")
    cleaned = _strip_currency(cleaned)
    negative = cleaned.startswith(_MINUS)
    if negative:
        cleaned = _strip_currency(cleaned[1:].strip())
    number = cleaned.replace(" ", "")
    if number == "" and negative:
        return Invalid("not_a_number")
    if re.fullmatch(r"\d{1,3}(?: \d{3})+(?:,\d*)?", cleaned):
        number = cleaned.replace(" ", ".", cleaned.count(" "))
    elif " " in cleaned:
        return Invalid("not_a_number")
    readings = _readings(number)
    if isinstance(readings, str):
        return Invalid(readings)
    if negative and any(readings):
        return Invalid("negative")
    if not any(readings):
        return Invalid("zero")
    fitting = tuple(dict.fromkeys(r for r in readings if 0 < r <= max_cents))
    if not fitting:
        return Invalid("too_large")
    if len(fitting) == 1:
        return Amount(fitting[0])
    return Ambiguous(fitting)


def format_cents(cents: int, language: str = "de") -> str:
    """``1.250,50 €`` in German (a no-break space before €), ``€1,250.50`` in English."""
    locale = "de_DE" if language.startswith("de") else "en"
    return format_currency(Decimal(cents).scaleb(-2), "EUR", locale=locale)


def format_plain(cents: int) -> str:
    """``1250,50``: the German decimal comma without grouping or sign, for CSV cells."""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole},{rest:02d}"


def to_decimal(cents: int) -> Decimal:
    """Euros as an exact Decimal, for spreadsheets that need a number, not a text."""
    return Decimal(cents).scaleb(-2)
