"""``/angebote`` and ``/angebot`` end to end: search, paging, the add dialogue, rights, links.

Nils is the network worker of Nord A, Carla its coordinator, Sven an ASD caseworker and
Petra a provider's staff member there; Olga coordinates Süd A; "Fremd" is a stranger.
"""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.storage import directory
from bot.storage.models import AuditEntry, CaseTopicOffer, Idea, IdeaOffer, Offer, Role
from tests.auxil import people
from tests.auxil.builders import TgChat, TgUser
from tests.auxil.data import Directory, add_member
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.offers import add_offer, stored
from tests.auxil.topics import add_topic
from tests.auxil.world import World
from tests.test_consultations import _bind_nord_a


@pytest.fixture
async def network(world: World, teams: Directory) -> Directory:
    """Nils joins Nord A as network worker; Nord A's map has a football and a parents' offer."""
    await add_member(
        world.db, people.NETWORKER, teams.nord_a, Role.NETZWERK, now=world.clock.now()
    )
    await add_offer(
        world,
        teams.nord_a,
        "Fußball-AG",
        target_group="Kinder 8–12",
        times="dienstags 16–18 Uhr",
        phone="+49 40 5260000",
        free_of_charge=True,
    )
    await add_offer(
        world,
        teams.nord_a,
        "Elterncafé",
        provider="Familien-Zentrum Glashütte",
        kind="Elterncafé",
        target_group="Eltern mit kleinen Kindern",
    )
    await add_offer(world, teams.sued_a, "Fußball für Mädchen", provider="TuS Garstedt")
    return teams


def _text(message: SentMessage) -> str:
    return message.plain_text or ""


async def _say(world: World, user: TgUser, text: str, chat: TgChat | None = None) -> str:
    """The plain text of the bot's single answer."""
    sent = await world.send(user, text, chat)
    assert len(sent) == 1, [m.text for m in sent]
    return _text(sent[0])


async def _audit(world: World, action: str) -> list[AuditEntry]:
    async with world.db.transaction() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
        return list((await session.exec(query)).all())


# -- searching ------------------------------------------------------------------------------


async def test_search_with_umlauts_finds_only_the_own_social_space(
    world: World, network: Directory
) -> None:
    """ "Fussball" finds Nord A's "Fußball-AG", not Süd A's offer; the ranking is explained."""
    [answer] = await world.send(people.CASEWORKER, "/angebote Fussball")
    text = _text(answer)
    assert "1 Treffer zu „Fussball“" in text
    assert "Fußball-AG – SV Friedrichsgabe" in text
    assert "🆓 kostenlos" in text and "☎️ +49 40 5260000" in text
    assert "TuS Garstedt" not in text
    assert "Beste Treffer zuerst" in text
    assert answer.button_texts() == ["1"]


async def test_compound_search_finds_the_hyphenated_spelling(
    world: World, network: Directory
) -> None:
    """ "familienzentrum" finds "Familien-Zentrum Glashütte"."""
    text = await _say(world, people.PROVIDER, "/angebote familienzentrum")
    assert "Elterncafé – Familien-Zentrum Glashütte" in text


async def test_search_in_the_bound_group_and_refusals_elsewhere(
    world: World, network: Directory
) -> None:
    """In Nord A's group members search; unbound groups and other teams' members are told why."""
    unbound = await _say(world, people.CASEWORKER, "/angebote Fussball", people.NORD_A_GROUP)
    assert "mit keinem Sozialraumteam verbunden" in unbound
    await _bind_nord_a(world)
    [found] = await world.send(people.PROVIDER, "/angebote Fußball", people.NORD_A_GROUP)
    assert "Fußball-AG" in _text(found)
    assert found.button_texts() == []  # no card buttons in the group
    other = await _say(world, people.OTHER_COORDINATOR, "/angebote Fussball", people.NORD_A_GROUP)
    assert "nur seine Mitglieder" in other


async def test_stranger_gets_nothing(world: World, network: Directory) -> None:
    """A stranger is told to get an invitation; no offer is shown."""
    text = await _say(world, people.STRANGER, "/angebote Fussball")
    assert "Fußball" not in text and "Einladung" in text


