"""The organisation's structure as data: read, check, import and show a structure file.

Every youth office cuts its area differently (Norderstedt: regions and social spaces;
Kreis Segeberg: Gemeindeteams and Familienbüros), so the structure lives in a TOML file an
administrator edits, not in code. This module knows nothing about Telegram: the CLI calls
:func:`load_structure_file`, then :func:`import_structure` inside one transaction, and prints
:meth:`ImportReport.summary`; ``python -m bot structure show`` prints
:func:`describe_structure`.

The file is flat tables that point at each other by ``key``::

    [organisation]      key, name, state, emergency_contact
    [[provider]]        name
    [[region]]          key, name
    [[social_space]]    key, region, name, areas (optional)
    [[team]]            key, name, social_space (optional)

Validation stops at the first problem and names its line, because an administrator fixes
one clear message faster than a wall of follow-up errors.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import distinct, func
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import audit
from bot.storage.models import Membership, Organisation, Provider, Region, SocialSpace, Team

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

EXAMPLE_COMMAND = "python -m bot structure import examples/norderstedt.toml"

_KEY_RE = re.compile(rf"[a-z0-9-]{{1,{KEY_MAX}}}")


# ---------------------------------------------------------------------------------------
# The parsed file
# ---------------------------------------------------------------------------------------


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
class StructureFile:
    """A whole structure file, checked: every reference points at a unit in the file."""

    organisation: OrganisationSpec
    regions: tuple[RegionSpec, ...]
    social_spaces: tuple[SocialSpaceSpec, ...]
    teams: tuple[TeamSpec, ...]
    providers: tuple[str, ...] = ()


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


# ---------------------------------------------------------------------------------------
# Locating tables and keys in the raw text
# ---------------------------------------------------------------------------------------

_HEADER_RE = re.compile(
    r"""^\s*(\[\[?)\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
    r"""(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*\]\]?\s*(?:\#.*)?$"""
)
_KEY_LINE_RE = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*[=.]""")
_ML_DELIMITERS = ('"""', "'''")


@dataclass
class _Table:
    """A table header found in the text and the first line of each key inside it."""

    name: str
    line: int
    keys: dict[str, int] = field(default_factory=dict)


def _header_name(raw: str) -> str:
    """The first part of a (possibly dotted, possibly quoted) table name."""
    first = re.split(r"\s*\.\s*", raw, maxsplit=1)[0]
    return first.strip("\"'")


def _multiline_state(line: str, state: str | None) -> str | None:
    """Whether a multi-line string is still open after ``line``.

    Without this a line such as ``[[team]]`` inside ``emergency_contact = \"\"\"…\"\"\"``
    would be taken for a table header and every later line number would be off.
    """
    pos = 0
    while True:
        if state is None:
            hits = [(line.find(d, pos), d) for d in _ML_DELIMITERS]
            hits = [(i, d) for i, d in hits if i >= 0]
            comment = line.find("#", pos)
            if not hits or (comment >= 0 and comment < min(hits)[0]):
                return None
            index, state = min(hits)
            pos = index + 3
        else:
            index = line.find(state, pos)
            if index < 0:
                return state
            pos = index + 3
            state = None


class _Locator:
    """Finds lines in the raw text, so that validation errors can name them.

    ``tomllib`` returns plain dicts without positions; instead of a second parser this
    scans headers and ``key =`` lines, which is all a validation message needs. The text
    is known to be valid TOML at this point, so the scan can be simple.
    """

    def __init__(self, text: str) -> None:
        self._root = _Table(name="", line=1)
        self._tables: list[_Table] = []
        self._scan(text)

    def _scan(self, text: str) -> None:
        current = self._root
        state: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if state is None:
                header = _HEADER_RE.match(line)
                if header:
                    current = _Table(name=_header_name(header.group(2)), line=number)
                    self._tables.append(current)
                    continue
                key = _KEY_LINE_RE.match(line)
                if key:
                    name = next(g for g in key.groups() if g is not None)
                    current.keys.setdefault(name, number)
            state = _multiline_state(line, state)

    def _table(self, section: str, index: int) -> _Table | None:
        found = [table for table in self._tables if table.name == section]
        return found[index] if index < len(found) else None

    def section(self, section: str) -> int | None:
        """Line of the first header of ``section``, or of ``section = …`` at the top."""
        table = self._table(section, 0)
        if table is not None:
            return table.line
        return self._root.keys.get(section)

    def table(self, section: str, index: int) -> int | None:
        """Line of the ``index``-th header of ``section`` (0-based)."""
        table = self._table(section, index)
        return table.line if table is not None else self.section(section)

    def key(self, section: str, index: int, key: str) -> int | None:
        """Line of ``key`` in that table; the header's line if the key is not written there."""
        table = self._table(section, index)
        if table is None:
            return self.section(section)
        return table.keys.get(key, table.line)


# ---------------------------------------------------------------------------------------
# Checking values
# ---------------------------------------------------------------------------------------


class _InvalidValueError(Exception):
    """A value is wrong; the validator adds which table and line."""


def _check_text(value: Any, *, limit: int = NAME_MAX) -> str:
    if not isinstance(value, str):
        raise _InvalidValueError("Hier muss ein Text in Anführungszeichen stehen.")
    text = value.strip()
    if not text:
        raise _InvalidValueError("Der Text darf nicht leer sein.")
    if len(text) > limit:
        raise _InvalidValueError(f"Der Text ist zu lang ({len(text)} Zeichen, höchstens {limit}).")
    return text


def _check_name(value: Any) -> str:
    """A display name: 1–200 characters on one line, surrounding blanks removed."""
    text = _check_text(value)
    if "\n" in text or "\r" in text:
        raise _InvalidValueError("Der Name muss in eine Zeile passen.")
    return text


def _check_key(value: Any) -> str:
    """A key: what the database stores as slug and other tables use to refer."""
    if not isinstance(value, str):
        raise _InvalidValueError("Hier muss ein Text in Anführungszeichen stehen.")
    if not _KEY_RE.fullmatch(value):
        raise _InvalidValueError(
            f"»{value}« ist ungültig: erlaubt sind nur Kleinbuchstaben a–z, Ziffern und »-«"
            f" (1 bis {KEY_MAX} Zeichen)."
        )
    return value


def _check_state(value: Any) -> str:
    """A state code, for public holidays; a typo here would silently skip holidays."""
    if not isinstance(value, str) or value not in GERMAN_STATES:
        shown = value if isinstance(value, str) else repr(value)
        raise _InvalidValueError(
            f"»{shown}« ist kein Bundesland-Kürzel. Erlaubt sind: {', '.join(GERMAN_STATES)}."
        )
    return value


def _check_emergency_contact(value: Any) -> str:
    """The § 8a procedure text; required because the bot must always be able to show it."""
    return _check_text(value, limit=EMERGENCY_CONTACT_MAX)


def _check_areas(value: Any) -> tuple[str, ...]:
    """Names of the districts or municipalities a social space covers."""
    if not isinstance(value, list):
        raise _InvalidValueError('Hier muss eine Liste stehen, z. B. ["Garstedt"].')
    areas: list[str] = []
    for item in value:
        try:
            area = _check_name(item)
        except _InvalidValueError as err:
            raise _InvalidValueError(f"Ein Eintrag der Liste ist ungültig: {err}") from None
        if area in areas:
            raise _InvalidValueError(f"»{area}« steht doppelt in der Liste.")
        areas.append(area)
    return tuple(areas)


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
    unique: str = "key"
    reference: str = ""
    """How another table names this one in an error, e.g. ``den Sozialraum »{}«, den``."""

    @property
    def header(self) -> str:
        """How the section is written in the file."""
        return f"[[{self.name}]]" if self.array else f"[{self.name}]"


_KEY = _Field("key", _check_key)
_NAME = _Field("name", _check_name)

_SECTIONS: tuple[_Section, ...] = (
    _Section(
        "organisation",
        array=False,
        min_count=1,
        fields=(
            _KEY,
            _NAME,
            _Field("state", _check_state),
            _Field("emergency_contact", _check_emergency_contact),
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
            _Field("region", _check_key, refers_to="region"),
            _NAME,
            _Field("areas", _check_areas, required=False),
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
            _Field("social_space", _check_key, required=False, refers_to="social_space"),
        ),
    ),
)
"""Sections in check order: a section may only refer to sections listed before it."""

_SECTION_BY_NAME = {section.name: section for section in _SECTIONS}

Checked = dict[str, list[dict[str, Any]]]
"""Checked values per section: one dict per table, field name → checked value."""


class _Validator:
    """Checks the parsed TOML against :data:`_SECTIONS`; raises at the first problem."""

    def __init__(self, data: dict[str, Any], locator: _Locator) -> None:
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
        ident = table.get(section.unique)
        ident = ident.strip() if isinstance(ident, str) else ""
        readable = (
            _KEY_RE.fullmatch(ident) is not None
            if section.unique == "key"
            else 0 < len(ident) <= NAME_MAX
        )
        return f"{section.header} »{ident}«" if readable else f"{section.header} Nr. {index + 1}"

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
        self._check_unique(section, index, checked[section.unique], label)
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
        except _InvalidValueError as err:
            raise StructureError(f"{label}, Feld »{spec.name}«: {err}", line) from None
        if spec.refers_to is not None and value not in self._seen[spec.refers_to]:
            target = _SECTION_BY_NAME[spec.refers_to].reference.format(value)
            raise StructureError(f"{label} verweist auf {target} es nicht gibt.", line)
        return value

    def _check_unique(self, section: _Section, index: int, value: Any, label: str) -> None:
        seen = self._seen[section.name]
        line = self._where.key(section.name, index, section.unique)
        if value in seen:
            first = seen[value]
            where = f" (zuerst in Zeile {first})" if first is not None else ""
            raise StructureError(
                f"{label} kommt doppelt vor{where}; »{section.unique}« muss eindeutig sein.",
                line,
            )
        seen[value] = line


def _build(checked: Checked) -> StructureFile:
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
    )


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------

