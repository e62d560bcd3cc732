"""The budget on a phone, end to end: request → approval → figures → settlement.

Sven (ASD, Nord A) asks for money; Frieda (Fachbereichsleitung Nord) decides; Carla
coordinates Nord A and may approve up to 250,00 €. The clock stands on Monday 23 November
2026; Nord A's pots for 2026 hold 9.360,00 € (Beratung), 12.480,00 € (Netzwerk), 3.000,00 €
(FuA), the organisation's reserve 10.000,00 €.
"""

from __future__ import annotations

import pytest

from bot.budget import RequestStatus
from bot.storage.models import Idea, Provider
from tests.auxil import people
from tests.auxil.budget import LEAD, BudgetWorld, seed_budget
from tests.auxil.budget_chat import (
    PURPOSE,
    audit_actions,
    deliver,
    dialog_of,
    eur,
    figures,
    request,
    requests,
    submit,
    text_of,
    to,
    to_summary,
)
from tests.auxil.world import World


@pytest.fixture
async def bw(world: World) -> BudgetWorld:
    """Nord A's and Süd A's pots, Sven, Carla, Frieda and Sören as members."""
    return await seed_budget(world.db, now=world.clock.now())


async def test_request_approve_budget_settle_lower_releases_difference(
    world: World, bw: BudgetWorld
) -> None:
    """The whole way: typed on a phone, pushed to Frieda, approved, shown, settled lower."""
    sent = await world.send(people.CASEWORKER, "/ausgabe")
    first = text_of(sent[-1])
    assert first.startswith("💶 Neuer Antrag für Sozialraumteam Nord A")
    assert "Frage 1 von 5" in first  # no open idea: no idea question
    assert sent[-1].button_texts() == [
        f"Kollegiale Beratung · frei {eur(936_000)}",
        f"Netzwerkarbeit · frei {eur(1_248_000)}",
        f"FuA · frei {eur(300_000)}",
    ]
    sent = await world.press(people.CASEWORKER, sent[-1], "Kollegiale Beratung")
    assert "Wie viel Geld?" in text_of(sent[-1])
    sent = await world.send(people.CASEWORKER, "1.250,50")
    assert "Wofür ist das Geld?" in text_of(sent[-1])
    sent = await world.send(people.CASEWORKER, PURPOSE)
    assert "Welcher Träger" in text_of(sent[-1])
    sent = await world.press(people.CASEWORKER, sent[-1], "Kein Träger")
    assert "Bis wann" in text_of(sent[-1])
    sent = await world.send(people.CASEWORKER, "15.12.")
    summary = sent[-1]
    shown = text_of(summary)
    assert shown.startswith("Bitte prüfen:")
    assert f"Betrag: {eur(125_050)}" in shown
    assert "Topf: Kollegiale Beratung 2026 · Friedrichsgabe / Harksheide-Nord" in shown
    assert "Gebraucht: 15.12.2026" in shown
    assert await requests(world) == []  # nothing stored before "Beantragen"

    await world.press(people.CASEWORKER, summary, "Beantragen")
    assert text_of(world.current(summary)).startswith("✅ Beantragt: Antrag Nr. 1 über")
    assert await dialog_of(world, people.CASEWORKER) is None

    pushed = await deliver(world)
    # 1.250,50 € is above Carla's limit: only the Fachbereichsleitung is asked.
    assert to(pushed, people.COORDINATOR) == []
    [push] = to(pushed, LEAD)
    assert "Neuer Antrag – bitte entscheiden" in text_of(push)
    assert "Von: Sven Sozialarbeit" in text_of(push)
    assert push.button_texts() == ["✅ Bewilligen", "❌ Ablehnen"]

    await world.press(LEAD, push, "Bewilligen")
    assert f"✅ Bewilligt: {eur(125_050)}" in text_of(world.current(push))
    stored = await request(world, 1)
    assert stored.status == RequestStatus.APPROVED
    assert stored.approved == 125_050
    assert (await figures(world, bw.beratung)).committed == 125_050
    told = to(await deliver(world), people.CASEWORKER)
    assert len(told) == 1
    assert text_of(told[0]).startswith("✅ Ihr Antrag Nr. 1 ist bewilligt")

    table = text_of((await world.send(people.CASEWORKER, "/budget"))[-1])
    assert f"Kollegiale Beratung: {eur(936_000 - 125_050)} frei von {eur(936_000)}" in table
    assert f"bewilligt {eur(125_050)} · abgerechnet {eur(0)}" in table

    sent = await world.send(people.CASEWORKER, "/antraege")
    card = sent[-1]
    assert "Antrag Nr. 1" in text_of(card) and "bewilligt" in text_of(card)
    sent = await world.press(people.CASEWORKER, card, "Abrechnen")
    assert "tatsächlich bezahlt" in text_of(sent[-1])
    sent = await world.send(people.CASEWORKER, "1.000")
    # "1.000" could be 1,00 € too: the bot asks.
    assert text_of(sent[-1]) == f"Meinten Sie {eur(100_000)} oder {eur(100)}?"
    sent = await world.press(people.CASEWORKER, sent[-1], eur(100_000))
    assert text_of(sent[-1]) == (
        f"🧾 Antrag Nr. 1 ist abgerechnet: {eur(100_000)}. {eur(25_050)} gehen zurück in den Topf."
    )
    after = await figures(world, bw.beratung)
    assert (after.committed, after.settled, after.available) == (0, 100_000, 836_000)
    assert (await request(world, 1)).status == RequestStatus.SETTLED
    actions = await audit_actions(world)
    assert "budget.request.submitted" in actions
    assert "budget.approve" in actions and "budget.settle" in actions


