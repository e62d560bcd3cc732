"""Reminders, answers and the quorum warning end to end through the fake Bot API.

Carla (coordinator and ASD), Sven (ASD) and Petra (provider) are Nord A; their series meets
on Tuesdays 09:00 with reminders one day and one hour before and a quorum of two from the
ASD. The clock starts on Monday 23 November 2026, 09:00 in Berlin: the day-before reminder
of Tuesday's meeting is due the moment the series is set up.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete
from sqlmodel import col, select

from bot.app import build_application, start_application, stop_application
from bot.config import Settings
from bot.runtime import BotContext
from bot.scheduler.housekeeping import housekeeping
from bot.scheduler.reminders import JOB_NAME, schedule, send_due_reminders
from bot.storage import interaction
from bot.storage.models import Meeting, Member, Membership, ReminderLog, Role
from tests.auxil import people
from tests.auxil.data import Directory, add_member
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.world import World
from tests.test_account import _my_data
from tests.test_consultations import MONDAY, _bind_nord_a, _set_up

ANSWERS = ["Ich komme", "Ich komme nicht", "Vielleicht"]
MONDAY_30_NOV_0930 = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)  # 09:30 in Berlin
MONDAY_30_NOV_1200 = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)  # 12:00 in Berlin
TUESDAY_01_DEC_0800 = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
TUESDAY_24_NOV_0800 = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 08:00 in Berlin


# -- helpers ------------------------------------------------------------------------------


async def _series_with_group(world: World) -> None:
    """Nord A's group is bound and Carla's Tuesday series is set up; old notices delivered."""
    await _bind_nord_a(world)
    await _set_up(world)
    await world.deliver_outbox()


async def _remind(world: World) -> list[SentMessage]:
    """Run the reminder job once and deliver what it queued."""
    await send_due_reminders(world.services)
    return await world.deliver_outbox()


def _in_group(sent: list[SentMessage]) -> list[SentMessage]:
    return [message for message in sent if message.chat_id == people.NORD_A_GROUP.id]


def _private(sent: list[SentMessage], user_id: int) -> list[SentMessage]:
    return [message for message in sent if message.chat_id == user_id]


async def _log(world: World) -> list[ReminderLog]:
    async with world.db.transaction() as session:
        query = select(ReminderLog).order_by(col(ReminderLog.due_at))
        return list((await session.exec(query)).all())


async def _meeting_statuses(world: World) -> dict[str, str]:
    async with world.db.transaction() as session:
        rows = await session.exec(select(Meeting))
        return {meeting.original_date.isoformat(): meeting.status for meeting in rows}


async def _disable_reminders(world: World, telegram_id: int) -> None:
    async with world.db.transaction() as session:
        member = (
            await session.exec(select(Member).where(Member.telegram_id == telegram_id))
        ).one()
        member.reminders_enabled = False
        session.add(member)


# -- reminders ----------------------------------------------------------------------------


async def test_group_gets_the_first_reminder_with_three_answer_buttons(
    world: World, teams: Directory
) -> None:
    """The day-before reminder names the meeting, asks who comes and offers three answers."""
    await _series_with_group(world)

    [reminder] = _in_group(await _remind(world))

    assert (reminder.plain_text or "").startswith(  # the agenda may follow
        "🔔 Erinnerung: Kollegiale Beratung – Sozialraumteam Nord A\n"
        "🗓 Dienstag, 24.11.2026, 09:00 Uhr\n"
        "📍 Familienbüro Garstedt\n\n"
        "Kommen Sie? Ihre Antwort können Sie bis zum Beginn ändern.\n\n"
        "✅ Ich komme (0): –\n"
        "❌ Ich komme nicht: 0\n"
        "❔ Vielleicht: 0\n"
        "⏳ Noch keine Antwort: 3"
    )
    assert reminder.button_texts() == ANSWERS
    [entry] = await _log(world)
    assert (entry.offset_minutes, entry.status, entry.reason) == (1440, "sent", "")


async def test_members_with_personal_reminders_are_nudged_privately(
    world: World, teams: Directory
) -> None:
    """Carla and Sven get a private reminder with buttons; Petra switched hers off."""
    await _series_with_group(world)
    await _disable_reminders(world, people.PROVIDER.id)

    sent = await _remind(world)

    for user in (people.COORDINATOR, people.CASEWORKER):
        [nudge] = _private(sent, user.id)
        assert "Sie haben noch nicht geantwortet" in (nudge.plain_text or "")
        assert nudge.button_texts() == ANSWERS
    assert _private(sent, people.PROVIDER.id) == []


async def test_next_reminder_waits_for_its_time(world: World, teams: Directory) -> None:
    """Nothing goes out a minute before the hour-before reminder; at the time it does."""
    await _series_with_group(world)
    await _remind(world)

    world.clock.set(datetime(2026, 11, 24, 6, 59, tzinfo=UTC))
    assert await send_due_reminders(world.services) == 0
    world.clock.set(TUESDAY_24_NOV_0800)
    [reminder] = _in_group(await _remind(world))

    assert "Dienstag, 24.11.2026, 09:00 Uhr" in (reminder.plain_text or "")
    assert reminder.buttons() == []  # the answer buttons came with the first reminder


async def test_running_the_job_twice_or_restarting_never_sends_a_reminder_twice(
    world: World, teams: Directory, settings: Settings
) -> None:
    """A second run and a restarted bot on the same database find the reminder handled."""
    await _series_with_group(world)
    assert await send_due_reminders(world.services) == 1
    assert await send_due_reminders(world.services) == 0

    restarted = build_application(settings, clock=world.clock)
    await start_application(restarted, run_outbox=False)  # catches up at start
    try:
        assert await send_due_reminders(restarted.bot_data["services"]) == 0
        assert restarted.job_queue is not None
        schedule(restarted.job_queue)  # scheduling again replaces the job by its name
        assert len(restarted.job_queue.get_jobs_by_name(JOB_NAME)) == 1
    finally:
        await stop_application(restarted)

    assert len(_in_group(await world.deliver_outbox())) == 1
    assert await world.count("reminder_log") == 1
    assert (
        await world.count(
            "outbox", "dedupe_key LIKE 'reminder:%' AND dedupe_key NOT LIKE '%member%'"
        )
        == 1
    )


async def test_restart_catches_up_a_reminder_missed_by_thirty_minutes_once_and_late(
    world: World, teams: Directory, settings: Settings
) -> None:
    """Down over Monday 09:00, back at 09:30: the reminder goes out once, marked late."""
    await _series_with_group(world)
    world.clock.set(MONDAY_30_NOV_0930)

    restarted = build_application(settings, clock=world.clock)
    await start_application(restarted, run_outbox=False)
    await stop_application(restarted)
    assert await send_due_reminders(world.services) == 0

    [reminder] = _in_group(await world.deliver_outbox())
    assert "Dienstag, 01.12.2026, 09:00 Uhr" in (reminder.plain_text or "")
    assert "Diese Erinnerung kommt verspätet" in (reminder.plain_text or "")
    assert reminder.button_texts() == ANSWERS
    [entry] = await _log(world)
    assert (entry.status, entry.due_at) == ("late", datetime(2026, 11, 30, 8, 0, tzinfo=UTC))


async def test_reminder_three_hours_old_is_dropped_logged_and_never_sent(
    world: World, teams: Directory, caplog: pytest.LogCaptureFixture
) -> None:
    """Back at 12:00: the 09:00 reminder is logged as dropped; the hour-before one brings the
    buttons instead."""
    await _series_with_group(world)
    world.clock.set(MONDAY_30_NOV_1200)

    with caplog.at_level(logging.WARNING, logger="bot.scheduler.reminders"):
        assert _in_group(await _remind(world)) == []
    assert any("dropped: too_late" in record.getMessage() for record in caplog.records)
    [entry] = await _log(world)
    assert (entry.status, entry.reason) == ("dropped", "too_late")
    assert _in_group(await _remind(world)) == []

    world.clock.set(TUESDAY_01_DEC_0800)
    [reminder] = _in_group(await _remind(world))
    assert reminder.button_texts() == ANSWERS
    assert [(e.offset_minutes, e.status) for e in await _log(world)] == [
        (1440, "dropped"),
        (60, "sent"),
    ]


@pytest.mark.parametrize(
    ("set_up_at", "early", "due", "meeting"),
    [
        (
            datetime(2026, 3, 20, 8, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 6, 59, tzinfo=UTC),
            datetime(2026, 3, 29, 7, 0, tzinfo=UTC),  # Sunday 09:00 CEST
            "Montag, 30.03.2026, 09:00 Uhr",
        ),
        (
            datetime(2026, 10, 16, 7, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 7, 59, tzinfo=UTC),
            datetime(2026, 10, 25, 8, 0, tzinfo=UTC),  # Sunday 09:00 CET
            "Montag, 26.10.2026, 09:00 Uhr",
        ),
    ],
    ids=["spring-forward-29-march", "fall-back-25-october"],
)
async def test_reminder_on_a_clock_change_sunday_comes_at_nine_local(
    world: World,
    teams: Directory,
    set_up_at: datetime,
    early: datetime,
    due: datetime,
    meeting: str,
) -> None:
    """A Monday 09:00 series reminds on the DST Sundays of 2026 at 09:00 Berlin time."""
    world.clock.set(set_up_at)
    await _bind_nord_a(world)
    await _set_up(world, MONDAY)
    await world.deliver_outbox()

    world.clock.set(early)
    assert await send_due_reminders(world.services) == 0
    world.clock.set(due)
    [reminder] = _in_group(await _remind(world))

    assert f"🗓 {meeting}" in (reminder.plain_text or "")


async def test_job_marks_a_meeting_held_once_it_has_ended(world: World, teams: Directory) -> None:
    """The stored meeting follows the series: planned until 11:00 on Tuesday, then held."""
    await _series_with_group(world)
    await _remind(world)
    assert await _meeting_statuses(world) == {"2026-11-24": "planned"}

    world.clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))  # 11:00 in Berlin
    await send_due_reminders(world.services)

    assert await _meeting_statuses(world) == {"2026-11-24": "held"}


# -- reminders after a move -----------------------------------------------------------------

MONDAY_23_NOV_1000 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
WEDNESDAY_25_NOV_0900 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
THURSDAY_26_NOV_0800 = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
NEW_THURSDAY = "🔁 Neuer Termin: Donnerstag, 26.11.2026, 09:00 Uhr. Der Termin wurde verschoben."


async def _move(world: World, original: str, typed: str) -> None:
    """Carla moves the date on the button ``original`` to ``typed`` with /verschieben."""
    choice = (await world.send(people.COORDINATOR, "/verschieben"))[-1]
    await world.press(people.COORDINATOR, choice, original)
    confirmation = (await world.send(people.COORDINATOR, typed))[-1]
    await world.press(people.COORDINATOR, confirmation, "Ja, verschieben")
    assert (world.current(confirmation).plain_text or "").startswith("✅ Verschoben")


async def _moved_to_thursday(world: World) -> None:
    """Monday's day-before reminder went out; at 10:00 Carla moves Tuesday to Thursday."""
    await _series_with_group(world)
    assert len(_in_group(await _remind(world))) == 1
    world.clock.set(MONDAY_23_NOV_1000)
    await _move(world, "Dienstag, 24.11.2026", "26.11.")
    await world.deliver_outbox()  # the group is told of the move


