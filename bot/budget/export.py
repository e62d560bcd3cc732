"""Exports of a budget year: XLSX (a summary plus one sheet per pot) and CSV, from the ledger.

:func:`load_export` reads the pots and their ledger lines once; :func:`to_xlsx`,
:func:`ledger_csv` and :func:`summary_csv` are pure functions of that data, so the chat's
``/export`` and ``python -m bot budget export`` produce the same bytes for the same ledger.

Amounts go into the spreadsheet as numbers (exact decimals) with a German currency format,
never as text, so sums work in Excel and LibreOffice. CSV files use semicolons, a decimal
comma and UTF-8 with a byte-order mark: what German Excel opens correctly by double-click.
Request purposes are not exported (data minimisation); the request number links to the bot.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.budget import BookingKind, Category, Figures
from bot.money import format_plain, to_decimal
from bot.storage import budget as store
from bot.storage.models import Organisation, SocialSpace

NUMBER_FORMAT = '#,##0.00 "€"'
"""Shown as ``1.250,50 €`` in German spreadsheet programs (the separators follow the locale)."""
DATE_FORMAT = "DD.MM.YYYY HH:MM"
BERLIN = ZoneInfo("Europe/Berlin")

CATEGORY_LABELS: Mapping[str, str] = {
    Category.BERATUNG: "Kollegiale Beratung",
    Category.NETZWERK: "Netzwerkarbeit",
    Category.FUA: "FuA",
    Category.RESERVE: "Reserve (Vorwegabzug)",
}
KIND_LABELS: Mapping[str, str] = {
    BookingKind.ALLOCATE: "Zuweisung (Strukturdatei)",
    BookingKind.ADJUST: "Zuweisung geändert (Verwaltung)",
    BookingKind.APPROVE: "Bewilligung",
    BookingKind.SETTLE: "Abrechnung",
    BookingKind.REALLOCATE_OUT: "Umbuchung (ab)",
    BookingKind.REALLOCATE_IN: "Umbuchung (zu)",
    BookingKind.RESERVE_OUT: "Reserve-Entnahme (ab)",
    BookingKind.RESERVE_IN: "Reserve-Entnahme (zu)",
    BookingKind.CARRY_OUT: "Übertrag ins Folgejahr (ab)",
    BookingKind.CARRY_IN: "Übertrag aus Vorjahr (zu)",
}
"""German defaults; the chat may pass its translated labels instead."""


@dataclass(frozen=True, slots=True)
class Line:
    """One ledger line as exported."""

    id: int
    at: datetime
    kind: str
    allocated: int
    committed: int
    settled: int
    request_id: int | None
    counterpart_pot_id: int | None
    note: str


@dataclass(frozen=True, slots=True)
class PotData:
    """A pot with its figures and every ledger line, oldest first."""

    id: int
    social_space: str | None
    """The social space's key (slug); ``None`` for the reserve."""
    social_space_name: str | None
    category: str
    figures: Figures
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class ExportData:
    """Everything an export of one year shows."""

    organisation: str
    year: int
    pots: tuple[PotData, ...]


async def load_export(
    session: AsyncSession, *, year: int, organisation_id: int | None = None
) -> ExportData:
    """Read one year's pots and ledger lines (all organisations when ``None``)."""
    pots = await store.pots(session, year=year, organisation_id=organisation_id)
    names = []
    if organisation_id is not None:
        org = await session.get(Organisation, organisation_id)
        names = [org.name] if org is not None else []
    else:
        for org_id in sorted({p.organisation_id for p in pots}):
            org = await session.get(Organisation, org_id)
            if org is not None:
                names.append(org.name)
    data = []
    for pot in pots:
        assert pot.id is not None
        space = (
            await session.get(SocialSpace, pot.social_space_id)
            if pot.social_space_id is not None
            else None
        )
        lines = tuple(
            Line(
                id=b.id or 0,
                at=b.at,
                kind=b.kind,
                allocated=b.d_allocated,
                committed=b.d_committed,
                settled=b.d_settled,
                request_id=b.request_id,
                counterpart_pot_id=b.counterpart_pot_id,
                note=b.note,
            )
            for b in await store.bookings(session, pot_id=pot.id)
        )
        data.append(
            PotData(
                id=pot.id,
                social_space=space.slug if space else None,
                social_space_name=space.name if space else None,
                category=pot.category,
                figures=store.figures_of(pot),
                lines=lines,
            )
        )
    return ExportData(organisation=", ".join(names), year=year, pots=tuple(data))


def _pot_title(pot: PotData, labels: Mapping[str, str]) -> str:
    where = pot.social_space_name or "Organisation"
    return f"{where} – {labels.get(pot.category, pot.category)}"


_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def _sheet_name(pot: PotData, taken: set[str]) -> str:
    """A unique sheet name of at most 31 characters without the characters Excel forbids."""
    base = f"{pot.social_space or 'reserve'} {pot.category}".translate(_FORBIDDEN)[:25]
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base} ({n})", n + 1
    taken.add(name.lower())
    return name


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    """Wall-clock time without zone: spreadsheets cannot store aware datetimes."""
    return moment.astimezone(tz).replace(tzinfo=None)


