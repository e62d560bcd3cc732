"""``/thema`` end to end: the private intake of a pseudonymised case topic.

Nord A meets on Tuesdays 09:00 (topics due Monday 12:00); the clock stands on Monday
23 November 2026, 09:00, so a topic submitted now goes to Tuesday 24 November.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from bot.crypto import Vault
from bot.storage import directory, interaction
from bot.storage.models import (
    AuditEntry,
    CaseCode,
    CaseTopic,
    Dialog,
    Organisation,
    OutboxMessage,
    Role,
)
from bot.topics.codes import CODE_PATTERN
from tests.auxil import people
from tests.auxil.builders import (
    TgUser,
    document_update,
    message_update,
    photo_update,
    private_chat,
    voice_update,
)
from tests.auxil.data import Directory, add_member
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.world import World
from tests.conftest import ENCRYPTION_KEY
from tests.test_consultations import _bind_nord_a, _set_up

QUESTION = "Welche Hilfe stärkt die Mutter bei der Tagesstruktur?"
SITUATION = "Die Mutter ist mit drei Kindern allein, die Kita meldet häufige Fehlzeiten."
WILL = "Die Mutter möchte morgens mehr Ruhe und wieder arbeiten gehen."
TRIED = "Eine Erziehungsberatung lief ein halbes Jahr und wurde dann beendet."
ANSWERS = (QUESTION, SITUATION, WILL, TRIED)
#: An answer the privacy gate must stop: a first name, a surname and a birth date.
IDENTIFYING = "Kevin Müller, geboren am 03.04.2017, wird von der Mutter nicht versorgt."
DANGER = "Das Kind berichtet, dass der Vater es schlägt und mit Gewalt droht."
EMERGENCY = "Kinderschutz-Bereitschaft des Jugendamts: über die Zentrale, nachts Polizei."


# -- helpers (test_topics_list.py uses them too) ------------------------------------------


async def say(
    world: World, user: TgUser, text: str, *, later: int = 0
) -> tuple[list[SentMessage], int]:
    """``user`` writes ``text`` privately; returns the answers and the message's id.

    ``later`` moves the message's Telegram date (seconds), as a person typing anew would.
    """
    update = message_update(user, private_chat(user), text)
    update["message"]["date"] += later
    return await world.feed(update), int(update["message"]["message_id"])


async def to_summary(
    world: World,
    user: TgUser = people.CASEWORKER,
    *,
    urgency: str = "Normal",
    help_kind: str = "Ambulant",
    case: str | None = None,
) -> SentMessage:
    """Run /thema up to the summary (resources skipped); returns the summary message."""
    sent = await world.send(user, "/thema")
    if case is not None:
        sent = await world.press(user, sent[-1], case)
    sent = await world.send(user, QUESTION)
    sent = await world.send(user, SITUATION)
    sent = await world.send(user, WILL)
    sent = await world.press(user, sent[-1], "Überspringen")
    sent = await world.send(user, TRIED)
    sent = await world.press(user, sent[-1], urgency)
    sent = await world.press(user, sent[-1], help_kind)
    assert (sent[-1].plain_text or "").startswith("Bitte prüfen:"), sent[-1].plain_text
    return sent[-1]


async def submit(world: World, user: TgUser = people.CASEWORKER, **kwargs: Any) -> str:
    """A whole topic submitted; returns its code."""
    summary = await to_summary(world, user, **kwargs)
    await world.press(user, summary, "Einreichen")
    text = world.current(summary).plain_text or ""
    assert text.startswith("✅ Eingereicht."), text
    found = CODE_PATTERN.search(text)
    assert found is not None
    return found.group()


async def with_series(world: World) -> None:
    """Nord A's group bound and its Tuesday consultation set up (announcement delivered)."""
    await _bind_nord_a(world)
    await _set_up(world)
    await world.deliver_outbox()


async def stored_topics(world: World) -> list[CaseTopic]:
    async with world.db.transaction() as session:
        return list((await session.exec(select(CaseTopic).order_by(col(CaseTopic.id)))).all())


async def dialog_of(world: World, user: TgUser) -> Dialog | None:
    async with world.db.transaction() as session:
        return await interaction.get_dialog(session, telegram_id=user.id, chat_id=user.id)


async def audit_of(world: World, action: str) -> list[AuditEntry]:
    async with world.db.transaction() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
        return list((await session.exec(query)).all())