async def test_moved_date_is_reminded_again_once_and_the_reminder_says_it_moved(
    world: World, teams: Directory, settings: Settings
) -> None:
    """Tuesday moved to Thursday after the day-before reminder: Wednesday 09:00 it comes again,
    saying "Neuer Termin"; a second run and a restart send nothing twice."""
    await _moved_to_thursday(world)
    world.clock.set(TUESDAY_24_NOV_0800)  # the old hour-before time: nothing is due
    assert await send_due_reminders(world.services) == 0

    world.clock.set(WEDNESDAY_25_NOV_0900)
    sent = await _remind(world)

    [reminder] = _in_group(sent)
    assert (reminder.plain_text or "").startswith(
        f"{NEW_THURSDAY}\n\n"
        "🔔 Erinnerung: Kollegiale Beratung – Sozialraumteam Nord A\n"
        "🗓 Donnerstag, 26.11.2026, 09:00 Uhr\n"
    )
    assert reminder.buttons() == []  # the answer buttons came with the first reminder
    for user in (people.COORDINATOR, people.CASEWORKER, people.PROVIDER):
        [nudge] = _private(sent, user.id)
        assert (nudge.plain_text or "").startswith(f"{NEW_THURSDAY}\n\n🔔 Erinnerung:")
        assert nudge.button_texts() == ANSWERS
    assert await send_due_reminders(world.services) == 0
    restarted = build_application(settings, clock=world.clock)
    await start_application(restarted, run_outbox=False)  # catches up at start
    try:
        assert await send_due_reminders(restarted.bot_data["services"]) == 0
    finally:
        await stop_application(restarted)
    assert await world.deliver_outbox() == []

    world.clock.set(THURSDAY_26_NOV_0800)
    [hour_before] = _in_group(await _remind(world))
    text = hour_before.plain_text or ""
    assert text.startswith("🔔 Erinnerung: Kollegiale Beratung – Sozialraumteam Nord A\n")
    assert "🗓 Donnerstag, 26.11.2026, 09:00 Uhr" in text
    assert [(e.offset_minutes, e.status, e.due_at) for e in await _log(world)] == [
        (1440, "sent", WEDNESDAY_25_NOV_0900),
        (60, "sent", THURSDAY_26_NOV_0800),
    ]


