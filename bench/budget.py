"""The social-space budget: approving, ``/budget``, the chart, ``budget verify`` and the export.

The chat scenarios run in a bot of their own (``bench/harness.py``) with the budget of
``tests/auxil/budget.py``: Frieda (Fachbereichsleitung Nord) approves and reads ``/budget``
for Region Nord, which here has four social spaces with three pots each, plus the
organisation's reserve. Approvals go the way a phone does them: requests wait, Frieda sends
``/freigeben`` (up to twenty cards) and presses "Bewilligen" on each card; only the presses
are timed. Each press locks the request and the pot, books the approval, writes the audit
entry and queues the requester's message in the outbox, in one transaction.

The ledger scenarios use a second database holding a long ledger: 8,000 lines in 2024 and
2,000 in 2025, from approved and settled requests consistent with the pots' figures, so
``verify`` finds nothing. They are inserted in bulk, since only reading them is measured.
"""

from __future__ import annotations

import csv
import io
import random
import statistics
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from sqlalchemy import insert, text
from sqlmodel import select

from bench import harness
from bot.budget import SPACE_CATEGORIES, BookingKind, Category, RequestStatus, service
from bot.budget import export as exports
from bot.budget.chart import ChartBar, ChartTexts, render_chart
from bot.handlers.budget import budget_money
from bot.storage.db import Database
from bot.storage.migrate import upgrade_to_head
from bot.storage.models import BudgetBooking, BudgetPot, Region, SocialSpace, SpendingRequest
from tests.auxil import people
from tests.auxil.budget import LEAD, YEAR, BudgetWorld, allocate, request, seed_budget
from tests.auxil.builders import callback_update, message_dict_from_sent
from tests.auxil.world import World

#: Two more social spaces for Region Nord (the seeded directory has two): four in all.
MORE_SPACES: Final = (("nord-c", "Glashütte"), ("nord-d", "Falkenberg"))
CARDS: Final = 20
"""``/freigeben`` shows at most twenty cards (``bot.handlers.approvals.MAX_QUEUE``)."""
AMOUNT: Final = 2_500
LEDGER: Final = {2024: 8_000, 2025: 2_000}
EXPORT_YEAR: Final = 2025
TEXTS: Final = ChartTexts(
    title=f"Budget {YEAR}",
    settled="abgerechnet",
    committed="bewilligt",
    available="frei",
    empty="Keine Töpfe",
)


async def _more_spaces(db: Database) -> list[int]:
    """Add Glashütte and Falkenberg to Region Nord; the ids of all of Nord's spaces."""
    async with db.transaction() as session:
        region = (await session.exec(select(Region).where(Region.slug == "nord"))).one()
        assert region.id is not None
        for slug, name in MORE_SPACES:
            session.add(SocialSpace(region_id=region.id, slug=slug, name=name, areas=[name]))
        await session.flush()
        spaces = await session.exec(select(SocialSpace).where(SocialSpace.region_id == region.id))
        return sorted(space.id for space in spaces.all() if space.id is not None)


async def _region_pots(
    db: Database, organisation_id: int, spaces: list[int], *, year: int, skip: int | None
) -> dict[tuple[int, Category], int]:
    """Pots of every category in every space (but ``skip``, which has them already)."""
    pots = {}
    for space in spaces:
        if space == skip:
            continue
        for category in SPACE_CATEGORIES:
            pots[(space, category)] = await allocate(
                db,
                organisation_id=organisation_id,
                social_space_id=space,
                category=category,
                cents=1_000_000,
                now=harness.START,
                year=year,
            )
    return pots


async def _nord_a_space(db: Database, bw: BudgetWorld) -> int:
    async with db.transaction() as session:
        pot = await session.get(BudgetPot, bw.beratung)
        assert pot is not None and pot.social_space_id is not None
        return pot.social_space_id


# -- the ledger ----------------------------------------------------------------------------


