"""The fields of an offer and the rule for each value, shared by the dialogue and the CSV import.

Every check returns the clean value or a :class:`Problem` (a text key plus values), so the
chat and the import report say the same thing. Place, phone and e-mail are the offer's
organisational contact and are allowed as they are; the free texts (target group,
description) pass the privacy gate, because they could describe a family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

import phonenumbers

from bot.i18n import TextKey, t
from bot.privacy import Allowlist, Finding, scan

#: Fields in the order the dialogue asks for them.
FIELDS: Final = (
    "name",
    "provider",
    "kind",
    "target_group",
    "place",
    "times",
    "phone",
    "email",
    "description",
    "free_of_charge",
)
REQUIRED: Final = frozenset({"name", "provider", "kind"})
OPTIONAL: Final = tuple(name for name in FIELDS if name not in REQUIRED)
#: Longest value per text field, in characters (the columns of :class:`~bot.storage.models.Offer`).
LIMITS: Final = {
    "name": 120,
    "provider": 120,
    "kind": 60,
    "target_group": 200,
    "place": 200,
    "times": 200,
    "phone": 40,
    "email": 254,
    "description": 600,
}
#: Free texts that could describe people: the privacy gate runs on them.
SCREENED: Final = frozenset({"target_group", "description"})
#: Kinds offered as buttons in the dialogue; any other kind may be typed.
SUGGESTED_KINDS: Final = (
    "Sport",
    "Beratung",
    "Elterncafé",
    "Hausaufgabenhilfe",
    "Jugendtreff",
    "Familienbildung",
    "Kultur",
    "Gesundheit",
)
LABELS: Final = {name: TextKey(f"offers.field.{name}") for name in FIELDS}

#: Typed words for "free of charge?" (folded, without punctuation).
YES_WORDS: Final = frozenset(
    {"ja", "j", "yes", "y", "x", "1", "true", "wahr", "kostenlos", "kostenfrei", "gratis", "free"}
)
NO_WORDS: Final = frozenset(
    {"nein", "n", "no", "0", "false", "falsch", "kostenpflichtig", "nicht kostenlos", "paid"}
)
UNKNOWN_WORDS: Final = frozenset({"", "?", "-", "unbekannt", "weiss nicht", "unknown"})
_EMAIL: Final = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?=.{4,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


@dataclass(frozen=True)
class Problem:
    """Why a value was refused: a text key and its values (never the value itself)."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


def _start(finding: Finding) -> int:
    return finding.start


def describe(problem: Problem, language: str) -> str:
    """The problem as a sentence in ``language`` (the kinds of identifier by name)."""
    from bot.topics.intake import ordered_kinds

    values = dict(problem.values)
    if "kinds" in values:
        kinds = values["kinds"]
        assert isinstance(kinds, tuple)
        values["kinds"] = ", ".join(t(language, label) for label in ordered_kinds(kinds))
    return t(language, problem.key, **values)


def clean_text(value: str) -> str:
    """Blanks collapsed, ends trimmed; line breaks kept only in the description."""
    return " ".join(value.split())


def check_text(
    name: str, value: str, *, allow: Allowlist | None = None, multiline: bool = False
) -> str | Problem:
    """A text field: the privacy gate (free texts), then required, then the length."""
    clean = (
        "\n".join(clean_text(line) for line in value.strip().splitlines()).strip()
        if multiline
        else clean_text(value)
    )
    if name in SCREENED and clean:
        kinds = list(dict.fromkeys(f.kind for f in sorted(scan(clean, allow), key=_start)))
        if kinds:
            return Problem("offers.problem.identifying", {"kinds": tuple(kinds)})
    if name in REQUIRED and not any(char.isalnum() for char in clean):
        return Problem("offers.problem.required")
    if len(clean) > LIMITS[name]:
        return Problem("offers.problem.too_long", {"length": len(clean), "limit": LIMITS[name]})
    return clean


def check_phone(value: str, *, region: str = "DE") -> str | Problem:
    """A phone number, checked with ``phonenumbers`` and kept in international format.

    A number without country code is read as German ("040 123456" becomes "+49 40 123456").
    Letters are refused: an organisation's number is digits, and phonenumbers would turn a
    typo such as "040-abc" into the vanity number 040-222.
    """
    clean = clean_text(value)
    if not clean:
        return ""
    if any(char.isalpha() for char in clean):  # phonenumbers would read "abc" as 222
        return Problem("offers.problem.phone")
    try:
        number = phonenumbers.parse(clean, region)
    except phonenumbers.NumberParseException:
        return Problem("offers.problem.phone")
    if not phonenumbers.is_valid_number(number):
        return Problem("offers.problem.phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def check_email(value: str) -> str | Problem:
    """An e-mail address: one @, a plausible local part and a domain with a dot, no blanks.

    Deliberately no mail-server lookup (the bot must not probe the network for an import);
    the pattern refuses the usual typos ("name@domain", "name@@x.de", "a b@x.de").
    """
    clean = value.strip()
    if not clean:
        return ""
    if len(clean) > LIMITS["email"] or not _EMAIL.match(clean) or ".." in clean:
        return Problem("offers.problem.email")
    local, _, domain = clean.rpartition("@")
    return f"{local}@{domain.lower()}"


def check_free(value: str) -> bool | Problem | None:
    """Free of charge: yes, no, or unknown (empty)."""
    from bot.offers.search import fold

    clean = " ".join(fold(value).replace(".", " ").split())
    if clean in YES_WORDS:
        return True
    if clean in NO_WORDS:
        return False
    if clean in UNKNOWN_WORDS:
        return None
    return Problem("offers.problem.free")


def check(name: str, value: str, *, allow: Allowlist | None = None) -> object:
    """Check one typed or imported value of field ``name``: the clean value or a Problem."""
    if name == "phone":
        return check_phone(value)
    if name == "email":
        return check_email(value)
    if name == "free_of_charge":
        return check_free(value)
    return check_text(name, value, allow=allow, multiline=name == "description")