async def test_answers_on_the_first_reminder_still_count_after_the_move(
    world: World, teams: Directory
) -> None:
    """Sven answered Monday's reminder; the reminder after the move shows his answer and does
    not nudge him again."""
    await _series_with_group(world)
    [first] = _in_group(await _remind(world))
    await world.press(people.CASEWORKER, first, "Ich komme")
    world.clock.set(MONDAY_23_NOV_1000)
    await _move(world, "Dienstag, 24.11.2026", "26.11.")
    await world.deliver_outbox()

    world.clock.set(WEDNESDAY_25_NOV_0900)
    sent = await _remind(world)

    [reminder] = _in_group(sent)
    assert "✅ Ich komme (1): Sven Sozialarbeit" in (reminder.plain_text or "")
    assert _private(sent, people.CASEWORKER.id) == []


async def test_meeting_moved_to_a_later_hour_is_reminded_at_the_later_hour(
    world: World, teams: Directory
) -> None:
    """Tuesday 09:00 moved to 14:00 on Monday morning: the day-before reminder comes again at
    Monday 14:00 with the new time; the hour-before one at Tuesday 13:00 without the note."""
    await _series_with_group(world)
    await _remind(world)
    world.clock.set(MONDAY_23_NOV_1000)
    await _move(world, "Dienstag, 24.11.2026", "24.11. 14:00")
    await world.deliver_outbox()

    world.clock.set(datetime(2026, 11, 23, 12, 59, tzinfo=UTC))
    assert await send_due_reminders(world.services) == 0
    world.clock.set(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))  # Monday 14:00
    [reminder] = _in_group(await _remind(world))
    assert (reminder.plain_text or "").startswith(
        "🔁 Neuer Termin: Dienstag, 24.11.2026, 14:00 Uhr. Der Termin wurde verschoben."
    )

    world.clock.set(datetime(2026, 11, 24, 12, 0, tzinfo=UTC))  # Tuesday 13:00
    [hour_before] = _in_group(await _remind(world))
    assert "Neuer Termin" not in (hour_before.plain_text or "")
    assert "🗓 Dienstag, 24.11.2026, 14:00 Uhr" in (hour_before.plain_text or "")


