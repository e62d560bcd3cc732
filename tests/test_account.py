"""The member's own matters end to end: help, settings, privacy, own data, cancel, fallbacks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.storage import directory
from bot.storage.models import AuditEntry, Member
from tests.auxil import ideas as ideas_auxil
from tests.auxil import people
from tests.auxil.builders import (
    TgChat,
    TgUser,
    document_update,
    photo_update,
    private_chat,
    voice_update,
)
from tests.auxil.data import Directory
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.world import World


async def _member(world: World, user: TgUser) -> Member:
    async with world.db.transaction() as session:
        member = await directory.get_member(session, telegram_id=user.id)
        assert member is not None
        return member


async def _settings(world: World, user: TgUser) -> SentMessage:
    return (await world.send(user, "/einstellungen"))[-1]


def _leaves(value: Any) -> Iterator[Any]:
    """Every key and value inside a JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


async def _my_data(world: World, user: TgUser) -> dict[str, Any]:
    sent = await world.send(user, "/meinedaten")
    assert len(sent) == 1
    assert sent[0].method == "sendDocument"
    assert sent[0].file is not None
    assert sent[0].file.filename == "meine-daten.json"
    data: dict[str, Any] = json.loads(sent[0].file.content.decode("utf-8"))
    return data


# -- /hilfe -------------------------------------------------------------------------------


async def test_help_for_stranger_names_only_public_commands(
    world: World, teams: Directory
) -> None:
    """A stranger learns, in German then English, what works without invitation."""
    text = await world.reply_text(people.STRANGER, "/hilfe")
    assert text.index("Ohne Einladung") < text.index("Without an invitation")
    for command in ("/start", "/datenschutz", "/meinedaten"):
        assert command in text
    for command in ("/team", "/entfernen", "/einladen", "/verbinden"):
        assert command not in text


async def test_help_for_member_has_no_coordinator_section(world: World, teams: Directory) -> None:
    """Sven sees his own commands and not the ones he may not use."""
    text = await world.reply_text(people.CASEWORKER, "/hilfe")
    assert text.startswith("<b>Was Sie hier tun können</b>")
    for command in ("/team", "/austreten", "/einstellungen", "/meinedaten", "/abbrechen"):
        assert command in text
    assert "Für die Koordination" not in text
    assert "/entfernen" not in text
    assert "Administrator" not in text
    for command in ("/idee", "/ideen", "/angebote", "/ausgabe", "/antraege", "/budget"):
        assert command in text
    for command in ("/freigeben", "/umbuchen", "/export"):
        assert command not in text


async def test_help_for_coordinator_adds_team_management(world: World, teams: Directory) -> None:
    """Carla also gets /einladen, /entfernen and /verbinden, but no admin section."""
    text = await world.reply_text(people.COORDINATOR, "/help")
    assert "<b>Für die Koordination</b>" in text
    for command in ("/einladen", "/entfernen", "/verbinden", "/freigeben", "/export"):
        assert command in text
    assert "Für Administrator:innen" not in text


async def test_help_for_administrator_adds_admin_section(world: World, teams: Directory) -> None:
    """Administrators see every section, including how to load the structure."""
    text = await world.reply_text(people.ADMIN, "/hilfe")
    assert "Für die Koordination" in text
    assert "<b>Für Administrator:innen</b>" in text
    assert "<code>python -m bot structure import DATEI.toml</code>" in text


async def test_help_in_group_is_about_the_group(world: World, teams: Directory) -> None:
    """In the team group the help lists group commands and sends personal things to private."""
    member = await world.reply_text(people.CASEWORKER, "/hilfe", people.NORD_A_GROUP)
    assert member.startswith("<b>In der Teamgruppe</b>")
    assert "im privaten Chat" in member
    assert "/einstellungen" not in member
    assert "/idee" in member and "/angebote" in member
    assert "/ausgabe" not in member
    coordinator = await world.reply_text(people.COORDINATOR, "/hilfe", people.NORD_A_GROUP)
    assert "/verbinden" in coordinator
    assert "In der Teamgruppe" in coordinator


# -- /einstellungen -----------------------------------------------------------------------


