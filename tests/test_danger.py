"""Signals of acute danger to a child (§ 8a SGB VIII) in a case topic."""

from __future__ import annotations

import pytest

from bot.privacy import danger_terms, signals_danger
from bot.privacy.danger import DANGER_TERMS


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Der Junge erzählt, dass der Vater ihn geschlagen hat.", "geschlagen"),
        ("Der Stiefvater schlägt die Kinder, sagt die Nachbarin.", "geschlagen"),
        ("Es gibt Hinweise auf häusliche Gewalt.", "Gewalt"),
        ("Die Mutter erlebt Partnergewalt.", "Gewalt"),
        ("Verdacht auf Misshandlung, die Kita hat Fotos gemacht.", "Misshandlung"),
        ("Die Tochter deutet einen sexuellen Übergriff an.", "sexuell"),
        ("Verdacht auf Missbrauch durch den Onkel.", "Missbrauch"),
        ("Die Kinder wirken vernachlässigt und hungrig.", "Vernachlässigung"),
        ("Die Wohnung ist verwahrlost.", "Vernachlässigung"),
        ("Das Baby ist unterernährt.", "verhungert"),
        ("Der Ex-Partner hat die Mutter bedroht.", "Drohung"),
        ("Er droht, die Kinder mitzunehmen.", "Drohung"),
        ("Die Jugendliche hat Suizidgedanken geäußert.", "Suizid"),
        ("Er sagt, er will sich umbringen.", "Suizid"),
        ("Die Tochter ritzt sich seit Wochen.", "Selbstverletzung"),
        ("Selbstverletzendes Verhalten seit dem Sommer.", "Selbstverletzung"),
        ("Es besteht der Verdacht einer Kindeswohlgefährdung.", "Kindeswohlgefährdung"),
        ("Das Kind hatte Hämatome an den Armen.", "Verletzungen"),
        ("Die Erzieherin hat blaue Flecken gesehen.", "Verletzungen"),
        ("Die Kinder werden nachts eingesperrt.", "eingesperrt"),
        ("Das Kleinkind wurde allein gelassen.", "allein gelassen"),
        ("Die Tochter soll zwangsverheiratet werden.", "Zwangsheirat"),
    ],
)
def test_danger_is_recognised(text: str, term: str) -> None:
    """Each kind of acute danger is recognised by its stem, in any inflection."""
    assert term in danger_terms(text)
    assert signals_danger(text)


@pytest.mark.parametrize(
    "text",
    [
        "Die Schule bietet einen Workshop zur Gewaltprävention an.",
        "Die Eltern lernen gewaltfreie Kommunikation.",
        "Der Vermieter droht mit Kündigung der Wohnung.",
        "Es droht eine Stromsperre, die Schulden sind hoch.",
        "Die Schule macht ein Projekt zur Sexualpädagogik.",
        "Die Mutter wünscht sich Unterstützung bei der Tagesstruktur.",
        "Die Drohne des Nachbarn fliegt über den Garten.",
        "Die Eltern schlagen eine Familienkonferenz vor.",
    ],
)
def test_harmless_uses_do_not_signal_danger(text: str) -> None:
    """Prevention, threats about money or the flat, and unrelated words pass."""
    assert danger_terms(text) == []
    assert not signals_danger(text)


def test_matching_ignores_case_and_reports_each_term_once() -> None:
    """Upper case, lower case, repetition: each canonical term once, in order of appearance."""
    text = "GEWALT in der Familie, wieder Gewalt; das Kind wurde GESCHLAGEN und geschlagen."
    assert danger_terms(text) == ["Gewalt", "geschlagen"]


def test_compounds_count_where_the_stem_carries_the_meaning() -> None:
    """ "Kindesmissbrauch" and "Kindesmisshandlung" count; "Aufschlag" is not "schlägt"."""
    assert danger_terms("Verdacht auf Kindesmissbrauch.") == ["Missbrauch"]
    assert danger_terms("Hinweise auf Kindesmisshandlung.") == ["Misshandlung"]
    assert danger_terms("Der Aufschlag beim Tennis war gut.") == []


def test_every_term_has_a_canonical_name() -> None:
    """The canonical names are the ones tests and callers use."""
    assert "Kindeswohlgefährdung" in DANGER_TERMS
    assert "Suizid" in DANGER_TERMS


def test_long_hostile_input_is_handled() -> None:
    """Long runs of letters and digits give a plain answer (the expression is linear)."""
    assert not signals_danger("1" * 4096 + "a" * 4096 + "ä1 " * 1365)
    assert signals_danger("x " * 2000 + "Gewalt")
