"""``/netzwerktreffen`` and the network meetings in ``/termine``, ``/kalender``, reminders and
``/absagen``, ``/verschieben``, ``/pause``, end to end through the fake Bot API.

Carla coordinates Nord A (and is ASD), Sven is ASD, Petra a provider; Nils is Nord A's network
worker where a test adds him. The clock starts on Monday 23 November 2026, 09:00 in Berlin.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlmodel import col, select

from bot.consultations.schedule import Series, weekly
from bot.handlers import consultations as handler
from bot.i18n import LANGUAGES
from bot.scheduler.reminders import send_due_reminders
from bot.storage import consultations, directory, interaction
from bot.storage.models import AuditEntry, ConsultationSeries, SeriesCancellation
from tests.auxil import people
from tests.auxil.builders import TgUser
from tests.auxil.data import Directory, add_member
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.world import World
from tests.test_consultations import _bind_nord_a, _dates, _dialog, _set_up

#: Typed answers after the weekday and the rhythm: time, length, place, reminders.
AFTERNOON = ("14:00", "2 Stunden", "Familienzentrum Glashütte", "1 Tag, 1 Stunde")
MONTHLY_RHYTHMS = [
    "jeden Dienstag",
    "alle 2 Wochen am Dienstag",
    "jeden 1. Dienstag im Monat",
    "jeden 2. Dienstag im Monat",
    "jeden 3. Dienstag im Monat",
    "jeden 4. Dienstag im Monat",
    "jeden letzten Dienstag im Monat",
]
NOT_ALLOWED = (
    "Netzwerktreffen einrichten und ändern können nur die Koordination und die Netzwerkarbeit "
    "des Teams."
)


# -- helpers ------------------------------------------------------------------------------


async def _answer_network(
    world: World,
    user: TgUser,
    rhythm: str = "jeden 2. Dienstag im Monat",
    answers: tuple[str, ...] = AFTERNOON,
    weekday: str = "Dienstag",
) -> SentMessage:
    """/netzwerktreffen: weekday and rhythm typed, then ``answers``, holidays "Fällt aus";
    returns the confirmation."""
    sent = await world.send(user, "/netzwerktreffen")
    for answer in (weekday, rhythm, *answers):
        sent = await world.send(user, answer)
    sent = await world.press(user, sent[-1], "Fällt aus")
    assert (sent[-1].plain_text or "").startswith("Bitte prüfen:"), sent[-1].plain_text
    return sent[-1]


async def _set_up_network(
    world: World, user: TgUser = people.COORDINATOR, rhythm: str = "jeden 2. Dienstag im Monat"
) -> None:
    """``user`` sets up Nord A's network meetings (second Tuesday of the month, 14:00)."""
    confirmation = await _answer_network(world, user, rhythm)
    await world.press(user, confirmation, "Speichern")
    assert (world.current(confirmation).plain_text or "").startswith("✅ Gespeichert.")


async def _network(world: World, team_id: int) -> ConsultationSeries | None:
    async with world.db.transaction() as session:
        return await consultations.get_series(session, team_id=team_id, kind=consultations.NETWORK)


async def _add_networker(world: World, teams: Directory) -> None:
    await add_member(world.db, people.NETWORKER, teams.nord_a, "netzwerk", now=world.clock.now())


async def _group_notices(world: World) -> list[str]:
    return [
        m.plain_text or ""
        for m in await world.deliver_outbox()
        if m.chat_id == people.NORD_A_GROUP.id
    ]


# -- /netzwerktreffen -----------------------------------------------------------------------


