"""The budget service on a real database: requests, approvals, settlement, moves, verify."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from bot.budget import BookingKind, Category, RequestStatus, service
from bot.storage import audit
from bot.storage import budget as store
from bot.storage.db import Database
from bot.storage.models import Role, SpendingRequest
from tests.auxil import people
from tests.auxil.budget import LEAD, LEAD_SUED, BudgetWorld, actor, request, seed_budget
from tests.auxil.builders import TgUser
from tests.auxil.data import add_member

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


async def _figures(db: Database, pot_id: int) -> tuple[int, int, int, int]:
    async with db.transaction() as session:
        pot = await store.get_pot(session, pot_id=pot_id)
        assert pot is not None
        f = store.figures_of(pot)
        return f.allocated, f.committed, f.settled, f.available


async def _verify(db: Database) -> list[service.Mismatch]:
    async with db.transaction() as session:
        return await service.verify(session)


async def _approve(
    db: Database, bw: BudgetWorld, request_id: int, who: object = LEAD, **kwargs: object
) -> object:
    approver = await actor(db, who)  # type: ignore[arg-type]
    async with db.transaction() as session:
        return await service.approve(
            session,
            request_id=request_id,
            approver=approver,
            now=NOW,
            **kwargs,  # type: ignore[arg-type]
        )


async def _settle(
    db: Database, request_id: int, cents: int, who: TgUser = people.CASEWORKER
) -> object:
    """Settle as ``who`` (the requester Sven unless told) in a transaction of its own."""
    settler = await actor(db, who)
    async with db.transaction() as session:
        return await service.settle(
            session, request_id=request_id, actor=settler, actual_cents=cents, now=NOW
        )


async def test_request_approve_settle_lower_releases_difference(db: Database) -> None:
    """Request → approve commits → settle lower moves the paid part and frees the rest."""
    bw = await seed_budget(db, now=NOW)
    rid = await request(db, bw, cents=50_000, now=NOW)
    assert await _figures(db, bw.beratung) == (936_000, 0, 0, 936_000)
    result = await _approve(db, bw, rid)
    assert isinstance(result, service.Approved)
    assert result.request.status == RequestStatus.APPROVED
    assert result.pot.figures.committed == 50_000
    assert await _figures(db, bw.beratung) == (936_000, 50_000, 0, 886_000)
    settled = await _settle(db, rid, 42_000)
    assert isinstance(settled, service.Settled)
    assert settled.released == 8_000
    assert await _figures(db, bw.beratung) == (936_000, 0, 42_000, 894_000)
    assert await _verify(db) == []


async def test_settle_higher_needs_new_approval(db: Database) -> None:
    """Paying more than approved books nothing until an approver accepts the extra."""
    bw = await seed_budget(db, now=NOW)
    rid = await request(db, bw, cents=10_000, now=NOW)
    await _approve(db, bw, rid)
    claim = await _settle(db, rid, 12_500)
    assert isinstance(claim, service.NeedsApproval)
    assert claim.extra == 2_500
    assert await _figures(db, bw.beratung) == (936_000, 10_000, 0, 926_000)
    frieda = await actor(db, LEAD)
    async with db.transaction() as session:
        queue = await service.queue_for(session, approver=frieda)
    assert [(q.request.id, q.extra, q.needed) for q in queue] == [(rid, True, 2_500)]
    result = await _approve(db, bw, rid)
    assert isinstance(result, service.Approved)
    assert result.extra
    assert result.request.status == RequestStatus.SETTLED
    assert await _figures(db, bw.beratung) == (936_000, 0, 12_500, 923_500)
    assert await _verify(db) == []


async def test_rejecting_extra_claim_keeps_approval(db: Database) -> None:
    """A refused extra leaves the approval standing; settling at the approved amount works."""
    bw = await seed_budget(db, now=NOW)
    rid = await request(db, bw, cents=10_000, now=NOW)
    await _approve(db, bw, rid)
    frieda = await actor(db, LEAD)
    await _settle(db, rid, 15_000)
    async with db.transaction() as session:
        rejected = await service.reject(
            session, request_id=rid, approver=frieda, reason="Nicht abgesprochen", now=NOW
        )
    assert isinstance(rejected, service.Rejected)
    assert rejected.extra
    assert rejected.request.status == RequestStatus.APPROVED
    assert rejected.request.claimed is None
    settled = await _settle(db, rid, 10_000)
    assert isinstance(settled, service.Settled)
    assert await _verify(db) == []


async def test_reject_with_reason_and_withdraw(db: Database) -> None:
    """Rejection keeps the reason for the requester; withdrawing works only while undecided."""
    bw = await seed_budget(db, now=NOW)
    first = await request(db, bw, cents=10_000, now=NOW)
    second = await request(db, bw, cents=20_000, now=NOW)
    frieda, sven = await actor(db, LEAD), await actor(db, people.CASEWORKER)
    async with db.transaction() as session:
        empty = await service.reject(
            session, request_id=first, approver=frieda, reason="  ", now=NOW
        )
        rejected = await service.reject(
            session, request_id=first, approver=frieda, reason="Kein Bezug", now=NOW
        )
    assert empty == service.Refused("bad_text")
    assert isinstance(rejected, service.Rejected)
    assert rejected.request.status == RequestStatus.REJECTED
    assert rejected.request.reason == "Kein Bezug"
    async with db.transaction() as session:
        assert await service.withdraw(
            session, request_id=first, actor=sven, now=NOW
        ) == service.Refused("not_pending")
        assert await service.withdraw(
            session, request_id=second, actor=frieda, now=NOW
        ) == service.Refused("not_allowed")
        done = await service.withdraw(session, request_id=second, actor=sven, now=NOW)
    assert isinstance(done, service.Withdrawn)
    assert done.request.status == RequestStatus.WITHDRAWN
    async with db.transaction() as session:
        entries = await audit.entries(session, action="budget.request.rejected")
    assert entries[0].details == {"pot_id": bw.beratung, "amount": 10_000}
    assert "Kein Bezug" not in str(entries[0].details)


async def test_four_eyes_and_coordinator_limit(db: Database) -> None:
    """Nobody approves their own request; the coordinator up to 250 €, not above."""
    bw = await seed_budget(db, now=NOW)
    async with db.transaction() as session:
        own = await service.submit(
            session,
            team_id=bw.teams.nord_a,
            pot_id=bw.beratung,
            requester_id=bw.coordinator,
            amount_cents=5_000,
            purpose="Eigener Antrag",
            now=NOW,
        )
    assert isinstance(own, SpendingRequest)
    assert own.id is not None
    assert await _approve(db, bw, own.id, people.COORDINATOR) == service.Refused("own_request")
    big = await request(db, bw, cents=25_001, now=NOW)
    small = await request(db, bw, cents=25_000, now=NOW)
    assert await _approve(db, bw, big, people.COORDINATOR) == service.Refused("over_limit")
    assert await _approve(db, bw, big, LEAD_SUED) == service.Refused("not_allowed")
    assert await _approve(db, bw, big, people.CASEWORKER) == service.Refused("own_request")
    assert isinstance(await _approve(db, bw, small, people.COORDINATOR), service.Approved)
    assert await _approve(db, bw, small, LEAD) == service.Refused("not_pending")
    carla = await actor(db, people.COORDINATOR)
    async with db.transaction() as session:
        queue = await service.queue_for(session, approver=carla)
    assert [q.request.id for q in queue] == []  # own request and over-limit request left out
    frieda = await actor(db, LEAD)
    async with db.transaction() as session:
        queue = await service.queue_for(session, approver=frieda)
    assert [q.request.id for q in queue] == [own.id, big]


async def test_over_budget_gives_choices_and_reserve_draw(db: Database) -> None:
    """Too little money: a Shortfall with the reserve; lower amount or reserve draw approve."""
    bw = await seed_budget(db, now=NOW, fua=30_000, reserve=50_000)
    rid = await request(db, bw, cents=40_000, now=NOW, pot_id=bw.fua)
    short = await _approve(db, bw, rid)
    assert short == service.Shortfall(
        request=short.request,  # type: ignore[union-attr]
        needed=40_000,
        available=30_000,
        missing=10_000,
        reserve_available=50_000,
        may_draw_reserve=True,
    )
    carla_short = await _approve(db, bw, rid, people.COORDINATOR, amount_cents=20_000)
    assert isinstance(carla_short, service.Approved)  # within her limit and the pot
    rid2 = await request(db, bw, cents=20_000, now=NOW, pot_id=bw.fua)
    assert await _approve(db, bw, rid2, people.COORDINATOR, draw_reserve=True) == (
        service.Refused("not_allowed")
    )
    drawn = await _approve(db, bw, rid2, draw_reserve=True)
    assert isinstance(drawn, service.Approved)
    assert drawn.drawn == 10_000
    assert drawn.crossed == (80, 100)
    assert await _figures(db, bw.fua) == (40_000, 40_000, 0, 0)
    assert await _figures(db, bw.reserve) == (40_000, 0, 0, 40_000)
    async with db.transaction() as session:
        kinds = [b.kind for b in await store.bookings(session, pot_id=bw.reserve)]
    assert kinds == [BookingKind.ALLOCATE, BookingKind.RESERVE_OUT]
    assert await _verify(db) == []


async def test_lower_amount_must_not_exceed_request(db: Database) -> None:
    """A 'lower' approval above the requested amount is refused and books nothing."""
    bw = await seed_budget(db, now=NOW)
    rid = await request(db, bw, cents=10_000, now=NOW)
    assert await _approve(db, bw, rid, amount_cents=10_001) == service.Refused("bad_amount")
    assert await _approve(db, bw, rid, amount_cents=0) == service.Refused("bad_amount")
    assert await _figures(db, bw.beratung) == (936_000, 0, 0, 936_000)


async def test_thresholds_remembered_per_pot(db: Database) -> None:
    """80 % is announced once; later approvals in the same band announce nothing."""
    bw = await seed_budget(db, now=NOW, fua=100_000)
    results = []
    for cents in (50_000, 30_000, 5_000, 15_000):
        rid = await request(db, bw, cents=cents, now=NOW, pot_id=bw.fua)
        approved = await _approve(db, bw, rid)
        assert isinstance(approved, service.Approved)
        results.append(approved.crossed)
    assert results == [(), (80,), (), (100,)]


async def test_submit_refuses_foreign_pot_and_strangers(db: Database) -> None:
    """Requests only from team members, only against their own social space's pots."""
    bw = await seed_budget(db, now=NOW)
    async with db.transaction() as session:
        other_space = await service.submit(
            session, team_id=bw.teams.nord_a, pot_id=bw.sued_beratung,
            requester_id=bw.requester, amount_cents=100, purpose="x", now=NOW,
        )  # fmt: skip
        reserve = await service.submit(
            session, team_id=bw.teams.nord_a, pot_id=bw.reserve,
            requester_id=bw.requester, amount_cents=100, purpose="x", now=NOW,
        )  # fmt: skip
        not_member = await service.submit(
            session, team_id=bw.teams.nord_a, pot_id=bw.beratung,
            requester_id=bw.lead_sued, amount_cents=100, purpose="x", now=NOW,
        )  # fmt: skip
        too_big = await service.submit(
            session, team_id=bw.teams.nord_a, pot_id=bw.beratung,
            requester_id=bw.requester, amount_cents=100_000_001, purpose="x", now=NOW,
        )  # fmt: skip
        gone = await service.submit(
            session, team_id=bw.teams.nord_a, pot_id=99_999,
            requester_id=bw.requester, amount_cents=100, purpose="x", now=NOW,
        )  # fmt: skip
    assert other_space == service.Refused("not_allowed")
    assert reserve == service.Refused("not_allowed")
    assert not_member == service.Refused("not_allowed")
    assert too_big == service.Refused("bad_amount")
    assert gone == service.Refused("gone")


