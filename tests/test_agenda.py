"""``/agenda`` end to end: what the group and the members see, and the coordinator's buttons.

Nord A meets on Tuesdays 09:00 for two hours with 30 minutes per case (four cases fit);
topics are due on Monday 12:00. The clock stands on Monday 23 November 2026, 09:00.
"""

from __future__ import annotations

from sqlmodel import select

from bot.scheduler.reminders import send_due_reminders
from bot.storage import directory
from bot.storage.models import AuditEntry, Meeting, Membership, TopicStatus
from tests.auxil import people
from tests.auxil.data import Directory
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.topics import MadeTopic, add_topic, get
from tests.auxil.world import World
from tests.test_consultations import _bind_nord_a, _set_up

SITUATION = "Der Vater arbeitet im Schichtdienst und die Kita meldet häufige Fehlzeiten."


async def _three_topics(world: World, teams: Directory) -> list[MadeTopic]:
    await _bind_nord_a(world)
    await _set_up(world)
    await world.deliver_outbox()
    return [
        await add_topic(
            world,
            people.CASEWORKER,
            teams.nord_a,
            "Welche Hilfe passt zur Tagesstruktur?",
            situation=SITUATION,
            code="Linde-17",
        ),
        await add_topic(
            world, people.PROVIDER, teams.nord_a, "Wie binden wir die Oma ein?", code="Ahorn-42"
        ),
        await add_topic(
            world,
            people.CASEWORKER,
            teams.nord_a,
            "Reicht die bisherige Unterstützung noch?",
            urgent=True,
            help_kind="stationaer",
            code="Birke-23",
        ),
    ]


def _agenda_lines(message: SentMessage) -> list[str]:
    return [
        line for line in (message.plain_text or "").splitlines() if line[:2].rstrip(".").isdigit()
    ]


async def test_group_agenda_shows_code_and_question_only(world: World, teams: Directory) -> None:
    """In the group: number, time box, code, question – no situation, no author, no kind."""
    await _three_topics(world, teams)

    [answer] = await world.send(people.CASEWORKER, "/agenda", people.NORD_A_GROUP)

    text = answer.plain_text or ""
    assert text.startswith(
        "📋 Tagesordnung: Kollegiale Beratung – Sozialraumteam Nord A\n"
        "🗓 Dienstag, 24.11.2026, 09:00 Uhr\n📍 Familienbüro Garstedt"
    )
    assert _agenda_lines(answer) == [
        "1. 09:00–09:30 Birke-23 ❗ dringend",
        "2. 09:30–10:00 Linde-17",
        "3. 10:00–10:30 Ahorn-42",
    ]
    assert "❓ Welche Hilfe passt zur Tagesstruktur?" in text
    for private in (SITUATION, "Sven", "Petra", "ambulant", "stationär", "👤"):
        assert private not in text
    assert answer.button_texts() == []


async def test_member_sees_details_in_private_without_buttons(
    world: World, teams: Directory
) -> None:
    await _three_topics(world, teams)

    [answer] = await world.send(people.PROVIDER, "/agenda")

    text = answer.plain_text or ""
    assert "👤 Sven Sozialarbeit · stationäre Hilfe" in text
    assert "👤 Petra Träger · ambulante Hilfe" in text
    assert SITUATION not in text  # the situation is for the meeting, not for lists
    assert "Themen einreichen oder ändern bis Montag, 23.11.2026, 12:00 Uhr" in text
    assert answer.button_texts() == []


