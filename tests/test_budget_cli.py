"""``python -m bot budget verify|export|allocate`` through ``main()``, exports read back."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text
from sqlmodel import select

from bot.budget import export, service
from bot.cli import main
from bot.storage import budget as store
from bot.storage.db import Database
from bot.storage.models import BudgetPot, Role, SocialSpace, SpendingRequest, Team
from tests.auxil import people
from tests.auxil.budget import LEAD, actor
from tests.auxil.data import add_member

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A clean working directory with its own SQLite database; returns the database URL."""
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "BOT_ADMIN_IDS", "TELEGRAM_API_URL"):
        monkeypatch.delenv(key, raising=False)
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


async def _spend(url: str) -> dict[str, int]:
    """Sven asks 500 € from Nord A's Beratung; Frieda approves; 420 € are settled."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            team = (await session.exec(select(Team).where(Team.slug == "nord-a"))).one()
            pot = (
                await session.exec(
                    select(BudgetPot).where(
                        BudgetPot.social_space_id == team.social_space_id,
                        BudgetPot.category == "beratung",
                    )
                )
            ).one()
        assert team.id is not None and pot.id is not None
        sven = await add_member(db, people.CASEWORKER, team.id, Role.ASD, now=NOW)
        await add_member(db, LEAD, team.id, Role.FACHBEREICHSLEITUNG, now=NOW)
        async with db.transaction() as session:
            request = await service.submit(
                session, team_id=team.id, pot_id=pot.id, requester_id=sven,
                amount_cents=50_000, purpose="Elterncafé", now=NOW,
            )  # fmt: skip
            assert isinstance(request, SpendingRequest) and request.id is not None
        frieda, sven_actor = await actor(db, LEAD), await actor(db, people.CASEWORKER)
        async with db.transaction() as session:
            approved = await service.approve(
                session, request_id=request.id, approver=frieda, now=NOW
            )
            assert isinstance(approved, service.Approved)
        async with db.transaction() as session:
            settled = await service.settle(
                session, request_id=request.id, actor=sven_actor, actual_cents=42_000, now=NOW
            )
            assert isinstance(settled, service.Settled)
        return {"pot": pot.id, "request": request.id}
    finally:
        await db.dispose()


async def _ledger(url: str, year: int) -> export.ExportData:
    db = Database(url)
    try:
        async with db.transaction() as session:
            return await export.load_export(session, year=year)
    finally:
        await db.dispose()


async def _execute(url: str, sql: str) -> None:
    db = Database(url)
    try:
        async with db.transaction() as session:
            await session.exec(text(sql))  # type: ignore[call-overload]
    finally:
        await db.dispose()


def _import(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["structure", "import", str(EXAMPLES / "norderstedt.toml")]) == 0
    assert "Budget 2026: 13 Töpfe neu" in capsys.readouterr().out


def test_verify_is_clean_then_reports_a_tampered_pot(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """verify: exit 0 while the ledger adds up, exit 1 with the pot named when it does not."""
    _import(capsys)
    ids = asyncio.run(_spend(cli_env))
    assert main(["budget", "verify"]) == 0
    assert "Alle Töpfe stimmen" in capsys.readouterr().out
    asyncio.run(_execute(cli_env, f"UPDATE budget_pot SET settled = 1 WHERE id = {ids['pot']}"))
    assert main(["budget", "verify"]) == 1
    report = capsys.readouterr().out
    assert f"Topf {ids['pot']}: abgerechnet laut Buchungen 42000 Cent, gefunden 1 Cent" in report


def test_xlsx_export_matches_the_ledger(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The workbook has a summary and one sheet per pot; every number equals the ledger."""
    _import(capsys)
    ids = asyncio.run(_spend(cli_env))
    out = tmp_path / "budget.xlsx"
    assert main(["budget", "export", "--year", "2026", "--out", str(out)]) == 0
    assert "13 Töpfe" in capsys.readouterr().out
    data = asyncio.run(_ledger(cli_env, 2026))
    book = load_workbook(out)
    assert book.sheetnames[0] == "Übersicht"
    assert len(book.sheetnames) == 1 + len(data.pots) == 14
    summary = book["Übersicht"]
    rows = list(summary.iter_rows(min_row=3, values_only=True))
    assert len(rows) == len(data.pots) + 1
    for pot, row in zip(data.pots, rows, strict=False):
        f = pot.figures
        assert row[2:6] == tuple(
            pytest.approx(v / 100) for v in (f.allocated, f.committed, f.settled, f.available)
        )
        assert all(isinstance(v, int | float) for v in row[2:6])
    assert rows[-1][0] == "Summe"
    assert rows[-1][2] == pytest.approx(sum(p.figures.allocated for p in data.pots) / 100)
    assert summary["C3"].number_format == export.NUMBER_FORMAT
    pot = next(p for p in data.pots if p.id == ids["pot"])
    sheet = book.worksheets[1 + data.pots.index(pot)]
    lines = list(sheet.iter_rows(min_row=3, max_row=2 + len(pot.lines), values_only=True))
    assert [line[2] for line in lines] == [
        "Zuweisung (Strukturdatei)",
        "Bewilligung",
        "Abrechnung",
    ]
    assert [(line[4], line[5], line[6]) for line in lines] == [
        (9360, 0, 0),
        (0, 500, 0),
        (0, -500, 420),
    ]
    assert lines[1][3] == ids["request"]
    berlin = NOW.astimezone(export.BERLIN).replace(tzinfo=None)
    assert lines[1][1] == berlin  # the approval, at Berlin wall-clock time (10:00)
    assert sheet.cell(row=3, column=5).number_format == export.NUMBER_FORMAT


