"""Checks of single values in a structure file; the validator adds table and line."""

from __future__ import annotations

from typing import Any

from bot.money import Ambiguous, Amount, format_cents, parse_amount
from bot.structure.spec import (
    EMERGENCY_CONTACT_MAX,
    FILE_MAX_CENTS,
    GERMAN_STATES,
    KEY_MAX,
    KEY_RE,
    NAME_MAX,
    YEAR_MAX,
    YEAR_MIN,
)


class InvalidValueError(Exception):
    """A value is wrong; the validator adds which table and line."""


def check_text(value: Any, *, limit: int = NAME_MAX) -> str:
    if not isinstance(value, str):
        raise InvalidValueError("Hier muss ein Text in Anführungszeichen stehen.")
    text = value.strip()
    if not text:
        raise InvalidValueError("Der Text darf nicht leer sein.")
    if len(text) > limit:
        raise InvalidValueError(f"Der Text ist zu lang ({len(text)} Zeichen, höchstens {limit}).")
    return text


def check_name(value: Any) -> str:
    """A display name: 1–200 characters on one line, surrounding blanks removed."""
    text = check_text(value)
    if "\n" in text or "\r" in text:
        raise InvalidValueError("Der Name muss in eine Zeile passen.")
    return text


def check_key(value: Any) -> str:
    """A key: what the database stores as slug and other tables use to refer."""
    if not isinstance(value, str):
        raise InvalidValueError("Hier muss ein Text in Anführungszeichen stehen.")
    if not KEY_RE.fullmatch(value):
        raise InvalidValueError(
            f"»{value}« ist ungültig: erlaubt sind nur Kleinbuchstaben a–z, Ziffern und »-«"
            f" (1 bis {KEY_MAX} Zeichen)."
        )
    return value


def check_state(value: Any) -> str:
    """A state code, for public holidays; a typo here would silently skip holidays."""
    if not isinstance(value, str) or value not in GERMAN_STATES:
        shown = value if isinstance(value, str) else repr(value)
        raise InvalidValueError(
            f"»{shown}« ist kein Bundesland-Kürzel. Erlaubt sind: {', '.join(GERMAN_STATES)}."
        )
    return value


def check_emergency_contact(value: Any) -> str:
    """The § 8a procedure text; required because the bot must always be able to show it."""
    return check_text(value, limit=EMERGENCY_CONTACT_MAX)


def check_areas(value: Any) -> tuple[str, ...]:
    """Names of the districts or municipalities a social space covers."""
    if not isinstance(value, list):
        raise InvalidValueError('Hier muss eine Liste stehen, z. B. ["Garstedt"].')
    areas: list[str] = []
    for item in value:
        try:
            area = check_name(item)
        except InvalidValueError as err:
            raise InvalidValueError(f"Ein Eintrag der Liste ist ungültig: {err}") from None
        if area in areas:
            raise InvalidValueError(f"»{area}« steht doppelt in der Liste.")
        areas.append(area)
    return tuple(areas)


def check_year(value: Any) -> int:
    """A budget year, as a plain number."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValueError("Das Jahr muss eine Zahl ohne Anführungszeichen sein, z. B. 2026.")
    if not YEAR_MIN <= value <= YEAR_MAX:
        raise InvalidValueError(f"{value} ist kein sinnvolles Haushaltsjahr.")
    return value


_AMOUNT_REASONS = {
    "empty": "Der Betrag ist leer.",
    "negative": "Der Betrag darf nicht negativ sein.",
    "too_many_decimals": "Ein Betrag hat höchstens zwei Nachkommastellen.",
    "not_a_number": "Das ist kein Betrag.",
    "too_large": f"Der Betrag ist zu groß (höchstens {format_cents(FILE_MAX_CENTS)}).",
}


def check_amount(value: Any) -> int:
    """An amount in cents, written the German way as text ("9.360,00"); 0 is allowed.

    Numbers without quotes are refused: ``9.360`` would be nine euros in TOML, the opposite
    of what a German reader means. Ambiguous forms ("1.250", "250.50") are refused too.
    """
    example = 'Beträge bitte als Text schreiben, z. B. "9.360,00".'
    if isinstance(value, bool) or not isinstance(value, str):
        raise InvalidValueError(f"Hier muss ein Betrag in Anführungszeichen stehen. {example}")
    parsed = parse_amount(value, max_cents=FILE_MAX_CENTS)
    if isinstance(parsed, Amount):
        return parsed.cents
    if isinstance(parsed, Ambiguous):
        readings = " oder ".join(format_cents(c).replace("\u00a0", " ") for c in parsed.options)
        raise InvalidValueError(
            f"»{value.strip()}« ist mehrdeutig ({readings}?). Bitte mit Komma für die Cent"
            ' schreiben, z. B. "1.250,00".'
        )
    if parsed.reason == "zero":
        return 0
    raise InvalidValueError(f"»{value.strip()}«: {_AMOUNT_REASONS[parsed.reason]} {example}")
