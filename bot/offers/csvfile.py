"""The map of offers as a CSV file: reading (any way Excel writes it) and writing it back.

Columns (header names are matched case-, umlaut- and punctuation-insensitively, aliases in
:data:`ALIASES`): ``sozialraum`` (the social space's slug or name), ``name``, ``traeger``,
``art`` (required), ``zielgruppe``, ``ort``, ``zeiten``, ``telefon``, ``email``,
``beschreibung``, ``kostenlos`` (ja/nein/leer), ``archiviert`` (ja/leer).

Encodings are tried in a fixed order rather than guessed: a UTF-8 or UTF-16 byte-order mark
decides; otherwise strict UTF-8 (which practically never decodes text written in another
encoding), then Windows-1252, which "CSV (Trennzeichen-getrennt)" of a German Excel writes.
Guessing libraries (charset-normalizer, chardet) were not used: on a short file of German
words they may pick a neighbouring code page (cp1250, latin-1) and turn "ß" or "€" into
something else, while the ordered chain is exact for the three encodings that occur. A file
that was UTF-8 and then saved again as Windows-1252 ("FuÃŸball") is repaired and noted.

The natural key of an offer is its social space plus its folded name and provider
(:func:`bot.offers.search.natural_key`): a re-import updates those offers instead of adding
them twice, and two rows with the same key in one file are a duplicate.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.offers import fields
from bot.offers.search import words
from bot.privacy import Allowlist
from bot.storage import offers as store
from bot.storage.models import Offer, Region, SocialSpace

#: Column names as written by the export, in order; ``space`` and ``archived`` are extra.
COLUMNS: Final = {
    "space": "sozialraum",
    "name": "name",
    "provider": "traeger",
    "kind": "art",
    "target_group": "zielgruppe",
    "place": "ort",
    "times": "zeiten",
    "phone": "telefon",
    "email": "email",
    "description": "beschreibung",
    "free_of_charge": "kostenlos",
    "archived": "archiviert",
}
REQUIRED_COLUMNS: Final = ("space", "name", "provider", "kind")
#: Header spellings (folded, without blanks and punctuation) that mean a column.
ALIASES: Final = {
    "space": {"sozialraum", "sozialraumslug", "sozialraumname", "socialspace", "raum"},
    "name": {"name", "angebot", "angebotsname", "titel", "bezeichnung"},
    "provider": {"trager", "anbieter", "organisation", "einrichtung", "provider"},
    "kind": {"art", "angebotsart", "kategorie", "typ", "kind"},
    "target_group": {"zielgruppe", "zielgruppen", "targetgroup"},
    "place": {"ort", "adresse", "anschrift", "place"},
    "times": {"zeiten", "zeit", "offnungszeiten", "termine", "times"},
    "phone": {"telefon", "tel", "telefonnummer", "phone"},
    "email": {"email", "mail", "emailadresse"},
    "description": {"beschreibung", "kurztext", "text", "description"},
    "free_of_charge": {"kostenlos", "kostenfrei", "gratis", "free", "freeofcharge"},
    "archived": {"archiviert", "archiv", "archived"},
}
DELIMITERS: Final = (";", ",", "\t")
MAX_BYTES: Final = 5_000_000
#: Typical marks of UTF-8 read as Windows-1252 (Ã¤ for ä, Ã¼ for ü, ÃŸ for ß, â€“ for –).
_MOJIBAKE: Final = re.compile(
    "Ã[\u00a0-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013-\u203a\u20ac\u2122]|â€"
)
#: Cells a spreadsheet would run as a formula; written with a leading ' (OWASP CSV injection).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


class CsvError(Exception):
    """The file as a whole cannot be read; nothing was stored. The message is for the operator."""


@dataclass
class Decoded:
    """The text of a file and how it was read."""

    text: str
    encoding: str
    repaired: bool = False


def decode(content: bytes) -> Decoded:
    """The text of a CSV file: BOM, else strict UTF-8, else Windows-1252 (see module doc)."""
    if len(content) > MAX_BYTES:
        raise CsvError(f"Die Datei ist größer als {MAX_BYTES // 1_000_000} MB.")
    try:
        if content.startswith(codecs.BOM_UTF8):
            return _repaired(
                Decoded(content[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8 (BOM)")
            )
        if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return Decoded(content.decode("utf-16"), "UTF-16")
    except UnicodeDecodeError:
        raise CsvError(
            "Die Datei beginnt mit einer Unicode-Kennung, ist danach aber nicht gültig kodiert."
        ) from None
    try:
        return _repaired(Decoded(content.decode("utf-8"), "UTF-8"))
    except UnicodeDecodeError:
        pass
    try:
        return _repaired(Decoded(content.decode("cp1252"), "Windows-1252"))
    except UnicodeDecodeError:
        raise CsvError(
            "Die Kodierung der Datei ist weder UTF-8 noch Windows-1252. Bitte in Excel "
            "»Speichern unter« → »CSV UTF-8 (durch Trennzeichen getrennt)« wählen."
        ) from None


def _repaired(decoded: Decoded) -> Decoded:
    """Undo UTF-8 that was read as Windows-1252 once ("FuÃŸball"), if it undoes cleanly."""
    if not _MOJIBAKE.search(decoded.text):
        return decoded
    try:
        fixed = decoded.text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return decoded
    return Decoded(fixed, decoded.encoding, repaired=True)


def sniff_delimiter(text: str) -> str:
    """``;``, ``,`` or a tab: whichever the header line has most of (``;`` on a tie)."""
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def _column_of(header: str) -> str | None:
    compact = "".join(words(header))
    for column, spellings in ALIASES.items():
        if compact in spellings:
            return column
    return None


def _unformula(value: str) -> str:
    """Take back the ' the export put before a cell that starts like a formula."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


