"""``/themen`` end to end: my topics, changing and withdrawing them until the deadline.

Also ``/meinedaten`` and ``/hilfe`` for topics. The clock stands on Monday 23 November 2026,
09:00; Nord A's topics for Tuesday are due Monday 12:00.
"""

from __future__ import annotations

import json
from datetime import timedelta

from bot.crypto import Vault
from bot.storage import directory
from bot.storage.models import Role, TopicStatus
from tests.auxil import people
from tests.auxil.data import Directory, add_member
from tests.auxil.world import World
from tests.conftest import ENCRYPTION_KEY
from tests.test_topics import (
    IDENTIFYING,
    QUESTION,
    SITUATION,
    TRIED,
    WILL,
    assert_nowhere_stored,
    audit_of,
    dialog_of,
    say,
    stored_topics,
    submit,
    with_series,
)

NEW_QUESTION = "Reicht eine Familienhilfe am Nachmittag oder braucht es mehr?"


async def test_my_topics_are_listed_with_code_date_and_question(
    world: World, teams: Directory
) -> None:
    """/themen: one message per queued topic with its buttons; others' topics are not shown."""
    await with_series(world)
    code = await submit(world)
    await submit(world, people.PROVIDER)

    sent = await world.send(people.CASEWORKER, "/themen")
    assert [m.plain_text for m in sent[:1]] == ["📋 Ihre offenen Fallthemen (1)"]
    [item] = sent[1:]
    assert item.plain_text == (
        f"{code} · Sozialraumteam Nord A\n"
        "📅 Dienstag, 24.11.2026, 09:00 Uhr\n"
        f"❓ {QUESTION}\n"
        "✏️ Änderungen bis Montag, 23.11.2026, 12:00 Uhr"
    )
    assert item.button_texts() == ["✏️ Ändern", "↩️ Zurückziehen"]


async def test_no_topics_and_group_get_clear_answers(world: World, teams: Directory) -> None:
    """Nothing queued: a hint to /thema; in the group: only privately."""
    [none] = await world.send(people.CASEWORKER, "/themen")
    assert (
        none.plain_text == "Sie haben keine offenen Fallthemen. Mit /thema reichen Sie eines ein."
    )
    [group] = await world.send(people.CASEWORKER, "/themen", people.NORD_A_GROUP)
    assert (group.plain_text or "").startswith("🔒 Fallthemen nehme ich nur im privaten Chat an")


async def test_changing_an_answer_stores_it_sealed_and_audits_the_field(
    world: World, teams: Directory
) -> None:
    """Ändern → Kernfrage → new text: sealed in place, audit entry with the field name only."""
    await with_series(world)
    code = await submit(world)
    [_, item] = await world.send(people.CASEWORKER, "/themen")
    await world.press(people.CASEWORKER, item, "Ändern")
    which = world.current(item)
    assert which.plain_text == f"Was möchten Sie an {code} ändern?"
    assert which.button_texts() == [
        "Kernfrage",
        "Situation",
        "Wille",
        "Ressourcen",
        "Bisherige Hilfen",
    ]
    [ask] = await world.press(people.CASEWORKER, which, "Kernfrage")
    assert f"Bisher: {QUESTION}" in (ask.plain_text or "")

    # The gate guards changes as well.
    [refused], message_id = await say(world, people.CASEWORKER, IDENTIFYING)
    assert (refused.plain_text or "").startswith("🛑")
    assert (people.CASEWORKER.id, message_id) in world.fake.deleted

    [done] = await world.send(people.CASEWORKER, NEW_QUESTION)
    assert done.plain_text == f"✅ Kernfrage von {code} ist geändert."
    [topic] = await stored_topics(world)
    assert topic.question is not None and topic.question.startswith("gAAAAA")
    assert Vault([ENCRYPTION_KEY]).open(topic.question) == NEW_QUESTION
    [entry] = await audit_of(world, "topic.edited")
    assert entry.details == {"team_id": teams.nord_a, "field": "question"}
    assert await dialog_of(world, people.CASEWORKER) is None
    await assert_nowhere_stored(world, QUESTION, NEW_QUESTION, SITUATION, IDENTIFYING)


