"""A fake Telegram Bot API server on loopback, speaking the real wire format.

The server runs ``http.server.ThreadingHTTPServer`` in a daemon thread, so it serves a bot
running in the test's own asyncio loop just as well as a bot started as a subprocess. Point
PTB at it with ``base_url=fake.url + "/bot"`` and ``base_file_url=fake.url + "/file/bot"``.

All state is guarded by one ``threading.Condition``; every public method is thread-safe and
returns copies. Never call the blocking :meth:`FakeBotAPI.wait_for` from the event loop that
runs the bot under test -- use :meth:`FakeBotAPI.wait_for_async` there.

Beyond recording calls, the server behaves like Telegram where bots commonly get it wrong:
``parse_mode`` texts are parsed with ports of tdlib's HTML/MarkdownV2/Markdown parsers (bad
markup answers ``400 can't parse entities``), editing without ``reply_markup`` removes the
inline keyboard, unchanged edits answer ``400 message is not modified``, ``callback_data`` is
limited to 64 bytes, and a second ``getUpdates`` terminates a waiting one with ``409``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import email.parser
import email.policy
import itertools
import json
import re
import socket
import socketserver
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.auxil.builders import chat_dict_for_id, chat_member_dict, utf16_len

__all__ = [
    "TOKEN",
    "ApiCall",
    "FakeBotAPI",
    "SentMessage",
    "UploadedFile",
    "render_text",
]

TOKEN = "123456789:AAHfakeTokenForTestsOnly_abcdefghijklmn"

_INT_PARAMS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "from_chat_id",
        "message_thread_id",
        "reply_to_message_id",
        "cache_time",
        "max_connections",
        "until_date",
        "duration",
    }
)
_BOOL_PARAMS = frozenset(
    {
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "revoke_messages",
        "only_if_banned",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
    }
)
_TEXT_PARAMS = frozenset(
    {
        "text",
        "caption",
        "description",
        "short_description",
        "name",
        "title",
        "url",
        "action",
        "parse_mode",
        "language_code",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "secret_token",
        "question",
        "explanation",
    }
)
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_MAX_POLL_SECONDS = 2.0


# --------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------


@dataclass
class UploadedFile:
    """A file the bot uploaded in a ``multipart/form-data`` request."""

    filename: str
    content: bytes
    mime_type: str


@dataclass
class ApiCall:
    """One request the bot made, with decoded parameters and uploaded files."""

    method: str
    params: dict[str, Any]
    files: dict[str, UploadedFile] = field(default_factory=dict)
    failed: bool = False
    status: int = 200
    response: dict[str, Any] | None = None


@dataclass
class SentMessage:
    """Current state of a message the bot sent (edits applied).

    ``text``/``caption`` are exactly what the bot sent (markup included); ``raw`` is the
    ``Message`` object the server answered with, whose ``text`` is the rendered plain text.
    """

    chat_id: int
    message_id: int
    text: str | None
    reply_markup: dict[str, Any] | None
    parse_mode: str | None
    document: UploadedFile | None
    caption: str | None
    method: str
    deleted: bool = False
    photo: UploadedFile | None = None
    file_id: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    edit_count: int = 0
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def plain_text(self) -> str | None:
        """Return the text (or caption) as Telegram renders it, without markup."""
        if "text" in self.raw:
            return self.raw["text"]
        return self.raw.get("caption", self.text if self.text is not None else self.caption)

    @property
    def file(self) -> UploadedFile | None:
        """Return the uploaded document or photo, if any."""
        return self.document or self.photo

    def buttons(self) -> list[dict[str, Any]]:
        """Return all keyboard buttons (inline or reply keyboard) row by row, flattened."""
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        flat: list[dict[str, Any]] = []
        for row in rows:
            for button in row:
                flat.append(button if isinstance(button, dict) else {"text": str(button)})
        return flat

    def button_texts(self) -> list[str]:
        """Return the texts of all keyboard buttons, flattened."""
        return [str(button.get("text", "")) for button in self.buttons()]

    def button(self, text: str) -> dict[str, Any]:
        """Return the button with this exact text, else the only one containing it."""
        buttons = self.buttons()
        for button in buttons:
            if button.get("text") == text:
                return button
        partial = [button for button in buttons if text in str(button.get("text", ""))]
        if len(partial) == 1:
            return partial[0]
        if not partial:
            raise LookupError(f"no button {text!r} in {self.button_texts()!r}")
        raise LookupError(f"button text {text!r} is ambiguous in {self.button_texts()!r}")


# --------------------------------------------------------------------------------------
# Text formatting (ports of tdlib's parse_html / parse_markdown_v2 / parse_markdown)
# --------------------------------------------------------------------------------------


class _MarkupError(Exception):
    """Raised when a text cannot be parsed with its parse_mode."""


_ENTITY_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}
_TD_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "pre_code": "PreCode",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "blockquote": "BlockQuote",
}
_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_HTML_SIMPLE = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}


def _u16(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _is_space(char: str) -> bool:
    return char in " \t\r\n\0\v\f"


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        entities,
        key=lambda e: (e["offset"], -e["length"], _ENTITY_PRIORITY.get(e["type"], 50)),
    )


def _emoji_id_from_url(url: str) -> str:
    match = re.fullmatch(r"tg://emoji\?id=(\d+)", url)
    if match is None or int(match.group(1)) == 0:
        raise _MarkupError("Invalid custom emoji identifier specified")
    return match.group(1)


def _decode_html_entity(text: str, pos: int) -> tuple[int, int]:
    """Return (code point, position after the entity) or (0, pos) if not an entity."""
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else "\0"

    end = pos + 1
    code = 0
    if at(pos + 1) == "#":
        end += 1
        if at(pos + 2) == "x":
            end += 1
            while at(end) in "0123456789abcdefABCDEF":
                code = code * 16 + int(at(end), 16)
                end += 1
        else:
            while at(end) in "0123456789":
                code = code * 10 + int(at(end))
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while at(end).isascii() and at(end).isalpha():
            end += 1
        code = {"lt": 60, "gt": 62, "amp": 38, "quot": 34}.get(text[pos + 1 : end], 0)
        if code == 0:
            return 0, pos
    if at(end) == ";":
        end += 1
    return code, end


def _parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else "\0"

    def fail(message: str) -> _MarkupError:
        return _MarkupError(message)

    out: list[str] = []
    entities: list[dict[str, Any]] = []
    nested: list[tuple[str, str, int, int]] = []  # tag, argument, utf16 offset, len(out)
    utf16 = 0
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            code, new_i = _decode_html_entity(text, i)
            if code:
                if 0xD800 <= code <= 0xDFFF:
                    raise fail(
                        "Text contains invalid Unicode characters after decoding HTML entities, "
                        "check for unmatched surrogate code units"
                    )
                out.append(chr(code))
                utf16 += _u16(chr(code))
                i = new_i
                continue
        if c != "<":
            out.append(c)
            utf16 += _u16(c)
            i += 1
            continue

        begin = i
        byte_begin = _byte_offset(text, begin)
        i += 1
        if at(i) != "/":
            while not _is_space(at(i)) and at(i) != ">":
                i += 1
            if i >= n:
                raise fail(f"Unclosed start tag at byte offset {byte_begin}")
            tag = text[begin + 1 : i].lower()
            if tag not in _HTML_TAGS:
                raise fail(f'Unsupported start tag "{tag}" at byte offset {byte_begin}')
            argument = ""
            while at(i) != ">":
                while i < n and _is_space(at(i)):
                    i += 1
                if at(i) == ">":
                    break
                attribute_begin = i
                while not _is_space(at(i)) and at(i) not in "=>":
                    i += 1
                attribute = text[attribute_begin:i]
                if not attribute:
                    raise fail(
                        f'Empty attribute name in the tag "{tag}" at byte offset {byte_begin}'
                    )
                while i < n and _is_space(at(i)):
                    i += 1
                if tag == "blockquote" and attribute == "expandable" and at(i) != "=":
                    argument = "expandable"
                    continue
                if at(i) != "=":
                    raise fail(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {byte_begin}'
                    )
                i += 1
                while i < n and _is_space(at(i)):
                    i += 1
                if i >= n:
                    raise fail(f'Unclosed start tag "{tag}" at byte offset {byte_begin}')
                if at(i) not in "'\"":
                    token_begin = i
                    while i < n and at(i).isascii() and (at(i).isalnum() or at(i) in ".-"):
                        i += 1
                    value = text[token_begin:i].lower()
                    if not _is_space(at(i)) and at(i) != ">":
                        raise fail(
                            "Unexpected end of name token at byte offset "
                            f"{_byte_offset(text, token_begin)}"
                        )
                else:
                    quote = text[i]
                    i += 1
                    chars: list[str] = []
                    while i < n and text[i] != quote:
                        if text[i] == "&":
                            code, new_i = _decode_html_entity(text, i)
                            if code:
                                chars.append(chr(code))
                                i = new_i
                                continue
                        chars.append(text[i])
                        i += 1
                    if at(i) == quote:
                        i += 1
                    value = "".join(chars)
                if i >= n:
                    raise fail(f"Unclosed start tag at byte offset {byte_begin}")
                if tag == "a" and attribute == "href":
                    argument = value
                elif tag == "code" and attribute == "class" and value.startswith("language-"):
                    argument = value[9:]
                elif tag == "span" and attribute == "class" and value.startswith("tg-"):
                    argument = value[3:]
                elif tag == "tg-emoji" and attribute == "emoji-id":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise fail(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_begin}')
            nested.append((tag, argument, utf16, len(out)))
            i += 1
            continue

        # end tag
        if not nested:
            raise fail(f"Unexpected end tag at byte offset {byte_begin}")
        while not _is_space(at(i)) and at(i) != ">":
            i += 1
        end_tag = text[begin + 2 : i].lower()
        while i < n and _is_space(at(i)):
            i += 1
        if at(i) != ">":
            raise fail(f"Unclosed end tag at byte offset {byte_begin}")
        tag, argument, offset, out_begin = nested[-1]
        if end_tag and end_tag != tag:
            raise fail(
                f'Unmatched end tag at byte offset {byte_begin}, expected "</{tag}>", '
                f'found "</{end_tag}>"'
            )
        if utf16 > offset:
            entity: dict[str, Any] = {"offset": offset, "length": utf16 - offset}
            last = entities[-1] if entities else None
            same_span = last is not None and (last["offset"], last["length"]) == (
                entity["offset"],
                entity["length"],
            )
            if tag in _HTML_SIMPLE:
                entities.append({"type": _HTML_SIMPLE[tag], **entity})
            elif tag == "tg-emoji":
                if not argument.isdigit() or int(argument) == 0:
                    raise fail("Invalid custom emoji identifier specified")
                entities.append({"type": "custom_emoji", **entity, "custom_emoji_id": argument})
            elif tag == "a":
                url = argument or "".join(out[out_begin:])
                if url:
                    entities.append({"type": "text_link", **entity, "url": url})
            elif tag == "pre":
                if same_span and last["type"] == "code" and last.get("language"):
                    last["type"] = "pre"
                else:
                    entities.append({"type": "pre", **entity})
            elif tag == "code":
                if same_span and last["type"] == "pre" and argument:
                    last["language"] = argument
                else:
                    entities.append({"type": "code", **entity, "language": argument})
            elif tag == "blockquote":
                kind = "expandable_blockquote" if argument == "expandable" else "blockquote"
                entities.append({"type": kind, **entity})
        nested.pop()
        i += 1
    if nested:
        raise fail(f"Can't find end tag corresponding to start tag {nested[-1][0]}")
    for entity in entities:
        if entity["type"] == "code" or not entity.get("language", True):
            entity.pop("language", None)
    return "".join(out), _sort_entities(entities)


def _parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else "\0"

    def reserved(char: str) -> _MarkupError:
        return _MarkupError(
            f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        )

    def escaped(k: int) -> bool:
        return text[k] == "\\" and 0 < ord(at(k + 1)) <= 126

    out: list[str] = []
    entities: list[dict[str, Any]] = []
    nested: list[tuple[str, str, int, int, int]] = []  # type, arg, utf16, byte offset, len(out)
    utf16 = 0
    have_blockquote = False
    i = 0
    while i < n:
        c = text[i]
        if escaped(i):
            out.append(text[i + 1])
            utf16 += 1
            i += 2
            continue
        chars = "_*[]()~`>#+-=|{}.!\n"
        if nested and nested[-1][0] in ("code", "pre", "pre_code"):
            chars = "`"
        if c not in chars:
            out.append(c)
            utf16 += _u16(c)
            i += 1
            continue

        is_end = False
        if nested:
            kind = nested[-1][0]
            if have_blockquote and c == "\n" and (i + 1 == n or text[i + 1] != ">"):
                is_end = True
            elif kind == "bold":
                is_end = c == "*"
            elif kind == "italic":
                is_end = c == "_" and at(i + 1) != "_"
            elif kind == "code":
                is_end = c == "`"
            elif kind in ("pre", "pre_code"):
                is_end = c == "`" and at(i + 1) == "`" and at(i + 2) == "`"
            elif kind in ("text_link", "custom_emoji"):
                is_end = c == "]"
            elif kind == "underline":
                is_end = c == "_" and at(i + 1) == "_"
            elif kind == "strikethrough":
                is_end = c == "~"
            elif kind == "spoiler":
                is_end = c == "|" and at(i + 1) == "|"

        if not is_end:
            start = _byte_offset(text, i)
            argument = ""
            kind = ""
            if c == "_":
                if at(i + 1) == "_":
                    kind = "underline"
                    i += 1
                else:
                    kind = "italic"
            elif c == "*":
                kind = "bold"
            elif c == "~":
                kind = "strikethrough"
            elif c == "|":
                if at(i + 1) != "|":
                    raise reserved(c)
                i += 1
                kind = "spoiler"
            elif c == "[":
                kind = "text_link"
            elif c == "`":
                if at(i + 1) == "`" and at(i + 2) == "`":
                    i += 3
                    kind = "pre"
                    language_end = i
                    while not _is_space(at(language_end)) and at(language_end) != "`":
                        language_end += 1
                    if i != language_end and language_end < n and at(language_end) != "`":
                        kind = "pre_code"
                        argument = text[i:language_end]
                        i = language_end
                    if at(i) in "\n\r" and i < n:
                        if at(i + 1) in "\n\r" and i + 1 < n and at(i) != at(i + 1):
                            i += 2
                        else:
                            i += 1
                    i -= 1
                else:
                    kind = "code"
            elif c == "!":
                if at(i + 1) != "[":
                    raise reserved(c)
                i += 1
                kind = "custom_emoji"
            elif c == "\n":
                utf16 += 1
                out.append("\n")
                if i + 1 < n and text[i + 1] == ">":
                    i += 1
                    if not have_blockquote:
                        kind = "blockquote"
                        have_blockquote = True
            elif c == ">":
                if i != 0:
                    raise reserved(c)
                kind = "blockquote"
                have_blockquote = True
            else:
                raise reserved(c)
            if kind:
                nested.append((kind, argument, utf16, start, len(out)))
            i += 1
            continue

        # end of an entity
        kind, argument, offset, start, out_begin = nested[-1]
        if c == "\n" and kind != "blockquote":
            raise _MarkupError(
                f"Can't find end of {_TD_NAMES[kind]} entity at byte offset {start}"
            )
        skip = utf16 == offset
        extra: dict[str, Any] = {}
        if kind in ("underline", "spoiler"):
            i += 1
        elif kind in ("pre", "pre_code"):
            i += 2
        elif kind in ("text_link", "custom_emoji"):
            if at(i + 1) != "(":
                if kind == "custom_emoji":
                    raise _MarkupError("Custom emoji entity must contain a tg://emoji URL")
                url = "".join(out[out_begin:])
            else:
                i += 2
                url_begin = _byte_offset(text, i)
                url_chars: list[str] = []
                while i < n and text[i] != ")":
                    if escaped(i):
                        url_chars.append(text[i + 1])
                        i += 2
                        continue
                    url_chars.append(text[i])
                    i += 1
                if at(i) != ")":
                    what = "a URL" if kind == "text_link" else "a custom emoji URL"
                    raise _MarkupError(f"Can't find end of {what} at byte offset {url_begin}")
                url = "".join(url_chars)
            if kind == "custom_emoji":
                extra["custom_emoji_id"] = _emoji_id_from_url(url)
            elif url:
                extra["url"] = url
            else:
                skip = True
        elif kind == "blockquote":
            have_blockquote = False
            out.append(c)
            utf16 += 1
        if not skip:
            entity_type = "pre" if kind == "pre_code" else kind
            entity = {"type": entity_type, "offset": offset, "length": utf16 - offset, **extra}
            if kind == "pre_code":
                entity["language"] = argument
            entities.append(entity)
        nested.pop()
        i += 1

    if have_blockquote and nested and nested[-1][0] == "blockquote":
        offset = nested[-1][2]
        if utf16 != offset:
            entities.append({"type": "blockquote", "offset": offset, "length": utf16 - offset})
        nested.pop()
    if nested:
        kind, _argument, _offset, start, _out_begin = nested[-1]
        raise _MarkupError(f"Can't find end of {_TD_NAMES[kind]} entity at byte offset {start}")
    return "".join(out), _sort_entities(entities)


def _parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    n = len(text)

    def at(k: int) -> str:
        return text[k] if k < n else "\0"

    out: list[str] = []
    entities: list[dict[str, Any]] = []
    utf16 = 0
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and at(i + 1) in "_*`[" and i + 1 < n:
            out.append(text[i + 1])
            utf16 += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            utf16 += _u16(c)
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        is_pre = False
        language = ""
        i += 1
        if c == "`" and at(i) == "`" and at(i + 1) == "`":
            i += 2
            is_pre = True
            language_end = i
            while not _is_space(at(language_end)) and at(language_end) != "`":
                language_end += 1
            if i != language_end and language_end < n and at(language_end) != "`":
                language = text[i:language_end]
                i = language_end
            if at(i) in "\n\r" and i < n:
                if at(i + 1) in "\n\r" and i + 1 < n and at(i) != at(i + 1):
                    i += 2
                else:
                    i += 1
        offset = utf16
        out_begin = len(out)
        while i < n and (
            text[i] != end_char or (is_pre and not (at(i + 1) == "`" and at(i + 2) == "`"))
        ):
            out.append(text[i])
            utf16 += _u16(text[i])
            i += 1
        if i >= n:
            raise _MarkupError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, begin)}"
            )
        if utf16 != offset:
            entity: dict[str, Any] = {"offset": offset, "length": utf16 - offset}
            if c == "_":
                entities.append({"type": "italic", **entity})
            elif c == "*":
                entities.append({"type": "bold", **entity})
            elif c == "[":
                if at(i + 1) != "(":
                    url = "".join(out[out_begin:])
                else:
                    i += 2
                    url_chars: list[str] = []
                    while i < n and text[i] != ")":
                        url_chars.append(text[i])
                        i += 1
                    url = "".join(url_chars)
                if url:
                    entities.append({"type": "text_link", **entity, "url": url})
            elif is_pre:
                entities.append(
                    {"type": "pre", **entity, **({"language": language} if language else {})}
                )
            else:
                entities.append({"type": "code", **entity})
        if is_pre:
            i += 2
        i += 1
    return "".join(out), _sort_entities(entities)


def render_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) as Telegram renders ``text``; raise ValueError if invalid."""
    if not parse_mode:
        return text, list(entities or [])
    mode = parse_mode.lower()
    try:
        if mode == "html":
            return _parse_html(text)
        if mode == "markdownv2":
            return _parse_markdown_v2(text)
        if mode == "markdown":
            return _parse_markdown(text)
    except _MarkupError as exc:
        raise ValueError(f"Bad Request: can't parse entities: {exc}") from None
    raise ValueError("Bad Request: unsupported parse_mode")


