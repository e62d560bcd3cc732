"""``/beratung``, ``/termine`` and ``/kalender`` end to end through the fake Bot API."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlmodel import col, select

from bot.consultations.parsing import MESSAGES
from bot.consultations.schedule import Series, weekly
from bot.handlers import consultations as handler
from bot.i18n import LANGUAGES, catalogue, placeholders, t
from bot.storage import consultations, directory, interaction
from bot.storage.models import AuditEntry, ConsultationSeries, Dialog
from tests.auxil import people
from tests.auxil.builders import TgUser
from tests.auxil.data import Directory
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.world import World

STRANGER = "Ich kenne Sie noch nicht"  # the gate's answer to people it does not know

#: Typed answers to questions 1 to 8; question 9 (holidays) is answered with a button.
TUESDAY = (
    "Dienstag",
    "9:00",
    "2 Stunden",
    "Familienbüro Garstedt",
    "30 min",
    "Montag 12:00",
    "1 Tag, 1 Stunde",
    "2",
)
MONDAY = ("Montag", "9 Uhr", "90 min", "Stadtteilhaus", "20 min", "Freitag 12:00", "1 Tag", "1")
EASTER_WEEKS = datetime(2027, 3, 16, 8, 0, tzinfo=UTC)  # Tuesday 09:00 in Berlin, CET


# -- helpers ------------------------------------------------------------------------------


async def _bind_nord_a(world: World) -> None:
    sent = await world.send(people.COORDINATOR, "/verbinden", people.NORD_A_GROUP)
    await world.press(people.COORDINATOR, sent[-1], "Sozialraumteam Nord A")


async def _answer_all(
    world: World, user: TgUser, answers: tuple[str, ...], holidays: str = "Fällt aus"
) -> SentMessage:
    """Start /beratung, type ``answers``, press the holiday button; returns the confirmation."""
    sent = await world.send(user, "/beratung")
    for answer in answers:
        sent = await world.send(user, answer)
    sent = await world.press(user, sent[-1], holidays)
    assert (sent[-1].plain_text or "").startswith("Bitte prüfen:"), sent[-1].plain_text
    return sent[-1]


async def _set_up(
    world: World, answers: tuple[str, ...] = TUESDAY, holidays: str = "Fällt aus"
) -> SentMessage:
    """Carla sets up Nord A's series; returns the (edited) confirmation message."""
    confirmation = await _answer_all(world, people.COORDINATOR, answers, holidays)
    await world.press(people.COORDINATOR, confirmation, "Speichern")
    return world.current(confirmation)


async def _stored(world: World, team_id: int) -> ConsultationSeries | None:
    async with world.db.transaction() as session:
        return await consultations.get_series(session, team_id=team_id)


async def _dialog(world: World, user: TgUser) -> Dialog | None:
    async with world.db.transaction() as session:
        return await interaction.get_dialog(session, telegram_id=user.id, chat_id=user.id)


async def _audit(world: World) -> list[AuditEntry]:
    async with world.db.transaction() as session:
        query = select(AuditEntry).where(AuditEntry.action == "consultation.series_saved")
        return list((await session.exec(query)).all())


def _dates(text: str) -> list[str]:
    """The lines of the "Nächste Termine" list."""
    return [line for line in text.splitlines() if line.startswith("• ")]


# -- /beratung ----------------------------------------------------------------------------