_TOML_POSITION_RE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")
_TOML_MESSAGES: tuple[tuple[str, str], ...] = (
    ("Cannot overwrite a value", "Ein Feld steht in dieser Tabelle doppelt."),
    ("Cannot declare", "Diese Tabelle ist doppelt angegeben."),
    ("Duplicate inline table key", "Ein Feld steht in der Inline-Tabelle doppelt."),
    ("Cannot redefine namespace", "Dieser Name ist schon als anderer Abschnitt vergeben."),
    ("Cannot mutate immutable namespace", "Dieser Name ist schon als Wert vergeben."),
    ("Expected '=' after a key", "Nach dem Feldnamen fehlt »=«."),
    ("Expected ']' at the end of a table", "Die Überschrift muss mit »]« enden."),
    ("Expected ']]' at the end of an array", "Die Überschrift muss mit »]]« enden."),
    ("Invalid value", "Ungültiger Wert; Texte gehören in Anführungszeichen."),
    ("Unterminated string", "Ein Text ist nicht mit Anführungszeichen abgeschlossen."),
    ("Unclosed array", "Eine Liste ist nicht mit »]« abgeschlossen."),
    ("Unclosed inline table", "Eine Inline-Tabelle ist nicht mit »}« abgeschlossen."),
    ("Invalid statement", "Ungültige Zeile; erwartet wird »feld = wert« oder eine Überschrift."),
    ("Expected newline or end of document", "Nach dem Wert steht noch etwas in der Zeile."),
    ("Illegal character", "Unzulässiges Zeichen."),
    ("Found invalid character", "Unzulässiges Zeichen."),
    ("Invalid initial character for a key part", "Ungültiger Feldname."),
    ("Unescaped '\\'", "Ein »\\« in einem Text muss als »\\\\« geschrieben werden."),
)