async def test_parallel_runs_after_a_move_send_the_reminder_once(
    world: World, teams: Directory
) -> None:
    """Two reminder runs at once (two processes, or a slow run and the next) take over the
    logged reminder once: one queues it, the other finds it handled."""
    await _moved_to_thursday(world)
    world.clock.set(WEDNESDAY_25_NOV_0900)

    results = await asyncio.gather(
        send_due_reminders(world.services), send_due_reminders(world.services)
    )

    assert sorted(results) == [0, 1]
    assert len(_in_group(await world.deliver_outbox())) == 1
    assert await world.count("reminder_log") == 1


async def test_cancelled_after_the_move_the_date_is_not_reminded_again(
    world: World, teams: Directory
) -> None:
    """Moved to Thursday, then cancelled: no reminder on Wednesday, the meeting is cancelled."""
    await _moved_to_thursday(world)
    choice = (await world.send(people.COORDINATOR, "/absagen"))[-1]
    await world.press(people.COORDINATOR, choice, "Dienstag, 24.11.2026")
    await world.press(people.COORDINATOR, world.current(choice), "Ja, absagen")
    await world.deliver_outbox()

    world.clock.set(WEDNESDAY_25_NOV_0900)
    assert await send_due_reminders(world.services) == 0
    assert await _meeting_statuses(world) == {"2026-11-24": "cancelled"}
    assert [(e.offset_minutes, e.status) for e in await _log(world)] == [(1440, "sent")]


