"""The privacy gate's cost, as ratios against a baseline measured in the same run.

``scan`` tokenises every answer once and then runs its detectors over the tokens, so the
natural unit of its cost is one plain tokenisation pass over the same text:
``re.finditer(r"\\w+", text)``, consumed to the end. A ratio of 50 means the whole gate costs
as much as fifty such passes, on a fast machine and on a slow one alike.

Hostile inputs (the nineteen 4,096-character strings of ``tests/test_privacy_gate.py``) are
compared with plain case text cut to the same length: a ratio near 1 says the hostile
shape costs no more than ordinary prose, which a backtracking expression could not manage.
"""

from __future__ import annotations

import gc
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.privacy import Allowlist, preload, scan
from tests.test_privacy_gate import HOSTILE

#: The cheapest pass over the text the gate could possibly make.
WORD = re.compile(r"\w+")

#: What a member might type as the situation of a case: roles, ages, institutions, money,
#: legal references, no identifiers (the gate must report nothing).
CLEAN = (
    "Die Mutter lebt mit ihren drei Kindern seit dem Frühjahr in einer kleinen Wohnung im "
    "Sozialraum. Der älteste Sohn (12) besucht die 6. Klasse und fehlt seit den Herbstferien "
    "häufig, die Schule hat zweimal angerufen. Die Tochter (7) ist in der Grundschule gut "
    "angekommen, der jüngste Sohn geht in die Kita. Der Vater arbeitet im Schichtdienst und "
    "ist selten zu Hause. Die Mutter wirkt erschöpft und sagt, dass ihr die Tagesstruktur über "
    "den Kopf wächst. Das Jobcenter zahlt 450 Euro Miete, die Nebenkosten sind offen. Wir "
    "fragen uns, ob eine ambulante Hilfe nach § 31 SGB VIII reicht oder ob mehr nötig ist."
)

#: The same situation with what the gate exists to stop: a name, a date of birth, an
#: address with postcode, a phone number and a file number.
WITH_IDENTIFIERS = (
    "Frau Kowalski lebt mit ihren drei Kindern seit dem Frühjahr in der Musterstraße 12, "
    "22846 Norderstedt. Der älteste Sohn Paul (geb. 03.05.2014) besucht die 6. Klasse und "
    "fehlt seit den Herbstferien häufig. Die Tochter (7) ist in der Grundschule gut "
    "angekommen, der jüngste Sohn geht in die Kita. Der Vater arbeitet im Schichtdienst. Die "
    "Mutter wirkt erschöpft, sie ist unter 0176 12345678 erreichbar. Das Jobcenter führt den "
    "Fall unter BG-Nummer 12345BG0012345 und zahlt 450 Euro Miete. Wir fragen uns, ob eine "
    "ambulante Hilfe nach § 31 SGB VIII reicht (Az. 51.2-123/24) oder ob mehr nötig ist."
)

#: As the bot builds it from the organisation's directory.
ALLOW = Allowlist.from_names(
    [
        "Jugendamt der Stadt Norderstedt",
        "Friedrichsgabe / Harksheide-Nord",
        "Garstedt",
        "Wiegmann Hilfen",
    ]
)


def _plain(length: int) -> str:
    """Clean case text, repeated and cut to ``length`` characters."""
    return ((CLEAN + " ") * (length // len(CLEAN) + 1))[:length]


def _tokenise(text: str) -> None:
    for _ in WORD.finditer(text):
        pass


def _timed(operation: Callable[[], object], count: int) -> float:
    """Seconds per call, garbage collector paused.

    A collection costs time in proportion to everything the process holds (here the whole
    bot), not to the text, so it is kept out of the measurement.
    """
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        for _ in range(count):
            operation()
        return (time.perf_counter() - started) / count
    finally:
        gc.enable()


@dataclass(frozen=True)
class GateResult:
    """Medians in seconds per call; the ratios are computed from them."""

    answers: dict[str, str]
    """The ~600-character answers by label."""
    scan: dict[str, float]
    """Per scan of each answer."""
    tokenise: dict[str, float]
    """Per baseline pass over each answer."""
    plain_long: float
    """Per scan of clean text cut to the longest hostile string's length."""
    hostile: dict[str, float]
    """Per scan of each hostile string (4,080 to 4,096 characters)."""

    @property
    def long_length(self) -> int:
        """Length of the plain long text."""
        return max(len(text) for text in HOSTILE.values())

    def findings(self, label: str) -> int:
        """What the gate reports in an answer."""
        return len(scan(self.answers[label], ALLOW))

    def per_character(self, name: str) -> float:
        """A hostile string's cost per character over plain text's cost per character."""
        own = self.hostile[name] / len(HOSTILE[name])
        return own / (self.plain_long / self.long_length)

    def long_over_short(self) -> float:
        """Plain 4,096-character text's cost per character over the clean answer's."""
        short = self.scan["clean"] / len(self.answers["clean"])
        return (self.plain_long / self.long_length) / short


def measure(rounds: int, per_round: int) -> GateResult:
    """Scan the answers ``per_round`` times and the 4,096-character inputs a tenth as often."""
    preload()  # the word lists load once per process (~0.6 s); the bot does it at start-up
    answers = {"clean": CLEAN, "identifiers": WITH_IDENTIFIERS}
    plain = _plain(max(len(text) for text in HOSTILE.values()))
    for text in (CLEAN, WITH_IDENTIFIERS, plain, *HOSTILE.values()):  # warm every code path
        scan(text, ALLOW)
    long_count = max(per_round // 10, 3)
    scans: dict[str, list[float]] = {label: [] for label in answers}
    passes: dict[str, list[float]] = {label: [] for label in answers}
    plain_times: list[float] = []
    hostile_times: dict[str, list[float]] = {name: [] for name in HOSTILE}
    for _ in range(rounds):
        for label, text in answers.items():
            # A pass takes microseconds: ten times the calls keep it far above the clock's
            # resolution.
            passes[label].append(_timed(lambda text=text: _tokenise(text), per_round * 10))
            scans[label].append(_timed(lambda text=text: scan(text, ALLOW), per_round))
        plain_times.append(_timed(lambda: scan(plain, ALLOW), long_count))
        for name, text in HOSTILE.items():
            hostile_times[name].append(_timed(lambda text=text: scan(text, ALLOW), long_count))
    return GateResult(
        answers=answers,
        scan={label: statistics.median(values) for label, values in scans.items()},
        tokenise={label: statistics.median(values) for label, values in passes.items()},
        plain_long=statistics.median(plain_times),
        hostile={name: statistics.median(values) for name, values in hostile_times.items()},
    )
