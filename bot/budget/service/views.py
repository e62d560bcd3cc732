"""Reading the budget: pots as views, the reserve, a ledger page, and an actor's money rights.

Every other service module turns rows into :class:`PotView` through :func:`view_of` and asks
:func:`authority_of` what an actor may do, so both live here, free of any writing.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.access import Actor
from bot.budget import Category, rules
from bot.budget.service.results import LedgerPage, PotView
from bot.storage import budget as store
from bot.storage.models import BudgetPot, Role, SocialSpace


async def authority_of(session: AsyncSession, actor: Actor) -> rules.Authority:
    """The actor's money rights, from the roles loaded for this update."""
    member_id = actor.member.id if actor.member is not None else None
    lead_teams = [t for t, roles in actor.roles.items() if Role.FACHBEREICHSLEITUNG in roles]
    coordinated = frozenset(t for t, roles in actor.roles.items() if Role.KOORDINATION in roles)
    regions = await store.region_of_teams(session, lead_teams)
    return rules.Authority(
        member_id=member_id,
        lead_regions=frozenset(regions.values()),
        coordinated_teams=coordinated,
    )


async def _views(session: AsyncSession, pots: Iterable[BudgetPot]) -> list[PotView]:
    """Views of several pots, reading each social space once."""
    pots = list(pots)
    space_ids = {p.social_space_id for p in pots if p.social_space_id is not None}
    spaces: dict[int, SocialSpace] = {}
    for space_id in space_ids:
        space = await session.get(SocialSpace, space_id)
        if space is not None:
            spaces[space_id] = space
    views = []
    for pot in pots:
        assert pot.id is not None
        space = spaces.get(pot.social_space_id) if pot.social_space_id is not None else None
        views.append(
            PotView(
                id=pot.id,
                organisation_id=pot.organisation_id,
                social_space_id=pot.social_space_id,
                social_space_name=space.name if space else None,
                region_id=space.region_id if space else None,
                year=pot.year,
                category=Category(pot.category),
                figures=store.figures_of(pot),
                warned_percent=pot.warned_percent,
            )
        )
    return views


async def view_of(session: AsyncSession, pot: BudgetPot) -> PotView:
    """One pot as a view."""
    return (await _views(session, [pot]))[0]


async def pots_for(
    session: AsyncSession, *, social_space_ids: Iterable[int], year: int
) -> list[PotView]:
    """The pots of these social spaces in ``year`` (no reserve), by space and category."""
    return await _views(
        session, await store.pots(session, year=year, social_space_ids=social_space_ids)
    )


async def reserve_for(session: AsyncSession, *, organisation_id: int, year: int) -> PotView | None:
    """The organisation's reserve (Vorwegabzug) in ``year``, if the structure file sets one."""
    pot = await store.find_reserve(session, organisation_id=organisation_id, year=year)
    return await view_of(session, pot) if pot is not None else None


async def pot_view(session: AsyncSession, *, pot_id: int) -> PotView | None:
    """One pot by id, or ``None``."""
    pot = await store.get_pot(session, pot_id=pot_id)
    return await view_of(session, pot) if pot is not None else None


async def ledger_page(
    session: AsyncSession, *, pot_id: int, offset: int = 0, limit: int = 10
) -> LedgerPage:
    """A page of the pot's ledger, newest first."""
    rows, total = await store.booking_page(session, pot_id=pot_id, offset=offset, limit=limit)
    return LedgerPage(entries=tuple(rows), total=total, offset=offset, limit=limit)
