"""``/idee`` and ``/ideen`` end to end: logging, tagging, votes, lifecycle, permissions.

Carla coordinates Nord A (and is ASD), Sven is ASD, Petra a provider; Nils is Nord A's
network worker where a test adds him. Olga coordinates Süd A. The clock stands on Monday
23 November 2026, 09:00 in Berlin.
"""

from __future__ import annotations

from datetime import timedelta

from bot.storage.models import Role
from tests.auxil import people
from tests.auxil.builders import TgUser, group_chat, message_update, private_chat
from tests.auxil.data import Directory, add_member
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.ideas import (
    COOKING,
    FOOTBALL,
    GROUP,
    HOMEWORK,
    IDENTIFYING,
    add_spending_request,
    audit,
    bind_group,
    ideas,
    log_in_group,
    queued_to,
    spending_idea,
    tag,
    votes,
    with_networker,
)
from tests.auxil.world import World

# -- logging ---------------------------------------------------------------------------------


async def test_idea_in_group_is_numbered_and_tagged(world: World, teams: Directory) -> None:
    """/idee in the bound group gives "Idee #1", then origin, kind, target and partners."""
    await bind_group(world)
    answer = await log_in_group(world, people.PROVIDER, COOKING)
    text = answer.plain_text or ""
    assert text.startswith("💡 Idee #1 · Sozialraumteam Nord A"), text
    assert "Woher kommt die Idee?" in text
    assert answer.button_texts() == ["👪 Betroffene", "🧑‍💼 Fachkräfte", "🤝 gemeinsam"]
    final = await tag(
        world,
        people.PROVIDER,
        answer,
        "Betroffene",
        "FuA – fallunabhängig",
        "Eltern",
        ("Familienzentrum", "Kita"),
    )
    summary = final.plain_text or ""
    assert summary.startswith("✅ Idee #1 · Sozialraumteam Nord A ist notiert."), summary
    assert "Herkunft: 👪 Betroffene" in summary
    assert "Art: FuA – fallunabhängig · Zielgruppe: Eltern" in summary
    assert "Partner: Kita, Familienzentrum" in summary
    assert final.button_texts() == []
    (idea,) = await ideas(world)
    assert (idea.number, idea.origin, idea.work_kind, idea.target_group) == (
        1,
        "affected",
        "fua",
        "parents",
    )
    assert idea.partners == ["kita", "family_centre"] and idea.text == COOKING
    created = await audit(world, "idea.created")
    assert len(created) == 1 and COOKING not in str(created[0].details)


async def test_numbers_count_per_team(world: World, teams: Directory) -> None:
    """Each team counts its own ideas: Nord A's second idea is #2, Süd A's first is #1."""
    await bind_group(world)
    await log_in_group(world, people.PROVIDER, COOKING)
    second = await log_in_group(world, people.CASEWORKER, HOMEWORK)
    assert (second.plain_text or "").startswith("💡 Idee #2 ·")
    sent = await world.send(people.OTHER_COORDINATOR, f"/idee {FOOTBALL}")
    assert (sent[-1].plain_text or "").startswith("💡 Idee #1 · Sozialraumteam Süd A")


async def test_private_idea_asks_for_the_team_when_in_several(
    world: World, teams: Directory
) -> None:
    """A member of two teams chooses the team with buttons; nothing is stored before."""
    await add_member(
        world.db, people.PROVIDER, teams.sued_a, Role.TRAEGER_FUA, now=world.clock.now()
    )
    sent = await world.send(people.PROVIDER, f"/idee {HOMEWORK}")
    assert sent[-1].plain_text == "Für welches Team ist die Idee?"
    assert await ideas(world) == []
    await world.press(people.PROVIDER, sent[-1], "Sozialraumteam Süd A")
    confirmation = world.current(sent[-1])
    assert (confirmation.plain_text or "").startswith("💡 Idee #1 · Sozialraumteam Süd A")
    (idea,) = await ideas(world)
    assert idea.team_id == teams.sued_a