async def test_coordinator_sets_up_tuesday_series_and_the_group_is_told(
    world: World, teams: Directory
) -> None:
    """All nine questions, a summary, "Speichern": stored, audited by ids, announced."""
    await _bind_nord_a(world)
    sent = await world.send(people.COORDINATOR, "/beratung")
    first = sent[-1].plain_text or ""
    assert first.startswith("🗓 Kollegiale Beratung für Sozialraumteam Nord A einrichten")
    assert "Frage 1 von 9" in first
    assert "Beispiel: Dienstag" in first
    assert sent[-1].button_texts() == ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"]

    sent = await world.press(people.COORDINATOR, sent[-1], "Dienstag")
    assert "Frage 2 von 9" in (sent[-1].plain_text or "")
    for typed in ("9:00", "2 Stunden", "Familienbüro Garstedt"):
        sent = await world.send(people.COORDINATOR, typed)
    assert "Frage 5 von 9" in (sent[-1].plain_text or "")
    sent = await world.press(people.COORDINATOR, sent[-1], "30 Min.")  # the default
    sent = await world.send(people.COORDINATOR, "Montag 12:00")
    sent = await world.press(people.COORDINATOR, sent[-1], "1 Tag, 1 Stunde")
    sent = await world.press(people.COORDINATOR, sent[-1], "2")
    assert "Feiertag (SH)" in (sent[-1].plain_text or "")
    sent = await world.press(people.COORDINATOR, sent[-1], "Nächster Werktag")

    confirmation = sent[-1]
    assert confirmation.plain_text == (
        "Bitte prüfen:\n\n"
        "Kollegiale Beratung – Sozialraumteam Nord A\n"
        "🗓 jeden Dienstag, 09:00–11:00 Uhr\n"
        "📍 Familienbüro Garstedt\n"
        "⏱ 30 Min. pro Fall\n"
        "📥 Fälle einreichen: bis Montag, 12:00 Uhr vor dem Termin\n"
        "🔔 Erinnerungen: 1 Tag, 1 Std. vorher\n"
        "👥 Mindestens aus dem ASD dabei: 2\n"
        "🎌 An Feiertagen: Termin wird auf den nächsten Werktag verschoben\n\n"
        "Soll ich das so speichern?"
    )
    assert confirmation.button_texts() == ["💾 Speichern", "Verwerfen", "⬅️ Zurück"]
    assert await _stored(world, teams.nord_a) is None

    await world.press(people.COORDINATOR, confirmation, "Speichern")
    done = world.current(confirmation).plain_text or ""
    assert done.startswith("✅ Gespeichert.")
    assert world.current(confirmation).buttons() == []
    assert await _dialog(world, people.COORDINATOR) is None

    row = await _stored(world, teams.nord_a)
    assert row is not None
    assert (row.weekday, row.start_time, row.duration_minutes) == (1, "09:00", 120)
    assert (row.place, row.minutes_per_case, row.quorum) == ("Familienbüro Garstedt", 30, 2)
    assert (row.deadline_kind, row.deadline_weekday, row.deadline_minutes) == ("weekday", 0, 720)
    assert (row.reminder_offsets, row.holiday_policy) == ([1440, 60], "next_working_day")
    assert row.created_by == people.COORDINATOR.id

    [entry] = await _audit(world)
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        people.COORDINATOR.id,
        "consultation_series",
        str(row.id),
    )
    assert entry.details == {
        "team_id": teams.nord_a,
        "kind": "consultation",
        "replaced": False,
        "sequence": 0,
    }

    [notice] = [m for m in await world.deliver_outbox() if m.chat_id == people.NORD_A_GROUP.id]
    text = notice.plain_text or ""
    assert text.startswith("📣 Die kollegiale Beratung ist eingerichtet.")
    assert "• Dienstag, 24.11.2026, 09:00 Uhr" in text
    assert "/kalender" in text


async def test_member_sees_the_next_four_dates_at_nine_with_german_dates(
    world: World, teams: Directory
) -> None:
    """Sven's /termine: the settings, four Tuesdays at 09:00 and the next submission deadline."""
    await _set_up(world)
    text = await world.reply_text(people.CASEWORKER, "/termine")
    assert text.startswith("<b>Kollegiale Beratung – Sozialraumteam Nord A</b>")
    assert _dates(text) == [
        "• Dienstag, 24.11.2026, 09:00 Uhr",
        "• Dienstag, 01.12.2026, 09:00 Uhr",
        "• Dienstag, 08.12.2026, 09:00 Uhr",
        "• Dienstag, 15.12.2026, 09:00 Uhr",
    ]
    assert "📥 Fälle für Dienstag, 24.11.2026 bitte bis Montag, 23.11.2026, 12:00 Uhr" in text


@pytest.mark.parametrize(
    ("policy", "easter_line"),
    [
        ("Fällt aus", "• Montag, 29.03.2027: entfällt (Ostermontag)"),
        (
            "Nächster Werktag",
            "• Dienstag, 30.03.2027, 09:00 Uhr – statt Montag, 29.03.2027 (Ostermontag)",
        ),
    ],
    ids=["skip", "next_working_day"],
)
async def test_monday_series_skips_or_moves_easter_monday(
    world: World, teams: Directory, policy: str, easter_line: str
) -> None:
    """Easter Monday 2027 (29 March) is dropped or moved to Tuesday, as the team chose."""
    world.clock.set(EASTER_WEEKS)
    await _set_up(world, MONDAY, policy)
    text = await world.reply_text(people.CASEWORKER, "/termine")
    assert _dates(text) == [
        "• Montag, 22.03.2027, 09:00 Uhr",
        easter_line,
        "• Montag, 05.04.2027, 09:00 Uhr",
        "• Montag, 12.04.2027, 09:00 Uhr",
        *([] if policy == "Nächster Werktag" else ["• Montag, 19.04.2027, 09:00 Uhr"]),
    ]