def database_bytes(world: World) -> bytes | None:
    """Every byte of the SQLite database files (None on PostgreSQL)."""
    url = make_url(str(world.db.engine.url))
    if not url.drivername.startswith("sqlite") or not url.database:
        return None
    path = Path(url.database)
    return b"".join(
        candidate.read_bytes()
        for candidate in path.parent.glob(path.name + "*")
        if candidate.is_file()
    )


async def assert_nowhere_stored(world: World, *texts: str) -> None:
    """None of ``texts`` (nor a telling part of them) is in any table or database file."""
    raw = database_bytes(world)
    async with world.db.engine.connect() as connection:
        dump = []
        for table in ("case_topic", "case_code", "dialog", "button", "outbox", "audit_log"):
            result = await connection.exec_driver_sql(f"SELECT * FROM {table}")
            dump += [repr(tuple(row)) for row in result]
    rows = "\n".join(dump)
    for text in texts:
        for piece in (text, text[:24], text[-24:]):
            assert piece not in rows
            if raw is not None:
                assert piece.encode("utf-8") not in raw


# -- the whole way ----------------------------------------------------------------------


async def test_full_dialogue_stores_an_encrypted_topic_for_the_next_consultation(
    world: World, teams: Directory
) -> None:
    """Seven questions, a summary, "Einreichen": a code, the date, the deadline; text sealed."""
    await with_series(world)
    [first] = await world.send(people.CASEWORKER, "/thema")
    text = first.plain_text or ""
    assert text.startswith("📝 Neues Fallthema für Sozialraumteam Nord A")
    assert "keine Namen, Geburtsdaten, Adressen" in text
    assert "Frage 1 von 7" in text and "Kernfrage" in text

    [second] = await world.send(people.CASEWORKER, QUESTION)
    assert "Frage 2 von 7" in (second.plain_text or "")
    # Already the draft holds a token, never the answer.
    dialog = await dialog_of(world, people.CASEWORKER)
    assert dialog is not None
    assert QUESTION not in json.dumps(dialog.data, ensure_ascii=False)
    token = dialog.data["answers"]["question"]
    assert token.startswith("gAAAAA")
    assert Vault([ENCRYPTION_KEY]).open(token) == QUESTION

    [will] = await world.send(people.CASEWORKER, SITUATION)
    assert "Frage 3 von 7" in (will.plain_text or "")
    assert will.button_texts() == ["Überspringen"]
    [resources] = await world.send(people.CASEWORKER, WILL)
    [tried] = await world.press(people.CASEWORKER, resources, "Überspringen")
    assert "Frage 5 von 7" in (tried.plain_text or "")
    [urgency] = await world.send(people.CASEWORKER, TRIED)
    assert urgency.button_texts() == ["Normal", "🚨 Dringend"]
    [kind] = await world.press(people.CASEWORKER, urgency, "Normal")
    assert kind.button_texts() == ["Ambulant", "Stationär", "FüA", "Noch offen"]
    [summary] = await world.press(people.CASEWORKER, kind, "Ambulant")

    assert summary.plain_text == (
        "Bitte prüfen:\n\n"
        "Fallthema für Sozialraumteam Nord A\n"
        "🏷 Fall: neuer Fall (den Code bekommen Sie beim Einreichen)\n"
        f"❓ Kernfrage: {QUESTION}\n"
        f"📋 Situation: {SITUATION}\n"
        f"🧭 Wille: {WILL}\n"
        "💪 Ressourcen: – (keine Angabe)\n"
        f"🔁 Bisherige Hilfen: {TRIED}\n"
        "⏱ Dringlichkeit: Normal\n"
        "🤝 Art der Hilfe: Ambulant\n\n"
        "Soll ich das Thema so einreichen?"
    )
    assert summary.button_texts() == ["✅ Einreichen", "✏️ Etwas ändern", "Verwerfen"]
    assert await stored_topics(world) == []

    await world.press(people.CASEWORKER, summary, "Einreichen")
    done = world.current(summary).plain_text or ""
    code = CODE_PATTERN.search(done)
    assert code is not None
    assert done == (
        f"✅ Eingereicht. Der Fall heißt ab jetzt {code.group()} – so sprechen Sie im Team von "
        "ihm.\n"
        "📅 Es kommt in die Beratung am Dienstag, 24.11.2026, 09:00 Uhr.\n"
        "✏️ Ändern oder zurückziehen können Sie es bis Montag, 23.11.2026, 12:00 Uhr mit /themen."
    )
    assert await dialog_of(world, people.CASEWORKER) is None

    [topic] = await stored_topics(world)
    vault = Vault([ENCRYPTION_KEY])
    for column, answer in (
        ("question", QUESTION),
        ("situation", SITUATION),
        ("will", WILL),
        ("tried", TRIED),
    ):
        sealed = getattr(topic, column)
        assert sealed.startswith("gAAAAA")
        assert vault.open(sealed) == answer
    assert topic.resources is None
    assert (topic.status, topic.urgent, topic.help_kind) == ("queued", False, "ambulant")
    assert topic.meeting_id is not None
    async with world.db.transaction() as session:
        case = await session.get(CaseCode, topic.case_id)
        member = await directory.get_member(session, telegram_id=people.CASEWORKER.id)
    assert case is not None and member is not None
    assert (case.code, case.owner_id, case.team_id) == (code.group(), member.id, teams.nord_a)
    assert topic.author_id == member.id

    [entry] = await audit_of(world, "topic.submitted")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        people.CASEWORKER.id,
        "case_topic",
        str(topic.id),
    )
    assert entry.details == {
        "team_id": teams.nord_a,
        "case_id": case.id,
        "meeting_id": topic.meeting_id,
        "follow_up": False,
        "urgent": False,
    }
    await assert_nowhere_stored(world, *ANSWERS)
    raw = database_bytes(world)
    if raw is not None:  # the byte search sees what is stored: the code is there in plain
        assert code.group().encode() in raw


