"""Network ideas: the vocabularies, the lifecycle and the small rules around them.

Everything here is plain Python without Telegram or the database, so the rules are tested
directly (``tests/test_ideas_rules.py``); :mod:`bot.handlers.ideas` and
:mod:`bot.handlers.network_meeting` only call them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, TypeVar

from bot.i18n import TextKey

# -- vocabularies ---------------------------------------------------------------------------

#: Where an idea came from. The seeds' lesson: ideas from the affected people's own needs
#: succeed, ideas seen only from the professionals' side fail, so this is always asked.
ORIGINS: Final = ("affected", "professional", "joint")
#: The kind of work (DOMAIN.md): FüA is cross-case (several families with a shared need),
#: FuA case-independent (building the social space itself).
WORK_KINDS: Final = ("fuea", "fua")
TARGET_GROUPS: Final = ("children", "youth", "parents", "single_parents", "families", "all")
PARTNERS: Final = ("kita", "school", "club", "church", "family_centre", "library", "other")

ORIGIN_LABELS: Final = {
    "affected": TextKey("ideas.origin_affected"),
    "professional": TextKey("ideas.origin_professional"),
    "joint": TextKey("ideas.origin_joint"),
}
WORK_KIND_LABELS: Final = {
    "fuea": TextKey("ideas.kind_fuea"),
    "fua": TextKey("ideas.kind_fua"),
}
TARGET_LABELS: Final = {
    "children": TextKey("ideas.target_children"),
    "youth": TextKey("ideas.target_youth"),
    "parents": TextKey("ideas.target_parents"),
    "single_parents": TextKey("ideas.target_single_parents"),
    "families": TextKey("ideas.target_families"),
    "all": TextKey("ideas.target_all"),
}
PARTNER_LABELS: Final = {
    "kita": TextKey("ideas.partner_kita"),
    "school": TextKey("ideas.partner_school"),
    "club": TextKey("ideas.partner_club"),
    "church": TextKey("ideas.partner_church"),
    "family_centre": TextKey("ideas.partner_family_centre"),
    "library": TextKey("ideas.partner_library"),
    "other": TextKey("ideas.partner_other"),
}
assert tuple(ORIGIN_LABELS) == ORIGINS and tuple(WORK_KIND_LABELS) == WORK_KINDS
assert tuple(TARGET_LABELS) == TARGET_GROUPS and tuple(PARTNER_LABELS) == PARTNERS

# -- the lifecycle --------------------------------------------------------------------------

IDEA: Final = "idea"
REVIEW: Final = "review"
PLANNED: Final = "planned"
RUNNING: Final = "running"
DONE: Final = "done"
DROPPED: Final = "dropped"
STATUSES: Final = (IDEA, REVIEW, PLANNED, RUNNING, DONE, DROPPED)
#: Idee → in Prüfung → geplant → läuft → abgeschlossen; verworfen from every open state.
#: Done and dropped are final: a dropped idea that comes back is a new idea.
TRANSITIONS: Final[Mapping[str, tuple[str, ...]]] = {
    IDEA: (REVIEW, DROPPED),
    REVIEW: (PLANNED, DROPPED),
    PLANNED: (RUNNING, DROPPED),
    RUNNING: (DONE, DROPPED),
    DONE: (),
    DROPPED: (),
}
OPEN_STATUSES: Final = frozenset(status for status, nxt in TRANSITIONS.items() if nxt)
#: States that count as "the idea became an offer" in the yearly report.
REALISED: Final = frozenset({RUNNING, DONE})
STATUS_LABELS: Final = {
    IDEA: TextKey("ideas.status_idea"),
    REVIEW: TextKey("ideas.status_review"),
    PLANNED: TextKey("ideas.status_planned"),
    RUNNING: TextKey("ideas.status_running"),
    DONE: TextKey("ideas.status_done"),
    DROPPED: TextKey("ideas.status_dropped"),
}
assert tuple(STATUS_LABELS) == STATUSES


def next_statuses(status: str) -> tuple[str, ...]:
    """The states an idea in ``status`` may move to (none for unknown states)."""
    return TRANSITIONS.get(status, ())


def may_move(current: str, target: str) -> bool:
    """Whether the lifecycle allows ``current`` → ``target``."""
    return target in next_statuses(current)


def is_open(status: str) -> bool:
    """Open ideas can still change status, take votes and be linked to spending."""
    return status in OPEN_STATUSES


# -- texts ----------------------------------------------------------------------------------

TEXT_LIMIT: Final = 500
"""The longest idea, in characters: one or two sentences on a flip chart card."""
REASON_LIMIT: Final = 500
"""The longest reason for dropping an idea (it is sent to the author)."""
PREVIEW_LENGTH: Final = 60


def preview(text: str, length: int = PREVIEW_LENGTH) -> str:
    """The start of an idea for lists and notices (one line, cut at a word)."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat[: length - 1].rsplit(" ", 1)[0] or flat[: length - 1]
    return cut + "…"