# -- the social space of a row ---------------------------------------------------------------


class SpaceResolver:
    """Finds a social space by slug, name or ``region/slug``; ambiguous names find nothing."""

    def __init__(self, spaces: Sequence[tuple[SocialSpace, Region]]) -> None:
        self._by: dict[str, set[int]] = {}
        self.slugs: dict[int, str] = {}
        slug_count: dict[str, int] = {}
        for space, _ in spaces:
            slug_count[space.slug] = slug_count.get(space.slug, 0) + 1
        for space, region in spaces:
            assert space.id is not None
            for spelling in (space.slug, space.name, f"{region.slug}/{space.slug}"):
                self._by.setdefault(self._fold(spelling), set()).add(space.id)
            unique = slug_count[space.slug] == 1
            self.slugs[space.id] = space.slug if unique else f"{region.slug}/{space.slug}"

    @staticmethod
    def _fold(value: str) -> str:
        return "".join(words(value.replace("/", " slash ")))

    def find(self, value: str) -> int | str:
        """The space id, or ``"unknown"``/``"ambiguous"``."""
        found = self._by.get(self._fold(value), set())
        if len(found) == 1:
            return next(iter(found))
        return "ambiguous" if found else "unknown"


# -- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One good row: where it goes and what it says."""

    line: int
    space_id: int
    data: store.OfferData
    archived: bool | None  # None: the file has no ``archiviert`` column


