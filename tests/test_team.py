"""``/team``, ``/entfernen`` and ``/austreten`` end to end: coordinators, members, strangers."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.storage import directory, interaction
from bot.storage.models import AuditEntry, Role
from tests.auxil import people
from tests.auxil.builders import TgChat, TgUser
from tests.auxil.data import Directory, add_member
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.world import World

STRANGER = "Ich kenne Sie noch nicht"  # the gate's answer to people it does not know


# -- helpers ------------------------------------------------------------------------------


async def _bind(world: World, user: TgUser, group: TgChat, team_button: str) -> None:
    sent = await world.send(user, "/verbinden", group)
    await world.press(user, sent[-1], team_button)


async def _audit(world: World, action: str) -> list[AuditEntry]:
    async with world.db.transaction() as session:
        rows = await session.exec(select(AuditEntry).where(AuditEntry.action == action))
        return list(rows.all())


async def _roles(world: World, user: TgUser, team_id: int) -> set[str]:
    async with world.db.transaction() as session:
        member = await directory.get_member(session, telegram_id=user.id)
        if member is None or member.id is None:
            return set()
        return (await directory.roles_by_team(session, member_id=member.id)).get(team_id, set())


async def _join_with_invite(world: World, user: TgUser, role: str) -> None:
    sent = await world.send(people.COORDINATOR, "/einladen")
    await world.press(people.COORDINATOR, sent[-1], role)
    text = world.current(sent[-1]).plain_text or ""
    link = next(word for word in text.split() if word.startswith("https://t.me/"))
    await world.send(user, f"/start {link.split('start=')[1]}")


async def _open_removal(world: World, member_button: str) -> SentMessage:
    """Carla starts /entfernen and picks a person; returns the confirmation message."""
    sent = await world.send(people.COORDINATOR, "/entfernen")
    await world.press(people.COORDINATOR, sent[-1], member_button)
    return world.current(sent[-1])


# -- /team --------------------------------------------------------------------------------


async def test_team_lists_members_and_roles_of_my_team(world: World, teams: Directory) -> None:
    """A caseworker sees the team, its social space, every member with roles, nothing else."""
    text = (await world.send(people.CASEWORKER, "/team"))[-1].plain_text or ""
    assert text.startswith("👥 Sozialraumteam Nord A – Friedrichsgabe / Harksheide-Nord")
    assert "Teamgruppe: noch nicht verbunden" in text
    assert "• Carla Koordination – ASD (Allgemeiner Sozialer Dienst), Koordination" in text
    assert "• Petra Träger – Träger ambulant" in text
    assert "• Sven Sozialarbeit – ASD (Allgemeiner Sozialer Dienst)" in text
    assert "Süd A" not in text
    assert "Olga" not in text


async def test_administrator_sees_every_team(world: World, teams: Directory) -> None:
    """An administrator without own membership gets all teams, empty ones marked."""
    text = (await world.send(people.ADMIN, "/team"))[-1].plain_text or ""
    for name in ("Sozialraumteam Nord A", "Sozialraumteam Nord B", "Sozialraumteam Süd A"):
        assert name in text
    assert "(noch keine Mitglieder)" in text
    assert "Olga Süd – Koordination" in text


async def test_hostile_name_is_escaped_everywhere_and_shown_literally(
    world: World, teams: Directory
) -> None:
    """A member called <b>Tom & Jerry</b> joins by link; rosters and notices show it verbatim."""
    await _join_with_invite(world, people.HOSTILE, "Träger stationär")
    literal = "<b>Tom & Jerry</b> <i>x</i>"
    escaped = "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; &lt;i&gt;x&lt;/i&gt;"

    roster = (await world.send(people.COORDINATOR, "/team"))[-1]
    assert f"• {escaped} – Träger stationär" in (roster.text or "")
    assert f"• {literal} – Träger stationär" in (roster.plain_text or "")
    assert [entity["type"] for entity in roster.entities] == ["bold"]  # only the team header

    notice = (await world.deliver_outbox())[-1]
    assert notice.chat_id == people.COORDINATOR.id
    assert literal in (notice.plain_text or "")

    confirmation = await _open_removal(world, literal)
    assert f"{literal} wirklich aus dem Sozialraumteam Nord A entfernen?" in (
        confirmation.plain_text or ""
    )


async def test_team_in_bound_group_shows_only_that_team(world: World, teams: Directory) -> None:
    """In Nord A's group even an administrator sees Nord A's roster only."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    for user in (people.ADMIN, people.CASEWORKER):
        text = (await world.send(user, "/team", people.NORD_A_GROUP))[-1].plain_text or ""
        assert "Sozialraumteam Nord A" in text
        assert "Teamgruppe: verbunden" in text
        assert "Sven Sozialarbeit" in text
        assert "Süd A" not in text
        assert "Nord B" not in text
        assert "Olga" not in text


