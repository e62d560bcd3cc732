"""Data functions for the directory: organisation, teams, members and their roles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import Member, Membership, Organisation, SocialSpace, Team


async def get_member(session: AsyncSession, *, telegram_id: int) -> Member | None:
    """The member with this Telegram id, if the bot knows them."""
    return (await session.exec(select(Member).where(Member.telegram_id == telegram_id))).first()


async def ensure_member(
    session: AsyncSession, *, telegram_id: int, display_name: str, language: str, now: datetime
) -> Member:
    """Return the member, creating them if new; the display name follows Telegram's."""
    member = await get_member(session, telegram_id=telegram_id)
    if member is None:
        member = Member(
            telegram_id=telegram_id, display_name=display_name, language=language, created_at=now
        )
        session.add(member)
        await session.flush()
    elif display_name and member.display_name != display_name:
        member.display_name = display_name
        session.add(member)
    return member


async def roles_by_team(session: AsyncSession, *, member_id: int) -> dict[int, set[str]]:
    """Every team of a member with the roles held there."""
    rows = await session.exec(
        select(Membership.team_id, Membership.role).where(Membership.member_id == member_id)
    )
    result: dict[int, set[str]] = defaultdict(set)
    for team_id, role in rows:
        result[team_id].add(role)
    return dict(result)


async def teams(session: AsyncSession) -> Sequence[Team]:
    """All teams, in a stable order."""
    return (await session.exec(select(Team).order_by(col(Team.name)))).all()


async def teams_by_ids(session: AsyncSession, ids: set[int]) -> Sequence[Team]:
    """The teams with these ids, by name."""
    if not ids:
        return []
    query = select(Team).where(col(Team.id).in_(ids)).order_by(col(Team.name))
    return (await session.exec(query)).all()


async def get_team(session: AsyncSession, *, team_id: int) -> Team | None:
    """The team with this id."""
    return await session.get(Team, team_id)


async def team_by_chat(session: AsyncSession, *, chat_id: int) -> Team | None:
    """The team bound to this Telegram group, if any."""
    return (await session.exec(select(Team).where(Team.chat_id == chat_id))).first()


async def team_members(session: AsyncSession, *, team_id: int) -> list[tuple[Member, set[str]]]:
    """Members of a team with their roles, by name."""
    rows = await session.exec(
        select(Member, Membership.role)
        .join(Membership, col(Membership.member_id) == col(Member.id))
        .where(Membership.team_id == team_id)
        .order_by(col(Member.display_name), col(Member.id))
    )
    grouped: dict[int, tuple[Member, set[str]]] = {}
    for member, role in rows:
        assert member.id is not None
        grouped.setdefault(member.id, (member, set()))[1].add(role)
    return list(grouped.values())


async def member_count(session: AsyncSession, *, team_id: int) -> int:
    """How many distinct members a team has."""
    return len(await team_members(session, team_id=team_id))


async def add_role(
    session: AsyncSession, *, member_id: int, team_id: int, role: str, now: datetime
) -> bool:
    """Give a member a role in a team; False if they had it already."""
    existing = (
        await session.exec(
            select(Membership).where(
                Membership.member_id == member_id,
                Membership.team_id == team_id,
                Membership.role == role,
            )
        )
    ).first()
    if existing is not None:
        return False
    session.add(Membership(member_id=member_id, team_id=team_id, role=role, created_at=now))
    await session.flush()
    return True


async def remove_from_team(session: AsyncSession, *, member_id: int, team_id: int) -> int:
    """Take every role of a member in a team away; returns how many roles were removed."""
    result = await session.exec(
        delete(Membership).where(
            col(Membership.member_id) == member_id, col(Membership.team_id) == team_id
        )
    )
    return int(result.rowcount or 0)


async def bind_chat(session: AsyncSession, *, team: Team, chat_id: int) -> None:
    """Bind a group to a team, releasing it from any team it was bound to before."""
    await session.exec(update(Team).where(col(Team.chat_id) == chat_id).values(chat_id=None))
    await session.flush()
    team.chat_id = chat_id
    session.add(team)
    await session.flush()


async def unbind_chat(session: AsyncSession, *, chat_id: int) -> Team | None:
    """Release the team bound to this group; returns that team."""
    team = await team_by_chat(session, chat_id=chat_id)
    if team is not None:
        team.chat_id = None
        session.add(team)
        await session.flush()
    return team


async def organisation(session: AsyncSession) -> Organisation | None:
    """The organisation (a deployment serves one youth office)."""
    return (await session.exec(select(Organisation).order_by(col(Organisation.id)))).first()


async def social_space(session: AsyncSession, *, social_space_id: int) -> SocialSpace | None:
    """A social space by id."""
    return await session.get(SocialSpace, social_space_id)
