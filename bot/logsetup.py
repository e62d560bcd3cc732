"""Logging that never writes message text or the bot token."""

from __future__ import annotations

import logging
import re

#: Loggers of libraries and the lowest level they may log at. httpx logs every request URL
#: (which holds the token); python-telegram-bot logs whole updates at DEBUG level (which hold
#: message text); Alembic announces every step of a migration at INFO level.
LIBRARY_FLOORS: tuple[tuple[str, int], ...] = (
    ("httpx", logging.WARNING),
    ("httpcore", logging.WARNING),
    ("telegram", logging.INFO),
    ("apscheduler", logging.WARNING),
    ("tornado.access", logging.WARNING),
    ("alembic", logging.WARNING),
)

#: What SQLAlchemy appends to an error: the statement's values, i.e. names and texts.
_SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*")


class RedactingFormatter(logging.Formatter):
    """Formats records, then removes the token and SQL parameter values from the result.

    Working on the formatted text also covers exception messages and tracebacks, which a
    filter on ``record.msg`` would miss.
    """

    def __init__(self, fmt: str, token: str) -> None:
        super().__init__(fmt)
        self._token = token.strip()

    def format(self, record: logging.LogRecord) -> str:
        """The record as text, without secrets."""
        text = super().format(record)
        if self._token:
            text = text.replace(self._token, "<TOKEN>")
        return _SQL_PARAMETERS.sub("[parameters hidden]", text)


class RedactToken(logging.Filter):
    """Replace the bot token wherever it would appear in a record's message."""

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
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", token)
    )
    handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper() if level.upper() in logging.getLevelNamesMapping() else "INFO")
    for noisy, floor in LIBRARY_FLOORS:
        logging.getLogger(noisy).setLevel(max(floor, root.level))
