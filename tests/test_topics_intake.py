"""The intake's rules without Telegram: order of the checks, split texts, the allowlist."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.i18n import LANGUAGES, catalogue
from bot.privacy import KINDS
from bot.storage import directory, topics
from bot.storage.db import Database
from bot.storage.models import Provider
from bot.topics import HELP_KINDS, intake
from tests.auxil.data import seed_directory

SENT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_identifier_is_caught_before_length_and_never_returned() -> None:
    """A too-long answer with an e-mail address is refused for the address (and deleted)."""
    text = "Die Mutter schreibt an mutter.beispiel@example.org. " + "Sie wirkt müde. " * 80
    verdict = intake.check_answer(text, limit=500, allow=None)
    assert verdict.problem == "identifying"
    assert "email" in verdict.kinds
    assert verdict.text == ""


def test_empty_and_too_long_answers() -> None:
    """Blanks and punctuation are empty; a clean long answer is too long with its length."""
    assert intake.check_answer("  …  -- ", limit=500, allow=None).problem == "empty"
    long = "Die Kita berichtet von vielen Fehltagen. " * 30
    verdict = intake.check_answer(long, limit=500, allow=None)
    assert (verdict.problem, verdict.length, verdict.limit) == ("too_long", len(long.strip()), 500)


def test_clean_answer_is_kept_stripped() -> None:
    """A clean answer passes, without surrounding blanks."""
    verdict = intake.check_answer(
        "  Die Mutter wünscht sich Hilfe am Morgen.  ", limit=500, allow=None
    )
    assert verdict.ok
    assert verdict.text == "Die Mutter wünscht sich Hilfe am Morgen."


def test_second_part_of_a_split_text_is_recognised() -> None:
    """Only right after a refused text of nearly 4096 characters."""
    marker = intake.split_marker(length=4096, sent_at=SENT)
    assert intake.continues_split_text(marker, length=904, sent_at=SENT)
    assert intake.continues_split_text(marker, length=904, sent_at=SENT + timedelta(seconds=2))
    assert not intake.continues_split_text(marker, length=904, sent_at=SENT + timedelta(minutes=1))
    short = intake.split_marker(length=1200, sent_at=SENT)
    assert not intake.continues_split_text(short, length=100, sent_at=SENT)
    assert not intake.continues_split_text(None, length=100, sent_at=SENT)


def test_typed_button_answers() -> None:
    """Words typed instead of pressing a button mean the same."""
    assert intake.match_words("Dringend!", intake.URGENCY_WORDS) is True
    assert intake.match_words(" normal ", intake.URGENCY_WORDS) is False
    assert intake.match_words("Stationär", intake.HELP_WORDS) == "stationaer"
    assert intake.match_words("FüA", intake.HELP_WORDS) == "fua"
    assert intake.match_words("Neuer  Fall", intake.NEW_CASE_WORDS) is True
    assert intake.match_words("vielleicht", intake.URGENCY_WORDS) is None


def test_allowlist_keeps_names_whole_and_adds_codes() -> None:
    """Alternatives of a name pass, single words of it do not; codes are terms."""
    allow = intake.allowlist_of(
        ["Kinder- und Jugendheim St. Josef", "Friedrichsgabe / Harksheide-Nord"], {"Linde-17"}
    )
    assert "Kinder- und Jugendheim St. Josef" in allow.terms
    assert "Josef" not in allow.terms
    assert {"Friedrichsgabe", "Harksheide-Nord", "Linde-17"} <= set(allow.terms)


async def test_allowlist_of_an_organisation_reads_the_structure(db: Database) -> None:
    """Regions, social spaces, areas, teams, providers and case codes of the organisation."""
    seeded = await seed_directory(db, now=SENT)
    async with db.transaction() as session:
        organisation = await directory.organisation(session)
        assert organisation is not None and organisation.id is not None
        session.add(Provider(organisation_id=organisation.id, name="Wiegmann Hilfen"))
        await session.flush()
        member = await directory.ensure_member(
            session, telegram_id=1, display_name="A", language="de", now=SENT
        )
        assert member.id is not None
        await topics.new_case(
            session,
            organisation_id=organisation.id,
            team_id=seeded.nord_a,
            owner_id=member.id,
            now=SENT,
            draw=lambda _wide: "Eibe-42",
        )
        allow = await intake.allowlist_for(session, organisation_id=organisation.id)
    expected = {
        "Jugendamt Norderstedt",
        "Region Nord",
        "Garstedt",
        "Harksheide-Nord",
        "Sozialraumteam Süd A",
        "Wiegmann Hilfen",
        "Eibe-42",
    }
    assert expected <= set(allow.terms)


def test_every_finding_kind_and_help_kind_has_a_label() -> None:
    """Refusals name every kind the gate knows; buttons exist for every kind of help."""
    assert set(intake.FINDING_LABELS) == set(KINDS)
    assert tuple(intake.HELP_LABELS) == HELP_KINDS
    for language in LANGUAGES:
        for label in (*intake.FINDING_LABELS.values(), *intake.HELP_LABELS.values()):
            assert catalogue(language)[label]
