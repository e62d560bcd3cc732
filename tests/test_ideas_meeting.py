"""``/treffen start`` / ``/treffen ende``: a network meeting collects ideas live in the group.

Nord A meets for network work every Tuesday at 14:00 (set up by Carla); the tests move the
clock to Tuesday 24 November 2026, 14:05 in Berlin. Nils is Nord A's network worker.
"""

from __future__ import annotations

from datetime import timedelta

from bot.storage.models import IdeaSession
from tests.auxil import people
from tests.auxil.builders import TgUser, message_update, my_chat_member_update
from tests.auxil.data import Directory
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.ideas import GROUP, audit, bind_group, ideas, votes, with_networker
from tests.auxil.world import World
from tests.test_network_series import _set_up_network

MEETING_TIME = timedelta(days=1, hours=5, minutes=5)
"""From Monday 09:00 to Tuesday 14:05."""


async def _ready(world: World, teams: Directory, *, admin: bool = True) -> None:
    """Group bound, Nils in the team, weekly network meetings, clock at Tuesday 14:05."""
    await bind_group(world)
    await with_networker(world, teams)
    await _set_up_network(world, rhythm="jeden Dienstag")
    if admin:
        await world.feed(
            my_chat_member_update(
                people.COORDINATOR,
                GROUP,
                old_status="member",
                new_status="administrator",
                bot_user=world.bot_user,
            )
        )
    await world.deliver_outbox()
    world.clock.advance(MEETING_TIME)


async def _say(world: World, user: TgUser, text: str) -> list[SentMessage]:
    return await world.feed(message_update(user, GROUP, text))


async def _sessions(world: World) -> list[IdeaSession]:
    from sqlmodel import col, select

    async with world.db.transaction() as session:
        query = select(IdeaSession).order_by(col(IdeaSession.id))
        return list((await session.exec(query)).all())


def _answer(world: World) -> str:
    return str(world.last_callback_answer().get("text") or "")


async def test_meeting_with_three_members(world: World, teams: Directory) -> None:
    """Three members post ideas, origins are tagged, votes sort the list, all of one meeting."""
    await _ready(world, teams)
    sent = await _say(world, people.NETWORKER, "/treffen start")
    started = sent[-1].plain_text or ""
    assert started.startswith("🟢 Netzwerktreffen von Sozialraumteam Nord A läuft."), started
    assert "Termin: Dienstag, 24.11.2026, 14:00 Uhr" in started
    assert "⚠️" not in started  # the bot is admin: it sees the messages

    sent = await _say(world, people.PROVIDER, "Idee: Kochgruppe für Eltern am Samstag")
    assert [m.plain_text for m in sent] == ["💡 #1 notiert (1. Idee dieses Treffens)."]
    sent = await _say(world, people.CASEWORKER, "💡 Hausaufgabenhilfe in der Bücherei")
    assert [m.plain_text for m in sent] == ["💡 #2 notiert (2. Idee dieses Treffens)."]
    sent = await _say(world, people.COORDINATOR, "idee : Bolzplatz-Treff am Freitag")
    assert [m.plain_text for m in sent] == ["💡 #3 notiert (3. Idee dieses Treffens)."]
    assert await _say(world, people.CASEWORKER, "Gute Idee, das machen wir!") == []
    assert await _say(world, people.STRANGER, "Idee: Flohmarkt") == []

    sent = await _say(world, people.NETWORKER, "/treffen ende")
    closing = sent[-1]
    text = closing.plain_text or ""
    assert text.startswith("🔴 Netzwerktreffen beendet: 3 Ideen gesammelt."), text
    assert "#1 Kochgruppe für Eltern am Samstag" in text
    assert closing.button_texts() == [
        "👍 0 · #1",
        "❓ Herkunft",
        "👍 0 · #2",
        "❓ Herkunft",
        "👍 0 · #3",
        "❓ Herkunft",
    ]

    rows = closing.reply_markup["inline_keyboard"]  # type: ignore[index]
    await world.press_data(people.PROVIDER, closing, rows[0][1]["callback_data"])
    assert _answer(world) == "Herkunft von #1: 👪 Betroffene"
    rows = world.current(closing).reply_markup["inline_keyboard"]  # type: ignore[index]
    await world.press_data(people.PROVIDER, closing, rows[1][1]["callback_data"])
    assert _answer(world).startswith("Die Angaben zu einer Idee ändern nur")
    await world.press_data(people.NETWORKER, closing, rows[1][1]["callback_data"])
    rows = world.current(closing).reply_markup["inline_keyboard"]  # type: ignore[index]
    await world.press_data(people.NETWORKER, closing, rows[1][1]["callback_data"])
    assert _answer(world) == "Herkunft von #2: 🧑‍💼 Fachkräfte"

    for voter in (people.PROVIDER, people.CASEWORKER, people.COORDINATOR):
        await world.press(voter, world.current(closing), "#3")
    await world.press(people.NETWORKER, world.current(closing), "#1")
    final = world.current(closing)
    assert final.button_texts() == [
        "👍 3 · #3",
        "❓ Herkunft",
        "👍 1 · #1",
        "👪 Betroffene",
        "👍 0 · #2",
        "🧑‍💼 Fachkräfte",
    ]
    stored = await ideas(world)
    assert [(i.number, i.origin) for i in stored] == [
        (1, "affected"),
        (2, "professional"),
        (3, None),
    ]
    (meeting,) = await _sessions(world)
    assert meeting.meeting_id is not None and meeting.ended_at is not None
    assert {i.session_id for i in stored} == {meeting.id}
    assert len(await votes(world)) == 4
    assert len(await audit(world, "idea_session.ended")) == 1

    sent = await _say(world, people.PROVIDER, "Idee: noch etwas nach dem Ende")
    assert "Gerade läuft kein Netzwerktreffen" in (sent[-1].plain_text or "")
    assert len(await ideas(world)) == 3


