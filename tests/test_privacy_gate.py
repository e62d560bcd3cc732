"""The privacy gate, detector by detector: what it must find, what must pass, and speed."""

from __future__ import annotations

import dataclasses
import gc
import random
import re
import time
from itertools import pairwise

import pytest

from bot.privacy import KINDS, Allowlist, Finding, preload, scan
from bot.privacy.gate import MARGIN, OVERLAP, WINDOW
from bot.privacy.lexicon import name_lexicon
from bot.privacy.structured import kvnr_is_valid, rvnr_is_valid

NORDERSTEDT = Allowlist.from_names(
    [
        "Jugendamt der Stadt Norderstedt",
        "Wiegmann Hilfen",
        "Pestalozzi Stiftung",
        "Kinder- und Jugendheim St. Josef",
        "Sozialwerk (Familienzentrum Glashütte)",
        "Friedrichsgabe / Harksheide-Nord",
        "Garstedt",
    ]
)


def found(text: str, allow: Allowlist | None = None) -> list[tuple[str, str]]:
    """The findings of ``text`` as (kind, matched text) pairs, for readable assertions."""
    return [(f.kind, text[f.start : f.end]) for f in scan(text, allow)]


def kinds_of(text: str, allow: Allowlist | None = None) -> set[str]:
    """The kinds found in ``text``."""
    return {f.kind for f in scan(text, allow)}


# ---------------------------------------------------------------------------------------
# The public shape
# ---------------------------------------------------------------------------------------


def test_kinds_are_exactly_the_documented_names() -> None:
    """KINDS lists the fifteen kind names callers and translations rely on."""
    assert KINDS == (
        "name", "date", "age", "phone", "email", "address", "postcode", "iban", "tax_id",
        "social_insurance", "health_insurance", "file_number", "licence_plate", "url", "handle",
    )  # fmt: skip


def test_finding_is_frozen_and_carries_no_text() -> None:
    """A finding holds only kind and offsets, so it can be logged without the identifier."""
    finding = scan("Bitte Rückruf unter 0176 12345678.")[0]
    assert [field.name for field in dataclasses.fields(Finding)] == ["kind", "start", "end"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.kind = "name"  # type: ignore[misc]


def test_findings_are_sorted_and_never_overlap() -> None:
    """Findings come in text order and do not overlap, whatever the detectors reported."""
    text = (
        "Frau Jennifer Kowalski (jennifer.kowalski@web.de, 0176 12345678) wohnt in der "
        "Musterstraße 12, 22846 Norderstedt, IBAN DE65 4306 0967 4072 0507 24, geb. 03.05.1989."
    )
    findings = scan(text)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    for left, right in pairwise(findings):
        assert left.end <= right.start
    assert {f.kind for f in findings} == {
        "name", "email", "phone", "address", "postcode", "iban", "date",
    }  # fmt: skip


def test_empty_and_harmless_text_passes() -> None:
    """Nothing to report in an empty string or an ordinary case description."""
    assert scan("") == []
    assert scan("Die Mutter wünscht sich Unterstützung bei der Tagesstruktur.") == []


def test_the_more_specific_kind_wins_an_overlap() -> None:
    """An e-mail address is not also a name, an IBAN's digits are not a phone number."""
    assert found("Mail an jennifer.kowalski@web.de") == [("email", "jennifer.kowalski@web.de")]
    assert found("IBAN DE65 4306 0967 4072 0507 24") == [("iban", "DE65 4306 0967 4072 0507 24")]
    assert found("geboren 03.05.2019") == [("date", "03.05.2019")]


# ---------------------------------------------------------------------------------------
# Phone numbers, e-mail, URLs, handles
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "0176 12345678",
        "0151/23456789",
        "+49 176 23456789",
        "0049 40 52601234",
        "040 525 12 34",
        "(040) 123 456 78",
        "0173 / 987 65 43",
        "04193 12345",
        "+48 601 234 567",
        "+90 532 123 45 67",
        "+380 67 123 4567",
    ],
)
def test_phone_numbers_are_found(number: str) -> None:
    """German and foreign numbers in the ways people write them."""
    assert found(f"Sie ist unter {number} erreichbar.") == [("phone", number)]


def test_a_local_number_after_a_phone_word_is_found() -> None:
    """Without an area code a number counts only after "Tel.", "Handy" and the like."""
    assert found("Tel. 5261234, abends") == [("phone", "5261234")]