_MARKER: Final = re.compile(r"^\s*(?:💡\ufe0f?\s*(?:(?:idee|idea)\s*:)?|(?:idee|idea)\s*:)", re.I)
"""A group message that is an idea: it begins with 💡 or with "Idee:" (also "Idea:")."""
MARKER: Final = _MARKER


def recognise(text: str | None) -> str | None:
    """The idea in a group message ("Idee: …", "💡 …"), or None if it is no idea message.

    The returned text may be empty ("Idee:" alone); the caller refuses it like an empty
    ``/idee``.
    """
    if not text:
        return None
    found = _MARKER.match(text)
    if found is None:
        return None
    return text[found.end() :].strip()


# -- meeting mode ---------------------------------------------------------------------------

SESSION_LIFETIME: Final = timedelta(hours=12)
"""A meeting nobody closed stops collecting after this long (nobody meets for 12 hours)."""


def session_running(started_at: datetime, ended_at: datetime | None, now: datetime) -> bool:
    """Whether a meeting collects ideas at ``now``: not closed and not forgotten."""
    return ended_at is None and now < started_at + SESSION_LIFETIME


# -- votes ----------------------------------------------------------------------------------

T = TypeVar("T")


def by_votes(items: Iterable[T], votes: Mapping[int, int], key: str = "id") -> list[T]:
    """Most votes first; equal votes by the idea's number (older first)."""

    def order(item: T) -> tuple[int, int]:
        ident = getattr(item, key)
        return (-votes.get(ident, 0), int(getattr(item, "number", 0)))

    return sorted(items, key=order)


def toggle(voters: set[int], member_id: int) -> tuple[set[int], bool]:
    """A press on 👍: a vote is added, or taken back if the member had voted; True if added."""
    if member_id in voters:
        return voters - {member_id}, False
    return voters | {member_id}, True


# -- filters and pages ----------------------------------------------------------------------

PAGE_SIZE: Final = 8
#: The status filter's values: every state, and "open" (all that are not done or dropped).
STATUS_FILTERS: Final = ("open", *STATUSES)


@dataclass(frozen=True)
class Filter:
    """What ``/ideen`` shows: a status (or "open"), an origin and a kind; None is "all"."""

    status: str | None = "open"
    origin: str | None = None
    kind: str | None = None

    @classmethod
    def from_payload(cls, payload: Mapping[str, object]) -> Filter:
        """A filter from a button's payload; values outside the vocabularies become "all"."""
        status = payload.get("status")
        origin = payload.get("origin")
        kind = payload.get("kind")
        return cls(
            status=status if isinstance(status, str) and status in STATUS_FILTERS else None,
            origin=origin if isinstance(origin, str) and origin in ORIGINS else None,
            kind=kind if isinstance(kind, str) and kind in WORK_KINDS else None,
        )

    def payload(self) -> dict[str, str | None]:
        """The filter as a button payload."""
        return {"status": self.status, "origin": self.origin, "kind": self.kind}

    def matches(self, *, status: str, origin: str | None, kind: str | None) -> bool:
        """Whether an idea passes the filter."""
        if self.status == "open" and status not in OPEN_STATUSES:
            return False
        if self.status not in (None, "open") and status != self.status:
            return False
        if self.origin is not None and origin != self.origin:
            return False
        return self.kind is None or kind == self.kind


def page_of(items: Sequence[T], page: int, size: int = PAGE_SIZE) -> tuple[list[T], int, int]:
    """One page of ``items``: the items, the page (clamped into range) and the page count."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    return list(items[page * size : (page + 1) * size]), page, pages