async def test_bare_idee_in_private_asks_for_the_text(world: World, teams: Directory) -> None:
    """/idee alone (as the menu sends it) asks for the idea, then takes the next message."""
    sent = await world.send(people.CASEWORKER, "/idee")
    assert (sent[-1].plain_text or "").startswith("💡 Was ist Ihre Idee?")
    sent = await world.send(people.CASEWORKER, FOOTBALL)
    assert (sent[-1].plain_text or "").startswith("💡 Idee #1 · Sozialraumteam Nord A")


# -- bad input -------------------------------------------------------------------------------


async def test_empty_idea_is_refused(world: World, teams: Directory) -> None:
    """/idee with nothing (or only dots) behind it in the group stores nothing and says how."""
    await bind_group(world)
    answer = await log_in_group(world, people.CASEWORKER, "")
    assert "Da fehlt die Idee" in (answer.plain_text or "")
    assert "/idee Kochgruppe für Eltern" in (answer.plain_text or "")
    answer = await log_in_group(world, people.CASEWORKER, "…  ?!")
    assert "Da fehlt die Idee" in (answer.plain_text or "")
    assert await ideas(world) == []


async def test_4000_character_idea_is_refused(world: World, teams: Directory) -> None:
    """A 4000-character idea is refused with its length and the limit; nothing stored."""
    await bind_group(world)
    long_text = ("Ein offener Treff für Familien im Stadtteil. " * 100)[:4000]
    answer = await log_in_group(world, people.CASEWORKER, long_text)
    text = answer.plain_text or ""
    assert "4000 Zeichen" in text and "höchstens 500" in text, text
    assert await ideas(world) == []
    sent = await world.send(people.CASEWORKER, "/idee")
    sent = await world.send(people.CASEWORKER, long_text)
    assert "4000 Zeichen" in (sent[-1].plain_text or "")
    assert "Was ist Ihre Idee?" in (sent[-1].plain_text or "")
    assert await ideas(world) == []


async def test_identifying_idea_is_refused_deleted_and_not_echoed(
    world: World, teams: Directory
) -> None:
    """The privacy gate stops a name and a birth date: message deleted, kinds named only."""
    await bind_group(world)
    update = message_update(people.PROVIDER, GROUP, f"/idee {IDENTIFYING}")
    sent = await world.feed(update)
    text = sent[-1].plain_text or ""
    assert text.startswith("🔒 Diese Idee habe ich nicht gespeichert"), text
    assert "Kevin" not in text and "Müller" not in text and "2017" not in text
    assert (GROUP.id, update["message"]["message_id"]) in world.fake.deleted
    assert await ideas(world) == []


async def test_identifying_idea_when_the_bot_may_not_delete(
    world: World, teams: Directory
) -> None:
    """When Telegram refuses the deletion, the member is asked to delete it themselves."""
    await bind_group(world)
    world.fake.fail_next(
        "deleteMessage", status=400, description="Bad Request: message can't be deleted"
    )
    answer = await log_in_group(world, people.PROVIDER, IDENTIFYING)
    assert "bitte löschen Sie sie selbst" in (answer.plain_text or "")
    assert await ideas(world) == []


async def test_idea_in_unbound_group_is_refused(world: World, teams: Directory) -> None:
    """In a group bound to no team the bot says how to bind it and stores nothing."""
    other = group_chat(-100999, "Stammtisch")
    sent = await world.send(people.COORDINATOR, f"/idee {COOKING}", other)
    assert "mit keinem Team verbunden" in (sent[-1].plain_text or "")
    assert await ideas(world) == []