def _toml_error(err: tomllib.TOMLDecodeError, text: str) -> StructureError:
    """Translate ``tomllib``'s English message into German, keeping line and column."""
    raw = str(err)
    position = _TOML_POSITION_RE.search(raw)
    gist = raw[: position.start()] if position else raw
    german = next((de for en, de in _TOML_MESSAGES if gist.startswith(en)), "")
    if gist.startswith("Illegal character") and "\\n" in gist:
        german = "Ein Text ist nicht mit Anführungszeichen abgeschlossen (Zeilenende im Text)."
    line: int | None = getattr(err, "lineno", None)
    column: int | None = getattr(err, "colno", None)
    if position and line is None:
        if position.group(1):
            line, column = int(position.group(1)), int(position.group(2))
        else:
            line = max(len(text.splitlines()), 1)
    where = f" (Spalte {column})" if column is not None else ""
    message = f"Die Datei ist kein gültiges TOML{where}."
    return StructureError(f"{message} {german}".strip(), line)


def parse_structure(text: str) -> StructureFile:
    """Parse and check a structure file's text.

    Args:
        text: the file's content.

    Returns:
        The checked structure; every reference in it points at a unit in the same file.

    Raises:
        StructureError: at the first problem, with the line where it is.
    """
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise _toml_error(err, text) from None
    return _build(_Validator(data, _Locator(text)).run())


