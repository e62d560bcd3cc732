"""The map of offers as CSV: import in every encoding Excel writes, rejected rows, export, CLI."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import main
from bot.offers.csvfile import CsvError, decode, export_offers, import_offers, sniff_delimiter
from bot.storage.db import Database
from bot.storage.models import AuditEntry, Offer
from tests.auxil.data import seed_directory
from tests.auxil.offers import HEADER, csv_bytes, stored
from tests.conftest import START

ROWS = [
    "nord-a;Fußball-AG;SV Friedrichsgabe;Sport;Kinder 8–12;Waldstraße 3, 22844 Norderstedt;"
    "dienstags 16–18 Uhr;040 5260000;info@sv-friedrichsgabe.de;Training für Mädchen und Jungen;ja",
    "nord-a;Elterncafé;Familienzentrum Glashütte;Elterncafé;Eltern mit kleinen Kindern;;"
    "mittwochs 9–11 Uhr;;;Frühstück und Gespräch, Kinderbetreuung vor Ort;nein",
    "Garstedt;Hausaufgabenhilfe;Evang. Familienbildung;Hausaufgabenhilfe;Schulkinder;;;;;;",
]


async def _import(db: Database, content: bytes) -> str:
    async with db.transaction() as session:
        report = await import_offers(session, content, now=START, organisation_names=[])
    return report.summary()


@pytest.fixture
async def seeded(db: Database) -> Database:
    """The test directory: social spaces nord-a, nord-b and Garstedt (sued-a)."""
    await seed_directory(db, now=START)
    return db


async def test_windows_1252_file_with_umlauts_and_sharp_s_is_read(seeded: Database) -> None:
    """Excel's "CSV (Trennzeichen-getrennt)" (cp1252): ß, ä, é and – arrive intact."""
    content = csv_bytes(ROWS, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    summary = await _import(seeded, content)
    assert "Windows-1252" in summary and "3 neu" in summary and "0 abgelehnt" in summary
    offers = await stored(seeded)
    assert [offer.name for offer in offers] == ["Fußball-AG", "Elterncafé", "Hausaufgabenhilfe"]
    football = offers[0]
    assert football.place == "Waldstraße 3, 22844 Norderstedt"
    assert football.times == "dienstags 16–18 Uhr"
    assert football.phone == "+49 40 5260000"
    assert football.free_of_charge is True
    assert offers[1].free_of_charge is False
    assert offers[2].free_of_charge is None


async def test_utf8_file_with_bom_and_commas_is_read(seeded: Database) -> None:
    """UTF-8 with BOM and "," as separator (quoted cells with commas) is read too."""
    rows = [
        'nord-a,"Fußball-AG","SV Friedrichsgabe",Sport,"Kinder, Jugendliche",,,,,,ja',
    ]
    content = csv_bytes(rows, encoding="utf-8-sig", header=HEADER.replace(";", ","))
    summary = await _import(seeded, content)
    assert "UTF-8 (BOM), Trennzeichen Komma" in summary
    [offer] = await stored(seeded)
    assert offer.name == "Fußball-AG" and offer.target_group == "Kinder, Jugendliche"


async def test_missing_required_columns_are_named_and_nothing_is_stored(
    seeded: Database,
) -> None:
    """A file without "traeger" and "art" is refused as a whole, naming both columns."""
    content = csv_bytes(["nord-a;Fußball-AG;Kinder"], header="Sozialraum;Name;Zielgruppe")
    with pytest.raises(CsvError, match=r"Pflichtspalten: traeger, art\."):
        await _import(seeded, content)
    assert await stored(seeded) == []


async def test_bad_and_duplicate_rows_are_reported_and_good_rows_stored(
    seeded: Database,
) -> None:
    """Line numbers and reasons for each refused row; the good rows are stored."""
    rows = [
        ROWS[0],
        "nord-a;Fussball AG;sv friedrichsgabe;Sport;;;;;;;",  # same offer as line 2
        "nirgendwo;Schach;Verein;Sport;;;;12;;;",  # unknown space, bad phone
        "nord-a;Schach;Verein;;;;;;kein-mail;;vielleicht",  # no kind, bad mail, bad yes/no
        "nord-a;Lernhilfe;Verein;Bildung;;;;;;Mit Kevin Müller aus der 3b;",  # a child's name
        ";;;;;;;;;;",  # empty: skipped silently
        ROWS[2],
    ]
    summary = await _import(seeded, csv_bytes(rows))
    assert "2 neu, 0 geändert, 0 unverändert, 4 abgelehnt." in summary
    lines = summary.splitlines()
    assert "Zeile 3: doppelt: gleiches Angebot (Name und Träger) wie Zeile 2." in lines
    line4 = next(line for line in lines if line.startswith("Zeile 4:"))
    assert "sozialraum: unbekannt" in line4 and "telefon:" in line4
    line5 = next(line for line in lines if line.startswith("Zeile 5:"))
    assert "art:" in line5 and "email:" in line5 and "kostenlos:" in line5
    line6 = next(line for line in lines if line.startswith("Zeile 6:"))
    assert "beschreibung:" in line6 and "Kevin" not in line6
    assert [offer.name for offer in await stored(seeded)] == ["Fußball-AG", "Hausaufgabenhilfe"]


async def test_reimport_updates_instead_of_duplicating(seeded: Database) -> None:
    """The natural key (space, folded name and provider) finds the offer again."""
    await _import(seeded, csv_bytes(ROWS))
    changed = [ROWS[0].replace("dienstags 16–18 Uhr", "donnerstags 17 Uhr"), ROWS[1]]
    changed[1] = changed[1].replace("Elterncafé;Familienzentrum", "ELTERNCAFE;familienzentrum")
    summary = await _import(seeded, csv_bytes(changed))
    assert "0 neu, 2 geändert, 0 unverändert" in summary
    offers = await stored(seeded)
    assert len(offers) == 3
    assert offers[0].times == "donnerstags 17 Uhr"
    assert offers[1].name == "ELTERNCAFE"
    summary = await _import(seeded, csv_bytes(changed))
    assert "0 neu, 0 geändert, 2 unverändert" in summary


def test_encoding_fallbacks() -> None:
    """BOM, then strict UTF-8, then Windows-1252; UTF-16 with BOM; undecodable is refused."""
    assert decode("Fußball".encode()).encoding == "UTF-8"
    assert decode("Fußball".encode("cp1252")).text == "Fußball"
    assert decode(codecs.BOM_UTF8 + "Fußball".encode()).encoding == "UTF-8 (BOM)"
    assert decode("Fußball".encode("utf-16")).text == "Fußball"
    with pytest.raises(CsvError, match="weder UTF-8 noch Windows-1252"):
        decode(b"Fu\x81ball")  # 0x81 is undefined in Windows-1252 and invalid UTF-8


def test_double_encoded_file_is_repaired() -> None:
    """UTF-8 that went through Windows-1252 once ("FuÃŸball") comes back as "Fußball"."""
    broken = "Fußball, Elterncafé – Mädchen".encode().decode("cp1252").encode("utf-8")
    decoded = decode(broken)
    assert decoded.text == "Fußball, Elterncafé – Mädchen"
    assert decoded.repaired


def test_delimiter_is_taken_from_the_header() -> None:
    """Semicolon, comma or tab: whichever the header has most of."""
    assert sniff_delimiter("a;b;c\n1,5;2;3") == ";"
    assert sniff_delimiter("a,b,c\n") == ","
    assert sniff_delimiter("a\tb\n") == "\t"


async def test_export_then_import_is_a_round_trip(seeded: Database) -> None:
    """Export writes UTF-8 with BOM and ";"; importing it again changes nothing."""
    rows = [*ROWS, "nord-b;=HYPERLINK(1);-Verein;Sport;;;;;;- Spiele und mehr;"]
    await _import(seeded, csv_bytes(rows, encoding="cp1252"))
    async with seeded.transaction() as session:
        offer = (await session.exec(select(Offer).where(Offer.name == "Hausaufgabenhilfe"))).one()
        offer.archived_at = START
        session.add(offer)
    async with seeded.transaction() as session:
        exported = await export_offers(session)
    assert exported.startswith(codecs.BOM_UTF8)
    text = exported.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER + ";archiviert"
    assert "'=HYPERLINK(1);'-Verein" in text  # never run as a formula by a spreadsheet
    assert ";040 5260000;" in text
    before = [(o.name, o.provider, o.phone, o.archived_at) for o in await stored(seeded)]
    summary = await _import(seeded, exported)
    assert "0 neu, 0 geändert, 4 unverändert, 0 abgelehnt." in summary
    after = [(o.name, o.provider, o.phone, o.archived_at) for o in await stored(seeded)]
    assert after == before


# -- the command line -------------------------------------------------------------------------


@pytest.fixture
def cli_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, database_url: str) -> Path:
    """The CLI working on the test database, in a clean directory without .env."""
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "BOT_ADMIN_IDS", "TELEGRAM_API_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    return tmp_path


