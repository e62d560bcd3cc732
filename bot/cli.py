"""Command line: ``run``, ``migrate`` and ``structure import|show``.

Operator mistakes (missing token, unknown time zone, unreachable API, malformed structure
file) end with one clear sentence and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError, SQLAlchemyError
from telegram.error import InvalidToken, NetworkError

from bot.config import ConfigError, Settings, check_settings, load_settings
from bot.logsetup import configure_logging

if TYPE_CHECKING:
    from bot.runtime import SozialraumApplication

log = logging.getLogger("bot")

EXIT_CONFIG = 2
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Sozialraum-Bot")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="Datenbank migrieren, dann den Bot starten")
    run.add_argument("--webhook", metavar="URL", help="Webhook-Modus hinter einem Reverse-Proxy")
    commands.add_parser("migrate", help="Datenbank auf den neuesten Stand bringen")
    structure = commands.add_parser("structure", help="Organisationsstruktur")
    structure_commands = structure.add_subparsers(dest="structure_command", required=True)
    importer = structure_commands.add_parser("import", help="Struktur aus TOML-Datei laden")
    importer.add_argument("file", type=Path)
    structure_commands.add_parser("show", help="Struktur anzeigen")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    # Opt in to python-telegram-bot's future: RetryAfter.retry_after as a timedelta.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        configure_logging(settings.log_level, settings.telegram_bot_token)
        check_settings(settings, need_token=args.command == "run")
        if args.command == "run":
            return asyncio.run(_run(settings, webhook=args.webhook))
        if args.command == "migrate":
            asyncio.run(_migrate(settings))
            print("Datenbank ist auf dem neuesten Stand.")
            return 0
        if args.structure_command == "import":
            return asyncio.run(_structure_import(settings, args.file))
        return asyncio.run(_structure_show(settings))
    except ConfigError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130


async def _migrate(settings: Settings) -> None:
    from bot.storage.db import Database
    from bot.storage.migrate import upgrade_to_head

    db = Database(settings.database_url)
    try:
        await upgrade_to_head(db.engine)
    except (OperationalError, OSError) as exc:
        raise ConfigError(
            "DATABASE_URL: Die Datenbank ist nicht erreichbar oder nicht beschreibbar "
            f"({type(exc).__name__}) – prüfen Sie Adresse, Zugangsdaten und Rechte."
        ) from None
    except SQLAlchemyError as exc:
        raise ConfigError(
            f"DATABASE_URL: Die Datenbank lehnt die Migration ab ({type(exc).__name__})."
        ) from None
    finally:
        await db.dispose()


async def _run(settings: Settings, *, webhook: str | None) -> int:
    from bot.app import ALLOWED_UPDATES, build_application, start_application, stop_application

    if webhook is not None:
        if not webhook.startswith("https://"):
            raise ConfigError(
                "--webhook braucht eine https://-Adresse, unter der Telegram den Bot erreicht."
            )
        if not SECRET_PATTERN.match(settings.webhook_secret):
            raise ConfigError(
                "WEBHOOK_SECRET fehlt oder ist ungültig: Für --webhook tragen Sie 16–256 "
                "Zeichen aus A–Z, a–z, 0–9, _ und - in die Datei .env ein."
            )
    await _migrate(settings)
    application = build_application(settings)
    try:
        await start_application(application)
    except InvalidToken:
        await _quiet_stop(application)
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN wurde von Telegram abgelehnt – prüfen Sie den Token bei "
            "@BotFather (/mybots → API Token) und tragen Sie ihn neu in .env ein."
        ) from None
    except NetworkError:
        await _quiet_stop(application)
        raise ConfigError(
            f"TELEGRAM_API_URL ({settings.telegram_api_url}) ist nicht erreichbar – prüfen Sie "
            "die Internetverbindung oder die Adresse des Bot-API-Servers."
        ) from None

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log.info("bot @%s started", application.bot.username)
    try:
        if webhook is None:
            from bot.polling import poll

            await application.bot.delete_webhook()
            await poll(application, stop, allowed_updates=ALLOWED_UPDATES)
        else:
            from bot.webhook import serve

            await serve(
                application,
                stop,
                url=webhook,
                secret=settings.webhook_secret,
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                allowed_updates=ALLOWED_UPDATES,
            )
    except InvalidToken:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN wurde von Telegram abgelehnt – prüfen Sie den Token bei "
            "@BotFather."
        ) from None
    finally:
        await stop_application(application)
        log.info("bot stopped")
    return 0


async def _quiet_stop(application: SozialraumApplication) -> None:
    """Close everything after a failed start.

    ``Application.shutdown`` does nothing when ``initialize`` failed half-way (a rejected
    token), so the HTTP clients it opened are closed here.
    """
    from bot.app import stop_application

    with contextlib.suppress(Exception):
        await stop_application(application)
    for request in (application.bot.request, application.bot._request[0]):
        with contextlib.suppress(Exception):
            await request.shutdown()


async def _structure_import(settings: Settings, path: Path) -> int:
    from bot.clock import SystemClock
    from bot.storage.db import Database
    from bot.structure import StructureError, import_structure, load_structure_file

    try:
        structure = load_structure_file(path)
    except StructureError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    await _migrate(settings)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            report = await import_structure(session, structure, now=SystemClock().now())
    finally:
        await db.dispose()
    print(report.summary())
    return 0


async def _structure_show(settings: Settings) -> int:
    from bot.storage.db import Database
    from bot.structure import describe_structure

    await _migrate(settings)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            print(await describe_structure(session))
    finally:
        await db.dispose()
    return 0