# -- answers ------------------------------------------------------------------------------


async def _group_reminder(world: World) -> SentMessage:
    """Series, group and the first reminder in the group (with the answer buttons)."""
    await _series_with_group(world)
    [reminder] = _in_group(await _remind(world))
    return reminder


def _tally(message: SentMessage) -> list[str]:
    """The four counting lines of a group reminder (the agenda may follow them)."""
    lines = (message.plain_text or "").splitlines()
    first = next(index for index, line in enumerate(lines) if line.startswith("✅ Ich komme"))
    return lines[first : first + 4]


async def _rsvp_count(world: World) -> int:
    return await world.count("rsvp")


async def test_three_members_answer_and_one_changes_her_answer(
    world: World, teams: Directory
) -> None:
    """Each press is confirmed in German and the group message shows the counts and names."""
    reminder = await _group_reminder(world)

    await world.press(people.CASEWORKER, reminder, "Ich komme")
    assert world.last_callback_answer()["text"] == "Danke! Eingetragen: Ich komme"
    assert _tally(world.current(reminder)) == [
        "✅ Ich komme (1): Sven Sozialarbeit",
        "❌ Ich komme nicht: 0",
        "❔ Vielleicht: 0",
        "⏳ Noch keine Antwort: 2",
    ]
    await world.press(people.COORDINATOR, reminder, "Ich komme nicht")
    await world.press(people.PROVIDER, reminder, "Vielleicht")
    await world.press(people.PROVIDER, reminder, "Ich komme")
    assert world.last_callback_answer()["text"] == "Geändert. Ihre Antwort ist jetzt: Ich komme"

    current = world.current(reminder)
    assert _tally(current) == [
        "✅ Ich komme (2): Petra Träger, Sven Sozialarbeit",
        "❌ Ich komme nicht: 1",
        "❔ Vielleicht: 0",
        "⏳ Noch keine Antwort: 0",
    ]
    assert current.button_texts() == ANSWERS
    assert await _rsvp_count(world) == 3


async def test_stranger_and_member_of_another_team_cannot_answer(
    world: World, teams: Directory
) -> None:
    """The group's buttons are open to anyone, so the team membership is checked on press."""
    reminder = await _group_reminder(world)

    await world.press(people.STRANGER, reminder, "Ich komme")
    assert world.last_callback_answer()["text"].startswith("Dafür brauchen Sie eine Einladung")
    await world.press(people.OTHER_COORDINATOR, reminder, "Ich komme")
    assert world.last_callback_answer() == {
        "callback_query_id": world.last_callback_answer()["callback_query_id"],
        "text": "Antworten können nur Mitglieder dieses Teams.",
        "show_alert": True,
    }

    assert await _rsvp_count(world) == 0
    assert _tally(world.current(reminder))[0] == "✅ Ich komme (0): –"


async def test_answers_are_refused_once_the_meeting_has_begun(
    world: World, teams: Directory
) -> None:
    """At 09:00 on Tuesday the buttons answer that the meeting has begun and store nothing."""
    reminder = await _group_reminder(world)
    world.clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))

    await world.press(people.CASEWORKER, reminder, "Ich komme")

    assert world.last_callback_answer()["text"] == (
        "Der Termin hat schon begonnen; Antworten sind nicht mehr möglich."
    )
    assert await _rsvp_count(world) == 0