async def test_paging_with_more_button_and_stale_presses(world: World, network: Directory) -> None:
    """12 sports offers: pages of 5, "Mehr" twice; an old or forged "Mehr" is refused."""
    for number in range(11):
        await add_offer(world, network.nord_a, f"Sportgruppe {number:02d}", provider="TSV")
    [first] = await world.send(people.CASEWORKER, "/angebote Sport")
    assert "12 Treffer" in _text(first)
    assert first.button_texts() == ["1", "2", "3", "4", "5", "Mehr (6–10 von 12)"]
    [second] = await world.press(people.CASEWORKER, first, "Mehr (6–10 von 12)")
    assert "Weitere Treffer zu „Sport“ (6–10 von 12)" in _text(second)
    assert "\n6. Sportgruppe" in _text(second) and "\n5. " not in _text(second)
    assert world.current(first).button_texts() == []
    [third] = await world.press(people.CASEWORKER, second, "Mehr (11–12 von 12)")
    assert "(11–12 von 12)" in _text(third)
    assert third.button_texts() == ["11", "12"]
    again = await world.press(people.CASEWORKER, first, "Mehr (6–10 von 12)")
    assert again == []
    assert world.last_callback_answer()["show_alert"] is True
    assert await world.press_data(people.CASEWORKER, first, "forged-token") == []
    assert "nicht mehr gültig" in world.last_callback_answer()["text"]


async def test_more_button_after_the_offers_went_away(world: World, network: Directory) -> None:
    """When the remaining results were archived meanwhile, "Mehr" says there are no more."""
    ids = [
        await add_offer(world, network.nord_a, f"Sportgruppe {n}", provider="TSV")
        for n in range(6)
    ]
    [first] = await world.send(people.CASEWORKER, "/angebote Sportgruppe")
    async with world.db.transaction() as session:
        for offer_id in ids:
            offer = await session.get(Offer, offer_id)
            assert offer is not None
            offer.archived_at = world.clock.now()
            session.add(offer)
    assert await world.press(people.CASEWORKER, first, "Mehr (6–6 von 6)") == []
    assert "keine weiteren Treffer" in world.last_callback_answer()["text"]


async def test_no_keyword_lists_the_kinds_as_buttons(world: World, network: Directory) -> None:
    """Without a keyword: a short explanation and one button per kind; a kind lists its offers."""
    [intro] = await world.send(people.CASEWORKER, "/angebote")
    assert "Angebotskarte" in _text(intro) and "/angebote Fußball" in _text(intro)
    assert intro.button_texts() == ["Elterncafé (1)", "Sport (1)"]
    [listing] = await world.press(people.CASEWORKER, intro, "Elterncafé (1)")
    assert "Elterncafé – 1 Treffer" in _text(listing)
    assert "Familien-Zentrum Glashütte" in _text(listing)


async def test_nothing_found_and_too_long_query(world: World, network: Directory) -> None:
    """No match and an overlong keyword each get a clear answer."""
    assert "kein Angebot gefunden" in await _say(world, people.CASEWORKER, "/angebote Oper")
    long_query = "/angebote " + "x" * 101
    assert "zu lang" in await _say(world, people.CASEWORKER, long_query)


# -- adding --------------------------------------------------------------------------------


async def test_add_dialogue_checks_every_step_and_stores_on_save(
    world: World, network: Directory
) -> None:
    """Bad input at each step is refused with a reason; the summary's "Speichern" stores."""
    user = people.NETWORKER
    [first] = await world.send(user, "/angebot")
    assert "Neues Angebot für Friedrichsgabe / Harksheide-Nord" in _text(first)
    assert "Schritt 1 von 10" in _text(first)
    assert "höchstens 120" in await _say(world, user, "N" * 121)
    assert "Diese Angabe ist nötig" in await _say(world, user, " - ")
    assert "Schritt 2 von 10" in await _say(world, user, "Hausaufgabenhilfe Mitte")
    [kind] = await world.send(user, "Verein für Lernförderung")
    assert "Schritt 3 von 10" in _text(kind)
    assert kind.button_texts()[:2] == ["Sport", "Beratung"]
    assert "höchstens 60" in await _say(world, user, "K" * 61)
    [target] = await world.press(user, world.fake.sent(user.id)[-1], "Hausaufgabenhilfe")
    assert "Schritt 4 von 10" in _text(target)
    deleted_before = len(world.fake.deleted)
    refused = await _say(world, user, "Für Kevin Müller aus der 3b")
    assert "erkennbar macht (Name)" in refused and "Kevin" not in refused
    assert len(world.fake.deleted) == deleted_before + 1
    [place] = await world.send(user, "Schulkinder der Klassen 1–4")
    assert "Schritt 5 von 10" in _text(place)
    [times] = await world.press(user, place, "Überspringen")
    assert "Schritt 6 von 10" in _text(times)
    [phone] = await world.send(user, "montags bis donnerstags 14–16 Uhr")
    assert "Schritt 7 von 10" in _text(phone)
    assert "keine gültige Telefonnummer" in await _say(world, user, "12")
    [email] = await world.send(user, "040 1234567")
    assert "Schritt 8 von 10" in _text(email)
    assert "keine gültige E-Mail" in await _say(world, user, "kein-mail")
    [text] = await world.press(user, world.fake.sent(user.id)[-1], "Überspringen")
    assert "Schritt 9 von 10" in _text(text)
    assert "höchstens 600" in await _say(world, user, "T" * 601)
    [free] = await world.send(user, "Hilfe bei den Hausaufgaben, mit Snack.")
    assert free.button_texts() == ["🆓 Ja, kostenlos", "💶 Nein", "Weiß nicht"]
    assert "„ja“, „nein“" in await _say(world, user, "vielleicht")
    [summary] = await world.press(user, world.fake.sent(user.id)[-1], "🆓 Ja, kostenlos")
    assert _text(summary).startswith("Bitte prüfen:")
    assert "☎️ +49 40 1234567" in _text(summary)
    assert "Kevin" not in _text(summary)
    assert await world.count("offer") == 3  # nothing stored yet
    await world.press(user, summary, "💾 Speichern")
    assert _text(world.current(summary)).startswith("✅ Gespeichert")
    offer = (await stored(world.db))[-1]
    assert (offer.name, offer.provider, offer.kind) == (
        "Hausaufgabenhilfe Mitte",
        "Verein für Lernförderung",
        "Hausaufgabenhilfe",
    )
    assert offer.place == "" and offer.email == "" and offer.free_of_charge is True
    assert offer.created_by == user.id
    assert [entry.object_id for entry in await _audit(world, "offer.created")] == [str(offer.id)]
    assert await world.count("dialog") == 0
    found = await _say(world, people.CASEWORKER, "/angebote hausaufgaben")
    assert "Hausaufgabenhilfe Mitte" in found


