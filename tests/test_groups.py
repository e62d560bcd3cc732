"""Team groups end to end: /verbinden, the bot being added or removed, supergroup migration."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from bot.storage import outbox
from bot.storage.models import AuditEntry, BotChat, OutboxMessage, Team
from tests.auxil import people
from tests.auxil.builders import (
    TgChat,
    TgUser,
    callback_update,
    group_chat,
    message_dict_from_sent,
    migrate_from_update,
    migrate_update,
    my_chat_member_update,
)
from tests.auxil.data import Directory
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.world import World

#: Nord A's group after Telegram upgraded it to a supergroup (new id, same title).
NORD_A_SUPERGROUP = group_chat(-1001234567890, "Sozialraumteam Nord A", supergroup=True)
OTHER_GROUP = group_chat(-100333, "Sozialraum Nord A (neu)")


# -- helpers ------------------------------------------------------------------------------


async def _bind(world: World, user: TgUser, group: TgChat, team_button: str) -> str:
    """``user`` binds ``group`` with /verbinden; returns the text the group then shows."""
    sent = await world.send(user, "/verbinden", group)
    await world.press(user, sent[-1], team_button)
    return world.current(sent[-1]).plain_text or ""


async def _chat_of(world: World, team_id: int) -> int | None:
    async with world.db.transaction() as session:
        team = await session.get(Team, team_id)
        assert team is not None
        return team.chat_id


async def _audit(world: World, action: str) -> list[AuditEntry]:
    async with world.db.transaction() as session:
        rows = await session.exec(select(AuditEntry).where(AuditEntry.action == action))
        return list(rows.all())


async def _bot_status(
    world: World, user: TgUser, chat: TgChat, old: str, new: str
) -> list[SentMessage]:
    return await world.feed(
        my_chat_member_update(user, chat, old_status=old, new_status=new, bot_user=world.bot_user)
    )


# -- /verbinden ---------------------------------------------------------------------------


async def test_coordinator_binds_group_to_own_team(world: World, teams: Directory) -> None:
    """Carla's /verbinden offers her team only; pressing it binds and audits the binding."""
    sent = await world.send(people.COORDINATOR, "/verbinden", people.NORD_A_GROUP)
    assert sent[-1].plain_text == "Mit welchem Team soll diese Gruppe verbunden werden?"
    assert sent[-1].button_texts() == ["Sozialraumteam Nord A"]

    await world.press(people.COORDINATOR, sent[-1], "Sozialraumteam Nord A")
    done = world.current(sent[-1])
    assert (done.plain_text or "").startswith(
        "✅ Diese Gruppe ist jetzt die Teamgruppe von Sozialraumteam Nord A."
    )
    assert "nie Falldetails" in (done.plain_text or "")
    assert await _chat_of(world, teams.nord_a) == people.NORD_A_GROUP.id

    [entry] = await _audit(world, "group.bound")
    assert entry.actor_id == people.COORDINATOR.id
    assert (entry.object_type, entry.object_id) == ("team", str(teams.nord_a))
    assert entry.details == {"chat_id": people.NORD_A_GROUP.id, "previous_chat_id": None}

    roster = await world.reply_text(people.CASEWORKER, "/team")
    assert "Teamgruppe: verbunden" in roster


async def test_plain_member_cannot_bind(world: World, teams: Directory) -> None:
    """Sven (ASD, no coordination) is refused without buttons; nothing is bound."""
    sent = await world.send(people.CASEWORKER, "/verbinden", people.NORD_A_GROUP)
    assert len(sent) == 1
    assert sent[0].plain_text == (
        "Gruppen verbinden können nur die Koordination eines Teams und Administrator:innen."
    )
    assert sent[0].buttons() == []
    assert await _chat_of(world, teams.nord_a) is None


async def test_verbinden_in_private_explains_where_it_works(
    world: World, teams: Directory
) -> None:
    """In the private chat the coordinator learns to add the bot to the group first."""
    text = await world.reply_text(people.COORDINATOR, "/verbinden")
    assert text == (
        "/verbinden funktioniert nur in der Telegram-Gruppe des Teams: "
        "Fügen Sie mich dort hinzu und schreiben Sie dort /verbinden."
    )
    assert await world.count("team", "chat_id IS NOT NULL") == 0


