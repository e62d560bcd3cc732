"""Showing times: wall-clock in the configured zone, the reader's way."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime as babel_format_datetime

PATTERNS = {"de": "dd.MM.yyyy, HH:mm 'Uhr'", "en": "d MMM yyyy, HH:mm"}


def format_datetime(moment: datetime, tz: ZoneInfo, language: str) -> str:
    """``28.11.2026, 08:15 Uhr`` in German, ``28 Nov 2026, 08:15`` in English."""
    pattern = PATTERNS.get(language, PATTERNS["de"])
    return babel_format_datetime(moment, pattern, tzinfo=tz, locale=language)