async def test_team_in_group_of_another_team_shows_no_roster(
    world: World, teams: Directory
) -> None:
    """Olga (Süd A) asking in Nord A's group learns that it is not her team, and no names."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    text = await world.reply_text(people.OTHER_COORDINATOR, "/team", people.NORD_A_GROUP)
    assert "nicht Mitglied" in text
    assert "/team im privaten Chat" in text
    for name in ("Carla", "Sven", "Petra", "Olga"):
        assert name not in text


async def test_team_in_unbound_group_says_it_is_unbound(world: World, teams: Directory) -> None:
    """A member asking in a group nobody bound yet is told how to bind it."""
    text = await world.reply_text(people.CASEWORKER, "/team", people.SUED_A_GROUP)
    assert "noch mit keinem Team verbunden" in text
    assert "/verbinden" in text
    assert "keinem Team." not in text  # not the misleading "you are in no team"


async def test_stranger_gets_only_the_invitation_answer_in_a_group(
    world: World, teams: Directory
) -> None:
    """A stranger's /team in a bound group reveals no roster."""
    await _bind(world, people.COORDINATOR, people.NORD_A_GROUP, "Sozialraumteam Nord A")
    text = await world.reply_text(people.STRANGER, "/team", people.NORD_A_GROUP)
    assert "Einladung" in text
    assert "Sven" not in text
    assert "Nord A" not in text


# -- /entfernen ---------------------------------------------------------------------------


async def test_coordinator_removes_member_after_confirmation(
    world: World, teams: Directory
) -> None:
    """Choose, confirm: the access ends at once, the person is told, the audit names nobody."""
    sent = await world.send(people.COORDINATOR, "/entfernen")
    choice = sent[-1]
    assert choice.plain_text == "Wen möchten Sie aus dem Sozialraumteam Nord A entfernen?"
    assert choice.button_texts() == ["Petra Träger", "Sven Sozialarbeit"]  # not Carla herself

    await world.press(people.COORDINATOR, choice, "Sven Sozialarbeit")
    confirmation = world.current(choice)
    assert confirmation.plain_text == (
        "Sven Sozialarbeit wirklich aus dem Sozialraumteam Nord A entfernen? "
        "Der Zugang endet sofort."
    )
    assert confirmation.button_texts() == ["Ja, entfernen", "Nein"]

    await world.press(people.COORDINATOR, confirmation, "Ja, entfernen")
    done = world.current(choice)
    assert (done.plain_text or "").startswith(
        "✅ Sven Sozialarbeit wurde aus dem Sozialraumteam Nord A entfernt"
    )
    assert done.buttons() == []
    assert await _roles(world, people.CASEWORKER, teams.nord_a) == set()

    notices = await world.deliver_outbox()
    assert [(m.chat_id, m.plain_text) for m in notices] == [
        (
            people.CASEWORKER.id,
            "Sie wurden aus dem Sozialraumteam Nord A entfernt. "
            "Bei Fragen wenden Sie sich an die Koordination.",
        )
    ]
    answer = await world.reply_text(people.CASEWORKER, "/team")
    assert STRANGER in answer
    assert "Petra" not in answer

    [entry] = await _audit(world, "membership.removed")
    assert entry.actor_id == people.COORDINATOR.id
    assert (entry.object_type, entry.object_id) == ("team", str(teams.nord_a))
    assert "Sven" not in repr(entry.details) and "Sozialarbeit" not in repr(entry.details)
    assert set(entry.details) == {"member_id", "roles_removed"}


async def test_no_in_removal_confirmation_changes_nothing(world: World, teams: Directory) -> None:
    """ "Nein" keeps the member, says so, and makes the "Ja" button stale."""
    confirmation = await _open_removal(world, "Petra Träger")
    yes_token = confirmation.button("Ja, entfernen")["callback_data"]
    await world.press(people.COORDINATOR, confirmation, "Nein")
    assert world.current(confirmation).plain_text == "Gut, nichts geändert."

    await world.press_data(people.COORDINATOR, confirmation, yes_token)
    assert "nicht mehr gültig" in world.last_callback_answer()["text"]
    assert await _roles(world, people.PROVIDER, teams.nord_a) == {Role.TRAEGER_AMBULANT}
    assert await _audit(world, "membership.removed") == []
    assert await world.deliver_outbox() == []