def load_structure_file(path: Path) -> StructureFile:
    """Read a structure file (UTF-8, a byte-order mark is tolerated) and check it.

    Raises:
        StructureError: the file cannot be read, is not UTF-8, or is not a valid structure.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StructureError(f"Die Datei »{path}« gibt es nicht.") from None
    except IsADirectoryError:
        raise StructureError(f"»{path}« ist ein Verzeichnis, keine Datei.") from None
    except PermissionError:
        raise StructureError(f"Keine Berechtigung, die Datei »{path}« zu lesen.") from None
    except OSError as err:
        raise StructureError(f"Die Datei »{path}« kann nicht gelesen werden ({err}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        bad_line = raw[: err.start].count(b"\n") + 1
        raise StructureError(
            f"Die Datei »{path}« ist nicht als UTF-8 gespeichert (erste ungültige Stelle in"
            f" Zeile {bad_line}). Bitte im Editor als UTF-8 speichern."
        ) from None
    return parse_structure(text)


# ---------------------------------------------------------------------------------------
# Importing
# ---------------------------------------------------------------------------------------

_KIND_LABELS = {
    "organisation": "Organisation",
    "region": "Regionen",
    "social_space": "Sozialräume",
    "team": "Teams",
    "provider": "Träger",
}
_KIND_SINGULAR = {
    "organisation": "Organisation",
    "region": "Region",
    "social_space": "Sozialraum",
    "team": "Team",
    "provider": "Träger",
}


def _zero_counts() -> dict[str, int]:
    return dict.fromkeys(KINDS, 0)


@dataclass
class ImportReport:
    """What an import did, per kind of unit; nothing is ever deleted.

    Attributes:
        organisation: the organisation's key.
        created, updated, unchanged: counts per kind (see :data:`KINDS`).
        missing: units of this organisation in the database but no longer in the file;
            they stay, because deleting a team would orphan its members and history.
    """

    organisation: str
    created: dict[str, int] = field(default_factory=_zero_counts)
    updated: dict[str, int] = field(default_factory=_zero_counts)
    unchanged: dict[str, int] = field(default_factory=_zero_counts)
    missing: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the import created or updated anything."""
        return any(self.created.values()) or any(self.updated.values())

    def summary(self) -> str:
        """German multi-line text for the CLI."""
        lines = [
            f"Struktur »{self.organisation}« eingelesen.",
            f"{'':<14}{'neu':>6}{'geändert':>10}{'unverändert':>13}",
        ]
        lines += [
            f"{_KIND_LABELS[kind]:<14}{self.created[kind]:>6}{self.updated[kind]:>10}"
            f"{self.unchanged[kind]:>13}"
            for kind in KINDS
        ]
        if not self.changed:
            lines.append("Keine Änderungen: die Datenbank entsprach schon der Datei.")
        if self.missing:
            lines.append(
                "Nicht mehr in der Datei (bleiben bestehen, Mitglieder und Gruppen unverändert):"
            )
            lines += [f"  - {item}" for item in self.missing]
        return "\n".join(lines)


