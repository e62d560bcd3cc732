"""Settings of the bot, read from the environment or a ``.env`` file.

Nothing reads the environment at import time: :func:`load_settings` is called by the command
line, and tests build :class:`Settings` directly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.crypto import KeyFormatError, parse_keys

SUPPORTED_LANGUAGES = ("de", "en")
TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,64}$")
ASYNC_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}


class ConfigError(Exception):
    """A setting is missing or unusable; the message is one sentence for the operator."""


class Settings(BaseSettings):
    """Every setting the bot knows; ``.env.example`` documents each key."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str = Field(default="", repr=False)
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///data/sozialraum.db"
    bot_admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    bot_timezone: str = "Europe/Berlin"
    bot_language: Literal["de", "en"] = "de"
    webhook_secret: str = Field(default="", repr=False)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8080
    log_level: str = "INFO"
    bot_encryption_key: str = Field(default="", repr=False)
    bot_topic_retention_days: int = Field(default=30, ge=1, le=3650)

    @field_validator("bot_admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            try:
                return frozenset(int(part) for part in parts)
            except ValueError:
                raise ValueError(
                    "tragen Sie die Telegram-Nutzer-IDs durch Kommas getrennt ein, "
                    "z. B. 12345678,87654321"
                ) from None
        return value

    @field_validator("telegram_bot_token", "webhook_secret", "bot_timezone", "bot_encryption_key")
    @classmethod
    def _strip(cls, value: str) -> str:
        # A stray space or line break (e.g. from ``$(cat file)``) would make a valid token
        # look rejected by Telegram.
        return value.strip()

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError(
                "tragen Sie eine Adresse ein, die mit http:// oder https:// beginnt, "
                "z. B. https://api.telegram.org"
            )
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The configured wall-clock zone (validated by :func:`check_settings`)."""
        return ZoneInfo(self.bot_timezone)

    @property
    def api_base_url(self) -> str:
        """Root of the Bot API methods, as python-telegram-bot wants it."""
        return f"{self.telegram_api_url}/bot"

    @property
    def api_base_file_url(self) -> str:
        """Root of the Bot API file downloads."""
        return f"{self.telegram_api_url}/file/bot"


#: Operator-facing wording for pydantic's error types (its own messages are English).
_ERROR_HINTS = {
    "literal_error": "erlaubt sind {expected}",
    "int_parsing": "tragen Sie eine ganze Zahl ein",
    "int_type": "tragen Sie eine ganze Zahl ein",
    "greater_than_equal": "tragen Sie eine Zahl ab {ge} ein",
    "less_than_equal": "tragen Sie eine Zahl bis {le} ein",
}


def load_settings(env_file: str | Path | None = ".env") -> Settings:
    """Read settings from the environment and ``env_file``; raise :class:`ConfigError`."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]).upper() if error["loc"] else "?"
        hint = _ERROR_HINTS.get(error["type"])
        if hint is not None:
            ctx = error.get("ctx") or {}
            expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", " oder ")
            message = hint.format(expected=expected, ge=ctx.get("ge"), le=ctx.get("le"))
        else:
            message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{key} ist ungültig: {message}.") from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"Die Datei {env_file} ist nicht in UTF-8 gespeichert – speichern Sie sie als "
            "UTF-8 und starten Sie erneut."
        ) from None


def check_token(settings: Settings) -> None:
    """Refuse a missing or malformed token before any network traffic."""
    token = settings.telegram_bot_token.strip()
    if not token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN fehlt: Legen Sie bei @BotFather in Telegram einen Bot an und "
            "tragen Sie den Token in die Datei .env ein (Vorlage: .env.example)."
        )
    if not TOKEN_PATTERN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN hat nicht die Form 123456789:ABC… – kopieren Sie den Token "
            "vollständig aus dem Chat mit @BotFather in die Datei .env."
        )


def check_timezone(settings: Settings) -> None:
    """Refuse a time zone that the tz database does not know."""
    try:
        ZoneInfo(settings.bot_timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "Europe"
        raise ConfigError(
            f"BOT_TIMEZONE »{settings.bot_timezone}« ist keine bekannte Zeitzone – "
            "tragen Sie einen Namen wie Europe/Berlin ein."
        ) from None


def check_database_url(settings: Settings) -> None:
    """Refuse a database URL that SQLAlchemy cannot parse or that names no async driver.

    For SQLite the folder of the file is created here (the engine would do it anyway), so
    that a path that cannot exist is reported as such and not as a traceback.
    """
    try:
        url = make_url(settings.database_url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise ConfigError(
            "DATABASE_URL ist keine gültige SQLAlchemy-URL – Beispiel: "
            "sqlite+aiosqlite:///data/sozialraum.db oder "
            "postgresql+asyncpg://user@host/dbname."
        ) from None
    if url.drivername not in ASYNC_DRIVERS:
        raise ConfigError(
            f"DATABASE_URL nutzt den Treiber »{url.drivername}«; unterstützt sind "
            "sqlite+aiosqlite und postgresql+asyncpg."
        )
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database and database != ":memory:":
        folder = Path(database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            raise ConfigError(
                f"DATABASE_URL: Der Ordner {folder} für die SQLite-Datei lässt sich nicht "
                "anlegen – prüfen Sie den Pfad und die Rechte."
            ) from None


def check_encryption_key(settings: Settings) -> None:
    """Refuse a ``BOT_ENCRYPTION_KEY`` that is set but not made of Fernet keys.

    An empty setting is allowed: the bot runs, and refuses case topics with an explanation.
    """
    try:
        parse_keys(settings.bot_encryption_key)
    except KeyFormatError as exc:
        raise ConfigError(f"BOT_ENCRYPTION_KEY ist ungültig: {exc}.") from None


def check_settings(settings: Settings, *, need_token: bool) -> None:
    """Run every offline check; the first problem raises :class:`ConfigError`."""
    if need_token:
        check_token(settings)
    check_timezone(settings)
    check_database_url(settings)
    check_encryption_key(settings)
