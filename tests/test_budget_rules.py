"""The budget's rules as plain functions: who approves, what a booking does to a pot."""

from __future__ import annotations

import pytest

from bot.budget import Figures, rules

LEAD = rules.Authority(member_id=1, lead_regions=frozenset({10}))
COORD = rules.Authority(member_id=2, coordinated_teams=frozenset({100}))
MEMBER = rules.Authority(member_id=3)
STRANGER = rules.Authority(member_id=None)


def _approve(who: rules.Authority, amount: int, requester: int = 3) -> rules.Refusal | None:
    return rules.may_approve(
        who, requester_id=requester, team_id=100, region_id=10, amount=amount,
        coordinator_limit=25_000,
    )  # fmt: skip


def test_lead_approves_any_amount_in_region() -> None:
    """The Fachbereichsleitung approves 1 Mio € as readily as 1 ct in its own region."""
    assert _approve(LEAD, 100_000_000) is None
    assert (
        rules.may_approve(
            LEAD, requester_id=3, team_id=200, region_id=11, amount=1, coordinator_limit=0
        )
        == "not_allowed"
    )


def test_coordinator_approves_up_to_limit() -> None:
    """A coordinator approves 250,00 € but not 250,01 €."""
    assert _approve(COORD, 25_000) is None
    assert _approve(COORD, 25_001) == "over_limit"


def test_nobody_approves_own_request() -> None:
    """Four eyes: the Fachbereichsleitung's own request needs someone else."""
    assert _approve(LEAD, 100, requester=1) == "own_request"
    assert _approve(COORD, 100, requester=2) == "own_request"


def test_members_and_strangers_do_not_approve() -> None:
    """Plain members and unknown people decide nothing."""
    assert _approve(MEMBER, 100, requester=4) == "not_allowed"
    assert _approve(STRANGER, 100) == "not_allowed"


def test_reserve_and_reallocation_are_for_the_lead_only() -> None:
    """Only the Fachbereichsleitung of the region draws the reserve or reallocates."""
    assert rules.may_draw_reserve(LEAD, region_id=10)
    assert not rules.may_draw_reserve(LEAD, region_id=11)
    assert not rules.may_draw_reserve(COORD, region_id=10)
    assert rules.may_reallocate(LEAD, region_id=10)
    assert not rules.may_reallocate(COORD, region_id=10)


def test_settling_is_for_requester_coordinator_and_lead() -> None:
    """Whoever paid, the team's coordinator and the lead settle; others do not."""
    assert rules.may_settle(MEMBER, requester_id=3, team_id=100, region_id=10)
    assert rules.may_settle(COORD, requester_id=3, team_id=100, region_id=10)
    assert rules.may_settle(LEAD, requester_id=3, team_id=100, region_id=10)
    assert not rules.may_settle(MEMBER, requester_id=4, team_id=100, region_id=10)


def test_figures_and_shortfall() -> None:
    """Available is allocated − committed − settled; the shortfall is what is missing."""
    figures = Figures(allocated=10_000, committed=3_000, settled=2_000)
    assert figures.available == 5_000
    assert figures.used_ratio == 0.5
    assert rules.shortfall(figures, 5_000) == 0
    assert rules.shortfall(figures, 7_500) == 2_500
    assert Figures(0, 0, 0).used_ratio == 0.0
    assert Figures(0, 1, 0).used_ratio == 1.0


@pytest.mark.parametrize(
    ("used", "warned", "crossed"),
    [
        (7_999, 0, ()),
        (8_000, 0, (80,)),
        (9_000, 80, ()),
        (10_000, 0, (80, 100)),
        (10_000, 80, (100,)),
        (10_000, 100, ()),
    ],
)
def test_thresholds_are_told_once(used: int, warned: int, crossed: tuple[int, ...]) -> None:
    """80 % and 100 % are reported when first reached, never again."""
    after = Figures(allocated=10_000, committed=used, settled=0)
    assert rules.crossed_thresholds(after, warned) == crossed


def test_settle_split() -> None:
    """Paying less releases the difference; paying more needs the extra approved."""
    assert rules.settle_split(10_000, 8_000) == (2_000, 0)
    assert rules.settle_split(10_000, 10_000) == (0, 0)
    assert rules.settle_split(10_000, 12_000) == (0, 2_000)


def test_carry_goes_forward_only() -> None:
    """Money is carried into a later year, never back."""
    assert rules.carry_year_ok(2026, 2027)
    assert not rules.carry_year_ok(2026, 2026)
    assert not rules.carry_year_ok(2026, 2025)