M = TypeVar("M", bound=SQLModel)


@dataclass
class _Run:
    """One import: the session, when and by whom, and the report being filled."""

    session: AsyncSession
    now: datetime
    actor_id: int | None
    report: ImportReport

    async def upsert(
        self,
        kind: str,
        model: type[M],
        row: M | None,
        identity: dict[str, Any],
        values: dict[str, Any],
        key: str | None,
    ) -> M:
        """Create ``row`` or bring it up to date; count it and audit any change.

        Args:
            kind: one of :data:`KINDS`.
            model: the table class, to create a row.
            row: the existing row, or ``None``.
            identity: what identifies a new row (never changed on an existing one).
            values: fields the file decides; compared and assigned.
            key: the slug for the audit entry (``None`` for providers, whose key is
                their name: the audit log keeps ids and field names, never names).
        """
        if row is None:
            row = model(**identity, **values)
            self.session.add(row)
            await self.session.flush()
            fields = [name for name in (*identity, *values) if name != "organisation_id"]
            await self._audit(kind, "created", row, key, fields)
            self.report.created[kind] += 1
            return row
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if not changed:
            self.report.unchanged[kind] += 1
            return row
        for name in changed:
            setattr(row, name, values[name])
        self.session.add(row)
        await self._audit(kind, "updated", row, key, changed)
        self.report.updated[kind] += 1
        return row

    async def _audit(
        self, kind: str, verb: str, row: SQLModel, key: str | None, fields: list[str]
    ) -> None:
        details: dict[str, Any] = {"fields": fields}
        if key is not None:
            details = {"key": key, **details}
        await audit.record(
            self.session,
            at=self.now,
            actor_id=self.actor_id,
            action=f"structure.{kind}.{verb}",
            object_type=kind,
            object_id=getattr(row, "id"),  # noqa: B009 - every model here has an id
            details=details,
        )

    def missing(self, kind: str, rows: Iterable[Any], seen: set[int]) -> None:
        """List rows of this organisation that the file no longer names."""
        for row in sorted(rows, key=lambda r: r.id):
            if row.id in seen:
                continue
            label = _KIND_SINGULAR[kind]
            if kind == "provider":
                self.report.missing.append(f"{label} »{row.name}«")
            else:
                self.report.missing.append(f"{label} »{row.slug}« ({row.name})")


async def _all(session: AsyncSession, query: Any) -> Sequence[Any]:
    return (await session.exec(query)).all()


async def _import_organisation(run: _Run, spec: OrganisationSpec) -> Organisation:
    query = select(Organisation).where(Organisation.slug == spec.key)
    row = (await run.session.exec(query)).first()
    values = {"name": spec.name, "state": spec.state, "emergency_contact": spec.emergency_contact}
    return await run.upsert(
        "organisation", Organisation, row, {"slug": spec.key}, values, spec.key
    )


async def _import_regions(
    run: _Run, org_id: int, specs: Sequence[RegionSpec]
) -> dict[str, Region]:
    query = select(Region).where(Region.organisation_id == org_id).order_by(col(Region.id))
    existing = {row.slug: row for row in await _all(run.session, query)}
    result: dict[str, Region] = {}
    for spec in specs:
        identity = {"organisation_id": org_id, "slug": spec.key}
        result[spec.key] = await run.upsert(
            "region", Region, existing.get(spec.key), identity, {"name": spec.name}, spec.key
        )
    run.missing("region", existing.values(), {r.id for r in result.values() if r.id})
    return result


def _find_social_space(
    rows: Sequence[SocialSpace], region_id: int, slug: str, taken: set[int]
) -> SocialSpace | None:
    """The row for a social space: in its region first, else the same key in another region.

    Keys are unique per file, so a key found under another region means the space moved;
    updating that row keeps its teams and history instead of leaving a twin behind.
    """
    candidates = [row for row in rows if row.slug == slug and row.id not in taken]
    for row in candidates:
        if row.region_id == region_id:
            return row
    return candidates[0] if candidates else None