async def test_reallocate_same_space_and_year_only(db: Database) -> None:
    """/umbuchen moves free money between pots of one social space; audited, lead only."""
    bw = await seed_budget(db, now=NOW)
    frieda, carla = await actor(db, LEAD), await actor(db, people.COORDINATOR)
    async with db.transaction() as session:
        refused = await service.reallocate(
            session, from_pot_id=bw.netzwerk, to_pot_id=bw.fua, amount_cents=100, actor=carla,
            now=NOW,
        )  # fmt: skip
        foreign = await service.reallocate(
            session, from_pot_id=bw.netzwerk, to_pot_id=bw.sued_beratung, amount_cents=100,
            actor=frieda, now=NOW,
        )  # fmt: skip
        too_much = await service.reallocate(
            session, from_pot_id=bw.netzwerk, to_pot_id=bw.fua, amount_cents=1_248_001,
            actor=frieda, now=NOW,
        )  # fmt: skip
        moved = await service.reallocate(
            session, from_pot_id=bw.netzwerk, to_pot_id=bw.fua, amount_cents=248_000,
            actor=frieda, now=NOW,
        )  # fmt: skip
    assert refused == service.Refused("not_allowed")
    assert foreign == service.Refused("not_allowed")
    assert too_much == service.Refused("insufficient")
    assert isinstance(moved, service.Moved)
    assert (moved.source.figures.allocated, moved.target.figures.allocated) == (
        1_000_000,
        548_000,
    )
    async with db.transaction() as session:
        out = await audit.entries(session, action="budget.reallocate_out")
    assert out[0].actor_id == LEAD.id
    assert out[0].details["allocated"] == -248_000
    assert await _verify(db) == []