async def test_coordinator_sets_up_monthly_network_meetings_and_the_group_is_told(
    world: World, teams: Directory
) -> None:
    """Seven questions with the rhythm instead of case time, deadline and quorum; saved with
    neutral values for those, audited with the kind, announced in the group."""
    await _bind_nord_a(world)
    sent = await world.send(people.COORDINATOR, "/netzwerktreffen")
    first = sent[-1].plain_text or ""
    assert first.startswith("🤝 Netzwerktreffen für Sozialraumteam Nord A einrichten")
    assert "Frage 1 von 7" in first
    sent = await world.press(people.COORDINATOR, sent[-1], "Dienstag")
    assert "Frage 2 von 7\nWie oft trifft es sich?" in (sent[-1].plain_text or "")
    assert sent[-1].button_texts() == [*MONTHLY_RHYTHMS, "⬅️ Zurück"]
    sent = await world.press(people.COORDINATOR, sent[-1], "jeden 2. Dienstag im Monat")
    assert "Um wie viel Uhr beginnt das Netzwerktreffen?" in (sent[-1].plain_text or "")
    for typed in AFTERNOON[:3]:
        sent = await world.send(people.COORDINATOR, typed)
    sent = await world.press(people.COORDINATOR, sent[-1], "1 Tag, 1 Stunde")
    assert "Frage 7 von 7" in (sent[-1].plain_text or "")
    sent = await world.press(people.COORDINATOR, sent[-1], "Fällt aus")

    confirmation = sent[-1]
    assert confirmation.plain_text == (
        "Bitte prüfen:\n\n"
        "Netzwerktreffen – Sozialraumteam Nord A\n"
        "🗓 jeden 2. Dienstag im Monat, 14:00–16:00 Uhr\n"
        "📍 Familienzentrum Glashütte\n"
        "🔔 Erinnerungen: 1 Tag, 1 Std. vorher\n"
        "🎌 An Feiertagen: Termin fällt aus\n\n"
        "Soll ich das so speichern?"
    )
    await world.press(people.COORDINATOR, confirmation, "Speichern")

    row = await _network(world, teams.nord_a)
    assert row is not None
    assert (row.kind, row.recurrence, row.monthly_nth, row.weekday) == ("network", "monthly", 2, 1)
    assert (row.start_time, row.duration_minutes, row.place) == (
        "14:00",
        120,
        "Familienzentrum Glashütte",
    )
    assert (row.minutes_per_case, row.deadline_kind, row.deadline_minutes, row.quorum) == (
        0,
        "before",
        0,
        0,
    )
    async with world.db.transaction() as session:
        [entry] = (
            await session.exec(
                select(AuditEntry).where(AuditEntry.action == "consultation.series_saved")
            )
        ).all()
    assert entry.details == {
        "team_id": teams.nord_a,
        "kind": "network",
        "replaced": False,
        "sequence": 0,
    }
    assert await consultations_count(world) == 1
    [notice] = await _group_notices(world)
    assert notice.startswith("📣 Die Netzwerktreffen sind eingerichtet.")
    assert _dates(notice) == [
        "• Dienstag, 08.12.2026, 14:00 Uhr",
        "• Dienstag, 12.01.2027, 14:00 Uhr",
        "• Dienstag, 09.02.2027, 14:00 Uhr",
        "• Dienstag, 09.03.2027, 14:00 Uhr",
    ]
    assert "Fälle" not in notice


async def consultations_count(world: World) -> int:
    """Series rows of any kind."""
    return await world.count("consultation_series")


async def test_network_worker_sets_up_meetings_every_two_weeks(
    world: World, teams: Directory
) -> None:
    """Nils (network work) may set up the network meetings; "alle 2 Wochen" is understood."""
    await _add_networker(world, teams)

    await _set_up_network(world, people.NETWORKER, "alle 2 Wochen")

    row = await _network(world, teams.nord_a)
    assert row is not None
    assert (row.recurrence, row.interval_weeks, row.created_by) == (
        "weekly",
        2,
        people.NETWORKER.id,
    )
    text = await world.reply_text(people.CASEWORKER, "/termine")
    assert "🗓 alle 2 Wochen am Dienstag, 14:00–16:00 Uhr" in text
    assert _dates(text)[:2] == [
        "• Dienstag, 24.11.2026, 14:00 Uhr",
        "• Dienstag, 08.12.2026, 14:00 Uhr",
    ]


async def test_weekday_named_in_the_rhythm_replaces_the_one_answered_before(
    world: World, teams: Directory
) -> None:
    """ "jeden 1. Mittwoch im Monat" after "Dienstag": the meetings are on Wednesdays."""
    confirmation = await _answer_network(world, people.COORDINATOR, "jeden 1. Mittwoch im Monat")
    assert "🗓 jeden 1. Mittwoch im Monat, 14:00–16:00 Uhr" in (confirmation.plain_text or "")
    await world.press(people.COORDINATOR, confirmation, "Speichern")
    row = await _network(world, teams.nord_a)
    assert row is not None
    assert (row.weekday, row.monthly_nth) == (2, 1)