async def _import_social_spaces(
    run: _Run, org_id: int, regions: dict[str, Region], specs: Sequence[SocialSpaceSpec]
) -> dict[str, SocialSpace]:
    query = (
        select(SocialSpace)
        .join(Region, col(Region.id) == col(SocialSpace.region_id))
        .where(Region.organisation_id == org_id)
        .order_by(col(SocialSpace.id))
    )
    rows = list(await _all(run.session, query))
    result: dict[str, SocialSpace] = {}
    for spec in specs:
        region_id = regions[spec.region].id
        assert region_id is not None
        taken = {row.id for row in result.values() if row.id is not None}
        row = _find_social_space(rows, region_id, spec.key, taken)
        values = {"region_id": region_id, "name": spec.name, "areas": list(spec.areas)}
        result[spec.key] = await run.upsert(
            "social_space", SocialSpace, row, {"slug": spec.key}, values, spec.key
        )
    run.missing("social_space", rows, {s.id for s in result.values() if s.id})
    return result


async def _import_teams(
    run: _Run, org_id: int, spaces: dict[str, SocialSpace], specs: Sequence[TeamSpec]
) -> None:
    query = select(Team).where(Team.organisation_id == org_id).order_by(col(Team.id))
    existing = {row.slug: row for row in await _all(run.session, query)}
    seen: set[int] = set()
    for spec in specs:
        space_id = spaces[spec.social_space].id if spec.social_space else None
        identity = {"organisation_id": org_id, "slug": spec.key}
        values = {"name": spec.name, "social_space_id": space_id}
        row = await run.upsert("team", Team, existing.get(spec.key), identity, values, spec.key)
        seen.add(row.id or 0)
    run.missing("team", existing.values(), seen)


async def _import_providers(run: _Run, org_id: int, names: Sequence[str]) -> None:
    query = select(Provider).where(Provider.organisation_id == org_id).order_by(col(Provider.id))
    existing = {row.name: row for row in await _all(run.session, query)}
    seen: set[int] = set()
    for name in names:
        identity = {"organisation_id": org_id, "name": name}
        row = await run.upsert("provider", Provider, existing.get(name), identity, {}, None)
        seen.add(row.id or 0)
    run.missing("provider", existing.values(), seen)


async def import_structure(
    session: AsyncSession,
    structure: StructureFile,
    *,
    now: datetime,
    actor_id: int | None = None,
) -> ImportReport:
    """Bring the database in line with a structure file, without deleting anything.

    Units are matched by key (slug), so re-importing the same file changes nothing and an
    edited file updates names, areas and references in place. Units missing from the file
    stay, with their members, memberships and bound Telegram group, and are listed in the
    report: removing a team is a decision for a person, not a side effect of an edit.
    Works inside the caller's transaction and never commits.

    Args:
        session: an open session; the caller commits.
        structure: a checked file from :func:`parse_structure` or :func:`load_structure_file`.
        now: aware UTC time for the audit entries.
        actor_id: Telegram id of whoever imported, if known (``None`` for the CLI).

    Returns:
        Counts per kind and the units no longer in the file.
    """
    if now.tzinfo is None:
        raise ValueError("import_structure needs an aware datetime")
    report = ImportReport(organisation=structure.organisation.key)
    run = _Run(session=session, now=now, actor_id=actor_id, report=report)
    org = await _import_organisation(run, structure.organisation)
    assert org.id is not None
    regions = await _import_regions(run, org.id, structure.regions)
    spaces = await _import_social_spaces(run, org.id, regions, structure.social_spaces)
    await _import_teams(run, org.id, spaces, structure.teams)
    await _import_providers(run, org.id, structure.providers)
    await session.flush()
    return run.report


# ---------------------------------------------------------------------------------------
# Showing
# ---------------------------------------------------------------------------------------


