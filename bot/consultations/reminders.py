"""Which reminders are due: a pure plan from the series, its exceptions, the time and the log.

The reminder job calls :func:`plan_reminders` every minute and carries out what it says;
nothing here knows Telegram or the database, so every rule is tested with plain values.

Rules, in the order they are applied to each reminder not yet handled:

* due later than ``now`` → **wait**;
* its meeting has begun → **drop** (``started``): a reminder after the start helps nobody;
* due more than ``grace`` ago (2 hours by default) → **drop** (``too_late``), logged and never
  sent: the bot was down too long for "in one hour" to be true;
* due up to :data:`ON_TIME` ago → **send**; longer ago (the bot was down) → **send_late**;
* when several reminders of one meeting are to be sent in the same run (after downtime),
  only the latest is sent and the earlier ones are dropped (``superseded``), so nobody gets
  "tomorrow" and "in one hour" at once.

The first reminder of a meeting that is actually sent carries the answer buttons
(:attr:`PlannedReminder.first`); the reminder at the smallest offset is the last one
(:attr:`PlannedReminder.last`), at which the quorum is checked.

Reminders due before ``since`` (the series was created later) never existed and are left out,
so setting up a series does not produce "late" or "dropped" reminders.

**Moves.** The log keeps the time each reminder was due when it was handled. A logged reminder
counts as handled only while its meeting still makes it due at that time; once the meeting is
moved (another day or time, or the series was changed), the reminder is due again at its new
time, by the same rules (:attr:`PlannedReminder.previous_due_at` names the log entry it
replaces, so the claim updates that row). Exactly once per due time, then: the same due time
is never handled twice. The first reminder that goes out after such a change is marked
:attr:`PlannedReminder.moved`, so it can say that the date changed; it does not bring the
answer buttons again (the meeting's first reminder did, and answers belong to the meeting).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Final, Literal

from bot.consultations.schedule import (
    Move,
    Occurrence,
    Pause,
    Series,
    occurrences,
    reminder_times,
)

__all__ = [
    "GRACE",
    "HANDLED",
    "ON_TIME",
    "Action",
    "LoggedReminder",
    "PlannedReminder",
    "offset_minutes",
    "plan_reminders",
]

Action = Literal["send", "send_late", "drop", "wait"]

GRACE: Final = timedelta(hours=2)
"""How late a reminder missed during downtime may still be sent."""
ON_TIME: Final = timedelta(minutes=5)
"""A reminder sent up to this long after its time counts as on time (the job runs each minute)."""
HANDLED: Final = frozenset({"sent", "late"})
"""Log statuses of reminders that went out."""
_LOOK_AHEAD: Final = timedelta(days=1)


@dataclass(frozen=True)
class LoggedReminder:
    """A reminder handled before, as the log keeps it.

    Attributes:
        status: ``sent``, ``late`` or ``dropped``.
        due_at: When it was due when it was handled, aware.
    """

    status: str
    due_at: datetime

    @property
    def went_out(self) -> bool:
        """Whether it was sent (on time or late), not dropped."""
        return self.status in HANDLED


@dataclass(frozen=True)
class PlannedReminder:
    """One reminder of one meeting and what to do with it now.

    Attributes:
        occurrence: The meeting as it takes place (moves applied).
        offset: How long before the start (whole days count as calendar days).
        due_at: When the reminder is due, aware UTC.
        action: ``send``, ``send_late``, ``drop`` or ``wait``.
        reason: Why it is dropped: ``started``, ``too_late`` or ``superseded``.
        first: The meeting's first reminder that goes out: it carries the answer buttons.
        last: The meeting's reminder at the smallest offset: the quorum is checked.
        previous_due_at: The due time in the log this reminder replaces (the meeting was
            moved since it was handled), or ``None`` if it was never handled.
        moved: It goes out after reminders for an earlier time of the meeting and before any
            for the current one: the first reminder after a move, which says so.
    """

    occurrence: Occurrence
    offset: timedelta
    due_at: datetime
    action: Action
    reason: str = ""
    first: bool = False
    last: bool = False
    previous_due_at: datetime | None = None
    moved: bool = False

    @property
    def original_date(self) -> date:
        """The identity of the meeting in its series."""
        return self.occurrence.original_date

    @property
    def offset_minutes(self) -> int:
        """The offset as it is stored."""
        return offset_minutes(self.offset)


def offset_minutes(offset: timedelta) -> int:
    """A reminder offset in whole minutes."""
    return int(offset.total_seconds()) // 60


def plan_reminders(
    series: Series,
    offsets: Iterable[timedelta],
    *,
    cancelled: Collection[date] = (),
    moved: Iterable[Move] = (),
    pauses: Iterable[Pause] = (),
    now: datetime,
    logged: Mapping[tuple[date, int], LoggedReminder] | None = None,
    since: datetime | None = None,
    grace: timedelta = GRACE,
) -> list[PlannedReminder]:
    """The reminders of the meetings around ``now`` that are not handled yet, by due time.

    Args:
        series: The series.
        offsets: Its reminder offsets.
        cancelled: Cancelled dates of the series.
        moved: Moved dates.
        pauses: Pauses.
        now: The current time, aware.
        logged: Reminders handled before, by (original date, offset in minutes).
        since: Leave out reminders due before this (when the series was created).
        grace: How late a missed reminder may still be sent.

    Returns:
        Every reminder of the meetings that start after ``now - grace`` and at most the
        largest offset plus a day after ``now``, except those ``logged`` at the time they
        are due now.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    now = now.astimezone(UTC)
    offset_list = sorted(set(offsets), reverse=True)
    if not offset_list:
        return []
    done = logged or {}
    smallest = offset_list[-1]
    start = (now - grace).astimezone(series.tz).date() - timedelta(days=1)
    end = (now + offset_list[0] + _LOOK_AHEAD).astimezone(series.tz).date()
    planned: list[PlannedReminder] = []
    for occurrence in occurrences(
        series, cancelled=cancelled, moved=moved, pauses=pauses, start=start, end=end
    ):
        if occurrence.starts_at <= now - grace:
            continue
        planned.extend(_meeting_plan(occurrence, offset_list, smallest, now, done, since, grace))
    return sorted(planned, key=lambda entry: (entry.due_at, entry.original_date))


