"""The agenda of a team's next consultation, as the bot shows it in the group and in private.

Loads the meeting's queued topics, lays them out with :func:`bot.topics.agenda.arrange` and
renders them. The group version shows only each topic's code and question (never the
situation or anything else); the private version, for members of the team, adds the urgency,
the kind of help and who brings it. Questions are decrypted here and only here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.consultations.schedule import Occurrence
from bot.crypto import InvalidToken, Vault
from bot.handlers.consultations import format_when
from bot.i18n import Markup, t
from bot.storage import topics
from bot.storage.models import CaseTopic, ConsultationSeries, Meeting, Member, Team
from bot.topics import agenda, placement

log = logging.getLogger(__name__)

GROUP_QUESTION_LIMIT: Final = 200
"""A question longer than this is cut in the group (it stays whole in private)."""


@dataclass(frozen=True)
class Item:
    """A topic on the agenda with what is shown of it."""

    topic: CaseTopic
    slot: agenda.Slot
    code: str
    question: str | None
    author: str


@dataclass(frozen=True)
class Board:
    """The agenda of one meeting."""

    team: Team
    series: ConsultationSeries
    meeting: Meeting
    occurrence: Occurrence
    deadline: datetime
    items: tuple[Item, ...]

    @property
    def fitting(self) -> tuple[Item, ...]:
        """Items that fit into the meeting's time."""
        return tuple(item for item in self.items if item.slot.fits)

    @property
    def overflow(self) -> tuple[Item, ...]:
        """Items for which time runs out; they move to the next date after the meeting."""
        return tuple(item for item in self.items if not item.slot.fits)


def entry_of(topic: CaseTopic) -> agenda.Entry:
    """What the pure agenda needs of a topic."""
    assert topic.id is not None
    return agenda.Entry(topic.id, topic.urgent, topic.position, topic.submitted_at)


def open_question(vault: Vault | None, topic: CaseTopic) -> str | None:
    """A topic's question in plain text; None when deleted, no key, or not readable."""
    if vault is None or topic.question is None:
        return None
    try:
        return vault.open(topic.question)
    except InvalidToken:
        log.error("question of topic %s cannot be decrypted with the configured keys", topic.id)
        return None


async def board_of(
    session: AsyncSession,
    *,
    team: Team,
    meeting: Meeting,
    series: ConsultationSeries,
    occurrence: Occurrence,
    deadline: datetime,
    vault: Vault | None,
) -> Board:
    """The agenda of a meeting as it takes place (``occurrence``)."""
    assert meeting.id is not None
    queued = list(await topics.queued_on(session, meeting_id=meeting.id))
    codes = await topics.codes_by_case(session, case_ids={topic.case_id for topic in queued})
    slots = agenda.arrange(
        [entry_of(topic) for topic in queued],
        starts_at=occurrence.starts_at,
        length=occurrence.length,
        box=timedelta(minutes=series.minutes_per_case),
    )
    by_id = {topic.id: topic for topic in queued}
    items = []
    for slot in slots:
        topic = by_id[slot.entry.topic_id]
        author = await session.get(Member, topic.author_id)
        items.append(
            Item(
                topic=topic,
                slot=slot,
                code=codes.get(topic.case_id, "?"),
                question=open_question(vault, topic),
                author=author.display_name if author else "?",
            )
        )
    return Board(team, series, meeting, occurrence, deadline, tuple(items))


async def next_board(
    session: AsyncSession, *, team: Team, tz: ZoneInfo, now: datetime, vault: Vault | None
) -> Board | None:
    """The agenda of the team's next consultation that has not begun; None without one.

    Topics that wait without a date are placed first, so they show up.
    """
    assert team.id is not None
    await placement.rehome_cancelled(session, team_id=team.id, tz=tz, now=now)
    await placement.place_waiting(session, team_id=team.id, tz=tz, now=now)
    target = await placement.next_date(session, team_id=team.id, tz=tz, now=now, after=now)
    if target is None:
        return None
    return await board_of(
        session,
        team=team,
        meeting=target.meeting,
        series=target.series,
        occurrence=target.occurrence,
        deadline=target.deadline,
        vault=vault,
    )


# -- texts ------------------------------------------------------------------------------------


def _clock(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def item_line(item: Item, tz: ZoneInfo, lang: str, *, private: bool) -> str:
    """One agenda line: number, time box, code, question (and more in private)."""
    question = item.question
    if question is None:
        question_text = t(lang, "agenda.question_gone")
    else:
        question_text = t(
            lang,
            "agenda.question",
            question=question if private else _cut(question, GROUP_QUESTION_LIMIT),
        )
    line = t(
        lang,
        "agenda.item",
        number=item.slot.number,
        start=_clock(item.slot.starts_at, tz),
        end=_clock(item.slot.ends_at, tz),
        code=item.code,
        urgent=Markup(t(lang, "agenda.urgent_mark")) if item.topic.urgent else "",
        question=Markup(question_text),
    )
    if private:
        line += "\n" + t(
            lang,
            "agenda.item_details",
            author=item.author,
            help=t(lang, f"agenda.help.{item.topic.help_kind}"),
        )
    return line


def board_text(
    board: Board,
    heading: Markup | None,
    tz: ZoneInfo,
    lang: str,
    *,
    private: bool,
    now: datetime,
) -> str:
    """The agenda as a message: heading, the items that fit, those that move on.

    Without ``heading`` (inside a reminder that names the meeting already) the title is short.
    """
    title = t(lang, "agenda.title", meeting=heading) if heading else t(lang, "agenda.title_short")
    parts = [title]
    if not board.items:
        key = "agenda.empty" if now < board.deadline else "agenda.empty_closed"
        parts.append(t(lang, key, deadline=format_when(board.deadline, tz, lang)))
        return "\n\n".join(parts)
    parts.append("\n\n".join(item_line(item, tz, lang, private=private) for item in board.fitting))
    if board.overflow:
        parts.append(
            t(lang, "agenda.overflow_title")
            + "\n"
            + "\n".join(item_line(item, tz, lang, private=private) for item in board.overflow)
        )
    if now < board.deadline:
        parts.append(t(lang, "agenda.footer", deadline=format_when(board.deadline, tz, lang)))
    else:
        parts.append(t(lang, "agenda.footer_closed"))
    return "\n\n".join(parts)
