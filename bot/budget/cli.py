"""``python -m bot budget verify|export|allocate``: the budget from the command line.

- ``verify`` recomputes every pot from the ledger and the requests; exit 0 when all agree,
  1 with a German list of mismatches otherwise.
- ``export --year 2026 --out FILE.xlsx`` writes the workbook; ``--out FILE.csv`` the ledger
  as CSV (``--summary``: the pots' figures instead).
- ``allocate`` sets one pot's allocation as an audited ``adjust`` booking. The committee's
  figures belong in the structure file (``[[budget]]``); ``allocate`` is for a change between
  two imports, and a later import leaves it in place (it only moves the file's own share).

Exit code 2 is a usage or configuration problem (nothing changed).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.config import ConfigError, Settings

EXIT_MISMATCH = 1


def add_commands(commands: Any) -> None:
    """Add ``budget verify|export|allocate`` to the main parser's subcommands."""
    budget = commands.add_parser("budget", help="Sozialraumbudget: prüfen, exportieren, zuweisen")
    sub = budget.add_subparsers(dest="budget_command", required=True)
    sub.add_parser("verify", help="alle Töpfe aus dem Buchungsjournal nachrechnen")
    export = sub.add_parser("export", help="Jahr als XLSX oder CSV exportieren")
    export.add_argument("--year", type=int, required=True)
    export.add_argument("--out", type=Path, required=True, help="Datei: .xlsx oder .csv")
    export.add_argument(
        "--summary", action="store_true", help="CSV: nur die Töpfe statt aller Buchungen"
    )
    allocate = sub.add_parser("allocate", help="Zuweisung eines Topfs ändern (wird gebucht)")
    allocate.add_argument("--year", type=int, required=True)
    where = allocate.add_mutually_exclusive_group(required=True)
    where.add_argument("--space", metavar="KEY", help="key des Sozialraums")
    where.add_argument("--reserve", action="store_true", help="die zentrale Reserve")
    allocate.add_argument(
        "--category", choices=["beratung", "netzwerk", "fua"], help="Topf des Sozialraums"
    )
    allocate.add_argument("--amount", required=True, help='neuer Betrag, z. B. "9.500,00"')
    allocate.add_argument("--note", default="", help="Bezug, z. B. JHA-Beschluss vom …")
    allocate.add_argument("--org", metavar="KEY", help="key der Organisation (bei mehreren)")


async def run(
    settings: Settings,
    args: argparse.Namespace,
    *,
    migrate: Callable[[Settings], Awaitable[None]],
) -> int:
    """Run one ``budget`` subcommand; returns the exit code."""
    if args.budget_command == "export":
        return await _export(settings, args, migrate=migrate)
    if args.budget_command == "allocate":
        return await _allocate(settings, args, migrate=migrate)
    return await _verify(settings, migrate=migrate)


async def _verify(settings: Settings, *, migrate: Callable[[Settings], Awaitable[None]]) -> int:
    from bot.budget import service
    from bot.storage.db import Database

    await migrate(settings)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            mismatches = await service.verify(session)
    finally:
        await db.dispose()
    print(service.summarise(mismatches))
    return EXIT_MISMATCH if mismatches else 0


async def _export(
    settings: Settings,
    args: argparse.Namespace,
    *,
    migrate: Callable[[Settings], Awaitable[None]],
) -> int:
    from bot.budget import export
    from bot.storage.db import Database

    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ConfigError(f"{out}: bitte eine Datei mit der Endung .xlsx oder .csv angeben.")
    await migrate(settings)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            data = await export.load_export(session, year=args.year)
    finally:
        await db.dispose()
    if not data.pots:
        raise ConfigError(f"Für {args.year} gibt es keine Budgettöpfe.")
    tz = settings.tz
    if suffix == ".xlsx":
        content = export.to_xlsx(data, tz=tz)
    elif args.summary:
        content = export.summary_csv(data)
    else:
        content = export.ledger_csv(data, tz=tz)
    try:
        await asyncio.to_thread(out.write_bytes, content)
    except OSError as exc:
        raise ConfigError(f"{out}: Datei nicht schreibbar ({exc.strerror}).") from None
    lines = sum(len(p.lines) for p in data.pots)
    print(f"Budget {args.year}: {len(data.pots)} Töpfe, {lines} Buchungen → {out}")
    return 0


async def _allocate(
    settings: Settings,
    args: argparse.Namespace,
    *,
    migrate: Callable[[Settings], Awaitable[None]],
) -> int:
    from sqlmodel import col, select

    from bot.budget import Category, service
    from bot.clock import SystemClock
    from bot.money import Ambiguous, Amount, format_cents, parse_amount
    from bot.storage import budget as store
    from bot.storage.db import Database
    from bot.storage.models import Organisation, Region, SocialSpace
    from bot.structure.spec import FILE_MAX_CENTS

    if args.reserve == bool(args.category):
        raise ConfigError("Bitte entweder --reserve oder --space mit --category angeben.")
    parsed = parse_amount(args.amount, max_cents=FILE_MAX_CENTS)
    if isinstance(parsed, Ambiguous):
        readings = " oder ".join(format_cents(c) for c in parsed.options)
        raise ConfigError(f"»{args.amount}« ist mehrdeutig ({readings}); bitte mit Komma.")
    if isinstance(parsed, Amount):
        cents = parsed.cents
    elif parsed.reason == "zero":
        cents = 0
    else:
        raise ConfigError(f"»{args.amount}« ist kein gültiger Betrag ({parsed.reason}).")
    await migrate(settings)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            orgs = select(Organisation).order_by(col(Organisation.id))
            if args.org:
                orgs = orgs.where(Organisation.slug == args.org)
            org = (await session.exec(orgs)).first()
            if org is None or org.id is None:
                raise ConfigError("Keine passende Organisation; erst die Struktur importieren.")
            space_id = None
            if args.space:
                query = (
                    select(SocialSpace)
                    .join(Region, col(Region.id) == col(SocialSpace.region_id))
                    .where(Region.organisation_id == org.id, SocialSpace.slug == args.space)
                )
                space = (await session.exec(query)).first()
                if space is None:
                    raise ConfigError(f"Sozialraum »{args.space}« gibt es nicht.")
                space_id = space.id
            category = Category.RESERVE if args.reserve else Category(args.category)
            pot = await store.find_pot(
                session,
                organisation_id=org.id,
                social_space_id=space_id,
                year=args.year,
                category=category,
            )
            if pot is None or pot.id is None:
                raise ConfigError(
                    "Diesen Topf gibt es nicht. Neue Töpfe entstehen über [[budget]] in der"
                    " Strukturdatei (python -m bot structure import DATEI.toml)."
                )
            result = await service.adjust_allocation(
                session,
                pot_id=pot.id,
                amount_cents=cents,
                actor_id=None,
                now=SystemClock().now(),
                note=args.note,
            )
            if isinstance(result, service.Refused):
                used = pot.committed + pot.settled
                raise ConfigError(
                    f"{format_cents(cents)} ist weniger als schon bewilligt oder abgerechnet"
                    f" ({format_cents(used)}). Nichts geändert."
                )
    finally:
        await db.dispose()
    print(
        f"Topf {result.pot.id}: Zuweisung {format_cents(result.before)} →"
        f" {format_cents(result.after)} (gebucht, im Audit-Log)."
    )
    return 0