async def test_coordinator_of_other_team_is_offered_only_own_team(
    world: World, teams: Directory
) -> None:
    """Olga coordinates Süd A: she sees Süd A's people only, never Nord A's."""
    await add_member(
        world.db, people.NETWORKER, teams.sued_a, Role.NETZWERK, now=world.clock.now()
    )
    sent = await world.send(people.OTHER_COORDINATOR, "/entfernen")
    assert sent[-1].plain_text == "Wen möchten Sie aus dem Sozialraumteam Süd A entfernen?"
    assert sent[-1].button_texts() == ["Nils Netzwerk"]


async def test_foreign_and_forged_removal_buttons_are_refused(
    world: World, teams: Directory
) -> None:
    """Carla's button pressed by Olga, a made-up token, and a planted token all change nothing."""
    carla = (await world.send(people.COORDINATOR, "/entfernen"))[-1]
    olga = (await world.send(people.OTHER_COORDINATOR, "/entfernen"))[-1]
    token = carla.button("Sven Sozialarbeit")["callback_data"]

    await world.press_data(people.OTHER_COORDINATOR, olga, token)
    assert "nicht mehr gültig" in world.last_callback_answer()["text"]  # other chat
    await world.press_data(people.OTHER_COORDINATOR, carla, token)
    assert "anderen Person" in world.last_callback_answer()["text"]
    await world.press_data(people.OTHER_COORDINATOR, olga, f"remove.confirm:{teams.nord_a}:2")
    assert "nicht mehr gültig" in world.last_callback_answer()["text"]

    # Even a stored button of Olga's own that points at Nord A is checked against her rights.
    async with world.db.transaction() as session:
        sven = await directory.get_member(session, telegram_id=people.CASEWORKER.id)
        assert sven is not None
        planted = await interaction.create_button(
            session,
            batch="planted",
            chat_id=people.OTHER_COORDINATOR.id,
            telegram_id=people.OTHER_COORDINATOR.id,
            action="remove.confirm",
            payload={"team_id": teams.nord_a, "member_id": sven.id},
            now=world.clock.now(),
            ttl=timedelta(hours=1),
        )
    await world.press_data(people.OTHER_COORDINATOR, olga, planted)
    answer = world.last_callback_answer()
    assert answer["show_alert"] is True
    assert "Entfernen können nur" in answer["text"]

    assert await _roles(world, people.CASEWORKER, teams.nord_a) == {Role.ASD}
    assert await _audit(world, "membership.removed") == []


async def test_removal_is_refused_in_a_group(world: World, teams: Directory) -> None:
    """/entfernen in a group answers "private only" and shows no names or buttons."""
    sent = await world.send(people.COORDINATOR, "/entfernen", people.NORD_A_GROUP)
    assert len(sent) == 1
    assert sent[0].plain_text == "Das geht nur im privaten Chat mit mir. Schreiben Sie mir direkt."
    assert sent[0].buttons() == []


async def test_caseworker_cannot_remove(world: World, teams: Directory) -> None:
    """A member without coordination gets a refusal and no buttons."""
    sent = await world.send(people.CASEWORKER, "/entfernen")
    assert "Entfernen können nur die Koordination" in (sent[-1].plain_text or "")
    assert sent[-1].buttons() == []


async def test_administrator_chooses_team_then_person(world: World, teams: Directory) -> None:
    """Administrators pick the team first; a team with nobody but them says so."""
    sent = await world.send(people.ADMIN, "/entfernen")
    assert sent[-1].button_texts() == [
        "Sozialraumteam Nord A",
        "Sozialraumteam Nord B",
        "Sozialraumteam Süd A",
    ]
    await world.press(people.ADMIN, sent[-1], "Sozialraumteam Nord B")
    assert "gibt es außer Ihnen niemanden" in (world.current(sent[-1]).plain_text or "")