@dataclass
class _Directory:
    """Every structure row, grouped for printing."""

    organisations: Sequence[Organisation]
    regions: dict[int | None, list[Region]]
    spaces: dict[int | None, list[SocialSpace]]
    teams_by_space: dict[int | None, list[Team]]
    teams_without_space: dict[int | None, list[Team]]
    providers: dict[int | None, list[Provider]]
    member_counts: dict[int, int]


def _group(rows: Iterable[M], attribute: str) -> dict[Any, list[M]]:
    grouped: dict[Any, list[M]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return grouped


async def _load_directory(session: AsyncSession) -> _Directory:
    organisations = await _all(session, select(Organisation).order_by(col(Organisation.id)))
    regions = await _all(session, select(Region).order_by(col(Region.id)))
    spaces = await _all(session, select(SocialSpace).order_by(col(SocialSpace.id)))
    teams = await _all(session, select(Team).order_by(col(Team.id)))
    providers = await _all(session, select(Provider).order_by(col(Provider.id)))
    counts_query = select(
        Membership.team_id, func.count(distinct(col(Membership.member_id)))
    ).group_by(col(Membership.team_id))
    return _Directory(
        organisations=organisations,
        regions=_group(regions, "organisation_id"),
        spaces=_group(spaces, "region_id"),
        teams_by_space=_group(
            (t for t in teams if t.social_space_id is not None), "social_space_id"
        ),
        teams_without_space=_group(
            (t for t in teams if t.social_space_id is None), "organisation_id"
        ),
        providers=_group(providers, "organisation_id"),
        member_counts=dict((await session.exec(counts_query)).all()),
    )


def _team_line(team: Team, directory: _Directory, indent: str) -> str:
    count = directory.member_counts.get(team.id, 0) if team.id is not None else 0
    members = "1 Mitglied" if count == 1 else f"{count} Mitglieder"
    group = "Gruppe verbunden" if team.chat_id is not None else "keine Gruppe"
    return f"{indent}Team: {team.name} ({team.slug}) – {members}, {group}"


def _space_lines(space: SocialSpace, directory: _Directory) -> list[str]:
    areas = f" – Gebiete: {', '.join(space.areas)}" if space.areas else ""
    lines = [f"    Sozialraum: {space.name} ({space.slug}){areas}"]
    teams = directory.teams_by_space.get(space.id, [])
    lines += [_team_line(team, directory, "      ") for team in teams]
    if not teams:
        lines.append("      (noch kein Team)")
    return lines


def _organisation_lines(org: Organisation, directory: _Directory) -> list[str]:
    lines = [f"Organisation: {org.name} ({org.slug}), Bundesland {org.state}"]
    for region in directory.regions.get(org.id, []):
        lines.append(f"  Region: {region.name} ({region.slug})")
        spaces = directory.spaces.get(region.id, [])
        for space in spaces:
            lines += _space_lines(space, directory)
        if not spaces:
            lines.append("    (noch kein Sozialraum)")
    loose = directory.teams_without_space.get(org.id, [])
    if loose:
        lines.append("  Teams ohne Sozialraum:")
        lines += [_team_line(team, directory, "    ") for team in loose]
    providers = directory.providers.get(org.id, [])
    lines.append(f"  Träger ({len(providers)}):" if providers else "  Träger: keine eingetragen")
    lines += [f"    - {provider.name}" for provider in providers]
    return lines


async def describe_structure(session: AsyncSession) -> str:
    """The imported structure as a plain-text tree, for ``python -m bot structure show``.

    Shows member counts and whether a Telegram group is bound, because those are what an
    administrator checks after an import: which teams still need members and a group.
    """
    directory = await _load_directory(session)
    if not directory.organisations:
        return (
            "Es ist noch keine Struktur importiert. Zum Ausprobieren:\n"
            f"  {EXAMPLE_COMMAND}\n"
            "Für den Betrieb eine eigene Datei nach diesem Muster anlegen und importieren."
        )
    blocks = ["\n".join(_organisation_lines(org, directory)) for org in directory.organisations]
    return "\n\n".join(blocks)