@pytest.mark.parametrize(
    "text",
    [
        "Die Jugendliche kennt die Nummer gegen Kummer (116 111).",
        "Die Mutter ruft die Telefonseelsorge unter 0800 111 0 111 an.",
        "Bei Gefahr wählen die Kinder die 110.",
        "Es gibt einen Mietrückstand von 1.250,50 Euro.",
        "Das Jobcenter hat 250 € bewilligt, Termin um 9:00 Uhr.",
        "Die Familie hat 3 Kinder und wartet seit 18 Monaten.",
    ],
)
def test_helplines_amounts_times_and_counts_pass(text: str) -> None:
    """Public helplines, money, times and counts are not phone numbers."""
    assert scan(text) == []


def test_email_url_and_handle() -> None:
    """E-mail addresses, web addresses (with or without scheme) and @handles."""
    assert found("Kontakt: familie-yilmaz@gmx.de") == [("email", "familie-yilmaz@gmx.de")]
    assert found("Profil: https://www.facebook.com/jennifer.k.77.") == [
        ("url", "https://www.facebook.com/jennifer.k.77")
    ]
    assert found("unter instagram.com/lena_k2010 und") == [("url", "instagram.com/lena_k2010")]
    assert found("Auf Insta heißt sie @lena_k2010.") == [("handle", "@lena_k2010")]


def test_abbreviations_and_lone_at_signs_are_not_urls_or_handles() -> None:
    """ "z.B.", "u.a.", "Evang." and a loose "@" are ordinary text."""
    assert scan("Angebote z.B. der Evang. Familienbildung u.a. für Eltern @ Garstedt.") == []


# ---------------------------------------------------------------------------------------
# IBAN, tax, insurance and file numbers, licence plates
# ---------------------------------------------------------------------------------------


def test_ibans_with_and_without_spaces() -> None:
    """Valid IBANs of several countries; a German one with a typo in the check digits too."""
    assert kinds_of("Konto DE52120300002796742288") == {"iban"}
    assert kinds_of("aus Polen PL61 1090 1014 0000 0712 1981 2874") == {"iban"}
    assert kinds_of("Konto DE86 2005 0550 1234 5678 90 (Tippfehler)") == {"iban"}
    assert scan("Code AB12 CDEF GHIJ KLMN") == []


def test_tax_ids() -> None:
    """Steuer-ID by its check digit or a keyword; Steuernummer by its slashes."""
    assert found("Die Nummer 37 601 895 557 fehlt.") == [("tax_id", "37 601 895 557")]
    assert found("Steuer-ID: 12345678901") == [("tax_id", "12345678901")]
    assert found("Steuernummer 21/815/08150") == [("tax_id", "21/815/08150")]
    assert scan("Die Nummer 12345678901 fehlt.") == []


def test_social_and_health_insurance_numbers() -> None:
    """Check digits decide; without them a keyword nearby is needed."""
    assert rvnr_is_valid("15070649C103")
    assert kvnr_is_valid("A123456780")
    assert found("Die 53 280997 O 286 steht drauf.") == [("social_insurance", "53 280997 O 286")]
    assert found("Auf der Karte steht A123456780.") == [("health_insurance", "A123456780")]
    assert found("KV-Nr. A123456781") == [("health_insurance", "A123456781")]
    assert scan("Der Code B123456789 gehört zum Paket.") == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Aktenzeichen: AZ 51.2-123/24", "51.2-123/24"),
        ("Az.: 4711/2023, bitte angeben.", "4711/2023"),
        ("Der Fall läuft unter 51-12345.", "51-12345"),
        ("Das Verfahren 3 F 123/24 ruht.", "3 F 123/24"),
        ("Vorgangsnummer der Polizei: 2024-004711", "2024-004711"),
        ("Die BG-Nummer ist 12345BG0012345.", "12345BG0012345"),
    ],
)
def test_file_numbers(text: str, code: str) -> None:
    """Aktenzeichen of the youth office, courts, police and job centre."""
    assert found(text) == [("file_number", code)]


@pytest.mark.parametrize(
    "text",
    [
        "Das Schuljahr 2024/25 hat begonnen.",
        "Betreuung von 13-15 Uhr, Kosten 80-100 Euro.",
        "Das Aktenzeichen liegt im ASD vor.",
        "Hilfe nach § 27 SGB VIII und § 35a.",
    ],
)
def test_school_years_ranges_and_paragraphs_are_not_file_numbers(text: str) -> None:
    """Year pairs, ranges and legal references pass."""
    assert scan(text) == []