async def test_switching_to_english_is_saved_and_used_from_then_on(
    world: World, teams: Directory
) -> None:
    """After "English" the settings, /team and /hilfe answer in English."""
    message = await _settings(world, people.CASEWORKER)
    assert message.plain_text == (
        "⚙️ Ihre Einstellungen\nSprache: Deutsch\nPersönliche Erinnerungen: an"
    )
    assert message.button_texts() == ["Deutsch", "English", "🔕 Erinnerungen ausschalten"]

    await world.press(people.CASEWORKER, message, "English")
    assert world.last_callback_answer()["text"] == "Saved."
    assert world.current(message).plain_text == (
        "⚙️ Your settings\nLanguage: English\nPersonal reminders: on"
    )
    assert (await _member(world, people.CASEWORKER)).language == "en"

    roster = await world.reply_text(people.CASEWORKER, "/team")
    assert "Team group: not bound yet" in roster
    assert "Sven Sozialarbeit – ASD (youth office caseworker)" in roster
    assert (await world.reply_text(people.CASEWORKER, "/hilfe")).startswith(
        "<b>What you can do here</b>"
    )

    await world.press(people.CASEWORKER, world.current(message), "Deutsch")
    assert (await _member(world, people.CASEWORKER)).language == "de"
    assert "Teamgruppe" in await world.reply_text(people.CASEWORKER, "/team")


async def test_reminders_switch_off_and_on_and_stay_so(world: World, teams: Directory) -> None:
    """The reminder switch is saved, shown on the next /einstellungen, and audited."""
    message = await _settings(world, people.PROVIDER)
    await world.press(people.PROVIDER, message, "Erinnerungen ausschalten")
    assert "Persönliche Erinnerungen: aus" in (world.current(message).plain_text or "")
    assert not (await _member(world, people.PROVIDER)).reminders_enabled

    again = await _settings(world, people.PROVIDER)
    assert "Persönliche Erinnerungen: aus" in (again.plain_text or "")
    await world.press(people.PROVIDER, again, "Erinnerungen einschalten")
    assert (await _member(world, people.PROVIDER)).reminders_enabled
    assert "Persönliche Erinnerungen: an" in (world.current(again).plain_text or "")

    async with world.db.transaction() as session:
        rows = await session.exec(
            select(AuditEntry).where(AuditEntry.action == "member.settings_changed")
        )
        entries = list(rows.all())
    assert [entry.details for entry in entries] == [{"setting": "reminders_enabled"}] * 2
    assert {entry.actor_id for entry in entries} == {people.PROVIDER.id}


async def test_pressed_settings_keyboard_is_used_up(world: World, teams: Directory) -> None:
    """A button of a keyboard that was already answered is stale, not a second switch."""
    message = await _settings(world, people.PROVIDER)
    old_token = message.button("Erinnerungen ausschalten")["callback_data"]
    await world.press(people.PROVIDER, message, "Erinnerungen ausschalten")
    await world.press(people.PROVIDER, world.current(message), "Erinnerungen einschalten")
    await world.press_data(people.PROVIDER, world.current(message), old_token)
    assert "nicht mehr gültig" in world.last_callback_answer()["text"]
    assert (await _member(world, people.PROVIDER)).reminders_enabled


async def test_settings_are_private(world: World, teams: Directory) -> None:
    """/einstellungen in a group answers "private only" and shows no buttons."""
    sent = await world.send(people.CASEWORKER, "/settings", people.NORD_A_GROUP)
    assert len(sent) == 1
    assert "nur im privaten Chat" in (sent[0].plain_text or "")
    assert sent[0].buttons() == []


# -- /datenschutz -------------------------------------------------------------------------


async def test_privacy_notice_for_stranger_in_both_languages(
    world: World, teams: Directory
) -> None:
    """An unknown person gets the notice German first, then English, even with an English app."""
    text = await world.reply_text(people.STRANGER, "/datenschutz")
    assert text.index("Datenschutz im Sozialraum-Bot") < text.index("Privacy in the")
    assert "nicht Ende-zu-Ende-verschlüsselt" in text
    assert "not end-to-end encrypted" in text
    assert "Löschfristen des Jugendamts" in text
    assert "der Träger" not in text  # "Träger" means the providers here, not the office


async def test_privacy_notice_for_member_in_own_language(world: World, teams: Directory) -> None:
    """A member reads the notice once, in the language they chose."""
    text = await world.reply_text(people.CASEWORKER, "/datenschutz")
    assert text.startswith("🔒 <b>Datenschutz im Sozialraum-Bot</b>")
    assert "Privacy" not in text
    assert "/meinedaten" in text

    message = await _settings(world, people.CASEWORKER)
    await world.press(people.CASEWORKER, message, "English")
    english = await world.reply_text(people.CASEWORKER, "/datenschutz")
    assert english.startswith("🔒 <b>Privacy in the social-space bot</b>")
    assert "Datenschutz im" not in english


