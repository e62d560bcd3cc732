"""``/freigeben`` end to end: rejection with a reason, four eyes, over-budget choices, warnings.

Frieda is Fachbereichsleitung Nord, Carla coordinates Nord A (limit 250,00 €), Sven asks.
Nord A's FuA pot holds 3.000,00 €, the organisation's reserve 10.000,00 €.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.budget import RequestStatus
from bot.storage import interaction
from tests.auxil import people
from tests.auxil.budget import LEAD, BudgetWorld, seed_budget
from tests.auxil.budget_chat import (
    audit_actions,
    booking_count,
    deliver,
    dialog_of,
    eur,
    figures,
    request,
    submit,
    text_of,
    to,
)
from tests.auxil.builders import TgUser
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.world import World
from tests.test_consultations import _bind_nord_a

IDENTIFYING = "Die Familie Müller aus der Ulzburger Straße 12 bekommt schon Geld."


@pytest.fixture
async def bw(world: World) -> BudgetWorld:
    """Nord A's and Süd A's pots, Sven, Carla, Frieda and Sören as members."""
    return await seed_budget(world.db, now=world.clock.now())


async def _push_to(world: World, user: TgUser) -> SentMessage:
    """The one request push the outbox delivers to ``user``."""
    [push] = to(await deliver(world), user)
    return push


async def test_rejection_reason_reaches_the_requester(world: World, bw: BudgetWorld) -> None:
    """Frieda rejects with a reason; Sven reads exactly that reason; the pot never moved."""
    await submit(world, amount="400")
    push = await _push_to(world, LEAD)
    sent = await world.press(LEAD, push, "Ablehnen")
    assert "Warum lehnen Sie Antrag Nr. 1 ab?" in text_of(sent[-1])
    assert "Sven Sozialarbeit bekommt ihn so zu lesen" in text_of(sent[-1])
    reason = "Dafür ist das Netzwerkbudget da, bitte dort beantragen."
    sent = await world.send(LEAD, reason)
    assert text_of(sent[-1]).startswith("❌ Antrag Nr. 1 ist abgelehnt.")
    stored = await request(world, 1)
    assert stored.status == RequestStatus.REJECTED
    assert stored.reason == reason
    [told] = to(await deliver(world), people.CASEWORKER)
    assert (
        text_of(told) == f"❌ Ihr Antrag Nr. 1 über {eur(40_000)} ist abgelehnt.\nGrund: {reason}"
    )
    assert (await figures(world, bw.beratung)).committed == 0
    assert await dialog_of(world, LEAD) is None


async def test_identifying_reason_is_refused_and_deleted(world: World, bw: BudgetWorld) -> None:
    """A reason naming a family is not stored, deleted from the chat, and asked for again."""
    await submit(world, amount="400")
    push = await _push_to(world, LEAD)
    await world.press(LEAD, push, "Ablehnen")
    before = len(world.fake.deleted)
    sent = await world.send(LEAD, IDENTIFYING)
    assert "personenbezogenen Daten" in text_of(sent[-1])
    assert IDENTIFYING not in text_of(sent[-1])
    assert len(world.fake.deleted) == before + 1
    assert (await request(world, 1)).status == RequestStatus.REQUESTED
    assert to(await deliver(world), people.CASEWORKER) == []


async def test_nobody_approves_their_own_request(world: World, bw: BudgetWorld) -> None:
    """Frieda asks herself: she is not asked, her queue is empty, a forged button is refused."""
    await submit(world, LEAD, amount="80")
    pushed = await deliver(world)
    assert to(pushed, LEAD) == []
    assert len(to(pushed, people.COORDINATOR)) == 1  # Carla may decide 80 € for Nord A
    assert text_of((await world.send(LEAD, "/freigeben"))[-1]).startswith("✅ Gerade wartet")
    # A button for her own request, as if someone crafted one: the service says no.
    anchor = (await world.send(LEAD, "/budget"))[-1]
    async with world.db.transaction() as session:
        token = await interaction.create_button(
            session,
            batch=interaction.new_batch(),
            chat_id=LEAD.id,
            telegram_id=LEAD.id,
            action="freigabe.approve",
            payload={"request_id": 1},
            now=world.clock.now(),
            ttl=timedelta(days=1),
        )
    bookings = await booking_count(world)
    await world.press_data(LEAD, anchor, token)
    answer = world.last_callback_answer()
    assert answer["show_alert"] is True
    assert answer["text"].startswith("Eigene Anträge kann man nicht selbst bewilligen")
    assert (await request(world, 1)).status == RequestStatus.REQUESTED
    assert await booking_count(world) == bookings


async def test_coordinator_over_limit_is_refused(world: World, bw: BudgetWorld) -> None:
    """Carla cannot approve 300 € (limit 250 €); a button for it is answered, nothing booked."""
    await submit(world, amount="300")
    await deliver(world)
    anchor = (await world.send(people.COORDINATOR, "/budget"))[-1]
    async with world.db.transaction() as session:
        token = await interaction.create_button(
            session,
            batch=interaction.new_batch(),
            chat_id=people.COORDINATOR.id,
            telegram_id=people.COORDINATOR.id,
            action="freigabe.approve",
            payload={"request_id": 1},
            now=world.clock.now(),
            ttl=timedelta(days=1),
        )
    await world.press_data(people.COORDINATOR, anchor, token)
    assert world.last_callback_answer()["text"].startswith("Der Betrag liegt über Ihrer")
    assert (await request(world, 1)).status == RequestStatus.REQUESTED


async def test_over_budget_choices_and_approve_the_rest(world: World, bw: BudgetWorld) -> None:
    """3.500 € from a 3.000 € pot: the choices are offered; approving the rest commits 3.000 €."""
    await submit(world, pot="FuA", amount="3.500,00")
    push = await _push_to(world, LEAD)
    await world.press(LEAD, push, "Bewilligen")
    offer = world.current(push)
    assert "Der Topf reicht nicht." in text_of(offer)
    assert f"es fehlen {eur(50_000)}" in text_of(offer)
    assert offer.button_texts() == [
        f"{eur(300_000)} bewilligen",
        "Anderen Betrag bewilligen",
        f"Fehlende {eur(50_000)} aus der Reserve",
        "❌ Ablehnen",
    ]
    assert (await request(world, 1)).status == RequestStatus.REQUESTED
    await world.press(LEAD, offer, f"{eur(300_000)} bewilligen")
    assert f"✅ Bewilligt: {eur(300_000)}" in text_of(world.current(push))
    assert (await request(world, 1)).approved == 300_000
    assert (await figures(world, bw.fua)).available == 0
    [told] = to(await deliver(world), people.CASEWORKER)
    assert "mit weniger Geld" in text_of(told)


async def test_reserve_draw_covers_the_missing_part(world: World, bw: BudgetWorld) -> None:
    """Frieda draws the missing 500 € from the reserve; both pots and the ledger say so."""
    await submit(world, pot="FuA", amount="3.500,00")
    push = await _push_to(world, LEAD)
    await world.press(LEAD, push, "Bewilligen")
    await world.press(LEAD, world.current(push), "aus der Reserve")
    shown = text_of(world.current(push))
    assert f"✅ Bewilligt: {eur(350_000)}" in shown
    assert f"Davon {eur(50_000)} aus der zentralen Reserve" in shown
    fua = await figures(world, bw.fua)
    assert (fua.allocated, fua.committed, fua.available) == (350_000, 350_000, 0)
    assert (await figures(world, bw.reserve)).available == 1_000_000 - 50_000
    assert {"budget.reserve_out", "budget.reserve_in"} <= set(await audit_actions(world))


async def test_coordinator_gets_no_reserve_choice(world: World, bw: BudgetWorld) -> None:
    """Over budget, a coordinator may approve less or reject, never touch the reserve."""
    await submit(world, pot="FuA", amount="3.000,00")
    push = await _push_to(world, LEAD)
    await world.press(LEAD, push, "Bewilligen")  # FuA is now used up
    await submit(world, pot="FuA", amount="100")
    [carla] = to(await deliver(world), people.COORDINATOR)
    await world.press(people.COORDINATOR, carla, "Bewilligen")
    offer = world.current(carla)
    assert "Der Topf reicht nicht." in text_of(offer)
    assert offer.button_texts() == ["❌ Ablehnen"]


async def test_other_amount_with_ambiguity(world: World, bw: BudgetWorld) -> None:
    """ "Anderen Betrag": "2.000" is asked back; the chosen 2.000,00 € is approved."""
    await submit(world, pot="FuA", amount="3.500,00")
    push = await _push_to(world, LEAD)
    await world.press(LEAD, push, "Bewilligen")
    sent = await world.press(LEAD, world.current(push), "Anderen Betrag bewilligen")
    assert "Welchen Betrag bewilligen Sie für Antrag Nr. 1?" in text_of(sent[-1])
    sent = await world.send(LEAD, "4000")
    assert text_of(sent[-1]).startswith("Das ist mehr als beantragt")
    sent = await world.send(LEAD, "2.000")
    assert text_of(sent[-1]) == f"Meinten Sie {eur(200_000)} oder {eur(200)}?"
    await world.press(LEAD, sent[-1], eur(200_000))
    assert f"✅ Bewilligt: {eur(200_000)}" in text_of(world.current(sent[-1]))
    assert (await request(world, 1)).approved == 200_000


async def test_thresholds_are_announced_once(world: World, bw: BudgetWorld) -> None:
    """80 % and 100 % of FuA: the group and Frieda hear each exactly once."""
    await _bind_nord_a(world)
    await deliver(world)
    group = people.NORD_A_GROUP.id

    await submit(world, pot="FuA", amount="2.500,00")
    await world.press(LEAD, await _push_to(world, LEAD), "Bewilligen")
    delivered = await deliver(world)
    warned = [m for m in delivered if "verplant" in text_of(m)]
    assert sorted(m.chat_id for m in warned) == sorted([group, LEAD.id])
    assert text_of(warned[0]).startswith("⚠️ FuA 2026 · Friedrichsgabe / Harksheide-Nord: 83 %")

    await submit(world, pot="FuA", amount="100")
    await world.press(LEAD, await _push_to(world, LEAD), "Bewilligen")
    assert [m for m in await deliver(world) if "verplant" in text_of(m)] == []

    await submit(world, pot="FuA", amount="400")
    await world.press(LEAD, await _push_to(world, LEAD), "Bewilligen")
    full = [m for m in await deliver(world) if "ausgeschöpft" in text_of(m)]
    assert sorted(m.chat_id for m in full) == sorted([group, LEAD.id])


async def test_settle_higher_needs_a_new_approval(world: World, bw: BudgetWorld) -> None:
    """Paid more than approved: the extra waits for Frieda; her approval books the whole."""
    await submit(world, amount="100")
    await world.press(LEAD, await _push_to(world, LEAD), "Bewilligen")
    await deliver(world)
    sent = await world.send(people.CASEWORKER, "/antraege")
    await world.press(people.CASEWORKER, sent[-1], "Abrechnen")
    sent = await world.send(people.CASEWORKER, "120")
    assert text_of(sent[-1]).startswith(f"🧾 Das sind {eur(2_000)} mehr als bewilligt.")
    assert (await figures(world, bw.beratung)).settled == 0
    push = await _push_to(world, LEAD)
    assert "Abrechnung über dem bewilligten Betrag" in text_of(push)
    await world.press(LEAD, push, "Bewilligen")
    assert f"Abrechnung über {eur(12_000)} bewilligt" in text_of(world.current(push))
    after = await figures(world, bw.beratung)
    assert (after.committed, after.settled) == (0, 12_000)
    assert (await request(world, 1)).status == RequestStatus.SETTLED


async def test_approving_twice_changes_nothing_the_second_time(
    world: World, bw: BudgetWorld
) -> None:
    """The /freigeben card and the push for the same request: the second press is refused."""
    await submit(world, amount="400")
    push = await _push_to(world, LEAD)
    sent = await world.send(LEAD, "/freigeben")
    card = sent[-1]
    await world.press(LEAD, push, "Bewilligen")
    bookings = await booking_count(world)
    await world.press(LEAD, card, "Bewilligen")
    answer = world.last_callback_answer()
    assert answer["show_alert"] is True
    assert answer["text"].startswith("Über diesen Antrag ist schon entschieden.")
    assert world.current(card).button_texts() == []
    assert await booking_count(world) == bookings
    assert (await figures(world, bw.beratung)).committed == 40_000


async def test_rejected_extra_claim_keeps_the_approval(world: World, bw: BudgetWorld) -> None:
    """Frieda rejects a settlement above the approval: Sven is told, 100 € stay approved."""
    await submit(world, amount="100")
    await world.press(LEAD, await _push_to(world, LEAD), "Bewilligen")
    await deliver(world)
    sent = await world.send(people.CASEWORKER, "/antraege")
    await world.press(people.CASEWORKER, sent[-1], "Abrechnen")
    await world.send(people.CASEWORKER, "150")
    push = await _push_to(world, LEAD)
    await world.press(LEAD, push, "Ablehnen")
    await world.send(LEAD, "Mehr war nicht abgesprochen.")
    [told] = to(await deliver(world), people.CASEWORKER)
    assert text_of(told).startswith(
        f"❌ Der Mehrbetrag bei Antrag Nr. 1 ist nicht bewilligt. Bewilligt bleiben {eur(10_000)}"
    )
    stored = await request(world, 1)
    assert (stored.status, stored.approved, stored.claimed) == (
        RequestStatus.APPROVED,
        10_000,
        None,
    )
    assert (await figures(world, bw.beratung)).committed == 10_000


async def test_second_approver_finds_it_decided(world: World, bw: BudgetWorld) -> None:
    """Carla and Frieda both got 80 €; after Frieda's approval Carla's buttons do nothing."""
    await submit(world, amount="80")
    pushed = await deliver(world)
    [frieda] = to(pushed, LEAD)
    [carla] = to(pushed, people.COORDINATOR)
    await world.press(LEAD, frieda, "Bewilligen")
    await world.press(people.COORDINATOR, carla, "Ablehnen")
    assert world.last_callback_answer()["text"].startswith("Über diesen Antrag ist schon")
    assert await dialog_of(world, people.COORDINATOR) is None
    assert (await request(world, 1)).status == RequestStatus.APPROVED