async def test_submitted_topic_is_on_the_group_agenda_with_code_and_question_only(
    world: World, teams: Directory
) -> None:
    """The topic travels from the private chat to the group's agenda: code and question."""
    await with_series(world)
    code = await submit(world)
    [agenda] = await world.send(people.PROVIDER, "/agenda", people.NORD_A_GROUP)
    text = agenda.plain_text or ""
    assert code in text
    assert QUESTION in text
    for private in (SITUATION, WILL, TRIED):
        assert private not in text


async def test_provider_may_bring_a_topic_too(world: World, teams: Directory) -> None:
    """Every member of a team may bring topics: a provider's staff member submits one."""
    await with_series(world)
    await submit(world, people.PROVIDER, help_kind="Noch offen")
    [topic] = await stored_topics(world)
    assert topic.help_kind == "offen"


async def test_without_a_consultation_the_topic_waits_for_the_first_date(
    world: World, teams: Directory
) -> None:
    """No series yet: stored without a date, and the member is told it goes to the first one."""
    summary = await to_summary(world)
    await world.press(people.CASEWORKER, summary, "Einreichen")
    text = world.current(summary).plain_text or ""
    assert "Ihr Team hat noch keinen Beratungstermin" in text
    [topic] = await stored_topics(world)
    assert topic.meeting_id is None


async def test_follow_up_keeps_the_code_and_offers_only_my_codes(
    world: World, teams: Directory
) -> None:
    """A second topic of the same case keeps its code; other members never see my codes."""
    await with_series(world)
    code = await submit(world)

    [choice] = await world.send(people.CASEWORKER, "/thema")
    assert "neuer Fall oder ein Folgethema" in (choice.plain_text or "")
    assert choice.button_texts() == ["🆕 Neuer Fall", code]
    await world.send(people.CASEWORKER, "/abbrechen")
    [other] = await world.send(people.COORDINATOR, "/thema")
    assert code not in json.dumps(other.buttons())
    assert "Frage 1 von 7" in (other.plain_text or "")  # Carla has no cases: no case question
    await world.send(people.COORDINATOR, "/abbrechen")

    again = await submit(world, case=code)
    assert again == code
    first, second = await stored_topics(world)
    assert first.case_id == second.case_id
    [entry, follow_up] = await audit_of(world, "topic.submitted")
    assert (entry.details["follow_up"], follow_up.details["follow_up"]) == (False, True)


async def test_member_with_several_teams_chooses_the_team(world: World, teams: Directory) -> None:
    """Sven is in Nord A and Nord B: buttons for both, the topic goes to the chosen one."""
    await add_member(world.db, people.CASEWORKER, teams.nord_b, Role.ASD, now=world.clock.now())
    [ask] = await world.send(people.CASEWORKER, "/thema")
    assert ask.button_texts() == ["Sozialraumteam Nord A", "Sozialraumteam Nord B"]
    [first] = await world.press(people.CASEWORKER, ask, "Nord B")
    assert "Neues Fallthema für Sozialraumteam Nord B" in (first.plain_text or "")


