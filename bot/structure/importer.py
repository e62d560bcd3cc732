"""Importing a checked structure file: create or update by key, never delete, audit changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import audit
from bot.storage.models import Organisation, Provider, Region, SocialSpace, Team
from bot.structure.budget_import import BudgetImport, import_budgets
from bot.structure.spec import (
    KINDS,
    OrganisationSpec,
    RegionSpec,
    SocialSpaceSpec,
    StructureFile,
    TeamSpec,
)

_KIND_LABELS = {
    "organisation": "Organisation",
    "region": "Regionen",
    "social_space": "Sozialräume",
    "team": "Teams",
    "provider": "Träger",
}
_KIND_SINGULAR = {
    "organisation": "Organisation",
    "region": "Region",
    "social_space": "Sozialraum",
    "team": "Team",
    "provider": "Träger",
}


def _zero_counts() -> dict[str, int]:
    return dict.fromkeys(KINDS, 0)


@dataclass
class ImportReport:
    """What an import did, per kind of unit; nothing is ever deleted.

    Attributes:
        organisation: the organisation's key.
        created, updated, unchanged: counts per kind (see :data:`KINDS`).
        missing: units of this organisation in the database but no longer in the file;
            they stay, because deleting a team would orphan its members and history.
    """

    organisation: str
    created: dict[str, int] = field(default_factory=_zero_counts)
    updated: dict[str, int] = field(default_factory=_zero_counts)
    unchanged: dict[str, int] = field(default_factory=_zero_counts)
    missing: list[str] = field(default_factory=list)
    budget: BudgetImport = field(default_factory=BudgetImport)

    @property
    def changed(self) -> bool:
        """Whether the import created or updated anything."""
        return any(self.created.values()) or any(self.updated.values()) or self.budget.any_change

    def summary(self) -> str:
        """German multi-line text for the CLI."""
        lines = [
            f"Struktur »{self.organisation}« eingelesen.",
            f"{'':<14}{'neu':>6}{'geändert':>10}{'unverändert':>13}",
        ]
        lines += [
            f"{_KIND_LABELS[kind]:<14}{self.created[kind]:>6}{self.updated[kind]:>10}"
            f"{self.unchanged[kind]:>13}"
            for kind in KINDS
        ]
        lines += self.budget.summary_lines()
        if not self.changed:
            lines.append("Keine Änderungen: die Datenbank entsprach schon der Datei.")
        if self.missing:
            lines.append(
                "Nicht mehr in der Datei (bleiben bestehen, Mitglieder und Gruppen unverändert):"
            )
            lines += [f"  - {item}" for item in self.missing]
        return "\n".join(lines)


M = TypeVar("M", bound=SQLModel)


@dataclass
class _Run:
    """One import: the session, when and by whom, and the report being filled."""

    session: AsyncSession
    now: datetime
    actor_id: int | None
    report: ImportReport

    async def upsert(
        self,
        kind: str,
        model: type[M],
        row: M | None,
        identity: dict[str, Any],
        values: dict[str, Any],
        key: str | None,
    ) -> M:
        """Create ``row`` or bring it up to date; count it and audit any change.

        Args:
            kind: one of :data:`KINDS`.
            model: the table class, to create a row.
            row: the existing row, or ``None``.
            identity: what identifies a new row (never changed on an existing one).
            values: fields the file decides; compared and assigned.
            key: the slug for the audit entry (``None`` for providers, whose key is
                their name: the audit log keeps ids and field names, never names).
        """
        if row is None:
            row = model(**identity, **values)
            self.session.add(row)
            await self.session.flush()
            fields = [name for name in (*identity, *values) if name != "organisation_id"]
            await self._audit(kind, "created", row, key, fields)
            self.report.created[kind] += 1
            return row
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if not changed:
            self.report.unchanged[kind] += 1
            return row
        for name in changed:
            setattr(row, name, values[name])
        self.session.add(row)
        await self._audit(kind, "updated", row, key, changed)
        self.report.updated[kind] += 1
        return row

    async def _audit(
        self, kind: str, verb: str, row: SQLModel, key: str | None, fields: list[str]
    ) -> None:
        details: dict[str, Any] = {"fields": fields}
        if key is not None:
            details = {"key": key, **details}
        await audit.record(
            self.session,
            at=self.now,
            actor_id=self.actor_id,
            action=f"structure.{kind}.{verb}",
            object_type=kind,
            object_id=getattr(row, "id"),  # noqa: B009 - every model here has an id
            details=details,
        )

    def missing(self, kind: str, rows: Iterable[Any], seen: set[int]) -> None:
        """List rows of this organisation that the file no longer names."""
        for row in sorted(rows, key=lambda r: r.id):
            if row.id in seen:
                continue
            label = _KIND_SINGULAR[kind]
            if kind == "provider":
                self.report.missing.append(f"{label} »{row.name}«")
            else:
                self.report.missing.append(f"{label} »{row.slug}« ({row.name})")


async def _all(session: AsyncSession, query: Any) -> Sequence[Any]:
    return (await session.exec(query)).all()


async def _import_organisation(run: _Run, spec: OrganisationSpec) -> Organisation:
    query = select(Organisation).where(Organisation.slug == spec.key)
    row = (await run.session.exec(query)).first()
    values = {"name": spec.name, "state": spec.state, "emergency_contact": spec.emergency_contact}
    return await run.upsert(
        "organisation", Organisation, row, {"slug": spec.key}, values, spec.key
    )


async def _import_regions(
    run: _Run, org_id: int, specs: Sequence[RegionSpec]
) -> dict[str, Region]:
    query = select(Region).where(Region.organisation_id == org_id).order_by(col(Region.id))
    existing = {row.slug: row for row in await _all(run.session, query)}
    result: dict[str, Region] = {}
    for spec in specs:
        identity = {"organisation_id": org_id, "slug": spec.key}
        result[spec.key] = await run.upsert(
            "region", Region, existing.get(spec.key), identity, {"name": spec.name}, spec.key
        )
    run.missing("region", existing.values(), {r.id for r in result.values() if r.id})
    return result


def _find_social_space(
    rows: Sequence[SocialSpace], region_id: int, slug: str, taken: set[int]
) -> SocialSpace | None:
    """The row for a social space: in its region first, else the same key in another region.

    Keys are unique per file, so a key found under another region means the space moved;
    updating that row keeps its teams and history instead of leaving a twin behind.
    """
    candidates = [row for row in rows if row.slug == slug and row.id not in taken]
    for row in candidates:
        if row.region_id == region_id:
            return row
    return candidates[0] if candidates else None


async def _import_social_spaces(
    run: _Run, org_id: int, regions: dict[str, Region], specs: Sequence[SocialSpaceSpec]
) -> dict[str, SocialSpace]:
    query = (
        select(SocialSpace)
        .join(Region, col(Region.id) == col(SocialSpace.region_id))
        .where(Region.organisation_id == org_id)
        .order_by(col(SocialSpace.id))
    )
    rows = list(await _all(run.session, query))
    result: dict[str, SocialSpace] = {}
    for spec in specs:
        region_id = regions[spec.region].id
        assert region_id is not None
        taken = {row.id for row in result.values() if row.id is not None}
        row = _find_social_space(rows, region_id, spec.key, taken)
        values = {"region_id": region_id, "name": spec.name, "areas": list(spec.areas)}
        result[spec.key] = await run.upsert(
            "social_space", SocialSpace, row, {"slug": spec.key}, values, spec.key
        )
    run.missing("social_space", rows, {s.id for s in result.values() if s.id})
    return result


async def _import_teams(
    run: _Run, org_id: int, spaces: dict[str, SocialSpace], specs: Sequence[TeamSpec]
) -> None:
    query = select(Team).where(Team.organisation_id == org_id).order_by(col(Team.id))
    existing = {row.slug: row for row in await _all(run.session, query)}
    seen: set[int] = set()
    for spec in specs:
        space_id = spaces[spec.social_space].id if spec.social_space else None
        identity = {"organisation_id": org_id, "slug": spec.key}
        values = {"name": spec.name, "social_space_id": space_id}
        row = await run.upsert("team", Team, existing.get(spec.key), identity, values, spec.key)
        seen.add(row.id or 0)
    run.missing("team", existing.values(), seen)


async def _import_providers(run: _Run, org_id: int, names: Sequence[str]) -> None:
    query = select(Provider).where(Provider.organisation_id == org_id).order_by(col(Provider.id))
    existing = {row.name: row for row in await _all(run.session, query)}
    seen: set[int] = set()
    for name in names:
        identity = {"organisation_id": org_id, "name": name}
        row = await run.upsert("provider", Provider, existing.get(name), identity, {}, None)
        seen.add(row.id or 0)
    run.missing("provider", existing.values(), seen)


async def import_structure(
    session: AsyncSession,
    structure: StructureFile,
    *,
    now: datetime,
    actor_id: int | None = None,
) -> ImportReport:
    """Bring the database in line with a structure file, without deleting anything.

    Units are matched by key (slug), so re-importing the same file changes nothing and an
    edited file updates names, areas and references in place. Units missing from the file
    stay, with their members, memberships and bound Telegram group, and are listed in the
    report: removing a team is a decision for a person, not a side effect of an edit.
    Works inside the caller's transaction and never commits.

    Args:
        session: an open session; the caller commits.
        structure: a checked file from :func:`parse_structure` or :func:`load_structure_file`.
        now: aware UTC time for the audit entries.
        actor_id: Telegram id of whoever imported, if known (``None`` for the CLI).

    Returns:
        Counts per kind and the units no longer in the file.
    """
    if now.tzinfo is None:
        raise ValueError("import_structure needs an aware datetime")
    report = ImportReport(organisation=structure.organisation.key)
    run = _Run(session=session, now=now, actor_id=actor_id, report=report)
    org = await _import_organisation(run, structure.organisation)
    assert org.id is not None
    regions = await _import_regions(run, org.id, structure.regions)
    spaces = await _import_social_spaces(run, org.id, regions, structure.social_spaces)
    await _import_teams(run, org.id, spaces, structure.teams)
    await _import_providers(run, org.id, structure.providers)
    run.report.budget = await import_budgets(
        session,
        organisation_id=org.id,
        spaces=spaces,
        budgets=structure.budgets,
        now=now,
        actor_id=actor_id,
    )
    await session.flush()
    return run.report
