"""Figures about ideas for the yearly report to the youth welfare committee (JHA).

Per social space and year: ideas by origin, kind of work and status, and how many of the
affected people's ideas became an offer ("läuft" or "abgeschlossen", at any point) compared
with the professionals' ideas, the seeds' lesson in one figure. An idea counts in the year
(Europe/Berlin, the bot's zone) it was brought in. :func:`summarise` is pure; :func:`collect`
reads the facts from the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.ideas import ORIGINS, REALISED, STATUSES, WORK_KINDS
from bot.storage import ideas as store
from bot.storage.models import Idea, SocialSpace, Team

UNKNOWN = "unknown"


@dataclass(frozen=True)
class IdeaFact:
    """What the report needs of one idea (no text, no people)."""

    space: str
    year: int
    origin: str | None
    kind: str | None
    status: str
    realised: bool


@dataclass(frozen=True)
class Realised:
    """How many ideas of one origin became an offer, of how many."""

    realised: int = 0
    total: int = 0

    @property
    def share(self) -> float | None:
        """The share as a fraction (None without ideas: no share, not zero)."""
        return self.realised / self.total if self.total else None


@dataclass(frozen=True)
class SpaceYear:
    """The figures of one social space in one year."""

    space: str
    year: int
    total: int
    by_origin: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    realised: dict[str, Realised] = field(default_factory=dict)

    @property
    def affected(self) -> Realised:
        """The affected people's own ideas."""
        return self.realised.get("affected", Realised())

    @property
    def professional(self) -> Realised:
        """The professionals' ideas."""
        return self.realised.get("professional", Realised())


def summarise(facts: Iterable[IdeaFact], *, year: int | None = None) -> list[SpaceYear]:
    """Count the facts per social space and year (only ``year`` if given), by space name."""
    groups: dict[tuple[str, int], list[IdeaFact]] = {}
    for fact in facts:
        if year is None or fact.year == year:
            groups.setdefault((fact.space, fact.year), []).append(fact)
    result = []
    for (space, when), items in sorted(groups.items()):
        by_origin = dict.fromkeys((*ORIGINS, UNKNOWN), 0)
        by_kind = dict.fromkeys((*WORK_KINDS, UNKNOWN), 0)
        by_status = dict.fromkeys(STATUSES, 0)
        counts = {origin: [0, 0] for origin in ORIGINS}
        for fact in items:
            origin = fact.origin if fact.origin in ORIGINS else UNKNOWN
            by_origin[origin] += 1
            by_kind[fact.kind if fact.kind in WORK_KINDS else UNKNOWN] += 1
            if fact.status in by_status:
                by_status[fact.status] += 1
            if origin in counts:
                counts[origin][1] += 1
                counts[origin][0] += int(fact.realised or fact.status in REALISED)
        result.append(
            SpaceYear(
                space=space,
                year=when,
                total=len(items),
                by_origin=by_origin,
                by_kind=by_kind,
                by_status=by_status,
                realised={origin: Realised(*pair) for origin, pair in counts.items()},
            )
        )
    return result


async def collect(session: AsyncSession, *, tz: ZoneInfo) -> list[IdeaFact]:
    """Every idea as a fact: its team's social space (or the team's name), year and tags."""
    rows = (
        await session.exec(
            select(Idea, Team, SocialSpace)
            .join(Team, col(Team.id) == col(Idea.team_id))
            .join(SocialSpace, col(SocialSpace.id) == col(Team.social_space_id), isouter=True)
            .order_by(col(Idea.id))
        )
    ).all()
    realised = await store.ever_realised(
        session, idea_ids=[idea.id for idea, _, _ in rows if idea.id is not None]
    )
    return [
        IdeaFact(
            space=space.name if space is not None else team.name,
            year=_local_year(idea.created_at, tz),
            origin=idea.origin,
            kind=idea.work_kind,
            status=idea.status,
            realised=idea.id in realised,
        )
        for idea, team, space in rows
    ]


def _local_year(moment: datetime, tz: ZoneInfo) -> int:
    return moment.astimezone(tz).year


# -- the report as text ----------------------------------------------------------------------

ORIGIN_NAMES = {
    "affected": "Betroffene",
    "professional": "Fachkräfte",
    "joint": "gemeinsam",
    UNKNOWN: "offen",
}
KIND_NAMES = {"fuea": "FüA", "fua": "FuA", UNKNOWN: "offen"}
STATUS_NAMES = {
    "idea": "Idee",
    "review": "in Prüfung",
    "planned": "geplant",
    "running": "läuft",
    "done": "abgeschlossen",
    "dropped": "verworfen",
}


def _percent(part: Realised) -> str:
    share = part.share
    if share is None:
        return "0 von 0 (–)"
    return f"{part.realised} von {part.total} ({round(share * 100)} %)"


def render(rows: list[SpaceYear], *, year: int) -> str:
    """The figures as German text for the report (one block per social space)."""
    lines = [f"Ideen aus der Netzwerkarbeit {year}"]
    if not rows:
        lines.append("Keine Ideen in diesem Jahr.")
    for row in rows:
        lines += [
            "",
            f"{row.space}: {row.total} Ideen",
            "  Herkunft: "
            + " · ".join(f"{ORIGIN_NAMES[k]} {v}" for k, v in row.by_origin.items()),
            "  Art: " + " · ".join(f"{KIND_NAMES[k]} {v}" for k, v in row.by_kind.items()),
            "  Status: " + " · ".join(f"{STATUS_NAMES[k]} {v}" for k, v in row.by_status.items()),
            "  Umgesetzt (läuft oder abgeschlossen): "
            + " · ".join(
                f"{ORIGIN_NAMES[origin]} {_percent(row.realised[origin])}" for origin in ORIGINS
            ),
        ]
    return "\n".join(lines)


def as_json(rows: list[SpaceYear]) -> list[dict[str, object]]:
    """The figures as plain data (for spreadsheets and the merged yearly report)."""
    return [
        {
            "social_space": row.space,
            "year": row.year,
            "total": row.total,
            "by_origin": row.by_origin,
            "by_kind": row.by_kind,
            "by_status": row.by_status,
            "realised": {
                origin: {"realised": part.realised, "total": part.total, "share": part.share}
                for origin, part in row.realised.items()
            },
        }
        for row in rows
    ]
