"""``/budget``, the chart, ``/buchungen``, ``/export`` and ``/umbuchen`` as people see them.

Sven (ASD) sees Nord A's social space; Carla (coordinator) and Frieda (Fachbereichsleitung)
see Region Nord and the reserve; Sören leads Region Süd.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlmodel import col, select

from bot.budget import service
from bot.handlers.budget import budget_money
from bot.money import format_cents
from bot.storage.models import BudgetBooking, Member
from tests.auxil import people
from tests.auxil.budget import LEAD, LEAD_SUED, BudgetWorld, actor, seed_budget
from tests.auxil.budget import request as file_request
from tests.auxil.budget_chat import audit_actions, eur, figures, submit, text_of
from tests.auxil.world import World


@pytest.fixture
async def bw(world: World) -> BudgetWorld:
    """Nord A's and Süd A's pots, Sven, Carla, Frieda and Sören as members."""
    return await seed_budget(world.db, now=world.clock.now())


async def _approve(world: World, request_id: int) -> None:
    """Frieda approves through the service (the setting for what the views show)."""
    lead = await actor(world.db, LEAD)
    async with world.db.transaction() as session:
        result = await service.approve(
            session, request_id=request_id, approver=lead, now=world.clock.now()
        )
        assert isinstance(result, service.Approved)


async def test_caseworker_sees_his_space_only(world: World, bw: BudgetWorld) -> None:
    """Sven's table: Nord A's three pots, no reserve, no other social space."""
    sent = await world.send(people.CASEWORKER, "/budget")
    table = text_of(sent[-1])
    assert table.startswith("💶 Budget 2026")
    assert "Friedrichsgabe / Harksheide-Nord" in table
    assert f"Netzwerkarbeit: {eur(1_248_000)} frei von {eur(1_248_000)} (0 % verplant)" in table
    assert "Reserve" not in table and "Garstedt" not in table
    assert sent[-1].button_texts() == ["📊 Als Diagramm", "📒 Buchungen"]


async def test_coordinator_and_lead_see_the_region_and_the_reserve(
    world: World, bw: BudgetWorld
) -> None:
    """Carla and Frieda see Region Nord and the reserve; Sören sees Süd, not Nord."""
    for user in (people.COORDINATOR, LEAD):
        table = text_of((await world.send(user, "/budget"))[-1])
        assert "Friedrichsgabe / Harksheide-Nord" in table
        assert f"Zentrale Reserve (Vorwegabzug): {eur(1_000_000)} frei" in table
        assert "Garstedt" not in table
    table = text_of((await world.send(LEAD_SUED, "/budget"))[-1])
    assert "Garstedt" in table and "Friedrichsgabe" not in table


async def test_other_years_and_bad_years(world: World, bw: BudgetWorld) -> None:
    """/budget 2025 has no pots; /budget abc explains how to ask."""
    text = await world.reply_text(people.CASEWORKER, "/budget 2025")
    assert text == "Für 2025 sind keine Budgettöpfe eingerichtet, die Sie sehen dürfen."
    text = await world.reply_text(people.CASEWORKER, "/budget letztes Jahr")
    assert text == "Bitte so: /budget oder /budget 2025"


async def test_budget_shows_the_commitment_after_an_approval(
    world: World, bw: BudgetWorld
) -> None:
    """An approved request shows as committed and no longer free."""
    request_id = await file_request(world.db, bw, cents=50_000, now=world.clock.now())
    await _approve(world, request_id)
    table = text_of((await world.send(people.CASEWORKER, "/budget"))[-1])
    assert f"Kollegiale Beratung: {eur(886_000)} frei von {eur(936_000)} (5 % verplant)" in table
    assert f"bewilligt {eur(50_000)} · abgerechnet {eur(0)}" in table


async def test_chart_button_sends_a_png(world: World, bw: BudgetWorld) -> None:
    """ "Als Diagramm" sends one photo, a real PNG, with a German caption."""
    sent = await world.send(people.COORDINATOR, "/budget")
    photos = await world.press(people.COORDINATOR, sent[-1], "Diagramm")
    [photo] = [m for m in photos if m.method == "sendPhoto"]
    assert photo.file is not None
    assert photo.file.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert (photo.caption or "").startswith("📊 Budget 2026")


async def test_ledger_pages_newest_first(world: World, bw: BudgetWorld) -> None:
    """12 approvals + the allocation: 10 lines, then "Ältere" shows the last 3."""
    for _ in range(12):
        await _approve(world, await file_request(world.db, bw, cents=1_000, now=world.clock.now()))
    choice = (await world.send(people.CASEWORKER, "/buchungen"))[-1]
    await world.press(people.CASEWORKER, choice, "Kollegiale Beratung 2026")
    page = world.current(choice)  # the pot question becomes the first page
    assert "Buchungen 1–10 von 13, die neuesten zuerst:" in text_of(page)
    lines = text_of(page).splitlines()
    assert lines[2].endswith(f"Bewilligung (Antrag Nr. 12): bewilligt +{eur(1_000)}")
    assert page.button_texts() == ["Ältere »"]
    await world.press(people.CASEWORKER, page, "Ältere")
    older = world.current(choice)
    assert "Buchungen 11–13 von 13" in text_of(older)
    assert f"Zuteilung: zugeteilt +{eur(936_000)}" in text_of(older)
    assert older.button_texts() == ["« Neuere"]


async def test_ledger_of_a_foreign_pot_is_refused(world: World, bw: BudgetWorld) -> None:
    """A button for Süd A's pot pressed by Sven (forged payload) shows nothing."""
    from datetime import timedelta

    from bot.storage import interaction

    anchor = (await world.send(people.CASEWORKER, "/budget"))[-1]
    async with world.db.transaction() as session:
        token = await interaction.create_button(
            session,
            batch=interaction.new_batch(),
            chat_id=people.CASEWORKER.id,
            telegram_id=people.CASEWORKER.id,
            action="budget.page",
            payload={"pot_id": bw.sued_beratung, "offset": 0},
            now=world.clock.now(),
            ttl=timedelta(days=1),
        )
    sent = await world.press_data(people.CASEWORKER, anchor, token)
    assert sent == []
    assert world.last_callback_answer()["text"] == "Das dürfen Sie nicht (mehr) sehen."


