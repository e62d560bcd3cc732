"""What people type wrong, press late or should not press: a clear German answer, no change."""

from __future__ import annotations

import pytest

from bot.budget import RequestStatus
from tests.auxil import people
from tests.auxil.budget import LEAD, BudgetWorld, seed_budget
from tests.auxil.budget_chat import (
    booking_count,
    deliver,
    dialog_of,
    eur,
    request,
    requests,
    submit,
    text_of,
    to,
    to_summary,
)
from tests.auxil.builders import message_update
from tests.auxil.world import World
from tests.test_consultations import _bind_nord_a

IDENTIFYING = "Ausflug mit Kevin Müller, geboren am 03.04.2017, in den Tierpark."


@pytest.fixture
async def bw(world: World) -> BudgetWorld:
    """Nord A's and Süd A's pots, Sven, Carla, Frieda and Sören as members."""
    return await seed_budget(world.db, now=world.clock.now())


async def _at_amount(world: World) -> None:
    sent = await world.send(people.CASEWORKER, "/ausgabe")
    await world.press(people.CASEWORKER, sent[-1], "Kollegiale Beratung")


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("-5", "Ein Betrag kann nicht negativ sein."),
        ("0", "0 € kann man nicht beantragen."),
        ("1,234", "Höchstens zwei Stellen nach dem Komma"),
        ("abc", "Das verstehe ich nicht als Betrag."),
        ("2.000.000", "Das ist mehr als 1.000.000 €"),
        ("12 Euro 50", "Das verstehe ich nicht als Betrag."),
    ],
)
async def test_wrong_amounts_get_a_clear_answer_and_change_nothing(
    world: World, bw: BudgetWorld, typed: str, answer: str
) -> None:
    """Each wrong amount is explained in German; the question is asked again, nothing kept."""
    await _at_amount(world)
    before = await dialog_of(world, people.CASEWORKER)
    text = await world.reply_text(people.CASEWORKER, typed)
    assert answer in text.replace("\u00a0", " ")
    assert "Wie viel Geld?" in text
    after = await dialog_of(world, people.CASEWORKER)
    assert before is not None and after is not None
    assert after.step == "amount"
    assert "amount" not in after.data
    assert await requests(world) == []


async def test_point_as_decimal_separator_is_asked_back(world: World, bw: BudgetWorld) -> None:
    """ "250.50" could be 250,50 € or 25.050,00 €: two buttons, the chosen one is taken."""
    await _at_amount(world)
    sent = await world.send(people.CASEWORKER, "250.50")
    assert text_of(sent[-1]).endswith(f"Meinten Sie {eur(25_050)} oder {eur(2_505_000)}?")
    assert sent[-1].button_texts() == [eur(25_050), eur(2_505_000)]
    sent = await world.press(people.CASEWORKER, sent[-1], eur(25_050))
    assert "Wofür ist das Geld?" in text_of(sent[-1])
    dialog = await dialog_of(world, people.CASEWORKER)
    assert dialog is not None and dialog.data["amount"] == 25_050


async def test_old_ambiguity_button_is_stale_after_a_new_answer(
    world: World, bw: BudgetWorld
) -> None:
    """After typing a clear amount, the earlier "Meinten Sie" buttons no longer count."""
    await _at_amount(world)
    old = (await world.send(people.CASEWORKER, "250.50"))[-1]
    await world.send(people.CASEWORKER, "300")
    await world.press(people.CASEWORKER, old, eur(2_505_000))
    assert world.last_callback_answer()["text"].startswith("Dieser Knopf ist nicht mehr gültig")
    dialog = await dialog_of(world, people.CASEWORKER)
    assert dialog is not None and dialog.data["amount"] == 30_000


async def test_purpose_with_a_child_s_name_is_refused_and_deleted(
    world: World, bw: BudgetWorld
) -> None:
    """A purpose naming a child is deleted from the chat, never echoed, never kept."""
    await _at_amount(world)
    await world.send(people.CASEWORKER, "80")
    before = len(world.fake.deleted)
    text = await world.reply_text(people.CASEWORKER, IDENTIFYING)
    assert "personenbezogenen Daten" in text
    assert "Kevin" not in text
    assert "Wofür ist das Geld?" in text
    assert len(world.fake.deleted) == before + 1
    dialog = await dialog_of(world, people.CASEWORKER)
    assert dialog is not None and "Kevin" not in str(dialog.data)


