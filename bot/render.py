"""Shaping outgoing text: HTML escaping and Telegram's 4096-character limit."""

from __future__ import annotations

import html
import re

TELEGRAM_LIMIT = 4096

#: A tag, an entity or one character: the pieces a text may be cut between.
_PIECES = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.DOTALL)
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")


def escape(text: str) -> str:
    """Escape user-provided text for HTML parse mode."""
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _apply_tag(stack: list[tuple[str, str]], piece: str) -> None:
    """Update the open tags (name, opening tag) after ``piece``."""
    match = _TAG.match(piece) if piece.startswith("<") else None
    if match is None:
        return
    closing, name = match.group(1) == "/", match.group(2).lower()
    if not closing:
        stack.append((name, piece))
        return
    for index in range(len(stack) - 1, -1, -1):
        if stack[index][0] == name:
            del stack[index]
            return


def _visible(piece: str) -> bool:
    """True for a piece that shows as text (not a tag, not white space)."""
    return not piece.startswith("<") and not piece.isspace()


def _closers(stack: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _openers(stack: list[tuple[str, str]]) -> str:
    return "".join(tag for _, tag in stack)


class _Splitter:
    """Fills parts line by line; cuts an overlong line between pieces, at a space if it can.

    Tags still open at a cut are closed at the end of the part and opened again at the start
    of the next one, so every part is valid HTML on its own.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.stack: list[tuple[str, str]] = []
        self.body: list[str] = []
        self.length = 0
        self.has_content = False
        self.space: tuple[int, list[tuple[str, str]]] | None = None
        self._start_part()

    def _start_part(self) -> None:
        opening = _openers(self.stack)
        self.body = [opening] if opening else []
        self.length = utf16_len(opening)
        self.has_content = False
        self.space = None

    def _flush(self) -> None:
        if self.has_content:
            self.parts.append("".join(self.body).rstrip() + _closers(self.stack))
        self._start_part()

    def add_line(self, line: str) -> None:
        pieces = _PIECES.findall(line)
        visible = any(_visible(piece) for piece in pieces)
        if not self.has_content and not visible and not any(p.startswith("<") for p in pieces):
            return  # a part never starts with blank lines
        separator = "\n" if self.has_content else ""
        after = list(self.stack)
        for piece in pieces:
            _apply_tag(after, piece)
        needed = self.length + utf16_len(separator + line) + utf16_len(_closers(after))
        if needed <= self.limit:
            self.body.append(separator + line)
            self.length += utf16_len(separator + line)
            self.stack = after
            self.has_content = self.has_content or visible
            self.space = None
            return
        if self.has_content:
            self._flush()
            self.add_line(line)
            return
        for piece in pieces:
            self._add_piece(piece)

    def _add_piece(self, piece: str) -> None:
        after = list(self.stack)
        _apply_tag(after, piece)
        size = utf16_len(piece)
        if self.has_content and self.length + size + utf16_len(_closers(after)) > self.limit:
            self._cut()
            self._add_piece(piece)
            return
        if piece.isspace() and not self.has_content:
            return  # no part starts with a space
        if piece == " ":
            self.space = (len(self.body), list(self.stack))
        self.body.append(piece)
        self.length += size
        self.stack = after
        self.has_content = self.has_content or _visible(piece)

    def _cut(self) -> None:
        """End the part at the last space if that keeps at least half of it, else here."""
        if self.space is not None and utf16_len("".join(self.body[: self.space[0]])) * 2 > (
            self.length
        ):
            index, stack_then = self.space
            tail = self.body[index + 1 :]
            self.parts.append("".join(self.body[:index]).rstrip() + _closers(stack_then))
            self.stack = stack_then
            self._start_part()
            for piece in tail:
                self._add_piece(piece)
            return
        self._flush()

    def finish(self) -> list[str]:
        self._flush()
        return self.parts


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split ``text`` into parts Telegram accepts, at line boundaries where possible.

    Every part is at most ``limit`` UTF-16 code units long. A line longer than that is cut
    at a space where possible and never inside a tag or an entity such as ``&amp;``; tags
    open at a cut are closed and reopened, so each part is valid HTML by itself.
    """
    if utf16_len(text) <= limit:
        return [text]
    splitter = _Splitter(limit)
    for line in text.split("\n"):
        splitter.add_line(line)
    return splitter.finish()