async def test_export_xlsx_and_csv_agree_with_the_ledger(world: World, bw: BudgetWorld) -> None:
    """Carla's /export: an XLSX whose numbers are the ledger's, and a German CSV."""
    request_id = await file_request(world.db, bw, cents=25_050, now=world.clock.now())
    await _approve(world, request_id)
    sent = await world.send(people.COORDINATOR, "/export")
    documents = [m for m in sent if m.method == "sendDocument"]
    assert [m.file.filename for m in documents if m.file] == [
        "budget-2026.xlsx",
        "budget-2026-buchungen.csv",
    ]
    xlsx, ledger_csv = (m.file.content for m in documents if m.file)
    book = load_workbook(io.BytesIO(xlsx))
    summary = book["Übersicht"]
    rows = {
        (row[0], row[1]): row[2:6]
        for row in summary.iter_rows(min_row=3, values_only=True)
        if row[0]
    }
    beratung = rows[("Friedrichsgabe / Harksheide-Nord", "Kollegiale Beratung")]
    assert [Decimal(str(v)) for v in beratung] == [
        Decimal("9360"),
        Decimal("250.5"),
        Decimal("0"),
        Decimal("9109.5"),
    ]
    assert not any(space == "Garstedt" for space, _ in rows)  # Süd A is not Carla's region
    async with world.db.transaction() as session:
        lines = (
            await session.exec(
                select(BudgetBooking)
                .where(BudgetBooking.pot_id == bw.beratung)
                .order_by(col(BudgetBooking.id))
            )
        ).all()
    sheet = "nord-a beratung"  # the structure key of the social space, then the category
    exported = [row for row in book[sheet].iter_rows(min_row=3, values_only=True) if row[0]]
    assert [row[0] for row in exported] == [line.id for line in lines]
    assert sum(Decimal(str(row[5])) for row in exported) * 100 == sum(
        line.d_committed for line in lines
    )
    text = ledger_csv.decode("utf-8-sig")
    assert ledger_csv.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0][:3] == ["Jahr", "Sozialraum", "Kategorie"]
    assert any(row[9] == "250,50" for row in table[1:])
    assert "budget.exported" in await audit_actions(world)


async def _move_between(world: World, source: str, target: str) -> None:
    """Frieda's /umbuchen in Nord A up to the amount question, from ``source`` to ``target``."""
    sent = await world.send(LEAD, "/umbuchen")
    sent = await world.press(LEAD, sent[-1], "Friedrichsgabe / Harksheide-Nord")
    sent = await world.press(LEAD, sent[-1], "Zwischen zwei Töpfen")
    assert text_of(sent[-1]) == "Aus welchem Topf?"
    sent = await world.press(LEAD, sent[-1], source)
    sent = await world.press(LEAD, sent[-1], target)
    assert text_of(sent[-1]).startswith("Wie viel")


async def test_reallocate_between_pots(world: World, bw: BudgetWorld) -> None:
    """Frieda moves 1.000 € from Netzwerk to Beratung; both pots and the ledger say so."""
    await _move_between(world, "Netzwerkarbeit", "Kollegiale Beratung")
    sent = await world.send(LEAD, "1.000,00")
    assert text_of(sent[-1]).startswith(f"✅ Gebucht: {eur(100_000)} von Netzwerkarbeit 2026")
    assert (await figures(world, bw.netzwerk)).allocated == 1_148_000
    assert (await figures(world, bw.beratung)).allocated == 1_036_000


async def test_reallocating_more_than_is_free_is_refused(world: World, bw: BudgetWorld) -> None:
    """Moving more than FuA has left changes nothing and says why."""
    await _move_between(world, "FuA", "Netzwerkarbeit")
    text = await world.reply_text(LEAD, "5.000,00")
    assert text == "Dafür ist im Topf nicht genug frei. Es wurde nichts gebucht."
    assert (await figures(world, bw.fua)).allocated == 300_000


