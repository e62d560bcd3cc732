"""After the consultation, end to end: the coordinator records results, attendance is
corrected, the group gets a summary and the authors their outcomes; and what happens when
nobody records anything.

Nord A meets on Tuesday 24 November 2026 from 09:00 to 11:00 (Berlin); Carla coordinates,
Sven (ASD) and Petra (provider) bring topics.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from bot.scheduler.minutes import ask_and_close
from bot.scheduler.reminders import send_due_reminders
from bot.storage.models import Attendance, AuditEntry, Meeting, Role, TopicStatus
from tests.auxil import people
from tests.auxil.data import Directory, add_member
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.topics import MadeTopic, add_topic, get
from tests.auxil.world import World
from tests.test_consultations import _bind_nord_a, _set_up

TUESDAY_1100 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 11:00 in Berlin: the end
NOTE = "Hilfeplangespräch vorbereiten und die Großeltern einbeziehen."
SECRET_SITUATION = "Die Kita meldet seit Wochen Fehlzeiten und wenig Frühstück."


async def _week(world: World, teams: Directory) -> list[MadeTopic]:
    """Series, group, three topics; Carla and Sven say they come, Petra does not."""
    await _bind_nord_a(world)
    await _set_up(world)
    await world.deliver_outbox()
    made = [
        await add_topic(
            world,
            people.CASEWORKER,
            teams.nord_a,
            "Welche Hilfe passt?",
            code="Linde-17",
            situation=SECRET_SITUATION,
        ),
        await add_topic(
            world, people.PROVIDER, teams.nord_a, "Wie weiter mit der Schule?", code="Ahorn-42"
        ),
        await add_topic(
            world,
            people.CASEWORKER,
            teams.nord_a,
            "Reicht das noch?",
            urgent=True,
            code="Birke-23",
        ),
    ]
    await send_due_reminders(world.services)
    [reminder] = [m for m in await world.deliver_outbox() if m.chat_id == people.NORD_A_GROUP.id]
    assert "📋 Tagesordnung" in (reminder.plain_text or "")
    await world.press(people.COORDINATOR, reminder, "Ich komme")
    await world.press(people.CASEWORKER, world.current(reminder), "Ich komme")
    await world.press(people.PROVIDER, world.current(reminder), "Ich komme nicht")
    return made


async def _ended(world: World) -> SentMessage:
    """The meeting ends; Carla's question to record the results."""
    world.clock.set(TUESDAY_1100)
    await send_due_reminders(world.services)
    await world.deliver_outbox()
    assert await ask_and_close(world.services) == 1
    [ask] = [m for m in await world.deliver_outbox() if m.chat_id == people.COORDINATOR.id]
    return ask


def _to(sent: list[SentMessage], chat_id: int) -> list[SentMessage]:
    return [message for message in sent if message.chat_id == chat_id]


async def test_the_whole_weekly_cycle(world: World, teams: Directory) -> None:
    """Results per topic, a note, attendance corrected, summary and outcomes sent."""
    made = await _week(world, teams)
    ask = await _ended(world)
    assert "Die Beratung ist vorbei." in (ask.plain_text or "")

    await world.press(people.COORDINATOR, ask, "Ergebnisse eintragen")
    card = world.current(ask)
    assert (
        card.plain_text is not None
        and "Birke-23 (noch 3 offen)\n❓ Reicht das noch?" in card.plain_text
    )
    assert card.button_texts() == ["✅ Besprochen", "⏭ Nächster Termin", "↩️ Zurückgezogen"]
    await world.press(people.COORDINATOR, card, "✅ Besprochen")
    await world.press(people.COORDINATOR, world.current(ask), "Empfehlung stationäre Hilfe")
    assert "kurze Notiz" in (world.current(ask).plain_text or "")
    sent = await world.send(people.COORDINATOR, NOTE)
    assert sent[0].plain_text == "Notiz gespeichert (verschlüsselt)."
    card = sent[-1]
    assert "Linde-17 (noch 2 offen)" in (card.plain_text or "")
    await world.press(people.COORDINATOR, card, "⏭ Nächster Termin")
    card = world.current(card)
    assert "Ahorn-42 (noch 1 offen)" in (card.plain_text or "")
    await world.press(people.COORDINATOR, card, "↩️ Zurückgezogen")

    attendance = world.current(card)
    assert "Wer war da? Aus den Zusagen vorausgefüllt (2 von 3)" in (attendance.plain_text or "")
    assert attendance.button_texts() == [
        "✅ Carla Koordination",
        "◻️ Petra Träger",
        "✅ Sven Sozialarbeit",
        "Abschließen",
    ]
    await world.press(people.COORDINATOR, attendance, "◻️ Petra Träger")
    assert "✅ Petra Träger" in world.current(attendance).button_texts()
    await world.press(people.COORDINATOR, world.current(attendance), "Abschließen")
    assert (world.current(attendance).plain_text or "").startswith(
        "✅ Abgeschlossen: 1 besprochen, 1 verschoben, 1 zurückgezogen, 3 anwesend."
    )

    sent = await world.deliver_outbox()
    world.clock.advance(timedelta(seconds=2))  # one message per second and private chat
    sent += await world.deliver_outbox()
    [summary] = _to(sent, people.NORD_A_GROUP.id)
    assert summary.plain_text == (
        "✅ Kollegiale Beratung Sozialraumteam Nord A vom Dienstag, 24.11.2026\n"
        "Besprochen: 1 · auf den nächsten Termin verschoben: 1 · zurückgezogen: 1 · anwesend: 3\n"
        "Nächster Termin: Dienstag, 01.12.2026, 09:00 Uhr"
    )
    sven = [m.plain_text for m in _to(sent, people.CASEWORKER.id)]
    assert sven == [
        "📝 Ergebnis der Beratung vom Dienstag, 24.11.2026 zu Birke-23: "
        f"Empfehlung stationäre Hilfe.\nNotiz: {NOTE}",
        "Ihr Thema Linde-17 wurde nicht besprochen und steht jetzt auf dem Termin "
        "Dienstag, 01.12.2026, 09:00 Uhr.",
    ]
    assert _to(sent, people.PROVIDER.id) == []  # withdrawn: nothing to tell
    for message in sent:
        assert SECRET_SITUATION not in (message.plain_text or "")

    urgent, moved, withdrawn = (
        await get(world, made[2].id),
        await get(world, made[0].id),
        await get(world, made[1].id),
    )
    assert (urgent.status, urgent.outcome) == (TopicStatus.DISCUSSED, "stationaer")
    assert urgent.outcome_note is not None and NOTE not in urgent.outcome_note
    assert world.services.vault is not None
    assert world.services.vault.open(urgent.outcome_note) == NOTE
    assert (moved.status, moved.times_moved) == (TopicStatus.QUEUED, 1)
    assert withdrawn.status == TopicStatus.WITHDRAWN
    async with world.db.transaction() as session:
        present = (await session.exec(select(Attendance).where(col(Attendance.present)))).all()
        meeting = (
            await session.exec(select(Meeting).where(col(Meeting.closed_at).is_not(None)))
        ).one()
        closed = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "meeting.closed"))
        ).all()
    assert len(present) == 3 and meeting.status == "held" and len(closed) == 1
    assert [p.corrected_by for p in present if p.corrected_by] == [people.COORDINATOR.id]


