"""The rules of each section and the validator that applies them, stopping at the first error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.structure.checks import (
    InvalidValueError,
    check_amount,
    check_areas,
    check_emergency_contact,
    check_key,
    check_name,
    check_state,
    check_year,
)
from bot.structure.locator import Locator
from bot.structure.spec import (
    BUDGET_CATEGORIES,
    KEY_RE,
    NAME_MAX,
    BudgetPotSpec,
    BudgetSpec,
    OrganisationSpec,
    RegionSpec,
    SocialSpaceSpec,
    StructureError,
    StructureFile,
    TeamSpec,
)


@dataclass(frozen=True)
class _Field:
    """One allowed key of a table."""

    name: str
    check: Callable[[Any], Any]
    required: bool = True
    refers_to: str | None = None
    """Section whose ``key`` this value must name."""


@dataclass(frozen=True)
class _Section:
    """One top-level section of the file and the rules for its tables.

    To add a section (e.g. ``[budget]``), add one entry to :data:`_SECTIONS` and read the
    checked tables in :func:`_build`.
    """

    name: str
    array: bool
    fields: tuple[_Field, ...]
    min_count: int = 0
    unique: str | tuple[str, ...] = "key"
    """The field (or fields together) that must not repeat."""
    reference: str = ""
    """How another table names this one in an error, e.g. ``den Sozialraum »{}«, den``."""

    @property
    def unique_fields(self) -> tuple[str, ...]:
        """The unique field(s) as a tuple."""
        return (self.unique,) if isinstance(self.unique, str) else self.unique

    @property
    def header(self) -> str:
        """How the section is written in the file."""
        return f"[[{self.name}]]" if self.array else f"[{self.name}]"


_KEY = _Field("key", check_key)
_NAME = _Field("name", check_name)
_AMOUNTS = tuple(_Field(name, check_amount, required=False) for name in BUDGET_CATEGORIES)
"""A social space's yearly amounts per category, written like "9.360,00"."""

_SECTIONS: tuple[_Section, ...] = (
    _Section(
        "organisation",
        array=False,
        min_count=1,
        fields=(
            _KEY,
            _NAME,
            _Field("state", check_state),
            _Field("emergency_contact", check_emergency_contact),
        ),
    ),
    _Section("provider", array=True, unique="name", fields=(_NAME,)),
    _Section(
        "region",
        array=True,
        min_count=1,
        fields=(_KEY, _NAME),
        reference="die Region »{}«, die",
    ),
    _Section(
        "social_space",
        array=True,
        min_count=1,
        fields=(
            _KEY,
            _Field("region", check_key, refers_to="region"),
            _NAME,
            _Field("areas", check_areas, required=False),
        ),
        reference="den Sozialraum »{}«, den",
    ),
    _Section(
        "team",
        array=True,
        min_count=1,
        fields=(
            _KEY,
            _NAME,
            _Field("social_space", check_key, required=False, refers_to="social_space"),
        ),
    ),
    _Section(
        "budget",
        array=True,
        unique="year",
        fields=(
            _Field("year", check_year),
            _Field("coordinator_limit", check_amount, required=False),
            _Field("reserve", check_amount, required=False),
            *_AMOUNTS,
        ),
        reference="das Haushaltsjahr »{}«, das",
    ),
    _Section(
        "budget_space",
        array=True,
        unique=("year", "social_space"),
        fields=(
            _Field("year", check_year, refers_to="budget"),
            _Field("social_space", check_key, refers_to="social_space"),
            *_AMOUNTS,
        ),
    ),
)
"""Sections in check order: a section may only refer to sections listed before it."""

_SECTION_BY_NAME = {section.name: section for section in _SECTIONS}

Checked = dict[str, list[dict[str, Any]]]
"""Checked values per section: one dict per table, field name → checked value."""


