"""The search of the map of offers and the rule for each field, without Telegram or database."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.offers import fields
from bot.offers.search import fold, natural_key, query_words, rank, same_kind, words


@dataclass
class _Offer:
    id: int
    name: str
    kind: str = "Sport"
    target_group: str = ""
    provider: str = "SV Friedrichsgabe"
    description: str = ""


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Fussball", "Fußball"),
        ("FUSSBALL", "fußball"),
        ("Muenchen", "München"),
        ("Munchen", "München"),
        ("muenchen", "MÜNCHEN"),
        ("Elterncafe", "Elterncafé"),
        ("Strasse", "Straße"),
        ("Baeckerei", "Bäckerei"),
    ],
)
def test_fold_makes_umlauts_ss_and_accents_equal(typed: str, stored: str) -> None:
    """What a German keyboard-less user types folds to the same as the stored spelling."""
    assert fold(typed) == fold(stored)


def test_fold_leaves_vowel_digraphs_alone() -> None:
    """ "Feuer", "neue" and "Quelle" keep their "ue" (German2 rule), so they stay distinct."""
    assert fold("Feuer") == "feuer"
    assert fold("neue") == "neue"
    assert fold("Quelle") == "quelle"
    assert fold("Mut") != fold("Mauer")


def test_words_split_at_hyphens_and_punctuation() -> None:
    """Hyphens, slashes and dots separate words."""
    assert words("Familien-Zentrum / Café") == ["familien", "zentrum", "cafe"]


def test_natural_key_ignores_case_spacing_and_spelling_of_umlauts() -> None:
    """ "Fußball-AG" of "SV Friedrichsgabe" is the same offer as "fussball ag" of "sv …"."""
    assert natural_key("Fußball-AG", "SV Friedrichsgabe") == natural_key(
        " fussball  AG", "sv friedrichsgabe"
    )
    assert natural_key("Fußball-AG", "SV A") != natural_key("Fußball-AG", "SV B")


def test_query_drops_stop_words_unless_nothing_is_left() -> None:
    """ "Hilfe für Eltern" searches "hilfe" and "eltern"; "für" alone is still searched."""
    assert query_words("Hilfe für Eltern") == ["hilfe", "eltern"]
    assert query_words("für") == ["fur"]


def test_umlaut_query_finds_the_umlaut_offer() -> None:
    """ "Fussball" finds "Fußball-AG" and nothing unrelated."""
    offers = [_Offer(1, "Fußball-AG"), _Offer(2, "Elterncafé", kind="Elterncafé")]
    assert [offer.id for offer in rank(offers, "Fussball")] == [1]


def test_compound_query_finds_hyphenated_name() -> None:
    """ "Familienzentrum" finds "Familien-Zentrum", and "zentrum" finds both spellings."""
    offers = [
        _Offer(1, "Familien-Zentrum Glashütte", kind="Beratung"),
        _Offer(2, "Familienzentrum Harksheide", kind="Beratung"),
    ]
    assert {offer.id for offer in rank(offers, "Familienzentrum")} == {1, 2}
    assert {offer.id for offer in rank(offers, "Zentrum")} == {1, 2}


def test_name_ranks_above_kind_above_target_group_above_text() -> None:
    """The same word counts most in the name, then kind, target group, provider, text."""
    offers = [
        _Offer(1, "Treff", kind="Beratung", description="Auch für Eltern"),
        _Offer(2, "Treff", kind="Beratung", target_group="Eltern"),
        _Offer(3, "Eltern-Abend", kind="Beratung"),
        _Offer(4, "Treff", kind="Eltern"),
        _Offer(5, "Eltern-Kind-Turnen"),
    ]
    assert [offer.id for offer in rank(offers, "Eltern")] == [3, 5, 4, 2, 1]


def test_weight_times_match_quality_decides() -> None:
    """A whole word in the kind (4 x 3) beats a word start in the name (5 x 2)."""
    offers = [_Offer(1, "Elternabend", kind="Beratung"), _Offer(2, "Treff", kind="Eltern")]
    assert [offer.id for offer in rank(offers, "Eltern")] == [2, 1]


def test_whole_word_beats_word_start_beats_inside() -> None:
    """ "ball" as a word beats "Ballspiele" (word start), which beats "Fußball" (inside)."""
    offers = [_Offer(1, "Fußball"), _Offer(2, "Ballspiele"), _Offer(3, "Ball im Park")]
    assert [offer.id for offer in rank(offers, "ball")] == [3, 2, 1]


def test_every_query_word_must_match_before_partial_matches_count() -> None:
    """Offers with all words come first; only when there is none do partial matches come."""
    offers = [
        _Offer(1, "Fußball", target_group="Mädchen"),
        _Offer(2, "Fußball", target_group="Jungen"),
        _Offer(3, "Tanzen", target_group="Mädchen"),
    ]
    assert [offer.id for offer in rank(offers, "Fussball Maedchen")] == [1]
    fallback = rank(offers, "Fussball Schwimmen")
    assert [offer.id for offer in fallback] == [1, 2]


def test_ties_go_by_name() -> None:
    """Equal scores are ordered by the folded name, then id."""
    offers = [_Offer(1, "Zumba", kind="Sport"), _Offer(2, "Aikido", kind="Sport")]
    assert [offer.id for offer in rank(offers, "sport")] == [2, 1]


def test_empty_query_finds_nothing() -> None:
    """A query of punctuation only is no search."""
    assert rank([_Offer(1, "Fußball")], " ?! ") == []


def test_same_kind_folds_spelling() -> None:
    """ "Elterncafé" and "Eltern-Cafe" are one kind."""
    assert same_kind("Elterncafé", "Eltern-Cafe")
    assert not same_kind("Sport", "Sportverein")


# -- field rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("040 123456", "+49 40 123456"),
        ("0176 12345678", "+49 176 12345678"),
        ("+49 (40) 52 60 00", "+49 40 526000"),
        ("+44 20 7946 0958", "+44 20 7946 0958"),
    ],
)
def test_valid_phone_numbers_are_kept_in_international_form(typed: str, kept: str) -> None:
    """phonenumbers reads a number without country code as German."""
    assert fields.check_phone(typed) == kept


@pytest.mark.parametrize("typed", ["12", "0800", "Telefon", "040-abc", "+49 1"])
def test_invalid_phone_numbers_are_refused(typed: str) -> None:
    """Too short, letters, no number: refused."""
    assert fields.check_phone(typed) == fields.Problem("offers.problem.phone")


@pytest.mark.parametrize("typed", ["info@familienzentrum.de", "a.b+c@sub.example.org"])
def test_plausible_email_is_kept(typed: str) -> None:
    """Ordinary addresses pass; the domain is lower-cased."""
    assert fields.check_email(typed.replace("example", "EXAMPLE")) == typed


@pytest.mark.parametrize(
    "typed", ["info@", "info@familienzentrum", "a b@x.de", "a@@x.de", "a..b@x.de", "@x.de"]
)
def test_implausible_email_is_refused(typed: str) -> None:
    """Missing domain or dot, blanks, double @ or dots: refused."""
    assert fields.check_email(typed) == fields.Problem("offers.problem.email")


def test_free_of_charge_understands_yes_no_and_unknown() -> None:
    """ "ja", "x", "kostenlos" → True; "nein", "0" → False; empty → None; else a problem."""
    assert [fields.check_free(v) for v in ("Ja", "x", "kostenlos", "nein", "0", "", "?")] == [
        True,
        True,
        True,
        False,
        False,
        None,
        None,
    ]
    assert fields.check_free("vielleicht") == fields.Problem("offers.problem.free")


def test_description_with_a_name_is_refused_by_kind_only() -> None:
    """The privacy gate runs on the description; the problem names the kind, never the text."""
    problem = fields.check("description", "Hausaufgabenhilfe mit Kevin Müller, 0176 12345678")
    assert isinstance(problem, fields.Problem)
    assert problem.key == "offers.problem.identifying"
    sentence = fields.describe(problem, "de")
    assert "Kevin" not in sentence and "Telefonnummer" in sentence


def test_place_and_phone_are_not_screened() -> None:
    """The organisational address is public and allowed in the place field."""
    assert fields.check("place", "Rathausallee 50, 22846 Norderstedt") == (
        "Rathausallee 50, 22846 Norderstedt"
    )


def test_required_and_length_rules() -> None:
    """Name, provider and kind are required; every field has its limit."""
    assert fields.check("name", " - ") == fields.Problem("offers.problem.required")
    assert fields.check("target_group", "") == ""
    assert fields.check("name", "x" * 121) == fields.Problem(
        "offers.problem.too_long", {"length": 121, "limit": 120}
    )
    assert (
        fields.check("description", "Zeile eins\n\n  Zeile   zwei ") == "Zeile eins\n\nZeile zwei"
    )