def test_licence_plates() -> None:
    """Plates with a known district code, with hyphen or space, electric and historic ones."""
    assert found("Kennzeichen SE-AB 123.") == [("licence_plate", "SE-AB 123")]
    assert found("Das Auto HH AB 1234 steht dort.") == [("licence_plate", "HH AB 1234")]
    assert found("Ein Elektroauto, SE AB 123E.") == [("licence_plate", "SE AB 123E")]
    assert scan("Thema aus KW 12, SGB VIII, U7-Untersuchung.") == []


# ---------------------------------------------------------------------------------------
# Addresses and postcodes
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "street",
    [
        "Musterstraße 12",
        "Am Hang 3",
        "Ulzburger Str. 5a",
        "Segeberger Chaussee 44",
        "An der Kirche 2",
        "Tannenhofstraße 10-12",
        "Friedrich-Ebert-Straße 14",
        "Kirchenstr. 7",
    ],
)
def test_streets_with_house_numbers(street: str) -> None:
    """Street endings, street words after an adjective and preposition streets."""
    assert found(f"Die Familie wohnt {street}, dritter Stock.") == [("address", street)]


def test_a_street_name_alone_is_an_address() -> None:
    """ "in der Lindenstraße" says where a family lives, even without a number."""
    assert found("Die Wohnung in der Lindenstraße ist zu klein.") == [("address", "Lindenstraße")]


@pytest.mark.parametrize(
    "text",
    [
        "Der Schulweg 5 km ist zu weit.",
        "Die Hilfe ist in eine Sackgasse geraten.",
        "Am Montag 3 Termine, die Kita am Hang ist informiert.",
        "Der Junge ist in der Klasse 3.",
        "Im Jahr 2019 kam die Familie.",
    ],
)
def test_counts_after_street_like_words_pass(text: str) -> None:
    """A number followed by a unit or noun is a count, not a house number."""
    assert scan(text) == []


def test_postcodes() -> None:
    """Five digits before a place, after "PLZ" or "D-"; not counts of people."""
    assert found("Sie lebt in 24568 Kaltenkirchen.") == [("postcode", "24568")]
    assert found("PLZ 22844, mehr nicht.") == [("postcode", "22844")]
    assert found("wohnt in D-24558 Henstedt-Ulzburg") == [("postcode", "24558")]
    assert scan("In Norderstedt leben 80000 Einwohner und 12000 Kinder.") == []


# ---------------------------------------------------------------------------------------
# Dates and ages
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date",
    ["03.05.2019", "3.5.19", "2019-05-03", "3. Mai 2019", "3. Mai", "12.03.", "6. Sept. 2024"],
)
def test_dates_with_a_day(date: str) -> None:
    """Every date with a day, as birth dates and appointments cannot be told apart."""
    assert found(f"Wichtig ist der {date} für die Familie.") == [("date", date)]


def test_month_and_year_only_next_to_a_birth() -> None:
    """ "im März 2019 geboren" is a birth date; "seit März 2023" is not."""
    assert found("Das Kind ist im März 2019 geboren.") == [("date", "März 2019")]
    assert found("Geb. 03/2016, bei den Großeltern.") == [("date", "03/2016")]
    assert scan("Die Hilfe läuft seit März 2023.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Im Mai soll die Hilfe überprüft werden.",
        "Ende August beginnt die Ausbildung.",
        "Gespräch nächste Woche Dienstag um 14.30 Uhr.",
        "Seit 2019 lebt die Familie in Deutschland.",
        "Siehe Kapitel 4.2.1 im Hilfeplan.",
    ],
)
def test_months_times_and_years_pass(text: str) -> None:
    """Months, weekdays, times, years and section numbers are not dates."""
    assert scan(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Der 7-jährige Sohn ist sehr ängstlich.",
        "Die Tochter ist 14 Jahre alt.",
        "Der Sohn (7) geht in die Kita am Hang.",
        "Die Zwillinge (4) gehen in dieselbe Gruppe.",
    ],
)
def test_an_age_alone_passes(text: str) -> None:
    """The consultation needs ages; alone they identify nobody."""
    assert scan(text) == []


def test_an_age_next_to_another_identifier_is_reported() -> None:
    """Together with a name the exact age adds to what identifies the child."""
    assert found("Mehmet (12) schlägt andere Kinder.") == [("name", "Mehmet"), ("age", "(12)")]
    assert kinds_of("Lukas ist 8 und wohnt in der Rathausallee 12.") == {"name", "age", "address"}