async def test_summary_edit_answers_one_question_again_and_returns(
    world: World, teams: Directory
) -> None:
    """ "Etwas ändern" → a field → the new answer → the summary again, with the change."""
    summary = await to_summary(world)
    [choose] = await world.press(people.CASEWORKER, summary, "Etwas ändern")
    assert choose.button_texts() == [
        "Kernfrage",
        "Situation",
        "Wille",
        "Ressourcen",
        "Bisherige Hilfen",
        "Dringlichkeit",
        "Art der Hilfe",
        "⬅️ Zurück zur Übersicht",
    ]
    [ask] = await world.press(people.CASEWORKER, choose, "Ressourcen")
    assert "Ressourcen:" in (ask.plain_text or "")
    resources = "Eine Nachbarin hilft morgens, der Sportverein nimmt den Sohn mit."
    [again] = await world.send(people.CASEWORKER, resources)
    assert (again.plain_text or "").startswith("Bitte prüfen:")
    assert f"💪 Ressourcen: {resources}" in (again.plain_text or "")
    [choose] = await world.press(people.CASEWORKER, again, "Etwas ändern")
    [kind] = await world.press(people.CASEWORKER, choose, "Art der Hilfe")
    [again] = await world.press(people.CASEWORKER, kind, "Stationär")
    assert "🤝 Art der Hilfe: Stationär" in (again.plain_text or "")


async def test_discard_stores_nothing(world: World, teams: Directory) -> None:
    """Verwerfen ends the draft; no case, no topic, no dialogue left."""
    summary = await to_summary(world)
    await world.press(people.CASEWORKER, summary, "Verwerfen")
    assert "nichts gespeichert" in (world.current(summary).plain_text or "")
    assert await stored_topics(world) == []
    assert await world.count("case_code") == 0
    assert await dialog_of(world, people.CASEWORKER) is None
    await assert_nowhere_stored(world, *ANSWERS)


# -- the privacy gate ---------------------------------------------------------------------


async def test_answer_with_a_name_is_refused_deleted_and_never_stored_or_logged(
    world: World, teams: Directory, caplog: pytest.LogCaptureFixture
) -> None:
    """Names and a birth date: refused by kind, the message deleted, nothing in DB or logs."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="bot")
    await world.send(people.CASEWORKER, "/thema")

    [answer], message_id = await say(world, people.CASEWORKER, IDENTIFYING)

    text = answer.plain_text or ""
    assert text.startswith("🛑 In Ihrer Antwort steht etwas, das eine Familie erkennbar machen")
    assert "Name" in text and "Datum" in text
    assert "Kevin" not in text and "Müller" not in text and "2017" not in text
    assert "Frage 1 von 7" in text  # the same question again
    assert (people.CASEWORKER.id, message_id) in world.fake.deleted
    dialog = await dialog_of(world, people.CASEWORKER)
    assert dialog is not None and dialog.step == "question"
    assert dialog.data["answers"] == {}
    for part in ("Kevin", "Müller", "03.04.2017"):
        assert part not in caplog.text
    await assert_nowhere_stored(world, IDENTIFYING, "Kevin Müller")

    # Rephrased, it is taken.
    [next_question] = await world.send(people.CASEWORKER, QUESTION)
    assert "Frage 2 von 7" in (next_question.plain_text or "")


async def test_a_failed_deletion_is_logged_without_text(
    world: World, teams: Directory, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram refuses the deletion (e.g. too old): the answer is still refused, logged bare."""
    caplog.set_level(logging.INFO)
    await world.send(people.CASEWORKER, "/thema")
    world.fake.fail_next(
        "deleteMessage", status=400, description="Bad Request: message can't be deleted"
    )
    [answer], _ = await say(world, people.CASEWORKER, IDENTIFYING)
    assert (answer.plain_text or "").startswith("🛑")
    assert "could not delete a refused message" in caplog.text
    assert "Kevin" not in caplog.text
    dialog = await dialog_of(world, people.CASEWORKER)
    assert dialog is not None and dialog.data["answers"] == {}


async def test_organisation_names_and_my_codes_pass_the_gate(
    world: World, teams: Directory
) -> None:
    """The social space's areas and the organisation's case codes are not identifiers."""
    await with_series(world)
    code = await submit(world)
    [case_question] = await world.send(people.CASEWORKER, "/thema")
    await world.press(people.CASEWORKER, case_question, "Neuer Fall")
    question = f"Wie geht es mit {code} in Friedrichsgabe weiter?"
    [answer] = await world.send(people.CASEWORKER, question)
    assert "Frage 2 von 7" in (answer.plain_text or ""), answer.plain_text


# -- bad input ----------------------------------------------------------------------------


