"""Shaping outgoing text: HTML escaping and Telegram's 4096-character limit."""

from __future__ import annotations

import html

TELEGRAM_LIMIT = 4096


def escape(text: str) -> str:
    """Escape user-provided text for HTML parse mode."""
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _safe_cut(line: str, limit: int) -> int:
    """Where to cut an overlong line: at a space if possible, never inside a tag or entity."""
    end = limit
    while utf16_len(line[:end]) > limit:
        end -= 1
    space = line.rfind(" ", 0, end)
    if space > end // 2:
        return space + 1
    amp, lt = line.rfind("&", 0, end), line.rfind("<", 0, end)
    if amp > line.rfind(";", 0, end) and amp > 0:
        end = amp
    if lt > line.rfind(">", 0, end) and lt > 0:
        end = lt
    return max(end, 1)


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split ``text`` into parts Telegram accepts, at line boundaries where possible."""
    if utf16_len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while utf16_len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            cut = _safe_cut(line, limit)
            parts.append(line[:cut].rstrip())
            line = line[cut:]
        candidate = f"{current}\n{line}" if current else line
        if utf16_len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return [part for part in parts if part.strip()]
