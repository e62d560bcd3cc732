"""A team with ten queued topics on its next consultation, for timing ``/agenda``.

The agenda lives in Süd A, so Nord A (whose roster ``/team`` lists) stays as it was. Olga
coordinates Süd A: she binds the group and sets up a weekly series with room for ten cases
through the real dialogues, as in ``tests/test_agenda.py``; the topics are then placed
directly in the database, sealed, as the intake would (``tests/auxil/topics.py``).
"""

from __future__ import annotations

from bot.storage.models import Role
from tests.auxil import people
from tests.auxil.builders import TgUser
from tests.auxil.data import Directory, add_member
from tests.auxil.topics import add_topic
from tests.auxil.world import World

#: The member who asks for the agenda in private: in Süd A only, no coordinator buttons.
READER = TgUser(60_001, "Anna", "Beispiel")
TOPICS = 10

#: Thursdays 09:00 for five hours, 30 minutes per case: ten cases fit. Topics are due on
#: Wednesday 12:00, so the clock (which the outbox scenario moves by a minute per message)
#: stays before the meeting for a few thousand operations.
THURSDAY = (
    "Donnerstag",
    "9:00",
    "5 Stunden",
    "Stadtteilhaus Garstedt",
    "30 min",
    "Mittwoch 12:00",
    "1 Tag",
    "2",
)
QUESTIONS = (
    "Welche Hilfe passt zur Tagesstruktur?",
    "Wie binden wir die Großeltern ein?",
    "Reicht die bisherige Unterstützung noch?",
    "Braucht die Familie eine sozialpädagogische Familienhilfe?",
    "Wie gehen wir mit den Fehlzeiten in der Schule um?",
    "Ist eine Erziehungsbeistandschaft sinnvoll?",
    "Welche Angebote gibt es für den Übergang in die Ausbildung?",
    "Wie unterstützen wir die Mutter bei der Wohnungssuche?",
    "Soll die Kita stärker einbezogen werden?",
    "Wann ist eine Hilfeplanfortschreibung fällig?",
)
SITUATION = "Die Mutter ist mit der Tagesstruktur überfordert, der Sohn (9) fehlt oft."


async def prepare(world: World, teams: Directory) -> None:
    """Bind the group, set up the series, queue the topics; check the agenda shows them all."""
    coordinator = people.OTHER_COORDINATOR
    await add_member(world.db, READER, teams.sued_a, Role.ASD, now=world.clock.now())
    sent = await world.send(coordinator, "/verbinden", people.SUED_A_GROUP)
    await world.press(coordinator, sent[-1], "Sozialraumteam Süd A")
    sent = await world.send(coordinator, "/beratung")
    for answer in THURSDAY:
        sent = await world.send(coordinator, answer)
    sent = await world.press(coordinator, sent[-1], "Fällt aus")
    await world.press(coordinator, sent[-1], "Speichern")
    for index, question in enumerate(QUESTIONS):
        made = await add_topic(
            world, READER, teams.sued_a, question, situation=SITUATION, urgent=index == 3
        )
        assert made.meeting_id is not None, "the series has no open date"
    await world.deliver_outbox()  # the group's announcement, so the outbox scenario starts empty
    await check(world)


async def check(world: World) -> None:
    """The private agenda lists all ten topics (run before and after timing)."""
    [answer] = await world.send(READER, "/agenda")
    text = answer.plain_text or ""
    numbered = [line for line in text.splitlines() if line[:3].rstrip(". ").isdigit()]
    assert len(numbered) == TOPICS, text
