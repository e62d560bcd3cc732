"""The structure file: parsing, checking with line numbers, idempotent import, the tree view."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.db import Database
from bot.storage.models import (
    AuditEntry,
    Member,
    Membership,
    Organisation,
    Provider,
    Region,
    Role,
    SocialSpace,
    Team,
)
from bot.structure import (
    EXAMPLE_COMMAND,
    ImportReport,
    StructureError,
    StructureFile,
    describe_structure,
    import_structure,
    load_structure_file,
    parse_structure,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NORDERSTEDT = EXAMPLES / "norderstedt.toml"
SEGEBERG = EXAMPLES / "segeberg.toml"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STRUCTURE_TABLES: tuple[type[SQLModel], ...] = (Organisation, Region, SocialSpace, Team, Provider)

BASE = '''\
# Testdatei
[organisation]
key = "test"
name = "Jugendamt Test"
state = "SH"
emergency_contact = """
Bei akuter Gefahr: Bereitschaft anrufen.
[[team]]
"""

[[provider]]
name = "Träger Eins"

[[region]]
key = "r1"
name = "Region Eins"

[[social_space]]
key = "s1"
region = "r1"
name = "Sozialraum Eins"
areas = ["Ort A", "Ort B"]

[[team]]  # erstes Team
key = "t1"
name = "Team Eins"
social_space = "s1"

[[team]]  # zweites Team
key = "t2"
name = "Team Zwei"
social_space = "s1"
'''
"""A small valid file; the ``[[team]]`` inside the string must not confuse the locator."""


def _line_of(text: str, needle: str, *, last: bool = False) -> int:
    """1-based line of the first (or last) line containing ``needle``."""
    numbers = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert numbers, needle
    return numbers[-1] if last else numbers[0]


async def _count(session: AsyncSession, model: type[SQLModel]) -> int:
    return (await session.exec(select(func.count()).select_from(model))).one()


async def _import(db: Database, structure: StructureFile) -> ImportReport:
    async with db.transaction() as session:
        return await import_structure(session, structure, now=NOW)


async def _import_text(db: Database, text: str) -> ImportReport:
    """What the CLI does: parse, then import in one transaction."""
    return await _import(db, parse_structure(text))


def test_norderstedt_example_parses_into_the_documented_structure() -> None:
    """The Norderstedt example has two regions, four social spaces, four teams, nine providers."""
    structure = load_structure_file(NORDERSTEDT)
    assert structure.organisation.key == "norderstedt"
    assert structure.organisation.state == "SH"
    assert "<Telefonnummer der Bereitschaft eintragen>" in structure.organisation.emergency_contact
    assert [r.key for r in structure.regions] == ["nord", "sued"]
    assert [(s.key, s.region) for s in structure.social_spaces] == [
        ("nord-a", "nord"),
        ("nord-b", "nord"),
        ("sued-a", "sued"),
        ("sued-b", "sued"),
    ]
    assert structure.social_spaces[3].areas == ("Glashütte", "Harksheide-Süd")
    assert [(t.key, t.social_space) for t in structure.teams] == [
        ("nord-a", "nord-a"),
        ("nord-b", "nord-b"),
        ("sued-a", "sued-a"),
        ("sued-b", "sued-b"),
    ]
    assert structure.teams[2].name == "Sozialraumteam Süd A"
    assert len(structure.providers) == 9
    assert "SOS Kinderdorf" in structure.providers


def test_segeberg_example_has_a_team_without_social_space() -> None:
    """The Segeberg example parses and shows that teams need not map 1:1 to social spaces."""
    structure = load_structure_file(SEGEBERG)
    assert structure.organisation.key == "segeberg"
    loose = [t for t in structure.teams if t.social_space is None]
    assert [t.name.split()[0] for t in loose] == ["Familienbüro"]
    assert all(t.name.startswith("Gemeindeteam") for t in structure.teams if t.social_space)


async def test_norderstedt_example_imports_every_unit_with_one_audit_entry_each(
    db: Database,
) -> None:
    """Importing Norderstedt creates 1 org, 2 regions, 4 spaces, 4 teams, 9 providers."""
    report = await _import(db, load_structure_file(NORDERSTEDT))
    expected = {"organisation": 1, "region": 2, "social_space": 4, "team": 4, "provider": 9}
    assert report.created == expected
    assert not any(report.updated.values())
    async with db.transaction() as session:
        counts = [await _count(session, model) for model in STRUCTURE_TABLES]
        assert counts == [1, 2, 4, 4, 9]
        structure_entries = (
            await session.exec(
                select(AuditEntry).where(col(AuditEntry.action).startswith("structure."))
            )
        ).all()
        assert len(structure_entries) == 20  # budget entries: tests/test_budget_structure.py
        team = (await session.exec(select(Team).where(Team.slug == "sued-b"))).one()
        space = await session.get(SocialSpace, team.social_space_id)
        assert space is not None
        assert space.areas == ["Glashütte", "Harksheide-Süd"]
        entry = (
            await session.exec(select(AuditEntry).where(AuditEntry.object_id == str(team.id)))
        ).all()
        assert [(e.action, e.details) for e in entry if e.object_type == "team"] == [
            (
                "structure.team.created",
                {"key": "sued-b", "fields": ["slug", "name", "social_space_id"]},
            )
        ]
    assert "Teams" in report.summary()


async def test_segeberg_example_imports(db: Database) -> None:
    """Importing Segeberg stores the Familienbüro as a team without social space."""
    report = await _import(db, load_structure_file(SEGEBERG))
    assert report.created["team"] == 7
    async with db.transaction() as session:
        loose = (await session.exec(select(Team).where(col(Team.social_space_id).is_(None)))).all()
        assert [t.slug for t in loose] == ["fb-west"]


async def test_reimport_of_same_file_changes_nothing(db: Database) -> None:
    """A second import of the same file creates, updates and audits nothing."""
    structure = load_structure_file(NORDERSTEDT)
    await _import(db, structure)
    async with db.transaction() as session:
        audit_before = await _count(session, AuditEntry)
    report = await _import(db, structure)
    assert sum(report.created.values()) == 0
    assert sum(report.updated.values()) == 0
    assert report.unchanged == {
        "organisation": 1,
        "region": 2,
        "social_space": 4,
        "team": 4,
        "provider": 9,
    }
    assert report.missing == []
    assert "Keine Änderungen" in report.summary()
    async with db.transaction() as session:
        assert await _count(session, AuditEntry) == audit_before


async def test_changed_file_updates_and_adds_but_keeps_removed_team_and_bindings(
    db: Database,
) -> None:
    """A rename updates, a new team is added, a dropped team stays with members and group."""
    await _import_text(db, BASE)
    async with db.transaction() as session:
        t1 = (await session.exec(select(Team).where(Team.slug == "t1"))).one()
        t2 = (await session.exec(select(Team).where(Team.slug == "t2"))).one()
        t1.chat_id, t2.chat_id = -1001, -1002
        member = Member(telegram_id=42, display_name="Frau A", created_at=NOW)
        session.add_all([t1, t2, member])
        await session.flush()
        assert member.id is not None
        assert t2.id is not None
        session.add(Membership(member_id=member.id, team_id=t2.id, role=Role.ASD, created_at=NOW))
        audit_before = await _count(session, AuditEntry)

    changed = BASE.replace('name = "Team Eins"', 'name = "Team Eins neu"')
    second_team_at = changed.index("[[team]]  # zweites Team")
    changed = changed[:second_team_at] + '[[team]]\nkey = "t3"\nname = "Team Drei"\n'
    report = await _import_text(db, changed)

    assert report.updated["team"] == 1
    assert report.created["team"] == 1
    assert report.unchanged["social_space"] == 1
    assert report.missing == ["Team »t2« (Team Zwei)"]
    assert "t2" in report.summary()
    async with db.transaction() as session:
        teams = {t.slug: t for t in (await session.exec(select(Team))).all()}
        assert teams["t1"].name == "Team Eins neu"
        assert teams["t1"].chat_id == -1001
        assert teams["t2"].chat_id == -1002
        assert teams["t3"].social_space_id is None
        assert await _count(session, Membership) == 1
        assert await _count(session, Member) == 1
        new_entries = (
            await session.exec(
                select(AuditEntry).order_by(col(AuditEntry.id)).offset(audit_before)
            )
        ).all()
        assert [(e.action, e.details) for e in new_entries] == [
            ("structure.team.updated", {"key": "t1", "fields": ["name"]}),
            (
                "structure.team.created",
                {"key": "t3", "fields": ["slug", "name", "social_space_id"]},
            ),
        ]


async def test_team_moves_to_another_social_space(db: Database) -> None:
    """Pointing a team at another social space updates the team instead of adding one."""
    await _import_text(db, BASE)
    moved = BASE.replace(
        "[[team]]  # erstes Team",
        '[[social_space]]\nkey = "s2"\nregion = "r1"\nname = "Sozialraum Zwei"\n\n'
        "[[team]]  # erstes Team",
    ).replace(
        'key = "t1"\nname = "Team Eins"\nsocial_space = "s1"',
        'key = "t1"\nname = "Team Eins"\nsocial_space = "s2"',
    )
    report = await _import_text(db, moved)
    assert report.created == {
        "organisation": 0,
        "region": 0,
        "social_space": 1,
        "team": 0,
        "provider": 0,
    }
    assert report.updated["team"] == 1
    async with db.transaction() as session:
        team = (await session.exec(select(Team).where(Team.slug == "t1"))).one()
        space = await session.get(SocialSpace, team.social_space_id)
        assert space is not None
        assert space.slug == "s2"
        assert await _count(session, Team) == 2


def _without(text: str, needle: str) -> str:
    return text.replace(needle, "", 1)


LAST = "last:"
"""Prefix of a needle that occurs more than once: the expected line is its last one."""

INVALID_CASES: dict[str, tuple[str, str, str]] = {
    # case: (broken text, needle whose line is expected, expected fragment of the message)
    "missing required key": (
        _without(BASE, 'name = "Team Zwei"\n'),
        "# zweites Team",
        "[[team]] »t2«: Pflichtfeld »name« fehlt.",
    ),
    "unknown key": (
        BASE.replace('name = "Team Zwei"', 'nmae = "Team Zwei"'),
        "nmae",
        "unbekanntes Feld »nmae«",
    ),
    "duplicate key": (
        BASE.replace('key = "t2"', 'key = "t1"'),
        LAST + 'key = "t1"',
        "[[team]] »t1« kommt doppelt vor (zuerst in Zeile",
    ),
    "dangling reference": (
        BASE.replace(
            'name = "Team Zwei"\nsocial_space = "s1"', 'name = "Team Zwei"\nsocial_space = "s9"'
        ),
        'social_space = "s9"',
        "[[team]] »t2« verweist auf den Sozialraum »s9«, den es nicht gibt.",
    ),
    "dangling region": (
        BASE.replace('region = "r1"', 'region = "nord"'),
        'region = "nord"',
        "verweist auf die Region »nord«, die es nicht gibt.",
    ),
    "bad state code": (
        BASE.replace('state = "SH"', 'state = "XY"'),
        'state = "XY"',
        "»XY« ist kein Bundesland-Kürzel",
    ),
    "empty name": (
        BASE.replace('name = "Region Eins"', 'name = "   "'),
        'name = "   "',
        "[[region]] »r1«, Feld »name«: Der Text darf nicht leer sein.",
    ),
    "bad key": (
        BASE.replace('key = "r1"', 'key = "Region 1"'),
        'key = "Region 1"',
        "[[region]] Nr. 1, Feld »key«: »Region 1« ist ungültig: erlaubt sind nur Kleinbuchstaben",
    ),
    "unknown section": (
        BASE + "\n[haushalt]\ntotal = 1\n",
        "[haushalt]",
        "Unbekannter Abschnitt »haushalt«",
    ),
    "malformed toml": (
        BASE.replace('name = "Träger Eins"', "name = Träger Eins"),
        "name = Träger Eins",
        "kein gültiges TOML (Spalte 8). Ungültiger Wert",
    ),
    "field twice in one table": (
        BASE.replace('key = "r1"\n', 'key = "r1"\nkey = "r2"\n'),
        'key = "r2"',
        "Ein Feld steht in dieser Tabelle doppelt.",
    ),
}


def _expected_line(text: str, needle: str) -> int:
    if needle.startswith(LAST):
        return _line_of(text, needle.removeprefix(LAST), last=True)
    return _line_of(text, needle)


@pytest.mark.parametrize("case", list(INVALID_CASES))
def test_invalid_file_names_the_line(case: str) -> None:
    """Every kind of mistake raises StructureError whose text starts with the right line."""
    text, needle, fragment = INVALID_CASES[case]
    line = _expected_line(text, needle)
    with pytest.raises(StructureError) as caught:
        parse_structure(text)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"Zeile {line}: ")
    assert fragment in str(caught.value)


def test_missing_section_has_no_line() -> None:
    """A file without any team says so without pretending to know a line."""
    text = BASE[: BASE.index("[[team]]  # erstes Team")]
    with pytest.raises(StructureError) as caught:
        parse_structure(text)
    assert caught.value.line is None
    assert str(caught.value) == "Die Datei braucht mindestens einen Eintrag [[team]]."


async def test_invalid_files_import_nothing(db: Database) -> None:
    """After a failed parse, as the CLI runs it, no structure table has a row."""
    for text, _needle, _fragment in INVALID_CASES.values():
        with pytest.raises(StructureError):
            await _import_text(db, text)
    async with db.transaction() as session:
        assert [await _count(session, model) for model in STRUCTURE_TABLES] == [0] * 5
        assert await _count(session, AuditEntry) == 0


def test_unreadable_files_give_german_errors_without_line(tmp_path: Path) -> None:
    """A missing file and a non-UTF-8 file are StructureErrors; a byte-order mark is fine."""
    with pytest.raises(StructureError, match="gibt es nicht") as missing:
        load_structure_file(tmp_path / "fehlt.toml")
    assert missing.value.line is None

    latin = tmp_path / "latin1.toml"
    latin.write_bytes(BASE.encode("latin-1", errors="replace"))
    with pytest.raises(StructureError, match="UTF-8") as not_utf8:
        load_structure_file(latin)
    assert not_utf8.value.line is None

    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert load_structure_file(bom).organisation.key == "test"


async def test_describe_structure_shows_tree_members_and_groups(db: Database) -> None:
    """The tree lists regions, spaces, teams with distinct member counts and group binding."""
    async with db.transaction() as session:
        assert EXAMPLE_COMMAND in await describe_structure(session)
    await _import(db, load_structure_file(NORDERSTEDT))
    await _import(db, load_structure_file(SEGEBERG))
    async with db.transaction() as session:
        team = (await session.exec(select(Team).where(Team.slug == "nord-a"))).one()
        team.chat_id = -100123
        members = [Member(telegram_id=n, display_name=f"M{n}", created_at=NOW) for n in (1, 2)]
        session.add_all([team, *members])
        await session.flush()
        assert team.id is not None
        for member, role in [
            (members[0], Role.ASD),
            (members[0], Role.NETZWERK),
            (members[1], Role.ASD),
        ]:
            assert member.id is not None
            session.add(
                Membership(member_id=member.id, team_id=team.id, role=role, created_at=NOW)
            )
    async with db.transaction() as session:
        tree = await describe_structure(session)
    lines = tree.splitlines()
    assert lines[0] == "Organisation: Jugendamt der Stadt Norderstedt (norderstedt), Bundesland SH"
    assert "  Region: Region Nord (nord)" in lines
    assert (
        "    Sozialraum: Friedrichsgabe / Harksheide-Nord (nord-a)"
        " – Gebiete: Friedrichsgabe, Harksheide-Nord"
    ) in lines
    assert "      Team: Sozialraumteam Nord A (nord-a) – 2 Mitglieder, Gruppe verbunden" in lines
    assert "      Team: Sozialraumteam Süd B (sued-b) – 0 Mitglieder, keine Gruppe" in lines
    assert lines.index("  Region: Region Nord (nord)") < lines.index("  Region: Region Süd (sued)")
    assert "  Träger (9):" in lines
    assert "  Teams ohne Sozialraum:" in lines
    assert any(line.startswith("    Team: Familienbüro West") for line in lines)