# ---------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Jennifer Kowalski wünscht sich Hilfe.", "Jennifer Kowalski"),
        ("Die Mutter, Frau Yılmaz, hat angerufen.", "Yılmaz"),
        ("Leon kommt ohne Frühstück in die Schule.", "Leon"),
        ("Mohammed Al-Hassan ist aus Syrien geflohen.", "Mohammed Al-Hassan"),
        ("Olena Kowalenko ist aus Charkiw geflohen.", "Olena Kowalenko"),
        ("Herr Wiśniewski hat abgesagt.", "Wiśniewski"),
        ("Zahra Rahimi sucht einen Deutschkurs.", "Zahra Rahimi"),
        ("Anna-Lena geht nicht mehr zum Handball.", "Anna-Lena"),
        ("Pauls Lehrerin berichtet von Fehlzeiten.", "Pauls"),
        ("Herr Dr. Krüger empfiehlt eine Reha.", "Krüger"),
        ("Ein Mädchen namens Jessica hat sich anvertraut.", "Jessica"),
        ("Familie Iwanow ist zugezogen.", "Iwanow"),
    ],
)
def test_names_are_found(text: str, name: str) -> None:
    """First names, surnames, foreign names, compounds, possessives, titles."""
    assert found(text) == [("name", name)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Die Tochter Rosa weigert sich.", "Rosa"),
        ("Herr Wolf ist der neue Partner.", "Wolf"),
        ("Frau Fuchs hat den Fall eingebracht.", "Fuchs"),
        ("Familie Klein hat fünf Kinder.", "Klein"),
        ("Ernst Hoffmann möchte die Vormundschaft.", "Ernst Hoffmann"),
        ("Mai Nguyen spricht kaum Deutsch.", "Mai Nguyen"),
        ("Der Vater Frank hat sich gemeldet.", "Frank"),
        ("Laut Frau Koch aus der Kita ist das Kind müde.", "Koch"),
        ("Die Kinder von Familie Richter kommen zu spät.", "Richter"),
        ("Der Sohn heißt Paul und geht zur Schule.", "Paul"),
    ],
)
def test_names_that_are_also_words_count_in_context(text: str, name: str) -> None:
    """A title, a naming verb, a family role or a neighbouring name makes a word a name."""
    assert found(text) == [("name", name)]


@pytest.mark.parametrize(
    "text",
    [
        "Rosa Pullover sind der Tochter wichtig.",
        "Der Junge hat Angst vor dem Wolf im Märchen.",
        "Im Mai soll die Hilfe überprüft werden.",
        "Der Vater spricht frank und frei.",
        "Ernst der Lage: Die Mutter hat es nicht erkannt.",
        "Klein anfangen: erst ein Gespräch.",
        "Der Fuchs hat die Hühner geholt.",
        "Ihre einzige Hoffnung ist die Oma.",
        "Der Sohn möchte eine Ausbildung zum Koch machen.",
        "Der Richter möchte einen Bericht.",
        "Wir wünschen der Familie Glück und bieten der Familie Unterstützung an.",
        "Fügen Sie mich zur Gruppe hinzu.",
        "Mark und Bein: Die Geschichte hat berührt.",
    ],
)
def test_words_that_are_also_names_pass_alone(text: str) -> None:
    """Colours, animals, months, adjectives and nouns pass without a naming context."""
    assert scan(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Die Mutter, der Stiefvater und die Oma kommen zum Gespräch.",
        "Die Kinder gehen in die Kita, die Grundschule und den Hort.",
        "Das Jugendamt, das Jobcenter und das Familienzentrum sind beteiligt.",
        "Die Familie stammt aus Afghanistan und spricht Dari und Paschtu.",
        "Die Tochter besucht die Lise-Meitner-Schule.",
        "Linde-17 und Fink-23 werden heute besprochen.",
    ],
)
def test_roles_institutions_places_schools_and_case_codes_pass(text: str) -> None:
    """What the team needs to describe a case is not a name."""
    assert scan(text) == []


# ---------------------------------------------------------------------------------------
# The allowlist
# ---------------------------------------------------------------------------------------


def test_allowlisted_names_pass_case_insensitively() -> None:
    """Provider and social-space names pass, in any case."""
    text = "wiegmann hilfen und Wiegmann Hilfen arbeiten mit der Pestalozzi Stiftung in Garstedt."
    assert scan(text, NORDERSTEDT) == []
    assert kinds_of("Frau Wiegmann hat angerufen.", NORDERSTEDT) == {"name"}


def test_allowlist_splits_alternatives_but_not_words() -> None:
    """ "A (B)" and "A / B" allow each part; a name inside a provider's name does not pass."""
    assert scan("Das Sozialwerk und das Familienzentrum Glashütte.", NORDERSTEDT) == []
    assert scan("Angebot in Harksheide-Nord und Friedrichsgabe.", NORDERSTEDT) == []
    assert scan("Das Kinder- und Jugendheim St. Josef hilft.", NORDERSTEDT) == []
    assert found("Josef kommt nicht mehr.", NORDERSTEDT) == [("name", "Josef")]


