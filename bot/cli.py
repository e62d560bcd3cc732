"""Command line: ``run``, ``migrate``, ``structure import|show`` and ``keys new|rotate``.

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
    from sqlmodel.ext.asyncio.session import AsyncSession

    from bot.crypto import Vault
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
    privacy = commands.add_parser("privacy", help="Datenschutzprüfung für Freitext")
    privacy_commands = privacy.add_subparsers(dest="privacy_command", required=True)
    privacy_commands.add_parser(
        "scan", help="Text von der Standardeingabe prüfen, Fundstellen als JSON ausgeben"
    )
    from bot.offers.cli import add_commands as add_offer_commands

    add_offer_commands(commands)
    from bot.ideas.cli import add_commands as add_idea_commands

    add_idea_commands(commands)
    from bot.budget.cli import add_commands as add_budget_commands

    add_budget_commands(commands)
    keys = commands.add_parser("keys", help="Schlüssel für die Verschlüsselung der Fallthemen")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    keys_commands.add_parser("new", help="neuen Schlüssel ausgeben")
    keys_commands.add_parser(
        "rotate", help="gespeicherte Texte mit dem ersten Schlüssel neu verschlüsseln"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    # Opt in to python-telegram-bot's future: RetryAfter.retry_after as a timedelta.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    args = _parser().parse_args(argv)
    if args.command == "privacy":
        # The privacy gate is a pure function of the text: no settings, token or database.
        from bot.privacy.cli import scan_stdin

        return scan_stdin()
    if args.command == "keys" and args.keys_command == "new":
        return _keys_new()  # needs no settings: it may be the first step of a set-up
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
        if args.command == "keys":
            return asyncio.run(_keys_rotate(settings))
        if args.command == "offers":
            from bot.offers.cli import run as run_offers

            return asyncio.run(run_offers(settings, args, migrate=_migrate))
        if args.command == "ideas":
            from bot.ideas.cli import run as run_ideas

            return asyncio.run(run_ideas(settings, args, migrate=_migrate))
        if args.command == "budget":
            from bot.budget.cli import run as run_budget

            return asyncio.run(run_budget(settings, args, migrate=_migrate))
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
    except StructureError as exc:  # e.g. a budget below what is already spent: rolled back
        raise ConfigError(f"{path}: {exc}") from None
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


def _keys_new() -> int:
    from bot.crypto import new_key

    print(new_key())
    print(
        "Tragen Sie den Schlüssel als BOT_ENCRYPTION_KEY in .env ein und sichern Sie ihn getrennt "
        "von der Datenbank; zum Wechseln setzen Sie ihn vor die bisherigen (durch Komma "
        "getrennt) und führen »python -m bot keys rotate« aus.",
        file=sys.stderr,
    )
    return 0


RESEAL_BATCH = 200


async def _keys_rotate(settings: Settings) -> int:
    """Re-encrypt every sealed text with the first key of ``BOT_ENCRYPTION_KEY``.

    That is every topic's text and every answer kept in a running ``/thema`` draft. One
    transaction: a topic text that no key opens rolls everything back, so the database is
    never half old, half new. The rows are locked while they are rewritten (``FOR UPDATE`` on
    PostgreSQL; SQLite serialises writers anyway), so an edit the running bot makes meanwhile
    waits and is not overwritten with the old text.
    """
    from bot.crypto import Vault
    from bot.storage.db import Database

    vault = Vault.from_setting(settings.bot_encryption_key)
    if vault is None:
        raise ConfigError(
            "BOT_ENCRYPTION_KEY fehlt: Tragen Sie den neuen Schlüssel (»python -m bot keys "
            "new«) als ersten und die bisherigen dahinter ein, durch Kommas getrennt."
        )
    await _migrate(settings)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            in_topics = await _reseal_topics(session, vault)
            in_drafts, unreadable = await _reseal_drafts(session, vault)
    finally:
        await db.dispose()
    print(
        f"{in_topics + in_drafts} Texte mit dem ersten Schlüssel neu verschlüsselt "
        f"({in_topics} in Themen, {in_drafts} in Entwürfen)."
    )
    if unreadable:
        print(
            f"Hinweis: Antworten in laufenden /thema-Entwürfen, die sich mit keinem Schlüssel "
            f"öffnen lassen: {unreadable}; sie bleiben, wie sie sind (der Bot meldet sie beim "
            "Einreichen).",
            file=sys.stderr,
        )
    return 0


async def _reseal_topics(session: AsyncSession, vault: Vault) -> int:
    """Reseal every topic's text, in batches by id; a text no key opens raises ConfigError."""
    from sqlmodel import col, select

    from bot.crypto import InvalidToken as UnreadableToken
    from bot.storage.models import CaseTopic
    from bot.storage.topics import TEXT_FIELDS

    resealed = 0
    last_id = 0
    while True:
        query = (
            select(CaseTopic)
            .where(col(CaseTopic.id) > last_id)
            .order_by(col(CaseTopic.id))
            .limit(RESEAL_BATCH)
            .with_for_update()
        )
        batch = (await session.exec(query)).all()
        if not batch:
            return resealed
        for topic in batch:
            assert topic.id is not None
            last_id = topic.id
            for field in (*TEXT_FIELDS, "outcome_note"):
                token = getattr(topic, field)
                if token is None:
                    continue
                try:
                    setattr(topic, field, vault.reseal(token))
                except (UnreadableToken, UnicodeEncodeError):
                    raise ConfigError(
                        f"Der Text von Thema {topic.id} lässt sich mit keinem Schlüssel aus "
                        "BOT_ENCRYPTION_KEY öffnen – tragen Sie den bisherigen Schlüssel hinter "
                        "dem neuen ein; es wurde nichts geändert."
                    ) from None
                resealed += 1
        await session.flush()
        session.expunge_all()  # keeps memory flat however many topics there are


async def _reseal_drafts(session: AsyncSession, vault: Vault) -> tuple[int, int]:
    """Reseal the answers of running ``/thema`` drafts; (resealed, left as they were).

    A draft answer no key opens is left alone rather than stopping the rotation: drafts are
    short-lived (idle ones are deleted after 7 days) and the dialogue already tells the member
    when an answer cannot be read.
    """
    from sqlmodel import select

    from bot.crypto import InvalidToken as UnreadableToken
    from bot.handlers.topics import DIALOG_KIND
    from bot.storage.models import Dialog

    resealed = unreadable = 0
    query = select(Dialog).where(Dialog.kind == DIALOG_KIND).with_for_update()
    for dialog in (await session.exec(query)).all():
        answers = dialog.data.get("answers")
        if not isinstance(answers, dict):
            continue
        fresh = dict(answers)
        for field, token in answers.items():
            if not isinstance(token, str):
                continue
            try:
                fresh[field] = vault.reseal(token)
            except (UnreadableToken, UnicodeEncodeError):
                unreadable += 1
                continue
            resealed += 1
        dialog.data = {**dialog.data, "answers": fresh}  # a new dict: JSON is not tracked
        session.add(dialog)
    await session.flush()
    return resealed, unreadable
