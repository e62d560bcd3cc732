"""Measure the privacy gate on the labelled corpus and write docs/privacy-gate.md.

    python -m bot.privacy.evaluate                      # print the figures
    python -m bot.privacy.evaluate --misses             # also list what was missed
    python -m bot.privacy.evaluate --compare-sources    # name lists: which source is best
    python -m bot.privacy.evaluate --write docs/privacy-gate.md

Counting rule: a labelled identifier counts as found when a finding overlaps its span and
has the labelled kind; for names and dates a finding of any kind counts, because the
sentence is stopped either way. A clean sentence (no labels) counts as a false alarm when
the gate reports anything at all in it.

The corpus is invented for this purpose (no real person is in it), so misses may be
printed; the gate itself never prints or logs the text it checks.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from bot.privacy.gate import scan_with
from bot.privacy.lexicon import MIN_FIRST_NAME_FREQUENCY, NameLexicon, build_name_lexicon
from bot.privacy.model import KINDS, Allowlist, Finding

ROOT: Final = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS: Final = ROOT / "tests" / "privacy_corpus" / "corpus.toml"
DEFAULT_STRUCTURE: Final = ROOT / "examples" / "norderstedt.toml"

#: Kinds with a shape and check digits: the gate must find (almost) all of them.
STRUCTURED_KINDS: Final = (
    "phone",
    "email",
    "iban",
    "tax_id",
    "social_insurance",
    "health_insurance",
    "postcode",
    "file_number",
)
#: Targets enforced by tests/test_privacy_corpus.py.
TARGET_STRUCTURED_RECALL: Final = 0.98
TARGET_NAME_DATE_RECALL: Final = 0.95
TARGET_FALSE_ALARM_RATE: Final = 0.05
_ANY_KIND_COUNTS: Final = frozenset({"name", "date"})

_TABLE_START: Final = "<!-- figures:start -->"
_TABLE_END: Final = "<!-- figures:end -->"


@dataclass(frozen=True, slots=True)
class Case:
    """One corpus sentence and the identifiers it contains."""

    text: str
    expect: tuple[tuple[str, int, int], ...]  # (kind, start, end)


@dataclass(slots=True)
class KindResult:
    """How many identifiers of one kind the corpus has and how many were found."""

    total: int = 0
    found: int = 0

    @property
    def recall(self) -> float:
        """Share of the identifiers found (1.0 when there are none)."""
        return self.found / self.total if self.total else 1.0


@dataclass(slots=True)
class Report:
    """The figures of one evaluation run."""

    cases: int = 0
    clean: int = 0
    flagged_clean: int = 0
    extra_findings: int = 0
    kinds: dict[str, KindResult] = field(default_factory=lambda: {k: KindResult() for k in KINDS})
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, label, text)
    false_alarms: list[tuple[str, list[Finding]]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def false_alarm_rate(self) -> float:
        """Share of clean sentences with any finding."""
        return self.flagged_clean / self.clean if self.clean else 0.0

    def recall(self, kinds: Sequence[str]) -> float:
        """Pooled recall over several kinds."""
        total = sum(self.kinds[k].total for k in kinds)
        found = sum(self.kinds[k].found for k in kinds)
        return found / total if total else 1.0

    def failures(self) -> list[str]:
        """The targets this run misses, as sentences (empty when all are met)."""
        problems = [
            f"recall {kind} {self.kinds[kind].recall:.3f} < {TARGET_STRUCTURED_RECALL}"
            for kind in STRUCTURED_KINDS
            if self.kinds[kind].recall < TARGET_STRUCTURED_RECALL
        ]
        problems += [
            f"recall {kind} {self.kinds[kind].recall:.3f} < {TARGET_NAME_DATE_RECALL}"
            for kind in ("name", "date")
            if self.kinds[kind].recall < TARGET_NAME_DATE_RECALL
        ]
        if self.false_alarm_rate > TARGET_FALSE_ALARM_RATE:
            problems.append(
                f"false-alarm rate {self.false_alarm_rate:.3f} > {TARGET_FALSE_ALARM_RATE}"
            )
        return problems


def load_corpus(path: Path = DEFAULT_CORPUS) -> list[Case]:
    """Read the corpus; a label whose substring is not in its sentence is an error."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    cases: list[Case] = []
    for number, entry in enumerate(data["case"], start=1):
        text = entry["text"]
        labels: list[tuple[str, int, int]] = []
        for kind, substring in entry["expect"]:
            if kind not in KINDS:
                raise ValueError(f"case {number}: unknown kind {kind!r}")
            start = text.find(substring)
            if start < 0:
                raise ValueError(f"case {number}: label {substring!r} is not in the text")
            labels.append((kind, start, start + len(substring)))
        cases.append(Case(text=text, expect=tuple(labels)))
    return cases


def allowlist_from_structure(path: Path = DEFAULT_STRUCTURE) -> Allowlist:
    """The organisation's names from a structure file, as the bot passes them to the gate."""
    with path.open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    names: list[str] = []
    organisation = data.get("organisation", {})
    if "name" in organisation:
        names.append(organisation["name"])
    for section in ("provider", "region", "social_space", "team"):
        for entry in data.get(section, []):
            names.append(entry["name"])
            names.extend(entry.get("areas", []))
    return Allowlist.from_names(names)


def _overlaps(finding: Finding, start: int, end: int) -> bool:
    return finding.start < end and start < finding.end


