"""Does a case topic signal acute danger to a child (§ 8a SGB VIII)?

Such a case never waits for the next weekly consultation: the caseworker acts at once, and
the bot says so and points to the local procedure. This check only decides whether to show
that reminder, so it leans towards showing it: a false alarm costs one extra sentence, a
miss can cost far more. It matches word stems case-insensitively at the start of a word
("Vernachlässigung", "vernachlässigt"), inside compounds where the stem carries the meaning
("Kindesmissbrauch", "Partnergewalt"), a few phrases ("blaue Flecken", "allein
gelassen"), and leaves out words that name prevention or the absence of violence
("Gewaltprävention", "gewaltfreie Kommunikation", "Sexualpädagogik") and threats that are
not about a person ("droht mit Kündigung"). Negation ("keine Gewalt") is not understood;
the reminder then still appears.
"""

from __future__ import annotations

import re
from typing import Final

#: Canonical term → expression matched at the start of a word (case-insensitive).
DANGER_TERMS: Final[dict[str, str]] = {
    "Gewalt": r"gewalt\w*|\w+gewalt\b",
    "geschlagen": r"geschlagen|schlägt|schlug|schlugen|verprügel\w*|geprügelt|prügel\w*"
    r"|ohrfeig\w*|getreten|gewürgt|würgt|erwürg\w*",
    "Misshandlung": r"\w*misshandl\w*|\w*misshandel\w*",
    "Missbrauch": r"\w*missbrauch\w*|missbraucht",
    "sexuell": r"sexuell\w*|sexualisiert\w*|übergriff\w*|vergewaltig\w*|belästig\w*",
    "Vernachlässigung": r"\w*vernachlässig\w*|verwahrlos\w*",
    "verhungert": r"verhunger\w*|unterernährt\w*|hungert\w*",
    "Drohung": r"droh\w*|bedroh\w*|gedroht",
    "Suizid": r"suizid\w*|selbstmord\w*|umbringen|bringt sich um|bringe mich um"
    r"|nicht mehr leben|will sterben|lebensmüde\w*",
    "Selbstverletzung": r"selbstverletz\w*|ritzt|ritzen|geritzt|ritzt sich",
    "Kindeswohlgefährdung": r"kindeswohlgefährd\w*|kindeswohl gefährdet|akute gefahr"
    r"|lebensgefahr\w*|gefahr für leib und leben",
    "Verletzungen": r"verletzungen|hämatom\w*|blaue flecken|blauen flecken|blutergu\w*"
    r"|brandwunde\w*|striemen|knochenbr\w*",
    "eingesperrt": r"eingesperrt|einsperr\w*|sperrt \w+ ein",
    "allein gelassen": r"allein gelassen|alleingelassen|allein zurückgelassen"
    r"|unbeaufsichtigt\w*|tagelang allein",
    "töten": r"töten|getötet|tötet|todesangst|mit dem tod",
    "Zwangsheirat": r"zwangsheirat\w*|zwangsverheirat\w*|genitalverstümmel\w*|menschenhandel",
}

# Words that contain a stem but name prevention, protection training or sexual education.
_HARMLESS_WORDS: Final = (
    "gewaltprävention", "gewaltpräventiv", "gewaltfrei", "antigewalt", "gewaltverzicht",
    "sexualpädagog", "sexualerzieh", "sexualkunde", "sexuelle bildung", "sexuelle orientierung",
    "sexuelle identität", "sexuelle vielfalt", "sexuelle aufklärung", "drohnen", "drohne",
)  # fmt: skip
# Threats that are about money, a flat or school, not a person.
_HARMLESS_AFTER_THREAT: Final = re.compile(
    r"(?i)\s+(?:\w+\s+){0,3}?(?:mit\s+)?(?:der\s+|dem\s+|einer\s+|einem\s+)?"
    r"(?:kündigung|räumung|zwangsräumung|sperre|stromsperre|mahnung|mahnverfahren|abschiebung"
    r"|schulverweis|ausschluss|inkasso|pfändung|gerichtsvollzieher|bußgeld|vertragsstrafe"
    r"|rauswurf|strafe|sanktion\w*|leistungskürzung|beschwerde|dienstaufsichtsbeschwerde"
    r"|anwalt|klage|anzeige|presse)"
)

_PATTERN: Final = re.compile(
    r"(?i)(?<!\w)(?:"
    + "|".join(f"(?P<t{i}>{expression})" for i, expression in enumerate(DANGER_TERMS.values()))
    + r")"
)
_NAMES: Final = tuple(DANGER_TERMS)


def _harmless(text: str, start: int, end: int, term: str) -> bool:
    """Whether the match is a harmless use ("Gewaltprävention", "droht mit Kündigung")."""
    word_end = end
    while word_end < len(text) and (text[word_end].isalpha() or text[word_end] in "-"):
        word_end += 1
    context = text[start : min(len(text), word_end + 24)].casefold()
    if context.startswith(_HARMLESS_WORDS) or any(
        text[start:word_end].casefold().startswith(word) for word in _HARMLESS_WORDS
    ):
        return True
    if term == "Drohung":
        return (
            _HARMLESS_AFTER_THREAT.match(text, word_end, min(len(text), word_end + 60)) is not None
        )
    return False


def danger_terms(text: str) -> list[str]:
    """The canonical danger terms found in ``text``, each once, in order of appearance."""
    found: dict[str, None] = {}
    for match in _PATTERN.finditer(text):
        term = _NAMES[int((match.lastgroup or "t0")[1:])]
        if not _harmless(text, match.start(), match.end(), term):
            found.setdefault(term)
    return list(found)


def signals_danger(text: str) -> bool:
    """Whether ``text`` suggests an acute risk to a child's welfare (§ 8a SGB VIII)."""
    return bool(danger_terms(text))