@pytest.mark.parametrize(
    ("answered", "bad", "error"),
    [
        ((), "Blumentag", "„Blumentag“ ist kein Wochentag."),
        (TUESDAY[:1], "25:00", "Die Uhrzeit „25:00“ gibt es nicht"),
        (TUESDAY[:1], "halb neun", "„halb neun“ verstehe ich nicht als Uhrzeit."),
        (TUESDAY[:2], "13 Stunden", "Ein Termin darf höchstens 12 Std. dauern."),
        (TUESDAY[:4], "3 Stunden", "Pro Fall sind 3 Std. vorgesehen, der Termin dauert aber nur"),
        (TUESDAY[:5], "Dienstag 10:00", "Die Einreichungsfrist muss vor dem Beginn"),
        (TUESDAY[:5], "2 Stunden nachher", "Die Einreichungsfrist muss vor dem Beginn"),
        (TUESDAY[:5], "9 Tage vorher", "Die Einreichungsfrist liegt 1 Woche 2 Tage vor dem"),
        (
            TUESDAY[:6],
            "9 Tage",
            "Eine Erinnerung 1 Woche 2 Tage vorher liegt weiter zurück als der Abstand zwischen "
            "zwei Terminen (1 Woche).",
        ),
        (TUESDAY[:7], "0", "Für das Quorum braucht es mindestens eine Person aus dem ASD."),
        (TUESDAY[:7], "zwei", "„zwei“ ist keine Anzahl."),
        (TUESDAY, "vielleicht", "Bitte „fällt aus“ oder „nächster Werktag“ wählen."),
    ],
    ids=[
        "weekday",
        "impossible_time",
        "unreadable_time",
        "too_long",
        "case_longer_than_meeting",
        "deadline_after_start",
        "deadline_after",
        "deadline_too_early",
        "offset_longer_than_interval",
        "quorum_zero",
        "quorum_word",
        "holiday_policy",
    ],
)
async def test_bad_answer_is_explained_and_the_same_question_asked_again(
    world: World, teams: Directory, answered: tuple[str, ...], bad: str, error: str
) -> None:
    """Each bad answer gets its German explanation; the step stays, nothing is stored."""
    await world.send(people.COORDINATOR, "/beratung")
    for answer in answered:
        await world.send(people.COORDINATOR, answer)
    before = await _dialog(world, people.COORDINATOR)
    assert before is not None

    text = await world.reply_text(people.COORDINATOR, bad)

    assert text.startswith(f"⚠️ {error}"), text
    assert f"Frage {len(answered) + 1} von 9" in text
    after = await _dialog(world, people.COORDINATOR)
    assert after is not None
    assert after.step == before.step
    assert {k: v for k, v in after.data.items() if k != "asked"} == {
        k: v for k, v in before.data.items() if k != "asked"
    }
    assert await world.count("consultation_series") == 0


async def test_back_returns_to_the_previous_question(world: World, teams: Directory) -> None:
    """ "zurück" typed or pressed asks the question before again; the old buttons go stale."""
    sent = await world.send(people.COORDINATOR, "/beratung")
    for answer in TUESDAY[:2]:
        sent = await world.send(people.COORDINATOR, answer)
    duration_question = sent[-1]
    assert "Frage 3 von 9" in (duration_question.plain_text or "")

    text = await world.reply_text(people.COORDINATOR, "zurück")
    assert "Frage 2 von 9" in text
    sent = await world.send(people.COORDINATOR, "10:30")
    sent = await world.press(people.COORDINATOR, sent[-1], "Zurück")
    assert "Frage 2 von 9" in (sent[-1].plain_text or "")

    await world.press(people.COORDINATOR, duration_question, "2 Std.")
    assert "nicht mehr gültig" in world.last_callback_answer()["text"]
    dialog = await _dialog(world, people.COORDINATOR)
    assert dialog is not None
    assert (dialog.step, dialog.data["start_time"]) == ("start_time", "10:30")


