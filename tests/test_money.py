"""Amounts typed the German way: parsed strictly, ambiguities returned, formatted with Babel."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.money import (
    MAX_CENTS,
    Ambiguous,
    Amount,
    Invalid,
    format_cents,
    format_plain,
    parse_amount,
    to_decimal,
)

NBSP = "\u00a0"
cents_in_range = st.integers(min_value=1, max_value=MAX_CENTS)


@given(cents_in_range)
def test_german_format_parses_back(cents: int) -> None:
    """Whatever the bot shows in German, a user can type back and get the same cents."""
    assert parse_amount(format_cents(cents)) == Amount(cents)


@given(cents_in_range)
def test_plain_format_parses_back(cents: int) -> None:
    """The CSV cell form ("1250,50") is a valid amount too."""
    assert parse_amount(format_plain(cents)) == Amount(cents)


@given(cents_in_range)
def test_grouped_without_currency_parses_back(cents: int) -> None:
    """German grouping with points and no currency sign is read without asking."""
    text = format_cents(cents).replace(NBSP + "€", "")
    assert parse_amount(text) == Amount(cents)


@given(st.integers(min_value=MAX_CENTS + 1, max_value=10**12))
def test_beyond_the_maximum_is_too_large(cents: int) -> None:
    """More than 1.000.000,00 € is refused, however it is written."""
    assert parse_amount(format_cents(cents)) == Invalid("too_large")


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=99))
def test_point_with_two_decimals_is_always_ambiguous(euros: int, cents: int) -> None:
    """A point before two digits may be an English decimal point or a slip: the bot asks."""
    parsed = parse_amount(f"{euros}.{cents:02d}")
    assert isinstance(parsed, Ambiguous)
    assert parsed.options[0] == euros * 100 + cents
    assert parsed.options[1] == int(f"{euros}{cents:02d}") * 100


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("250", 25000),
        ("250,50", 25050),
        ("1.250,50", 125050),
        ("1250,5 €", 125050),
        ("EUR 80", 8000),
        ("80 Euro", 8000),
        ("80euro", 8000),
        ("€ 12,3", 1230),
        ("250,-", 25000),
        ("250,--", 25000),
        ("1 250,50", 125050),
        (f"1{NBSP}250,50{NBSP}€", 125050),
        ("  42  ", 4200),
        (",50", 50),
        ("0,01", 1),
        ("1.000.000", MAX_CENTS),
        ("1.000.000,00 €", MAX_CENTS),
        ("1.255", 125500),
        ("0.50", 50),
    ],
)
def test_plain_german_amounts(text: str, cents: int) -> None:
    """The forms the issue lists, and their everyday variants, read without asking."""
    assert parse_amount(text) == Amount(cents)


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("250.50", (25050, 2505000)),
        ("250.5", (25050, 250500)),
        ("1.250", (125000, 125)),
        ("250.500", (25050000, 25050)),
        ("1.250 €", (125000, 125)),
    ],
)
def test_ambiguous_amounts_offer_both_readings(text: str, options: tuple[int, ...]) -> None:
    """A point that may be a decimal point is never guessed; the likelier reading comes first."""
    assert parse_amount(text) == Ambiguous(options)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("€", "empty"),
        ("-5", "negative"),
        ("−12,50 €", "negative"),
        ("- 1.250,00", "negative"),
        ("-250.50", "negative"),
        ("0", "zero"),
        ("0,00", "zero"),
        ("0,00 €", "zero"),
        ("1,255", "too_many_decimals"),
        ("12,345", "too_many_decimals"),
        ("250,500", "too_many_decimals"),
        ("1250.555", "too_many_decimals"),
        ("abc", "not_a_number"),
        ("zwölf", "not_a_number"),
        ("+5", "not_a_number"),
        ("5e3", "not_a_number"),
        ("1,250.50", "not_a_number"),
        ("1.25.0", "not_a_number"),
        ("12,5,0", "not_a_number"),
        ("12 5", "not_a_number"),
        ("-", "not_a_number"),
        ("12.50.", "not_a_number"),
        ("USD 5", "not_a_number"),
        ("1000001", "too_large"),
        ("1.000.000,01", "too_large"),
        ("9999999.99", "too_large"),
    ],
)
def test_invalid_amounts_name_their_reason(text: str, reason: str) -> None:
    """Each refused form has one reason the chat turns into a clear German text."""
    assert parse_amount(text) == Invalid(reason)  # type: ignore[arg-type]


def test_formats_german_and_english() -> None:
    """German shows "1.250,50 €" with a no-break space; English "€1,250.50"."""
    assert format_cents(125050) == f"1.250,50{NBSP}€"
    assert format_cents(125050, "en") == "€1,250.50"
    assert format_cents(-5) == f"-0,05{NBSP}€"
    assert format_cents(0) == f"0,00{NBSP}€"


def test_plain_and_decimal_forms() -> None:
    """CSV cells carry a decimal comma and no grouping; spreadsheets get exact Decimals."""
    assert format_plain(125050) == "1250,50"
    assert format_plain(-5) == "-0,05"
    assert to_decimal(125050) == Decimal("1250.50")
