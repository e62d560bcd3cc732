"""Data functions for the map of offers and the offers case topics name.

Offers are public, organisational data (see :class:`~bot.storage.models.Offer`); the link to a
case topic holds two ids and never any text.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.offers.search import fold, natural_key
from bot.storage.models import CaseTopicOffer, Idea, IdeaOffer, Offer, Region, SocialSpace, Team


@dataclass(frozen=True)
class OfferData:
    """The values of an offer as the dialogue or the import has checked them."""

    name: str
    provider: str
    kind: str
    target_group: str = ""
    place: str = ""
    times: str = ""
    phone: str = ""
    email: str = ""
    description: str = ""
    free_of_charge: bool | None = None

    @property
    def key(self) -> str:
        """The natural key (folded name and provider)."""
        return natural_key(self.name, self.provider)

    @classmethod
    def of(cls, offer: Offer) -> OfferData:
        """The values of a stored offer."""
        return cls(**{item.name: getattr(offer, item.name) for item in fields(cls)})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OfferData:
        """From a dialogue's JSON (unknown keys are ignored, missing ones are empty)."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            if item.name == "free_of_charge":
                raw = data.get(item.name)
                values[item.name] = raw if isinstance(raw, bool) else None
            else:
                values[item.name] = str(data.get(item.name) or "")
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        """For a dialogue's JSON."""
        return asdict(self)


# -- social spaces -------------------------------------------------------------------------


async def spaces_of_teams(session: AsyncSession, team_ids: Collection[int]) -> dict[int, int]:
    """Team id → social space id, for the teams that have one."""
    if not team_ids:
        return {}
    query = select(Team).where(col(Team.id).in_(list(team_ids)))
    return {
        team.id: team.social_space_id
        for team in (await session.exec(query)).all()
        if team.id is not None and team.social_space_id is not None
    }


async def all_spaces(session: AsyncSession) -> list[tuple[SocialSpace, Region]]:
    """Every social space with its region, ordered by region and name."""
    query = (
        select(SocialSpace, Region)
        .join(Region, col(Region.id) == col(SocialSpace.region_id))
        .order_by(col(Region.name), col(SocialSpace.name))
    )
    return [(space, region) for space, region in (await session.exec(query)).all()]


async def organisation_of_space(session: AsyncSession, *, space_id: int) -> int | None:
    """The organisation a social space belongs to (through its region)."""
    query = (
        select(Region.organisation_id)
        .join(SocialSpace, col(SocialSpace.region_id) == col(Region.id))
        .where(SocialSpace.id == space_id)
    )
    return (await session.exec(query)).first()


async def space_names(session: AsyncSession, space_ids: Collection[int]) -> dict[int, str]:
    """Social space id → name."""
    if not space_ids:
        return {}
    query = select(SocialSpace).where(col(SocialSpace.id).in_(list(space_ids)))
    return {
        space.id: space.name for space in (await session.exec(query)).all() if space.id is not None
    }


# -- offers --------------------------------------------------------------------------------


async def get_offer(session: AsyncSession, *, offer_id: int) -> Offer | None:
    """One offer by id (archived ones too)."""
    return await session.get(Offer, offer_id)


async def active_offers(session: AsyncSession, *, space_ids: Collection[int]) -> list[Offer]:
    """The offers of some social spaces that are not archived, by id."""
    if not space_ids:
        return []
    query = (
        select(Offer)
        .where(col(Offer.social_space_id).in_(list(space_ids)), col(Offer.archived_at).is_(None))
        .order_by(col(Offer.id))
    )
    return list((await session.exec(query)).all())


async def offers_for_export(session: AsyncSession) -> list[tuple[Offer, SocialSpace]]:
    """Every offer (archived ones too) with its social space, by space and name."""
    query = select(Offer, SocialSpace).join(
        SocialSpace, col(SocialSpace.id) == col(Offer.social_space_id)
    )
    rows = [(offer, space) for offer, space in (await session.exec(query)).all()]
    return sorted(rows, key=lambda row: (row[1].slug, fold(row[0].name), row[0].id or 0))


def kinds_of(offers: Sequence[Offer]) -> list[tuple[str, int]]:
    """The kinds among offers with how many have each, most first; spellings folded together."""
    counts: dict[str, list[Any]] = {}
    for offer in offers:
        folded = "".join(fold(offer.kind).split())
        entry = counts.setdefault(folded, [offer.kind, 0])
        entry[1] += 1
    return sorted(
        ((str(label), int(count)) for label, count in counts.values()),
        key=lambda item: (-item[1], fold(item[0])),
    )


