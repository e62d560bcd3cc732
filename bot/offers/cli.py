"""``python -m bot offers import FILE.csv`` and ``python -m bot offers export [--out FILE]``.

An import stores every good row in one transaction and prints the refused rows with their
line numbers and reasons; a file that cannot be read as a whole (missing columns, unknown
encoding) ends with one sentence, exit code 2, and nothing stored. Exit code 1 means some rows
were refused (the good ones are stored), 0 that every row was taken.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.config import ConfigError, Settings


class _DryRunError(Exception):
    """Raised inside the transaction of a trial import so that nothing is kept."""


def add_commands(commands: Any) -> None:
    """Add ``offers import|export`` to the main parser's subcommands."""
    offers = commands.add_parser("offers", help="Angebotskarte (Ressourcenkarte) als CSV")
    offer_commands = offers.add_subparsers(dest="offers_command", required=True)
    importer = offer_commands.add_parser(
        "import", help="Angebote aus CSV laden (neue anlegen, vorhandene aktualisieren)"
    )
    importer.add_argument("file", type=Path)
    importer.add_argument(
        "--dry-run", action="store_true", help="nur prüfen und berichten, nichts speichern"
    )
    exporter = offer_commands.add_parser(
        "export", help="alle Angebote als CSV (UTF-8 mit BOM, Semikolon) ausgeben"
    )
    exporter.add_argument("--out", type=Path, help="Datei statt Standardausgabe")


async def run(
    settings: Settings,
    args: argparse.Namespace,
    *,
    migrate: Callable[[Settings], Awaitable[None]],
) -> int:
    """Run ``offers import`` or ``offers export``; returns the exit code."""
    if args.offers_command == "import":
        return await _import(settings, args.file, dry_run=args.dry_run, migrate=migrate)
    return await _export(settings, args.out, migrate=migrate)


async def _import(
    settings: Settings,
    path: Path,
    *,
    dry_run: bool,
    migrate: Callable[[Settings], Awaitable[None]],
) -> int:
    from bot.clock import SystemClock
    from bot.offers.csvfile import CsvError, ImportReport, import_offers
    from bot.storage import audit, directory
    from bot.storage.db import Database
    from bot.topics.intake import organisation_names

    try:
        content = await asyncio.to_thread(path.read_bytes)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"{path}: Datei nicht lesbar ({reason}).") from None
    await migrate(settings)
    db = Database(settings.database_url)
    report: ImportReport | None = None
    now = SystemClock().now()
    try:
        async with db.transaction() as session:
            organisation = await directory.organisation(session)
            names = (
                await organisation_names(session, organisation_id=organisation.id)
                if organisation is not None and organisation.id is not None
                else []
            )
            report = await import_offers(session, content, now=now, organisation_names=names)
            await audit.record(
                session,
                at=now,
                actor_id=None,
                action="offers.imported",
                object_type="offer",
                object_id="csv",
                details={
                    "added": report.added,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "rejected": len(report.rejected),
                },
            )
            if dry_run:
                raise _DryRunError
    except CsvError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except _DryRunError:
        pass
    finally:
        await db.dispose()
    assert report is not None
    print(report.summary())
    if dry_run:
        print("Probelauf: es wurde nichts gespeichert.")
    return 1 if report.rejected else 0


async def _export(
    settings: Settings, out: Path | None, *, migrate: Callable[[Settings], Awaitable[None]]
) -> int:
    from bot.offers.csvfile import export_offers
    from bot.storage.db import Database

    await migrate(settings)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            content = await export_offers(session)
    finally:
        await db.dispose()
    if out is None:
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return 0
    try:
        await asyncio.to_thread(out.write_bytes, content)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"{out}: nicht schreibbar ({reason}).") from None
    rows = content.count(b"\r\n") - 1
    print(f"{rows} Angebote nach {out} geschrieben.", file=sys.stderr)
    return 0
