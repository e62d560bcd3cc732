"""Data functions for consultation series and their exceptions, and the way to the domain.

The rows keep plain values (minutes, ``HH:MM``); :func:`to_domain`, :func:`deadline_of`,
:func:`offsets_of` and :func:`exceptions` turn them into the objects of
:mod:`bot.consultations`, which decide everything about dates. The zone (``BOT_TIMEZONE``)
and the federal state (the organisation's) are not stored per series: they are passed in.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.consultations.parsing import DeadlineBefore, DeadlineOnWeekday, DeadlineRule
from bot.consultations.schedule import (
    Kind,
    Monthly,
    Move,
    Once,
    Pause,
    Series,
    Weekly,
    is_series_date,
)
from bot.storage.models import (
    ConsultationSeries,
    Organisation,
    SeriesCancellation,
    SeriesMove,
    SeriesPause,
    Team,
)

CONSULTATION: Kind = "consultation"
NETWORK: Kind = "network"

# -- plain values <-> domain values --------------------------------------------------------


def time_text(value: time) -> str:
    """``09:00``: how a wall-clock time is stored."""
    return value.strftime("%H:%M")


def parse_time_text(value: str) -> time:
    """The stored ``HH:MM`` back as a time."""
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def minutes(value: timedelta) -> int:
    """A whole number of minutes (the parsers guarantee whole minutes)."""
    return int(value.total_seconds()) // 60


@dataclass(frozen=True)
class Exceptions:
    """A series' cancelled dates, moved dates and pauses, as the domain wants them."""

    cancelled: frozenset[date] = frozenset()
    moves: tuple[Move, ...] = ()
    pauses: tuple[Pause, ...] = ()


def to_domain(row: ConsultationSeries, *, tz: ZoneInfo, state: str) -> Series:
    """The stored series as a domain :class:`Series` in zone ``tz`` and federal ``state``."""
    recurrence: Weekly | Monthly | Once
    if row.recurrence == "monthly" and row.monthly_nth is not None:
        recurrence = Monthly(row.monthly_nth)
    elif row.recurrence == "once":
        recurrence = Once()
    else:
        recurrence = Weekly(row.interval_weeks)
    return Series(
        kind=CONSULTATION if row.kind == CONSULTATION else NETWORK,
        weekday=row.weekday,
        start_time=parse_time_text(row.start_time),
        duration=timedelta(minutes=row.duration_minutes),
        tz=tz,
        recurrence=recurrence,
        state=state,
        start_date=row.start_date,
        end_date=row.end_date,
        holiday_policy="next_working_day" if row.holiday_policy == "next_working_day" else "skip",
    )


def deadline_of(row: ConsultationSeries) -> DeadlineRule:
    """The stored submission deadline as a domain rule."""
    return deadline_rule(
        deadline_kind=row.deadline_kind,
        deadline_weekday=row.deadline_weekday,
        deadline_minutes=row.deadline_minutes,
    )


def deadline_rule(
    *, deadline_kind: str, deadline_weekday: int | None, deadline_minutes: int
) -> DeadlineRule:
    """A deadline rule from the values :func:`deadline_columns` gives."""
    if deadline_kind == "weekday" and deadline_weekday is not None:
        hours, rest = divmod(deadline_minutes, 60)
        return DeadlineOnWeekday(deadline_weekday, time(hours, rest))
    return DeadlineBefore(timedelta(minutes=deadline_minutes))


def deadline_columns(rule: DeadlineRule) -> dict[str, Any]:
    """The columns that store ``rule`` (JSON-ready, so a dialogue can keep them too)."""
    if isinstance(rule, DeadlineOnWeekday):
        return {
            "deadline_kind": "weekday",
            "deadline_weekday": rule.weekday,
            "deadline_minutes": rule.at.hour * 60 + rule.at.minute,
        }
    return {
        "deadline_kind": "before",
        "deadline_weekday": None,
        "deadline_minutes": minutes(rule.lead),
    }


def offsets_of(row: ConsultationSeries) -> list[timedelta]:
    """Reminder offsets, earliest first."""
    return sorted((timedelta(minutes=value) for value in row.reminder_offsets), reverse=True)


def recurrence_columns(series: Series) -> dict[str, object]:
    """The columns that store a series' recurrence."""
    match series.recurrence:
        case Monthly(nth=nth):
            return {"recurrence": "monthly", "interval_weeks": 1, "monthly_nth": nth}
        case Once():
            return {"recurrence": "once", "interval_weeks": 1, "monthly_nth": None}
        case Weekly(interval_weeks=interval):
            return {"recurrence": "weekly", "interval_weeks": interval, "monthly_nth": None}
    raise TypeError(series.recurrence)  # pragma: no cover


# -- series ---------------------------------------------------------------------------------


async def get_series(
    session: AsyncSession, *, team_id: int, kind: str = CONSULTATION
) -> ConsultationSeries | None:
    """A team's series of one kind, if it has one."""
    query = select(ConsultationSeries).where(
        ConsultationSeries.team_id == team_id, ConsultationSeries.kind == kind
    )
    return (await session.exec(query)).first()


async def series_of_teams(
    session: AsyncSession, *, team_ids: Collection[int], kind: str = CONSULTATION
) -> Sequence[tuple[Team, ConsultationSeries]]:
    """The series of these teams, by team name."""
    if not team_ids:
        return []
    query = (
        select(Team, ConsultationSeries)
        .join(ConsultationSeries, col(ConsultationSeries.team_id) == col(Team.id))
        .where(col(Team.id).in_(team_ids), ConsultationSeries.kind == kind)
        .order_by(col(Team.name))
    )
    return (await session.exec(query)).all()