async def find_by_key(session: AsyncSession, *, space_id: int, key: str) -> Offer | None:
    """The offer with this natural key in a social space (archived ones too)."""
    query = select(Offer).where(Offer.social_space_id == space_id, Offer.natural_key == key)
    return (await session.exec(query)).first()


def _apply(offer: Offer, data: OfferData) -> bool:
    """Copy ``data`` onto ``offer``; whether anything changed."""
    changed = False
    for name, value in data.as_dict().items():
        if getattr(offer, name) != value:
            setattr(offer, name, value)
            changed = True
    if offer.natural_key != data.key:
        offer.natural_key = data.key
        changed = True
    return changed


async def add_offer(
    session: AsyncSession, *, space_id: int, data: OfferData, actor_id: int | None, now: datetime
) -> Offer:
    """Store a new offer (the caller checked that its natural key is free)."""
    offer = Offer(
        social_space_id=space_id,
        natural_key=data.key,
        created_by=actor_id,
        created_at=now,
        updated_by=actor_id,
        updated_at=now,
        **data.as_dict(),
    )
    session.add(offer)
    await session.flush()
    return offer


async def update_offer(
    session: AsyncSession, *, offer: Offer, data: OfferData, actor_id: int | None, now: datetime
) -> bool:
    """Change an offer's values; False (and nothing written) when they are the same."""
    if not _apply(offer, data):
        return False
    offer.updated_by, offer.updated_at = actor_id, now
    session.add(offer)
    await session.flush()
    return True


async def set_archived(
    session: AsyncSession, *, offer: Offer, archived: bool, actor_id: int | None, now: datetime
) -> bool:
    """Archive an offer (hidden from searches) or bring it back; False if it already was."""
    if (offer.archived_at is not None) == archived:
        return False
    offer.archived_at = now if archived else None
    offer.updated_by, offer.updated_at = actor_id, now
    session.add(offer)
    await session.flush()
    return True


# -- links to case topics ------------------------------------------------------------------


async def link_topic(
    session: AsyncSession, *, topic_id: int, offer_id: int, actor_id: int, now: datetime
) -> bool:
    """Name an offer as a resource of a case topic; False if it already was."""
    insert = (
        postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )
    statement = (
        insert(CaseTopicOffer)
        .values(topic_id=topic_id, offer_id=offer_id, created_by=actor_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["topic_id", "offer_id"])
        .returning(col(CaseTopicOffer.offer_id))
    )
    return (await session.exec(statement)).first() is not None


async def offers_of_topic(session: AsyncSession, *, topic_id: int) -> list[Offer]:
    """The offers a case topic names, by name."""
    query = (
        select(Offer)
        .join(CaseTopicOffer, col(CaseTopicOffer.offer_id) == col(Offer.id))
        .where(CaseTopicOffer.topic_id == topic_id)
    )
    return sorted((await session.exec(query)).all(), key=lambda offer: fold(offer.name))


# -- links to ideas --------------------------------------------------------------------------


async def idea_by_number(session: AsyncSession, *, team_id: int, number: int) -> Idea | None:
    """A team's idea by its number ("Idee #12")."""
    query = select(Idea).where(Idea.team_id == team_id, Idea.number == number)
    return (await session.exec(query)).first()


async def link_idea(
    session: AsyncSession, *, idea_id: int, offer_id: int, actor_id: int, now: datetime
) -> bool:
    """Link an idea to an offer; False if it already was."""
    insert = (
        postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )
    statement = (
        insert(IdeaOffer)
        .values(idea_id=idea_id, offer_id=offer_id, created_by=actor_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["idea_id", "offer_id"])
        .returning(col(IdeaOffer.offer_id))
    )
    return (await session.exec(statement)).first() is not None


async def ideas_of_offer(session: AsyncSession, *, offer_id: int) -> list[Idea]:
    """The ideas linked to an offer, by team and number."""
    query = (
        select(Idea)
        .join(IdeaOffer, col(IdeaOffer.idea_id) == col(Idea.id))
        .where(IdeaOffer.offer_id == offer_id)
        .order_by(col(Idea.team_id), col(Idea.number))
    )
    return list((await session.exec(query)).all())


async def offers_of_idea(session: AsyncSession, *, idea_id: int) -> list[Offer]:
    """The offers an idea is linked to, by name (for the ideas side to show)."""
    query = (
        select(Offer)
        .join(IdeaOffer, col(IdeaOffer.offer_id) == col(Offer.id))
        .where(IdeaOffer.idea_id == idea_id)
    )
    return sorted((await session.exec(query)).all(), key=lambda offer: fold(offer.name))