def test_allowlist_matches_whole_words_only() -> None:
    """An allowed word does not let a longer word through."""
    allow = Allowlist(terms=("Jansen",))
    assert scan("Frau Jansen vom Träger.", allow) == []
    assert found("Frau Jansenberg vom Träger.", allow) == [("name", "Jansenberg")]


def test_allowlist_patterns_and_case_codes() -> None:
    """Callers may allow by pattern, e.g. the bot's case codes ("Linde-17")."""
    allow = Allowlist(terms=("Linde-17",), patterns=(re.compile(r"\bSpecht-\d{2,3}\b"),))
    assert scan("Thema LINDE-17 und Specht-41: Die Mutter fragt nach Hilfe.", allow) == []


# ---------------------------------------------------------------------------------------
# Linear time on hostile input
# ---------------------------------------------------------------------------------------

_RANDOM = random.Random(8)
_MIXED = "".join(
    _RANDOM.choice("абвгдежзийклмнопрстуфхцчшщыэюяابتثجحخدذرزسشصضطظعغ😀🙈👍 1-.@/")
    for _ in range(4096)
)
HOSTILE = {
    "digits": "1" * 4096,
    "dashes and dots": "-." * 2048,
    "at signs": "a@" * 2048,
    "umlaut digit space": "ä1 " * 1365,
    "mixed scripts and emoji": _MIXED,
    "zeros and spaces": "0 " * 2048,
    "country codes": "+49 " * 1024,
    "iban starts": "DE12 " * 819,
    "dates": "12.03." * 682,
    "titles": "Frau " * 819,
    "names": "Paul Wolf " * 409,
    "handles": "@a " * 1365,
    "streets": "Am Hang 3 " * 409,
    "slashes": "1/" * 2048,
    "office numbers": "51-" * 1365,
    "brackets": "(1) " * 1024,
    "abbreviations": "St." * 1365,
    "domains": "x.de/" * 819,
    "file keywords": "Az. 1" * 819,
}


def _best_of_three(text: str) -> float:
    """The fastest of three scans, in seconds (the minimum is least disturbed by noise)."""
    timings = []
    for _ in range(3):
        began = time.perf_counter()
        scan(text)
        timings.append(time.perf_counter() - began)
    return min(timings)


def _best_of_three_without_gc(text: str) -> float:
    """As :func:`_best_of_three`, with the garbage collector paused.

    A collection costs time in proportion to everything the test process holds, not to
    the input, and would make a linear algorithm look superlinear at random.
    """
    gc.collect()
    gc.disable()
    try:
        return _best_of_three(text)
    finally:
        gc.enable()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_is_checked_in_under_50_ms(name: str) -> None:
    """The issue's requirement: a 4096-character hostile string takes well under 50 ms.

    The one timed assertion in the suite, by explicit requirement; best of three runs.
    """
    scan("Paul")  # load the word lists first: that happens once per process
    text = HOSTILE[name]
    assert 4080 <= len(text) <= 4096
    assert _best_of_three(text) < 0.05


@pytest.mark.parametrize("name", ["digits", "at signs", "names", "streets", "dates", "handles"])
def test_time_grows_linearly_with_the_input(name: str) -> None:
    """Eight times the input takes far less than twenty times as long (no backtracking)."""
    scan("Paul")
    text = HOSTILE[name]
    small = text[: len(text) // 8]
    assert _best_of_three_without_gc(text) < 20 * max(_best_of_three_without_gc(small), 0.0005)


@pytest.mark.parametrize("position", [0, WINDOW - 10, WINDOW - MARGIN - 5, 2 * WINDOW - OVERLAP])
def test_long_input_is_checked_in_windows_without_losing_anything(position: int) -> None:
    """Far more than an answer's 1,000 characters: found once, also at a window's edge."""
    filler = "Die Mutter wünscht sich Unterstützung bei der Tagesstruktur. " * 1500
    text = f"{filler[:position]} Jennifer Kowalski, 0176 12345678 {filler[position:]}"
    assert len(text) > 2 * WINDOW
    assert found(text) == [("name", "Jennifer Kowalski"), ("phone", "0176 12345678")]


def test_preload_loads_the_word_lists() -> None:
    """``preload`` lets a bot pay the one-off loading cost at start-up."""
    preload()
    assert name_lexicon.cache_info().currsize == 1