async def test_cli_import_reports_rows_and_export_writes_the_file(
    seeded: Database, cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 1 with the report when rows were refused; export --out writes the catalogue."""
    source = cli_db / "angebote.csv"
    source.write_bytes(
        csv_bytes([*ROWS, "nord-a;Schach;Verein;Sport;;;;12;;;"], encoding="cp1252")
    )
    assert await _in_thread(["offers", "import", str(source)]) == 1
    out = capsys.readouterr().out
    assert "3 neu" in out and "Zeile 5: telefon:" in out
    target = cli_db / "export.csv"
    assert await _in_thread(["offers", "export", "--out", str(target)]) == 0
    assert target.read_bytes().startswith(codecs.BOM_UTF8)
    assert "Fußball-AG" in target.read_text(encoding="utf-8-sig")
    async with seeded.transaction() as session:
        audit = (await session.exec(select(AuditEntry))).all()
    assert [entry.action for entry in audit] == ["offers.imported"]
    assert audit[0].details["rejected"] == 1


async def test_cli_missing_columns_exit_2_and_store_nothing(
    seeded: Database, cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file without required columns: one sentence on stderr, exit 2, no offers."""
    source = cli_db / "kaputt.csv"
    source.write_bytes(csv_bytes(["x;y"], header="name;ort"))
    assert await _in_thread(["offers", "import", str(source)]) == 2
    error = capsys.readouterr().err
    assert "Pflichtspalten: sozialraum, traeger, art" in error and "Traceback" not in error
    assert await stored(seeded) == []


async def test_cli_dry_run_stores_nothing(
    seeded: Database, cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run prints the report and keeps nothing."""
    source = cli_db / "angebote.csv"
    source.write_bytes(csv_bytes(ROWS))
    assert await _in_thread(["offers", "import", "--dry-run", str(source)]) == 0
    assert "3 neu" in capsys.readouterr().out
    assert await stored(seeded) == []


async def _in_thread(argv: list[str]) -> int:
    """The CLI runs its own event loop, so it runs in a thread beside the test's loop."""
    import asyncio

    return await asyncio.to_thread(main, argv)