@pytest.mark.parametrize(
    ("answered", "bad", "error"),
    [
        (
            ("Dienstag",),
            "manchmal",
            "„manchmal“ verstehe ich nicht. Bitte z. B. „jede Woche“, „alle 2 Wochen“ oder "
            "„jeden 2. Dienstag im Monat“ schreiben.",
        ),
        (("Dienstag",), "jeden 5. Dienstag im Monat", "„jeden 5. Dienstag im Monat“ verstehe"),
        (("Dienstag",), "alle 20 Wochen", "Bitte einen Abstand von 1 bis 12 Wochen wählen"),
        (("Dienstag",), "alle 2 Wochen am Blumentag", "„alle 2 Wochen am Blumentag“ verstehe"),
        (("Dienstag", "jeden 2. Dienstag im Monat"), "25:00", "Die Uhrzeit „25:00“ gibt es nicht"),
        (
            ("Dienstag", "jeden 2. Dienstag im Monat", *AFTERNOON[:3]),
            "5 Wochen",
            "Eine Erinnerung 5 Wochen vorher liegt weiter zurück als der Abstand zwischen zwei "
            "Terminen (4 Wochen).",
        ),
        (("Dienstag", "jede Woche", *AFTERNOON[:3]), "8 Tage", "Eine Erinnerung 1 Woche 1 Tag"),
    ],
    ids=[
        "unreadable",
        "fifth_weekday",
        "interval_too_long",
        "bad_weekday",
        "impossible_time",
        "offset_longer_than_a_month",
        "offset_longer_than_a_week",
    ],
)
async def test_bad_answer_is_explained_and_the_same_question_asked_again(
    world: World, teams: Directory, answered: tuple[str, ...], bad: str, error: str
) -> None:
    """Each bad answer gets its German explanation; the step stays, nothing is stored."""
    await world.send(people.COORDINATOR, "/netzwerktreffen")
    for answer in answered:
        await world.send(people.COORDINATOR, answer)
    before = await _dialog(world, people.COORDINATOR)
    assert before is not None

    text = await world.reply_text(people.COORDINATOR, bad)

    assert text.startswith(f"⚠️ {error}"), text
    assert f"Frage {len(answered) + 1} von 7" in text
    after = await _dialog(world, people.COORDINATOR)
    assert after is not None
    assert after.step == before.step
    assert {k: v for k, v in after.data.items() if k != "asked"} == {
        k: v for k, v in before.data.items() if k != "asked"
    }
    assert await world.count("consultation_series") == 0


async def test_back_from_the_time_asks_the_rhythm_again(world: World, teams: Directory) -> None:
    """ "zurück" after the rhythm shows the rhythm question with its buttons again."""
    await world.send(people.COORDINATOR, "/netzwerktreffen")
    await world.send(people.COORDINATOR, "Dienstag")
    await world.send(people.COORDINATOR, "jede Woche")

    sent = await world.send(people.COORDINATOR, "zurück")

    assert "Frage 2 von 7" in (sent[-1].plain_text or "")
    assert sent[-1].button_texts() == [*MONTHLY_RHYTHMS, "⬅️ Zurück"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_offered_rhythms_are_understood_in_every_language(language: str) -> None:
    """Each rhythm button carries text the rhythm parser reads back, in German and English."""
    draft = Series(
        kind="network",
        weekday=1,
        start_time=time(14),
        duration=timedelta(hours=2),
        tz=ZoneInfo("Europe/Berlin"),
        recurrence=weekly(),
        state="SH",
        start_date=date(2026, 11, 23),
    )
    offered = [answer for row in handler._recurrence_answers(1, language) for answer in row]
    parse = handler.PARSERS[handler.STEP_RECURRENCE]
    assert [parse(answer, lambda: draft) for answer in offered] == [
        {"recurrence": "weekly", "interval_weeks": 1, "weekday": 1},
        {"recurrence": "weekly", "interval_weeks": 2, "weekday": 1},
        *({"recurrence": "monthly", "monthly_nth": nth, "weekday": 1} for nth in (1, 2, 3, 4, -1)),
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("jede Woche", {"recurrence": "weekly", "interval_weeks": 1, "weekday": 1}),
        ("wöchentlich", {"recurrence": "weekly", "interval_weeks": 1, "weekday": 1}),
        ("14-tägig", {"recurrence": "weekly", "interval_weeks": 2, "weekday": 1}),
        ("alle drei Wochen", {"recurrence": "weekly", "interval_weeks": 3, "weekday": 1}),
        ("alle 4 Wochen am Do", {"recurrence": "weekly", "interval_weeks": 4, "weekday": 3}),
        ("jeden Freitag", {"recurrence": "weekly", "interval_weeks": 1, "weekday": 4}),
        ("letzter Freitag", {"recurrence": "monthly", "monthly_nth": -1, "weekday": 4}),
        ("every 2 weeks", {"recurrence": "weekly", "interval_weeks": 2, "weekday": 1}),
    ],
)
def test_typed_rhythms_are_understood(typed: str, expected: dict[str, object]) -> None:
    """Common ways to say how often: weekly words, "alle N Wochen", weekdays, monthly rules."""
    draft = Series(
        kind="network",
        weekday=1,
        start_time=time(14),
        duration=timedelta(hours=2),
        tz=ZoneInfo("Europe/Berlin"),
        recurrence=weekly(),
        state="SH",
        start_date=date(2026, 11, 23),
    )
    assert handler.PARSERS[handler.STEP_RECURRENCE](typed, lambda: draft) == expected


