"""Texts in German and English, from gettext catalogues in ``bot/locales``.

Message ids are symbolic keys (``team.removed``); each language has its own ``.po`` files, one
per feature, so a wording change is one edit and the languages cannot drift apart unnoticed:
``tests/test_i18n.py`` fails when a key or a placeholder is missing in a language.

Every value put into a text is HTML-escaped, because every message is sent with HTML parse
mode; wrap trusted markup in :class:`Markup` to pass it unescaped.
"""

from __future__ import annotations

import html
import re
import string
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGES = ("de", "en")
FALLBACK = "de"


class Markup(str):
    """Text that is already safe HTML and must not be escaped again."""

    __slots__ = ()


class TextKey(str):
    """A value that is itself a text key, translated into each reader's language."""

    __slots__ = ()


class MissingTextError(KeyError):
    """A key has no text in any language."""


@cache
def catalogue(language: str) -> dict[str, str]:
    """All texts of one language, merged from its ``.po`` files."""
    texts: dict[str, str] = {}
    folder = LOCALES / language / "LC_MESSAGES"
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if message.id and isinstance(message.id, str) and message.string:
                if message.id in texts:
                    raise ValueError(f"text key {message.id!r} defined twice ({path.name})")
                texts[message.id] = str(message.string)
    return texts


def normalise_language(language: str | None) -> str:
    """Map a Telegram language code (``de-AT``, ``en``) to a supported language or ''."""
    if not language:
        return ""
    short = language.split("-")[0].lower()
    return short if short in LANGUAGES else ""


def placeholders(template: str) -> set[str]:
    """The ``{name}`` placeholders of a text."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def t(language: str, key: str, /, **values: object) -> str:
    """The text for ``key`` in ``language`` (German if missing), with escaped values filled in."""
    template = catalogue(language).get(key) or catalogue(FALLBACK).get(key)
    if template is None:
        raise MissingTextError(key)
    # Formatted even without values: a missing value fails loudly instead of showing "{team}".
    safe = {name: _render_value(language, value) for name, value in values.items()}
    return template.format(**safe)


def _render_value(language: str, value: object) -> str:
    if isinstance(value, TextKey):
        return t(language, value)
    if isinstance(value, Markup):
        return value
    return html.escape(str(value), quote=False)


_TAGS = re.compile(r"<[^<>]*>")


def plain_text(html_text: str) -> str:
    """A rendered text without tags and entities, for places without HTML parse mode.

    Button alerts (``answerCallbackQuery``) and command descriptions show text literally.
    """
    return html.unescape(_TAGS.sub("", html_text))


def both(key: str, /, **values: object) -> str:
    """German text, then the English one: for places that do not know the reader's language."""
    return f"{t('de', key, **values)}\n\n{t('en', key, **values)}"
