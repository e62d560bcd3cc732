"""Consultation series in the database: stored as plain values, read back as domain objects."""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.exc import IntegrityError

from bot.consultations.parsing import DeadlineBefore, DeadlineOnWeekday
from bot.consultations.schedule import Move, Pause, Series, monthly, weekly
from bot.storage import consultations
from bot.storage.db import Database
from bot.storage.models import ConsultationSeries
from tests.auxil.data import Directory, seed_directory
from tests.conftest import START

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY_SERIES = Series(
    kind="consultation",
    weekday=1,
    start_time=time(9),
    duration=timedelta(hours=2),
    tz=BERLIN,
    recurrence=weekly(),
    state="SH",
    start_date=date(2026, 11, 23),
    holiday_policy="next_working_day",
)


@pytest.fixture
async def seeded(db: Database) -> Directory:
    """The three test teams, without members."""
    return await seed_directory(db, now=START)


async def _save(db: Database, team_id: int, series: Series = TUESDAY_SERIES) -> tuple[int, bool]:
    async with db.transaction() as session:
        row, replaced = await consultations.save_series(
            session,
            team_id=team_id,
            series=series,
            place="Familienbüro Garstedt",
            minutes_per_case=timedelta(minutes=30),
            deadline=DeadlineOnWeekday(0, time(12)),
            reminder_offsets=[timedelta(hours=1), timedelta(days=1)],
            quorum=2,
            actor_id=2001,
            now=START,
        )
        assert row.id is not None
        return row.id, replaced


async def test_saved_series_reads_back_as_the_same_domain_series(
    db: Database, seeded: Directory
) -> None:
    """Weekday, time, length, rule, holiday policy, deadline and reminders survive the trip."""
    await _save(db, seeded.nord_a)
    async with db.transaction() as session:
        row = await consultations.get_series(session, team_id=seeded.nord_a)
        assert row is not None
        state = await consultations.federal_state(session, team_id=seeded.nord_a)
    assert state == "SH"
    assert consultations.to_domain(row, tz=BERLIN, state=state) == TUESDAY_SERIES
    assert consultations.deadline_of(row) == DeadlineOnWeekday(0, time(12))
    assert consultations.offsets_of(row) == [timedelta(days=1), timedelta(hours=1)]
    assert (row.start_time, row.place, row.minutes_per_case, row.quorum) == (
        "09:00",
        "Familienbüro Garstedt",
        30,
        2,
    )


async def test_monthly_rule_and_hours_before_deadline_are_stored() -> None:
    """A monthly rule and a "24 hours before" deadline map to columns and back."""
    series = dataclasses.replace(TUESDAY_SERIES, recurrence=monthly(-1))
    columns = consultations.recurrence_columns(series)
    assert columns == {"recurrence": "monthly", "interval_weeks": 1, "monthly_nth": -1}
    deadline = consultations.deadline_columns(DeadlineBefore(timedelta(hours=24)))
    assert deadline == {
        "deadline_kind": "before",
        "deadline_weekday": None,
        "deadline_minutes": 1440,
    }


async def test_saving_again_replaces_the_series_and_keeps_its_id(
    db: Database, seeded: Directory
) -> None:
    """One consultation series per team: a second save updates it and raises the sequence."""
    first, replaced_first = await _save(db, seeded.nord_a)
    second, replaced_second = await _save(
        db, seeded.nord_a, dataclasses.replace(TUESDAY_SERIES, start_time=time(10))
    )
    assert (first, replaced_first, replaced_second) == (second, False, True)
    async with db.transaction() as session:
        row = await consultations.get_series(session, team_id=seeded.nord_a)
        assert row is not None
        assert (row.start_time, row.sequence) == ("10:00", 1)
        assert await consultations.get_series(session, team_id=seeded.sued_a) is None


async def test_two_series_of_one_kind_for_a_team_are_refused(
    db: Database, seeded: Directory
) -> None:
    """The database itself keeps a team at one series per kind."""
    await _save(db, seeded.nord_a)
    async with db.transaction() as session:
        row = await consultations.get_series(session, team_id=seeded.nord_a)
        assert row is not None
        second = ConsultationSeries(**row.model_dump(exclude={"id"}))
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(second)


async def test_exceptions_read_back_for_the_domain(db: Database, seeded: Directory) -> None:
    """Cancellations, moves (a second move of a date replaces the first) and pauses."""
    series_id, _ = await _save(db, seeded.nord_a)
    async with db.transaction() as session:
        await consultations.cancel_date(
            session,
            series_id=series_id,
            day=date(2026, 12, 1),
            reason="",
            actor_id=2001,
            now=START,
        )
        for new_date in (date(2026, 12, 9), date(2026, 12, 10)):
            await consultations.move_date(
                session,
                series_id=series_id,
                move=Move(date(2026, 12, 8), new_date, time(10, 30)),
                actor_id=2001,
                now=START,
            )
        await consultations.add_pause(
            session,
            series_id=series_id,
            pause=Pause(date(2026, 12, 21), date(2027, 1, 3), "Weihnachten"),
            actor_id=2001,
            now=START,
        )
    async with db.transaction() as session:
        found = await consultations.exceptions(session, series_id=series_id)
    assert found == consultations.Exceptions(
        cancelled=frozenset({date(2026, 12, 1)}),
        moves=(Move(date(2026, 12, 8), date(2026, 12, 10), time(10, 30)),),
        pauses=(Pause(date(2026, 12, 21), date(2027, 1, 3), "Weihnachten"),),
    )


async def test_new_weekday_drops_exceptions_of_dates_the_series_no_longer_has(
    db: Database, seeded: Directory
) -> None:
    """Moving the series to Wednesdays forgets Tuesday cancellations and moves; pauses stay."""
    series_id, _ = await _save(db, seeded.nord_a)
    async with db.transaction() as session:
        await consultations.cancel_date(
            session,
            series_id=series_id,
            day=date(2026, 12, 1),
            reason="",
            actor_id=2001,
            now=START,
        )
        await consultations.move_date(
            session,
            series_id=series_id,
            move=Move(date(2026, 12, 8), date(2026, 12, 9)),
            actor_id=2001,
            now=START,
        )
        await consultations.add_pause(
            session,
            series_id=series_id,
            pause=Pause(date(2026, 12, 21), date(2027, 1, 3)),
            actor_id=2001,
            now=START,
        )
    await _save(db, seeded.nord_a, dataclasses.replace(TUESDAY_SERIES, weekday=2))
    async with db.transaction() as session:
        found = await consultations.exceptions(session, series_id=series_id)
    assert found.cancelled == frozenset()
    assert found.moves == ()
    assert found.pauses == (Pause(date(2026, 12, 21), date(2027, 1, 3)),)


async def test_series_of_teams_lists_only_the_teams_asked_for(
    db: Database, seeded: Directory
) -> None:
    """Members see the series of their own teams only."""
    await _save(db, seeded.nord_a)
    await _save(db, seeded.sued_a)
    async with db.transaction() as session:
        found = await consultations.series_of_teams(session, team_ids={seeded.nord_a})
        assert [team.id for team, _ in found] == [seeded.nord_a]
        assert await consultations.series_of_teams(session, team_ids=set()) == []