async def test_only_coordination_and_network_work_set_up_network_meetings(
    world: World, teams: Directory
) -> None:
    """Sven (ASD) is told who may; in the group the command is private only; nothing starts."""
    assert await world.reply_text(people.CASEWORKER, "/netzwerktreffen") == NOT_ALLOWED
    text = await world.reply_text(people.COORDINATOR, "/netzwerktreffen", people.NORD_A_GROUP)
    assert text == "Das geht nur im privaten Chat mit mir. Schreiben Sie mir direkt."
    sent = await world.send(people.STRANGER, "/netzwerktreffen")
    assert "Ich kenne Sie noch nicht" in (sent[0].text or "")
    assert await world.count("dialog") == 0


async def test_rights_are_checked_again_when_saving_network_meetings(
    world: World, teams: Directory
) -> None:
    """Nils lost his network role before "Speichern": refused, nothing stored."""
    await _add_networker(world, teams)
    confirmation = await _answer_network(world, people.NETWORKER)
    async with world.db.transaction() as session:
        member = await directory.get_member(session, telegram_id=people.NETWORKER.id)
        assert member is not None and member.id is not None
        await directory.remove_from_team(session, member_id=member.id, team_id=teams.nord_a)
        await directory.add_role(
            session, member_id=member.id, team_id=teams.nord_a, role="asd", now=world.clock.now()
        )

    await world.press(people.NETWORKER, confirmation, "Speichern")

    answer = world.last_callback_answer()
    assert (answer["text"], answer["show_alert"]) == (NOT_ALLOWED, True)
    assert await world.count("consultation_series") == 0


async def test_coordinator_of_two_teams_picks_the_team_with_buttons(
    world: World, teams: Directory
) -> None:
    """Olga also coordinates Nord B: she chooses the team; Sven's planted choice is refused."""
    await add_member(
        world.db, people.OTHER_COORDINATOR, teams.nord_b, "koordination", now=world.clock.now()
    )
    sent = await world.send(people.OTHER_COORDINATOR, "/netzwerktreffen")
    assert sent[-1].plain_text == "Für welches Team möchten Sie die Netzwerktreffen einrichten?"
    assert sent[-1].button_texts() == ["Sozialraumteam Nord B", "Sozialraumteam Süd A"]
    sent = await world.press(people.OTHER_COORDINATOR, sent[-1], "Sozialraumteam Nord B")
    assert "Netzwerktreffen für Sozialraumteam Nord B einrichten" in (sent[-1].plain_text or "")

    own = (await world.send(people.CASEWORKER, "/team"))[-1]
    async with world.db.transaction() as session:
        planted = await interaction.create_button(
            session,
            batch="planted-team",
            chat_id=people.CASEWORKER.id,
            telegram_id=people.CASEWORKER.id,
            action="netzwerktreffen.team",
            payload={"team_id": teams.nord_a},
            now=world.clock.now(),
            ttl=timedelta(hours=1),
        )
    await world.press_data(people.CASEWORKER, own, planted)
    assert world.last_callback_answer()["text"] == NOT_ALLOWED
    assert await _dialog(world, people.CASEWORKER) is None