async def test_ambiguous_move_amount_is_asked_back(world: World, bw: BudgetWorld) -> None:
    """/umbuchen "1.000": two readings; an older question's button is stale, the new one books."""
    await _move_between(world, "Netzwerkarbeit", "Kollegiale Beratung")
    old = (await world.send(LEAD, "1.000"))[-1]
    assert text_of(old).endswith(f"Meinten Sie {eur(100_000)} oder {eur(100)}?")
    assert old.button_texts() == [eur(100_000), eur(100)]
    new = (await world.send(LEAD, "2.000"))[-1]
    await world.press(LEAD, old, eur(100))
    assert world.last_callback_answer()["text"].startswith("Dieser Knopf ist nicht mehr gültig")
    assert (await figures(world, bw.beratung)).allocated == 936_000
    sent = await world.press(LEAD, new, eur(200_000))
    assert text_of(sent[-1]).startswith(f"✅ Gebucht: {eur(200_000)} von Netzwerkarbeit 2026")
    assert (await figures(world, bw.beratung)).allocated == 1_136_000


async def test_ledger_and_export_refuse_a_bad_year(world: World, bw: BudgetWorld) -> None:
    """/buchungen and /export with a year that is none answer how to write it, nothing more."""
    for command, answer in (
        ("/buchungen 1999", "Bitte so: /budget oder /budget 2025"),
        ("/export 20x6", "Bitte so: /export oder /export 2025"),
    ):
        sent = await world.send(LEAD, command)
        assert [text_of(message) for message in sent] == [answer]
        assert not sent[-1].button_texts()


async def test_draw_from_the_reserve_and_carry_over(world: World, bw: BudgetWorld) -> None:
    """Frieda draws 500 € from the reserve into FuA, then carries 200 € into 2027."""
    sent = await world.send(LEAD, "/umbuchen")
    sent = await world.press(LEAD, sent[-1], "Friedrichsgabe / Harksheide-Nord")
    sent = await world.press(LEAD, sent[-1], "Aus der zentralen Reserve")
    assert text_of(sent[-1]) == "In welchen Topf?"
    sent = await world.press(LEAD, sent[-1], "FuA")
    sent = await world.send(LEAD, "500")
    assert text_of(sent[-1]).startswith(f"✅ Gebucht: {eur(50_000)} von Zentrale Reserve")
    assert (await figures(world, bw.fua)).allocated == 350_000
    assert (await figures(world, bw.reserve)).allocated == 950_000

    sent = await world.send(LEAD, "/umbuchen")
    sent = await world.press(LEAD, sent[-1], "Friedrichsgabe / Harksheide-Nord")
    sent = await world.press(LEAD, sent[-1], "ins nächste Jahr")
    sent = await world.press(LEAD, sent[-1], "FuA")
    sent = await world.send(LEAD, "200")
    assert "nach FuA 2027" in text_of(sent[-1])
    assert (await figures(world, bw.fua)).allocated == 330_000


async def test_submitted_request_shows_in_my_requests(world: World, bw: BudgetWorld) -> None:
    """/antraege lists the request with its status and a withdraw button."""
    await submit(world, amount="80")
    sent = await world.send(people.CASEWORKER, "/antraege")
    assert text_of(sent[0]).startswith("📋 Ihre Anträge (1)")
    assert "Antrag Nr. 1 · Sozialraumteam Nord A · beantragt" in text_of(sent[-1])
    assert sent[-1].button_texts() == ["Zurückziehen"]


def test_chart_axis_amounts_are_whole_euros() -> None:
    """Axis labels drop the cents, in German and English grouping alike."""
    assert budget_money(500_000, "de") == "5.000\u00a0€"
    assert budget_money(100_000_000, "de") == "1.000.000\u00a0€"
    assert budget_money(500_050, "en") == "€5,000"


async def test_move_offers_only_spaces_with_pots_and_other_years(
    world: World, bw: BudgetWorld
) -> None:
    """Nord B has no pots, so only Nord A is offered; /umbuchen 2025 finds nothing to move."""
    sent = await world.send(LEAD, "/umbuchen")
    assert sent[-1].button_texts() == ["Friedrichsgabe / Harksheide-Nord"]
    text = await world.reply_text(LEAD, "/umbuchen 2025")
    assert text == "Für 2025 sind keine Budgettöpfe eingerichtet, die Sie sehen dürfen."
    text = await world.reply_text(LEAD, "/umbuchen bitte")
    assert text.startswith("Bitte so: /umbuchen oder /umbuchen 2025")


async def test_english_reader_gets_english_texts_and_amounts(
    world: World, bw: BudgetWorld
) -> None:
    """A member who chose English reads the table in English with English amounts."""
    async with world.db.transaction() as session:
        member = await session.get(Member, bw.requester)
        assert member is not None
        member.language = "en"
        session.add(member)
    table = text_of((await world.send(people.CASEWORKER, "/budget"))[-1])
    assert f"Network work: {format_cents(1_248_000, 'en')} left of" in table
    text = await world.reply_text(people.CASEWORKER, "/ausgabe")
    assert "Question 1 of 5" in text