async def test_empty_answer_is_refused_and_the_question_repeated(
    world: World, teams: Directory
) -> None:
    """Only punctuation is no answer; the dialogue stays at the same question."""
    await world.send(people.CASEWORKER, "/thema")
    [answer] = await world.send(people.CASEWORKER, " … ")
    assert (answer.plain_text or "").startswith("Die Antwort ist leer.")
    assert "Frage 1 von 7" in (answer.plain_text or "")


async def test_answer_of_5000_characters_is_refused_with_the_limit(
    world: World, teams: Directory
) -> None:
    """5000 characters: told the length and the limit, not deleted, nothing kept."""
    await world.send(people.CASEWORKER, "/thema")
    long_text = ("Die Mutter wirkt erschöpft und braucht Entlastung am Morgen. " * 90)[:5000]
    [answer], message_id = await say(world, people.CASEWORKER, long_text)
    text = answer.plain_text or ""
    assert text.startswith("Die Antwort ist zu lang: 5000 Zeichen, höchstens 500.")
    assert "Frage 1 von 7" in text
    assert (people.CASEWORKER.id, message_id) not in world.fake.deleted
    dialog = await dialog_of(world, people.CASEWORKER)
    assert dialog is not None and dialog.step == "question" and dialog.data["answers"] == {}
    await assert_nowhere_stored(world, long_text)

    [taken], _ = await say(world, people.CASEWORKER, QUESTION, later=60)
    assert "Frage 2 von 7" in (taken.plain_text or "")


async def test_second_part_of_a_split_long_text_is_not_taken_as_the_answer(
    world: World, teams: Directory
) -> None:
    """Telegram splits 5000 characters into 4096 + 904: both parts are refused."""
    await world.send(people.CASEWORKER, "/thema")
    await world.send(people.CASEWORKER, QUESTION)
    long_text = ("Die Kita beschreibt viele Fehltage und wenig Kontakt zu den Eltern. " * 80)[
        :5000
    ]
    [first], _ = await say(world, people.CASEWORKER, long_text[:4096])
    assert "zu lang: 4096 Zeichen" in (first.plain_text or "")
    [second], _ = await say(world, people.CASEWORKER, long_text[4096:])
    assert "zweite Teil eines zu langen Textes" in (second.plain_text or "")
    dialog = await dialog_of(world, people.CASEWORKER)
    assert dialog is not None and dialog.step == "situation"
    assert "situation" not in dialog.data["answers"]


@pytest.mark.parametrize(
    "build", [photo_update, voice_update, document_update], ids=["photo", "voice", "document"]
)
async def test_files_during_the_dialogue_are_refused_and_deleted(
    world: World, teams: Directory, build: Any
) -> None:
    """No files in case topics: the message is deleted, the same question stays open."""
    await world.send(people.CASEWORKER, "/thema")
    await world.send(people.CASEWORKER, QUESTION)
    update = build(people.CASEWORKER, private_chat(people.CASEWORKER))
    [answer] = await world.feed(update)
    text = answer.plain_text or ""
    assert text.startswith("📎 Fotos, Sprachnachrichten, Dateien und Sticker nehme ich")
    assert "Frage 2 von 7" in text
    assert (people.CASEWORKER.id, update["message"]["message_id"]) in world.fake.deleted
    dialog = await dialog_of(world, people.CASEWORKER)
    assert dialog is not None and dialog.step == "situation"
    assert set(dialog.data["answers"]) == {"question"}


async def test_files_outside_a_topic_dialogue_get_the_general_answer(
    world: World, teams: Directory
) -> None:
    """Without a topic dialogue a photo gets the bot's usual answer and is not deleted."""
    update = photo_update(people.CASEWORKER, private_chat(people.CASEWORKER))
    [answer] = await world.feed(update)
    assert (answer.plain_text or "").startswith("Bitte schicken Sie mir nur Text")
    assert world.fake.deleted == set()


async def test_typed_words_answer_button_questions_and_others_are_refused(
    world: World, teams: Directory
) -> None:
    """Typed "Normal" works like the button; anything else asks for the buttons."""
    await world.send(people.CASEWORKER, "/thema")
    for answer in (QUESTION, SITUATION, WILL, "Großeltern in der Nähe", TRIED):
        sent = await world.send(people.CASEWORKER, answer)
    [again] = await world.send(people.CASEWORKER, "vielleicht")
    assert (again.plain_text or "").startswith("Bitte wählen Sie mit den Knöpfen.")
    [kind] = await world.send(people.CASEWORKER, "Normal")
    assert "Art der Hilfe" in (kind.plain_text or "")
    del sent


# -- § 8a ---------------------------------------------------------------------------------