# -- /termine and /kalender -------------------------------------------------------------------


async def test_dates_and_calendar_show_both_series_clearly_labelled(
    world: World, teams: Directory
) -> None:
    """With both set up, /termine lists the consultation, then the network meetings; /kalender
    sends one file each, the network one with the monthly rule and its own name."""
    await _set_up(world)
    await _set_up_network(world)

    text = await world.reply_text(people.CASEWORKER, "/termine")
    consultation, network = text.split("<b>Netzwerktreffen – Sozialraumteam Nord A</b>")
    assert consultation.startswith("<b>Kollegiale Beratung – Sozialraumteam Nord A</b>")
    assert "📥 Fälle" in consultation
    assert "🗓 jeden 2. Dienstag im Monat, 14:00–16:00 Uhr" in network
    assert "• Dienstag, 08.12.2026, 14:00 Uhr" in network
    assert "Fälle" not in network
    assert "Mindestens" not in network

    sent = await world.send(people.CASEWORKER, "/kalender")
    assert [m.document.filename for m in sent if m.document] == [
        "beratung-nord-a.ics",
        "netzwerktreffen-nord-a.ics",
    ]
    assert (sent[1].caption or "").startswith("📅 Netzwerktreffen – Sozialraumteam Nord A")
    document = sent[1].document
    assert document is not None
    [event] = Calendar.from_ical(document.content).events
    assert str(event["SUMMARY"]) == "Netzwerktreffen – Sozialraumteam Nord A"
    [rule] = event.rrules
    assert (rule["FREQ"], rule["BYDAY"]) == (["MONTHLY"], ["2TU"])
    assert event.start == datetime(2026, 12, 8, 14, tzinfo=event.start.tzinfo)  # type: ignore[union-attr]
    assert "DESCRIPTION" not in event
    assert event["UID"] != Calendar.from_ical(sent[0].document.content).events[0]["UID"]  # type: ignore[union-attr]


async def test_group_sees_the_network_meetings_of_its_team(world: World, teams: Directory) -> None:
    """In Nord A's group /termine shows the network meetings when only they are set up."""
    await _bind_nord_a(world)
    await _set_up_network(world)
    text = await world.reply_text(people.PROVIDER, "/termine", people.NORD_A_GROUP)
    assert text.startswith("<b>Netzwerktreffen – Sozialraumteam Nord A</b>")
    assert len(_dates(text)) == 4


# -- reminders ------------------------------------------------------------------------------


async def test_network_meetings_are_reminded_without_a_quorum_warning(
    world: World, teams: Directory
) -> None:
    """Weekly on Tuesdays 14:00: the day-before reminder names the network meeting and asks who
    comes; at the hour-before one nobody has said yes, and still nobody is warned."""
    await _bind_nord_a(world)
    await _set_up_network(world, rhythm="jede Woche")
    await world.deliver_outbox()

    world.clock.set(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))  # Monday 14:00
    sent = await _remind(world)
    [reminder] = [m for m in sent if m.chat_id == people.NORD_A_GROUP.id]
    assert (reminder.plain_text or "").startswith(
        "🔔 Erinnerung: Netzwerktreffen – Sozialraumteam Nord A\n"
        "🗓 Dienstag, 24.11.2026, 14:00 Uhr\n"
        "📍 Familienzentrum Glashütte"
    )
    assert reminder.button_texts() == ["Ich komme", "Ich komme nicht", "Vielleicht"]

    world.clock.set(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))  # Tuesday 13:00
    sent = await _remind(world)
    assert len([m for m in sent if m.chat_id == people.NORD_A_GROUP.id]) == 1
    assert not any("Zu wenige Zusagen" in (m.plain_text or "") for m in sent)
    assert await world.count("button", "action LIKE 'quorum.%'") == 0


async def _remind(world: World) -> list[SentMessage]:
    await send_due_reminders(world.services)
    return await world.deliver_outbox()


# -- /absagen, /verschieben, /pause -------------------------------------------------------


async def _both(world: World) -> None:
    """Nord A's group is bound and both series are set up; old notices delivered."""
    await _bind_nord_a(world)
    await _set_up(world)
    await _set_up_network(world)
    await world.deliver_outbox()


