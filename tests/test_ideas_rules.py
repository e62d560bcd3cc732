"""The ideas' plain rules: the lifecycle table, "Idee:" recognition, votes, filters, pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot import ideas as rules

ALL_PAIRS = [(a, b) for a in rules.STATUSES for b in rules.STATUSES]
ALLOWED = {
    ("idea", "review"),
    ("review", "planned"),
    ("planned", "running"),
    ("running", "done"),
    ("idea", "dropped"),
    ("review", "dropped"),
    ("planned", "dropped"),
    ("running", "dropped"),
}


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_lifecycle_allows_exactly_the_forward_steps_and_dropping(
    current: str, target: str
) -> None:
    """Idee → in Prüfung → geplant → läuft → abgeschlossen, verworfen from every open state."""
    assert rules.may_move(current, target) == ((current, target) in ALLOWED)


def test_done_and_dropped_are_final_and_unknown_states_go_nowhere() -> None:
    """Nothing leaves "abgeschlossen" or "verworfen"; a state the table lacks has no steps."""
    assert rules.next_statuses("done") == () and rules.next_statuses("dropped") == ()
    assert rules.next_statuses("archived") == ()
    assert not rules.is_open("done") and not rules.is_open("dropped")
    assert rules.is_open("running")


@pytest.mark.parametrize(
    ("message", "idea"),
    [
        ("Idee: Kochgruppe für Eltern", "Kochgruppe für Eltern"),
        ("idee:Kochgruppe", "Kochgruppe"),
        ("  IDEE :  Kochgruppe ", "Kochgruppe"),
        ("💡 Kochgruppe", "Kochgruppe"),
        ("💡Kochgruppe", "Kochgruppe"),
        ("💡 Idee: Kochgruppe", "Kochgruppe"),
        ("Idea: cooking group", "cooking group"),
        ("Idee:", ""),
        ("💡", ""),
    ],
)
def test_idea_messages_are_recognised(message: str, idea: str) -> None:
    """ "Idee:" or 💡 at the start makes a group message an idea; the marker is cut off."""
    assert rules.recognise(message) == idea


@pytest.mark.parametrize(
    "message",
    ["Gute Idee!", "Meine Idee: später", "Ideen: viele", "Ideechen", "", None, "/idee x"],
)
def test_other_messages_are_not_ideas(message: str | None) -> None:
    """Only the marker at the very start counts: chatter about ideas is left alone."""
    assert rules.recognise(message) is None


@dataclass
class _Item:
    id: int
    number: int


def test_votes_sort_most_first_then_by_number() -> None:
    """The list sorts by votes; ties keep the older (lower) number first."""
    items = [_Item(1, 1), _Item(2, 2), _Item(3, 3), _Item(4, 4)]
    ordered = rules.by_votes(items, {2: 1, 3: 4, 4: 1})
    assert [item.number for item in ordered] == [3, 2, 4, 1]


def test_vote_toggle_adds_then_takes_back() -> None:
    """Pressing 👍 adds the member's vote; pressing again removes exactly that vote."""
    voters, added = rules.toggle({7}, 8)
    assert (voters, added) == ({7, 8}, True)
    voters, added = rules.toggle(voters, 7)
    assert (voters, added) == ({8}, False)


def test_filter_open_and_forged_values() -> None:
    """ "open" hides done and dropped ideas; values outside the vocabularies mean "all"."""
    flt = rules.Filter()
    assert flt.matches(status="running", origin=None, kind=None)
    assert not flt.matches(status="dropped", origin=None, kind=None)
    forged = rules.Filter.from_payload({"status": "'; DROP", "origin": 5, "kind": "fua"})
    assert forged == rules.Filter(status=None, origin=None, kind="fua")
    assert forged.matches(status="dropped", origin="joint", kind="fua")
    assert not forged.matches(status="idea", origin="joint", kind="fuea")
    assert rules.Filter(status="done", origin="affected").matches(
        status="done", origin="affected", kind=None
    )


def test_pages_are_clamped() -> None:
    """A page past the end shows the last page; an empty list has one empty page."""
    items = list(range(19))
    assert rules.page_of(items, 0) == (list(range(8)), 0, 3)
    assert rules.page_of(items, 9) == ([16, 17, 18], 2, 3)
    assert rules.page_of(items, -3)[1] == 0
    assert rules.page_of([], 0) == ([], 0, 1)


def test_preview_cuts_at_a_word() -> None:
    """Long ideas are shown to the last whole word with an ellipsis, on one line."""
    assert rules.preview("kurz\nund gut") == "kurz und gut"
    cut = rules.preview("Ein offener Treff für Familien mit kleinen Kindern im Stadtteil", 30)
    assert cut == "Ein offener Treff für…" and len(cut) <= 30


def test_meeting_stops_collecting_when_closed_or_forgotten() -> None:
    """A meeting collects until it is closed, and at most 12 hours after its start."""
    start = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    assert rules.session_running(start, None, start + timedelta(hours=2))
    assert not rules.session_running(start, start + timedelta(hours=1), start + timedelta(hours=2))
    assert not rules.session_running(start, None, start + timedelta(hours=12))