def _meeting_plan(
    occurrence: Occurrence,
    offsets: list[timedelta],
    smallest: timedelta,
    now: datetime,
    logged: Mapping[tuple[date, int], LoggedReminder],
    since: datetime | None,
    grace: timedelta,
) -> list[PlannedReminder]:
    """The open reminders of one meeting (see the module docstring for the rules)."""
    day = occurrence.original_date
    due = {offset: reminder_times(occurrence, [offset])[0] for offset in offsets}
    earlier = {offset: logged.get((day, offset_minutes(offset))) for offset in offsets}
    went_out = [(offset, entry) for offset, entry in earlier.items() if entry and entry.went_out]
    already_sent = bool(went_out)
    # Something went out for another time of this meeting, nothing yet for the current one.
    moved = already_sent and all(entry.due_at != due[offset] for offset, entry in went_out)
    entries: list[PlannedReminder] = []
    for offset in offsets:
        due_at = due[offset]
        previous = earlier[offset]
        if previous is not None and previous.due_at == due_at:
            continue
        if since is not None and due_at < since:
            continue
        entries.append(
            PlannedReminder(
                occurrence=occurrence,
                offset=offset,
                due_at=due_at,
                action=_action(occurrence, due_at, now, grace),
                reason=_reason(occurrence, due_at, now, grace),
                last=offset == smallest,
                previous_due_at=previous.due_at if previous is not None else None,
            )
        )
    sending = [entry for entry in entries if entry.action in ("send", "send_late")]
    if not sending:
        return entries
    latest = max(sending, key=lambda entry: entry.due_at)
    result = []
    for entry in entries:
        if entry in sending and entry is not latest:
            entry = replace(entry, action="drop", reason="superseded")
        elif entry is latest:
            entry = replace(entry, first=not already_sent, moved=moved)
        result.append(entry)
    return result


def _action(occurrence: Occurrence, due_at: datetime, now: datetime, grace: timedelta) -> Action:
    if due_at > now:
        return "wait"
    if occurrence.starts_at <= now or now - due_at > grace:
        return "drop"
    return "send" if now - due_at <= ON_TIME else "send_late"


def _reason(occurrence: Occurrence, due_at: datetime, now: datetime, grace: timedelta) -> str:
    if due_at > now:
        return ""
    if occurrence.starts_at <= now:
        return "started"
    if now - due_at > grace:
        return "too_late"
    return ""