async def test_same_name_and_provider_is_refused(world: World, network: Directory) -> None:
    """ "Fussball AG" by "sv friedrichsgabe" is the existing offer: the name is asked again."""
    await world.send(people.NETWORKER, "/angebot")
    await world.send(people.NETWORKER, "Fussball AG")
    text = await _say(world, people.NETWORKER, "sv friedrichsgabe")
    assert "steht schon in der Karte" in text and "Schritt 1 von 10" in text


async def test_stale_dialogue_button_and_discard(world: World, network: Directory) -> None:
    """A button of an earlier question is stale; "Verwerfen" stores nothing."""
    user = people.NETWORKER
    await world.send(user, "/angebot")
    await world.send(user, "Schach")
    [kind] = await world.send(user, "Schachclub")
    [target] = await world.press(user, kind, "Kultur")
    assert await world.press(user, kind, "Sport") == []
    assert "nicht mehr gültig" in world.last_callback_answer()["text"]
    sent = target
    for _ in range(7):
        [sent] = await world.press(user, sent, sent.button_texts()[0])
    assert _text(sent).startswith("Bitte prüfen:")
    await world.press(user, sent, "🗑 Verwerfen")
    assert "nichts gespeichert" in _text(world.current(sent))
    assert await world.count("offer") == 3


# -- rights ----------------------------------------------------------------------------------


async def test_provider_may_search_but_not_edit(world: World, network: Directory) -> None:
    """Petra (provider) searches and opens a card, but has no edit buttons and no /angebot."""
    assert "Netzwerk und Koordination" in await _say(world, people.PROVIDER, "/angebot")
    [results] = await world.send(people.PROVIDER, "/angebote Fussball")
    [card] = await world.press(people.PROVIDER, results, "1")
    assert "Fußball-AG" in _text(card)
    assert card.button_texts() == []
    [mine] = await world.send(people.NETWORKER, "/angebote Fussball")
    [editable] = await world.press(people.NETWORKER, mine, "1")
    assert editable.button_texts() == ["✏️ Ändern", "🗄 Archivieren", "💡 Mit Idee verknüpfen"]
    assert await world.press(people.PROVIDER, editable, "🗄 Archivieren") == []
    assert world.last_callback_answer()["show_alert"] is True
    assert all(offer.archived_at is None for offer in await stored(world.db))


async def test_rights_are_checked_again_on_every_press(world: World, network: Directory) -> None:
    """Nils loses his role after opening a card: "Ändern" is refused, nothing changes."""
    [results] = await world.send(people.NETWORKER, "/angebote Fussball")
    [card] = await world.press(people.NETWORKER, results, "1")
    async with world.db.transaction() as session:
        member = await directory.get_member(session, telegram_id=people.NETWORKER.id)
        assert member is not None and member.id is not None
        await directory.remove_from_team(session, member_id=member.id, team_id=network.nord_a)
    assert await world.press(people.NETWORKER, card, "🗄 Archivieren") == []
    assert world.last_callback_answer()["show_alert"] is True
    assert all(offer.archived_at is None for offer in await stored(world.db))


