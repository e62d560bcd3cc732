"""Importing a structure file's ``[[budget]]`` years: pots, base allocations and the limit.

A changed amount is never a silent edit: the difference is one ``allocate`` booking in the
ledger (audited), so ``python -m bot budget verify`` still adds up and the history shows
when the committee's figure changed. Reallocations, reserve draws, carry-overs and
command-line adjustments are bookings of their own and survive a re-import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.budget import service
from bot.money import format_cents
from bot.storage import budget as store
from bot.storage.models import SocialSpace
from bot.structure.spec import BudgetSpec, StructureError


@dataclass
class BudgetImport:
    """What the budget part of an import did."""

    years: list[int] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    limits_changed: int = 0
    changes: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """German lines for the import summary (empty when the file has no budget)."""
        if not self.years:
            return []
        years = ", ".join(str(y) for y in self.years)
        lines = [
            f"Budget {years}: {self.created} Töpfe neu, {self.changed} geändert,"
            f" {self.unchanged} unverändert; Freigabegrenze {self.limits_changed}× geändert."
        ]
        lines += [f"  - {change}" for change in self.changes]
        return lines

    @property
    def any_change(self) -> bool:
        """Whether a pot or a limit was created or changed."""
        return bool(self.created or self.changed or self.limits_changed)


def _nbsp(text: str) -> str:
    return text.replace("\u00a0", " ")


async def import_budgets(
    session: AsyncSession,
    *,
    organisation_id: int,
    spaces: dict[str, SocialSpace],
    budgets: Sequence[BudgetSpec],
    now: datetime,
    actor_id: int | None,
) -> BudgetImport:
    """Create pots and book the difference to the file's amounts; set each year's limit.

    Raises:
        StructureError: a new amount is below what is already committed and settled in
            that pot; nothing of the import is kept (the caller's transaction rolls back).
    """
    result = BudgetImport()
    for budget in budgets:
        result.years.append(budget.year)
        if await store.set_coordinator_limit(
            session,
            organisation_id=organisation_id,
            year=budget.year,
            limit=budget.coordinator_limit,
            now=now,
            actor_id=actor_id,
        ):
            result.limits_changed += 1
        for spec in budget.pots:
            space_id = spaces[spec.social_space].id if spec.social_space is not None else None
            pot, created = await store.ensure_pot(
                session,
                organisation_id=organisation_id,
                social_space_id=space_id,
                year=budget.year,
                category=spec.category,
                now=now,
            )
            assert pot.id is not None
            before = await service.base_allocation(session, pot_id=pot.id)
            outcome = await service.set_base_allocation(
                session, pot=pot, amount_cents=spec.cents, actor_id=actor_id, now=now
            )
            where = f"{budget.year} {spec.social_space or 'Reserve'} {spec.category}"
            if isinstance(outcome, service.Refused):
                used = pot.committed + pot.settled
                raise StructureError(
                    f"Budget {where}: {_nbsp(format_cents(spec.cents))} ist weniger als schon"
                    f" bewilligt oder abgerechnet ({_nbsp(format_cents(used))}). Nichts wurde"
                    " übernommen."
                )
            if created:
                result.created += 1
            elif before != spec.cents:
                result.changed += 1
                result.changes.append(
                    f"{where}: {_nbsp(format_cents(before))} → {_nbsp(format_cents(spec.cents))}"
                    " (als Buchung im Journal)"
                )
            else:
                result.unchanged += 1
    return result