async def test_discard_and_cancel_store_nothing(world: World, teams: Directory) -> None:
    """ "Verwerfen" at the end, or /abbrechen midway, end the dialogue and store nothing."""
    confirmation = await _answer_all(world, people.COORDINATOR, TUESDAY)
    await world.press(people.COORDINATOR, confirmation, "Verwerfen")
    assert world.current(confirmation).plain_text == "Verworfen – es wurde nichts gespeichert."
    assert await _dialog(world, people.COORDINATOR) is None

    sent = await world.send(people.COORDINATOR, "/beratung")
    assert "Abgebrochen" in await world.reply_text(people.COORDINATOR, "/abbrechen")
    await world.press(people.COORDINATOR, sent[-1], "Dienstag")
    assert "nicht mehr gültig" in world.last_callback_answer()["text"]
    assert "keine Frage offen" in await world.reply_text(people.COORDINATOR, "Dienstag")
    assert await world.count("consultation_series") == 0
    assert await _audit(world) == []


async def test_saving_again_replaces_the_series_and_says_it_changed(
    world: World, teams: Directory
) -> None:
    """A second /beratung names the current series; saving updates the one row."""
    await _bind_nord_a(world)
    await _set_up(world)
    await world.deliver_outbox()
    sent = await world.send(people.COORDINATOR, "/beratung")
    assert "Es gibt schon eine Beratungsreihe (Dienstag, 09:00 Uhr)." in (
        sent[-1].plain_text or ""
    )
    await world.send(people.COORDINATOR, "/abbrechen")
    await _set_up(world, ("Mittwoch", *TUESDAY[1:5], "Dienstag 12:00", *TUESDAY[6:]))

    assert await world.count("consultation_series") == 1
    row = await _stored(world, teams.nord_a)
    assert row is not None
    assert (row.weekday, row.sequence) == (2, 1)
    assert [entry.details["replaced"] for entry in await _audit(world)] == [False, True]
    [notice] = await world.deliver_outbox()
    assert (notice.plain_text or "").startswith("📣 Die kollegiale Beratung wurde geändert.")


async def test_coordinator_of_another_team_only_gets_her_own_team(
    world: World, teams: Directory
) -> None:
    """Olga (Süd A) sets up Süd A's series; Nord A is neither offered nor touched."""
    sent = await world.send(people.OTHER_COORDINATOR, "/beratung")
    assert "Sozialraumteam Süd A" in (sent[-1].plain_text or "")
    assert "Nord A" not in (sent[-1].plain_text or "")
    confirmation = await _answer_all(world, people.OTHER_COORDINATOR, TUESDAY)
    await world.press(people.OTHER_COORDINATOR, confirmation, "Speichern")
    assert await _stored(world, teams.nord_a) is None
    assert await _stored(world, teams.sued_a) is not None


async def test_forged_and_foreign_save_buttons_are_refused(world: World, teams: Directory) -> None:
    """Carla's button pressed by Olga, a made-up token and a planted Nord A save all fail."""
    carla = await _answer_all(world, people.COORDINATOR, TUESDAY)
    token = carla.button("Speichern")["callback_data"]
    olga = (await world.send(people.OTHER_COORDINATOR, "/beratung"))[-1]

    await world.press_data(people.OTHER_COORDINATOR, olga, token)
    assert "nicht mehr gültig" in world.last_callback_answer()["text"]  # other chat
    await world.press_data(people.OTHER_COORDINATOR, carla, token)
    assert "anderen Person" in world.last_callback_answer()["text"]
    await world.press_data(people.OTHER_COORDINATOR, olga, f"beratung.save:{teams.nord_a}")
    assert "nicht mehr gültig" in world.last_callback_answer()["text"]

    # Olga's own dialogue and button, planted to point at Nord A: her rights are checked.
    async with world.db.transaction() as session:
        dialog = await interaction.get_dialog(
            session, telegram_id=people.COORDINATOR.id, chat_id=people.COORDINATOR.id
        )
        assert dialog is not None
        await interaction.set_dialog(
            session,
            telegram_id=people.OTHER_COORDINATOR.id,
            chat_id=people.OTHER_COORDINATOR.id,
            kind="beratung",
            step="confirm",
            data={**dialog.data, "asked": 99},
            now=world.clock.now(),
        )
        planted = await interaction.create_button(
            session,
            batch="planted",
            chat_id=people.OTHER_COORDINATOR.id,
            telegram_id=people.OTHER_COORDINATOR.id,
            action="beratung.save",
            payload={"asked": 99},
            now=world.clock.now(),
            ttl=timedelta(hours=1),
        )
    await world.press_data(people.OTHER_COORDINATOR, olga, planted)
    answer = world.last_callback_answer()
    assert answer["show_alert"] is True
    assert answer["text"] == (
        "Die kollegiale Beratung einrichten kann nur die Koordination des Teams."
    )
    assert await world.count("consultation_series") == 0
    assert await _audit(world) == []