async def test_a_note_with_a_name_is_refused_and_deleted(
    world: World, teams: Directory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    made = await _week(world, teams)
    ask = await _ended(world)
    await world.press(people.COORDINATOR, ask, "Ergebnisse eintragen")
    await world.press(people.COORDINATOR, world.current(ask), "✅ Besprochen")
    await world.press(people.COORDINATOR, world.current(ask), "Keine Hilfe nötig")

    sent = await world.send(
        people.COORDINATOR, "Frau Jennifer Kowalski anrufen, Tel. 0176 23456789"
    )

    [answer] = sent
    assert (answer.plain_text or "").startswith("🔒 Die Notiz enthält etwas")
    assert "Kowalski" not in (answer.plain_text or "")
    assert len(world.fake.deleted) == 1
    topic = await get(world, made[2].id)
    assert topic.status == TopicStatus.QUEUED and topic.outcome_note is None
    assert "Kowalski" not in caplog.text
    # The dialogue goes on: a clean note is taken.
    sent = await world.send(people.COORDINATOR, "Kein weiterer Bedarf.")
    assert sent[0].plain_text == "Notiz gespeichert (verschlüsselt)."


async def test_asked_once_also_after_a_restart(world: World, teams: Directory) -> None:
    await _week(world, teams)
    await _ended(world)

    assert await ask_and_close(world.services) == 0
    assert _to(await world.deliver_outbox(), people.COORDINATOR.id) == []


async def test_open_minutes_are_closed_after_three_days(world: World, teams: Directory) -> None:
    """Nobody records anything: topics move on, the group gets the summary, authors hear."""
    made = await _week(world, teams)
    await _ended(world)
    world.clock.set(TUESDAY_1100 + timedelta(days=3, minutes=1))

    await ask_and_close(world.services)

    sent = await world.deliver_outbox()
    world.clock.advance(timedelta(seconds=2))  # one message per second and private chat
    sent += await world.deliver_outbox()
    [summary] = _to(sent, people.NORD_A_GROUP.id)
    assert "Besprochen: 0 · auf den nächsten Termin verschoben: 3" in (summary.plain_text or "")
    for topic in made:
        stored = await get(world, topic.id)
        assert stored.status == TopicStatus.QUEUED and stored.times_moved == 1
    assert len(_to(sent, people.CASEWORKER.id)) == 2 and len(_to(sent, people.PROVIDER.id)) == 1
    assert await ask_and_close(world.services) == 0
    assert _to(await world.deliver_outbox(), people.NORD_A_GROUP.id) == []


async def test_buttons_of_a_closed_meeting_and_of_others_are_refused(
    world: World, teams: Directory
) -> None:
    """Olga co-coordinates Nord A: once Carla has closed the minutes, Olga's start is refused."""
    await add_member(
        world.db, people.OTHER_COORDINATOR, teams.nord_a, Role.KOORDINATION, now=world.clock.now()
    )
    await _week(world, teams)
    world.clock.set(TUESDAY_1100)
    await ask_and_close(world.services)
    sent = await world.deliver_outbox()
    [carla_ask] = _to(sent, people.COORDINATOR.id)
    [olga_ask] = _to(sent, people.OTHER_COORDINATOR.id)
    await world.press(people.COORDINATOR, carla_ask, "Ergebnisse eintragen")
    card = world.current(carla_ask)

    await world.press(people.CASEWORKER, card, "↩️ Zurückgezogen")
    assert world.last_callback_answer()["text"] == "Dieser Knopf gehört zu einer anderen Person."

    for _ in range(3):
        await world.press(people.COORDINATOR, world.current(card), "↩️ Zurückgezogen")
    await world.press(people.COORDINATOR, world.current(card), "Abschließen")
    await world.press(people.OTHER_COORDINATOR, olga_ask, "Ergebnisse eintragen")
    assert world.last_callback_answer()["text"] == "Diese Beratung ist schon abgeschlossen."
    assert await world.count("case_topic", "status = 'withdrawn'") == 3
