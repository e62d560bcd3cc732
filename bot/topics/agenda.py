"""The agenda of a consultation: its queue of topics laid out in time boxes.

Pure: it takes the queued topics with their urgency and stored order, the meeting's start and
length and the minutes per case, and says which topic is discussed when and which do not fit
(they move on to the next date after the meeting). Urgent topics go first; within urgent and
within normal topics the coordinator's order (``position``) counts, then submission time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class Entry:
    """What the agenda needs to know of a topic."""

    topic_id: int
    urgent: bool
    position: int
    submitted_at: datetime


@dataclass(frozen=True)
class Slot:
    """A topic's place on the agenda: its time box, or ``fits=False`` when time runs out."""

    entry: Entry
    number: int
    starts_at: datetime
    ends_at: datetime
    fits: bool


def ordered(entries: Sequence[Entry]) -> list[Entry]:
    """Urgent first, then the stored order, then oldest first."""
    return sorted(entries, key=lambda e: (not e.urgent, e.position, e.submitted_at, e.topic_id))


def arrange(
    entries: Sequence[Entry], *, starts_at: datetime, length: timedelta, box: timedelta
) -> list[Slot]:
    """Lay the topics out from ``starts_at``, one ``box`` each; those past ``length`` don't fit.

    Times are real time (UTC arithmetic), so a meeting across a clock change still has its
    real length; callers show them in local time.
    """
    if box <= timedelta(0):
        raise ValueError("the time box must be positive")
    start = starts_at.astimezone(UTC)
    end = start + length
    zone = starts_at.tzinfo
    slots = []
    for number, entry in enumerate(ordered(entries), start=1):
        slot_start = start + box * (number - 1)
        slot_end = slot_start + box
        slots.append(
            Slot(
                entry=entry,
                number=number,
                starts_at=slot_start.astimezone(zone),
                ends_at=slot_end.astimezone(zone),
                fits=slot_end <= end,
            )
        )
    return slots


def capacity(length: timedelta, box: timedelta) -> int:
    """How many topics fit into a meeting."""
    if box <= timedelta(0):
        raise ValueError("the time box must be positive")
    return max(0, int(length // box))


def move(entries: Sequence[Entry], topic_id: int, step: int) -> list[int]:
    """The topic ids in agenda order after moving one topic ``step`` places (−1 up, +1 down).

    A topic does not cross the line between urgent and normal topics: urgency decides that.
    Returns the unchanged order when the move is not possible.
    """
    order = ordered(entries)
    ids = [entry.topic_id for entry in order]
    if topic_id not in ids:
        return ids
    index = ids.index(topic_id)
    other = index + step
    if not 0 <= other < len(order) or order[other].urgent != order[index].urgent:
        return ids
    ids[index], ids[other] = ids[other], ids[index]
    return ids


AGENDA_LEAD: timedelta = timedelta(hours=12)
"""The agenda goes out with the latest group reminder at least this long before the start."""


def agenda_offset(offsets: Sequence[timedelta]) -> timedelta | None:
    """The reminder offset whose group reminder carries the agenda.

    The day-before reminder in the usual set-up ("1 Tag, 1 Stunde"): the smallest offset of
    at least :data:`AGENDA_LEAD`, so the agenda is as complete as possible and still leaves
    time to read; with only short offsets, the earliest reminder. None without reminders.
    """
    if not offsets:
        return None
    long_enough = [offset for offset in offsets if offset >= AGENDA_LEAD]
    return min(long_enough) if long_enough else max(offsets)