async def test_coordinator_changes_archives_and_restores(world: World, network: Directory) -> None:
    """Carla changes the times through the summary, archives the offer, and brings it back."""
    user = people.COORDINATOR
    [results] = await world.send(user, "/angebote Fussball")
    [card] = await world.press(user, results, "1")
    [choose] = await world.press(user, card, "✏️ Ändern")
    assert "Was möchten Sie ändern?" in _text(choose)
    [ask] = await world.press(user, choose, "Zeiten")
    assert "Bisher: dienstags 16–18 Uhr" in _text(ask)
    [summary] = await world.send(user, "donnerstags 17 Uhr")
    assert "🕒 donnerstags 17 Uhr" in _text(summary)
    await world.press(user, summary, "💾 Speichern")
    assert _text(world.current(summary)).startswith("✅ Geändert")
    football = next(o for o in await stored(world.db) if o.name == "Fußball-AG")
    assert football.times == "donnerstags 17 Uhr" and football.updated_by == user.id

    [results] = await world.send(user, "/angebote Fussball")
    [card] = await world.press(user, results, "1")
    await world.press(user, card, "🗄 Archivieren")
    assert "archiviert" in _text(world.current(card))
    assert "kein Angebot gefunden" in await _say(world, user, "/angebote Fussball")
    await world.press(user, world.current(card), "↩️ Wiederherstellen")
    assert "wieder in der Angebotskarte" in _text(world.current(card))
    assert "Fußball-AG" in await _say(world, user, "/angebote Fussball")
    actions = [entry.action for entry in await _audit(world, "offer.archived")]
    actions += [entry.action for entry in await _audit(world, "offer.restored")]
    assert actions == ["offer.archived", "offer.restored"]


# -- links -----------------------------------------------------------------------------------


async def test_caseworker_names_an_offer_as_resource_of_a_case_topic(
    world: World, network: Directory
) -> None:
    """Sven's open topic: the card offers it; the link holds two ids and no text."""
    topic = await add_topic(world, people.CASEWORKER, network.nord_a, "Welche Freizeit passt?")
    [results] = await world.send(people.CASEWORKER, "/angebote Fussball")
    [card] = await world.press(people.CASEWORKER, results, "1")
    assert card.button_texts() == ["📎 Bei meinem Fallthema als Ressource"]
    await world.press(people.CASEWORKER, card, "📎 Bei meinem Fallthema als Ressource")
    await world.press(people.CASEWORKER, world.current(card), topic.code)
    assert f"bei Fall {topic.code} als Ressource" in _text(world.current(card))
    async with world.db.transaction() as session:
        links = (await session.exec(select(CaseTopicOffer))).all()
    assert [(link.topic_id, link.created_by) for link in links] == [
        (topic.id, people.CASEWORKER.id)
    ]
    [results] = await world.send(people.PROVIDER, "/angebote Fussball")
    [card] = await world.press(people.PROVIDER, results, "1")
    assert card.button_texts() == []  # Petra has no topic of her own


async def test_network_worker_links_an_offer_to_an_idea(world: World, network: Directory) -> None:
    """Nils types the idea's number; unknown numbers and words are answered, the link stored."""
    async with world.db.transaction() as session:
        member = await directory.get_member(session, telegram_id=people.NETWORKER.id)
        assert member is not None and member.id is not None
        idea = Idea(
            team_id=network.nord_a,
            number=12,
            text="Ein Fußballturnier mit den Eltern",
            author_id=member.id,
            created_at=world.clock.now(),
            updated_at=world.clock.now(),
        )
        session.add(idea)
        await session.flush()
        idea_id = idea.id
    [results] = await world.send(people.NETWORKER, "/angebote Fussball")
    [card] = await world.press(people.NETWORKER, results, "1")
    [ask] = await world.press(people.NETWORKER, card, "💡 Mit Idee verknüpfen")
    assert "Schreiben Sie die Nummer" in _text(ask)
    assert "nur die Nummer" in await _say(world, people.NETWORKER, "die mit dem Turnier")
    assert "Idee #99 gibt es" in await _say(world, people.NETWORKER, "99")
    assert "mit Idee #12 verknüpft" in await _say(world, people.NETWORKER, "#12")
    async with world.db.transaction() as session:
        links = (await session.exec(select(IdeaOffer))).all()
    assert [link.idea_id for link in links] == [idea_id]
    [results] = await world.send(people.CASEWORKER, "/angebote Fussball")
    [card] = await world.press(people.CASEWORKER, results, "1")
    assert "Verknüpft mit Idee #12" in _text(card)
