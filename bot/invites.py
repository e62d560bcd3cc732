"""Invitation codes: random, single use, stored only as a hash."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

INVITE_TTL = timedelta(days=7)
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_code() -> str:
    """A fresh code for a deep link (``t.me/<bot>?start=<code>`` allows 64 URL-safe chars)."""
    return secrets.token_urlsafe(24)


def hash_code(code: str) -> str:
    """What the database keeps instead of the code."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def looks_like_code(text: str) -> bool:
    """True if ``text`` could be a code at all (cheap check before any lookup)."""
    return bool(CODE_PATTERN.match(text))


def deep_link(bot_username: str, code: str) -> str:
    """The link that opens the bot with ``/start <code>``."""
    return f"https://t.me/{bot_username}?start={code}"
