"""What the budget service returns: pot views and one result class per outcome.

Kept apart from the use cases so handlers, the export and the tests can name the outcomes
(``isinstance(result, service.Shortfall)``) without reading how they come about. Expected
outcomes (not allowed, not enough money, already decided) are results, never exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.budget import Category, Figures
from bot.storage.models import BudgetBooking, SpendingRequest

RefusalReason = Literal[
    "own_request",
    "not_allowed",
    "over_limit",
    "not_pending",
    "gone",
    "bad_amount",
    "bad_text",
    "insufficient",
    "below_used",
]
"""Why a call changed nothing. The first five are the contract's; the rest:

- ``bad_amount``: outside 1 … MAX_CENTS, or a lower approval above the requested amount;
- ``bad_text``: empty purpose or rejection reason;
- ``insufficient``: the source pot (or the reserve) does not hold the amount;
- ``below_used``: an allocation below what is already committed and settled.
"""


@dataclass(frozen=True, slots=True)
class PotView:
    """A pot as the chat shows it; ``social_space_id`` is ``None`` for the reserve."""

    id: int
    organisation_id: int
    social_space_id: int | None
    social_space_name: str | None
    region_id: int | None
    year: int
    category: Category
    figures: Figures
    warned_percent: int


@dataclass(frozen=True, slots=True)
class LedgerPage:
    """One page of a pot's ledger, newest first; ``total`` lines in all."""

    entries: tuple[BudgetBooking, ...]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class Refused:
    """Nothing changed; ``reason`` is one of :data:`RefusalReason`."""

    reason: RefusalReason


@dataclass(frozen=True, slots=True)
class Approved:
    """The money is committed (or, for an extra claim, settled).

    Attributes:
        request: the request after the approval.
        pot: the pot with its figures after the booking.
        crossed: use thresholds (80, 100) passed for the first time; the pot remembers them.
        drawn: cents drawn from the reserve for this approval (0 if none).
        extra: ``True`` when this approved a settlement above the approved amount.
    """

    request: SpendingRequest
    pot: PotView
    crossed: tuple[int, ...]
    drawn: int = 0
    extra: bool = False


@dataclass(frozen=True, slots=True)
class Shortfall:
    """The pot does not cover the amount; nothing changed. The approver chooses what next.

    Attributes:
        request: the request, unchanged.
        needed: the amount that was to be approved.
        available: what the pot still has.
        missing: ``needed − available``.
        reserve_available: what the organisation's reserve for that year still has.
        may_draw_reserve: whether this approver may draw the missing part from the reserve.
    """

    request: SpendingRequest
    needed: int
    available: int
    missing: int
    reserve_available: int
    may_draw_reserve: bool


@dataclass(frozen=True, slots=True)
class Rejected:
    """The request (or, with ``extra``, only its claim above the approved amount) is refused."""

    request: SpendingRequest
    extra: bool = False


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """The requester took the request back before a decision."""

    request: SpendingRequest


@dataclass(frozen=True, slots=True)
class Settled:
    """The request is paid; ``released`` cents went back to the pot."""

    request: SpendingRequest
    released: int
    pot: PotView


@dataclass(frozen=True, slots=True)
class NeedsApproval:
    """More was paid than approved; ``extra`` cents wait for an approver (see ``approve``)."""

    request: SpendingRequest
    extra: int


@dataclass(frozen=True, slots=True)
class Moved:
    """Money moved between two pots (reallocation, reserve draw, carry-over).

    ``crossed`` are the thresholds the source pot passed for the first time.
    """

    source: PotView
    target: PotView
    amount: int
    crossed: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Allocated:
    """A pot's allocation set by an administrator; ``before``/``after`` in cents."""

    pot: PotView
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A request a person may decide: a new one, or an extra claim at settlement."""

    request: SpendingRequest
    pot: PotView
    team_name: str
    needed: int
    extra: bool
