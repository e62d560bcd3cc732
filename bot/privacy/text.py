"""Tokenising and folding: done once per scan, shared by every detector."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final, NamedTuple

# Letters (any script), digit runs, or one other visible character. Each alternative is a
# single character class, so matching is linear in the length of the text.
_TOKEN: Final = re.compile(r"([^\W\d_]+)|(\d+)|(\S)")

WORD: Final = "w"
NUMBER: Final = "n"
PUNCT: Final = "p"

# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS: Final = frozenset((
    "dr", "prof", "fr", "hr", "frl", "str", "nr", "tel", "ca", "bzw", "zb", "usw", "etc",
    "ggf", "evtl", "inkl", "geb", "gest", "vgl", "bspw", "sog", "jan", "feb", "mär", "märz",
    "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dez", "mo", "di", "mi", "do",
    "sa", "so", "abs", "az", "fam", "st", "dipl", "med", "päd", "soz", "ev", "evang", "kath",
    "min", "std", "max", "ggü", "gem",
))  # fmt: skip

# Punctuation that continues a sentence; any other symbol (quotes, brackets, bullets,
# emoji) leaves the sentence state as it was.
_MID_SENTENCE: Final = frozenset(",)]}/&+=%€§$#°²<>|~^")

_SPECIAL_FOLD: Final = str.maketrans(
    {"ß": "ss", "ı": "i", "ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "ð": "d"}
)
_UMLAUTS: Final = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case without diacritics: "Yılmaz" → "yilmaz", "Jörg" → "jorg", "Weiß" → "weiss"."""
    lowered = word.casefold().translate(_SPECIAL_FOLD)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def word_key(word: str) -> str:
    """The key for the German word lists: lower case, umlauts kept ("Länge" → "länge").

    Folding umlauts away would make German words collide ("Länge" and the name "Lange",
    "Öle" and "Ole"), so the word lists keep them; names are matched folded.
    """
    return word.casefold()


def word_variants(word: str) -> tuple[str, ...]:
    """The word key and its "ae/oe/ue" spelling, for building German word lists."""
    key = word_key(word)
    expanded = key.translate(_UMLAUTS)
    return (key,) if expanded == key else (key, expanded)


def fold_variants(word: str) -> tuple[str, ...]:
    """The folded word and, for German umlauts, its "ae/oe/ue" spelling ("Jörg" → "joerg")."""
    plain = fold(word)
    expanded = fold(word.casefold().translate(_UMLAUTS))
    return (plain,) if expanded == plain else (plain, expanded)


class Token(NamedTuple):
    """A word, a digit run or a single punctuation character, with its offsets.

    A named tuple rather than a dataclass: hostile input has thousands of tokens, and
    tuples are the cheapest objects to create.
    """

    text: str
    start: int
    end: int
    kind: str

    @property
    def is_word(self) -> bool:
        """Whether the token consists of letters."""
        return self.kind == WORD

    @property
    def is_number(self) -> bool:
        """Whether the token is a run of digits."""
        return self.kind == NUMBER

    @property
    def capitalised(self) -> bool:
        """Initial capital followed by at least one lower-case letter ("Paul", not "ASD")."""
        text = self.text
        return len(text) > 1 and text[0].isupper() and not text.isupper()

    @property
    def folded(self) -> str:
        """The folded form used for every dictionary lookup."""
        return fold(self.text)


_KINDS_BY_GROUP: Final = (PUNCT, WORD, NUMBER, PUNCT)


def tokenise(text: str) -> list[Token]:
    """Split ``text`` into words, digit runs and single punctuation characters."""
    kinds = _KINDS_BY_GROUP
    return [
        Token(match.group(), match.start(), match.end(), kinds[match.lastindex or 3])
        for match in _TOKEN.finditer(text)
    ]


#: How far back :func:`starts_sentence` looks through quotes, brackets and symbols.
_LOOK_BACK: Final = 8


def starts_sentence(tokens: list[Token], index: int, text: str) -> bool:
    """Whether token ``index`` is the first word of a sentence.

    A sentence starts at the beginning, after a line break and after ".", "!", "?", ":" or
    ";" — but not after the full stop of an abbreviation ("Dr.") or an ordinal ("3. Mai").
    Opening brackets, quotes, list markers and emoji in between do not matter. Only the
    few tokens before ``index`` are read, so asking for every word stays linear.
    """
    j = index - 1
    while j >= 0 and index - j <= _LOOK_BACK:
        previous = tokens[j]
        if text.find("\n", previous.end, tokens[j + 1].start) >= 0:
            return True
        if previous.kind != PUNCT:
            return False
        value = previous.text
        if value in "!?;:…":
            return True
        if value == ".":
            if j == 0:
                return True
            before = tokens[j - 1]
            if before.kind == NUMBER:
                return False
            return not (
                before.kind == WORD
                and (len(before.text) == 1 or word_key(before.text) in _ABBREVIATIONS)
            )
        if value in _MID_SENTENCE:
            return False
        j -= 1
    return j < 0
