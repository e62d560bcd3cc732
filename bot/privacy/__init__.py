"""The privacy gate: nothing that could identify a family is stored (§ 64 Abs. 2a SGB VIII).

Every free-text answer a member types for a case topic goes through :func:`scan` before it
is stored. The gate is a pure function of the text and the caller's :class:`Allowlist`; it
never logs or returns the text it found, only the kind and the offsets.

>>> scan("Die Mutter ist unter 0176 12345678 erreichbar.")
[Finding(kind='phone', start=21, end=34)]

See docs/privacy-gate.md for what it finds, how well, and its known weaknesses.
"""

from bot.privacy.danger import danger_terms, signals_danger
from bot.privacy.gate import preload, scan
from bot.privacy.model import KINDS, Allowlist, Finding

__all__ = [
    "KINDS",
    "Allowlist",
    "Finding",
    "danger_terms",
    "preload",
    "scan",
    "signals_danger",
]