async def _set_emergency_contact(world: World, text: str) -> None:
    async with world.db.transaction() as session:
        organisation = (await session.exec(select(Organisation))).one()
        organisation.emergency_contact = text
        session.add(organisation)


async def test_urgent_topic_shows_the_8a_procedure_and_tells_the_coordinator_the_code(
    world: World, teams: Directory
) -> None:
    """Urgent: at once the § 8a notice with the contact; Carla gets the code and nothing else."""
    await with_series(world)
    await _set_emergency_contact(world, EMERGENCY)
    await world.send(people.CASEWORKER, "/thema")
    for answer in (QUESTION, SITUATION, WILL):
        sent = await world.send(people.CASEWORKER, answer)
    sent = await world.press(people.CASEWORKER, sent[-1], "Überspringen")
    [urgency] = await world.send(people.CASEWORKER, TRIED)
    [notice] = await world.press(people.CASEWORKER, urgency, "Dringend")
    text = notice.plain_text or ""
    assert text.startswith("🚨 Akute Gefährdung? Nicht bis zur Beratung warten.")
    assert "§ 8a SGB VIII" in text
    assert "nicht in der wöchentlichen kollegialen Beratung" in text
    assert EMERGENCY in text
    assert "Art der Hilfe" in text  # and the dialogue goes on
    [summary] = await world.press(people.CASEWORKER, notice, "Noch offen")
    assert "⏱ Dringlichkeit: 🚨 dringend" in (summary.plain_text or "")

    await world.press(people.CASEWORKER, summary, "Einreichen")
    done = world.current(summary).plain_text or ""
    assert "Als dringend eingereicht" in done and "Koordination Ihres Teams ist informiert" in done
    [topic] = await stored_topics(world)
    assert topic.urgent is True
    code = CODE_PATTERN.search(done)
    assert code is not None

    delivered = await world.deliver_outbox()
    [to_carla] = [m for m in delivered if m.chat_id == people.COORDINATOR.id]
    carla = to_carla.plain_text or ""
    assert carla.startswith(f"🚨 Dringendes Fallthema – Sozialraumteam Nord A: {code.group()}.")
    for private in (*ANSWERS, "Kita", "Mutter"):
        assert private not in carla
    assert [m.chat_id for m in delivered] == [people.COORDINATOR.id]  # not Olga, not the group


async def test_danger_words_trigger_the_8a_notice_with_a_generic_contact(
    world: World, teams: Directory
) -> None:
    """Words of acute danger in an answer: § 8a at once (generic contact), topic made urgent."""
    await with_series(world)
    await world.send(people.CASEWORKER, "/thema")
    await world.send(people.CASEWORKER, QUESTION)
    [notice] = await world.send(people.CASEWORKER, DANGER)
    text = notice.plain_text or ""
    assert text.startswith("🚨 Akute Gefährdung?")
    assert "ASD-Leitung" in text and "Polizei 110" in text
    assert "Frage 3 von 7" in text
    for answer in (WILL, "Großeltern in der Nähe"):
        sent = await world.send(people.CASEWORKER, answer)
    [urgency] = await world.send(people.CASEWORKER, TRIED)
    assert "Akute Gefährdung" not in (urgency.plain_text or "")  # told once
    [kind] = await world.press(people.CASEWORKER, urgency, "Normal")
    [summary] = await world.press(people.CASEWORKER, kind, "Ambulant")
    assert "Hinweis auf akute Gefährdung im Text" in (summary.plain_text or "")
    await world.press(people.CASEWORKER, summary, "Einreichen")
    [topic] = await stored_topics(world)
    assert topic.urgent is True
    delivered = await world.deliver_outbox()
    assert [m.chat_id for m in delivered] == [people.COORDINATOR.id]
    del sent


# -- rights, stale buttons, two dialogues ---------------------------------------------------