async def test_stranger_cannot_bind(world: World, teams: Directory) -> None:
    """An unknown person in a group gets the invitation answer and binds nothing."""
    text = await world.reply_text(people.STRANGER, "/verbinden", people.NORD_A_GROUP)
    assert "Einladung" in text
    assert await world.count("team", "chat_id IS NOT NULL") == 0


async def test_administrator_rebinds_group_to_another_team(world: World, teams: Directory) -> None:
    """Moving Nord A's group to Süd A unbinds Nord A, audits both, and tells Carla."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    sent = await world.send(people.ADMIN, "/verbinden", people.NORD_A_GROUP)
    assert sent[-1].plain_text == (
        "Diese Gruppe ist mit Sozialraumteam Nord A verbunden. "
        "Mit welchem Team soll sie stattdessen verbunden werden?"
    )
    await world.press(people.ADMIN, sent[-1], "Sozialraumteam Süd A")

    assert await _chat_of(world, teams.sued_a) == people.NORD_A_GROUP.id
    assert await _chat_of(world, teams.nord_a) is None
    [unbound] = await _audit(world, "group.unbound")
    assert unbound.object_id == str(teams.nord_a)
    assert unbound.actor_id == people.ADMIN.id
    assert unbound.details["reason"] == "rebound"

    notices = await world.deliver_outbox()
    assert [m.chat_id for m in notices] == [people.COORDINATOR.id]
    assert (notices[0].plain_text or "").startswith(
        "ℹ️ Die Teamgruppe von Sozialraumteam Nord A ist jetzt mit Sozialraumteam Süd A verbunden."
    )
    text = await world.reply_text(people.OTHER_COORDINATOR, "/team", people.NORD_A_GROUP)
    assert "Sozialraumteam Süd A" in text
    assert "Sven" not in text


async def test_coordinator_of_other_team_cannot_take_over_a_bound_group(
    world: World, teams: Directory
) -> None:
    """Olga (Süd A) cannot rebind Nord A's group to her team."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    sent = await world.send(people.OTHER_COORDINATOR, "/verbinden", people.NORD_A_GROUP)
    assert len(sent) == 1
    assert sent[0].plain_text == (
        "Diese Gruppe ist mit Sozialraumteam Nord A verbunden. "
        "Ändern können das nur die Koordination dieses Teams und Administrator:innen."
    )
    assert sent[0].buttons() == []
    assert await _chat_of(world, teams.nord_a) == people.NORD_A_GROUP.id
    assert await _chat_of(world, teams.sued_a) is None


async def test_open_bind_button_is_checked_again_when_pressed(
    world: World, teams: Directory
) -> None:
    """Olga's keyboard from before Carla bound the group no longer takes it over."""
    olga = (await world.send(people.OTHER_COORDINATOR, "/verbinden", people.NORD_A_GROUP))[-1]
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")

    await world.press(people.OTHER_COORDINATOR, olga, "Sozialraumteam Süd A")
    answer = world.last_callback_answer()
    assert answer["show_alert"] is True
    assert "Ändern können das nur" in answer["text"]
    assert await _chat_of(world, teams.nord_a) == people.NORD_A_GROUP.id
    assert await _chat_of(world, teams.sued_a) is None


async def test_binding_the_same_team_again_changes_nothing(world: World, teams: Directory) -> None:
    """Choosing the team the group already belongs to says so and writes no audit row."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    text = await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    assert text == (
        "Diese Gruppe ist schon die Teamgruppe von Sozialraumteam Nord A. "
        "Es bleibt alles, wie es ist."
    )
    assert len(await _audit(world, "group.bound")) == 1


async def test_binding_a_new_group_releases_the_old_one(world: World, teams: Directory) -> None:
    """A team has one group: binding another one leaves the first unbound."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    await _bind(world, people.COORDINATOR, OTHER_GROUP, "Sozialraumteam Nord A")
    assert await _chat_of(world, teams.nord_a) == OTHER_GROUP.id
    entries = await _audit(world, "group.bound")
    assert entries[-1].details["previous_chat_id"] == people.NORD_A_GROUP.id
    text = await world.reply_text(people.CASEWORKER, "/team", people.NORD_A_GROUP)
    assert "noch mit keinem Team verbunden" in text


# -- the bot added to and removed from groups ---------------------------------------------


