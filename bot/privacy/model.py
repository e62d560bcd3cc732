"""The gate's vocabulary: what a finding is, which kinds exist, and what callers allow."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

#: Every kind of identifier the gate reports, in the order the documentation lists them.
KINDS: Final = (
    "name",
    "date",
    "age",
    "phone",
    "email",
    "address",
    "postcode",
    "iban",
    "tax_id",
    "social_insurance",
    "health_insurance",
    "file_number",
    "licence_plate",
    "url",
    "handle",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One suspected identifier: its kind and the character offsets ``[start, end)``.

    The finding never carries the matched text, so it can be logged, stored or shown
    without repeating what it points at.
    """

    kind: str
    start: int
    end: int


# Separators between alternative names inside one configured name, e.g.
# "Friedrichsgabe / Harksheide-Nord" or "Sozialwerk (Familienzentrum Glashütte)".
_ALTERNATIVES = re.compile(r"\s*[/(),;]\s*")


@dataclass(frozen=True, slots=True)
class Allowlist:
    """Words and phrases that always pass, supplied by the caller.

    Typically the organisation's social-space, district, team and provider names and the
    bot's case codes. Terms match case-insensitively on word boundaries; a multi-word term
    matches the same words in the text with any punctuation or spacing between them.
    ``patterns`` are compiled expressions whose matches pass as well (for example the
    pattern of the bot's case codes); they must be linear-time expressions.
    """

    terms: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = field(default=())

    @classmethod
    def from_names(
        cls, names: Iterable[str], *, patterns: tuple[re.Pattern[str], ...] = ()
    ) -> Allowlist:
        """An allowlist from configured names, each also split into its alternatives.

        "Kirchengemeinde Vicelin/Schalom (Lichtblick)" allows the whole name as well as
        "Kirchengemeinde Vicelin", "Schalom" and "Lichtblick"; names are never split at
        spaces, so "Kinder- und Jugendheim St. Josef" does not allow the first name "Josef".
        """
        terms: list[str] = []
        for name in names:
            cleaned = name.strip()
            if cleaned:
                terms.append(cleaned)
                terms.extend(part for part in _ALTERNATIVES.split(cleaned) if part.strip())
        return cls(terms=tuple(dict.fromkeys(terms)), patterns=patterns)