async def test_follow_up_of_someone_elses_code_is_refused(world: World, teams: Directory) -> None:
    """Typed or forged, another member's code is never taken; nothing tells it exists."""
    await with_series(world)
    code = await submit(world)
    await add_member(
        world.db, people.OTHER_COORDINATOR, teams.nord_a, Role.ASD, now=world.clock.now()
    )
    await add_member(
        world.db, people.OTHER_COORDINATOR, teams.sued_a, Role.ASD, now=world.clock.now()
    )
    # Olga brings a case of her own in Süd A, so she gets the case question there.
    sent = await world.send(people.OTHER_COORDINATOR, "/thema")
    sent = await world.press(people.OTHER_COORDINATOR, sent[-1], "Süd A")
    for answer in (QUESTION, SITUATION, WILL, "Großeltern in der Nähe", TRIED):
        sent = await world.send(people.OTHER_COORDINATOR, answer)
    sent = await world.press(people.OTHER_COORDINATOR, sent[-1], "Normal")
    sent = await world.press(people.OTHER_COORDINATOR, sent[-1], "Ambulant")
    await world.press(people.OTHER_COORDINATOR, sent[-1], "Einreichen")

    sent = await world.send(people.OTHER_COORDINATOR, "/thema")
    [case_question] = await world.press(people.OTHER_COORDINATOR, sent[-1], "Süd A")
    assert code not in case_question.button_texts()
    [typed] = await world.send(people.OTHER_COORDINATOR, code.lower())
    assert (typed.plain_text or "").startswith("Diesen Code finde ich nicht unter Ihren Fällen")

    # A forged button of her own dialogue that points at Sven's case.
    async with world.db.transaction() as session:
        dialog = await interaction.get_dialog(
            session, telegram_id=people.OTHER_COORDINATOR.id, chat_id=people.OTHER_COORDINATOR.id
        )
        sven_case = (await session.exec(select(CaseCode).where(CaseCode.code == code))).one()
        assert dialog is not None
        token = await interaction.create_button(
            session,
            batch="forged",
            chat_id=people.OTHER_COORDINATOR.id,
            telegram_id=people.OTHER_COORDINATOR.id,
            action="thema.case",
            payload={"asked": dialog.data["asked"], "step": "case", "case_id": sven_case.id},
            now=world.clock.now(),
            ttl=timedelta(days=1),
        )
    [refused] = await world.press_data(people.OTHER_COORDINATOR, typed, token)
    assert (refused.plain_text or "").startswith("Diesen Code finde ich nicht unter Ihren Fällen")
    dialog_after = await dialog_of(world, people.OTHER_COORDINATOR)
    assert dialog_after is not None and "case_id" not in dialog_after.data


async def test_member_who_left_the_team_cannot_submit(world: World, teams: Directory) -> None:
    """Sven leaves Nord A while his summary is open: "Einreichen" is refused, nothing stored."""
    await add_member(world.db, people.CASEWORKER, teams.nord_b, Role.ASD, now=world.clock.now())
    sent = await world.send(people.CASEWORKER, "/thema")
    await world.press(people.CASEWORKER, sent[-1], "Nord A")
    for answer in (QUESTION, SITUATION, WILL, "Großeltern in der Nähe", TRIED):
        sent = await world.send(people.CASEWORKER, answer)
    sent = await world.press(people.CASEWORKER, sent[-1], "Normal")
    [summary] = await world.press(people.CASEWORKER, sent[-1], "Ambulant")
    async with world.db.transaction() as session:
        member = await directory.get_member(session, telegram_id=people.CASEWORKER.id)
        assert member is not None and member.id is not None
        await directory.remove_from_team(session, member_id=member.id, team_id=teams.nord_a)

    [answer] = await world.press(people.CASEWORKER, summary, "Einreichen")
    assert (answer.plain_text or "").startswith("Sie sind nicht (mehr) Mitglied dieses Teams.")
    assert await stored_topics(world) == []
    assert await world.count("case_code") == 0
    assert await dialog_of(world, people.CASEWORKER) is None


async def test_stale_button_of_an_old_dialogue_changes_nothing(
    world: World, teams: Directory
) -> None:
    """A button of a draft started anew is stale: a short alert, the new draft untouched."""
    await world.send(people.CASEWORKER, "/thema")
    for answer in (QUESTION, SITUATION):
        sent = await world.send(people.CASEWORKER, answer)
    old_skip = sent[-1]
    [running] = await world.send(people.CASEWORKER, "/thema")
    assert "schon ein Fallthema angefangen" in (running.plain_text or "")
    [fresh] = await world.press(people.CASEWORKER, running, "Neu beginnen")
    assert "Frage 1 von 7" in (fresh.plain_text or "")

    assert await world.press(people.CASEWORKER, old_skip, "Überspringen") == []
    assert "nicht mehr gültig" in world.last_callback_answer()["text"]
    dialog = await dialog_of(world, people.CASEWORKER)
    assert dialog is not None and dialog.step == "question" and dialog.data["answers"] == {}


async def test_thema_again_offers_to_continue_the_draft(world: World, teams: Directory) -> None:
    """/thema during a draft: "Weitermachen" asks the open question again, answers kept."""
    await world.send(people.CASEWORKER, "/thema")
    await world.send(people.CASEWORKER, QUESTION)
    [running] = await world.send(people.CASEWORKER, "/thema")
    assert running.button_texts() == ["▶️ Weitermachen", "Neu beginnen"]
    [again] = await world.press(people.CASEWORKER, running, "Weitermachen")
    assert "Frage 2 von 7" in (again.plain_text or "")
    dialog = await dialog_of(world, people.CASEWORKER)
    assert dialog is not None and set(dialog.data["answers"]) == {"question"}