async def test_draw_reserve_and_carry_over(db: Database) -> None:
    """A reserve draw and a carry-over are two bookings each; the year keeps what is left."""
    bw = await seed_budget(db, now=NOW, reserve=20_000)
    frieda = await actor(db, LEAD)
    async with db.transaction() as session:
        too_much = await service.draw_reserve(
            session, pot_id=bw.fua, amount_cents=20_001, actor=frieda, now=NOW
        )
        drawn = await service.draw_reserve(
            session, pot_id=bw.fua, amount_cents=5_000, actor=frieda, now=NOW
        )
    assert too_much == service.Refused("insufficient")
    assert isinstance(drawn, service.Moved)
    assert drawn.source.category == Category.RESERVE
    assert drawn.target.figures.allocated == 305_000
    async with db.transaction() as session:
        back = await service.carry_over(
            session, pot_id=bw.fua, to_year=2025, actor=frieda, now=NOW
        )
        carried = await service.carry_over(
            session, pot_id=bw.fua, to_year=2027, actor=frieda, now=NOW, amount_cents=100_000
        )
    assert back == service.Refused("not_allowed")
    assert isinstance(carried, service.Moved)
    assert carried.target.year == 2027
    assert carried.target.figures.allocated == 100_000
    assert carried.source.figures.allocated == 205_000
    assert await _verify(db) == []