async def test_rights_are_checked_again_when_saving(world: World, teams: Directory) -> None:
    """Carla, no longer a coordinator when she presses "Speichern", stores nothing."""
    confirmation = await _answer_all(world, people.COORDINATOR, TUESDAY)
    async with world.db.transaction() as session:
        member = await directory.get_member(session, telegram_id=people.COORDINATOR.id)
        assert member is not None and member.id is not None
        await directory.remove_from_team(session, member_id=member.id, team_id=teams.nord_a)
        await directory.add_role(
            session, member_id=member.id, team_id=teams.nord_a, role="asd", now=world.clock.now()
        )
    await world.press(people.COORDINATOR, confirmation, "Speichern")
    assert world.last_callback_answer()["show_alert"] is True
    assert await world.count("consultation_series") == 0


async def test_caseworker_and_group_get_no_dialogue(world: World, teams: Directory) -> None:
    """Sven may not set up the series; nobody can start it in a group."""
    text = await world.reply_text(people.CASEWORKER, "/beratung")
    assert text == "Die kollegiale Beratung einrichten kann nur die Koordination des Teams."
    text = await world.reply_text(people.COORDINATOR, "/beratung", people.NORD_A_GROUP)
    assert text == "Das geht nur im privaten Chat mit mir. Schreiben Sie mir direkt."
    assert await world.count("dialog") == 0


# -- /termine and /kalender ---------------------------------------------------------------


async def test_dates_without_a_series_point_to_the_coordination(
    world: World, teams: Directory
) -> None:
    """Before anything is set up, /termine and /kalender say who sets it up."""
    for command in ("/termine", "/kalender"):
        text = await world.reply_text(people.CASEWORKER, command)
        assert "noch keine kollegiale Beratung eingerichtet" in text
        assert "/beratung" in text


async def test_dates_in_the_group_are_the_groups_team_only(world: World, teams: Directory) -> None:
    """In Nord A's group /termine shows Nord A's dates; Olga there gets no dates."""
    await _bind_nord_a(world)
    await _set_up(world)
    text = await world.reply_text(people.CASEWORKER, "/termine", people.NORD_A_GROUP)
    assert "Sozialraumteam Nord A" in text
    assert len(_dates(text)) == 4
    text = await world.reply_text(people.OTHER_COORDINATOR, "/termine", people.NORD_A_GROUP)
    assert "nicht Mitglied" in text
    assert "Dienstag" not in text


async def test_calendar_file_parses_with_the_weekly_rule(world: World, teams: Directory) -> None:
    """/kalender sends beratung-nord-a.ics: Tuesdays 09:00 Berlin, two hours, the place."""
    await _set_up(world)
    sent = await world.send(people.CASEWORKER, "/kalender")
    assert len(sent) == 1
    document = sent[0].document
    assert document is not None
    assert document.filename == "beratung-nord-a.ics"
    assert (sent[0].caption or "").startswith("📅 Kollegiale Beratung – Sozialraumteam Nord A")

    calendar = Calendar.from_ical(document.content)
    [event] = calendar.events
    assert event.start == datetime(2026, 11, 24, 9, tzinfo=event.start.tzinfo)  # type: ignore[union-attr]
    assert str(event.start.tzinfo) == "Europe/Berlin"  # type: ignore[union-attr]
    assert event.end - event.start == timedelta(hours=2)  # type: ignore[operator]
    [rule] = event.rrules
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["TU"]
    assert str(event["LOCATION"]) == "Familienbüro Garstedt"
    assert str(event["SUMMARY"]) == "Kollegiale Beratung – Sozialraumteam Nord A"


async def test_stranger_gets_the_invitation_answer_and_nothing_else(
    world: World, teams: Directory
) -> None:
    """Strangers learn that they need an invitation; no dates, no file, no dialogue."""
    await _set_up(world)
    for command in ("/termine", "/kalender", "/beratung"):
        sent = await world.send(people.STRANGER, command)
        assert len(sent) == 1
        assert STRANGER in (sent[0].text or "")
        assert sent[0].document is None
        assert "Dienstag" not in (sent[0].text or "")
    assert await _dialog(world, people.STRANGER) is None


# -- texts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_schedule_message_is_in_both_catalogues(key: str) -> None:
    """Each text the domain parsers can raise has a German and an English text alike."""
    for language in LANGUAGES:
        assert key in catalogue(language), language
        assert placeholders(catalogue(language)[key]) == placeholders(MESSAGES[key][0])


# -- /absagen, /verschieben, /pause -------------------------------------------------------


