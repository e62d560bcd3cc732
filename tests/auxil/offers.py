"""Offers made directly in the database, and CSV files as Excel and others write them."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from bot.storage import offers as store
from bot.storage.db import Database
from bot.storage.models import Offer, Team
from tests.auxil.world import World

HEADER = "sozialraum;name;traeger;art;zielgruppe;ort;zeiten;telefon;email;beschreibung;kostenlos"


async def space_of(db: Database, team_id: int) -> int:
    """The social space of a team."""
    async with db.transaction() as session:
        team = await session.get(Team, team_id)
        assert team is not None and team.social_space_id is not None
        return team.social_space_id


async def add_offer(world: World, team_id: int, name: str, **values: Any) -> int:
    """One offer in the team's social space; ``values`` override the defaults."""
    space_id = await space_of(world.db, team_id)
    data: dict[str, Any] = {"name": name, "provider": "SV Friedrichsgabe", "kind": "Sport"}
    data.update(values)
    async with world.db.transaction() as session:
        offer = await store.add_offer(
            session,
            space_id=space_id,
            data=store.OfferData(**data),
            actor_id=None,
            now=world.clock.now(),
        )
        assert offer.id is not None
        return offer.id


async def stored(db: Database) -> list[Offer]:
    """Every offer, by id."""
    async with db.transaction() as session:
        return list((await session.exec(select(Offer).order_by(col(Offer.id)))).all())


def csv_bytes(rows: list[str], *, encoding: str = "utf-8", header: str = HEADER) -> bytes:
    """A CSV file: header and rows joined with CRLF (as Excel writes), in ``encoding``."""
    text = "\r\n".join([header, *rows]) + "\r\n"
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding)
