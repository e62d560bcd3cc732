"""Searching the map of offers: German folding and a small, explainable ranking.

Folding (:func:`fold`) makes a search case-, umlaut- and ß-insensitive: "Fussball" finds
"Fußball", "Muenchen" and "Munchen" find "München", "FAMILIENZENTRUM" finds
"Familien-Zentrum". No library is used on purpose: what is needed is ``str.casefold`` (which
already turns ß into ss), a table for ä/ö/ü, dropping other accents with Unicode
decomposition, and the digraph rule of the Snowball "German2" stemmer (ae/oe/ue count as
ä/ö/ü unless a vowel or q comes before, so "Feuer" and "Quelle" stay as they are). Libraries
such as Unidecode or PyICU transliterate ü to "u" but not "ue" to "u", or need a C library
for a collation we would then still have to turn into substring matching; a dozen lines are
easier to read and test than either.

Ranking (:func:`rank`): every word of the query must be found in some field of the offer
(a stop word such as "für" is left out). A word counts 3 when it is a whole word of the
field, 2 when a word of the field starts with it, 1 when it is inside the field with spaces
and hyphens removed ("zentrum" in "Familienzentrum"); that is multiplied by the field's
weight: name 5, kind 4, target group 3, provider 2, description 1. Each query word counts
once, in its best field; the offer's score is the sum. Ties go by name. When no offer has
all the words, offers with some of them come instead, those with more words first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol, TypeVar

_UMLAUTS: Final = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "æ": "ae", "ø": "o"})
_DIGRAPHS: Final = re.compile(r"(?<![aeiouq])([aou])e")
_WORD: Final = re.compile(r"[0-9a-z]+")

#: Fields searched and their weights (see the module docstring).
WEIGHTS: Final = {"name": 5, "kind": 4, "target_group": 3, "provider": 2, "description": 1}
WHOLE_WORD: Final = 3
WORD_START: Final = 2
INSIDE: Final = 1
#: Short German words that say nothing about an offer; left out of queries.
STOP_WORDS: Final = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "einen",
        "und",
        "oder",
        "fur",
        "mit",
        "von",
        "vom",
        "zum",
        "zur",
        "im",
        "in",
        "am",
        "an",
        "auf",
        "bei",
        "the",
        "and",
        "for",
        "of",
    ]
)


def fold(text: str) -> str:
    """``text`` lower-cased without umlauts, ß or accents, for comparing German words."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", folded)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _DIGRAPHS.sub(r"\1", plain)


def words(text: str) -> list[str]:
    """The folded words of ``text`` (letters and digits; everything else separates)."""
    return _WORD.findall(fold(text))


def natural_key(name: str, provider: str) -> str:
    """What makes an offer the same offer: its folded name and provider (at most 255 chars).

    "Fußball-AG" of "SV Friedrichsgabe" and "Fussball AG" of "sv friedrichsgabe" are one
    offer, so a CSV re-import or a retyped name updates it rather than adding a second one.
    """
    return f"{' '.join(words(name))}|{' '.join(words(provider))}"[:255]


def query_words(query: str) -> list[str]:
    """The words of a query, without stop words (unless nothing else is left), each once."""
    found = list(dict.fromkeys(words(query)))
    kept = [word for word in found if word not in STOP_WORDS]
    return kept or found


class Searchable(Protocol):
    """What ranking reads of an offer."""

    id: int | None
    name: str
    kind: str
    target_group: str
    provider: str
    description: str


T = TypeVar("T", bound=Searchable)


@dataclass(frozen=True)
class _Field:
    words: tuple[str, ...]
    compact: str
    weight: int


def _fields(offer: Searchable) -> list[_Field]:
    fields = []
    for name, weight in WEIGHTS.items():
        found = tuple(words(str(getattr(offer, name) or "")))
        fields.append(_Field(found, "".join(found), weight))
    return fields


def word_score(word: str, field_words: Sequence[str], compact: str) -> int:
    """How well one query word matches one field: 3 whole word, 2 word start, 1 inside, 0."""
    if word in field_words:
        return WHOLE_WORD
    if any(candidate.startswith(word) for candidate in field_words):
        return WORD_START
    if word in compact:
        return INSIDE
    return 0


@dataclass(frozen=True)
class Hit:
    """One offer found, with how many query words it has and its score."""

    offer_id: int
    matched: int
    score: int


def score(offer: Searchable, query: Sequence[str]) -> Hit:
    """The score of one offer for the (already folded) query words."""
    fields = _fields(offer)
    total = matched = 0
    for word in query:
        best = max(field.weight * word_score(word, field.words, field.compact) for field in fields)
        if best:
            matched += 1
            total += best
    return Hit(offer.id or 0, matched, total)


def rank(offers: Iterable[T], query: str) -> list[T]:
    """Offers matching ``query``, best first (see the module docstring for the order)."""
    wanted = query_words(query)
    if not wanted:
        return []
    scored: list[tuple[Hit, T]] = [(score(offer, wanted), offer) for offer in offers]
    scored = [(hit, offer) for hit, offer in scored if hit.matched]
    complete = [(hit, offer) for hit, offer in scored if hit.matched == len(wanted)]
    chosen = complete or scored

    def order(pair: tuple[Hit, T]) -> tuple[int, int, str, int]:
        hit, offer = pair
        return (-hit.matched, -hit.score, fold(offer.name), hit.offer_id)

    return [offer for _, offer in sorted(chosen, key=order)]


def same_kind(kind: str, other: str) -> bool:
    """Whether two kinds are the same once folded ("Elterncafé" and "Eltern-Cafe")."""
    return "".join(words(kind)) == "".join(words(other))