async def test_member_of_another_team_cannot_log_in_this_group(
    world: World, teams: Directory
) -> None:
    """Olga (Süd A) cannot log an idea for Nord A in Nord A's group."""
    await bind_group(world)
    answer = await log_in_group(world, people.OTHER_COORDINATOR, COOKING)
    assert answer.plain_text == (
        "Ideen für Sozialraumteam Nord A notieren nur Mitglieder dieses Teams. Nichts gespeichert."
    )
    assert await ideas(world) == []


async def test_stranger_gets_the_invitation_answer(world: World, teams: Directory) -> None:
    """A stranger's /idee in the group or in private stores nothing."""
    await bind_group(world)
    sent = await world.send(people.STRANGER, f"/idee {COOKING}", GROUP)
    assert "Einladung" in (sent[-1].plain_text or "")
    sent = await world.send(people.STRANGER, f"/idee {COOKING}")
    assert "Einladung" in (sent[-1].plain_text or "")
    assert await ideas(world) == []


# -- votes -----------------------------------------------------------------------------------


async def _group_list(world: World, user: TgUser = people.COORDINATOR) -> SentMessage:
    """``user`` sends /ideen in the group; returns the list."""
    sent = await world.send(user, "/ideen", GROUP)
    assert len(sent) == 1, [m.plain_text for m in sent]
    return sent[0]


def _answer(world: World) -> str:
    return str(world.last_callback_answer().get("text") or "")


async def test_votes_are_one_per_member_changeable_and_sort_the_list(
    world: World, teams: Directory
) -> None:
    """👍 counts once per member; pressing again takes it back; most votes go on top."""
    await bind_group(world)
    await log_in_group(world, people.PROVIDER, COOKING)
    await log_in_group(world, people.CASEWORKER, HOMEWORK)
    listing = await _group_list(world)
    text = listing.plain_text or ""
    assert text.index("#1 Kochgruppe") < text.index("#2 Hausaufgabenhilfe"), text
    assert listing.button_texts()[:2] == ["👍 0 · #1", "👍 0 · #2"]
    await world.press(people.COORDINATOR, listing, "#2")
    assert _answer(world) == "👍 Ihre Stimme für #2 zählt."
    await world.press(people.CASEWORKER, world.current(listing), "#2")
    await world.press(people.PROVIDER, world.current(listing), "#1")
    now = world.current(listing)
    assert now.button_texts()[:2] == ["👍 2 · #2", "👍 1 · #1"]
    text = now.plain_text or ""
    assert text.index("#2 Hausaufgabenhilfe") < text.index("#1 Kochgruppe"), text
    await world.press(people.COORDINATOR, now, "#2")
    assert _answer(world) == "Ihre Stimme für #2 ist zurückgenommen."
    assert world.current(listing).button_texts()[:2] == ["👍 1 · #1", "👍 1 · #2"]
    assert len(await votes(world)) == 2


async def test_only_team_members_vote(world: World, teams: Directory) -> None:
    """Olga (Süd A) and a stranger cannot vote on Nord A's ideas; nothing is stored."""
    await bind_group(world)
    await log_in_group(world, people.PROVIDER, COOKING)
    listing = await _group_list(world)
    await world.press(people.OTHER_COORDINATOR, listing, "#1")
    assert _answer(world) == "Abstimmen können nur Mitglieder von Sozialraumteam Nord A."
    await world.press(people.STRANGER, listing, "#1")
    assert "invitation" in _answer(world).lower() or "Einladung" in _answer(world)
    assert await votes(world) == []


async def test_forged_and_stale_buttons_change_nothing(world: World, teams: Directory) -> None:
    """A made-up callback_data and an expired vote button are refused with a clear alert."""
    await bind_group(world)
    await log_in_group(world, people.PROVIDER, COOKING)
    listing = await _group_list(world)
    await world.press_data(people.CASEWORKER, listing, "forged-token-123")
    assert _answer(world).startswith("Dieser Knopf ist nicht mehr gültig"), _answer(world)
    world.clock.advance(timedelta(days=8))
    await world.press(people.CASEWORKER, listing, "#1")
    assert _answer(world).startswith("Dieser Knopf ist nicht mehr gültig"), _answer(world)
    assert await votes(world) == []


