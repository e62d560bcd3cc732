"""Reading a structure file: TOML errors in German, then the checks."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bot.structure.locator import Locator
from bot.structure.spec import StructureError, StructureFile
from bot.structure.validator import Validator, build

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
    return build(Validator(data, Locator(text)).run())


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