def test_csv_export_is_german_excel_ready(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CSV: UTF-8 with BOM, semicolons, decimal comma; ledger lines and, on request, pots."""
    _import(capsys)
    asyncio.run(_spend(cli_env))
    out = tmp_path / "buchungen.csv"
    assert main(["budget", "export", "--year", "2026", "--out", str(out)]) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Jahr", "Sozialraum", "Kategorie"]
    assert len(rows) == 1 + 13 + 2  # header, 13 allocations, approval and settlement
    settle = next(r for r in rows if r[6] == "Abrechnung")
    assert (settle[9], settle[10]) == ("-500,00", "420,00")
    summary = tmp_path / "toepfe.csv"
    assert main(["budget", "export", "--year", "2026", "--out", str(summary), "--summary"]) == 0
    pots = list(csv.reader(io.StringIO(summary.read_bytes().decode("utf-8-sig")), delimiter=";"))
    beratung = next(r for r in pots if r[1] == "Friedrichsgabe / Harksheide-Nord")
    assert beratung[4:] == ["9360,00", "0,00", "420,00", "8940,00"]


def test_export_refuses_unknown_suffix_and_empty_year(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong file type or a year without pots ends with exit 2 and a German sentence."""
    _import(capsys)
    assert main(["budget", "export", "--year", "2026", "--out", str(tmp_path / "x.pdf")]) == 2
    assert ".xlsx oder .csv" in capsys.readouterr().err
    assert main(["budget", "export", "--year", "2031", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "keine Budgettöpfe" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_allocate_books_an_adjustment_that_survives_reimport(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """allocate changes a pot by an audited booking; a later import leaves it in place."""
    _import(capsys)
    args = ["budget", "allocate", "--year", "2026", "--space", "sued-a", "--category", "fua"]
    assert main([*args, "--amount", "1.250"]) == 2
    assert "mehrdeutig" in capsys.readouterr().err
    assert main([*args, "--amount", "4.000,00", "--note", "JHA 12.11.2026"]) == 0
    assert "3.000,00\u00a0€ → 4.000,00\u00a0€" in capsys.readouterr().out
    assert main(["budget", "allocate", "--year", "2026", "--reserve", "--amount", "0"]) == 0
    capsys.readouterr()
    _reimport = main(["structure", "import", str(EXAMPLES / "norderstedt.toml")])
    assert _reimport == 0
    assert "Keine Änderungen" in capsys.readouterr().out

    async def _check() -> None:
        db = Database(cli_env)
        try:
            async with db.transaction() as session:
                space = (
                    await session.exec(select(SocialSpace).where(SocialSpace.slug == "sued-a"))
                ).one()
                pot = (
                    await session.exec(
                        select(BudgetPot).where(
                            BudgetPot.social_space_id == space.id, BudgetPot.category == "fua"
                        )
                    )
                ).one()
                assert pot.allocated == 400_000
                lines = await store.bookings(session, pot_id=pot.id)
                assert [(b.kind, b.d_allocated, b.note) for b in lines][-1] == (
                    "adjust",
                    100_000,
                    "JHA 12.11.2026",
                )
                assert await service.verify(session) == []
        finally:
            await db.dispose()

    asyncio.run(_check())
    assert main(["budget", "verify"]) == 0


def test_allocate_refuses_missing_pot_and_cut_below_spent(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown pots and cuts below the spent money change nothing (exit 2)."""
    _import(capsys)
    asyncio.run(_spend(cli_env))
    base = ["budget", "allocate", "--year", "2026", "--space", "nord-a", "--category"]
    assert main([*base, "beratung", "--amount", "100,00"]) == 2
    assert "weniger als schon bewilligt" in capsys.readouterr().err
    assert main([*base, "beratung", "--amount", "100,00", "--year", "2030"]) == 2
    assert "gibt es nicht" in capsys.readouterr().err
    assert (
        main(["budget", "allocate", "--year", "2026", "--space", "nord-a", "--amount", "1"]) == 2
    )
    assert "--category" in capsys.readouterr().err