# -- lifecycle -------------------------------------------------------------------------------


async def _open_privately(world: World, user: TgUser, number: int) -> SentMessage:
    """``user`` sends /ideen privately and opens idea ``#number``; returns the details."""
    sent = await world.send(user, "/ideen")
    listing = sent[-1]
    await world.press(user, listing, f"#{number} ")
    return world.current(listing)


async def _press_and_read(world: World, user: TgUser, message: SentMessage, button: str) -> str:
    await world.press(user, message, button)
    return world.current(message).plain_text or ""


async def test_lifecycle_to_done_tells_the_author_each_step(
    world: World, teams: Directory
) -> None:
    """Idee → in Prüfung → geplant (Nils responsible) → läuft → abgeschlossen, all audited."""
    await bind_group(world)
    await with_networker(world, teams)
    await log_in_group(world, people.PROVIDER, COOKING)
    details = await _open_privately(world, people.COORDINATOR, 1)
    assert "Status: Idee" in (details.plain_text or "")
    assert [b for b in details.button_texts() if b.startswith("➡️")] == [
        "➡️ in Prüfung",
        "➡️ verworfen",
    ]
    text = await _press_and_read(world, people.COORDINATOR, details, "➡️ in Prüfung")
    assert text.startswith("✅ Idee #1 ist jetzt „in Prüfung“."), text
    await world.press(people.COORDINATOR, world.current(details), "➡️ geplant")
    choice = world.current(details)
    assert choice.plain_text == "Idee #1 wird geplant. Wer ist verantwortlich?"
    text = await _press_and_read(world, people.COORDINATOR, choice, "Nils Netzwerk")
    assert "Status: geplant" in text and "Verantwortlich: Nils Netzwerk" in text
    await _press_and_read(world, people.COORDINATOR, world.current(details), "➡️ läuft")
    text = await _press_and_read(
        world, people.COORDINATOR, world.current(details), "➡️ abgeschlossen"
    )
    assert "Status: abgeschlossen" in text
    assert not [b for b in world.current(details).button_texts() if b.startswith("➡️")]
    notices = await queued_to(world, people.PROVIDER)
    assert len(notices) == 4
    assert "ist jetzt <b>geplant</b>" in notices[1] and "Carla Koordination" in notices[1]
    steps = await audit(world, "idea.status_changed")
    assert [(e.details["from_status"], e.details["to_status"]) for e in steps] == [
        ("idea", "review"),
        ("review", "planned"),
        ("planned", "running"),
        ("running", "done"),
    ]
    assert steps[1].details["responsible_id"] is not None


async def test_dropped_idea_reason_reaches_the_author(world: World, teams: Directory) -> None:
    """ "verworfen" asks for a reason; the author is told it; votes are then refused."""
    await bind_group(world)
    await with_networker(world, teams)
    await log_in_group(world, people.PROVIDER, COOKING)
    listing = await _group_list(world)
    details = await _open_privately(world, people.NETWORKER, 1)
    await world.press(people.NETWORKER, details, "➡️ verworfen")
    asked = world.current(details).plain_text or ""
    assert asked.startswith("🗑 Warum wird Idee #1 verworfen?"), asked
    assert (await ideas(world))[0].status == "idea"
    reason = "Das Familienzentrum bietet ab Januar schon eine Kochgruppe an."
    sent = await world.send(people.NETWORKER, reason)
    text = sent[-1].plain_text or ""
    assert text.startswith("✅ Idee #1 ist jetzt „verworfen“."), text
    assert f"Verworfen, weil: {reason}" in text
    (idea,) = await ideas(world)
    assert (idea.status, idea.drop_reason) == ("dropped", reason)
    (notice,) = await queued_to(world, people.PROVIDER)
    assert "wurde verworfen" in notice and reason in notice and "Nils Netzwerk" in notice
    delivered = await world.deliver_outbox()
    assert any(
        reason in (m.plain_text or "") for m in delivered if m.chat_id == people.PROVIDER.id
    )
    await world.press(people.CASEWORKER, listing, "#1")
    assert _answer(world) == "Idee #1 ist verworfen – dafür kann man nicht mehr abstimmen."
    assert await votes(world) == []