async def test_start_warns_when_the_bot_cannot_see_messages(
    world: World, teams: Directory
) -> None:
    """Without admin rights (privacy mode on) the start says so and points to /idee."""
    await _ready(world, teams, admin=False)
    sent = await _say(world, people.COORDINATOR, "/treffen start")
    text = sent[-1].plain_text or ""
    assert "⚠️ Ich sehe in dieser Gruppe gerade nur Befehle" in text
    assert "/idee …" in text


async def test_meeting_without_a_date_today_still_collects(world: World, teams: Directory) -> None:
    """On a day without a network meeting the start says so and links no date."""
    await bind_group(world)
    sent = await _say(world, people.COORDINATOR, "/treffen start")
    assert "Heute steht kein Netzwerktreffen im Kalender" in (sent[-1].plain_text or "")
    (meeting,) = await _sessions(world)
    assert meeting.meeting_id is None


async def test_who_may_run_a_meeting(world: World, teams: Directory) -> None:
    """Providers and caseworkers may not start one; in private or with a typo it says how."""
    await _ready(world, teams)
    sent = await _say(world, people.PROVIDER, "/treffen start")
    assert (sent[-1].plain_text or "").startswith("Ein Netzwerktreffen starten und beenden")
    sent = await world.send(people.COORDINATOR, "/treffen start")
    assert "Teamgruppe" in (sent[-1].plain_text or "")
    sent = await _say(world, people.COORDINATOR, "/treffen anfangen")
    assert "/treffen start" in (sent[-1].plain_text or "")
    sent = await _say(world, people.COORDINATOR, "/treffen ende")
    assert (sent[-1].plain_text or "").startswith("Gerade läuft kein Netzwerktreffen.")
    assert await _sessions(world) == []


async def test_second_start_and_forgotten_meeting(world: World, teams: Directory) -> None:
    """A second start is refused; a meeting left open stops collecting after 12 hours."""
    await _ready(world, teams)
    await _say(world, people.NETWORKER, "/treffen start")
    sent = await _say(world, people.COORDINATOR, "/treffen start")
    assert "läuft schon seit" in (sent[-1].plain_text or "")
    world.clock.advance(timedelta(hours=13))
    sent = await _say(world, people.PROVIDER, "Idee: am nächsten Morgen")
    assert "Gerade läuft kein Netzwerktreffen" in (sent[-1].plain_text or "")
    sent = await _say(world, people.COORDINATOR, "/treffen start")
    assert (sent[-1].plain_text or "").startswith("🟢")
    sessions = await _sessions(world)
    assert len(sessions) == 2 and sessions[0].ended_at is not None


async def test_identifying_idea_in_a_meeting_is_deleted(world: World, teams: Directory) -> None:
    """The gate runs on "Idee:" messages too: the message is deleted, nothing stored."""
    await _ready(world, teams)
    await _say(world, people.NETWORKER, "/treffen start")
    update = message_update(
        people.CASEWORKER, GROUP, "Idee: Frau Schmidt, Tel. 040 123456, will einen Elterntreff"
    )
    sent = await world.feed(update)
    text = sent[-1].plain_text or ""
    assert text.startswith("🔒") and "Schmidt" not in text and "123456" not in text
    assert (GROUP.id, update["message"]["message_id"]) in world.fake.deleted
    assert await ideas(world) == []


async def test_member_of_another_team_in_the_group(world: World, teams: Directory) -> None:
    """Olga (Süd A) posting "Idee:" in Nord A's meeting is told that only members log here."""
    await _ready(world, teams)
    await _say(world, people.NETWORKER, "/treffen start")
    sent = await _say(world, people.OTHER_COORDINATOR, "Idee: Sommerfest")
    assert (sent[-1].plain_text or "").startswith("Ideen für Sozialraumteam Nord A notieren nur")
    assert await ideas(world) == []
