"""Pseudonymous case codes such as "Linde-17": a word and a number, easy to say aloud.

A code is drawn at random (:mod:`secrets`), never derived from anything about the family, and
checked for uniqueness per organisation by the database. The words are trees, plants and
birds: neutral, well known and distinct when spoken. Words that are common first names
("Rosa", "Erika", "Jasmin") were left out; some are also surnames ("Fink", "Specht"), which is
why the privacy gate lets every code pass by its exact form (:data:`CODE_PATTERN`).
With 60 words and the numbers 10–99 there are 5,400 codes; :func:`new_code` widens the
numbers to three digits when the caller says the organisation has used many codes already.
"""

from __future__ import annotations

import re
import secrets
from typing import Final

WORDS: Final = (
    "Ahorn", "Birke", "Buche", "Eiche", "Eibe", "Erle", "Esche", "Espe", "Fichte", "Kiefer",
    "Lärche", "Linde", "Pappel", "Tanne", "Ulme", "Weide", "Kastanie", "Hasel", "Holunder",
    "Wacholder", "Mistel", "Efeu", "Farn", "Klee", "Moos", "Mohn", "Lupine", "Distel", "Salbei",
    "Minze", "Thymian", "Quitte", "Mirabelle", "Kirsche", "Pflaume", "Aprikose", "Dattel",
    "Feige", "Olive", "Zeder", "Zypresse", "Amsel", "Drossel", "Meise", "Fink", "Star",
    "Kranich", "Reiher", "Möwe", "Kiebitz", "Lerche", "Specht", "Eisvogel", "Zaunkönig",
    "Kormoran", "Pirol", "Stieglitz", "Rotkehlchen", "Bussard", "Falke",
)  # fmt: skip

#: What a code looks like, for finding codes in text (the privacy gate lets them pass).
CODE_PATTERN: Final = re.compile(r"\b(?:" + "|".join(WORDS) + r")-\d{2,3}\b")


def new_code(*, wide: bool = False) -> str:
    """A random code: a word, a hyphen and a two-digit (``wide``: three-digit) number."""
    word = secrets.choice(WORDS)
    number = 100 + secrets.randbelow(900) if wide else 10 + secrets.randbelow(90)
    return f"{word}-{number}"


def normalise(text: str) -> str | None:
    """The code a member typed ("linde 17", "LINDE-17") in its stored form, or None."""
    cleaned = re.sub(r"[\s_–—-]+", "-", text.strip())
    for word in WORDS:
        prefix = word.casefold() + "-"
        if cleaned.casefold().startswith(prefix):
            number = cleaned[len(prefix) :]
            if number.isdigit() and 2 <= len(number) <= 3:
                return f"{word}-{number}"
    return None