async def test_drop_reason_passes_the_privacy_gate(world: World, teams: Directory) -> None:
    """A reason naming a family is refused and deleted; the idea stays until a clean one."""
    await bind_group(world)
    await log_in_group(world, people.PROVIDER, COOKING)
    details = await _open_privately(world, people.COORDINATOR, 1)
    await world.press(people.COORDINATOR, details, "➡️ verworfen")
    update = message_update(
        people.COORDINATOR,
        private_chat(people.COORDINATOR),
        "Familie Müller aus der Ulzburger Straße 12 will das nicht.",
    )
    sent = await world.feed(update)
    text = sent[-1].plain_text or ""
    assert text.startswith("🔒"), text
    assert "Müller" not in text and "Ulzburger" not in text
    assert (people.COORDINATOR.id, update["message"]["message_id"]) in world.fake.deleted
    assert (await ideas(world))[0].status == "idea"
    assert await queued_to(world, people.PROVIDER) == []
    sent = await world.send(people.COORDINATOR, "Passt nicht zum Bedarf im Sozialraum.")
    assert (await ideas(world))[0].status == "dropped"


async def test_forbidden_jump_from_a_stale_status_button(world: World, teams: Directory) -> None:
    """Carla's old "in Prüfung" button after Nils planned the idea is refused by the table."""
    await bind_group(world)
    await with_networker(world, teams)
    await log_in_group(world, people.PROVIDER, COOKING)
    carlas = await _open_privately(world, people.COORDINATOR, 1)
    nils = await _open_privately(world, people.NETWORKER, 1)
    await world.press(people.NETWORKER, nils, "➡️ in Prüfung")
    await world.press(people.NETWORKER, world.current(nils), "➡️ geplant")
    await world.press(people.NETWORKER, world.current(nils), "Niemand festlegen")
    await world.press(people.COORDINATOR, carlas, "➡️ in Prüfung")
    assert _answer(world) == (
        "Das geht nicht: Idee #1 ist „geplant“, von dort geht es nicht zu „in Prüfung“. "
        "Bitte öffnen Sie die Idee neu."
    )
    (idea,) = await ideas(world)
    assert idea.status == "planned"
    assert len(await audit(world, "idea.status_changed")) == 2


async def test_provider_logs_ideas_but_sees_no_status_buttons(
    world: World, teams: Directory
) -> None:
    """Petra (provider) tags and votes on her idea but cannot change its status."""
    await bind_group(world)
    await log_in_group(world, people.PROVIDER, COOKING)
    details = await _open_privately(world, people.PROVIDER, 1)
    texts = details.button_texts()
    assert "👍 Stimme geben" in texts and "🏷 Herkunft, Art, Zielgruppe ändern" in texts
    assert not [b for b in texts if b.startswith("➡️")]
    await world.press(people.PROVIDER, details, "👍 Stimme geben")
    assert "↩️ Stimme zurücknehmen" in world.current(details).button_texts()
    assert len(await votes(world)) == 1


async def test_sven_cannot_tag_petras_idea(world: World, teams: Directory) -> None:
    """Only the author, coordinators and network workers answer the tagging buttons."""
    await bind_group(world)
    answer = await log_in_group(world, people.PROVIDER, COOKING)
    await world.press(people.CASEWORKER, answer, "Fachkräfte")
    assert _answer(world).startswith("Die Angaben zu einer Idee ändern nur")
    assert (await ideas(world))[0].origin is None
    await world.press(people.COORDINATOR, answer, "gemeinsam")
    assert (await ideas(world))[0].origin == "joint"