async def test_will_can_be_emptied_again(world: World, teams: Directory) -> None:
    """Ändern → Wille → "Leer lassen": the field is cleared."""
    await with_series(world)
    await submit(world)
    [_, item] = await world.send(people.CASEWORKER, "/themen")
    await world.press(people.CASEWORKER, item, "Ändern")
    which = world.current(item)
    [ask] = await world.press(people.CASEWORKER, which, "Wille")
    assert f"Bisher: {WILL}" in (ask.plain_text or "")
    await world.press(people.CASEWORKER, ask, "Leer lassen")
    [topic] = await stored_topics(world)
    assert topic.will is None
    assert topic.tried is not None and Vault([ENCRYPTION_KEY]).open(topic.tried) == TRIED


async def test_changing_to_danger_words_makes_the_topic_urgent_and_tells_coordinators(
    world: World, teams: Directory
) -> None:
    """A change that signals acute danger: § 8a notice, topic urgent, coordinator told."""
    await with_series(world)
    await submit(world)
    [_, item] = await world.send(people.CASEWORKER, "/themen")
    await world.press(people.CASEWORKER, item, "Ändern")
    which = world.current(item)
    await world.press(people.CASEWORKER, which, "Situation")
    [done] = await world.send(
        people.CASEWORKER, "Das Kind berichtet, dass der Vater es schlägt und mit Gewalt droht."
    )
    assert (done.plain_text or "").startswith("🚨 Akute Gefährdung?")
    [topic] = await stored_topics(world)
    assert topic.urgent is True
    delivered = await world.deliver_outbox()
    assert [m.chat_id for m in delivered] == [people.COORDINATOR.id]


async def test_withdraw_asks_first_then_closes_the_topic(world: World, teams: Directory) -> None:
    """Zurückziehen → "Nein" keeps it; → "Ja, zurückziehen" closes it, audited."""
    await with_series(world)
    code = await submit(world)
    [_, item] = await world.send(people.CASEWORKER, "/themen")
    await world.press(people.CASEWORKER, item, "Zurückziehen")
    confirm = world.current(item)
    assert confirm.plain_text == (
        f"Fallthema {code} wirklich zurückziehen? Es kommt dann nicht auf die Tagesordnung."
    )
    await world.press(people.CASEWORKER, confirm, "Nein")
    [topic] = await stored_topics(world)
    assert topic.status == TopicStatus.QUEUED

    [_, item] = await world.send(people.CASEWORKER, "/themen")
    await world.press(people.CASEWORKER, item, "Zurückziehen")
    await world.press(people.CASEWORKER, world.current(item), "Ja, zurückziehen")
    assert world.current(item).plain_text == (
        f"↩️ {code} ist zurückgezogen und kommt nicht auf die Tagesordnung."
    )
    [topic] = await stored_topics(world)
    assert topic.status == TopicStatus.WITHDRAWN
    assert topic.closed_at == world.clock.now()
    [entry] = await audit_of(world, "topic.withdrawn")
    assert entry.details == {"team_id": teams.nord_a, "meeting_id": topic.meeting_id}
    [none] = await world.send(people.CASEWORKER, "/themen")
    assert (none.plain_text or "").startswith("Sie haben keine offenen Fallthemen.")


async def test_after_the_deadline_changes_and_withdrawal_are_refused(
    world: World, teams: Directory
) -> None:
    """Monday 12:30: the old buttons are refused with the deadline; /themen shows no buttons."""
    await with_series(world)
    code = await submit(world)
    [_, item] = await world.send(people.CASEWORKER, "/themen")
    world.clock.advance(timedelta(hours=3, minutes=30))

    assert await world.press(people.CASEWORKER, item, "Ändern") == []
    alert = world.last_callback_answer()
    assert alert["text"] == (
        "Die Frist für Änderungen ist abgelaufen (Montag, 23.11.2026, 12:00 Uhr). "
        "Bitte wenden Sie sich an die Koordination."
    )
    assert alert["show_alert"] is True
    assert await world.press(people.CASEWORKER, item, "Zurückziehen") == []
    assert "Frist für Änderungen ist abgelaufen" in world.last_callback_answer()["text"]
    [topic] = await stored_topics(world)
    assert topic.status == TopicStatus.QUEUED

    [_, late] = await world.send(people.CASEWORKER, "/themen")
    assert late.button_texts() == []
    assert f"{code} · Sozialraumteam Nord A" in (late.plain_text or "")
    assert "🔒 Frist abgelaufen (Montag, 23.11.2026, 12:00 Uhr)" in (late.plain_text or "")