class Validator:
    """Checks the parsed TOML against :data:`_SECTIONS`; raises at the first problem."""

    def __init__(self, data: dict[str, Any], locator: Locator) -> None:
        self._data = data
        self._where = locator
        self._checked: Checked = {}
        self._seen: dict[str, dict[Any, int | None]] = {}

    def run(self) -> Checked:
        """Check the whole file and return the checked values."""
        self._reject_unknown_sections()
        for section in _SECTIONS:
            tables = self._tables_of(section)
            self._seen[section.name] = {}
            self._checked[section.name] = [
                self._check_table(section, index, table) for index, table in enumerate(tables)
            ]
        return self._checked

    def _reject_unknown_sections(self) -> None:
        allowed = ", ".join(section.header for section in _SECTIONS)
        for name, value in self._data.items():
            if name in _SECTION_BY_NAME:
                continue
            line = self._where.section(name)
            if isinstance(value, dict | list):
                raise StructureError(
                    f"Unbekannter Abschnitt »{name}«. Erlaubt sind: {allowed}.", line
                )
            raise StructureError(
                f"»{name}« steht außerhalb eines Abschnitts. Jede Angabe gehört unter eine"
                f" Überschrift: {allowed}.",
                line,
            )

    def _tables_of(self, section: _Section) -> list[dict[str, Any]]:
        """The tables of a section, after checking its form and count."""
        value = self._data.get(section.name)
        line = self._where.section(section.name)
        if value is None:
            if section.min_count:
                raise StructureError(self._missing_section(section), None)
            return []
        tables = value if section.array else [value]
        if not isinstance(value, list if section.array else dict) or not all(
            isinstance(table, dict) for table in tables
        ):
            how = "eine Tabelle je Eintrag" if section.array else "genau eine Tabelle"
            raise StructureError(
                f"»{section.name}« muss als {section.header} geschrieben werden ({how}).", line
            )
        if len(tables) < section.min_count:
            raise StructureError(self._missing_section(section), line)
        return tables

    @staticmethod
    def _missing_section(section: _Section) -> str:
        if section.array:
            return f"Die Datei braucht mindestens einen Eintrag {section.header}."
        return f"Der Abschnitt {section.header} fehlt."

    def _label(self, section: _Section, index: int, table: dict[str, Any]) -> str:
        """How an error names the table: by its key if readable, else by position."""
        if not section.array:
            return section.header
        parts = [self._readable(name, table.get(name)) for name in section.unique_fields]
        if all(part is not None for part in parts):
            return f"{section.header} »{' / '.join(p for p in parts if p)}«"
        return f"{section.header} Nr. {index + 1}"

    @staticmethod
    def _readable(name: str, value: Any) -> str | None:
        """The value as it may appear in a message, or ``None`` if it is not fit to show."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        ident = value.strip() if isinstance(value, str) else ""
        if name in ("key", "region", "social_space"):
            return ident if KEY_RE.fullmatch(ident) else None
        return ident if 0 < len(ident) <= NAME_MAX else None

    def _check_table(self, section: _Section, index: int, table: dict[str, Any]) -> dict[str, Any]:
        label = self._label(section, index, table)
        allowed = {f.name: f for f in section.fields}
        for name in table:
            if name not in allowed:
                raise StructureError(
                    f"{label}: unbekanntes Feld »{name}« (Tippfehler?)."
                    f" Erlaubt sind: {', '.join(allowed)}.",
                    self._where.key(section.name, index, name),
                )
        checked: dict[str, Any] = {}
        for spec in section.fields:
            checked[spec.name] = self._check_field(section, index, table, spec, label)
        unique = tuple(checked[name] for name in section.unique_fields)
        self._check_unique(section, index, unique[0] if len(unique) == 1 else unique, label)
        return checked

    def _check_field(
        self, section: _Section, index: int, table: dict[str, Any], spec: _Field, label: str
    ) -> Any:
        if spec.name not in table:
            if spec.required:
                raise StructureError(
                    f"{label}: Pflichtfeld »{spec.name}« fehlt.",
                    self._where.table(section.name, index),
                )
            return None
        line = self._where.key(section.name, index, spec.name)
        try:
            value = spec.check(table[spec.name])
        except InvalidValueError as err:
            raise StructureError(f"{label}, Feld »{spec.name}«: {err}", line) from None
        if spec.refers_to is not None and value not in self._seen[spec.refers_to]:
            target = _SECTION_BY_NAME[spec.refers_to].reference.format(value)
            raise StructureError(f"{label} verweist auf {target} es nicht gibt.", line)
        return value

    def _check_unique(self, section: _Section, index: int, value: Any, label: str) -> None:
        seen = self._seen[section.name]
        fields = section.unique_fields
        line = self._where.key(section.name, index, fields[0])
        if value in seen:
            first = seen[value]
            where = f" (zuerst in Zeile {first})" if first is not None else ""
            rule = (
                f"»{fields[0]}« muss eindeutig sein"
                if len(fields) == 1
                else " und ".join(f"»{name}«" for name in fields)
                + " müssen zusammen eindeutig sein"
            )
            raise StructureError(f"{label} kommt doppelt vor{where}; {rule}.", line)
        seen[value] = line


def build(checked: Checked) -> StructureFile:
    """Turn checked tables into the frozen result."""
    org = checked["organisation"][0]
    return StructureFile(
        organisation=OrganisationSpec(
            key=org["key"],
            name=org["name"],
            state=org["state"],
            emergency_contact=org["emergency_contact"],
        ),
        regions=tuple(RegionSpec(key=t["key"], name=t["name"]) for t in checked["region"]),
        social_spaces=tuple(
            SocialSpaceSpec(
                key=t["key"], region=t["region"], name=t["name"], areas=t["areas"] or ()
            )
            for t in checked["social_space"]
        ),
        teams=tuple(
            TeamSpec(key=t["key"], name=t["name"], social_space=t["social_space"])
            for t in checked["team"]
        ),
        providers=tuple(t["name"] for t in checked["provider"]),
        budgets=_budgets(checked),
    )


def _budgets(checked: Checked) -> tuple[BudgetSpec, ...]:
    """Resolve each year's amounts per social space: an override, else the year's default."""
    overrides = {(t["year"], t["social_space"]): t for t in checked["budget_space"]}
    spaces = [t["key"] for t in checked["social_space"]]
    result = []
    for year in checked["budget"]:
        pots = []
        for space in spaces:
            override = overrides.get((year["year"], space), {})
            for category in BUDGET_CATEGORIES:
                cents = override.get(category)
                cents = year[category] if cents is None else cents
                if cents is not None:
                    pots.append(BudgetPotSpec(space, category, cents))
        if year["reserve"] is not None:
            pots.append(BudgetPotSpec(None, "reserve", year["reserve"]))
        result.append(
            BudgetSpec(
                year=year["year"],
                coordinator_limit=year["coordinator_limit"] or 0,
                pots=tuple(pots),
            )
        )
    return tuple(result)