@dataclass
class Parsed:
    """A whole file read: the good rows, the refused ones and notes for the operator."""

    rows: list[Row] = field(default_factory=list)
    rejected: list[tuple[int, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _label(column: str) -> str:
    return COLUMNS[column]


def parse(content: bytes, *, resolver: SpaceResolver, allow_names: Sequence[str] = ()) -> Parsed:
    """Read and check every row; raises :class:`CsvError` when the file as a whole is unusable.

    ``allow_names`` are the organisation's own names, which pass the privacy gate in the free
    texts (as do the row's own name, provider and place).
    """
    decoded = decode(content)
    text = decoded.text
    if not text.strip():
        raise CsvError("Die Datei ist leer.")
    delimiter = sniff_delimiter(text)
    result = Parsed()
    shown = {";": "Semikolon", ",": "Komma", "\t": "Tabulator"}[delimiter]
    result.notes.append(f"Gelesen als {decoded.encoding}, Trennzeichen {shown}.")
    if decoded.repaired:
        result.notes.append(
            "Die Datei war doppelt kodiert (z. B. »Ã¼« statt »ü«); die Umlaute wurden repariert."
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise CsvError("Die Kopfzeile fehlt oder ist nicht lesbar.") from None
    positions: dict[str, int] = {}
    ignored = []
    for index, title in enumerate(header):
        column = _column_of(title)
        if column is None:
            if title.strip():
                ignored.append(title.strip())
            continue
        if column in positions:
            raise CsvError(f"Die Spalte »{_label(column)}« steht zweimal in der Kopfzeile.")
        positions[column] = index
    missing = [_label(column) for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise CsvError(
            "Es fehlen Pflichtspalten: "
            + ", ".join(missing)
            + ". Erwartet wird die Kopfzeile: "
            + ";".join(COLUMNS.values())
            + ". Es wurde nichts gespeichert."
        )
    if ignored:
        result.notes.append("Nicht verwendete Spalten: " + ", ".join(ignored) + ".")
    seen: dict[tuple[int, str], int] = {}
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            result.rejected.append((line, ["Zeile nicht lesbar (Anführungszeichen prüfen)."]))
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            result.rejected.append(
                (start, [f"{len(cells)} Felder statt {len(header)} – Trennzeichen im Text?"])
            )
            continue
        row, reasons = _check_row(cells, positions, resolver, allow_names)
        if row is None:
            result.rejected.append((start, reasons))
            continue
        key = (row.space_id, row.data.key)
        if key in seen:
            result.rejected.append(
                (start, [f"doppelt: gleiches Angebot (Name und Träger) wie Zeile {seen[key]}."])
            )
            continue
        seen[key] = start
        result.rows.append(Row(start, row.space_id, row.data, row.archived))
    return result


def _check_row(
    cells: list[str],
    positions: dict[str, int],
    resolver: SpaceResolver,
    allow_names: Sequence[str],
) -> tuple[Row | None, list[str]]:
    """One row checked: a Row (line 0, set by the caller) or the reasons it is refused."""

    def cell(column: str) -> str:
        index = positions.get(column)
        value = cells[index] if index is not None and index < len(cells) else ""
        return _unformula(value.strip())

    reasons: list[str] = []
    space = resolver.find(cell("space"))
    space_id = 0
    if isinstance(space, int):
        space_id = space
    elif not cell("space"):
        reasons.append("sozialraum: fehlt.")
    elif space == "ambiguous":
        reasons.append("sozialraum: mehrdeutig – bitte »region/sozialraum« angeben.")
    else:
        reasons.append("sozialraum: unbekannt (Kürzel oder Name eines Sozialraums angeben).")
    allow = Allowlist.from_names([*allow_names, cell("name"), cell("provider"), cell("place")])
    values: dict[str, object] = {}
    for name in fields.FIELDS:
        checked = fields.check(name, cell(name), allow=allow)
        if isinstance(checked, fields.Problem):
            reasons.append(f"{_label(name)}: {_plain(fields.describe(checked, 'de'))}")
        else:
            values[name] = checked
    archived: bool | None = None
    if "archived" in positions:
        flag = fields.check_free(cell("archived"))
        if isinstance(flag, fields.Problem):
            reasons.append("archiviert: bitte »ja« oder leer.")
        else:
            archived = bool(flag)
    if reasons:
        return None, reasons
    data = store.OfferData(**values)  # type: ignore[arg-type]
    return Row(0, space_id, data, archived), []


def _plain(text: str) -> str:
    from bot.i18n import plain_text

    return plain_text(text)


# -- storing ---------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did: counts, refused rows with reasons, notes."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """The report as the CLI prints it (German, like the other operator messages)."""
        lines = [*self.notes]
        lines.append(
            f"{self.added} neu, {self.updated} geändert, {self.unchanged} unverändert, "
            f"{len(self.rejected)} abgelehnt."
        )
        for line, reasons in self.rejected:
            lines.append(f"Zeile {line}: " + " ".join(reasons))
        return "\n".join(lines)


async def import_offers(
    session: AsyncSession, content: bytes, *, now: datetime, organisation_names: Sequence[str]
) -> ImportReport:
    """Store the good rows of a file in the caller's transaction; report the refused ones."""
    resolver = SpaceResolver(await store.all_spaces(session))
    parsed = parse(content, resolver=resolver, allow_names=organisation_names)
    report = ImportReport(rejected=parsed.rejected, notes=parsed.notes)
    for row in parsed.rows:
        offer = await store.find_by_key(session, space_id=row.space_id, key=row.data.key)
        if offer is None:
            offer = await store.add_offer(
                session, space_id=row.space_id, data=row.data, actor_id=None, now=now
            )
            report.added += 1
            if row.archived:
                await store.set_archived(
                    session, offer=offer, archived=True, actor_id=None, now=now
                )
            continue
        changed = await store.update_offer(
            session, offer=offer, data=row.data, actor_id=None, now=now
        )
        if row.archived is not None:
            changed = (
                await store.set_archived(
                    session, offer=offer, archived=row.archived, actor_id=None, now=now
                )
                or changed
            )
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    return report


# -- writing -------------------------------------------------------------------------------


def _safe(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs (see :data:`_FORMULA_START`)."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _phone_cell(phone: str) -> str:
    """German numbers in national form ("040 123456"): no leading +, which Excel evaluates."""
    if not phone:
        return ""
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, "DE")
    except phonenumbers.NumberParseException:
        return phone
    if number.country_code == 49:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phone


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return "ja" if value else "nein"


def export_bytes(rows: Sequence[tuple[Offer, str]]) -> bytes:
    """The catalogue as UTF-8 with BOM and ``;``, the format Excel opens with umlauts intact.

    ``rows`` are offers with the spelling of their social space (slug, or ``region/slug``).
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS.values())
    for offer, space in rows:
        writer.writerow(
            [
                _safe(space),
                _safe(offer.name),
                _safe(offer.provider),
                _safe(offer.kind),
                _safe(offer.target_group),
                _safe(offer.place),
                _safe(offer.times),
                _safe(_phone_cell(offer.phone)),
                _safe(offer.email),
                _safe(offer.description),
                _yes_no(offer.free_of_charge),
                "ja" if offer.archived_at is not None else "",
            ]
        )
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


async def export_offers(session: AsyncSession) -> bytes:
    """Every offer of every social space (archived ones marked), as :func:`export_bytes`."""
    resolver = SpaceResolver(await store.all_spaces(session))
    rows = await store.offers_for_export(session)
    return export_bytes([(offer, resolver.slugs[space.id or 0]) for offer, space in rows])
