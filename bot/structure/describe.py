"""Showing the imported structure as a plain-text tree for the CLI."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import distinct, func
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import Membership, Organisation, Provider, Region, SocialSpace, Team
from bot.structure.spec import EXAMPLE_COMMAND

M = TypeVar("M", bound=SQLModel)


async def _all(session: AsyncSession, query: Any) -> Sequence[Any]:
    return (await session.exec(query)).all()


@dataclass
class _Directory:
    """Every structure row, grouped for printing."""

    organisations: Sequence[Organisation]
    regions: dict[int | None, list[Region]]
    spaces: dict[int | None, list[SocialSpace]]
    teams_by_space: dict[int | None, list[Team]]
    teams_without_space: dict[int | None, list[Team]]
    providers: dict[int | None, list[Provider]]
    member_counts: dict[int, int]


def _group(rows: Iterable[M], attribute: str) -> dict[Any, list[M]]:
    grouped: dict[Any, list[M]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return grouped


async def _load_directory(session: AsyncSession) -> _Directory:
    organisations = await _all(session, select(Organisation).order_by(col(Organisation.id)))
    regions = await _all(session, select(Region).order_by(col(Region.id)))
    spaces = await _all(session, select(SocialSpace).order_by(col(SocialSpace.id)))
    teams = await _all(session, select(Team).order_by(col(Team.id)))
    providers = await _all(session, select(Provider).order_by(col(Provider.id)))
    counts_query = select(
        Membership.team_id, func.count(distinct(col(Membership.member_id)))
    ).group_by(col(Membership.team_id))
    return _Directory(
        organisations=organisations,
        regions=_group(regions, "organisation_id"),
        spaces=_group(spaces, "region_id"),
        teams_by_space=_group(
            (t for t in teams if t.social_space_id is not None), "social_space_id"
        ),
        teams_without_space=_group(
            (t for t in teams if t.social_space_id is None), "organisation_id"
        ),
        providers=_group(providers, "organisation_id"),
        member_counts=dict((await session.exec(counts_query)).all()),
    )


def _team_line(team: Team, directory: _Directory, indent: str) -> str:
    count = directory.member_counts.get(team.id, 0) if team.id is not None else 0
    members = "1 Mitglied" if count == 1 else f"{count} Mitglieder"
    group = "Gruppe verbunden" if team.chat_id is not None else "keine Gruppe"
    return f"{indent}Team: {team.name} ({team.slug}) – {members}, {group}"


def _space_lines(space: SocialSpace, directory: _Directory) -> list[str]:
    areas = f" – Gebiete: {', '.join(space.areas)}" if space.areas else ""
    lines = [f"    Sozialraum: {space.name} ({space.slug}){areas}"]
    teams = directory.teams_by_space.get(space.id, [])
    lines += [_team_line(team, directory, "      ") for team in teams]
    if not teams:
        lines.append("      (noch kein Team)")
    return lines


def _organisation_lines(org: Organisation, directory: _Directory) -> list[str]:
    lines = [f"Organisation: {org.name} ({org.slug}), Bundesland {org.state}"]
    for region in directory.regions.get(org.id, []):
        lines.append(f"  Region: {region.name} ({region.slug})")
        spaces = directory.spaces.get(region.id, [])
        for space in spaces:
            lines += _space_lines(space, directory)
        if not spaces:
            lines.append("    (noch kein Sozialraum)")
    loose = directory.teams_without_space.get(org.id, [])
    if loose:
        lines.append("  Teams ohne Sozialraum:")
        lines += [_team_line(team, directory, "    ") for team in loose]
    providers = directory.providers.get(org.id, [])
    lines.append(f"  Träger ({len(providers)}):" if providers else "  Träger: keine eingetragen")
    lines += [f"    - {provider.name}" for provider in providers]
    return lines


async def describe_structure(session: AsyncSession) -> str:
    """The imported structure as a plain-text tree, for ``python -m bot structure show``.

    Shows member counts and whether a Telegram group is bound, because those are what an
    administrator checks after an import: which teams still need members and a group.
    """
    directory = await _load_directory(session)
    if not directory.organisations:
        return (
            "Es ist noch keine Struktur importiert. Zum Ausprobieren:\n"
            f"  {EXAMPLE_COMMAND}\n"
            "Für den Betrieb eine eigene Datei nach diesem Muster anlegen und importieren."
        )
    blocks = ["\n".join(_organisation_lines(org, directory)) for org in directory.organisations]
    return "\n\n".join(blocks)