async def test_bot_added_to_group_posts_the_hint(world: World, teams: Directory) -> None:
    """Being added, the bot greets the group (via the outbox) and explains /verbinden."""
    assert (
        await _bot_status(world, people.COORDINATOR, people.NORD_A_GROUP, "left", "member") == []
    )
    sent = await world.deliver_outbox()
    assert [m.chat_id for m in sent] == [people.NORD_A_GROUP.id]
    text = sent[0].plain_text or ""
    assert text.startswith("👋 Hallo! Ich bin der Sozialraum-Bot des Jugendamts.")
    assert "schreibt die Teamkoordination hier /verbinden" in text
    assert "nie Namen" in text
    async with world.db.transaction() as session:
        chat = await session.get(BotChat, people.NORD_A_GROUP.id)
        assert chat is not None and chat.status == "member"


async def test_bot_added_by_english_speaker_greets_in_german(
    world: World, teams: Directory
) -> None:
    """The greeting is for the whole group: in the default language, not the adder's."""
    sent = await world.send(people.COORDINATOR, "/einstellungen")
    await world.press(people.COORDINATOR, sent[-1], "English")
    await _bot_status(world, people.COORDINATOR, people.NORD_A_GROUP, "left", "administrator")
    [hint] = await world.deliver_outbox()
    assert (hint.plain_text or "").startswith("👋 Hallo!")


@pytest.mark.parametrize("new_status", ["left", "kicked"])
async def test_bot_removed_from_group_unbinds_and_tells_coordinators(
    world: World, teams: Directory, new_status: str
) -> None:
    """Removed or banned: the binding ends, is audited, and Carla hears of it privately."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    posted = await _bot_status(
        world, people.STRANGER, people.NORD_A_GROUP, "administrator", new_status
    )
    assert posted == []
    assert await _chat_of(world, teams.nord_a) is None
    [entry] = await _audit(world, "group.unbound")
    assert entry.actor_id == people.STRANGER.id
    assert entry.details == {"chat_id": people.NORD_A_GROUP.id, "reason": "bot_removed"}

    notices = await world.deliver_outbox()
    assert [(m.chat_id, m.plain_text) for m in notices] == [
        (
            people.COORDINATOR.id,
            "ℹ️ Ich wurde aus der Teamgruppe von Sozialraumteam Nord A entfernt; die Gruppe ist "
            "nicht mehr mit dem Team verbunden. Für eine neue Teamgruppe fügen Sie mich dort "
            "hinzu und schreiben Sie /verbinden.",
        )
    ]


async def test_bot_removed_from_unbound_group_tells_nobody(world: World, teams: Directory) -> None:
    """Leaving a group that was never bound changes no team and queues nothing."""
    await _bot_status(world, people.COORDINATOR, people.SUED_A_GROUP, "member", "left")
    assert await world.count("outbox") == 0
    assert await _audit(world, "group.unbound") == []


async def test_promoting_the_bot_keeps_the_binding(world: World, teams: Directory) -> None:
    """Member → administrator is no arrival: no greeting, binding untouched."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    await _bot_status(world, people.COORDINATOR, people.NORD_A_GROUP, "member", "administrator")
    assert await _chat_of(world, teams.nord_a) == people.NORD_A_GROUP.id
    assert await world.count("outbox") == 0


async def test_restricting_the_bot_keeps_the_binding(world: World, teams: Directory) -> None:
    """A bot restricted by a group admin is still in the group: the team keeps it."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    update: dict[str, Any] = my_chat_member_update(
        people.COORDINATOR,
        people.NORD_A_GROUP,
        old_status="member",
        new_status="restricted",
        bot_user=world.bot_user,
    )
    await world.feed(update)
    assert await _chat_of(world, teams.nord_a) == people.NORD_A_GROUP.id
    assert await _audit(world, "group.unbound") == []


# -- group → supergroup migration ---------------------------------------------------------


def _migration(order: str, actor: TgUser = people.COORDINATOR) -> list[dict[str, Any]]:
    to_new = migrate_update(actor, people.NORD_A_GROUP, NORD_A_SUPERGROUP.id)
    from_old = migrate_from_update(actor, NORD_A_SUPERGROUP, people.NORD_A_GROUP.id)
    return [to_new, from_old] if order == "to_first" else [from_old, to_new]


@pytest.mark.parametrize("order", ["to_first", "from_first"])
async def test_binding_follows_the_group_to_its_supergroup(
    world: World, teams: Directory, order: str
) -> None:
    """Both service messages, in either order and twice over, move the binding exactly once."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    await _bot_status(world, people.COORDINATOR, people.NORD_A_GROUP, "left", "member")
    await world.deliver_outbox()

    for update in _migration(order) + _migration(order):  # Telegram's pair, then once more
        assert await world.feed(update) == []
    assert await _chat_of(world, teams.nord_a) == NORD_A_SUPERGROUP.id
    [entry] = await _audit(world, "group.migrated")
    assert entry.object_id == str(teams.nord_a)
    assert entry.details == {
        "old_chat_id": people.NORD_A_GROUP.id,
        "new_chat_id": NORD_A_SUPERGROUP.id,
    }
    async with world.db.transaction() as session:
        assert await session.get(BotChat, people.NORD_A_GROUP.id) is None
        assert await session.get(BotChat, NORD_A_SUPERGROUP.id) is not None

    roster = await world.reply_text(people.CASEWORKER, "/team", NORD_A_SUPERGROUP)
    assert "Sozialraumteam Nord A" in roster
    assert "Teamgruppe: verbunden" in roster