# -- /meinedaten --------------------------------------------------------------------------


async def test_my_data_holds_my_memberships_and_no_one_elses_data(
    world: World, teams: Directory
) -> None:
    """Carla's file lists her person and roles; after removing Sven it still names only her."""
    confirmation = (await world.send(people.COORDINATOR, "/entfernen"))[-1]
    await world.press(people.COORDINATOR, confirmation, "Sven Sozialarbeit")
    await world.press(people.COORDINATOR, world.current(confirmation), "Ja, entfernen")

    sent = await world.send(people.COORDINATOR, "/meinedaten")
    assert sent[-1].caption == (
        "📄 Alles, was der Sozialraum-Bot über Sie gespeichert hat (Art. 15 DSGVO)."
    )
    data = await _my_data(world, people.COORDINATOR)
    assert data["person"]["telegram_id"] == people.COORDINATOR.id
    assert data["person"]["display_name"] == "Carla Koordination"
    assert data["person"]["language"] == "de"
    assert [(m["team"], m["role"]) for m in data["memberships"]] == [
        ("Sozialraumteam Nord A", "asd"),
        ("Sozialraumteam Nord A", "koordination"),
    ]
    assert [e["action"] for e in data["actions_in_audit_log"]] == ["membership.removed"]

    others = {people.CASEWORKER, people.PROVIDER, people.OTHER_COORDINATOR, people.ADMIN}
    leaves = list(_leaves(data))
    for other in others:
        assert other.id not in leaves
        assert not any(isinstance(v, str) and other.first_name in v for v in leaves)


async def test_removed_member_still_gets_their_data_without_the_remover(
    world: World, teams: Directory
) -> None:
    """Sven, removed, may ask what is left; the file shows the removal but not who did it."""
    confirmation = (await world.send(people.COORDINATOR, "/entfernen"))[-1]
    await world.press(people.COORDINATOR, confirmation, "Sven Sozialarbeit")
    await world.press(people.COORDINATOR, world.current(confirmation), "Ja, entfernen")

    data = await _my_data(world, people.CASEWORKER)
    assert data["memberships"] == []
    assert [e["action"] for e in data["changes_about_you_in_audit_log"]] == ["membership.removed"]
    assert data["notices"] == [
        {"created_at": "2026-11-23T08:00:00+00:00", "status": "pending", "sent_at": None}
    ]
    leaves = list(_leaves(data))
    assert people.COORDINATOR.id not in leaves
    assert not any(isinstance(v, str) and "Carla" in v for v in leaves)


async def test_my_data_for_stranger_says_nothing_is_stored(world: World, teams: Directory) -> None:
    """Someone the bot never stored gets a short answer in both languages and no file."""
    sent = await world.send(people.STRANGER, "/meinedaten")
    assert len(sent) == 1
    assert sent[0].method == "sendMessage"
    assert sent[0].plain_text == "Über Sie ist nichts gespeichert.\n\nNothing is stored about you."
    assert await world.count("member", f"telegram_id = {people.STRANGER.id}") == 0


async def test_my_data_is_never_posted_in_a_group(world: World, teams: Directory) -> None:
    """/meinedaten in the team group sends no file there."""
    sent = await world.send(people.CASEWORKER, "/meinedaten", people.NORD_A_GROUP)
    assert [m.method for m in sent] == ["sendMessage"]
    assert "nur im privaten Chat" in (sent[0].plain_text or "")


# -- /abbrechen ---------------------------------------------------------------------------


async def test_cancel_makes_open_buttons_stale(world: World, teams: Directory) -> None:
    """After /abbrechen, the /entfernen buttons do nothing and say so."""
    choice = (await world.send(people.COORDINATOR, "/entfernen"))[-1]
    assert await world.reply_text(people.COORDINATOR, "/abbrechen") == (
        "Abgebrochen. Offene Knöpfe gelten nicht mehr."
    )
    await world.press(people.COORDINATOR, choice, "Sven Sozialarbeit")
    answer = world.last_callback_answer()
    assert answer["show_alert"] is True
    assert "nicht mehr gültig" in answer["text"]
    assert world.current(choice).plain_text == choice.plain_text  # no confirmation appeared


