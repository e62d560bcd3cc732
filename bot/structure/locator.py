"""Finding lines in a structure file's raw text, so that validation errors can name them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


class Locator:
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
