"""Checking the ledger: recompute every pot from its bookings and its requests.

Run by ``python -m bot budget verify`` and after every service test; a mismatch means a
booking bypassed :func:`bot.storage.budget.book` or a figure was changed by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.budget import Figures, RequestStatus
from bot.storage import budget as store
from bot.storage.models import SpendingRequest


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A figure that does not agree with the ledger (there must never be one)."""

    pot_id: int
    what: str
    expected: int
    found: int

    def describe(self) -> str:
        """German line for ``python -m bot budget verify``."""
        return (
            f"Topf {self.pot_id}: {self.what} laut Buchungen {self.expected} Cent,"
            f" gefunden {self.found} Cent"
        )


def _per_pot(
    requests: Iterable[SpendingRequest], amount: Callable[[SpendingRequest], int | None]
) -> dict[int, int]:
    """Sum one amount of the requests per pot (a missing amount counts 0)."""
    sums: dict[int, int] = {}
    for request in requests:
        sums[request.pot_id] = sums.get(request.pot_id, 0) + (amount(request) or 0)
    return sums


async def verify(session: AsyncSession) -> list[Mismatch]:
    """Recompute every pot from the ledger and the requests; list what does not agree.

    Checks per pot: the cached allocated/committed/settled equal the sums of its bookings;
    committed equals the approved amounts of its open approved requests; settled equals
    the paid amounts of its settled requests; nothing is overspent (available ≥ 0).
    """
    sums = await store.ledger_sums(session)
    committed_by_pot = _per_pot(
        await store.requests(session, statuses=[RequestStatus.APPROVED]), lambda r: r.approved
    )
    settled_by_pot = _per_pot(
        await store.requests(session, statuses=[RequestStatus.SETTLED]), lambda r: r.actual
    )
    found: list[Mismatch] = []
    all_pots = await store.pots(session)
    known = {p.id for p in all_pots}
    for pot in all_pots:
        assert pot.id is not None
        ledger = sums.get(pot.id, Figures(0, 0, 0))
        for what, expected, actual in (
            ("zugewiesen", ledger.allocated, pot.allocated),
            ("gebunden", ledger.committed, pot.committed),
            ("abgerechnet", ledger.settled, pot.settled),
            ("gebunden (Anträge)", committed_by_pot.get(pot.id, 0), ledger.committed),
            ("abgerechnet (Anträge)", settled_by_pot.get(pot.id, 0), ledger.settled),
        ):
            if expected != actual:
                found.append(Mismatch(pot.id, what, expected, actual))
        if ledger.available < 0:
            found.append(Mismatch(pot.id, "verfügbar (mindestens 0)", 0, ledger.available))
    for pot_id in sorted(set(sums) - known):
        found.append(Mismatch(pot_id, "Buchungen ohne Topf", 0, 1))
    return found


def summarise(mismatches: Sequence[Mismatch]) -> str:
    """German report for the command line."""
    if not mismatches:
        return "Alle Töpfe stimmen mit dem Buchungsjournal überein."
    lines = [f"{len(mismatches)} Abweichung(en) gefunden:"]
    lines += [f"  - {m.describe()}" for m in mismatches]
    return "\n".join(lines)