async def test_thema_during_another_dialogue_ends_that_one_and_says_so(
    world: World, teams: Directory
) -> None:
    """One dialogue per chat, as everywhere: /thema during /beratung replaces it, visibly."""
    [setup] = await world.send(people.COORDINATOR, "/beratung")
    [first] = await world.send(people.COORDINATOR, "/thema")
    text = first.plain_text or ""
    assert text.startswith("ℹ️ Der andere Dialog, der noch offen war, ist damit beendet")
    assert "Neues Fallthema" in text
    dialog = await dialog_of(world, people.COORDINATOR)
    assert dialog is not None and dialog.kind == "thema"
    assert await world.press(people.COORDINATOR, setup, "Dienstag") == []
    assert "nicht mehr gültig" in world.last_callback_answer()["text"]


async def test_thema_in_the_group_points_to_the_private_chat(
    world: World, teams: Directory
) -> None:
    """In the group nothing is asked; the member is sent to the private chat with a link."""
    await _bind_nord_a(world)
    [answer] = await world.send(people.CASEWORKER, "/thema", people.NORD_A_GROUP)
    assert answer.chat_id == people.NORD_A_GROUP.id
    assert (answer.plain_text or "").startswith("🔒 Fallthemen nehme ich nur im privaten Chat an")
    assert f"https://t.me/{world.services.bot_username}" in (answer.text or "")
    async with world.db.transaction() as session:
        dialogs = (await session.exec(select(Dialog))).all()
    assert list(dialogs) == []


async def test_without_encryption_key_topics_are_refused(world: World, teams: Directory) -> None:
    """No BOT_ENCRYPTION_KEY: /thema and /themen say why, and nothing starts."""
    world.services.vault = None
    [answer] = await world.send(people.CASEWORKER, "/thema")
    assert (answer.plain_text or "").startswith(
        "🔐 Fallthemen kann ich noch nicht annehmen: Die Verwaltung hat die Verschlüsselung"
    )
    assert await dialog_of(world, people.CASEWORKER) is None
    [listing] = await world.send(people.CASEWORKER, "/themen")
    assert (listing.plain_text or "").startswith("🔐")


async def test_key_removed_during_a_draft_ends_it_kindly(world: World, teams: Directory) -> None:
    """The key disappears (restart without it) mid-dialogue: the next answer is not kept."""
    await world.send(people.CASEWORKER, "/thema")
    world.services.vault = None
    [answer] = await world.send(people.CASEWORKER, QUESTION)
    assert (answer.plain_text or "").startswith("🔐")
    assert await dialog_of(world, people.CASEWORKER) is None


async def test_stranger_and_member_without_team_get_no_dialogue(
    world: World, teams: Directory
) -> None:
    """Strangers are stopped by the gate; an administrator without a team is told why."""
    [stranger] = await world.send(people.STRANGER, "/thema")
    assert "Ich kenne Sie noch nicht" in (stranger.plain_text or "")
    [admin] = await world.send(people.ADMIN, "/thema")
    assert (admin.plain_text or "").startswith("Fallthemen bringt man für ein Sozialraumteam ein")


async def test_outbox_holds_no_case_text(world: World, teams: Directory) -> None:
    """Even the queued coordinator notice carries the code only."""
    await with_series(world)
    await submit(world, urgency="Dringend")
    async with world.db.transaction() as session:
        notices = (await session.exec(select(OutboxMessage))).all()
    assert notices
    for notice in notices:
        for answer in ANSWERS:
            assert answer not in (notice.text or "")


async def test_english_reader_gets_the_dialogue_in_english(world: World, teams: Directory) -> None:
    """A member who chose English: intro, questions and buttons in English."""
    await add_member(
        world.db,
        people.NETWORKER,
        teams.nord_a,
        Role.NETZWERK,
        now=world.clock.now(),
        language="en",
    )
    [first] = await world.send(people.NETWORKER, "/topic")
    assert (first.plain_text or "").startswith("📝 New case topic for Sozialraumteam Nord A")
    assert "Question 1 of 7" in (first.plain_text or "")
    for answer in (QUESTION, SITUATION):
        sent = await world.send(people.NETWORKER, answer)
    assert sent[-1].button_texts() == ["Skip"]