async def test_coordinator_reorders_with_buttons(world: World, teams: Directory) -> None:
    """Ahorn-42 moves above Linde-17; the urgent Birke-23 stays first."""
    made = await _three_topics(world, teams)
    [agenda] = await world.send(people.COORDINATOR, "/agenda")
    assert agenda.button_texts() == ["📣 In die Gruppe posten", "✏️ Reihenfolge ändern"]

    await world.press(people.COORDINATOR, agenda, "✏️ Reihenfolge ändern")
    await world.press(people.COORDINATOR, world.current(agenda), "3 ⬆️")

    assert _agenda_lines(world.current(agenda)) == [
        "1. 09:00–09:30 Birke-23 ❗ dringend",
        "2. 09:30–10:00 Ahorn-42",
        "3. 10:00–10:30 Linde-17",
    ]
    assert [(await get(world, t.id)).position for t in made] == [2, 1, 0]

    await world.press(people.COORDINATOR, world.current(agenda), "2 ⬆️")
    assert world.last_callback_answer()["text"] == (
        "Weiter geht es nicht: Dringende Themen bleiben vor den anderen."
    )
    assert _agenda_lines(world.current(agenda))[0] == "1. 09:00–09:30 Birke-23 ❗ dringend"


async def test_topic_moved_to_next_date_and_author_told(world: World, teams: Directory) -> None:
    made = await _three_topics(world, teams)
    [agenda] = await world.send(people.COORDINATOR, "/agenda")
    await world.press(people.COORDINATOR, agenda, "✏️ Reihenfolge ändern")

    await world.press(people.COORDINATOR, world.current(agenda), "2 ⏭")

    assert world.last_callback_answer()["text"] == (
        "Linde-17 steht jetzt auf dem Termin Dienstag, 01.12.2026, 09:00 Uhr."
    )
    moved = await get(world, made[0].id)
    async with world.db.transaction() as session:
        meeting = await session.get(Meeting, moved.meeting_id)
    assert meeting is not None and meeting.original_date.isoformat() == "2026-12-01"
    assert moved.times_moved == 1
    assert [line.split(" ")[2] for line in _agenda_lines(world.current(agenda))] == [
        "Birke-23",
        "Ahorn-42",
    ]
    [notice] = [m for m in await world.deliver_outbox() if m.chat_id == people.CASEWORKER.id]
    assert notice.plain_text == (
        "Ihr Thema Linde-17 wurde von der Koordination auf den Termin "
        "Dienstag, 01.12.2026, 09:00 Uhr verschoben."
    )


async def test_drop_asks_first_then_tells_the_author(world: World, teams: Directory) -> None:
    made = await _three_topics(world, teams)
    [agenda] = await world.send(people.COORDINATOR, "/agenda")
    await world.press(people.COORDINATOR, agenda, "✏️ Reihenfolge ändern")
    edit_view = world.current(agenda)

    await world.press(people.COORDINATOR, edit_view, "3 ✖️")
    confirm = world.current(agenda)
    assert confirm.plain_text == (
        "Thema Ahorn-42 von der Tagesordnung nehmen? Petra Träger erfährt es privat."
    )
    await world.press(people.COORDINATOR, confirm, "Ja, absetzen")

    dropped = await get(world, made[1].id)
    assert dropped.status == TopicStatus.DROPPED and dropped.closed_at is not None
    [notice] = [m for m in await world.deliver_outbox() if m.chat_id == people.PROVIDER.id]
    assert "Ahorn-42 wurde von der Koordination von der Tagesordnung genommen" in (
        notice.plain_text or ""
    )
    # The button of the old editing view is stale now.
    await world.press(people.COORDINATOR, edit_view, "2 ✖️")
    assert world.last_callback_answer()["show_alert"] is True
    assert await world.count("case_topic", "status = 'dropped'") == 1


async def test_keeping_a_topic_changes_nothing(world: World, teams: Directory) -> None:
    made = await _three_topics(world, teams)
    [agenda] = await world.send(people.COORDINATOR, "/agenda")
    await world.press(people.COORDINATOR, agenda, "✏️ Reihenfolge ändern")
    await world.press(people.COORDINATOR, world.current(agenda), "3 ✖️")

    await world.press(people.COORDINATOR, world.current(agenda), "Nein, behalten")

    assert (await get(world, made[1].id)).status == TopicStatus.QUEUED
    assert len(_agenda_lines(world.current(agenda))) == 3