async def test_cancel_with_nothing_running_says_so(world: World, teams: Directory) -> None:
    """/cancel without an open dialogue answers plainly, for members and strangers."""
    expected = "Es läuft gerade nichts, das ich abbrechen könnte."
    assert await world.reply_text(people.CASEWORKER, "/cancel") == expected
    assert await world.reply_text(people.STRANGER, "/abbrechen") == expected


# -- fallbacks ----------------------------------------------------------------------------


@pytest.mark.parametrize("build", [photo_update, voice_update, document_update])
async def test_media_in_private_gets_the_text_only_answer(
    world: World, teams: Directory, build: Callable[[TgUser, TgChat], dict[str, Any]]
) -> None:
    """Photos, voice messages and files are refused with the reason."""
    sent = await world.feed(build(people.CASEWORKER, private_chat(people.CASEWORKER)))
    assert [m.plain_text for m in sent] == [
        "Bitte schicken Sie mir nur Text – Fotos, Sprachnachrichten und Dateien nehme ich "
        "nicht an, damit keine Daten von Familien hier landen."
    ]


async def test_media_in_group_is_ignored(world: World, teams: Directory) -> None:
    """The team's ordinary photos in the group get no answer from the bot."""
    assert await world.feed(photo_update(people.CASEWORKER, people.NORD_A_GROUP)) == []


async def test_unknown_command_gets_a_hint(world: World, teams: Directory) -> None:
    """A typo in a command points to /hilfe."""
    assert await world.reply_text(people.CASEWORKER, "/tean") == (
        "Diesen Befehl kenne ich nicht. /hilfe zeigt, was ich kann."
    )


async def test_stranger_pressing_a_button_gets_an_alert(world: World, teams: Directory) -> None:
    """A stranger's press is answered with an alert about the invitation, and nothing else."""
    choice = (await world.send(people.COORDINATOR, "/entfernen"))[-1]
    token = choice.button("Sven Sozialarbeit")["callback_data"]
    assert await world.press_data(people.STRANGER, choice, token) == []
    answer = world.last_callback_answer()
    assert answer["show_alert"] is True
    assert answer["text"].startswith("Dafür brauchen Sie eine Einladung der Teamkoordination.")
    assert world.current(choice).plain_text == choice.plain_text


async def test_buttons_older_than_two_days_are_stale(world: World, teams: Directory) -> None:
    """Buttons older than two days are stale with a clear request to start again."""
    message = await _settings(world, people.CASEWORKER)
    world.clock.advance(timedelta(days=2, seconds=1))
    await world.press(people.CASEWORKER, message, "English")
    assert world.last_callback_answer()["text"] == (
        "Dieser Knopf ist nicht mehr gültig. Bitte starten Sie den Befehl neu."
    )
    assert (await _member(world, people.CASEWORKER)).language == "de"


async def test_my_data_holds_my_ideas_votes_and_spending_requests(
    world: World, teams: Directory
) -> None:
    """Sven's file lists his idea, his 👍 and his spending request, and not Petra's idea."""
    await ideas_auxil.bind_group(world)
    await ideas_auxil.log_in_group(world, people.CASEWORKER, ideas_auxil.HOMEWORK)
    await ideas_auxil.log_in_group(world, people.PROVIDER, ideas_auxil.COOKING)
    listing = (await world.send(people.CASEWORKER, "/ideen", people.NORD_A_GROUP))[-1]
    await world.press(people.CASEWORKER, listing, "#2")
    request_id = await ideas_auxil.add_spending_request(
        world, teams.nord_a, people.CASEWORKER, amount=12_550, purpose="Bälle für den Treff"
    )

    data = await _my_data(world, people.CASEWORKER)
    assert [(i["number"], i["text"], i["mine"]) for i in data["ideas"]] == [
        (1, ideas_auxil.HOMEWORK, True)
    ]
    assert [(v["team"], v["number"]) for v in data["idea_votes"]] == [("Sozialraumteam Nord A", 2)]
    assert [
        (r["id"], r["purpose"], r["amount_cents"], r["status"]) for r in data["spending_requests"]
    ] == [(request_id, "Bälle für den Treff", 12_550, "requested")]
    assert ideas_auxil.COOKING not in json.dumps(data, ensure_ascii=False)