async def test_coordinator_picks_the_network_meetings_and_cancels_one(
    world: World, teams: Directory
) -> None:
    """/absagen asks which series; the network date is cancelled, the group told, the
    consultation untouched."""
    await _both(world)
    choice = (await world.send(people.COORDINATOR, "/absagen"))[-1]
    assert choice.plain_text == "Welche Termine möchten Sie ändern?"
    assert choice.button_texts() == [
        "Kollegiale Beratung – Sozialraumteam Nord A",
        "Netzwerktreffen – Sozialraumteam Nord A",
    ]

    await world.press(people.COORDINATOR, choice, "Netzwerktreffen – Sozialraumteam Nord A")
    dates = world.current(choice)
    assert (dates.plain_text or "").startswith("Welches Netzwerktreffen von Sozialraumteam Nord A")
    assert dates.button_texts()[:2] == ["Dienstag, 08.12.2026", "Dienstag, 12.01.2027"]
    await world.press(people.COORDINATOR, dates, "Dienstag, 08.12.2026")
    assert world.current(choice).plain_text == (
        "Das Netzwerktreffen von Sozialraumteam Nord A am Dienstag, 08.12.2026 absagen? "
        "Die Teamgruppe erfährt es."
    )
    await world.press(people.COORDINATOR, world.current(choice), "Ja, absagen")

    assert await _group_notices(world) == [
        "❌ Das Netzwerktreffen von Sozialraumteam Nord A am Dienstag, 08.12.2026 fällt aus."
    ]
    network = await _network(world, teams.nord_a)
    assert network is not None
    async with world.db.transaction() as session:
        [cancelled] = (await session.exec(select(SeriesCancellation))).all()
        [entry] = (
            await session.exec(
                select(AuditEntry).where(AuditEntry.action == "consultation.date_cancelled")
            )
        ).all()
    assert (cancelled.series_id, cancelled.original_date.isoformat()) == (network.id, "2026-12-08")
    assert entry.details["kind"] == "network"
    text = await world.reply_text(people.CASEWORKER, "/termine")
    assert "• Dienstag, 08.12.2026: abgesagt" in text
    assert "• Dienstag, 08.12.2026, 09:00 Uhr" in text  # the consultation still meets


async def test_coordinator_moves_a_network_meeting(world: World, teams: Directory) -> None:
    """/verschieben → Netzwerktreffen → date → new day and time: moved and announced."""
    await _both(world)
    choice = (await world.send(people.COORDINATOR, "/verschieben"))[-1]
    await world.press(people.COORDINATOR, choice, "Netzwerktreffen – Sozialraumteam Nord A")
    await world.press(people.COORDINATOR, world.current(choice), "Dienstag, 08.12.2026")
    assert "– ohne Uhrzeit bleibt es bei 14:00 Uhr." in (world.current(choice).plain_text or "")

    confirmation = (await world.send(people.COORDINATOR, "10.12. 15:00"))[-1]
    assert confirmation.plain_text == (
        "Das Netzwerktreffen von Sozialraumteam Nord A vom Dienstag, 08.12.2026 auf "
        "Donnerstag, 10.12.2026, 15:00 Uhr verschieben? Die Teamgruppe erfährt es."
    )
    await world.press(people.COORDINATOR, confirmation, "Ja, verschieben")

    assert await _group_notices(world) == [
        "🔁 Das Netzwerktreffen von Sozialraumteam Nord A am Dienstag, 08.12.2026 wird "
        "verschoben auf Donnerstag, 10.12.2026, 15:00 Uhr."
    ]
    network = await _network(world, teams.nord_a)
    assert network is not None and network.sequence == 1
    assert await world.count("series_move", f"series_id = {network.id}") == 1