async def _series_changes(world: World) -> list[str]:
    async with world.db.transaction() as session:
        query = select(AuditEntry).where(col(AuditEntry.action).startswith("consultation.date"))
        return [entry.action for entry in (await session.exec(query)).all()]


async def _group_notices(world: World) -> list[str]:
    return [
        m.plain_text or ""
        for m in await world.deliver_outbox()
        if m.chat_id == people.NORD_A_GROUP.id
    ]


async def test_coordinator_cancels_a_date_and_the_group_is_told(
    world: World, teams: Directory
) -> None:
    """/absagen offers the next dates; the cancelled one is noted, announced and exported."""
    await _bind_nord_a(world)
    await _set_up(world)
    await world.deliver_outbox()
    choice = (await world.send(people.COORDINATOR, "/absagen"))[-1]
    assert choice.button_texts()[:3] == [
        "Dienstag, 24.11.2026",
        "Dienstag, 01.12.2026",
        "Dienstag, 08.12.2026",
    ]
    await world.press(people.COORDINATOR, choice, "Dienstag, 01.12.2026")
    assert world.current(choice).plain_text == (
        "Die kollegiale Beratung von Sozialraumteam Nord A am Dienstag, 01.12.2026 absagen? "
        "Die Teamgruppe erfährt es."
    )
    await world.press(people.COORDINATOR, world.current(choice), "Ja, absagen")
    assert (
        world.current(choice).plain_text == "✅ Der Termin am Dienstag, 01.12.2026 ist abgesagt."
    )

    assert await _group_notices(world) == [
        "❌ Die kollegiale Beratung von Sozialraumteam Nord A am Dienstag, 01.12.2026 fällt aus."
    ]
    text = await world.reply_text(people.CASEWORKER, "/termine")
    assert _dates(text)[:3] == [
        "• Dienstag, 24.11.2026, 09:00 Uhr",
        "• Dienstag, 01.12.2026: abgesagt",
        "• Dienstag, 08.12.2026, 09:00 Uhr",
    ]
    assert await _series_changes(world) == ["consultation.date_cancelled"]
    row = await _stored(world, teams.nord_a)
    assert row is not None and row.sequence == 1

    document = (await world.send(people.CASEWORKER, "/kalender"))[0].document
    assert document is not None
    [event] = Calendar.from_ical(document.content).events
    assert [value.date().isoformat() for value in event.exdates] == ["2026-12-01"]


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("02.12.", "Am 02.12.2026 ist kein Termin dieser Reihe."),
        ("31.02.", "Das Datum „31.02.“ gibt es nicht im Kalender."),
        ("01.12.2025", "Der 01.12.2025 liegt in der Vergangenheit."),
        ("Blumentag", "„Blumentag“ verstehe ich nicht als Datum."),
    ],
    ids=["not_a_series_date", "impossible_date", "past", "unreadable"],
)
async def test_typed_date_that_cannot_be_cancelled_is_explained(
    world: World, teams: Directory, typed: str, error: str
) -> None:
    """A typed date that is no meeting, impossible or past is explained; nothing is stored."""
    await _set_up(world)
    await world.send(people.COORDINATOR, "/absagen")
    assert (await world.reply_text(people.COORDINATOR, typed)).startswith(f"⚠️ {error}")
    assert await world.count("series_cancellation") == 0


async def test_a_date_is_cancelled_only_once(world: World, teams: Directory) -> None:
    """Typing an already cancelled date says so."""
    await _set_up(world)
    await world.send(people.COORDINATOR, "/absagen")
    sent = await world.send(people.COORDINATOR, "01.12.")
    await world.press(people.COORDINATOR, sent[-1], "Ja, absagen")
    await world.send(people.COORDINATOR, "/absagen")
    text = await world.reply_text(people.COORDINATOR, "01.12.")
    assert text == "⚠️ Der Termin am 01.12.2026 ist bereits abgesagt."
    assert await world.count("series_cancellation") == 1