async def test_pending_group_messages_follow_the_migration(world: World, teams: Directory) -> None:
    """A notice queued for the old group id is delivered to the supergroup."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    async with world.db.transaction() as session:
        await outbox.enqueue(
            session,
            chat_id=people.NORD_A_GROUP.id,
            text="Tagesordnung folgt",
            now=world.clock.now(),
        )
    for update in _migration("to_first"):
        await world.feed(update)

    async with world.db.transaction() as session:
        rows = (await session.exec(select(OutboxMessage.chat_id))).all()
    assert rows == [NORD_A_SUPERGROUP.id]
    [sent] = await world.deliver_outbox()
    assert (sent.chat_id, sent.plain_text) == (NORD_A_SUPERGROUP.id, "Tagesordnung folgt")


async def test_open_bind_keyboard_still_works_after_migration(
    world: World, teams: Directory
) -> None:
    """Buttons posted before the upgrade are pressed with the new chat id and still work."""
    sent = await world.send(people.COORDINATOR, "/verbinden", people.NORD_A_GROUP)
    for update in _migration("to_first"):
        await world.feed(update)
    raw = message_dict_from_sent(sent[-1], world.bot_user)
    raw["chat"] = NORD_A_SUPERGROUP.to_dict()
    token = sent[-1].button("Sozialraumteam Nord A")["callback_data"]
    await world.feed(callback_update(people.COORDINATOR, raw, token))
    assert await _chat_of(world, teams.nord_a) == NORD_A_SUPERGROUP.id


# -- strangers in team groups --


async def test_migration_announced_only_in_new_group_by_non_member(
    world: World, teams: Directory
) -> None:
    """The group owner upgrading the group need not be a member; the binding must follow."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    await world.feed(
        migrate_from_update(people.STRANGER, NORD_A_SUPERGROUP, people.NORD_A_GROUP.id)
    )
    assert await _chat_of(world, teams.nord_a) == NORD_A_SUPERGROUP.id


async def test_sending_to_an_upgraded_group_moves_binding_and_message(
    world: World, teams: Directory
) -> None:
    """Telegram refuses the old id first: the notice, the binding and later service messages
    all end up at the supergroup, and the move is audited once."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    async with world.db.transaction() as session:
        await outbox.enqueue(
            session,
            chat_id=people.NORD_A_GROUP.id,
            text="Tagesordnung folgt",
            now=world.clock.now(),
        )
    world.fake.fail_next(
        "sendMessage",
        status=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=NORD_A_SUPERGROUP.id,
    )
    [sent] = await world.deliver_outbox()
    assert (sent.chat_id, sent.plain_text) == (NORD_A_SUPERGROUP.id, "Tagesordnung folgt")
    assert await _chat_of(world, teams.nord_a) == NORD_A_SUPERGROUP.id

    for update in _migration("from_first"):
        await world.feed(update)
    assert await _chat_of(world, teams.nord_a) == NORD_A_SUPERGROUP.id
    assert len(await _audit(world, "group.migrated")) == 1


async def test_stranger_command_for_another_bot_is_ignored(world: World, teams: Directory) -> None:
    """In a shared group, /poll@other_bot from a guest is none of this bot's business."""
    assert await world.send(people.STRANGER, "/poll@other_bot", people.NORD_A_GROUP) == []