async def test_answer_in_private_is_confirmed_there_and_counted_in_the_group(
    world: World, teams: Directory
) -> None:
    """Sven answers his private reminder: it shows his answer, the group message the count."""
    await _series_with_group(world)
    sent = await _remind(world)
    [group_reminder] = _in_group(sent)
    [nudge] = _private(sent, people.CASEWORKER.id)

    await world.press(people.CASEWORKER, nudge, "Ich komme")

    private = world.current(nudge)
    assert "Ihre Antwort: Ich komme." in (private.plain_text or "")
    assert private.button_texts() == ANSWERS
    assert _tally(world.current(group_reminder))[0] == "✅ Ich komme (1): Sven Sozialarbeit"
    assert world.current(group_reminder).button_texts() == ANSWERS


async def test_answered_members_get_no_further_private_reminder(
    world: World, teams: Directory
) -> None:
    """At the hour-before reminder only those who have not answered are nudged."""
    reminder = await _group_reminder(world)
    await world.press(people.CASEWORKER, reminder, "Ich komme")
    await world.press(people.COORDINATOR, reminder, "Ich komme")

    world.clock.set(TUESDAY_24_NOV_0800)
    sent = await _remind(world)

    assert [m.chat_id for m in sent if m.chat_id > 0] == [people.PROVIDER.id]


# -- the quorum -----------------------------------------------------------------------------


async def _warning(world: World) -> SentMessage:
    """Only Sven of the ASD says yes (Carla no); the last reminder warns Carla."""
    _, warning = await _reminder_and_warning(world)
    return warning


async def _reminder_and_warning(world: World) -> tuple[SentMessage, SentMessage]:
    """The group's first reminder and Carla's quorum warning (see :func:`_warning`)."""
    reminder = await _group_reminder(world)
    await world.press(people.CASEWORKER, reminder, "Ich komme")
    await world.press(people.COORDINATOR, reminder, "Ich komme nicht")
    world.clock.set(TUESDAY_24_NOV_0800)
    sent = await _remind(world)
    [warning] = _private(sent, people.COORDINATOR.id)
    assert _private(sent, people.CASEWORKER.id) == []
    return reminder, warning


async def test_quorum_warning_reaches_the_coordinator_at_the_last_reminder(
    world: World, teams: Directory
) -> None:
    """One ASD yes against a quorum of two: Carla is asked to hold, cancel or move."""
    warning = await _warning(world)

    text = warning.plain_text or ""
    assert text.startswith("⚠️ Zu wenige Zusagen aus dem ASD")
    assert "Dienstag, 24.11.2026, 09:00 Uhr" in text
    assert "Zugesagt haben 1 aus dem ASD; mindestens 2 sollen dabei sein." in text
    assert warning.button_texts() == ["Trotzdem stattfinden", "Absagen", "Verschieben"]


async def test_no_quorum_warning_when_enough_asd_members_come(
    world: World, teams: Directory
) -> None:
    """Carla and Sven (both ASD) say yes: nobody is warned."""
    reminder = await _group_reminder(world)
    await world.press(people.CASEWORKER, reminder, "Ich komme")
    await world.press(people.COORDINATOR, reminder, "Ich komme")
    world.clock.set(TUESDAY_24_NOV_0800)

    sent = await _remind(world)

    assert _private(sent, people.COORDINATOR.id) == []
    assert len(_in_group(sent)) == 1


HOLD_NOTE = (
    "✅ Die kollegiale Beratung am Dienstag, 24.11.2026, 09:00 Uhr findet statt, auch wenn "
    "bisher wenige zugesagt haben. Bitte geben Sie Bescheid, ob Sie kommen."
)