async def test_coordinator_moves_a_date_to_another_day_and_time(
    world: World, teams: Directory
) -> None:
    """/verschieben: pick the date, type the new day and time, confirm; shown and announced."""
    await _bind_nord_a(world)
    await _set_up(world)
    await world.deliver_outbox()
    choice = (await world.send(people.COORDINATOR, "/verschieben"))[-1]
    await world.press(people.COORDINATOR, choice, "Dienstag, 01.12.2026")
    assert "– ohne Uhrzeit bleibt es bei 09:00 Uhr." in (world.current(choice).plain_text or "")

    confirmation = (await world.send(people.COORDINATOR, "02.12. 10:00"))[-1]
    assert confirmation.plain_text == (
        "Die kollegiale Beratung von Sozialraumteam Nord A vom Dienstag, 01.12.2026 auf "
        "Mittwoch, 02.12.2026, 10:00 Uhr verschieben? Die Teamgruppe erfährt es."
    )
    await world.press(people.COORDINATOR, confirmation, "Ja, verschieben")
    assert world.current(confirmation).plain_text == (
        "✅ Verschoben: Dienstag, 01.12.2026 → Mittwoch, 02.12.2026, 10:00 Uhr."
    )
    assert await _group_notices(world) == [
        "🔁 Die kollegiale Beratung von Sozialraumteam Nord A am Dienstag, 01.12.2026 wird "
        "verschoben auf Mittwoch, 02.12.2026, 10:00 Uhr."
    ]
    text = await world.reply_text(people.CASEWORKER, "/termine")
    assert _dates(text)[1] == (
        "• Mittwoch, 02.12.2026, 10:00 Uhr – verschoben vom Dienstag, 01.12.2026"
    )
    assert await _series_changes(world) == ["consultation.date_moved"]


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("25.12.", "Der 25.12.2026 ist ein Feiertag (Erster Weihnachtstag)."),
        ("08.12.", "Am 08.12.2026 findet schon ein Termin dieser Reihe statt."),
        ("31.02.", "Das Datum „31.02.“ gibt es nicht im Kalender."),
        ("01.12.2025", "Der 01.12.2025 liegt in der Vergangenheit."),
        ("02.12. 25:00", "Die Uhrzeit „25:00“ gibt es nicht"),
        ("23.11. 08:00", "Der neue Termin am 23.11.2026 um 08:00 Uhr läge in der Vergangenheit."),
    ],
    ids=["holiday", "other_series_date", "impossible_date", "past", "impossible_time", "today"],
)
async def test_impossible_move_is_explained_and_the_question_stays(
    world: World, teams: Directory, typed: str, error: str
) -> None:
    """A move onto a holiday, another date of the series or the past changes nothing."""
    await _set_up(world)
    choice = (await world.send(people.COORDINATOR, "/verschieben"))[-1]
    await world.press(people.COORDINATOR, choice, "Dienstag, 01.12.2026")

    assert (await world.reply_text(people.COORDINATOR, typed)).startswith(f"⚠️ {error}")
    dialog = await _dialog(world, people.COORDINATOR)
    assert dialog is not None
    assert (dialog.kind, dialog.step) == ("verschieben", "target")
    assert await world.count("series_move") == 0


async def test_date_skipped_for_easter_monday_can_be_moved(world: World, teams: Directory) -> None:
    """Easter Monday is offered with its name and can move to the Wednesday after it."""
    world.clock.set(EASTER_WEEKS)
    await _set_up(world, MONDAY)
    choice = (await world.send(people.COORDINATOR, "/verschieben"))[-1]
    await world.press(people.COORDINATOR, choice, "Montag, 29.03.2027 (Ostermontag)")
    confirmation = (await world.send(people.COORDINATOR, "31.03."))[-1]
    await world.press(people.COORDINATOR, confirmation, "Ja, verschieben")
    text = await world.reply_text(people.CASEWORKER, "/termine")
    assert "• Mittwoch, 31.03.2027, 09:00 Uhr – verschoben vom Montag, 29.03.2027" in text


async def test_coordinator_pauses_the_series_for_a_period(world: World, teams: Directory) -> None:
    """/pause with two dates says how many meetings drop; the overview shows one pause line."""
    await _bind_nord_a(world)
    await _set_up(world)
    await world.deliver_outbox()
    confirmation = (await world.send(people.COORDINATOR, "/pause 01.12. bis 14.12."))[-1]
    assert confirmation.plain_text == (
        "Die kollegiale Beratung von Sozialraumteam Nord A vom Dienstag, 01.12.2026 bis "
        "Montag, 14.12.2026 pausieren? Dadurch entfallen 2 Termine. Die Teamgruppe erfährt es."
    )
    await world.press(people.COORDINATOR, confirmation, "Ja, pausieren")
    assert (world.current(confirmation).plain_text or "").startswith("✅ Pause vom")
    assert await _group_notices(world) == [
        "⏸ Die kollegiale Beratung von Sozialraumteam Nord A pausiert vom Dienstag, "
        "01.12.2026 bis Montag, 14.12.2026."
    ]
    text = await world.reply_text(people.CASEWORKER, "/termine")
    assert _dates(text) == [
        "• Dienstag, 24.11.2026, 09:00 Uhr",
        "• Pause bis Montag, 14.12.2026",
        "• Dienstag, 15.12.2026, 09:00 Uhr",
        "• Dienstag, 22.12.2026, 09:00 Uhr",
        "• Dienstag, 29.12.2026, 09:00 Uhr",
    ]


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("10.12. bis 01.12.", "Die Pause endet (01.12.2026) vor ihrem Beginn (10.12.2026)."),
        ("10.12.", "Bitte zwei Daten angeben"),
        ("01.12.2025 bis 03.12.2025", "Der 01.12.2025 liegt in der Vergangenheit."),
    ],
    ids=["end_before_start", "one_date", "past"],
)
async def test_impossible_pause_is_explained(
    world: World, teams: Directory, typed: str, error: str
) -> None:
    """A pause ending before it starts, with one date or in the past is refused, typed or asked."""
    await _set_up(world)
    assert (await world.reply_text(people.COORDINATOR, f"/pause {typed}")).startswith(f"⚠️ {error}")
    assert "Von wann bis wann" in await world.reply_text(people.COORDINATOR, "/pause")
    assert (await world.reply_text(people.COORDINATOR, typed)).startswith(f"⚠️ {error}")
    assert await world.count("series_pause") == 0