# --------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------


class _ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class _Failure:
    status: int
    description: str
    parameters: dict[str, Any] | None


def _coerce(key: str, value: Any) -> Any:
    """Decode one form/query value the way the Bot API interprets it."""
    if not isinstance(value, str):
        return value
    stripped = value.strip()
    if key in _INT_PARAMS and re.fullmatch(r"-?\d+", stripped):
        return int(stripped)
    if key in _BOOL_PARAMS and stripped in ("true", "false"):
        return stripped == "true"
    if key not in _TEXT_PARAMS and stripped[:1] in ("{", "["):
        try:
            return json.loads(stripped)
        except ValueError:
            return value
    return value


def _header_text(value: str | None) -> str | None:
    """Decode a multipart name/filename as sent by httpx (raw UTF-8, HTML5 %-escapes)."""
    if value is None:
        return None
    # ``email`` decodes header bytes as ASCII with surrogateescape; undo that.
    with contextlib.suppress(UnicodeError):
        value = value.encode("utf-8", "surrogateescape").decode("utf-8")
    # HTML5 form encoding (httpx) writes '"' as %22 and control characters as %XX.
    return re.sub(r"%(22|[01][0-9A-F])", lambda m: chr(int(m.group(1), 16)), value)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms stalls
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.fake._register_connection(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._unregister_connection(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        """Serve a GET request."""
        self._serve()

    def do_POST(self) -> None:
        """Serve a POST request."""
        self._serve()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        body = self._read_body()
        status, payload, content_type = self.server.fake._handle_http(
            self.path, self.headers.get("Content-Type", ""), body
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, fake: FakeBotAPI) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), which can stall on broken DNS.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hung up (cancelled long polls); record anything else."""
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError):
            return
        self.fake._record_server_error(repr(exc))


class FakeBotAPI:
    """A loopback HTTP server imitating the Telegram Bot API for one bot token."""

    def __init__(
        self,
        token: str = TOKEN,
        *,
        bot_id: int = 123456789,
        username: str = "sozialraum_test_bot",
        first_name: str = "Sozialraum-Bot",
    ) -> None:
        """Create the server (not yet listening; call :meth:`start`)."""
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self._cond = threading.Condition(threading.RLock())
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_accepted = 0
        self._stopping = False
        self._version = 0
        self._next_update_id = 1000
        self._confirmed_offset = 0
        self._poll_generation = 0
        self._file_counter = itertools.count(1)
        self._methods: dict[str, tuple[str, Callable[..., Any]]] = {}
        for attribute in dir(self):
            if attribute.startswith("_api_"):
                first, *rest = attribute[len("_api_") :].split("_")
                method = first + "".join(word.capitalize() for word in rest)
                self._methods[method.lower()] = (method, getattr(self, attribute))
        self._clear_state()

    def _clear_state(self) -> None:
        self._calls: list[ApiCall] = []
        self._messages: dict[tuple[int, int], SentMessage] = {}
        self._next_message_id: dict[int, int] = {}
        self._deleted: set[tuple[int, int]] = set()
        self._updates: list[dict[str, Any]] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._blocked: dict[int, str] = {}
        self._webhook: dict[str, Any] = {}
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._menu_buttons: dict[int | None, dict[str, Any]] = {}
        self._members: dict[tuple[int, int], str] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._files: dict[str, tuple[str, bytes | None, dict[str, Any]]] = {}
        self._bot_texts: dict[tuple[str, str], str] = {}
        self._server_errors: list[str] = []

    # ---- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread (idempotent)."""
        with self._cond:
            if self._server is not None:
                return
            self._stopping = False
            self._server = _Server(self)
            server = self._server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"FakeBotAPI:{server.server_port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, end open keep-alive connections and release the port."""
        with self._cond:
            server = self._server
            if server is None:
                return
            self._stopping = True
            self._cond.notify_all()
        server.shutdown()
        with self._cond:
            connections = dict(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        for thread in connections.values():
            thread.join(timeout=2.0)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        with self._cond:
            self._server = None
            self._thread = None

    def __enter__(self) -> FakeBotAPI:
        """Start the server."""
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the server."""
        self.stop()

    @property
    def url(self) -> str:
        """Return the root URL, e.g. ``http://127.0.0.1:PORT``."""
        with self._cond:
            if self._server is None:
                raise RuntimeError("FakeBotAPI is not started")
            return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def base_url(self) -> str:
        """Return the value for PTB's ``base_url`` (``url + "/bot"``)."""
        return self.url + "/bot"

    @property
    def base_file_url(self) -> str:
        """Return the value for PTB's ``base_file_url`` (``url + "/file/bot"``)."""
        return self.url + "/file/bot"

    @property
    def connections_accepted(self) -> int:
        """Return how many TCP connections the server accepted (keep-alive check)."""
        with self._cond:
            return self._connections_accepted

    @property
    def server_errors(self) -> list[str]:
        """Return unexpected exceptions raised while serving (should stay empty)."""
        with self._cond:
            return list(self._server_errors)

    def reset(self) -> None:
        """Forget calls, messages, updates, failures and chat state; keep port and update ids."""
        with self._cond:
            self._clear_state()
            self._touch()

    # ---- inspection ------------------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Return a copy of all recorded calls in arrival order."""
        with self._cond:
            return copy.deepcopy(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        """Return the recorded calls of one method (name case-insensitive)."""
        wanted = method.lower()
        with self._cond:
            return copy.deepcopy([c for c in self._calls if c.method.lower() == wanted])

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Return messages the bot sent (edits applied, deleted ones flagged) in send order."""
        with self._cond:
            return copy.deepcopy(
                [m for m in self._messages.values() if chat_id is None or m.chat_id == chat_id]
            )

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        """Return one message the bot sent; raise KeyError if unknown."""
        with self._cond:
            return copy.deepcopy(self._messages[(chat_id, message_id)])

    @property
    def deleted(self) -> set[tuple[int, int]]:
        """Return (chat_id, message_id) pairs the bot deleted, including users' messages."""
        with self._cond:
            return set(self._deleted)

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """Return the command list set for ``scope`` (default scope) and language."""
        with self._cond:
            key = (self._scope_key(scope), language_code)
            return copy.deepcopy(self._commands.get(key, []))

    def webhook(self) -> dict[str, Any]:
        """Return the webhook parameters the bot set (empty if none)."""
        with self._cond:
            return copy.deepcopy(self._webhook)

    # ---- scripting -------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        description: str = "Too Many Requests: retry after 2",
        retry_after: int | None = 2,
        times: int = 1,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (``retry_after`` only with 429)."""
        parameters: dict[str, Any] | None = None
        if migrate_to_chat_id is not None:
            parameters = {"migrate_to_chat_id": migrate_to_chat_id}
        elif status == 429 and retry_after is not None:
            parameters = {"retry_after": retry_after}
        with self._cond:
            queue = self._failures.setdefault(method.lower(), deque())
            queue.extend(_Failure(status, description, parameters) for _ in range(times))

    def block_chat(
        self, chat_id: int, description: str = "Forbidden: bot was blocked by the user"
    ) -> None:
        """Make every send to ``chat_id`` answer 403 with ``description``."""
        with self._cond:
            self._blocked[chat_id] = description

    def unblock_chat(self, chat_id: int) -> None:
        """Undo :meth:`block_chat`."""
        with self._cond:
            self._blocked.pop(chat_id, None)

    def set_chat_member(self, chat_id: int, user_id: int, status: str) -> None:
        """Make getChatMember/getChatAdministrators report ``status`` for this user."""
        with self._cond:
            self._members[(chat_id, user_id)] = status

    def register_chat(self, chat: dict[str, Any]) -> None:
        """Remember a Chat object so responses use its title/names."""
        with self._cond:
            self._chats[int(chat["id"])] = copy.deepcopy(chat)

    def register_user(self, user: dict[str, Any]) -> None:
        """Remember a User object so getChatMember answers with it."""
        with self._cond:
            self._users[int(user["id"])] = copy.deepcopy(user)

    def add_file(self, file_id: str, content: bytes, file_path: str | None = None) -> str:
        """Make ``file_id`` downloadable via getFile; return its file_path."""
        with self._cond:
            n = next(self._file_counter)
            path = file_path or f"documents/file_{n}"
            meta = {"file_unique_id": f"AgADadd{n:06d}", "file_size": len(content)}
            self._files[file_id] = (path, content, meta)
            return path

    # ---- updates ---------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates with the next update_id (from 1000); return it."""
        update = copy.deepcopy(update)
        with self._cond:
            update_id = self._next_update_id
            self._next_update_id += 1
            update["update_id"] = update_id
            self._remember_entities(update)
            self._updates.append(update)
            self._touch()
            return update_id

    def pending_updates(self) -> list[dict[str, Any]]:
        """Return queued updates not yet confirmed by the bot."""
        with self._cond:
            return copy.deepcopy(self._updates)

    @property
    def confirmed_offset(self) -> int:
        """Return the highest offset the bot confirmed (updates below it are dropped)."""
        with self._cond:
            return self._confirmed_offset

    def wait_for(self, predicate: Callable[[FakeBotAPI], bool], timeout: float = 5.0) -> bool:
        """Block until ``predicate(self)`` holds (re-checked on each change); False on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                version = self._version
            if predicate(self):
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._cond:
                if self._version == version:
                    self._cond.wait(min(remaining, 0.5))

    async def wait_for_async(
        self,
        predicate: Callable[[FakeBotAPI], bool],
        timeout: float = 5.0,
    ) -> bool:
        """Await until ``predicate(self)`` is true, polling without blocking the loop."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate(self):
                return True
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.01)

    # ---- internals: bookkeeping ------------------------------------------------------

    def _touch(self) -> None:
        self._version += 1
        self._cond.notify_all()

    def _register_connection(self, connection: socket.socket) -> None:
        with self._cond:
            self._connections[connection] = threading.current_thread()
            self._connections_accepted += 1

    def _unregister_connection(self, connection: socket.socket) -> None:
        with self._cond:
            self._connections.pop(connection, None)

    def _record_server_error(self, error: str) -> None:
        with self._cond:
            self._server_errors.append(error)

    def _remember_entities(self, update: dict[str, Any]) -> None:
        for value in update.values():
            if not isinstance(value, dict):
                continue
            for key in ("from", "user"):
                if isinstance(value.get(key), dict) and "id" in value[key]:
                    self._users[int(value[key]["id"])] = copy.deepcopy(value[key])
            for holder in (value, value.get("message")):
                if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
                    self._chats[int(holder["chat"]["id"])] = copy.deepcopy(holder["chat"])

    def _chat(self, chat_id: int) -> dict[str, Any]:
        known = self._chats.get(chat_id)
        if known is not None:
            return {
                k: v
                for k, v in known.items()
                if k in ("id", "type", "title", "username", "first_name", "last_name", "is_forum")
            }
        return chat_dict_for_id(chat_id)

    def _user(self, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_user["id"]:
            return copy.deepcopy(self.bot_user)
        known = self._users.get(user_id)
        if known is not None:
            return copy.deepcopy(known)
        return {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not scope:
            scope = {"type": "default"}
        return json.dumps(scope, sort_keys=True)

    # ---- internals: HTTP -------------------------------------------------------------

    def _handle_http(
        self, raw_path: str, content_type: str, body: bytes
    ) -> tuple[int, bytes, str]:
        parts = urlsplit(raw_path)
        path = unquote(parts.path)
        file_match = re.fullmatch(r"/file/bot([^/]+)/(.+)", path)
        if file_match is not None:
            return self._serve_file(file_match.group(1), file_match.group(2))
        match = re.fullmatch(r"/bot([^/]+)/([^/]+)/?", path)
        if match is None:
            return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        token, method_name = match.groups()
        if token != self.token:
            return self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        try:
            params, files = self._parse_params(parts.query, content_type, body)
        except ValueError as exc:
            return self._json(
                400,
                {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"},
            )
        status, response = self._dispatch(method_name, params, files)
        return self._json(status, response)

    @staticmethod
    def _json(status: int, payload: dict[str, Any]) -> tuple[int, bytes, str]:
        return status, json.dumps(payload).encode("utf-8"), "application/json"

    def _serve_file(self, token: str, file_path: str) -> tuple[int, bytes, str]:
        with self._cond:
            if token == self.token:
                for path, content, _meta in self._files.values():
                    if path == file_path and content is not None:
                        return 200, content, "application/octet-stream"
        return self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})

    @staticmethod
    def _parse_params(
        query: str, content_type: str, body: bytes
    ) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        raw: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        files: dict[str, UploadedFile] = {}
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime == "application/x-www-form-urlencoded":
            raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        elif mime == "multipart/form-data":
            header = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n"
            message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
                header + body
            )
            if not message.is_multipart():
                raise ValueError("can't parse multipart body")
            for part in message.iter_parts():
                name = _header_text(part.get_param("name", header="content-disposition"))
                if not isinstance(name, str):
                    continue
                payload = part.get_payload(decode=True) or b""
                filename = part.get_filename()
                if filename is None:
                    raw[name] = payload.decode("utf-8")
                else:
                    files[name] = UploadedFile(
                        filename=_header_text(filename) or "",
                        content=payload,
                        mime_type=part.get_content_type(),
                    )
        elif mime == "application/json" and body.strip():
            decoded = json.loads(body)
            if not isinstance(decoded, dict):
                raise ValueError("JSON body must be an object")
            raw.update(decoded)
        return {key: _coerce(key, value) for key, value in raw.items()}, files

    def _dispatch(
        self, method_name: str, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> tuple[int, dict[str, Any]]:
        entry = self._methods.get(method_name.lower())
        with self._cond:
            call = ApiCall(
                method=entry[0] if entry else method_name,
                params=copy.deepcopy(params),
                files=dict(files),
            )
            self._calls.append(call)
            self._touch()
        try:
            if entry is None:
                raise _ApiError(404, "Not Found")
            with self._cond:
                queue = self._failures.get(entry[0].lower())
                failure = queue.popleft() if queue else None
            if failure is not None:
                raise _ApiError(failure.status, failure.description, failure.parameters)
            result = entry[1](params, files)
            status, response = 200, {"ok": True, "result": result}
        except _ApiError as exc:
            status = exc.status
            response = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                response["parameters"] = exc.parameters
        except Exception as exc:  # a bug in the fake: answer 500 and remember it
            status = 500
            response = {
                "ok": False,
                "error_code": 500,
                "description": f"Internal Server Error: {exc!r}",
            }
            self._record_server_error(repr(exc))
        with self._cond:
            call.status = status
            call.failed = status != 200
            call.response = copy.deepcopy(response)
            self._touch()
        return status, response

    # ---- internals: helpers for API methods ------------------------------------------

    @staticmethod
    def _require(params: dict[str, Any], key: str) -> Any:
        value = params.get(key)
        if value is None or value == "":
            raise _ApiError(400, f'Bad Request: parameter "{key}" is required')
        return value

    def _chat_id(self, params: dict[str, Any]) -> int:
        value = self._require(params, "chat_id")
        if not isinstance(value, int):
            raise _ApiError(400, "Bad Request: chat not found")
        return value

    def _check_blocked(self, chat_id: int) -> None:
        description = self._blocked.get(chat_id)
        if description is not None:
            raise _ApiError(403, description)

    @staticmethod
    def _format(text: str, parse_mode: Any, entities: Any) -> tuple[str, list[dict[str, Any]]]:
        try:
            return render_text(
                text, parse_mode or None, entities if isinstance(entities, list) else None
            )
        except ValueError as exc:
            raise _ApiError(400, str(exc)) from None

    @staticmethod
    def _check_markup(markup: Any) -> dict[str, Any] | None:
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return markup
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _ApiError(
                400,
                'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an '
                "Array of Arrays",
            )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _ApiError(400, "Bad Request: can't parse inline keyboard button")
                if not any(key in button for key in _BUTTON_ACTIONS):
                    raise _ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: Text buttons are "
                        "unallowed in the inline keyboard",
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _base_message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        return {
            "message_id": message_id,
            "from": copy.deepcopy(self.bot_user),
            "chat": self._chat(chat_id),
            "date": int(time.time()),
        }

    def _existing(self, params: dict[str, Any], action: str) -> SentMessage:
        chat_id = self._chat_id(params)
        message_id = self._require(params, "message_id")
        message = self._messages.get((chat_id, message_id))
        if message is None or message.deleted:
            raise _ApiError(400, f"Bad Request: message to {action} not found")
        return message

    def _file_param(
        self, params: dict[str, Any], files: dict[str, UploadedFile], key: str
    ) -> UploadedFile | str | None:
        if key in files:
            return files[key]
        value = params.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            return files.get(value[len("attach://") :])
        return value if isinstance(value, str) and value else None

    def _store_file(self, upload: UploadedFile | str, prefix: str) -> dict[str, Any]:
        """Return file metadata (file_id, file_unique_id, file_size) for an upload or id."""
        if isinstance(upload, str):
            known = self._files.get(upload)
            if known is not None:
                return {"file_id": upload, **copy.deepcopy(known[2])}
            n = next(self._file_counter)
            return {"file_id": upload, "file_unique_id": f"AgADext{n:06d}"}
        n = next(self._file_counter)
        meta = {
            "file_id": f"{prefix}AgIAAxkDAAI{n:06d}fakeBotUpload",
            "file_unique_id": f"AgADbot{n:06d}",
            "file_size": len(upload.content),
        }
        folder = "photos" if prefix == "AgAC" else "documents"
        suffix = upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "bin"
        self._files[meta["file_id"]] = (
            f"{folder}/file_{n}.{suffix}",
            upload.content,
            {k: v for k, v in meta.items() if k != "file_id"},
        )
        return meta

    def _caption(self, params: dict[str, Any], message: dict[str, Any]) -> None:
        caption = params.get("caption")
        if caption in (None, ""):
            return
        plain, entities = self._format(
            str(caption), params.get("parse_mode"), params.get("caption_entities")
        )
        if utf16_len(plain) > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        message["caption"] = plain
        if entities:
            message["caption_entities"] = entities

    # ---- API methods (``_api_get_me`` serves ``getMe``) -----------------

    def _api_get_me(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_log_out(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    def _api_close(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return True

    def _api_get_updates(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        offset = params.get("offset")
        limit = params.get("limit") if isinstance(params.get("limit"), int) else 100
        limit = max(1, min(100, limit))
        timeout = params.get("timeout") if isinstance(params.get("timeout"), int | float) else 0
        deadline = time.monotonic() + min(max(float(timeout), 0.0), _MAX_POLL_SECONDS)
        with self._cond:
            if self._webhook.get("url"):
                raise _ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                )
            self._poll_generation += 1
            generation = self._poll_generation
            self._cond.notify_all()
            if isinstance(offset, int) and offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                self._confirmed_offset = max(self._confirmed_offset, offset)
            elif isinstance(offset, int) and offset < 0:
                self._updates = self._updates[offset:]
                if self._updates:
                    self._confirmed_offset = self._updates[0]["update_id"]
                self._touch()
            while True:
                if self._updates or self._stopping:
                    return copy.deepcopy(self._updates[:limit])
                if generation != self._poll_generation:
                    raise _ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that "
                        "only one bot instance is running",
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self._cond.wait(remaining)

    def _api_set_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._cond:
            url = params.get("url") or ""
            if params.get("drop_pending_updates"):
                self._updates = []
            self._webhook = {k: v for k, v in params.items() if k != "certificate"} if url else {}
        return True

    def _api_delete_webhook(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._cond:
            if params.get("drop_pending_updates"):
                self._updates = []
            self._webhook = {}
        return True

    def _api_get_webhook_info(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._cond:
            info: dict[str, Any] = {
                "url": self._webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            for key in ("max_connections", "allowed_updates", "ip_address"):
                if key in self._webhook:
                    info[key] = self._webhook[key]
            return info

    def _api_set_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        commands = self._require(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(name)):
                raise _ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        with self._cond:
            key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
            self._commands[key] = copy.deepcopy(commands)
        return True

    def _api_get_my_commands(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        with self._cond:
            key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
            return copy.deepcopy(self._commands.get(key, []))

    def _api_delete_my_commands(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        with self._cond:
            key = (self._scope_key(params.get("scope")), str(params.get("language_code") or ""))
            self._commands.pop(key, None)
        return True

    def _set_bot_text(self, kind: str, params: dict[str, Any]) -> bool:
        with self._cond:
            self._bot_texts[(kind, str(params.get("language_code") or ""))] = str(
                params.get(kind) or ""
            )
        return True

    def _get_bot_text(self, kind: str, params: dict[str, Any]) -> dict[str, str]:
        with self._cond:
            key = (kind, str(params.get("language_code") or ""))
            default = self.bot_user["first_name"] if kind == "name" else ""
            return {kind: self._bot_texts.get(key, default)}

    def _api_set_my_name(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self._set_bot_text("name", params)

    def _api_get_my_name(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self._get_bot_text("name", params)

    def _api_set_my_description(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        return self._set_bot_text("description", params)

    def _api_get_my_description(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        return self._get_bot_text("description", params)

    def _api_set_my_short_description(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        return self._set_bot_text("short_description", params)

    def _api_get_my_short_description(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        return self._get_bot_text("short_description", params)

    def _api_set_chat_menu_button(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        with self._cond:
            chat_id = params.get("chat_id")
            self._menu_buttons[chat_id if isinstance(chat_id, int) else None] = params.get(
                "menu_button"
            ) or {"type": "default"}
        return True

    def _api_get_chat_menu_button(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        with self._cond:
            chat_id = params.get("chat_id")
            key = chat_id if isinstance(chat_id, int) else None
            return copy.deepcopy(
                self._menu_buttons.get(key) or self._menu_buttons.get(None) or {"type": "commands"}
            )

    def _api_send_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._chat_id(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        plain, entities = self._format(text, params.get("parse_mode"), params.get("entities"))
        if not plain.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if utf16_len(plain) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        markup = self._check_markup(params.get("reply_markup"))
        with self._cond:
            self._check_blocked(chat_id)
            message_id = self._new_message_id(chat_id)
            message = self._base_message(chat_id, message_id)
            message["text"] = plain
            if entities:
                message["entities"] = entities
            if markup and "inline_keyboard" in markup:
                message["reply_markup"] = copy.deepcopy(markup)
            self._messages[(chat_id, message_id)] = SentMessage(
                chat_id=chat_id,
                message_id=message_id,
                text=text,
                reply_markup=copy.deepcopy(markup),
                parse_mode=params.get("parse_mode") or None,
                document=None,
                caption=None,
                method="sendMessage",
                entities=copy.deepcopy(entities),
                raw=copy.deepcopy(message),
            )
            return message

    def _send_file(
        self, params: dict[str, Any], files: dict[str, UploadedFile], kind: str
    ) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        upload = self._file_param(params, files, kind)
        if upload is None:
            raise _ApiError(400, f"Bad Request: there is no {kind} in the request")
        markup = self._check_markup(params.get("reply_markup"))
        with self._cond:
            self._check_blocked(chat_id)
            message_id = self._new_message_id(chat_id)
            message = self._base_message(chat_id, message_id)
            self._caption(params, message)
            if kind == "document":
                meta = self._store_file(upload, "BQAC")
                if isinstance(upload, UploadedFile):
                    meta = {
                        "file_name": upload.filename,
                        "mime_type": upload.mime_type,
                        **meta,
                    }
                message["document"] = meta
            else:
                meta = self._store_file(upload, "AgAC")
                message["photo"] = [
                    {
                        **meta,
                        "file_unique_id": meta["file_unique_id"] + "s",
                        "width": 90,
                        "height": 68,
                    },
                    {**meta, "width": 1280, "height": 960},
                ]
            if markup and "inline_keyboard" in markup:
                message["reply_markup"] = copy.deepcopy(markup)
            uploaded = upload if isinstance(upload, UploadedFile) else None
            caption = params.get("caption")
            self._messages[(chat_id, message_id)] = SentMessage(
                chat_id=chat_id,
                message_id=message_id,
                text=None,
                reply_markup=copy.deepcopy(markup),
                parse_mode=params.get("parse_mode") or None,
                document=uploaded if kind == "document" else None,
                photo=uploaded if kind == "photo" else None,
                caption=str(caption) if caption not in (None, "") else None,
                method="sendDocument" if kind == "document" else "sendPhoto",
                file_id=meta["file_id"],
                entities=copy.deepcopy(message.get("caption_entities", [])),
                raw=copy.deepcopy(message),
            )
            return message

    def _api_send_document(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self._send_file(params, files, "document")

    def _api_send_photo(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        return self._send_file(params, files, "photo")

    def _api_send_chat_action(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._chat_id(params)
        self._require(params, "action")
        with self._cond:
            self._check_blocked(chat_id)
        return True

    def _api_edit_message_text(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        plain, entities = self._format(text, params.get("parse_mode"), params.get("entities"))
        if not plain.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if utf16_len(plain) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        markup = self._check_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        with self._cond:
            sent = self._existing(params, "edit")
            if "text" not in sent.raw:
                raise _ApiError(400, "Bad Request: there is no text in the message to edit")
            old = (sent.raw.get("text"), sent.raw.get("entities", []), sent.reply_markup)
            if old == (plain, entities, markup):
                raise _ApiError(400, _NOT_MODIFIED)
            sent.raw["text"] = plain
            sent.raw.pop("entities", None)
            if entities:
                sent.raw["entities"] = copy.deepcopy(entities)
            self._apply_markup(sent, markup)
            sent.text = text
            sent.parse_mode = params.get("parse_mode") or None
            sent.entities = copy.deepcopy(entities)
            return self._edited(sent)

    def _api_edit_message_caption(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        markup = self._check_markup(params.get("reply_markup"))
        probe: dict[str, Any] = {}
        self._caption(params, probe)
        if params.get("inline_message_id"):
            return True
        with self._cond:
            sent = self._existing(params, "edit")
            if sent.method == "sendMessage":
                raise _ApiError(400, "Bad Request: there is no caption in the message to edit")
            old = (sent.raw.get("caption"), sent.raw.get("caption_entities"), sent.reply_markup)
            new = (probe.get("caption"), probe.get("caption_entities"), markup)
            if old == new:
                raise _ApiError(400, _NOT_MODIFIED)
            sent.raw.pop("caption", None)
            sent.raw.pop("caption_entities", None)
            sent.raw.update(probe)
            self._apply_markup(sent, markup)
            caption = params.get("caption")
            sent.caption = str(caption) if caption not in (None, "") else None
            sent.parse_mode = params.get("parse_mode") or None
            sent.entities = copy.deepcopy(probe.get("caption_entities", []))
            return self._edited(sent)

    def _api_edit_message_reply_markup(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        markup = self._check_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        with self._cond:
            sent = self._existing(params, "edit")
            if sent.reply_markup == markup:
                raise _ApiError(400, _NOT_MODIFIED)
            self._apply_markup(sent, markup)
            return self._edited(sent)

    @staticmethod
    def _apply_markup(sent: SentMessage, markup: dict[str, Any] | None) -> None:
        sent.reply_markup = copy.deepcopy(markup)
        sent.raw.pop("reply_markup", None)
        if markup and "inline_keyboard" in markup:
            sent.raw["reply_markup"] = copy.deepcopy(markup)

    def _edited(self, sent: SentMessage) -> dict[str, Any]:
        sent.edit_count += 1
        sent.raw["edit_date"] = int(time.time())
        sent.raw["chat"] = self._chat(sent.chat_id)
        return copy.deepcopy(sent.raw)

    def _api_delete_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._chat_id(params)
        message_id = self._require(params, "message_id")
        with self._cond:
            key = (chat_id, message_id)
            if key in self._deleted:
                raise _ApiError(400, "Bad Request: message to delete not found")
            self._deleted.add(key)
            if key in self._messages:
                self._messages[key].deleted = True
        return True

    def _api_delete_messages(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._chat_id(params)
        message_ids = self._require(params, "message_ids")
        if not isinstance(message_ids, list):
            raise _ApiError(400, "Bad Request: can't parse message identifiers")
        with self._cond:
            for message_id in message_ids:
                key = (chat_id, int(message_id))
                self._deleted.add(key)
                if key in self._messages:
                    self._messages[key].deleted = True
        return True

    def _api_answer_callback_query(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        self._require(params, "callback_query_id")
        if len(str(params.get("text") or "")) > 200:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def _api_get_chat(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._chat_id(params)
        with self._cond:
            chat = self._chat(chat_id)
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _api_leave_chat(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        self._chat_id(params)
        return True

    def _api_get_chat_member(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._chat_id(params)
        user_id = self._require(params, "user_id")
        if not isinstance(user_id, int):
            raise _ApiError(400, "Bad Request: invalid user_id specified")
        with self._cond:
            status = self._members.get((chat_id, user_id), "member")
            return chat_member_dict(self._user(user_id), status)

    def _api_get_chat_administrators(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        chat_id = self._chat_id(params)
        with self._cond:
            return [
                chat_member_dict(self._user(user_id), status)
                for (member_chat, user_id), status in self._members.items()
                if member_chat == chat_id and status in ("creator", "administrator")
            ]

    def _api_get_chat_member_count(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        chat_id = self._chat_id(params)
        with self._cond:
            return max(2, sum(1 for (c, _u) in self._members if c == chat_id))

    def _api_ban_chat_member(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        chat_id = self._chat_id(params)
        user_id = self._require(params, "user_id")
        with self._cond:
            self._members[(chat_id, int(user_id))] = "kicked"
        return True

    def _api_unban_chat_member(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        chat_id = self._chat_id(params)
        user_id = self._require(params, "user_id")
        with self._cond:
            if self._members.get((chat_id, int(user_id))) == "kicked":
                self._members[(chat_id, int(user_id))] = "left"
        return True

    def _api_pin_chat_message(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        self._chat_id(params)
        return True

    def _api_unpin_chat_message(
        self, params: dict[str, Any], files: dict[str, UploadedFile]
    ) -> Any:
        self._chat_id(params)
        return True

    def _api_get_file(self, params: dict[str, Any], files: dict[str, UploadedFile]) -> Any:
        file_id = str(self._require(params, "file_id"))
        with self._cond:
            known = self._files.get(file_id)
            if known is None:
                n = next(self._file_counter)
                meta = {"file_unique_id": f"AgADget{n:06d}"}
                self._files[file_id] = (f"documents/file_{n}", None, meta)
                known = self._files[file_id]
            path, _content, meta = known
            return {"file_id": file_id, **meta, "file_path": path}
