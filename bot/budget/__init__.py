"""Social-space budget: pots, spending requests and the ledger that never overspends.

Names shared by the service, the storage, the exports and the Telegram handlers live here so
that none of them has to import another's internals.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """What a pot's money is for; ``reserve`` is the organisation-wide Vorwegabzug."""

    BERATUNG = "beratung"
    NETZWERK = "netzwerk"
    FUA = "fua"
    RESERVE = "reserve"


SPACE_CATEGORIES: tuple[Category, ...] = (Category.BERATUNG, Category.NETZWERK, Category.FUA)
"""Categories a social space can hold; the reserve belongs to the organisation."""


class RequestStatus(StrEnum):
    """Life of a spending request (German labels live in budget.po)."""

    REQUESTED = "requested"
    APPROVED = "approved"
    SETTLED = "settled"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = frozenset({RequestStatus.REQUESTED, RequestStatus.APPROVED})
"""Requests that still move: a decision or a settlement is pending."""


class BookingKind(StrEnum):
    """What a ledger booking records; each moves allocated/committed/settled of one pot."""

    ALLOCATE = "allocate"
    """The base allocation from the structure file changed: Δallocated."""
    ADJUST = "adjust"
    """An administrator changed the allocation on the command line: Δallocated."""
    APPROVE = "approve"
    """A request approved: +committed."""
    SETTLE = "settle"
    """A request paid: −committed (the approved amount), +settled (the actual amount)."""
    REALLOCATE_OUT = "reallocate_out"
    REALLOCATE_IN = "reallocate_in"
    RESERVE_OUT = "reserve_out"
    """Money drawn from the reserve pot (−allocated there)."""
    RESERVE_IN = "reserve_in"
    """Money drawn from the reserve into a social-space pot (+allocated)."""
    CARRY_OUT = "carry_out"
    CARRY_IN = "carry_in"


THRESHOLDS: tuple[int, ...] = (80, 100)
"""Percent of use at which the team and the Fachbereichsleitung are told, once each."""


@dataclass(frozen=True, slots=True)
class Figures:
    """A pot's money in cents: allocated, committed (approved, unpaid) and settled (paid)."""

    allocated: int
    committed: int
    settled: int

    @property
    def used(self) -> int:
        """Committed plus settled: what is no longer free."""
        return self.committed + self.settled

    @property
    def available(self) -> int:
        """What may still be approved: allocated − committed − settled."""
        return self.allocated - self.committed - self.settled

    @property
    def used_ratio(self) -> float:
        """Share of the allocation in use (0.0 when nothing is allocated and nothing used)."""
        if self.allocated <= 0:
            return 1.0 if self.used > 0 else 0.0
        return self.used / self.allocated
