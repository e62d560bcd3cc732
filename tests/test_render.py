"""Escaping and splitting outgoing text, checked as properties over many generated texts."""

from __future__ import annotations

import random
import re

import pytest

from bot.render import TELEGRAM_LIMIT, escape, split_message, utf16_len
from tests.auxil.fake_bot_api import render_text

ENTITY = re.compile(r"&(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z]+);")
WORDS = ["Hilfeplan", "Träger", "&amp;", "&lt;Akte&gt;", "😀", "🧑‍🤝‍🧑", "Nord", "ß", "x" * 30]
TAGGED = ["<b>fett</b>", "<i>kursiv</i>", '<a href="https://example.org/a?b=1&amp;c=2">Link</a>']


def _line(rng: random.Random, length: int, *, tags: bool) -> str:
    words = []
    while sum(len(word) + 1 for word in words) < length:
        pool = WORDS + TAGGED if tags and rng.random() < 0.3 else WORDS
        words.append(rng.choice(pool))
    return " ".join(words)


def _text(rng: random.Random, *, longest: int, tags: bool = True) -> str:
    lines = []
    while sum(utf16_len(line) + 1 for line in lines) < rng.randint(4200, 14000):
        kind = rng.random()
        if kind < 0.1:
            lines.append("")
        elif kind < 0.15:
            lines.append("   ")
        else:
            lines.append(_line(rng, rng.randint(1, longest), tags=tags))
    return "\n".join(lines)


def _assert_whole_entities_and_tags(part: str) -> None:
    for match in re.finditer("&", part):
        assert ENTITY.match(part, match.start()), part[match.start() : match.start() + 12]
    assert part.count("<") == part.count(">")


def _visible_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def _words(text: str) -> list[str]:
    plain, _ = render_text(text, "HTML")
    return plain.split()


# -- short texts --------------------------------------------------------------------------


def test_short_text_is_returned_unchanged() -> None:
    """A text within the limit is one part, character for character."""
    for text in ("", "Hallo", "  eingerückt\n\nmit Leerzeile  ", "x" * TELEGRAM_LIMIT):
        assert split_message(text) == [text]


def test_limit_counts_utf16_units_not_characters() -> None:
    """2100 emoji are 4200 UTF-16 units: too long for one message, though only 2100 characters."""
    text = "😀" * 2100
    parts = split_message(text)
    assert len(parts) == 2
    assert all(utf16_len(part) <= TELEGRAM_LIMIT for part in parts)
    assert "".join(parts) == text


# -- the 5000-character answer ------------------------------------------------------------


def test_five_thousand_characters_split_at_a_line_boundary() -> None:
    """A 5000-character roster becomes two messages, each ending with a whole line."""
    lines = [f"• Mitglied {number:03d} – ASD &amp; Koordination" for number in range(130)]
    text = "\n".join(lines)
    assert len(text) > 5000

    parts = split_message(text)

    assert len(parts) == 2
    assert all(utf16_len(part) <= TELEGRAM_LIMIT for part in parts)
    assert "\n".join(parts) == text
    assert parts[1].startswith("• Mitglied")


# -- properties over generated texts ------------------------------------------------------


@pytest.mark.parametrize("seed", range(25))
def test_parts_fit_and_keep_every_line(seed: int) -> None:
    """Parts fit the limit and are runs of whole lines; only blank lines at cuts are lost."""
    rng = random.Random(seed)
    text = _text(rng, longest=600)

    parts = split_message(text)

    assert len(parts) > 1
    for part in parts:
        assert 0 < utf16_len(part) <= TELEGRAM_LIMIT
        assert part == part.strip()
        assert part in text  # a run of whole, unchanged lines
        _assert_whole_entities_and_tags(part)
        render_text(part, "HTML")  # raises on markup Telegram would refuse
    assert _visible_lines("\n".join(parts)) == _visible_lines(text)


@pytest.mark.parametrize("seed", range(25))
def test_overlong_lines_are_cut_between_words_and_entities(seed: int) -> None:
    """Lines longer than the limit are cut; no word, entity or tag is broken, nothing lost."""
    rng = random.Random(1000 + seed)
    text = _text(rng, longest=9000)

    parts = split_message(text)

    for part in parts:
        assert 0 < utf16_len(part) <= TELEGRAM_LIMIT
        _assert_whole_entities_and_tags(part)
        render_text(part, "HTML")
    assert [word for part in parts for word in _words(part)] == _words(text)


@pytest.mark.parametrize("limit", [64, 100, 257, 1000])
def test_small_limits_hold_for_every_part(limit: int) -> None:
    """With tiny limits (many cuts, tags reopened) every part still fits and stays valid."""
    rng = random.Random(limit)
    text = _text(rng, longest=300)

    parts = split_message(text, limit=limit)

    for part in parts:
        assert utf16_len(part) <= limit, part
        _assert_whole_entities_and_tags(part)
        render_text(part, "HTML")
    assert "".join(word for part in parts for word in _words(part)) == "".join(_words(text))


def test_line_without_spaces_is_cut_hard_but_never_inside_an_entity() -> None:
    """A 10 000-character word of entities is cut between entities."""
    text = "&amp;&lt;ä" * 1000
    parts = split_message(text)
    assert len(parts) >= 3
    for part in parts:
        assert utf16_len(part) <= TELEGRAM_LIMIT
        _assert_whole_entities_and_tags(part)
    assert "".join(parts) == text


def test_link_in_overlong_line_is_never_cut_inside_its_tag() -> None:
    """The space inside <a href=…> is no place to cut."""
    link = '<a href="https://example.org/fall?id=1">Akte öffnen</a>'
    text = " ".join([link] * 200)
    parts = split_message(text)
    for part in parts:
        assert utf16_len(part) <= TELEGRAM_LIMIT
        render_text(part, "HTML")
        assert part.count("<a ") == part.count("</a>")


def test_tag_spanning_a_cut_is_closed_and_reopened() -> None:
    """Bold text across two parts is bold in both, and each part is valid HTML."""
    text = "<b>" + "\n".join(f"Zeile {n} " + "y" * 50 for n in range(150)) + "</b>"

    parts = split_message(text)

    assert len(parts) >= 2
    for part in parts:
        assert part.startswith("<b>")
        assert part.endswith("</b>")
        assert utf16_len(part) <= TELEGRAM_LIMIT
        _, entities = render_text(part, "HTML")
        assert [entity["type"] for entity in entities] == ["bold"]


def test_blank_lines_never_start_or_end_a_part() -> None:
    """Empty lines at a cut are dropped instead of making a part start or end empty."""
    text = ("a" * 100 + "\n\n\n") * 80
    for part in split_message(text):
        assert part == part.strip("\n")
        assert part.strip()


# -- escaping -----------------------------------------------------------------------------


def test_escape_makes_user_text_literal() -> None:
    """Tags and entities typed by a user show as typed; quotes stay readable."""
    typed = '<b>Tom & "Jerry"</b> &amp;'
    plain, entities = render_text(escape(typed), "HTML")
    assert plain == typed
    assert entities == []
    assert escape(typed) == '&lt;b&gt;Tom &amp; "Jerry"&lt;/b&gt; &amp;amp;'
