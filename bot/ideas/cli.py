"""``python -m bot ideas stats --year 2026``: the ideas' figures for the yearly report."""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.config import Settings


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``ideas stats`` to the command line."""
    ideas = commands.add_parser("ideas", help="Ideen aus der Netzwerkarbeit")
    ideas_commands = ideas.add_subparsers(dest="ideas_command", required=True)
    stats = ideas_commands.add_parser(
        "stats", help="Zahlen für den Jahresbericht je Sozialraum (Herkunft, Art, Status)"
    )
    stats.add_argument("--year", type=int, help="Jahr, z. B. 2026 (ohne: das laufende Jahr)")
    stats.add_argument("--json", action="store_true", help="als JSON ausgeben")


async def run(
    settings: Settings,
    args: argparse.Namespace,
    *,
    migrate: Callable[[Settings], Awaitable[None]],
) -> int:
    """Print the figures of one year (text, or JSON with ``--json``)."""
    from bot.ideas import stats
    from bot.storage.db import Database

    await migrate(settings)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            facts = await stats.collect(session, tz=settings.tz)
    finally:
        await db.dispose()
    year = args.year if args.year is not None else datetime.now(settings.tz).year
    rows = stats.summarise(facts, year=year)
    if args.json:
        print(json.dumps(stats.as_json(rows), ensure_ascii=False, indent=2))
    else:
        print(stats.render(rows, year=year))
    return 0
