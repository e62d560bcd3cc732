"""The privacy gate measured on the labelled corpus: size, targets, documented figures."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

from bot.privacy.evaluate import (
    STRUCTURED_KINDS,
    Case,
    Report,
    documented_table,
    evaluate,
    load_corpus,
    render_table,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "privacy-gate.md"


@cache
def corpus() -> tuple[Case, ...]:
    """The corpus, read once per test run."""
    return tuple(load_corpus())


@cache
def report() -> Report:
    """One evaluation of the whole corpus, shared by the tests below."""
    return evaluate(corpus())


def test_corpus_is_large_and_varied_enough() -> None:
    """At least 330 sentences, 120 clean, 60 with names, 30 with dates, 15 per structured kind."""
    cases = corpus()
    per_kind = Counter(kind for case in cases for kind, _, _ in case.expect)
    sentences_with = Counter(kind for case in cases for kind in {k for k, _, _ in case.expect})
    assert len(cases) >= 330
    assert sum(not case.expect for case in cases) >= 120
    assert sentences_with["name"] >= 60
    assert per_kind["date"] >= 30
    for kind in (*STRUCTURED_KINDS, "address", "licence_plate", "url", "handle", "age"):
        assert per_kind[kind] >= 15, kind


def test_gate_meets_recall_and_false_alarm_targets() -> None:
    """Recall ≥ 0.98 per structured kind, ≥ 0.95 for names and dates, ≤ 5 % false alarms."""
    assert report().failures() == []


def test_documented_figures_are_current() -> None:
    """docs/privacy-gate.md shows the figures of the current gate and corpus.

    After changing either, run ``python -m bot.privacy.evaluate --write docs/privacy-gate.md``.
    """
    assert documented_table(DOCS) == render_table(report())