async def test_small_request_goes_to_the_coordinator_too(world: World, bw: BudgetWorld) -> None:
    """Within the 250,00 € limit Carla is asked as well, and may approve."""
    await submit(world, amount="80")
    pushed = await deliver(world)
    assert len(to(pushed, LEAD)) == 1
    [push] = to(pushed, people.COORDINATOR)
    await world.press(people.COORDINATOR, push, "Bewilligen")
    assert (await request(world, 1)).approved == 8_000


async def test_withdraw_while_requested(world: World, bw: BudgetWorld) -> None:
    """Sven takes his request back before a decision; the pot never moved."""
    await submit(world)
    sent = await world.send(people.CASEWORKER, "/antraege")
    sent = await world.press(people.CASEWORKER, sent[-1], "Zurückziehen")
    assert "wirklich zurückziehen?" in text_of(sent[-1])
    await world.press(people.CASEWORKER, sent[-1], "Ja, zurückziehen")
    assert text_of(world.current(sent[-1])) == "Antrag Nr. 1 ist zurückgezogen."
    assert (await request(world, 1)).status == RequestStatus.WITHDRAWN
    assert (await figures(world, bw.beratung)).committed == 0


async def test_change_from_summary_then_discard_keeps_nothing(
    world: World, bw: BudgetWorld
) -> None:
    """The amount is changed from the summary; "Verwerfen" then stores nothing."""
    summary = await to_summary(world)
    sent = await world.press(people.CASEWORKER, summary, "Ändern")
    sent = await world.press(people.CASEWORKER, sent[-1], "Betrag")
    sent = await world.send(people.CASEWORKER, "99")
    assert f"Betrag: {eur(9_900)}" in text_of(sent[-1])
    await world.press(people.CASEWORKER, sent[-1], "Verwerfen")
    assert text_of(world.current(sent[-1])) == "Verworfen. Es wurde nichts gespeichert."
    assert await requests(world) == []
    assert await dialog_of(world, people.CASEWORKER) is None


async def test_request_linked_to_an_open_idea(world: World, bw: BudgetWorld) -> None:
    """With an open network idea the dialogue asks for it; the request keeps the link."""
    async with world.db.transaction() as session:
        idea = Idea(
            team_id=bw.teams.nord_a,
            number=7,
            text="Elterncafé am Samstagvormittag im Stadtteilhaus",
            author_id=bw.coordinator,
            created_at=world.clock.now(),
            updated_at=world.clock.now(),
        )
        session.add(idea)
        await session.flush()
        idea_id = idea.id
    sent = await world.send(people.CASEWORKER, "/ausgabe")
    assert "Frage 1 von 6" in text_of(sent[-1])
    sent = await world.press(people.CASEWORKER, sent[-1], "Netzwerkarbeit")
    await world.send(people.CASEWORKER, "120")
    sent = await world.send(people.CASEWORKER, PURPOSE)
    assert "Frage 4 von 6" in text_of(sent[-1])
    assert sent[-1].button_texts() == [
        "Idee #7: Elterncafé am Samstagvormittag im Stadtteilhaus",
        "Ohne Idee",
    ]
    sent = await world.press(people.CASEWORKER, sent[-1], "Idee #7")
    sent = await world.press(people.CASEWORKER, sent[-1], "Kein Träger")
    sent = await world.press(people.CASEWORKER, sent[-1], "So bald wie möglich")
    assert "Idee: Idee #7: Elterncafé" in text_of(sent[-1])
    await world.press(people.CASEWORKER, sent[-1], "Beantragen")
    [stored] = await requests(world)
    assert stored.idea_id == idea_id
    assert stored.pot_id == bw.netzwerk


async def test_provider_from_the_list_or_typed(world: World, bw: BudgetWorld) -> None:
    """The organisation's providers are buttons; a typed kind of provider is taken as text."""
    async with world.db.transaction() as session:
        session.add(Provider(organisation_id=bw.organisation_id, name="Kinderhaus Sonnenschein"))
    sent = await world.send(people.CASEWORKER, "/ausgabe")
    sent = await world.press(people.CASEWORKER, sent[-1], "FuA")
    await world.send(people.CASEWORKER, "60")
    sent = await world.send(people.CASEWORKER, "Bastelmaterial für die Ferienwoche")
    assert sent[-1].button_texts() == ["Kinderhaus Sonnenschein", "Kein Träger"]
    sent = await world.press(people.CASEWORKER, sent[-1], "Kinderhaus Sonnenschein")
    sent = await world.press(people.CASEWORKER, sent[-1], "So bald wie möglich")
    assert "Träger: Kinderhaus Sonnenschein" in text_of(sent[-1])
    sent = await world.press(people.CASEWORKER, sent[-1], "Ändern")
    sent = await world.press(people.CASEWORKER, sent[-1], "Träger")
    sent = await world.send(people.CASEWORKER, "Musikschule")
    assert "Träger: Musikschule" in text_of(sent[-1])
    await world.press(people.CASEWORKER, sent[-1], "Beantragen")
    [stored] = await requests(world)
    assert (stored.provider_id, stored.provider_name) == (None, "Musikschule")