def evaluate(
    cases: Sequence[Case] | None = None,
    *,
    allow: Allowlist | None = None,
    lexicon: NameLexicon | None = None,
) -> Report:
    """Run the gate over the corpus and count what it finds and what it flags wrongly."""
    from bot.privacy.lexicon import name_lexicon

    cases = load_corpus() if cases is None else cases
    allow = allowlist_from_structure() if allow is None else allow
    lexicon = name_lexicon() if lexicon is None else lexicon
    report = Report()
    began = time.perf_counter()
    for case in cases:
        findings = scan_with(case.text, allow, lexicon)
        report.cases += 1
        if not case.expect:
            report.clean += 1
            if findings:
                report.flagged_clean += 1
                report.false_alarms.append((case.text, findings))
            continue
        for kind, start, end in case.expect:
            result = report.kinds[kind]
            result.total += 1
            if any(
                _overlaps(f, start, end) and (f.kind == kind or kind in _ANY_KIND_COUNTS)
                for f in findings
            ):
                result.found += 1
            else:
                report.misses.append((kind, case.text[start:end], case.text))
        report.extra_findings += sum(
            not any(_overlaps(f, start, end) for _, start, end in case.expect) for f in findings
        )
    report.seconds = time.perf_counter() - began
    return report


def render_table(report: Report) -> str:
    """The figures as a Markdown table (the part of the docs the tests compare)."""
    lines = [
        f"Corpus: {report.cases} sentences, {report.clean} of them clean; "
        f"{sum(r.total for r in report.kinds.values())} labelled identifiers.",
        "",
        "| kind | identifiers | found | recall | target |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in KINDS:
        result = report.kinds[kind]
        if kind in STRUCTURED_KINDS:
            target = f"≥ {TARGET_STRUCTURED_RECALL:.2f}"
        elif kind in ("name", "date"):
            target = f"≥ {TARGET_NAME_DATE_RECALL:.2f}"
        else:
            target = "–"
        lines.append(
            f"| {kind} | {result.total} | {result.found} | {result.recall:.3f} | {target} |"
        )
    lines += [
        "",
        "| measure | value | target |",
        "|---|---:|---:|",
        f"| recall, structured kinds pooled | {report.recall(STRUCTURED_KINDS):.3f} "
        f"| ≥ {TARGET_STRUCTURED_RECALL:.2f} per kind |",
        f"| clean sentences flagged (false alarms) | {report.flagged_clean} of {report.clean} "
        f"= {report.false_alarm_rate:.1%} | ≤ {TARGET_FALSE_ALARM_RATE:.0%} |",
        f"| findings in labelled sentences that match no label | {report.extra_findings} | – |",
    ]
    return "\n".join(lines)


def compare_sources(cases: Sequence[Case], allow: Allowlist) -> str:
    """Name recall and false alarms for each choice of name lists, as a Markdown table."""
    variants: list[tuple[str, Callable[[], NameLexicon]]] = [
        ("gender-guesser only", lambda: build_name_lexicon(faker=False)),
        ("Faker only", lambda: build_name_lexicon(gender_guesser=False)),
        ("both, gender-guesser frequency ≥ 1", lambda: build_name_lexicon(min_frequency=1)),
        (
            f"both, gender-guesser frequency ≥ {MIN_FIRST_NAME_FREQUENCY} (default)",
            build_name_lexicon,
        ),
        ("both, gender-guesser frequency ≥ 4", lambda: build_name_lexicon(min_frequency=4)),
    ]
    lines = [
        "| name lists | first names | surnames | name recall | clean sentences flagged |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, build in variants:
        lexicon = build()
        report = evaluate(cases, allow=allow, lexicon=lexicon)
        lines.append(
            f"| {label} | {len(lexicon.first_names)} | {len(lexicon.surnames)} "
            f"| {report.kinds['name'].recall:.3f} | {report.flagged_clean} of {report.clean} |"
        )
    return "\n".join(lines)


def write_docs(path: Path, report: Report) -> None:
    """Put the current figures between the markers of the documentation page."""
    page = path.read_text(encoding="utf-8")
    head, found_start, rest = page.partition(_TABLE_START)
    _, found_end, tail = rest.partition(_TABLE_END)
    if not found_start or not found_end:
        raise ValueError(f"{path} has no {_TABLE_START} … {_TABLE_END} section")
    path.write_text(
        f"{head}{_TABLE_START}\n{render_table(report)}\n{_TABLE_END}{tail}", encoding="utf-8"
    )


def documented_table(path: Path) -> str | None:
    """The figures currently written in the documentation page, if any."""
    page = path.read_text(encoding="utf-8")
    _, found, rest = page.partition(_TABLE_START)
    table, found_end, _ = rest.partition(_TABLE_END)
    return table.strip() if found and found_end else None


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; exit code 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bot.privacy.evaluate")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--structure", type=Path, default=DEFAULT_STRUCTURE)
    parser.add_argument("--write", type=Path, metavar="DOCS", help="update the figures there")
    parser.add_argument("--misses", action="store_true", help="list misses and false alarms")
    parser.add_argument("--compare-sources", action="store_true", help="compare name lists")
    args = parser.parse_args(argv)

    cases = load_corpus(args.corpus)
    allow = allowlist_from_structure(args.structure)
    report = evaluate(cases, allow=allow)
    print(render_table(report))
    print(f"\n{report.cases} sentences checked in {report.seconds * 1000:.0f} ms.")
    if args.misses:
        for kind, label, text in report.misses:
            print(f"MISS {kind}: {label!r} in {text!r}")
        for text, findings in report.false_alarms:
            parts = ", ".join(f"{f.kind} {text[f.start : f.end]!r}" for f in findings)
            print(f"FALSE ALARM {parts} in {text!r}")
    if args.compare_sources:
        print()
        print(compare_sources(cases, allow))
    if args.write is not None:
        write_docs(args.write, report)
        print(f"\nFigures written to {args.write}.")
    failures = report.failures()
    for failure in failures:
        print(f"TARGET MISSED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
