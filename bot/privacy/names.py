"""Person names: dictionary look-ups plus the context German case language gives.

Every capitalised word (a hyphenated chain such as "Anna-Lena" counts as one word) is put
in one class, then context decides:

* a known first name or surname that is not also a German word is a name anywhere
  ("Jennifer", "Kowalski", "Yılmaz"), as is a word with a typical surname ending
  ("Kowalczyk", "Iwanow", "Jovanović") and the possessive of a first name ("Pauls");
* a name that is also a noun ("Wolf", "Mai", "Koch", "Richter") is a name only after a
  title or a naming verb ("Herr Wolf", "Familie Richter", "heißt Mai"), as a known first
  name after a family role ("die Tochter Rosa"), or next to another name ("Paul Wolf",
  "Ernst Hoffmann", "Mai Nguyen");
* a name that is also an adjective or adverb ("Rosa", "Klein", "Frank", "Lange") is a
  name as above and also when it is capitalised in the middle of a sentence, where German
  writes the adjective in lower case ("dass Rosa nicht kommt");
* an unknown capitalised word is a name only after a title or a naming verb ("Frau
  Tesfaye"), or directly after a first name ("Rania Darwish");
* function words, family roles, institutions, places, languages and everyday nouns are
  never names; nor is a compound ending in an institution ("Lise-Meitner-Schule"), or a
  word joined to a number by a hyphen (the bot's case codes, "Linde-17").

Names typed in lower case are not recognised (a known weakness, see docs/privacy-gate.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum, auto
from functools import lru_cache
from itertools import pairwise
from typing import Final

from bot.privacy.lexicon import (
    ACADEMIC_TITLES,
    AMBIGUOUS_NOUNS,
    COMMON_NOUNS,
    FUNCTION_WORDS,
    INSTITUTION_WORDS,
    LOWER_CASE_WORDS,
    ROLE_WORDS,
    TITLE_TRIGGERS,
    VERB_TRIGGERS,
    NameLexicon,
    is_german_word,
    looks_like_noun,
    looks_like_surname,
    place_names,
)
from bot.privacy.structured import Hit
from bot.privacy.text import NUMBER, WORD, Token, fold, starts_sentence, word_key

#: Triggers after which even everyday nouns would be odd, so that only nouns that are
#: also names count: "der Familie Unterstützung anbieten" is not a name.
_PERSON_TITLES: Final = frozenset({"frau", "herr", "herrn", "fr", "hr", "frl"})
#: Words after which a capitalised adjective is a nominalisation, not a name
#: ("das Gute", "im Kleinen", "etwas Neues").
_NOMINALISERS: Final = frozenset(
    {"das", "im", "ins", "am", "etwas", "nichts", "alles", "viel", "wenig", "vom", "zum"}
)


#: Abbreviations before a number ("Max. 5 Kinder", "Min. 30 Minuten"), not the names.
_NUMBER_ABBREVIATIONS: Final = frozenset({"max", "min", "nr", "ca", "tel", "std"})


class Kind(Enum):
    """What a capitalised word is, before context."""

    NAME = auto()  # a name wherever it stands
    NOUN_NAME = auto()  # a name that is also a noun
    ADJECTIVE_NAME = auto()  # a name that is also an adjective or adverb
    UNKNOWN = auto()  # not in any list
    NEVER = auto()  # a function word, role, institution, place or everyday noun


@dataclass(slots=True)
class _Unit:
    """A word, or a hyphenated chain of words, with its class."""

    first: int  # index of the first token
    last: int  # index of the last token
    start: int
    end: int
    kind: Kind
    first_name: bool  # known as a first name (for role words: "die Tochter Rosa")
    capitalised: bool
    sentence_start: bool
    key: str  # word key of the last part (lower case, umlauts kept)
    name_key: str  # folded last part, for name look-ups (empty for lower-case words)
    noun_like: bool  # the last part ends like a common noun ("-ung", "-heit")
    is_name: bool = False


@lru_cache(maxsize=32768)
def _classify_word(word: str, lexicon: NameLexicon) -> Kind:
    key = word_key(word)
    if (
        key in FUNCTION_WORDS
        or key in ROLE_WORDS
        or key in INSTITUTION_WORDS
        or key in COMMON_NOUNS
        or key in ACADEMIC_TITLES
        or key in place_names()
    ):
        return Kind.NEVER
    if key in AMBIGUOUS_NOUNS:
        return Kind.NOUN_NAME
    if key in LOWER_CASE_WORDS:
        return Kind.ADJECTIVE_NAME
    folded = fold(word)
    if lexicon.is_name(folded):
        return Kind.NAME if len(folded) >= 3 else Kind.NOUN_NAME
    if len(folded) > 3 and folded.endswith("s") and lexicon.is_first_name(folded[:-1]):
        stem = key[:-1]
        if not is_german_word(stem) and stem not in place_names():
            return Kind.NAME  # "Pauls Lehrerin", "Jennifers Mutter" (not "Fotos", "Opas")
    if looks_like_surname(word):
        return Kind.NAME
    return Kind.UNKNOWN


def _units(
    tokens: list[Token], text: str, blocked: list[bool], lexicon: NameLexicon
) -> list[_Unit]:
    """Group hyphenated word chains and classify every capitalised word."""
    units: list[_Unit] = []
    i = 0
    count = len(tokens)
    while i < count:
        token = tokens[i]
        if token.kind != WORD:
            i += 1
            continue
        last = i
        while (
            last + 2 < count
            and tokens[last + 1].text == "-"
            and tokens[last + 1].start == tokens[last].end
            and tokens[last + 2].start == tokens[last + 1].end
            and tokens[last + 2].kind == WORD
        ):
            last += 2
        parts = tokens[i : last + 1 : 2]
        capitalised = token.capitalised and all(p.text[0].isupper() for p in parts)
        key_last = word_key(tokens[last].text)
        if not capitalised:
            # Lower-case words are never names; they matter only as context.
            units.append(
                _Unit(i, last, token.start, tokens[last].end, Kind.NEVER, False, False,
                      False, key_last, "", False)
            )  # fmt: skip
            i = last + 1
            continue
        code_follows = (
            last + 2 < count
            and tokens[last + 1].text == "-"
            and tokens[last + 2].kind == NUMBER
            and tokens[last + 1].start == tokens[last].end
        )
        abbreviation = (
            last == i
            and key_last in _NUMBER_ABBREVIATIONS
            and last + 2 < count
            and tokens[last + 1].text == "."
            and tokens[last + 2].kind == NUMBER
        )
        if code_follows or abbreviation or any(blocked[i : last + 1]):
            # A case code such as "Linde-17", "Max. 5 Kinder", or allowlisted.
            kind = Kind.NEVER
        elif len(parts) == 1:
            kind = _classify_word(token.text, lexicon)
        else:
            kind = _compound_kind(parts, [_classify_word(p.text, lexicon) for p in parts])
        units.append(
            _Unit(
                first=i,
                last=last,
                start=token.start,
                end=tokens[last].end,
                kind=kind,
                first_name=len(parts) == 1 and lexicon.is_first_name(fold(tokens[last].text)),
                capitalised=True,
                sentence_start=starts_sentence(tokens, i, text),
                key=key_last,
                name_key=fold(tokens[last].text),
                noun_like=kind is not Kind.NEVER and looks_like_noun(tokens[last].text),
            )
        )
        i = last + 1
    return units


def _compound_kind(parts: list[Token], kinds: list[Kind]) -> Kind:
    """ "Anna-Lena" and "Al-Hassan" are names; "Lise-Meitner-Schule" is a school."""
    last = parts[-1]
    if not last.text[0].isupper() or kinds[-1] is Kind.NEVER:
        return Kind.NEVER
    if kinds[-1] is Kind.NAME:
        return Kind.NAME
    if looks_like_noun(last.text):
        return Kind.NEVER
    if kinds[0] is Kind.NAME and kinds[-1] is not Kind.NEVER:
        return Kind.NAME  # a double surname: "Müller-Lüdenscheidt"
    return Kind.UNKNOWN


_ABBREVIATED_TITLES: Final = frozenset({"fr", "hr", "frl", "fam"})


def _previous_word(units: list[_Unit], tokens: list[Token], index: int) -> _Unit | None:
    """The word before unit ``index``, skipping "(", ",", ":" and academic titles.

    A full stop is skipped only after an abbreviated title ("Herr Dr. Krüger", "Fr. Yılmaz").
    """
    j = index - 1
    while j >= 0:
        unit = units[j]
        between = tokens[unit.last + 1 : units[j + 1].first]
        abbreviation = unit.key in ACADEMIC_TITLES or unit.key in _ABBREVIATED_TITLES
        for token in between:
            if token.text not in "(,:" and not (token.text == "." and abbreviation):
                return None
        if unit.key in ACADEMIC_TITLES and unit.capitalised:
            j -= 1
            continue
        return unit
    return None


def _adjacent(tokens: list[Token], left: _Unit, right: _Unit) -> bool:
    """Whether two words stand side by side with only spaces between them."""
    return right.first == left.last + 1


def _formal_imperative(units: list[_Unit], index: int) -> bool:
    """Whether the word starts a sentence and is followed by the formal "Sie"."""
    unit = units[index]
    if not unit.sentence_start or index + 1 >= len(units):
        return False
    following = units[index + 1]
    return following.key == "sie" and following.capitalised and following.first == unit.last + 1


def _by_context(unit: _Unit, previous: _Unit | None, tokens: list[Token]) -> bool:
    """Whether an ambiguous or unknown word is a name because of the word before it."""
    if previous is not None:
        trigger = previous.key
        if trigger in TITLE_TRIGGERS or trigger in VERB_TRIGGERS:
            return unit.kind is not Kind.UNKNOWN or not unit.noun_like
        if trigger in ROLE_WORDS and unit.first_name:
            return True
    if unit.kind is Kind.ADJECTIVE_NAME and not unit.sentence_start:
        # A capital letter where German writes the adjective in lower case, unless the
        # word is nominalised ("das Gute", "im Kleinen") or quoted.
        before = tokens[unit.first - 1] if unit.first > 0 else None
        nominalised = previous is not None and previous.key in _NOMINALISERS
        return not nominalised and (before is None or before.text not in "\"„“'")
    return False


def _extends_right(left: _Unit, right: _Unit) -> bool:
    """ "Paul Wolf", "Rania Darwish": the word after a name is its surname."""
    if right.kind is Kind.UNKNOWN:
        return left.first_name and not right.noun_like
    return True


def _extends_left(left: _Unit, right: _Unit, lexicon: NameLexicon) -> bool:
    """ "Mai Nguyen", "Ernst Hoffmann": an ambiguous word before a surname is a first name."""
    if left.kind not in (Kind.NOUN_NAME, Kind.ADJECTIVE_NAME):
        return False
    return right.kind is Kind.NAME or lexicon.is_surname(right.name_key)


def _decide(units: list[_Unit], tokens: list[Token], lexicon: NameLexicon) -> None:
    """Mark the units that are names: own evidence, context, then neighbours.

    Neighbours are checked in one pass from left to right and one from right to left, so
    the work stays linear in the number of words.
    """
    for index, unit in enumerate(units):
        if not unit.capitalised or unit.kind is Kind.NEVER:
            continue
        if _formal_imperative(units, index):
            unit.kind = Kind.NEVER  # "Fügen Sie …", "Rufen Sie …": a verb, not a name
            continue
        if unit.kind is Kind.NAME:
            unit.is_name = True
        else:
            unit.is_name = _by_context(unit, _previous_word(units, tokens, index), tokens)
    pairs = [
        (left, right)
        for left, right in pairwise(units)
        if _adjacent(tokens, left, right)
        and left.capitalised
        and right.capitalised
        and left.kind is not Kind.NEVER
        and right.kind is not Kind.NEVER
    ]
    for left, right in pairs:
        if left.is_name and not right.is_name and _extends_right(left, right):
            right.is_name = True
    for left, right in reversed(pairs):
        if right.is_name and not left.is_name and _extends_left(left, right, lexicon):
            left.is_name = True
    # Coordination: "Rojda und Dilan", "Mia, Finn": an unknown word listed with a first name.
    listed = _coordinated(units, tokens)
    for left, right in listed:
        if left.is_name and left.first_name and _may_be_listed_name(right):
            right.is_name = True
    for left, right in reversed(listed):
        if right.is_name and right.first_name and _may_be_listed_name(left):
            left.is_name = True


_COORDINATORS: Final = frozenset({"und", "oder", "sowie"})


def _coordinated(units: list[_Unit], tokens: list[Token]) -> list[tuple[_Unit, _Unit]]:
    """Pairs of words joined by "und", "oder", "sowie" or a comma."""
    pairs: list[tuple[_Unit, _Unit]] = []
    for k in range(len(units) - 1):
        left, middle = units[k], units[k + 1]
        if (
            middle.key in _COORDINATORS
            and k + 2 < len(units)
            and middle.first == left.last + 1
            and units[k + 2].first == middle.last + 1
        ):
            pairs.append((left, units[k + 2]))
        elif middle.first == left.last + 2 and tokens[left.last + 1].text == ",":
            pairs.append((left, middle))
    return pairs


def _may_be_listed_name(unit: _Unit) -> bool:
    """An unknown capitalised word that does not look like a noun or a nominalised verb."""
    return (
        unit.kind is Kind.UNKNOWN
        and unit.capitalised
        and not unit.noun_like
        and not unit.key.endswith("en")
        and len(unit.key) >= 3
    )


def find_names(
    tokens: list[Token], text: str, blocked: list[bool], lexicon: NameLexicon
) -> Iterator[Hit]:
    """Person names; adjacent name words form one finding ("Jennifer Kowalski")."""
    units = _units(tokens, text, blocked, lexicon)
    _decide(units, tokens, lexicon)
    current: tuple[int, int] | None = None
    previous: _Unit | None = None
    for unit in units:
        if not unit.is_name:
            continue
        if current is not None and previous is not None and _adjacent(tokens, previous, unit):
            current = (current[0], unit.end)
        else:
            if current is not None:
                yield "name", current[0], current[1]
            current = (unit.start, unit.end)
        previous = unit
    if current is not None:
        yield "name", current[0], current[1]