async def test_coordinator_holds_the_meeting_anyway(world: World, teams: Directory) -> None:
    """ "Trotzdem stattfinden" is recorded, told to the group once, and the warning's buttons
    go stale."""
    warning = await _warning(world)

    await world.press(people.COORDINATOR, warning, "Trotzdem stattfinden")

    current = world.current(warning)
    assert (current.plain_text or "").startswith("✅ Der Termin findet wie geplant statt.")
    assert await world.count("audit_log", "action = 'meeting.held_without_quorum'") == 1
    assert [m.plain_text for m in await world.deliver_outbox()] == [HOLD_NOTE]
    assert [m.chat_id for m in world.fake.sent() if m.plain_text == HOLD_NOTE] == [
        people.NORD_A_GROUP.id
    ]
    for choice in ("Trotzdem stattfinden", "Absagen"):
        await world.press(people.COORDINATOR, warning, choice)
        assert "nicht mehr gültig" in world.last_callback_answer()["text"]
    assert await world.deliver_outbox() == []
    assert await world.count("audit_log", "action = 'meeting.held_without_quorum'") == 1


async def test_hold_is_told_to_the_group_once_when_a_second_coordinator_decides_too(
    world: World, teams: Directory
) -> None:
    """Nils co-coordinates and holds the meeting from a warning of his own after Carla did:
    he sees the same confirmation, the group is not told twice and the audit has one entry."""
    await add_member(
        world.db, people.NETWORKER, teams.nord_a, Role.KOORDINATION, now=world.clock.now()
    )
    warning = await _warning(world)
    await world.press(people.COORDINATOR, warning, "Trotzdem stattfinden")
    assert [m.plain_text for m in await world.deliver_outbox()] == [HOLD_NOTE]
    async with world.db.transaction() as session:
        meeting_id = (await session.exec(select(Meeting.id))).one()
        token = await interaction.create_button(
            session,
            batch="second-warning",
            chat_id=people.NETWORKER.id,
            telegram_id=people.NETWORKER.id,
            action="quorum.hold",
            payload={"meeting_id": meeting_id},
            now=world.clock.now(),
            ttl=timedelta(hours=1),
        )
    own = (await world.send(people.NETWORKER, "/team"))[-1]

    await world.press_data(people.NETWORKER, own, token)

    assert (world.current(own).plain_text or "").startswith("✅ Der Termin findet wie geplant")
    assert await world.deliver_outbox() == []
    assert await world.count("audit_log", "action = 'meeting.held_without_quorum'") == 1


async def test_stranger_to_the_team_cannot_hold_the_meeting(
    world: World, teams: Directory
) -> None:
    """Olga (Süd A) with a planted hold button for Nord A's meeting is refused; nothing is told."""
    await _warning(world)
    async with world.db.transaction() as session:
        meeting_id = (await session.exec(select(Meeting.id))).one()
        token = await interaction.create_button(
            session,
            batch="planted-hold",
            chat_id=people.OTHER_COORDINATOR.id,
            telegram_id=people.OTHER_COORDINATOR.id,
            action="quorum.hold",
            payload={"meeting_id": meeting_id},
            now=world.clock.now(),
            ttl=timedelta(hours=1),
        )
    own = (await world.send(people.OTHER_COORDINATOR, "/team"))[-1]

    await world.press_data(people.OTHER_COORDINATOR, own, token)

    assert world.last_callback_answer()["text"] == "Das entscheidet die Koordination des Teams."
    assert await world.deliver_outbox() == []
    assert await world.count("audit_log", "action = 'meeting.held_without_quorum'") == 0


async def test_coordinator_cancels_from_the_warning_and_answers_close(
    world: World, teams: Directory
) -> None:
    """ "Absagen" leads to the confirmation of /absagen; after it the group's buttons refuse."""
    group_reminder, warning = await _reminder_and_warning(world)

    sent = await world.press(people.COORDINATOR, warning, "Absagen")
    confirmation = sent[-1] if sent else world.current(warning)
    assert "am Dienstag, 24.11.2026 absagen?" in (confirmation.plain_text or "")
    await world.press(people.COORDINATOR, confirmation, "Ja, absagen")

    assert await world.count("series_cancellation") == 1
    [notice] = _in_group(await world.deliver_outbox())
    assert "fällt aus" in (notice.plain_text or "")
    await world.press(people.PROVIDER, group_reminder, "Ich komme")
    assert world.last_callback_answer()["text"] == "Dieser Termin findet nicht statt."
    await send_due_reminders(world.services)
    assert await _meeting_statuses(world) == {"2026-11-24": "cancelled"}