def to_xlsx(
    data: ExportData,
    *,
    tz: ZoneInfo = BERLIN,
    categories: Mapping[str, str] = CATEGORY_LABELS,
    kinds: Mapping[str, str] = KIND_LABELS,
) -> bytes:
    """The workbook: sheet "Übersicht" with every pot, then one sheet per pot's ledger."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Übersicht"
    bold = Font(bold=True)
    summary.append([f"Budget {data.year} – {data.organisation}"])
    summary["A1"].font = bold
    header = ["Sozialraum", "Kategorie", "Zugewiesen", "Gebunden", "Abgerechnet", "Verfügbar"]
    summary.append(header)
    for cell in summary[2]:
        cell.font = bold
    for pot in data.pots:
        f = pot.figures
        summary.append(
            [
                pot.social_space_name or "Organisation",
                categories.get(pot.category, pot.category),
                *(to_decimal(v) for v in (f.allocated, f.committed, f.settled, f.available)),
            ]
        )
    totals = Figures(
        sum(p.figures.allocated for p in data.pots),
        sum(p.figures.committed for p in data.pots),
        sum(p.figures.settled for p in data.pots),
    )
    summary.append(
        [
            "Summe",
            "",
            *(
                to_decimal(v)
                for v in (totals.allocated, totals.committed, totals.settled, totals.available)
            ),
        ]
    )
    for cell in summary[summary.max_row]:
        cell.font = bold
    for row in summary.iter_rows(min_row=3, min_col=3, max_col=6):
        for cell in row:
            cell.number_format = NUMBER_FORMAT
    _widths(summary, [34, 24, 16, 16, 16, 16])

    taken = {"übersicht"}
    for pot in data.pots:
        sheet = book.create_sheet(_sheet_name(pot, taken))
        sheet.append([_pot_title(pot, categories)])
        sheet["A1"].font = bold
        sheet.append(
            ["Nr.", "Datum", "Buchung", "Antrag", "Zugewiesen", "Gebunden", "Abgerechnet",
             "Gegentopf", "Notiz"]
        )  # fmt: skip
        for cell in sheet[2]:
            cell.font = bold
        for line in pot.lines:
            sheet.append(
                [
                    line.id,
                    _local(line.at, tz),
                    kinds.get(line.kind, line.kind),
                    line.request_id,
                    to_decimal(line.allocated),
                    to_decimal(line.committed),
                    to_decimal(line.settled),
                    line.counterpart_pot_id,
                    line.note,
                ]
            )
        f = pot.figures
        sheet.append(
            ["", "", "Stand", "", *(to_decimal(v) for v in (f.allocated, f.committed, f.settled))]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.append(["", "", "Verfügbar", "", to_decimal(f.available)])
        for row in sheet.iter_rows(min_row=3, min_col=5, max_col=7):
            for cell in row:
                cell.number_format = NUMBER_FORMAT
        for row in sheet.iter_rows(min_row=3, min_col=2, max_col=2):
            for cell in row:
                cell.number_format = DATE_FORMAT
        _widths(sheet, [8, 18, 30, 9, 16, 16, 16, 11, 30])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _widths(sheet: object, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width  # type: ignore[attr-defined]


def _csv_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def ledger_csv(
    data: ExportData,
    *,
    tz: ZoneInfo = BERLIN,
    categories: Mapping[str, str] = CATEGORY_LABELS,
    kinds: Mapping[str, str] = KIND_LABELS,
) -> bytes:
    """Every ledger line of the year in one table (semicolons, decimal comma, UTF-8 + BOM)."""
    rows: list[list[object]] = [
        ["Jahr", "Sozialraum", "Kategorie", "Topf", "Nr.", "Datum", "Buchung", "Antrag",
         "Zugewiesen", "Gebunden", "Abgerechnet", "Gegentopf", "Notiz"]
    ]  # fmt: skip
    for pot in data.pots:
        for line in pot.lines:
            rows.append(
                [
                    data.year,
                    pot.social_space_name or "Organisation",
                    categories.get(pot.category, pot.category),
                    pot.id,
                    line.id,
                    _local(line.at, tz).strftime("%d.%m.%Y %H:%M"),
                    kinds.get(line.kind, line.kind),
                    line.request_id or "",
                    format_plain(line.allocated),
                    format_plain(line.committed),
                    format_plain(line.settled),
                    line.counterpart_pot_id or "",
                    line.note,
                ]
            )
    return _csv_bytes(rows)


def summary_csv(data: ExportData, *, categories: Mapping[str, str] = CATEGORY_LABELS) -> bytes:
    """The pots' figures of the year in one table, like the workbook's summary sheet."""
    rows: list[list[object]] = [
        ["Jahr", "Sozialraum", "Kategorie", "Topf", "Zugewiesen", "Gebunden", "Abgerechnet",
         "Verfügbar"]
    ]  # fmt: skip
    for pot in data.pots:
        f = pot.figures
        rows.append(
            [
                data.year,
                pot.social_space_name or "Organisation",
                categories.get(pot.category, pot.category),
                pot.id,
                *(format_plain(v) for v in (f.allocated, f.committed, f.settled, f.available)),
            ]
        )
    return _csv_bytes(rows)