async def save_series(
    session: AsyncSession,
    *,
    team_id: int,
    series: Series,
    place: str,
    minutes_per_case: timedelta,
    deadline: DeadlineRule,
    reminder_offsets: Collection[timedelta],
    quorum: int,
    actor_id: int,
    now: datetime,
) -> tuple[ConsultationSeries, bool]:
    """Create the team's series of ``series.kind`` or replace its settings in place.

    Replacing keeps the row (and so the calendar UID), raises ``sequence`` and drops the
    cancellations and moves of dates the new rule no longer has; pauses stay.

    Returns:
        The stored row and whether an existing series was replaced.
    """
    row = await get_series(session, team_id=team_id, kind=series.kind)
    replaced = row is not None
    if row is None:
        row = ConsultationSeries(
            team_id=team_id,
            kind=series.kind,
            weekday=series.weekday,
            start_time=time_text(series.start_time),
            duration_minutes=0,
            deadline_kind="before",
            deadline_minutes=0,
            start_date=series.start_date,
            created_by=actor_id,
            created_at=now,
            updated_by=actor_id,
            updated_at=now,
        )
    else:
        row.sequence += 1
    values: dict[str, object] = {
        "weekday": series.weekday,
        "start_time": time_text(series.start_time),
        "duration_minutes": minutes(series.duration),
        "place": place,
        "minutes_per_case": minutes(minutes_per_case),
        "reminder_offsets": sorted({minutes(offset) for offset in reminder_offsets}, reverse=True),
        "quorum": quorum,
        "holiday_policy": series.holiday_policy,
        "start_date": series.start_date,
        "end_date": series.end_date,
        "updated_by": actor_id,
        "updated_at": now,
        **deadline_columns(deadline),
        **recurrence_columns(series),
    }
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    await session.flush()
    if replaced:
        assert row.id is not None
        await _drop_foreign_dates(session, series_id=row.id, series=series)
    return row, replaced


async def _drop_foreign_dates(session: AsyncSession, *, series_id: int, series: Series) -> None:
    """Forget cancellations and moves of dates that are not dates of ``series`` any more."""
    cancellations = await session.exec(
        select(SeriesCancellation).where(SeriesCancellation.series_id == series_id)
    )
    moves = await session.exec(select(SeriesMove).where(SeriesMove.series_id == series_id))
    rows: list[SeriesCancellation | SeriesMove] = [*cancellations.all(), *moves.all()]
    for row in rows:
        if not is_series_date(series, row.original_date):
            await session.delete(row)
    await session.flush()


async def federal_state(session: AsyncSession, *, team_id: int) -> str:
    """The federal state whose public holidays apply to a team (its organisation's)."""
    query = (
        select(Organisation.state)
        .join(Team, col(Team.organisation_id) == col(Organisation.id))
        .where(Team.id == team_id)
    )
    return (await session.exec(query)).first() or "SH"


# -- exceptions -----------------------------------------------------------------------------


async def exceptions(session: AsyncSession, *, series_id: int) -> Exceptions:
    """Everything that differs from the series' rule."""
    cancelled = await session.exec(
        select(SeriesCancellation).where(SeriesCancellation.series_id == series_id)
    )
    moves = await session.exec(
        select(SeriesMove)
        .where(SeriesMove.series_id == series_id)
        .order_by(col(SeriesMove.original_date))
    )
    pauses = await session.exec(
        select(SeriesPause)
        .where(SeriesPause.series_id == series_id)
        .order_by(col(SeriesPause.start_date))
    )
    return Exceptions(
        cancelled=frozenset(row.original_date for row in cancelled),
        moves=tuple(
            Move(
                original_date=move.original_date,
                new_date=move.new_date,
                new_time=parse_time_text(move.new_time) if move.new_time else None,
                note=move.note,
            )
            for move in moves
        ),
        pauses=tuple(
            Pause(start=pause.start_date, end=pause.end_date, note=pause.note) for pause in pauses
        ),
    )


async def cancel_date(
    session: AsyncSession,
    *,
    series_id: int,
    day: date,
    reason: str,
    actor_id: int,
    now: datetime,
) -> SeriesCancellation:
    """Cancel one date of a series (the caller validated it with the domain first)."""
    row = SeriesCancellation(
        series_id=series_id, original_date=day, reason=reason, created_by=actor_id, created_at=now
    )
    session.add(row)
    await session.flush()
    return row


async def move_date(
    session: AsyncSession,
    *,
    series_id: int,
    move: Move,
    actor_id: int,
    now: datetime,
) -> SeriesMove:
    """Move one date of a series; a move of the same date made before is replaced."""
    await session.exec(
        delete(SeriesMove).where(
            col(SeriesMove.series_id) == series_id,
            col(SeriesMove.original_date) == move.original_date,
        )
    )
    row = SeriesMove(
        series_id=series_id,
        original_date=move.original_date,
        new_date=move.new_date,
        new_time=time_text(move.new_time) if move.new_time else None,
        note=move.note,
        created_by=actor_id,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def add_pause(
    session: AsyncSession,
    *,
    series_id: int,
    pause: Pause,
    actor_id: int,
    now: datetime,
) -> SeriesPause:
    """Pause a series from ``pause.start`` to ``pause.end``."""
    row = SeriesPause(
        series_id=series_id,
        start_date=pause.start,
        end_date=pause.end,
        note=pause.note,
        created_by=actor_id,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def touch(
    session: AsyncSession, *, row: ConsultationSeries, actor_id: int, now: datetime
) -> None:
    """Record that an exception changed the series (raises the calendar ``sequence``)."""
    row.sequence += 1
    row.updated_by = actor_id
    row.updated_at = now
    session.add(row)
    await session.flush()