async def test_answer_typed_after_the_deadline_is_not_stored(
    world: World, teams: Directory
) -> None:
    """A change begun before the deadline and typed after it: refused, the old text stays."""
    await with_series(world)
    await submit(world)
    [_, item] = await world.send(people.CASEWORKER, "/themen")
    await world.press(people.CASEWORKER, item, "Ändern")
    which = world.current(item)
    await world.press(people.CASEWORKER, which, "Kernfrage")
    world.clock.advance(timedelta(hours=4))
    [refused] = await world.send(people.CASEWORKER, NEW_QUESTION)
    assert (refused.plain_text or "").startswith("Die Frist für Änderungen ist abgelaufen")
    [topic] = await stored_topics(world)
    assert topic.question is not None
    assert Vault([ENCRYPTION_KEY]).open(topic.question) == QUESTION


async def test_buttons_of_my_topics_are_refused_to_others_and_after_leaving(
    world: World, teams: Directory
) -> None:
    """Olga pressing Sven's button, and Sven after leaving Nord A: refused, nothing changed."""
    await with_series(world)
    await submit(world)
    [_, item] = await world.send(people.CASEWORKER, "/themen")
    data = item.button("Zurückziehen")["callback_data"]

    assert await world.press_data(people.OTHER_COORDINATOR, item, data) == []
    assert world.last_callback_answer()["text"] == "Dieser Knopf gehört zu einer anderen Person."

    await add_member(world.db, people.CASEWORKER, teams.nord_b, Role.ASD, now=world.clock.now())
    async with world.db.transaction() as session:
        member = await directory.get_member(session, telegram_id=people.CASEWORKER.id)
        assert member is not None and member.id is not None
        await directory.remove_from_team(session, member_id=member.id, team_id=teams.nord_a)
    assert await world.press(people.CASEWORKER, item, "Zurückziehen") == []
    assert world.last_callback_answer()["text"].startswith(
        "Sie sind nicht (mehr) Mitglied dieses Teams."
    )
    [topic] = await stored_topics(world)
    assert topic.status == TopicStatus.QUEUED
    [none] = await world.send(people.CASEWORKER, "/themen")
    assert (none.plain_text or "").startswith("Sie haben keine offenen Fallthemen.")


async def test_my_data_lists_topics_by_code_without_case_text(
    world: World, teams: Directory
) -> None:
    """/meinedaten: code, team, date and status of my topics; no question, no situation."""
    await with_series(world)
    code = await submit(world)
    [document] = await world.send(people.CASEWORKER, "/meinedaten")
    assert document.file is not None
    content = document.file.content.decode("utf-8")
    data = json.loads(content)
    [entry] = data["case_topics"]
    assert entry["code"] == code
    assert entry["team"] == "Sozialraumteam Nord A"
    assert entry["meeting_date"] == "2026-11-24"
    assert entry["status"] == "queued"
    for text in (QUESTION, SITUATION, WILL, TRIED):
        assert text not in content
    assert "gAAAAA" not in content


async def test_help_shows_the_topic_commands_in_private_only(
    world: World, teams: Directory
) -> None:
    """Members read about /thema and /themen in private; the group help stays as it was."""
    [private] = await world.send(people.CASEWORKER, "/hilfe")
    assert "/thema – ein Fallthema" in (private.plain_text or "")
    assert "/themen – Ihre eingereichten Themen" in (private.plain_text or "")
    await world.send(people.COORDINATOR, "/verbinden", people.NORD_A_GROUP)
    [group] = await world.send(people.CASEWORKER, "/hilfe", people.NORD_A_GROUP)
    assert "/thema –" not in (group.plain_text or "")


async def test_topic_commands_are_in_the_private_menu(world: World, teams: Directory) -> None:
    """Telegram's private-chat menu offers /thema and /themen in both languages."""
    for language in ("", "de", "en"):
        menu = world.fake.commands({"type": "all_private_chats"}, language)
        names = [command["command"] for command in menu]
        assert "thema" in names and "themen" in names
    group_menu = world.fake.commands({"type": "all_group_chats"}, "")
    assert "thema" not in [command["command"] for command in group_menu]


async def test_topics_alias_in_english(world: World, teams: Directory) -> None:
    """/topic and /topics work as well."""
    [answer] = await world.send(people.CASEWORKER, "/topic")
    assert "Neues Fallthema" in (answer.plain_text or "")
    await world.send(people.CASEWORKER, "/abbrechen")
    [listing] = await world.send(people.CASEWORKER, "/topics")
    assert (listing.plain_text or "").startswith("Sie haben keine offenen Fallthemen.")