async def test_rights_are_checked_again_on_every_press(world: World, teams: Directory) -> None:
    """Carla loses the coordinator role after opening the editor: her buttons stop working."""
    made = await _three_topics(world, teams)
    [agenda] = await world.send(people.COORDINATOR, "/agenda")
    await world.press(people.COORDINATOR, agenda, "✏️ Reihenfolge ändern")
    async with world.db.transaction() as session:
        member = await directory.get_member(session, telegram_id=people.COORDINATOR.id)
        assert member is not None and member.id is not None
        await session.exec(  # type: ignore[call-overload]
            Membership.__table__.delete().where(  # type: ignore[attr-defined]
                Membership.member_id == member.id, Membership.role == "koordination"
            )
        )

    await world.press(people.COORDINATOR, world.current(agenda), "3 ⬆️")

    assert world.last_callback_answer()["text"] == "Das kann nur die Koordination dieses Teams."
    assert [(await get(world, t.id)).position for t in made] == [0, 1, 2]


async def test_post_to_group_sends_the_group_version(world: World, teams: Directory) -> None:
    await _three_topics(world, teams)
    [agenda] = await world.send(people.COORDINATOR, "/agenda")

    await world.press(people.COORDINATOR, agenda, "📣 In die Gruppe posten")

    assert (
        world.last_callback_answer()["text"] == "Die Tagesordnung ist an die Teamgruppe unterwegs."
    )
    [posted] = [m for m in await world.deliver_outbox() if m.chat_id == people.NORD_A_GROUP.id]
    assert "Birke-23" in (posted.plain_text or "") and SITUATION not in (posted.plain_text or "")
    async with world.db.transaction() as session:
        entries = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "agenda.posted"))
        ).all()
    assert len(entries) == 1


async def test_more_topics_than_time_are_shown_as_moving_on(
    world: World, teams: Directory
) -> None:
    await _three_topics(world, teams)
    for number in range(2):
        await add_topic(world, people.PROVIDER, teams.nord_a, f"Weitere Frage {number}?")

    [answer] = await world.send(people.CASEWORKER, "/agenda", people.NORD_A_GROUP)

    text = answer.plain_text or ""
    fitting, _, overflow = text.partition(
        "⏭ Passt zeitlich nicht mehr, rückt auf den nächsten Termin:"
    )
    assert "4. 10:30–11:00" in fitting
    assert "5. 11:00–11:30" in overflow and "Weitere Frage 1?" in overflow


async def test_day_before_reminder_carries_the_agenda(world: World, teams: Directory) -> None:
    await _three_topics(world, teams)

    await send_due_reminders(world.services)
    [reminder] = [m for m in await world.deliver_outbox() if m.chat_id == people.NORD_A_GROUP.id]

    text = reminder.plain_text or ""
    assert "🔔 Erinnerung" in text and "📋 Tagesordnung\n" in text
    assert "1. 09:00–09:30 Birke-23 ❗ dringend" in text
    assert SITUATION not in text
    assert reminder.button_texts() == ["Ich komme", "Ich komme nicht", "Vielleicht"]


async def test_empty_agenda_and_strangers_in_the_group(world: World, teams: Directory) -> None:
    await _bind_nord_a(world)
    await _set_up(world)

    answer = await world.reply_text(people.CASEWORKER, "/agenda", people.NORD_A_GROUP)
    assert "Noch keine Themen. Fälle bringen Sie privat mit /thema ein" in answer
    other = await world.reply_text(people.OTHER_COORDINATOR, "/agenda", people.NORD_A_GROUP)
    assert other == "Die Tagesordnung sehen nur Mitglieder dieses Teams."


async def test_no_series_yet(world: World, teams: Directory) -> None:
    answer = await world.reply_text(people.CASEWORKER, "/agenda")
    assert answer.startswith("Für Ihre Teams ist noch keine kollegiale Beratung eingerichtet.")
