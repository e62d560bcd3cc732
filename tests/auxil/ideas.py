"""Helpers for the idea tests: the set-up, logging ideas through the bot, reading them back."""

from __future__ import annotations

from sqlmodel import col, select

from bot.storage.models import AuditEntry, Idea, IdeaVote, OutboxMessage, Role
from tests.auxil import people
from tests.auxil.builders import TgUser
from tests.auxil.data import Directory, add_member
from tests.auxil.fake_bot_api import SentMessage
from tests.auxil.world import World

GROUP = people.NORD_A_GROUP
COOKING = "Kochgruppe für Eltern im Familienzentrum, einmal im Monat am Samstag"
HOMEWORK = "Hausaufgabenhilfe in der Bücherei, mit Ehrenamtlichen aus dem Sportverein"
FOOTBALL = "Offener Bolzplatz-Treff am Freitagnachmittag für Jugendliche"
#: Names a child and a date of birth: the privacy gate must stop it.
IDENTIFYING = "Kochgruppe, weil Kevin Müller (geb. 03.04.2017) sonst allein ist"


async def bind_group(world: World) -> None:
    """Carla binds the Nord A group (and the bot is an ordinary member of it)."""
    sent = await world.send(people.COORDINATOR, "/verbinden", GROUP)
    await world.press(people.COORDINATOR, sent[-1], "Sozialraumteam Nord A")


async def with_networker(world: World, teams: Directory) -> None:
    """Nils joins Nord A as its network worker."""
    await add_member(
        world.db, people.NETWORKER, teams.nord_a, Role.NETZWERK, now=world.clock.now()
    )


async def log_in_group(world: World, user: TgUser, text: str) -> SentMessage:
    """``user`` writes ``/idee <text>`` in the group; returns the bot's single answer."""
    sent = await world.send(user, f"/idee {text}", GROUP)
    assert len(sent) == 1, [m.plain_text for m in sent]
    return sent[0]


async def tag(
    world: World,
    user: TgUser,
    message: SentMessage,
    origin: str,
    kind: str = "Überspringen",
    target: str = "Überspringen",
    partners: tuple[str, ...] = (),
) -> SentMessage:
    """Answer the tagging questions under an idea's confirmation; returns the message."""
    for answer in (origin, kind, target, *partners, "Fertig"):
        await world.press(user, world.current(message), answer)
    return world.current(message)


async def ideas(world: World) -> list[Idea]:
    """Every stored idea, by id."""
    async with world.db.transaction() as session:
        return list((await session.exec(select(Idea).order_by(col(Idea.id)))).all())


async def votes(world: World) -> list[IdeaVote]:
    """Every stored vote."""
    async with world.db.transaction() as session:
        return list((await session.exec(select(IdeaVote).order_by(col(IdeaVote.id)))).all())


async def audit(world: World, action: str) -> list[AuditEntry]:
    """Audit entries of one action."""
    async with world.db.transaction() as session:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
        return list((await session.exec(query)).all())


async def queued_to(world: World, user: TgUser) -> list[str]:
    """Texts queued in the outbox for ``user``."""
    async with world.db.transaction() as session:
        query = select(OutboxMessage).where(OutboxMessage.chat_id == user.id)
        return [row.text for row in (await session.exec(query)).all()]


async def add_spending_request(
    world: World, team_id: int, requester: TgUser, *, amount: int, purpose: str
) -> int:
    """A spending request of the team as the budget's /ausgabe would leave it (requested)."""
    from bot.storage import directory
    from bot.storage.models import BudgetPot, SpendingRequest, Team

    now = world.clock.now()
    async with world.db.transaction() as session:
        team = await session.get(Team, team_id)
        member = await directory.get_member(session, telegram_id=requester.id)
        assert team is not None and member is not None and member.id is not None
        pot = BudgetPot(
            organisation_id=team.organisation_id,
            social_space_id=team.social_space_id,
            year=2026,
            category="netzwerk",
            created_at=now,
            updated_at=now,
        )
        session.add(pot)
        await session.flush()
        assert pot.id is not None
        request = SpendingRequest(
            team_id=team_id,
            pot_id=pot.id,
            requester_id=member.id,
            amount=amount,
            purpose=purpose,
            created_at=now,
            updated_at=now,
        )
        session.add(request)
        await session.flush()
        assert request.id is not None
        return request.id


async def spending_idea(world: World, request_id: int) -> int | None:
    """The idea a spending request names."""
    from bot.storage.models import SpendingRequest

    async with world.db.transaction() as session:
        request = await session.get(SpendingRequest, request_id)
        assert request is not None
        return request.idea_id
