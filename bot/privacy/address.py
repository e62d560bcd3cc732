"""Street addresses and postcodes, found on the token list.

A street is recognised by its ending ("Musterstraße", "Rathausallee", "Kirchenstr."), by a
street word after an adjective ("Ulzburger Str.", "Segeberger Chaussee") or by a
preposition in front ("Am Hang 3", "An der Kirche 2"). A house number makes most of them
an address; a compound ending in "-straße", "-allee", "-chaussee" or "-gasse" is one
without a number ("in der Lindenstraße"). A number followed by a unit or a noun is a count,
not a house number ("Schulweg 5 km", "Am Montag 3 Termine").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Final

from bot.privacy.structured import Hit
from bot.privacy.text import WORD, Token, fold


def _set(block: str) -> frozenset[str]:
    """The whitespace-separated words of ``block``."""
    return frozenset(block.split())


# Endings that make a word a street name even without a house number.
_STRONG_ENDINGS: Final = ("strasse", "allee", "chaussee", "gasse", "twiete")
# Endings that make a word a street name only with a house number.
_WEAK_ENDINGS: Final = (
    "weg", "platz", "ring", "damm", "stieg", "steig", "pfad", "ufer", "markt", "kamp",
    "redder", "wall", "koppel", "moor", "hoehe", "hohe", "deich", "bogen", "winkel",
    "graben", "kehre", "berg", "hof", "feld", "wiese", "garten", "grund", "heide", "horst",
    "brook", "busch", "tor", "park", "brucke", "bruecke", "stieg",
)  # fmt: skip
# Street words standing on their own after an adjective ("Ulzburger Straße").
_STREET_WORDS: Final = _set(
    """
    strasse str allee chaussee weg damm ring platz stieg kamp redder twiete markt ufer tor
    landstrasse berg gasse pfad wall
    """
)
_STRONG_STREET_WORDS: Final = frozenset({"strasse", "str", "allee", "chaussee", "landstrasse"})
# Compounds with a street ending that are not streets.
_NOT_STREETS: Final = _set(
    """
    strasse sackgasse einbahnstrasse seitenstrasse nebenstrasse bundesstrasse spielstrasse
    einkaufsstrasse hauptverkehrsstrasse wohnstrasse querstrasse autobahn fahrstrasse
    """
)
_PREPOSITIONS: Final = frozenset({"am", "im", "zum", "zur", "beim"})
_PREPOSITIONS_WITH_ARTICLE: Final = frozenset(
    {"an", "auf", "in", "hinter", "vor", "unter", "uber", "bei", "zwischen"}
)
_ARTICLES: Final = frozenset({"der", "den", "dem", "die"})
# Nouns that take a number without being a street ("in der Klasse 3", "im Raum 12").
_NUMBERED_NOUNS: Final = (
    "klasse", "gruppe", "stufe", "woche", "seite", "kapitel", "raum", "zimmer", "haus",
    "runde", "phase", "schritt", "punkt", "jahr", "monat", "alter", "termin", "sitzung",
    "stunde", "minute", "tag", "folge", "zeile", "absatz", "abschnitt", "bus", "linie",
    "gleis", "bahn", "stock", "etage", "reihe", "spiel", "quartal", "halbjahr", "semester",
    "fall", "ziel", "frage", "heim", "block", "gebaude", "kw", "paragraph", "ende",
    "anfang", "mitte", "schuljahr", "nummer", "nr", "version", "teil", "modul", "level",
    "note", "prozent", "region", "team", "bezirk", "kreis", "zone", "bereich", "sektor",
    "station", "abteilung", "ebene", "klasse", "platz",
)  # fmt: skip
_MONTHS_AND_DAYS: Final = _set(
    """
    januar februar marz maerz april mai juni juli august september oktober november
    dezember montag dienstag mittwoch donnerstag freitag samstag sonntag sonnabend
    fruhling fruehling fruhjahr fruehjahr sommer herbst winter ostern weihnachten
    wochenende morgen abend vormittag nachmittag
    """
)
# After a number, these make it a count or a measure ("5 km", "3 Kinder", "9 Uhr").
_UNITS: Final = _set(
    """
    uhr euro eur km m kg g cm min minuten stunden std prozent jahre jahren monate monaten
    wochen tage tagen mal x
    """
)


_ALL_ENDINGS: Final = _STRONG_ENDINGS + _WEAK_ENDINGS


@lru_cache(maxsize=8192)
def _is_street_compound(word: str) -> tuple[bool, bool]:
    """(is a street word, counts without a house number)."""
    folded = fold(word)
    if folded in _NOT_STREETS or not folded.endswith(_ALL_ENDINGS):
        return False, False
    for ending in _STRONG_ENDINGS:
        if folded.endswith(ending) and len(folded) >= len(ending) + 3:
            return True, True
    for ending in _WEAK_ENDINGS:
        if folded.endswith(ending) and len(folded) >= len(ending) + 3:
            return True, False
    return False, False


def _house_number_end(tokens: list[Token], text: str, i: int) -> int | None:
    """End offset of a house number starting at token ``i`` ("5a", "20 b", "10-12")."""
    if i >= len(tokens) or not tokens[i].is_number or len(tokens[i].text) > 4:
        return None
    if tokens[i].text.startswith("0") or text[tokens[i - 1].end : tokens[i].start].count(" ") > 2:
        return None
    end_index = i
    nxt = i + 1
    # "5a" or "20 b": one letter right after the number.
    if (
        nxt < len(tokens)
        and tokens[nxt].is_word
        and len(tokens[nxt].text) == 1
        and tokens[nxt].start - tokens[end_index].end <= 1
        and (nxt + 1 >= len(tokens) or not tokens[nxt + 1].is_word)
    ):
        end_index = nxt
        nxt += 1
    # "10-12", "3/5": a range of house numbers.
    if (
        nxt + 1 < len(tokens)
        and tokens[nxt].text in "-/"
        and tokens[nxt].start == tokens[end_index].end
        and tokens[nxt + 1].is_number
        and len(tokens[nxt + 1].text) <= 4
    ):
        end_index = nxt + 1
        nxt += 2
    # A unit or a noun after the number makes it a count ("Schulweg 5 km", "3 Termine").
    if nxt < len(tokens):
        follower = tokens[nxt]
        if follower.text in ("€", "%", "°", "²"):
            return None
        if follower.is_word and (follower.text[0].isupper() or fold(follower.text) in _UNITS):
            return None
        if (
            follower.text in ".,"
            and nxt + 1 < len(tokens)
            and tokens[nxt + 1].is_number
            and tokens[nxt + 1].start == follower.end
        ):
            return None  # "3.5", "12,50": a decimal number, not a house number
    return tokens[end_index].end


def _is_numbered_noun(word: str) -> bool:
    folded = fold(word)
    return folded in _MONTHS_AND_DAYS or folded.endswith(_NUMBERED_NOUNS)


def find_addresses(tokens: list[Token], text: str) -> Iterator[Hit]:
    """Streets with or without a house number."""
    count = len(tokens)
    for i, token in enumerate(tokens):
        if not token.is_word or not token.text[0].isupper():
            continue
        folded = token.folded
        # "Musterstraße 12", "Kirchenstr. 7", "Lindenstraße"
        is_street, alone = _is_street_compound(token.text)
        hyphenated = (
            i >= 2 and tokens[i - 1].text == "-" and tokens[i - 1].start == tokens[i - 2].end
        )
        if not is_street and hyphenated and tokens[i - 1].end == token.start:
            # "Friedrich-Ebert-Straße", "Willy-Brandt-Str."
            is_street = folded in _STREET_WORDS
            alone = folded in _STRONG_STREET_WORDS
        if (
            not is_street
            and folded.endswith("str")
            and len(folded) > 5
            and i + 1 < count
            and tokens[i + 1].text == "."
        ):
            is_street, alone = True, True
        if is_street:
            start = token.start
            # "Willy-Brandt-Straße": include the hyphenated parts in front.
            j = i
            while j >= 2 and tokens[j - 1].text == "-" and tokens[j - 2].is_word:
                if tokens[j - 1].start != tokens[j - 2].end:
                    break
                j -= 2
                start = tokens[j].start
            after = i + 1
            street_end = token.end
            if after < count and tokens[after].text == "." and folded.endswith("str"):
                street_end = tokens[after].end
                after += 1
            number_end = _house_number_end(tokens, text, after)
            if number_end is not None:
                yield "address", start, number_end
            elif alone:
                yield "address", start, street_end
            continue
        # "Ulzburger Str. 5a", "Segeberger Chaussee 44", "Friedrichsgaber Weg 12"
        if (
            folded.endswith("er")
            and len(folded) > 4
            and i + 1 < count
            and tokens[i + 1].is_word
            and tokens[i + 1].folded in _STREET_WORDS
            and tokens[i + 1].text[0].isupper()
        ):
            street = tokens[i + 1]
            after = i + 2
            street_end = street.end
            if after < count and tokens[after].text == "." and street.folded == "str":
                street_end = tokens[after].end
                after += 1
            number_end = _house_number_end(tokens, text, after)
            if number_end is not None:
                yield "address", token.start, number_end
            elif street.folded in _STRONG_STREET_WORDS:
                yield "address", token.start, street_end
            continue
        # "Am Hang 3", "Im Grund 4", "An der Kirche 2", "Auf dem Kamp 11"
        if folded in _PREPOSITIONS or folded in _PREPOSITIONS_WITH_ARTICLE:
            yield from _preposition_street(tokens, text, i)


def _preposition_street(tokens: list[Token], text: str, i: int) -> Iterator[Hit]:
    """A street named by a preposition: "Am Hang 3", "An der Kirche 2"."""
    count = len(tokens)
    first = tokens[i]
    folded = first.folded
    if folded in _PREPOSITIONS:
        j = i + 1
    elif (
        folded in _PREPOSITIONS_WITH_ARTICLE
        and i + 1 < count
        and tokens[i + 1].folded in _ARTICLES
    ):
        j = i + 2
    else:
        return
    words = 0
    while j < count and words < 2 and tokens[j].is_word and tokens[j].capitalised:
        if _is_numbered_noun(tokens[j].text):
            return
        j += 1
        words += 1
    if words == 0 or j >= count or len(tokens[j].text) > 3:
        return
    number_end = _house_number_end(tokens, text, j)
    if number_end is not None:
        yield "address", first.start, number_end


def find_addresses_lower(tokens: list[Token], text: str) -> Iterator[Hit]:
    """The same preposition streets written in lower case ("wohnt am Hang 3")."""
    for i, token in enumerate(tokens):
        if token.kind == WORD and token.text.islower():
            folded = fold(token.text)
            if folded in _PREPOSITIONS or folded in _PREPOSITIONS_WITH_ARTICLE:
                yield from _preposition_street(tokens, text, i)


# ---------------------------------------------------------------------------------------
# Postcodes
# ---------------------------------------------------------------------------------------

_POSTCODE: Final = re.compile(r"(?<![\w.,/-])(?:D-)?(\d{5})(?![\w/-]|[.,]\d)")
_POSTCODE_KEYWORD: Final = re.compile(r"(?i)\b(?:plz|postleitzahl)\b\s{0,2}:?\s{0,2}$")
# Capitalised nouns that follow a five-digit count, not a place ("12000 Einwohner").
_COUNTED: Final = _set(
    """
    euro eur einwohner menschen kinder familien falle haushalte personen stunden minuten
    tage schritte follower teilnehmer nutzer kilometer meter punkte mitglieder schuler
    jugendliche besucher aufrufe likes klicks
    """
)


def find_postcodes(text: str) -> Iterator[Hit]:
    """Five-digit German postcodes before a place name, after "PLZ" or after "D-"."""
    for match in _POSTCODE.finditer(text):
        digits = match.group(1)
        if digits.startswith("00"):
            continue
        start, end = match.span(1)
        if match.group().startswith("D-"):
            yield "postcode", start, end
            continue
        if _POSTCODE_KEYWORD.search(text, max(0, match.start() - 20), match.start()):
            yield "postcode", start, end
            continue
        follower = re.match(r" {1,2}([^\W\d_]+)", text[end : end + 40])
        if follower is not None:
            word = follower.group(1)
            if word[0].isupper() and fold(word) not in _COUNTED and not word.isupper():
                yield "postcode", start, end