async def test_verify_finds_a_tampered_pot(db: Database) -> None:
    """A cached figure changed behind the ledger's back is reported."""
    bw = await seed_budget(db, now=NOW)
    rid = await request(db, bw, cents=10_000, now=NOW)
    await _approve(db, bw, rid)
    async with db.transaction() as session:
        await session.exec(  # type: ignore[call-overload]
            text("UPDATE budget_pot SET committed = committed + 1 WHERE id = :id"),
            params={"id": bw.beratung},
        )
    found = await _verify(db)
    assert [(m.pot_id, m.what, m.expected, m.found) for m in found] == [
        (bw.beratung, "gebunden", 10_000, 10_001)
    ]
    async with db.transaction() as session:
        assert "1 Abweichung" in service.summarise(await service.verify(session))


async def test_approvers_of_respects_limit_and_requester(db: Database) -> None:
    """New requests go to the region's lead; coordinators only within their limit."""
    bw = await seed_budget(db, now=NOW)
    extra_lead = await add_member(
        db, LEAD_SUED, bw.teams.nord_b, Role.FACHBEREICHSLEITUNG, now=NOW
    )
    async with db.transaction() as session:
        small = await service.approvers_of(
            session, team_id=bw.teams.nord_a, amount_cents=25_000, year=2026,
            exclude_member_id=bw.requester,
        )  # fmt: skip
        big = await service.approvers_of(
            session, team_id=bw.teams.nord_a, amount_cents=25_001, year=2026
        )
        own = await service.approvers_of(
            session, team_id=bw.teams.nord_a, amount_cents=100, year=2026,
            exclude_member_id=bw.coordinator,
        )  # fmt: skip
    assert sorted(m.id for m in small) == sorted([bw.lead, extra_lead, bw.coordinator])
    assert sorted(m.id for m in big) == sorted([bw.lead, extra_lead])
    assert bw.coordinator not in [m.id for m in own]


async def test_pots_for_and_ledger_page(db: Database) -> None:
    """Pots of a space come in category order; the ledger pages newest first."""
    bw = await seed_budget(db, now=NOW)
    for cents in (100, 200, 300):
        await _approve(db, bw, await request(db, bw, cents=cents, now=NOW))
    async with db.transaction() as session:
        team_space = (await service.pot_view(session, pot_id=bw.beratung)).social_space_id  # type: ignore[union-attr]
        views = await service.pots_for(session, social_space_ids=[team_space], year=2026)
        reserve = await service.reserve_for(session, organisation_id=bw.organisation_id, year=2026)
        none = await service.reserve_for(session, organisation_id=bw.organisation_id, year=2030)
        page = await service.ledger_page(session, pot_id=bw.beratung, offset=0, limit=2)
    assert [v.category for v in views] == [Category.BERATUNG, Category.NETZWERK, Category.FUA]
    assert reserve is not None and reserve.figures.allocated == 1_000_000
    assert none is None
    assert page.total == 4
    assert [e.d_committed for e in page.entries] == [300, 200]