async def test_changes_need_the_coordination_of_that_team(world: World, teams: Directory) -> None:
    """Sven and Olga cannot change Nord A's dates, not even with planted buttons."""
    await _set_up(world)
    for command in ("/absagen", "/verschieben", "/pause"):
        text = await world.reply_text(people.CASEWORKER, command)
        assert text == (
            "Termine absagen, verschieben oder pausieren kann nur die Koordination des Teams, "
            "bei Netzwerktreffen auch die Netzwerkarbeit."
        )
        text = await world.reply_text(people.OTHER_COORDINATOR, command)
        assert "noch keine kollegiale Beratung eingerichtet" in text

    olga = (await world.send(people.OTHER_COORDINATOR, "/team"))[-1]
    payloads = {
        "absagen.confirm": {"team_id": teams.nord_a, "day": "2026-12-01"},
        "verschieben.confirm": {
            "team_id": teams.nord_a,
            "day": "2026-12-01",
            "new_date": "2026-12-02",
            "new_time": "10:00",
        },
        "pause.confirm": {"team_id": teams.nord_a, "start": "2026-12-01", "end": "2026-12-31"},
        "absagen.date": {"team_id": teams.nord_a, "day": "2026-12-01"},
    }
    for action, payload in payloads.items():
        async with world.db.transaction() as session:
            planted = await interaction.create_button(
                session,
                batch=f"planted-{action}",
                chat_id=people.OTHER_COORDINATOR.id,
                telegram_id=people.OTHER_COORDINATOR.id,
                action=action,
                payload=payload,
                now=world.clock.now(),
                ttl=timedelta(hours=1),
            )
        await world.press_data(people.OTHER_COORDINATOR, olga, planted)
        answer = world.last_callback_answer()
        assert answer["show_alert"] is True, action
        assert answer["text"].startswith("Termine absagen, verschieben oder pausieren"), action
    for table in ("series_cancellation", "series_move", "series_pause"):
        assert await world.count(table) == 0
    assert await _series_changes(world) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_offered_answers_are_understood_in_every_language(language: str) -> None:
    """Each answer button carries text its question's parser accepts, in German and English."""
    draft = Series(
        kind="consultation",
        weekday=1,
        start_time=time(9),
        duration=timedelta(hours=2),
        tz=ZoneInfo("Europe/Berlin"),
        recurrence=weekly(),
        state="SH",
        start_date=date(2026, 11, 23),
    )
    offered = {
        handler.STEP_DURATION: [
            "consultation.answer_duration_60",
            "consultation.answer_duration_90",
            "consultation.answer_duration_120",
        ],
        handler.STEP_MINUTES_PER_CASE: ["consultation.answer_minutes_per_case"],
        handler.STEP_DEADLINE: ["consultation.answer_deadline"],
        handler.STEP_REMINDERS: [
            "consultation.answer_reminders",
            "consultation.answer_no_reminders",
        ],
        handler.STEP_HOLIDAYS: [
            "consultation.answer_holidays_skip",
            "consultation.answer_holidays_move",
        ],
    }
    for step, keys in offered.items():
        for key in keys:
            assert handler.PARSERS[step](t(language, key), lambda: draft), key
    for weekday in range(7):
        name = handler._weekday_name(weekday, language)
        assert handler.PARSERS[handler.STEP_WEEKDAY](name, lambda: draft) == {"weekday": weekday}