async def test_confirming_removal_of_someone_who_left_meanwhile_says_so(
    world: World, teams: Directory
) -> None:
    """Petra leaves while Carla's confirmation is open: "Ja" explains and records nothing."""
    confirmation = await _open_removal(world, "Petra Träger")
    leave = (await world.send(people.PROVIDER, "/austreten"))[-1]
    await world.press(people.PROVIDER, leave, "Ja, austreten")

    await world.press(people.COORDINATOR, confirmation, "Ja, entfernen")
    assert world.current(confirmation).plain_text == "Diese Person ist nicht mehr im Team."
    assert await _audit(world, "membership.removed") == []


# -- /austreten ---------------------------------------------------------------------------


async def test_member_leaves_after_confirmation_and_coordinators_are_told(
    world: World, teams: Directory
) -> None:
    """With one team the question comes at once; leaving ends access and tells Carla."""
    sent = await world.send(people.PROVIDER, "/austreten")
    question = sent[-1]
    assert question.plain_text == (
        "Wirklich aus dem Sozialraumteam Nord A austreten? "
        "Für eine Rückkehr brauchen Sie eine neue Einladung."
    )
    await world.press(people.PROVIDER, question, "Ja, austreten")
    assert (
        world.current(question).plain_text == "Sie sind aus dem Sozialraumteam Nord A ausgetreten."
    )

    notices = await world.deliver_outbox()
    assert [(m.chat_id, m.plain_text) for m in notices] == [
        (people.COORDINATOR.id, "👤 Petra Träger ist aus dem Sozialraumteam Nord A ausgetreten.")
    ]
    assert STRANGER in await world.reply_text(people.PROVIDER, "/team")
    [entry] = await _audit(world, "membership.left")
    assert entry.actor_id == people.PROVIDER.id
    assert "Petra" not in repr(entry.details)


async def test_member_of_two_teams_chooses_which_to_leave(world: World, teams: Directory) -> None:
    """Sven in Nord A and Süd A leaves Süd A only; Olga, not Carla, is told."""
    await add_member(world.db, people.CASEWORKER, teams.sued_a, Role.ASD, now=world.clock.now())
    sent = await world.send(people.CASEWORKER, "/austreten")
    message = sent[-1]
    assert message.plain_text == "Aus welchem Team möchten Sie austreten?"
    assert message.button_texts() == ["Sozialraumteam Nord A", "Sozialraumteam Süd A"]

    await world.press(people.CASEWORKER, message, "Sozialraumteam Süd A")
    await world.press(people.CASEWORKER, world.current(message), "Ja, austreten")

    assert await _roles(world, people.CASEWORKER, teams.sued_a) == set()
    assert await _roles(world, people.CASEWORKER, teams.nord_a) == {Role.ASD}
    notices = await world.deliver_outbox()
    assert [m.chat_id for m in notices] == [people.OTHER_COORDINATOR.id]
    roster = await world.reply_text(people.CASEWORKER, "/team")
    assert "Nord A" in roster
    assert "Süd A" not in roster


async def test_no_when_leaving_changes_nothing(world: World, teams: Directory) -> None:
    """ "Nein" keeps the membership and tells nobody."""
    question = (await world.send(people.PROVIDER, "/austreten"))[-1]
    await world.press(people.PROVIDER, question, "Nein")
    assert world.current(question).plain_text == "Gut, nichts geändert."
    assert await _roles(world, people.PROVIDER, teams.nord_a) == {Role.TRAEGER_AMBULANT}
    assert await world.deliver_outbox() == []


async def test_leaving_is_refused_in_a_group(world: World, teams: Directory) -> None:
    """/austreten in the team group answers "private only" without buttons."""
    sent = await world.send(people.CASEWORKER, "/austreten", people.NORD_A_GROUP)
    assert len(sent) == 1
    assert "nur im privaten Chat" in (sent[0].plain_text or "")
    assert sent[0].buttons() == []


async def test_removed_member_cannot_use_old_buttons(world: World, teams: Directory) -> None:
    """Sven's open /austreten buttons stop working the moment Carla removes him."""
    question = (await world.send(people.CASEWORKER, "/austreten"))[-1]
    confirmation = await _open_removal(world, "Sven Sozialarbeit")
    await world.press(people.COORDINATOR, confirmation, "Ja, entfernen")

    await world.press(people.CASEWORKER, question, "Ja, austreten")
    answer = world.last_callback_answer()
    assert answer["show_alert"] is True
    assert "Einladung" in answer["text"]
    assert await _audit(world, "membership.left") == []