async def build_ledger(db: Database) -> tuple[BudgetWorld, int]:
    """A budget with ``LEDGER`` lines of approvals and settlements; the number of lines."""
    bw = await seed_budget(db, now=harness.START)
    spaces = await _more_spaces(db)
    chance = random.Random(5)
    request_id = 10_000
    requests: list[dict[str, Any]] = []
    bookings: list[dict[str, Any]] = []
    for year, lines in LEDGER.items():
        keys = [(space, category) for space in spaces for category in SPACE_CATEGORIES]
        planned: list[tuple[tuple[int, Category], int, bool]] = []
        left = lines
        while left:
            settled = left >= 2 and chance.random() < 0.6
            planned.append((chance.choice(keys), chance.randint(20, 400) * 100, settled))
            left -= 2 if settled else 1
        need: dict[tuple[int, Category], int] = {}
        for key, cents, _ in planned:
            need[key] = need.get(key, 0) + cents
        pots = {
            key: await allocate(
                db,
                organisation_id=bw.organisation_id,
                social_space_id=key[0],
                category=key[1],
                cents=need.get(key, 0) * 11 // 10 + 100_000,
                now=harness.START,
                year=year,
            )
            for key in keys
        }
        when = harness.START.replace(year=year, month=1, day=15)
        for index, (key, cents, settled) in enumerate(planned):
            request_id += 1
            decided = when + timedelta(hours=index % 8000)
            paid = cents - chance.choice((0, 0, 500, 1_000)) if settled else None
            requests.append(
                {
                    "id": request_id,
                    "team_id": bw.teams.nord_a,
                    "pot_id": pots[key],
                    "requester_id": bw.requester,
                    "amount": cents,
                    "approved": cents,
                    "actual": paid,
                    "purpose": "Material für das Elterncafé",
                    "status": RequestStatus.SETTLED if settled else RequestStatus.APPROVED,
                    "decided_by": bw.lead,
                    "decided_at": decided,
                    "settled_at": decided + timedelta(days=20) if settled else None,
                    "created_at": decided - timedelta(days=2),
                    "updated_at": decided,
                }
            )
            line = {
                "pot_id": pots[key],
                "request_id": request_id,
                "actor_id": LEAD.id,
                "note": "",
                "d_allocated": 0,
            }
            bookings.append(
                {**line, "kind": BookingKind.APPROVE, "d_committed": cents, "d_settled": 0}
                | {"at": decided}
            )
            if settled:
                bookings.append(
                    {**line, "kind": BookingKind.SETTLE, "d_committed": -cents}
                    | {"d_settled": paid, "at": decided + timedelta(days=20)}
                )
    async with db.transaction() as session:
        await session.execute(insert(SpendingRequest), requests)
        await session.execute(insert(BudgetBooking), bookings)
        await session.execute(
            text(
                "UPDATE budget_pot SET"
                " committed = (SELECT coalesce(sum(d_committed), 0) FROM budget_booking b"
                "   WHERE b.pot_id = budget_pot.id),"
                " settled = (SELECT coalesce(sum(d_settled), 0) FROM budget_booking b"
                "   WHERE b.pot_id = budget_pot.id)"
            )
        )
    return bw, len(bookings)


async def _verify(db: Database) -> None:
    async with db.transaction() as session:
        found = await service.verify(session)
    assert not found, service.summarise(found)


