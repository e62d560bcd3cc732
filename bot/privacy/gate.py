"""The gate: run every detector once, drop what the caller allows, resolve overlaps."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from bot.privacy.address import find_addresses, find_addresses_lower, find_postcodes
from bot.privacy.dates import find_ages, find_dates
from bot.privacy.lexicon import NameLexicon, name_lexicon
from bot.privacy.model import Allowlist, Finding
from bot.privacy.names import find_names
from bot.privacy.structured import (
    Hit,
    find_emails,
    find_file_numbers,
    find_handles,
    find_ibans,
    find_insurance_numbers,
    find_licence_plates,
    find_phones,
    find_tax_ids,
    find_urls,
)
from bot.privacy.text import NUMBER, Token, fold, tokenise

#: When two findings of different kinds overlap, the more specific one (lower number)
#: wins: "jennifer.k@web.de" is an e-mail address, not a name; the digits of an IBAN are
#: not a phone number; "03.05.2019" is a date, not a phone number.
PRIORITY: Final = {
    "email": 0,
    "url": 1,
    "handle": 2,
    "iban": 3,
    "social_insurance": 4,
    "health_insurance": 5,
    "tax_id": 6,
    "date": 7,
    "file_number": 8,
    "phone": 9,
    "licence_plate": 10,
    "address": 11,
    "postcode": 12,
    "name": 13,
    "age": 14,
}

_EMPTY: Final = Allowlist()


@lru_cache(maxsize=64)
def _allow_index(allow: Allowlist) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Allowed terms as folded token sequences, keyed by their first token."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for term in allow.terms:
        sequence = tuple(fold(t.text) for t in tokenise(term) if t.is_word or t.is_number)
        if sequence:
            index.setdefault(sequence[0], []).append(sequence)
    return {key: tuple(sorted(set(value), key=len, reverse=True)) for key, value in index.items()}


def _allowed_spans(text: str, tokens: list[Token], allow: Allowlist) -> list[tuple[int, int]]:
    """Character spans covered by allowed terms and patterns."""
    spans: list[tuple[int, int]] = []
    index = _allow_index(allow)
    if index:
        content = [t for t in tokens if t.is_word or t.is_number]
        folded = [t.folded for t in content]
        for i, first in enumerate(folded):
            for sequence in index.get(first, ()):
                end = i + len(sequence)
                if tuple(folded[i:end]) == sequence:
                    # The term must not continue as a word ("Mitte" allows "Mitte",
                    # not "Mitteilung"): tokens end at word boundaries by construction.
                    spans.append((content[i].start, content[end - 1].end))
                    break
    for pattern in allow.patterns:
        spans.extend(
            match.span() for match in pattern.finditer(text) if match.end() > match.start()
        )
    return spans


def _blocked_tokens(tokens: list[Token], spans: list[tuple[int, int]]) -> list[bool]:
    """Which tokens lie inside an allowed span."""
    blocked = [False] * len(tokens)
    if not spans:
        return blocked
    starts = [token.start for token in tokens]
    for start, end in spans:
        i = bisect.bisect_left(starts, start)
        while i < len(tokens) and tokens[i].end <= end:
            blocked[i] = True
            i += 1
    return blocked


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Disjoint, sorted starts and ends covering ``spans``."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(spans):
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _inside(merged: tuple[list[int], list[int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies within one of the merged spans."""
    starts, ends = merged
    i = bisect.bisect_right(starts, start) - 1
    return i >= 0 and end <= ends[i]


def _resolve(hits: Iterable[Hit]) -> list[Finding]:
    """Merge overlapping hits of one kind; of different kinds keep the more specific one."""
    starts: list[int] = []
    ends: list[int] = []
    kinds: list[str] = []
    for kind, start, end in sorted(hits, key=lambda hit: (PRIORITY[hit[0]], hit[1], -hit[2])):
        i = bisect.bisect_right(ends, start)
        j = i
        while j < len(starts) and starts[j] < end:
            j += 1
        overlapping = range(i, j)
        if any(kinds[k] != kind for k in overlapping):
            continue
        if overlapping:
            start = min(start, starts[i])
            end = max(end, ends[j - 1])
        starts[i:j] = [start]
        ends[i:j] = [end]
        kinds[i:j] = [kind]
    return [
        Finding(kind, start, end) for kind, start, end in zip(kinds, starts, ends, strict=True)
    ]


#: Texts longer than this are checked in overlapping windows, so memory stays bounded
#: however long the input. A window ignores what touches its inner edges (``MARGIN``),
#: where a word may be cut; the neighbouring window sees it whole, because the windows
#: overlap by more than twice the margin plus the longest identifier (a 2,000-character URL).
WINDOW: Final = 32_768
OVERLAP: Final = 4_096
MARGIN: Final = 1_024


def scan_with(text: str, allow: Allowlist | None, lexicon: NameLexicon) -> list[Finding]:
    """:func:`scan` with a given name lexicon (the evaluation compares lexicons)."""
    if len(text) <= WINDOW:
        hits = _hits(text, allow or _EMPTY, lexicon)
    else:
        hits = []
        for offset in range(0, len(text) - OVERLAP, WINDOW - OVERLAP):
            window = text[offset : offset + WINDOW]
            low = MARGIN if offset > 0 else 0
            high = len(window) - MARGIN if offset + WINDOW < len(text) else len(window)
            hits.extend(
                (kind, start + offset, end + offset)
                for kind, start, end in _hits(window, allow or _EMPTY, lexicon)
                if low <= start and end <= high
            )
    findings = _resolve(hits)
    if all(finding.kind == "age" for finding in findings):
        return []  # an age alone identifies nobody and the consultation needs it
    return findings


def _hits(text: str, allow: Allowlist, lexicon: NameLexicon) -> list[Hit]:
    """Everything the detectors report in ``text``, minus what the caller allows."""
    if not text:
        return []
    tokens = tokenise(text)
    spans = _allowed_spans(text, tokens, allow)
    blocked = _blocked_tokens(tokens, spans)
    hits: list[Hit] = [*find_names(tokens, text, blocked, lexicon)]
    if "@" in text:
        hits += [*find_emails(text), *find_handles(text)]
    if "." in text or "/" in text:
        hits += find_urls(text)
    if any(token.kind == NUMBER for token in tokens):
        # Everything below needs a digit; text without digits skips it.
        hits += [
            *find_ibans(text),
            *find_insurance_numbers(text),
            *find_tax_ids(text),
            *find_dates(text),
            *find_file_numbers(text),
            *find_phones(text),
            *find_licence_plates(text),
            *find_addresses(tokens, text),
            *find_addresses_lower(tokens, text),
            *find_postcodes(text),
            *find_ages(text),
        ]
    else:
        hits += find_addresses(tokens, text)  # "in der Lindenstraße" needs no number
    if spans:
        merged = _merged(spans)
        hits = [hit for hit in hits if not _inside(merged, hit[1], hit[2])]
    return hits


def scan(text: str, allow: Allowlist | None = None) -> list[Finding]:
    """Find what could identify a person in ``text``; an empty list means it may be stored.

    Findings are sorted by position and never overlap. The check runs in time linear in
    the length of the text and keeps no state between calls apart from the word lists,
    which are loaded on first use.
    """
    return scan_with(text, allow, name_lexicon())


def preload() -> None:
    """Load the word lists now (about half a second) instead of on the first :func:`scan`.

    A bot can call this once at start-up, so that the first member's answer is not the
    one that waits.
    """
    scan("Paul", None)