async def test_coordinator_pauses_the_network_meetings(world: World, teams: Directory) -> None:
    """/pause → Netzwerktreffen → the period: one meeting drops, the group is told."""
    await _both(world)
    choice = (await world.send(people.COORDINATOR, "/pause"))[-1]
    await world.press(people.COORDINATOR, choice, "Netzwerktreffen – Sozialraumteam Nord A")
    assert (world.current(choice).plain_text or "").startswith(
        "Von wann bis wann pausieren die Netzwerktreffen von Sozialraumteam Nord A?"
    )

    confirmation = (await world.send(people.COORDINATOR, "01.12. bis 31.12."))[-1]
    assert "Dadurch entfallen 1 Termine." in (confirmation.plain_text or "")
    await world.press(people.COORDINATOR, confirmation, "Ja, pausieren")

    assert await _group_notices(world) == [
        "⏸ Die Netzwerktreffen von Sozialraumteam Nord A pausieren vom Dienstag, 01.12.2026 "
        "bis Donnerstag, 31.12.2026."
    ]
    network = await _network(world, teams.nord_a)
    assert network is not None
    assert await world.count("series_pause", f"series_id = {network.id}") == 1
    assert await world.count("series_pause") == 1


async def test_period_typed_with_pause_is_kept_while_the_series_is_chosen(
    world: World, teams: Directory
) -> None:
    """ "/pause 01.12. bis 31.12." with both series: after the choice the period is confirmed
    without being asked for again."""
    await _both(world)
    choice = (await world.send(people.COORDINATOR, "/pause 01.12. bis 31.12."))[-1]

    sent = await world.press(
        people.COORDINATOR, choice, "Kollegiale Beratung – Sozialraumteam Nord A"
    )

    assert (sent[-1].plain_text or "").startswith(
        "Die kollegiale Beratung von Sozialraumteam Nord A vom Dienstag, 01.12.2026 bis "
        "Donnerstag, 31.12.2026 pausieren? Dadurch entfallen 5 Termine."
    )
    await world.press(people.COORDINATOR, sent[-1], "Ja, pausieren")
    assert await world.count("series_pause") == 1


async def test_network_worker_changes_only_the_network_meetings(
    world: World, teams: Directory
) -> None:
    """Nils goes straight to the network meetings (the consultation is not his to change), and
    a planted button for the consultation is refused."""
    await _both(world)
    await _add_networker(world, teams)

    choice = (await world.send(people.NETWORKER, "/absagen"))[-1]

    assert (choice.plain_text or "").startswith("Welches Netzwerktreffen von Sozialraumteam")
    async with world.db.transaction() as session:
        planted = await interaction.create_button(
            session,
            batch="planted-consultation",
            chat_id=people.NETWORKER.id,
            telegram_id=people.NETWORKER.id,
            action="absagen.confirm",
            payload={"team_id": teams.nord_a, "kind": "consultation", "day": "2026-12-01"},
            now=world.clock.now(),
            ttl=timedelta(hours=1),
        )
    await world.press_data(people.NETWORKER, choice, planted)
    answer = world.last_callback_answer()
    assert answer["show_alert"] is True
    assert answer["text"].startswith("Termine absagen, verschieben oder pausieren kann nur")
    assert await world.count("series_cancellation") == 0


async def test_network_worker_cannot_change_the_consultation(
    world: World, teams: Directory
) -> None:
    """With only the consultation set up, Nils is told that its dates are the coordination's."""
    await _set_up(world)
    await _add_networker(world, teams)

    text = await world.reply_text(people.NETWORKER, "/verschieben")

    assert text.startswith("Termine absagen, verschieben oder pausieren kann nur")
    assert await _dialog(world, people.NETWORKER) is None


async def test_coordinator_of_another_team_cannot_change_network_meetings(
    world: World, teams: Directory
) -> None:
    """Olga (Süd A) with planted buttons naming Nord A's network meetings changes nothing."""
    await _both(world)
    olga = (await world.send(people.OTHER_COORDINATOR, "/team"))[-1]
    network = {"team_id": teams.nord_a, "kind": "network"}
    payloads = {
        "absagen.team": network,
        "absagen.confirm": {**network, "day": "2026-12-08"},
        "verschieben.confirm": {
            **network,
            "day": "2026-12-08",
            "new_date": "2026-12-10",
            "new_time": "15:00",
        },
        "pause.confirm": {**network, "start": "2026-12-01", "end": "2026-12-31"},
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
        assert world.last_callback_answer()["show_alert"] is True, action
    for table in ("series_cancellation", "series_move", "series_pause"):
        assert await world.count(table) == 0
    async with world.db.transaction() as session:
        changes = await session.exec(
            select(AuditEntry).where(col(AuditEntry.action).startswith("consultation.date"))
        )
        assert changes.all() == []
