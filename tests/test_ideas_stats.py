"""The ideas' figures for the yearly report: counted per social space and year, and the CLI."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.ideas import stats
from bot.ideas.stats import IdeaFact
from bot.storage import directory
from bot.storage import ideas as store
from bot.storage.db import Database
from bot.storage.models import Role
from tests.auxil import people
from tests.auxil.data import add_member, seed_directory

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YEARS_EVE = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 2027 in Berlin


def _fact(origin: str | None, status: str, *, realised: bool = False, **kw: object) -> IdeaFact:
    values: dict[str, object] = {"space": "Garstedt", "year": 2026, "kind": None}
    values.update(kw)
    return IdeaFact(origin=origin, status=status, realised=realised, **values)  # type: ignore[arg-type]


def test_affected_ideas_succeed_more_often_in_one_figure() -> None:
    """3 of 4 affected people's ideas became offers, 1 of 4 professionals' ideas."""
    facts = [
        _fact("affected", "running"),
        _fact("affected", "done"),
        _fact("affected", "dropped", realised=True),  # ran, then stopped: it did reach "läuft"
        _fact("affected", "idea"),
        _fact("professional", "done", kind="fuea"),
        _fact("professional", "dropped", kind="fua"),
        _fact("professional", "review"),
        _fact("professional", "planned"),
        _fact("joint", "running", kind="fua"),
        _fact(None, "idea"),
    ]
    (row,) = stats.summarise(facts)
    assert (row.space, row.year, row.total) == ("Garstedt", 2026, 10)
    assert (row.affected.realised, row.affected.total, row.affected.share) == (3, 4, 0.75)
    assert (row.professional.realised, row.professional.total) == (1, 4)
    assert row.professional.share == 0.25
    assert row.by_origin == {"affected": 4, "professional": 4, "joint": 1, "unknown": 1}
    assert row.by_kind == {"fuea": 1, "fua": 2, "unknown": 7}
    assert row.by_status == {
        "idea": 2,
        "review": 1,
        "planned": 1,
        "running": 2,
        "done": 2,
        "dropped": 2,
    }


def test_spaces_and_years_are_kept_apart() -> None:
    """Each social space and year is its own block; a year filter keeps only that year."""
    facts = [
        _fact("affected", "idea", space="Garstedt", year=2026),
        _fact("affected", "idea", space="Glashütte", year=2026),
        _fact("affected", "idea", space="Garstedt", year=2025),
    ]
    assert [(r.space, r.year) for r in stats.summarise(facts)] == [
        ("Garstedt", 2025),
        ("Garstedt", 2026),
        ("Glashütte", 2026),
    ]
    assert [(r.space, r.year) for r in stats.summarise(facts, year=2026)] == [
        ("Garstedt", 2026),
        ("Glashütte", 2026),
    ]


def test_no_ideas_of_an_origin_is_no_share_not_zero() -> None:
    """Without professionals' ideas their share is None and the text shows a dash."""
    (row,) = stats.summarise([_fact("affected", "running")])
    assert row.professional.share is None
    text = stats.render([row], year=2026)
    assert "Betroffene 1 von 1 (100 %)" in text and "Fachkräfte 0 von 0 (–)" in text


async def _seed(db: Database) -> None:
    """Nord A: an affected people's idea that ran and then was dropped, a professional's idea;
    Süd A: one idea on New Year's Eve late at night (2027 in Berlin)."""
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    seeded = await seed_directory(db, now=now)
    await add_member(db, people.COORDINATOR, seeded.nord_a, Role.KOORDINATION, now=now)
    await add_member(db, people.OTHER_COORDINATOR, seeded.sued_a, Role.KOORDINATION, now=now)
    async with db.transaction() as session:
        carla = await directory.get_member(session, telegram_id=people.COORDINATOR.id)
        olga = await directory.get_member(session, telegram_id=people.OTHER_COORDINATOR.id)
        assert carla is not None and carla.id and olga is not None and olga.id
        cooking = await store.add_idea(
            session, team_id=seeded.nord_a, author_id=carla.id, text="Kochgruppe", now=now
        )
        cooking.origin = "affected"
        for step in ("review", "planned", "running", "dropped"):
            await store.change_status(
                session, idea=cooking, to_status=step, actor_id=people.COORDINATOR.id, now=now
            )
        talk = await store.add_idea(
            session, team_id=seeded.nord_a, author_id=carla.id, text="Vortrag", now=now
        )
        talk.origin, talk.work_kind = "professional", "fuea"
        await store.save(session, idea=talk, now=now)
        await store.add_idea(
            session,
            team_id=seeded.sued_a,
            author_id=olga.id,
            text="Silvesterlauf",
            now=NEW_YEARS_EVE,
        )


async def test_collect_reads_spaces_years_and_history(db: Database) -> None:
    """The facts name the social space, count the Berlin year and see "ran, then dropped"."""
    await _seed(db)
    async with db.transaction() as session:
        facts = await stats.collect(session, tz=BERLIN)
    assert [(f.space, f.year, f.origin, f.status, f.realised) for f in facts] == [
        ("Friedrichsgabe / Harksheide-Nord", 2026, "affected", "dropped", True),
        ("Friedrichsgabe / Harksheide-Nord", 2026, "professional", "idea", False),
        ("Garstedt", 2027, None, "idea", False),
    ]


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A clean working directory (no .env) with a SQLite database of its own."""
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "BOT_ADMIN_IDS", "TELEGRAM_API_URL"):
        monkeypatch.delenv(key, raising=False)
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_cli_prints_the_year_as_text_and_json(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m bot ideas stats --year 2026`` prints per social space; --json as data."""
    assert main(["migrate"]) == 0

    async def seed() -> None:
        db = Database(cli_env)
        try:
            await _seed(db)
        finally:
            await db.dispose()

    asyncio.run(seed())
    capsys.readouterr()
    assert main(["ideas", "stats", "--year", "2026"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Ideen aus der Netzwerkarbeit 2026")
    assert "Friedrichsgabe / Harksheide-Nord: 2 Ideen" in text
    assert "Betroffene 1 von 1 (100 %) · Fachkräfte 0 von 1 (0 %)" in text
    assert "Garstedt" not in text and "Kochgruppe" not in text
    assert main(["ideas", "stats", "--year", "2027", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["social_space"], row["year"], row["total"]) == ("Garstedt", 2027, 1)
