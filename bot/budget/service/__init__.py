"""The budget's use cases, under one name: ``from bot.budget import service``.

Callers write ``service.approve(...)`` and ``isinstance(result, service.Shortfall)``; the
code lives in small modules by concern, re-exported here:

- :mod:`.results`: the result classes (``PotView``, ``Approved``, ``Refused`` …);
- :mod:`.views`: reading pots, the reserve and the ledger, and an actor's money rights;
- :mod:`.requests`: submit, withdraw, approve, reject, settle;
- :mod:`.moves`: reallocation, reserve draw, carry-over, allocations;
- :mod:`.deciders`: the approvers' queue and whom to tell about a new request;
- :mod:`.verify`: recomputing every pot from the ledger;
- :mod:`.checks`: the rights and threshold checks the others share.

Every function takes the caller's session and keyword-only arguments, never commits (the
handler's or command's transaction does) and returns a result object; expected outcomes
(not allowed, not enough money, already decided) are results, not exceptions. Rights are
checked against the database on every call with :mod:`bot.budget.rules`.
"""

from bot.budget.service.checks import is_extra_claim, waits_for_decision
from bot.budget.service.deciders import approvers_of, queue_for
from bot.budget.service.moves import (
    adjust_allocation,
    base_allocation,
    carry_over,
    draw_reserve,
    reallocate,
    set_base_allocation,
)
from bot.budget.service.requests import approve, reject, settle, submit, withdraw
from bot.budget.service.results import (
    Allocated,
    Approved,
    LedgerPage,
    Moved,
    NeedsApproval,
    PotView,
    QueueItem,
    RefusalReason,
    Refused,
    Rejected,
    Settled,
    Shortfall,
    Withdrawn,
)
from bot.budget.service.verify import Mismatch, summarise, verify
from bot.budget.service.views import (
    authority_of,
    ledger_page,
    pot_view,
    pots_for,
    reserve_for,
    view_of,
)

__all__ = [
    "Allocated",
    "Approved",
    "LedgerPage",
    "Mismatch",
    "Moved",
    "NeedsApproval",
    "PotView",
    "QueueItem",
    "RefusalReason",
    "Refused",
    "Rejected",
    "Settled",
    "Shortfall",
    "Withdrawn",
    "adjust_allocation",
    "approve",
    "approvers_of",
    "authority_of",
    "base_allocation",
    "carry_over",
    "draw_reserve",
    "is_extra_claim",
    "ledger_page",
    "pot_view",
    "pots_for",
    "queue_for",
    "reallocate",
    "reject",
    "reserve_for",
    "set_base_allocation",
    "settle",
    "submit",
    "summarise",
    "verify",
    "view_of",
    "waits_for_decision",
    "withdraw",
]