# -- /ideen: filters and pages ---------------------------------------------------------------


async def test_filters_and_pages(world: World, teams: Directory) -> None:
    """Ten ideas page by eight; the origin filter shows only the affected people's ideas."""
    await bind_group(world)
    for index in range(10):
        answer = await log_in_group(
            world, people.CASEWORKER, f"Idee Nummer {index + 1} für den Stadtteil"
        )
        if index < 3:
            await world.press(people.CASEWORKER, answer, "Betroffene")
    sent = await world.send(people.CASEWORKER, "/ideen")
    listing = sent[-1]
    assert "Seite 1 von 2" in (listing.plain_text or "")
    await world.press(people.CASEWORKER, listing, "weiter ›")
    text = world.current(listing).plain_text or ""
    assert "Seite 2 von 2" in text and "#9 " in text and "#1 " not in text
    await world.press(people.CASEWORKER, world.current(listing), "🔎 Herkunft")
    await world.press(people.CASEWORKER, world.current(listing), "Betroffene")
    text = world.current(listing).plain_text or ""
    assert "Herkunft: 👪 Betroffene" in text and "Seite" not in text
    assert [b for b in world.current(listing).button_texts() if b.startswith("#")] == [
        "#1 Idee Nummer 1 für den…",
        "#2 Idee Nummer 2 für den…",
        "#3 Idee Nummer 3 für den…",
    ]


async def test_planning_links_a_spending_request(world: World, teams: Directory) -> None:
    """ "geplant" offers the team's unlinked spending requests; the chosen one names the idea."""
    await bind_group(world)
    await log_in_group(world, people.PROVIDER, COOKING)
    request_id = await add_spending_request(
        world, teams.nord_a, people.PROVIDER, amount=12_000, purpose="Lebensmittel & Schürzen"
    )
    details = await _open_privately(world, people.COORDINATOR, 1)
    await world.press(people.COORDINATOR, details, "➡️ in Prüfung")
    await world.press(people.COORDINATOR, world.current(details), "➡️ geplant")
    await world.press(people.COORDINATOR, world.current(details), "Petra Träger")
    asked = world.current(details)
    assert (asked.plain_text or "").startswith("Idee #1 wird geplant. Soll eine Ausgabe")
    label = f"Ausgabe #{request_id} · 120,00\xa0€ · Lebensmittel & Schürzen"
    assert label in asked.button_texts(), asked.button_texts()
    text = await _press_and_read(world, people.COORDINATOR, asked, label)
    assert "Status: geplant" in text and "Verantwortlich: Petra Träger" in text
    assert f"💶 Ausgabe #{request_id}: 120,00\xa0€ · Lebensmittel & Schürzen" in text
    assert await spending_idea(world, request_id) == (await ideas(world))[0].id
    (step,) = [
        e for e in await audit(world, "idea.status_changed") if e.details["to_status"] == "planned"
    ]
    assert step.details["spending_request_id"] == request_id


async def test_linkable_ideas_are_the_open_ones(world: World, teams: Directory) -> None:
    """linkable_ideas (for the budget's /ausgabe) leaves out done and dropped ideas."""
    from bot.storage import ideas as store

    await bind_group(world)
    for text in (COOKING, HOMEWORK, FOOTBALL):
        await log_in_group(world, people.CASEWORKER, text)
    first, _second, third = await ideas(world)
    async with world.db.transaction() as session:
        for idea, steps in ((first, ("dropped",)), (third, ("review", "planned"))):
            for step in steps:
                await store.change_status(
                    session, idea=idea, to_status=step, actor_id=1, now=world.clock.now()
                )
        linkable = await store.linkable_ideas(session, team_id=teams.nord_a)
        assert [idea.number for idea in linkable] == [2, 3]
        assert await store.linkable_ideas(session, team_id=teams.sued_a) == []