async def test_coordinator_moves_from_the_warning(world: World, teams: Directory) -> None:
    """ "Verschieben" asks for the new date, as /verschieben does for that date."""
    warning = await _warning(world)

    sent = await world.press(people.COORDINATOR, warning, "Verschieben")

    question = sent[-1] if sent else world.current(warning)
    assert (question.plain_text or "").startswith(
        "Auf welchen Tag soll der Termin vom Dienstag, 24.11.2026 verschoben werden?"
    )


async def test_warning_is_refused_once_the_presser_no_longer_coordinates(
    world: World, teams: Directory
) -> None:
    """Carla lost her coordinator role after the warning: her press is refused, not stored."""
    warning = await _warning(world)
    async with world.db.transaction() as session:
        await session.exec(
            delete(Membership).where(
                col(Membership.team_id) == teams.nord_a,
                col(Membership.role) == Role.KOORDINATION,
            )
        )

    await world.press(people.COORDINATOR, warning, "Trotzdem stattfinden")

    assert world.last_callback_answer()["text"] == "Das entscheidet die Koordination des Teams."
    assert await world.count("audit_log", "action = 'meeting.held_without_quorum'") == 0


# -- /zusagen -------------------------------------------------------------------------------


async def test_coordinator_sees_who_answered_what_and_who_did_not(
    world: World, teams: Directory
) -> None:
    """Carla's /zusagen lists the answers by name and the ASD count against the quorum."""
    reminder = await _group_reminder(world)
    await world.press(people.CASEWORKER, reminder, "Ich komme")
    await world.press(people.PROVIDER, reminder, "Vielleicht")

    text = await world.reply_text(people.COORDINATOR, "/zusagen")

    assert text.splitlines()[:3] == [
        "<b>Kollegiale Beratung – Sozialraumteam Nord A</b>",
        "🗓 Dienstag, 24.11.2026, 09:00 Uhr",
        "📍 Familienbüro Garstedt",
    ]
    assert "✅ Ich komme (1): Sven Sozialarbeit" in text
    assert "❌ Ich komme nicht (0): –" in text
    assert "❔ Vielleicht (1): Petra Träger" in text
    assert "⏳ Noch keine Antwort (1): Carla Koordination" in text
    assert "👥 Zusagen aus dem ASD: 1 von mindestens 2" in text


async def test_members_do_not_see_the_answer_list(world: World, teams: Directory) -> None:
    """/zusagen is for coordinators: Sven is told so."""
    await _series_with_group(world)

    text = await world.reply_text(people.CASEWORKER, "/zusagen")

    assert text == "Wer zugesagt hat, sieht die Koordination des Teams."


# -- the member's data ----------------------------------------------------------------------


async def test_my_data_lists_my_answers(world: World, teams: Directory) -> None:
    """/meinedaten shows Sven's answer with team and date (GDPR Art. 15)."""
    reminder = await _group_reminder(world)
    await world.press(people.CASEWORKER, reminder, "Ich komme")

    data = await _my_data(world, people.CASEWORKER)

    assert data["meeting_answers"] == [
        {
            "team": "Sozialraumteam Nord A",
            "meeting_date": "2026-11-24",
            "answer": "yes",
            "answered_at": "2026-11-23T08:00:00+00:00",
        }
    ]


async def test_answers_are_deleted_thirty_days_after_the_meeting(
    world: World, teams: Directory
) -> None:
    """Housekeeping keeps answers for 30 days after the meeting's end, then deletes them."""
    reminder = await _group_reminder(world)
    await world.press(people.CASEWORKER, reminder, "Ich komme")
    ends = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 11:00 in Berlin

    world.clock.set(ends + timedelta(days=30) - timedelta(minutes=1))
    await housekeeping(BotContext(world.app))
    assert await _rsvp_count(world) == 1
    world.clock.set(ends + timedelta(days=30, minutes=1))
    await housekeeping(BotContext(world.app))
    assert await _rsvp_count(world) == 0
    assert await world.count("reminder_log") == 1  # the log stays: nothing is sent again
