"""The structure file's ``[[budget]]`` section: German amounts, line numbers, pots as bookings."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.budget import BookingKind, service
from bot.storage import audit
from bot.storage import budget as store
from bot.storage.db import Database
from bot.storage.models import BudgetPot, Role, SpendingRequest
from bot.structure import (
    BudgetPotSpec,
    StructureError,
    StructureFile,
    import_structure,
    load_structure_file,
    parse_structure,
)
from tests.auxil import people
from tests.auxil.data import add_member

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)

BASE = """\
[organisation]
key = "test"
name = "Jugendamt Test"
state = "SH"
emergency_contact = "110"

[[region]]
key = "r1"
name = "Region 1"

[[social_space]]
key = "s1"
region = "r1"
name = "Sozialraum 1"

[[social_space]]
key = "s2"
region = "r1"
name = "Sozialraum 2"

[[team]]
key = "t1"
name = "Team 1"
social_space = "s1"
"""
BASE_LINES = BASE.count("\n")

BUDGET = """
[[budget]]
year = 2026
beratung = "9.360,00"
netzwerk = "12.480,00"
reserve = "10.000,00"
coordinator_limit = "250,00"
"""


async def _import(db: Database, structure: StructureFile) -> object:
    async with db.transaction() as session:
        return await import_structure(session, structure, now=NOW)


def test_budget_amounts_apply_to_every_space_with_overrides() -> None:
    """Year amounts go to every social space; [[budget_space]] replaces single ones."""
    text = BASE + BUDGET + '\n[[budget_space]]\nyear = 2026\nsocial_space = "s2"\nfua = "1,5"\n'
    (budget,) = parse_structure(text).budgets
    assert budget.year == 2026
    assert budget.coordinator_limit == 25_000
    assert budget.pots == (
        BudgetPotSpec("s1", "beratung", 936_000),
        BudgetPotSpec("s1", "netzwerk", 1_248_000),
        BudgetPotSpec("s2", "beratung", 936_000),
        BudgetPotSpec("s2", "netzwerk", 1_248_000),
        BudgetPotSpec("s2", "fua", 150),
        BudgetPotSpec(None, "reserve", 1_000_000),
    )


def test_examples_carry_the_norderstedt_figures() -> None:
    """Norderstedt: 9.360 + 12.480 = 21.840 € per social space; Segeberg has overrides."""
    (nord,) = load_structure_file(EXAMPLES / "norderstedt.toml").budgets
    per_space: dict[str | None, int] = {}
    for pot in nord.pots:
        if pot.category in ("beratung", "netzwerk"):
            per_space[pot.social_space] = per_space.get(pot.social_space, 0) + pot.cents
    assert set(per_space.values()) == {2_184_000}
    assert len(per_space) == 4
    assert any(p.category == "reserve" for p in nord.pots)
    assert any(p.category == "fua" for p in nord.pots)
    (seg,) = load_structure_file(EXAMPLES / "segeberg.toml").budgets
    fua = {p.social_space: p.cents for p in seg.pots if p.category == "fua"}
    assert fua["henstedt-ulzburg"] == 400_000
    assert fua["kaltenkirchen"] == 250_000


@pytest.mark.parametrize(
    ("snippet", "offset", "message"),
    [
        ('\n[[budget]]\nyear = 2026\nberatung = "1.250"\n', 4, "mehrdeutig"),
        ('\n[[budget]]\nyear = 2026\nberatung = "250.50"\n', 4, "mehrdeutig"),
        ("\n[[budget]]\nyear = 2026\nberatung = 9360\n", 4, "in Anführungszeichen"),
        ('\n[[budget]]\nyear = 2026\nfua = "-5,00"\n', 4, "nicht negativ"),
        ('\n[[budget]]\nyear = 2026\nfua = "12,345"\n', 4, "zwei Nachkommastellen"),
        ('\n[[budget]]\nyear = 2026\nfua = "zehn"\n', 4, "kein Betrag"),
        ('\n[[budget]]\nyear = "2026"\n', 3, "Zahl ohne Anführungszeichen"),
        ('\n[[budget]]\nyear = 2026\ntotal = "1,00"\n', 4, "unbekanntes Feld »total«"),
        ("\n[[budget]]\nyear = 2026\n\n[[budget]]\nyear = 2026\n", 6, "doppelt"),
        (
            '\n[[budget]]\nyear = 2026\n\n[[budget_space]]\nyear = 2027\nsocial_space = "s1"\n',
            6,
            "Haushaltsjahr »2027«",
        ),
        (
            '\n[[budget]]\nyear = 2026\n\n[[budget_space]]\nyear = 2026\nsocial_space = "sx"\n',
            7,
            "Sozialraum »sx«",
        ),
        (
            '\n[[budget]]\nyear = 2026\n\n[[budget_space]]\nyear = 2026\nsocial_space = "s1"\n'
            '\n[[budget_space]]\nyear = 2026\nsocial_space = "s1"\n',
            10,
            "»year« und »social_space« müssen zusammen eindeutig sein",
        ),
    ],
)
def test_bad_budget_values_name_their_line(snippet: str, offset: int, message: str) -> None:
    """Every refused amount or reference names the line it is on, in German."""
    with pytest.raises(StructureError) as caught:
        parse_structure(BASE + snippet)
    assert caught.value.line == BASE_LINES + offset
    assert message in caught.value.message


async def test_import_creates_pots_with_allocate_bookings(db: Database) -> None:
    """Every pot starts with one audited 'allocate' booking; the limit is stored."""
    report = await _import(db, parse_structure(BASE + BUDGET))
    assert "Budget 2026: 5 Töpfe neu" in report.summary()  # type: ignore[attr-defined]
    async with db.transaction() as session:
        pots = (await session.exec(select(BudgetPot))).all()
        assert sorted((p.category, p.allocated) for p in pots) == [
            ("beratung", 936_000),
            ("beratung", 936_000),
            ("netzwerk", 1_248_000),
            ("netzwerk", 1_248_000),
            ("reserve", 1_000_000),
        ]
        assert (
            await store.coordinator_limit(
                session, organisation_id=pots[0].organisation_id, year=2026
            )
            == 25_000
        )
        assert len(await audit.entries(session, action="budget.allocate")) == 5
        assert await service.verify(session) == []


async def test_reimport_books_the_difference_and_keeps_moves(db: Database) -> None:
    """A changed figure is a booking of the difference; a carry-over survives the re-import."""
    await _import(db, parse_structure(BASE + BUDGET))
    again = await _import(db, parse_structure(BASE + BUDGET))
    assert "Keine Änderungen" in again.summary()  # type: ignore[attr-defined]
    async with db.transaction() as session:
        pots = {
            (p.social_space_id, p.category): p
            for p in (await session.exec(select(BudgetPot))).all()
        }
        space_ids = sorted({k[0] for k in pots if k[0] is not None})
        source = pots[(space_ids[0], "netzwerk")]
        target = pots[(space_ids[0], "beratung")]
        # a carry-over booked before the new file arrives
        moved = await service.carry_over(
            session, pot_id=source.id or 0, to_year=2027, actor=None, now=NOW, amount_cents=48_000
        )
        assert isinstance(moved, service.Moved)
    changed = BUDGET.replace('beratung = "9.360,00"', 'beratung = "9.500,00"')
    report = await _import(db, parse_structure(BASE + changed))
    summary = report.summary()  # type: ignore[attr-defined]
    assert "2 geändert" in summary
    assert "9.360,00 € → 9.500,00 €" in summary
    async with db.transaction() as session:
        fresh_target = await store.get_pot(session, pot_id=target.id or 0)
        fresh_source = await store.get_pot(session, pot_id=source.id or 0)
        assert fresh_target is not None and fresh_source is not None
        assert fresh_target.allocated == 950_000
        assert fresh_source.allocated == 1_248_000 - 48_000  # the carry-over stays
        kinds = [b.kind for b in await store.bookings(session, pot_id=target.id)]
        assert kinds == [BookingKind.ALLOCATE, BookingKind.ALLOCATE]
        assert await service.verify(session) == []


async def test_import_refuses_cut_below_spent_and_keeps_nothing(db: Database) -> None:
    """Cutting a pot below what is approved fails with a German message; nothing changes."""
    await _import(db, parse_structure(BASE + BUDGET))
    member = await add_member(db, people.CASEWORKER, 1, Role.ASD, now=NOW)
    await add_member(db, people.COORDINATOR, 1, Role.KOORDINATION, now=NOW)
    async with db.transaction() as session:
        pot = (
            await session.exec(select(BudgetPot).where(BudgetPot.category == "beratung"))
        ).first()
        assert pot is not None and pot.id is not None
        pot_id = pot.id
        created = await service.submit(
            session, team_id=1, pot_id=pot_id, requester_id=member, amount_cents=20_000,
            purpose="Material", now=NOW,
        )  # fmt: skip
        assert isinstance(created, SpendingRequest)
    from tests.auxil.budget import actor

    carla = await actor(db, people.COORDINATOR)
    async with db.transaction() as session:
        approved = await service.approve(
            session, request_id=created.id or 0, approver=carla, now=NOW
        )
        assert isinstance(approved, service.Approved)
    cut = BUDGET.replace('beratung = "9.360,00"', 'beratung = "100,00"').replace(
        'netzwerk = "12.480,00"', 'netzwerk = "1,00"'
    )
    with pytest.raises(StructureError, match="weniger als schon bewilligt"):
        await _import(db, parse_structure(BASE + cut))
    async with db.transaction() as session:
        kept = await store.get_pot(session, pot_id=pot_id)
        assert kept is not None and kept.allocated == 936_000
        netzwerk = (
            await session.exec(select(BudgetPot).where(BudgetPot.category == "netzwerk"))
        ).all()
        assert {p.allocated for p in netzwerk} == {1_248_000}
        assert await service.verify(session) == []