async def _plain_sum(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(
            text("SELECT sum(d_allocated), sum(d_committed), sum(d_settled) FROM budget_booking")
        )


def _csv_rows(data: exports.ExportData) -> bytes:
    """The rows the workbook holds, written with the csv module instead (the baseline)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for pot in data.pots:
        writer.writerow([pot.social_space_name or "Organisation", pot.category])
        for line in pot.lines:
            writer.writerow(
                [
                    line.id,
                    exports._local(line.at, exports.BERLIN),
                    exports.KIND_LABELS.get(line.kind, line.kind),
                    line.request_id,
                    line.allocated,
                    line.committed,
                    line.settled,
                    line.counterpart_pot_id,
                    line.note,
                ]
            )
    return out.getvalue().encode("utf-8")


# -- the chat ------------------------------------------------------------------------------


async def _queue(world: World, bw: BudgetWorld) -> list[dict[str, Any]]:
    """Twenty new requests, ``/freigeben`` by Frieda: one "Bewilligen" press per card."""
    for _ in range(CARDS):
        await request(world.db, bw, cents=AMOUNT, now=world.clock.now())
    sent = await world.send(LEAD, "/freigeben")
    cards = [message for message in sent if message.buttons()]
    assert len(cards) == CARDS, [message.plain_text for message in sent]
    bot_user = world.bot_user
    return [
        callback_update(
            LEAD,
            message_dict_from_sent(card, bot_user),
            card.button("Bewilligen")["callback_data"],
        )
        for card in cards
    ]


async def _pending(world: World) -> int:
    return await world.count("spending_request", "status = 'requested'")


def _bars(pots: list[service.PotView]) -> list[ChartBar]:
    """The bars as ``on_chart`` builds them for a region-wide view."""
    return [
        ChartBar(
            f"{pot.social_space_name} · {pot.category}" if pot.social_space_name else pot.category,
            pot.figures.allocated,
            pot.figures.committed,
            pot.figures.settled,
        )
        for pot in pots
    ]


@dataclass(frozen=True)
class BudgetResult:
    """Medians in seconds per operation and what the scenarios worked on."""

    timings: dict[str, float]
    pots: int
    spaces: int
    ledger_lines: int
    export_lines: int
    xlsx_bytes: int
    rounds: int
    counts: dict[str, int]


async def measure(rounds: int, per_round: int) -> BudgetResult:
    """Set up both databases, then time every scenario ``rounds`` times, interleaved."""
    async with harness.bot_world() as world:
        now = world.clock.now()
        bw = await seed_budget(world.db, now=now, beratung=5_000_000)
        await harness.fill_roster(world, bw.teams.nord_a)
        spaces = await _more_spaces(world.db)
        await _region_pots(
            world.db, bw.organisation_id, spaces, year=YEAR, skip=await _nord_a_space(world.db, bw)
        )
        table = (await world.send(LEAD, "/budget"))[-1]
        shown = table.plain_text or ""
        assert all(name in shown for _, name in MORE_SPACES) and "Reserve" in shown, shown
        table_raw = message_dict_from_sent(table, world.bot_user)
        chart_data = table.button("Diagramm")["callback_data"]
        async with world.db.transaction() as session:
            pots = await service.pots_for(session, social_space_ids=spaces, year=YEAR)
            reserve = await service.reserve_for(
                session, organisation_id=bw.organisation_id, year=YEAR
            )
        assert reserve is not None
        bars = _bars([*pots, reserve])
        assert len(bars) == 3 * len(spaces) + 1

        chunks = max(per_round // CARDS, 1)
        counts = {
            "baseline": per_round,
            "team": per_round,
            "approve": chunks * CARDS,
            "budget": per_round,
            "chart_button": max(per_round // 10, 3),
            "render": max(per_round // 10, 3),
            "verify": max(per_round // 10, 3),
            "sum": per_round,
            "xlsx": max(per_round // 50, 2),
            "csv": max(per_round // 5, 10),
            "load_export": max(per_round // 20, 3),
        }
        operations = {
            "baseline": harness.baseline(world, LEAD),
            "team": harness.command(world, people.CASEWORKER, "/team"),
            "budget": harness.command(world, LEAD, "/budget"),
        }
        times: dict[str, list[float]] = {name: [] for name in counts}
        with tempfile.TemporaryDirectory() as folder:
            ledger_db = Database(f"sqlite+aiosqlite:///{folder}/ledger.db")
            await upgrade_to_head(ledger_db.engine)
            _, lines = await build_ledger(ledger_db)
            await _verify(ledger_db)
            async with ledger_db.transaction() as session:
                data = await exports.load_export(session, year=EXPORT_YEAR)
            export_lines = sum(len(pot.lines) for pot in data.pots)
            xlsx_bytes = len(exports.to_xlsx(data))

            chart_button = harness.press(world, LEAD, table_raw, chart_data)

            async def load(_: int) -> None:
                async with ledger_db.transaction() as session:
                    await exports.load_export(session, year=EXPORT_YEAR)

            render = lambda: render_chart(  # noqa: E731
                bars, texts=TEXTS, format_amount=lambda cents: budget_money(cents, "de")
            )
            render()  # matplotlib loads its fonts on the first chart of the process
            await chart_button(0)
            for _ in range(rounds):
                for name, operation in operations.items():
                    times[name].append(await harness.timed(operation, counts[name]))
                pressed = 0.0
                for _ in range(chunks):
                    presses = await _queue(world, bw)
                    pressed += await harness.timed_updates(world, presses) * len(presses)
                    assert await _pending(world) == 0, "a press did not approve"
                times["approve"].append(pressed / (chunks * CARDS))
                times["chart_button"].append(
                    await harness.timed(chart_button, counts["chart_button"])
                )
                times["render"].append(harness.timed_sync(render, counts["render"]))
                times["verify"].append(
                    await harness.timed(lambda _: _verify(ledger_db), counts["verify"])
                )
                times["sum"].append(
                    await harness.timed(lambda _: _plain_sum(ledger_db), counts["sum"])
                )
                times["xlsx"].append(
                    harness.timed_sync(lambda: exports.to_xlsx(data), counts["xlsx"])
                )
                times["csv"].append(harness.timed_sync(lambda: _csv_rows(data), counts["csv"]))
                times["load_export"].append(await harness.timed(load, counts["load_export"]))
            await ledger_db.dispose()
        photos = world.fake.calls_to("sendPhoto")
        assert len(photos) >= rounds * counts["chart_button"], "the chart was not sent"
    return BudgetResult(
        timings={name: statistics.median(values) for name, values in times.items()},
        pots=len(bars),
        spaces=len(spaces),
        ledger_lines=lines,
        export_lines=export_lines,
        xlsx_bytes=xlsx_bytes,
        rounds=rounds,
        counts=counts,
    )


def report(result: BudgetResult) -> list[str]:
    """The section of ``docs/performance.md``."""
    t = result.timings
    base, team = t["baseline"], t["team"]
    return [
        "## Social-space budget",
        "",
        "A bot and database of their own, with the budget of `tests/auxil/budget.py`: Frieda",
        f"(Fachbereichsleitung Nord) decides and reads `/budget` for Region Nord, here "
        f"{result.spaces} social",
        f"spaces with three pots each plus the organisation's reserve ({result.pots} pots).",
        "Baselines in the same run: one `sendMessage` round trip and `/team` (roster of 14).",
        f"Medians of {result.rounds} rounds; {result.counts['approve']} approvals per round.",
        "",
        "| scenario | ratio to sendMessage | ratio to /team |",
        "|---|---|---|",
        f"| baseline: sendMessage round trip | 1.00 | {base / team:.2f} |",
        f"| /team update (same bot) | {team / base:.2f} | 1.00 |",
        '| approval: "Bewilligen" pressed on a /freigeben card (row locks, booking, audit,'
        f" outbox, card edited) | {t['approve'] / base:.2f} | {t['approve'] / team:.2f} |",
        f"| /budget, region of {result.spaces} social spaces ({result.pots} pots) | "
        f"{t['budget'] / base:.2f} | {t['budget'] / team:.2f} |",
        f"| chart button (pots re-read, PNG drawn in a worker thread, sendPhoto) | "
        f"{t['chart_button'] / base:.2f} | {t['chart_button'] / team:.2f} |",
        f"| chart rendering alone (`render_chart`, {result.pots} bars, PNG) | "
        f"{t['render'] / base:.2f} | {t['render'] / team:.2f} |",
        "",
        f"The ledger, in a second database: {result.ledger_lines:,} lines from approved and"
        " settled requests",
        f"(2024 and 2025), consistent with the pots. The export year {EXPORT_YEAR} has "
        f"{result.export_lines:,} lines",
        f"(12 pots; the workbook is {result.xlsx_bytes / 1024:.0f} KiB).",
        "",
        "| scenario | ratio to its baseline |",
        "|---|---|",
        f"| `budget verify` (every pot recomputed, requests read), to one `SELECT sum(…)`"
        f" over the same table | {t['verify'] / t['sum']:.0f} |",
        f"| XLSX of {EXPORT_YEAR} (`to_xlsx`, {result.export_lines:,} lines), to the same rows"
        f" written with `csv.writer` | {t['xlsx'] / t['csv']:.0f} |",
        f"| reading the year for the export (`load_export`), to one sendMessage round trip |"
        f" {t['load_export'] / base:.1f} |",
        "",
        f"What the figures say: pressing `Bewilligen` costs {t['approve'] / team:.1f} times"
        " `/team` — the gate's",
        "transaction plus locking the request and the pot, one ledger line, one audit entry,",
        "one outbox message for the requester and the card edited in place; for Frieda on her",
        "phone the card turns to `Bewilligt` as promptly as after any other button. `/budget`",
        f"for a whole region costs {t['budget'] / team:.1f} times `/team`: thirteen pots are a"
        " few short queries.",
        "The chart is the one thing a social worker may notice: drawing the PNG with matplotlib",
        f"costs {t['render'] / base:.0f} loopback round trips (a short pause on a phone, like"
        " any photo), in a",
        "worker thread so other chats are not held up; the button as a whole adds re-reading",
        "the pots and uploading the photo.",
        "",
        f"`budget verify` costs {t['verify'] / t['sum']:.0f} plain sums over the"
        f" {result.ledger_lines:,} lines: the sums per pot are one",
        "grouped query, most of the rest is reading every approved and settled request as an",
        "ORM object. It runs from the command line and could be a grouped query too if the",
        "ledger ever grows a hundredfold. The workbook costs "
        f"{t['xlsx'] / t['csv']:.0f} times writing the same rows",
        "as CSV (openpyxl makes every cell an object and zips the XML) and reading the year",
        f"costs {t['load_export'] / base:.0f} round trips (one query per pot for its lines);"
        " `/export` sends a year",
        "of 2,000 bookings after a short wait, while the chat shows that a file is on its way.",
        "",
    ]
