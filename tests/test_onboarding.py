"""Onboarding end to end: a stranger, an invitation link, joining, and the team roster."""

from __future__ import annotations

from datetime import timedelta

from bot.storage.models import Role
from tests.auxil import people
from tests.auxil.data import Directory
from tests.auxil.world import World


async def _invite_link(world: World, inviter, team_button: str | None, role: str) -> str:  # type: ignore[no-untyped-def]
    sent = await world.send(inviter, "/einladen")
    message = sent[-1]
    if team_button is not None:
        await world.press(inviter, message, team_button)
        message = world.current(message)
    await world.press(inviter, message, role)
    text = world.current(message).text or ""
    return next(word for word in text.split() if word.startswith("https://t.me/"))


async def test_stranger_gets_greeting_privacy_notice_and_invitation_hint(world: World) -> None:
    """/start from an unknown person explains the bot, the privacy rule and the invitation."""
    text = await world.reply_text(people.STRANGER, "/start")
    assert "Sozialraum-Bot" in text
    assert "nicht Ende-zu-Ende-verschlüsselt" in text
    assert "Einladungslink" in text


async def test_stranger_gets_no_team_data(world: World, teams: Directory) -> None:
    """/team from a stranger answers only that an invitation is needed."""
    text = await world.reply_text(people.STRANGER, "/team")
    assert "Einladung" in text
    assert "Carla" not in text
    assert "Nord A" not in text


async def test_coordinator_invites_and_new_member_joins_with_role(
    world: World, teams: Directory
) -> None:
    """A coordinator's one-time link makes a stranger a member with the chosen role."""
    link = await _invite_link(world, people.COORDINATOR, None, "Netzwerkarbeit")
    assert link.startswith("https://t.me/sozialraum_test_bot?start=")
    code = link.split("start=")[1]
    assert len(code.encode()) <= 64

    text = await world.reply_text(people.NETWORKER, f"/start {code}")
    assert "Willkommen im <b>Sozialraumteam Nord A</b>" in text
    assert "Netzwerkarbeit" in text

    roster = await world.reply_text(people.NETWORKER, "/team")
    assert "Nils Netzwerk – Netzwerkarbeit" in roster
    assert "Carla Koordination" in roster
    assert await world.count("invite", f"code_hash = '{code}'") == 0  # only the hash is kept

    notices = await world.deliver_outbox()
    assert [(m.chat_id, "Nils Netzwerk" in (m.text or "")) for m in notices] == [
        (people.COORDINATOR.id, True)
    ]


async def test_invite_code_works_only_once(world: World, teams: Directory) -> None:
    """A used code gets a clear answer and grants nothing to a second person."""
    code = (await _invite_link(world, people.COORDINATOR, None, "Träger stationär")).split("=")[1]
    await world.send(people.NETWORKER, f"/start {code}")
    text = await world.reply_text(people.STRANGER, f"/start {code}")
    assert "schon benutzt" in text
    assert "Einladung" in await world.reply_text(people.STRANGER, "/team")


async def test_expired_invite_is_refused(world: World, teams: Directory) -> None:
    """After seven days the link no longer works."""
    code = (await _invite_link(world, people.COORDINATOR, None, "ASD")).split("=")[1]
    world.clock.advance(timedelta(days=7, minutes=1))
    assert "abgelaufen" in await world.reply_text(people.STRANGER, f"/start {code}")
    stranger_rows = (
        f"member_id IN (SELECT id FROM member WHERE telegram_id = {people.STRANGER.id})"
    )
    assert await world.count("membership", stranger_rows) == 0


async def test_unknown_and_malformed_codes_are_refused(world: World, teams: Directory) -> None:
    """Garbage after /start gets the unknown-link answer and stores nothing."""
    for code in ("abc", "x" * 40, "'; DROP TABLE member; --", "ä" * 20):
        text = await world.reply_text(people.STRANGER, f"/start {code}")
        assert "kenne ich nicht" in text
    assert await world.count("member") == 4


async def test_admin_chooses_team_and_may_invite_head_of_service(
    world: World, teams: Directory
) -> None:
    """Administrators pick any team and may create the Fachbereichsleitung role."""
    sent = await world.send(people.ADMIN, "/einladen")
    assert sent[-1].button_texts() == [
        "Sozialraumteam Nord A",
        "Sozialraumteam Nord B",
        "Sozialraumteam Süd A",
    ]
    await world.press(people.ADMIN, sent[-1], "Sozialraumteam Süd A")
    assert "Fachbereichsleitung" in world.current(sent[-1]).button_texts()


async def test_coordinator_cannot_invite_head_of_service(world: World, teams: Directory) -> None:
    """Coordinators see every role but the approver role."""
    sent = await world.send(people.COORDINATOR, "/einladen")
    labels = sent[-1].button_texts()
    assert "Fachbereichsleitung" not in labels
    assert len(labels) == len(Role) - 1


async def test_plain_member_cannot_invite(world: World, teams: Directory) -> None:
    """An ASD member without coordination gets a clear refusal and no buttons."""
    sent = await world.send(people.CASEWORKER, "/einladen")
    assert "Nur" in (sent[-1].text or "") or "nur" in (sent[-1].text or "")
    assert sent[-1].buttons() == []


async def test_forged_callback_data_changes_nothing(world: World, teams: Directory) -> None:
    """A made-up or foreign button token is answered as stale and creates no invitation."""
    sent = await world.send(people.COORDINATOR, "/einladen")
    for data in ("invite.role:1:fachbereichsleitung", "x" * 64, ""):
        await world.press_data(people.COORDINATOR, sent[-1], data)
        assert "nicht mehr gültig" in world.last_callback_answer()["text"]
    assert await world.count("invite") == 0


async def test_someone_elses_button_is_refused(world: World, teams: Directory) -> None:
    """Pressing a personal button of another member does nothing."""
    sent = await world.send(people.COORDINATOR, "/einladen")
    token = sent[-1].button("ASD")["callback_data"]
    await world.press_data(people.CASEWORKER, sent[-1], token)
    answer = world.last_callback_answer()["text"]
    assert "anderen Person" in answer or "nicht mehr gültig" in answer
    assert await world.count("invite") == 0