async def test_date_in_the_past_and_nonsense_are_explained(world: World, bw: BudgetWorld) -> None:
    """A past date and an unreadable date each get their own answer; the question stays."""
    summary_path = await world.send(people.CASEWORKER, "/ausgabe")
    sent = await world.press(people.CASEWORKER, summary_path[-1], "FuA")
    await world.send(people.CASEWORKER, "80")
    sent = await world.send(people.CASEWORKER, "Bastelmaterial für die offene Gruppe")
    await world.press(people.CASEWORKER, sent[-1], "Kein Träger")
    text = await world.reply_text(people.CASEWORKER, "01.01.2026")
    assert text.startswith("Dieses Datum ist schon vorbei.")
    text = await world.reply_text(people.CASEWORKER, "nächste Woche")
    assert text.startswith("Das Datum verstehe ich nicht.")


async def test_forged_and_foreign_buttons_change_nothing(world: World, bw: BudgetWorld) -> None:
    """Made-up callback data and Frieda's button pressed by Sven: refused, nothing booked."""
    await submit(world, amount="400")
    [push] = to(await deliver(world), LEAD)
    await world.press_data(LEAD, push, "not-a-token")
    assert world.last_callback_answer()["text"].startswith("Dieser Knopf ist nicht mehr gültig")
    await world.press(people.CASEWORKER, push, "Bewilligen")
    assert world.last_callback_answer()["show_alert"] is True
    assert (await request(world, 1)).status == RequestStatus.REQUESTED
    assert await booking_count(world) == 5  # the five allocations of the seed


async def test_submit_button_of_an_old_summary_is_stale(world: World, bw: BudgetWorld) -> None:
    """Pressing "Beantragen" of a summary that was changed since stores nothing."""
    summary = await to_summary(world)
    sent = await world.press(people.CASEWORKER, summary, "Ändern")
    await world.press(people.CASEWORKER, sent[-1], "Zurück")
    await world.press_data(
        people.CASEWORKER, summary, summary.button("Beantragen")["callback_data"]
    )
    assert world.last_callback_answer()["text"].startswith("Dieser Knopf ist nicht mehr gültig")
    assert await requests(world) == []


async def test_stranger_gets_nothing(world: World, bw: BudgetWorld) -> None:
    """Someone without an invitation learns nothing about the money, whatever they type."""
    for command in ("/ausgabe", "/budget", "/freigeben", "/export", "/umbuchen", "/antraege"):
        text = await world.reply_text(people.STRANGER, command)
        assert "Einladung" in text
        assert "€" not in text
    assert await requests(world) == []


async def test_caseworker_may_not_export_or_move(world: World, bw: BudgetWorld) -> None:
    """Sven sees his budget, but exports and reallocations are for others."""
    text = await world.reply_text(people.CASEWORKER, "/export")
    assert text.startswith("Exporte bekommen die Koordination")
    text = await world.reply_text(people.CASEWORKER, "/umbuchen")
    assert text.startswith("Umbuchen darf nur die Fachbereichsleitung")
    text = await world.reply_text(people.COORDINATOR, "/umbuchen")
    assert text.startswith("Umbuchen darf nur die Fachbereichsleitung")
    text = await world.reply_text(people.CASEWORKER, "/freigeben")
    assert text.startswith("✅ Gerade wartet kein Antrag")


async def test_money_is_asked_for_privately_not_in_the_group(
    world: World, bw: BudgetWorld
) -> None:
    """/ausgabe in the team's group points to the private chat; no dialogue starts there."""
    await _bind_nord_a(world)
    sent = await world.feed(message_update(people.CASEWORKER, people.NORD_A_GROUP, "/ausgabe"))
    assert text_of(sent[-1]).startswith("🔒 Um Geld geht es nur im privaten Chat.")
    assert await dialog_of(world, people.CASEWORKER) is None


async def test_budget_in_the_group_shows_only_the_team_s_space(
    world: World, bw: BudgetWorld
) -> None:
    """In Nord A's group even Frieda sees only Nord A's pots, no reserve, no other space."""
    await _bind_nord_a(world)
    sent = await world.feed(message_update(LEAD, people.NORD_A_GROUP, "/budget"))
    table = text_of(sent[-1])
    assert "Friedrichsgabe / Harksheide-Nord" in table
    assert "Reserve" not in table and "Garstedt" not in table
    assert sent[-1].button_texts() == ["📊 Als Diagramm"]


async def test_new_command_replaces_a_running_dialogue(world: World, bw: BudgetWorld) -> None:
    """/ausgabe during another dialogue says that one ended; a second /ausgabe offers resume."""
    await _at_amount(world)
    sent = await world.send(people.CASEWORKER, "/ausgabe")
    assert text_of(sent[-1]).startswith("Sie haben schon einen Antrag angefangen.")
    sent = await world.press(people.CASEWORKER, sent[-1], "Weitermachen")
    assert "Wie viel Geld?" in text_of(sent[-1])
