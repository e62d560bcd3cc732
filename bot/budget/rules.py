"""Who may decide about money, and what a booking does to a pot: plain rules, no database.

The service loads the facts (the person's roles per team and region, the request, the pot's
figures) and asks these functions; the handlers never decide on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.budget import THRESHOLDS, Figures

Refusal = Literal["own_request", "not_allowed", "over_limit"]


@dataclass(frozen=True, slots=True)
class Authority:
    """What one person may do with money, as the database says right now.

    Attributes:
        member_id: the person's ``member.id`` (``None`` for a stranger).
        lead_regions: regions in which the person holds ``fachbereichsleitung`` in any team.
        coordinated_teams: teams in which the person holds ``koordination``.
    """

    member_id: int | None
    lead_regions: frozenset[int] = frozenset()
    coordinated_teams: frozenset[int] = frozenset()


def may_approve(
    who: Authority,
    *,
    requester_id: int,
    team_id: int,
    region_id: int,
    amount: int,
    coordinator_limit: int,
) -> Refusal | None:
    """Why ``who`` may not approve ``amount`` for this request, or ``None`` if they may.

    Nobody approves their own request (four eyes). The Fachbereichsleitung approves any amount
    in its region; a coordinator of the team up to the organisation's limit.
    """
    if who.member_id is None:
        return "not_allowed"
    if who.member_id == requester_id:
        return "own_request"
    if region_id in who.lead_regions:
        return None
    if team_id in who.coordinated_teams:
        return None if amount <= coordinator_limit else "over_limit"
    return "not_allowed"


def may_draw_reserve(who: Authority, *, region_id: int) -> bool:
    """Only the Fachbereichsleitung draws from the organisation's reserve, for its region."""
    return who.member_id is not None and region_id in who.lead_regions


def may_reallocate(who: Authority, *, region_id: int) -> bool:
    """Only the Fachbereichsleitung moves money between pots (``/umbuchen``)."""
    return who.member_id is not None and region_id in who.lead_regions


def may_settle(who: Authority, *, requester_id: int, team_id: int, region_id: int) -> bool:
    """The requester (who paid), the team's coordinators and the Fachbereichsleitung settle."""
    if who.member_id is None:
        return False
    return (
        who.member_id == requester_id
        or team_id in who.coordinated_teams
        or region_id in who.lead_regions
    )


def shortfall(figures: Figures, amount: int) -> int:
    """How much is missing to approve ``amount`` (0 when the pot covers it)."""
    return max(0, amount - figures.available)


def crossed_thresholds(after: Figures, warned_percent: int) -> tuple[int, ...]:
    """Thresholds (80, 100) reached now that were not announced before, in ascending order."""
    used = after.used_ratio * 100
    return tuple(t for t in THRESHOLDS if t > warned_percent and used >= t)


def settle_split(approved: int, actual: int) -> tuple[int, int]:
    """``(released, extra)``: what goes back to the pot and what needs a new approval."""
    return max(0, approved - actual), max(0, actual - approved)


def carry_year_ok(from_year: int, to_year: int) -> bool:
    """Money is carried forward only, into a later year."""
    return to_year > from_year
