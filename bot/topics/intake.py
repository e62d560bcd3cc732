"""The rules of the case-topic intake: what an answer may be, and what the gate lets pass.

Pure functions plus two small data functions; :mod:`bot.handlers.topics` runs the dialogue.
An answer is checked in this order, so that an identifier is always caught (and its message
deleted) even when the answer is also too long: privacy gate, then emptiness, then length.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import TextKey
from bot.privacy import Allowlist, scan
from bot.privacy.danger import signals_danger
from bot.storage import topics
from bot.storage.models import CaseTopic, Organisation, Provider, Region, SocialSpace, Team
from bot.topics import HELP_KINDS

#: The free-text answers, in the order the dialogue asks for them.
TEXT_FIELDS: Final = topics.TEXT_FIELDS
#: Answers that may be left out with a button (the Lüttringhaus questions).
SKIPPABLE: Final = frozenset({"will", "resources"})
#: The longest answer per field, in characters. The question is one or two sentences; the
#: rest is a short account for a 20–30 minute slot, not a case file.
LIMITS: Final = {
    "question": 500,
    "situation": 1000,
    "will": 1000,
    "resources": 1000,
    "tried": 1000,
}
SPLIT_LENGTH: Final = 4000
"""Telegram splits longer texts into messages of 4096 characters. A refused answer at least
this long followed within :data:`SPLIT_SECONDS` by another message is taken as one split text,
so the second part is not taken as the answer."""
SPLIT_SECONDS: Final = 5

FIELD_LABELS: Final = {
    "question": TextKey("topics.field_question"),
    "situation": TextKey("topics.field_situation"),
    "will": TextKey("topics.field_will"),
    "resources": TextKey("topics.field_resources"),
    "tried": TextKey("topics.field_tried"),
    "urgency": TextKey("topics.field_urgency"),
    "help_kind": TextKey("topics.field_help_kind"),
}
HELP_LABELS: Final = {
    "ambulant": TextKey("topics.help_ambulant"),
    "stationaer": TextKey("topics.help_stationaer"),
    "fua": TextKey("topics.help_fua"),
    "offen": TextKey("topics.help_offen"),
}
assert tuple(HELP_LABELS) == HELP_KINDS
#: What each kind of finding is called when an answer is refused (the text is never echoed).
FINDING_LABELS: Final = {
    "name": TextKey("topics.found_name"),
    "date": TextKey("topics.found_date"),
    "age": TextKey("topics.found_age"),
    "phone": TextKey("topics.found_phone"),
    "email": TextKey("topics.found_email"),
    "address": TextKey("topics.found_address"),
    "postcode": TextKey("topics.found_postcode"),
    "iban": TextKey("topics.found_iban"),
    "tax_id": TextKey("topics.found_tax_id"),
    "social_insurance": TextKey("topics.found_social_insurance"),
    "health_insurance": TextKey("topics.found_health_insurance"),
    "file_number": TextKey("topics.found_file_number"),
    "licence_plate": TextKey("topics.found_licence_plate"),
    "url": TextKey("topics.found_url"),
    "handle": TextKey("topics.found_handle"),
}
OTHER_FINDING: Final = TextKey("topics.found_other")

#: Typed words that answer the button questions the same way as the buttons.
NEW_CASE_WORDS: Final = frozenset({"neu", "neuer fall", "new", "new case"})
URGENCY_WORDS: Final = {
    "normal": False,
    "nicht dringend": False,
    "dringend": True,
    "urgent": True,
    "eilig": True,
}
HELP_WORDS: Final = {
    "ambulant": "ambulant",
    "ambulatory": "ambulant",
    "stationär": "stationaer",
    "stationaer": "stationaer",
    "residential": "stationaer",
    "füa": "fua",
    "fua": "fua",
    "offen": "offen",
    "open": "offen",
}


@dataclass(frozen=True)
class Verdict:
    """What became of one typed answer.

    ``problem`` is None when the answer may be kept; otherwise ``"identifying"`` (``kinds``
    says what was found), ``"empty"`` or ``"too_long"`` (``length`` against ``limit``).
    """

    text: str
    problem: str | None = None
    kinds: tuple[str, ...] = ()
    length: int = 0
    limit: int = 0
    danger: bool = False

    @property
    def ok(self) -> bool:
        """The answer may be sealed and kept."""
        return self.problem is None


def finding_kinds(text: str, allow: Allowlist | None) -> tuple[str, ...]:
    """The kinds of identifier the privacy gate finds in ``text``, each once, in text order."""
    kinds: list[str] = []
    for finding in sorted(scan(text, allow), key=lambda found: found.start):
        if finding.kind not in kinds:
            kinds.append(finding.kind)
    return tuple(kinds)


def check_answer(text: str, *, limit: int, allow: Allowlist | None) -> Verdict:
    """Check one typed answer: privacy gate first, then emptiness, then length.

    A text of only punctuation or blanks counts as empty; the length is counted after
    stripping surrounding blanks.
    """
    clean = text.strip()
    kinds = finding_kinds(clean, allow) if clean else ()
    if kinds:
        return Verdict(text="", problem="identifying", kinds=kinds)
    if not any(char.isalnum() for char in clean):
        return Verdict(text="", problem="empty")
    if len(clean) > limit:
        return Verdict(text="", problem="too_long", length=len(clean), limit=limit)
    return Verdict(text=clean, danger=signals_danger(clean))


def continues_split_text(
    previous: dict[str, float] | None, *, length: int, sent_at: datetime
) -> bool:
    """Whether a message is the next part of a long text Telegram split and we refused.

    ``previous`` is what :func:`split_marker` stored for the refused part.
    """
    if not previous or previous.get("length", 0) < SPLIT_LENGTH:
        return False
    gap = sent_at.timestamp() - float(previous.get("sent_at", 0))
    return 0 <= gap <= SPLIT_SECONDS and length > 0


def split_marker(*, length: int, sent_at: datetime) -> dict[str, float]:
    """What to remember of a refused long answer (its length and time, never its text)."""
    return {"length": length, "sent_at": sent_at.timestamp()}


def match_words(text: str, words: Mapping[str, object] | frozenset[str]) -> object | None:
    """The meaning of a typed button answer ("Dringend", "stationär"), or None."""
    clean = " ".join(text.split()).strip(" .!").casefold()
    if isinstance(words, frozenset):
        return True if clean in words else None
    return words.get(clean)


def allowlist_of(names: Iterable[str], codes: Iterable[str]) -> Allowlist:
    """The allowlist for the privacy gate: the organisation's names and its case codes.

    Names pass whole and in their alternatives ("Friedrichsgabe / Harksheide-Nord" also as
    each area) but are never split into single words, so the "Josef" of "Kinder- und
    Jugendheim St. Josef" is still caught as a child's name. Only codes the organisation
    has given out pass, not every word-and-number that looks like one.
    """
    return Allowlist.from_names([*names, *sorted(codes)])


async def organisation_names(session: AsyncSession, *, organisation_id: int) -> list[str]:
    """Names the organisation uses for itself: regions, social spaces and their areas,
    teams and providers (the structure file is where they come from)."""
    names: list[str] = []
    organisation = await session.get(Organisation, organisation_id)
    if organisation is not None:
        names.append(organisation.name)
    regions = (
        await session.exec(select(Region).where(Region.organisation_id == organisation_id))
    ).all()
    names += [region.name for region in regions]
    region_ids = [region.id for region in regions if region.id is not None]
    if region_ids:
        spaces = (
            await session.exec(
                select(SocialSpace).where(col(SocialSpace.region_id).in_(region_ids))
            )
        ).all()
        for space in spaces:
            names.append(space.name)
            names += list(space.areas)
    names += (
        await session.exec(select(Team.name).where(Team.organisation_id == organisation_id))
    ).all()
    names += (
        await session.exec(
            select(Provider.name).where(Provider.organisation_id == organisation_id)
        )
    ).all()
    return names


async def allowlist_for(session: AsyncSession, *, organisation_id: int) -> Allowlist:
    """The allowlist of one organisation, read fresh (a new case code passes at once)."""
    names = await organisation_names(session, organisation_id=organisation_id)
    codes = await topics.codes_of_organisation(session, organisation_id=organisation_id)
    return allowlist_of(names, codes)


async def mark_urgent(session: AsyncSession, *, topic: CaseTopic, now: datetime) -> bool:
    """Make a queued topic urgent (its text now signals danger); False if it was already."""
    if topic.urgent:
        return False
    topic.urgent = True
    topic.updated_at = now
    session.add(topic)
    await session.flush()
    return True


def ordered_kinds(kinds: Sequence[str]) -> list[TextKey]:
    """The labels of found kinds, unknown kinds as "other" (once)."""
    labels: list[TextKey] = []
    for kind in kinds:
        label = FINDING_LABELS.get(kind, OTHER_FINDING)
        if label not in labels:
            labels.append(label)
    return labels
