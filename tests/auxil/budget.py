"""Budget builders: the seeded directory plus approvers, pots with allocations, and actors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.access import Actor, load_actor
from bot.budget import Category, service
from bot.storage import budget as store
from bot.storage.db import Database
from bot.storage.models import Role, SocialSpace, Team
from tests.auxil import people
from tests.auxil.builders import TgUser
from tests.auxil.data import Directory, add_member, seed_directory

LEAD = TgUser(4001, "Frieda", "Leitung")
"""Fachbereichsleitung of Region Nord (holds the role in team Nord A)."""
LEAD_SUED = TgUser(4002, "Sören", "Leitung")
"""Fachbereichsleitung of Region Süd."""

LIMIT = 25_000
"""The coordinators' approval limit in the seeded year: 250,00 €."""
YEAR = 2026


@dataclass(frozen=True)
class BudgetWorld:
    """Ids of everything a budget test needs."""

    teams: Directory
    organisation_id: int
    requester: int
    """Sven (ASD, Nord A): member id."""
    coordinator: int
    """Carla (coordinator and ASD, Nord A): member id."""
    lead: int
    """Frieda (Fachbereichsleitung Nord): member id."""
    lead_sued: int
    beratung: int
    netzwerk: int
    fua: int
    """Pots of Nord A's social space in YEAR."""
    reserve: int
    sued_beratung: int


async def allocate(
    db: Database,
    *,
    organisation_id: int,
    social_space_id: int | None,
    category: Category,
    cents: int,
    now: datetime,
    year: int = YEAR,
) -> int:
    """A pot with a base allocation booked through the ledger; returns its id."""
    async with db.transaction() as session:
        pot, _ = await store.ensure_pot(
            session,
            organisation_id=organisation_id,
            social_space_id=social_space_id,
            year=year,
            category=category,
            now=now,
        )
        result = await service.set_base_allocation(
            session, pot=pot, amount_cents=cents, actor_id=None, now=now
        )
        assert isinstance(result, service.Allocated)
        assert pot.id is not None
        return pot.id


async def seed_budget(
    db: Database,
    *,
    now: datetime,
    beratung: int = 936_000,
    netzwerk: int = 1_248_000,
    fua: int = 300_000,
    reserve: int = 1_000_000,
) -> BudgetWorld:
    """Seeded directory, Sven/Carla/Frieda/Sören as members, Nord A's and Süd A's pots."""
    teams = await seed_directory(db, now=now)
    requester = await add_member(db, people.CASEWORKER, teams.nord_a, Role.ASD, now=now)
    coordinator = await add_member(
        db, people.COORDINATOR, teams.nord_a, Role.KOORDINATION, Role.ASD, now=now
    )
    lead = await add_member(db, LEAD, teams.nord_a, Role.FACHBEREICHSLEITUNG, now=now)
    lead_sued = await add_member(db, LEAD_SUED, teams.sued_a, Role.FACHBEREICHSLEITUNG, now=now)
    async with db.transaction() as session:
        team = await session.get(Team, teams.nord_a)
        sued = await session.get(Team, teams.sued_a)
        assert team is not None and sued is not None
        organisation_id = team.organisation_id
        space = await session.get(SocialSpace, team.social_space_id)
        assert space is not None and space.id is not None
        space_id, sued_space_id = space.id, sued.social_space_id
        await store.set_coordinator_limit(
            session,
            organisation_id=organisation_id,
            year=YEAR,
            limit=LIMIT,
            now=now,
            actor_id=None,
        )

    async def pot(social_space_id: int | None, category: Category, cents: int) -> int:
        """A pot of the seeded organisation in YEAR with its base allocation."""
        return await allocate(
            db,
            organisation_id=organisation_id,
            social_space_id=social_space_id,
            category=category,
            cents=cents,
            now=now,
        )

    return BudgetWorld(
        teams=teams,
        organisation_id=organisation_id,
        requester=requester,
        coordinator=coordinator,
        lead=lead,
        lead_sued=lead_sued,
        beratung=await pot(space_id, Category.BERATUNG, beratung),
        netzwerk=await pot(space_id, Category.NETZWERK, netzwerk),
        fua=await pot(space_id, Category.FUA, fua),
        reserve=await pot(None, Category.RESERVE, reserve),
        sued_beratung=await pot(sued_space_id, Category.BERATUNG, beratung),
    )


async def actor(db: Database, user: TgUser) -> Actor:
    """The user as the bot would load them for an update."""
    async with db.transaction() as session:
        return await load_actor(session, telegram_id=user.id, admin_ids=frozenset())


async def request(
    db: Database, bw: BudgetWorld, *, cents: int, now: datetime, pot_id: int | None = None
) -> int:
    """Sven asks for ``cents`` from Nord A's Beratung pot (or ``pot_id``); returns the id."""
    async with db.transaction() as session:
        created = await service.submit(
            session,
            team_id=bw.teams.nord_a,
            pot_id=pot_id or bw.beratung,
            requester_id=bw.requester,
            amount_cents=cents,
            purpose="Material für das Elterncafé",
            now=now,
        )
        assert not isinstance(created, service.Refused), created
        assert created.id is not None
        return created.id
