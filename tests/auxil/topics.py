"""Case topics made directly in the database, for tests of what comes after the intake."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage import directory, topics
from bot.storage.models import CaseTopic
from bot.topics import placement
from bot.topics.codes import new_code
from tests.auxil.builders import TgUser
from tests.auxil.world import World


@dataclass(frozen=True)
class MadeTopic:
    """A topic as a test knows it."""

    id: int
    code: str
    meeting_id: int | None


async def add_topic(
    world: World,
    author: TgUser,
    team_id: int,
    question: str,
    *,
    situation: str = "Die Mutter ist mit der Tagesstruktur überfordert.",
    urgent: bool = False,
    help_kind: str = "ambulant",
    code: str | None = None,
) -> MadeTopic:
    """Submit a topic for ``author`` in ``team_id`` as the intake would: sealed, placed."""
    vault = world.services.vault
    assert vault is not None
    now = world.clock.now()
    async with world.db.transaction() as session:
        member = await directory.get_member(session, telegram_id=author.id)
        team = await directory.get_team(session, team_id=team_id)
        organisation = await directory.organisation(session)
        assert member is not None and member.id is not None
        assert team is not None and organisation is not None and organisation.id is not None
        case = await topics.new_case(
            session,
            organisation_id=organisation.id,
            team_id=team_id,
            owner_id=member.id,
            now=now,
            draw=(lambda _wide: code) if code else (lambda wide: new_code(wide=wide)),
        )
        target = await placement.next_open(
            session, team_id=team_id, tz=world.services.settings.tz, now=now
        )
        topic = await topics.add_topic(
            session,
            case=case,
            author_id=member.id,
            text=topics.SealedText(question=vault.seal(question), situation=vault.seal(situation)),
            urgent=urgent,
            help_kind=help_kind,
            meeting_id=target.meeting.id if target else None,
            now=now,
        )
        assert topic.id is not None
        return MadeTopic(topic.id, case.code, topic.meeting_id)


async def get(world: World, topic_id: int) -> CaseTopic:
    """The stored topic."""
    async with world.db.transaction() as session:
        found = await topics.get_topic(session, topic_id=topic_id)
        assert found is not None
        return found
