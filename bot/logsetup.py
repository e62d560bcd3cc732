"""Logging that never writes message text or the bot token."""

from __future__ import annotations

import logging


class RedactToken(logging.Filter):
    """Replace the bot token wherever it would appear (e.g. in request URLs)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without the token."""
        if self._token and self._token in record.getMessage():
            record.msg = record.getMessage().replace(self._token, "<TOKEN>")
            record.args = None
        return True


def configure_logging(level: str, token: str) -> None:
    """Plain logs to stderr; libraries that could log request contents are kept quiet."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper() if level.upper() in logging.getLevelNamesMapping() else "INFO")
    # httpx logs every request URL (which holds the token); python-telegram-bot logs whole
    # updates at DEBUG level, and aiosqlite and SQLAlchemy log SQL parameters: all of these
    # can hold message text, so they stay quiet whatever LOG_LEVEL says.
    for noisy, floor in (
        ("httpx", logging.WARNING),
        ("httpcore", logging.WARNING),
        ("telegram", logging.INFO),
        ("apscheduler", logging.WARNING),
        ("tornado.access", logging.WARNING),
        ("aiosqlite", logging.WARNING),
        ("sqlalchemy", logging.WARNING),
        ("asyncio", logging.WARNING),
    ):
        logger = logging.getLogger(noisy)
        logger.setLevel(max(floor, root.level))
