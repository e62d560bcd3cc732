"""What a structure file says, once checked: frozen specs and the error that names a line."""

from __future__ import annotations

import re
from dataclasses import dataclass

GERMAN_STATES: tuple[str, ...] = (
    "BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV",
    "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH",
)  # fmt: skip
"""Codes of the 16 German states, as the ``holidays`` package names its subdivisions."""

KINDS: tuple[str, ...] = ("organisation", "region", "social_space", "team", "provider")
"""Kinds of units an import creates or updates, in import order."""

NAME_MAX = 200
KEY_MAX = 64
EMERGENCY_CONTACT_MAX = 3000
"""Leaves room in one Telegram message (4096) for the text the contact is shown with."""

BUDGET_CATEGORIES: tuple[str, ...] = ("beratung", "netzwerk", "fua")
"""Categories a social space's pots may have in ``[[budget]]`` (the reserve is separate)."""
YEAR_MIN, YEAR_MAX = 2000, 2100
FILE_MAX_CENTS = 10_000_000_000
"""The largest amount a structure file may name: 100.000.000,00 €."""

EXAMPLE_COMMAND = "python -m bot structure import examples/norderstedt.toml"

KEY_RE = re.compile(rf"[a-z0-9-]{{1,{KEY_MAX}}}")


@dataclass(frozen=True)
class OrganisationSpec:
    """The ``[organisation]`` table: the youth office itself."""

    key: str
    name: str
    state: str
    emergency_contact: str


@dataclass(frozen=True)
class RegionSpec:
    """One ``[[region]]`` table."""

    key: str
    name: str


@dataclass(frozen=True)
class SocialSpaceSpec:
    """One ``[[social_space]]`` table; ``region`` is a region key."""

    key: str
    region: str
    name: str
    areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeamSpec:
    """One ``[[team]]`` table; ``social_space`` is a social-space key or ``None``."""

    key: str
    name: str
    social_space: str | None = None


@dataclass(frozen=True)
class BudgetPotSpec:
    """One pot's base allocation for a year; ``social_space`` ``None`` is the reserve."""

    social_space: str | None
    category: str
    cents: int


@dataclass(frozen=True)
class BudgetSpec:
    """One ``[[budget]]`` year with its pots resolved per social space (overrides applied)."""

    year: int
    coordinator_limit: int
    pots: tuple[BudgetPotSpec, ...] = ()


@dataclass(frozen=True)
class StructureFile:
    """A whole structure file, checked: every reference points at a unit in the file."""

    organisation: OrganisationSpec
    regions: tuple[RegionSpec, ...]
    social_spaces: tuple[SocialSpaceSpec, ...]
    teams: tuple[TeamSpec, ...]
    providers: tuple[str, ...] = ()
    budgets: tuple[BudgetSpec, ...] = ()


class StructureError(Exception):
    """A structure file that cannot be used; the message is German and names the line.

    Attributes:
        line: 1-based line in the file, or ``None`` when no single line is to blame.
        message: the German explanation without the line prefix.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"Zeile {self.line}: {self.message}" if self.line is not None else self.message
