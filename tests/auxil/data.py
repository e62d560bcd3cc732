"""Data builders: put a directory into the database without going through Telegram."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage import directory
from bot.storage.db import Database
from bot.storage.models import Organisation, Region, SocialSpace, Team
from tests.auxil.builders import TgUser


@dataclass(frozen=True)
class Directory:
    """Ids of the seeded teams."""

    nord_a: int
    nord_b: int
    sued_a: int


async def seed_directory(db: Database, *, now: datetime) -> Directory:
    """One organisation, two regions, three teams (Nord A, Nord B, Süd A)."""
    async with db.transaction() as session:
        org = Organisation(slug="norderstedt", name="Jugendamt Norderstedt", state="SH")
        session.add(org)
        await session.flush()
        assert org.id is not None
        nord = Region(organisation_id=org.id, slug="nord", name="Region Nord")
        sued = Region(organisation_id=org.id, slug="sued", name="Region Süd")
        session.add_all([nord, sued])
        await session.flush()
        assert nord.id is not None and sued.id is not None
        spaces = [
            SocialSpace(
                region_id=nord.id,
                slug="nord-a",
                name="Friedrichsgabe / Harksheide-Nord",
                areas=["Friedrichsgabe", "Harksheide-Nord"],
            ),
            SocialSpace(
                region_id=nord.id,
                slug="nord-b",
                name="Harksheide-Mitte",
                areas=["Harksheide-Mitte"],
            ),
            SocialSpace(region_id=sued.id, slug="sued-a", name="Garstedt", areas=["Garstedt"]),
        ]
        session.add_all(spaces)
        await session.flush()
        teams = [
            Team(
                organisation_id=org.id,
                social_space_id=spaces[0].id,
                slug="nord-a",
                name="Sozialraumteam Nord A",
            ),
            Team(
                organisation_id=org.id,
                social_space_id=spaces[1].id,
                slug="nord-b",
                name="Sozialraumteam Nord B",
            ),
            Team(
                organisation_id=org.id,
                social_space_id=spaces[2].id,
                slug="sued-a",
                name="Sozialraumteam Süd A",
            ),
        ]
        session.add_all(teams)
        await session.flush()
        ids = [team.id for team in teams]
        assert all(ids)
        return Directory(nord_a=ids[0], nord_b=ids[1], sued_a=ids[2])  # type: ignore[arg-type]


async def add_member(
    db: Database, user: TgUser, team_id: int, *roles: str, now: datetime, language: str = "de"
) -> int:
    """Make ``user`` a member of a team with the given roles; returns the member id."""
    async with db.transaction() as session:
        member = await directory.ensure_member(
            session,
            telegram_id=user.id,
            display_name=" ".join(p for p in (user.first_name, user.last_name) if p),
            language=language,
            now=now,
        )
        assert member.id is not None
        for role in roles:
            await directory.add_role(
                session, member_id=member.id, team_id=team_id, role=role, now=now
            )
        return member.id
