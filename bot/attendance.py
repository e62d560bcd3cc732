"""Who comes to a meeting: the live state of a meeting, the answers against the roster, texts.

Shared by the reminder job (:mod:`bot.scheduler.reminders`) and the answer buttons and
``/zusagen`` (:mod:`bot.handlers.rsvp`). A stored meeting's times may be stale (the series
was moved since), so every decision asks :func:`live_meeting`, which computes the date
from the series and its exceptions as they are now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.consultations.schedule import Occurrence, plan_dates
from bot.handlers.consultations import format_when
from bot.i18n import Markup, t
from bot.storage import consultations, directory, interaction, meetings
from bot.storage.models import (
    Button,
    ConsultationSeries,
    Meeting,
    Member,
    Role,
    RsvpAnswer,
    Team,
)

#: Button actions of the three answers, in the order they are shown.
ANSWER_ACTIONS: Final = {
    RsvpAnswer.YES: "rsvp.yes",
    RsvpAnswer.NO: "rsvp.no",
    RsvpAnswer.MAYBE: "rsvp.maybe",
}
ANSWER_KEYS: Final = {
    RsvpAnswer.YES: "reminders.answer_yes",
    RsvpAnswer.NO: "reminders.answer_no",
    RsvpAnswer.MAYBE: "reminders.answer_maybe",
}
#: Button actions of the quorum warning's three choices.
HOLD_ACTION: Final = "quorum.hold"
CANCEL_ACTION: Final = "quorum.cancel"
MOVE_ACTION: Final = "quorum.move"
BUTTONS_OUTLIVE_START: Final = timedelta(days=14)
"""How long answer buttons stay valid past the start they were made for.

Long enough that a meeting moved a week or two later keeps working buttons, and that a press
after the start is told why it is refused rather than that the button is stale; whether the
meeting has begun is decided on every press, not by this.
"""


@dataclass(frozen=True)
class LiveMeeting:
    """A stored meeting with its series and team, and when it takes place now.

    ``occurrence`` is ``None`` when the date was cancelled, paused or dropped for a holiday.
    """

    meeting: Meeting
    series: ConsultationSeries
    team: Team
    tz: ZoneInfo
    occurrence: Occurrence | None

    def open_for_answers(self, now: datetime) -> bool:
        """Answers are taken until the meeting begins."""
        return self.occurrence is not None and now < self.occurrence.starts_at


async def occurrence_now(
    session: AsyncSession, *, row: ConsultationSeries, original_date: date, tz: ZoneInfo
) -> Occurrence | None:
    """When the series' date ``original_date`` takes place now; ``None`` if it does not."""
    assert row.id is not None
    state = await consultations.federal_state(session, team_id=row.team_id)
    series = consultations.to_domain(row, tz=tz, state=state)
    found = await consultations.exceptions(session, series_id=row.id)
    plan = plan_dates(
        series,
        cancelled=found.cancelled,
        moved=found.moves,
        pauses=found.pauses,
        start=original_date,
        end=original_date,
    )
    return plan[0].occurrence if plan else None


async def live_meeting(
    session: AsyncSession, *, meeting_id: int, tz: ZoneInfo
) -> LiveMeeting | None:
    """A meeting as it is now; ``None`` if the meeting, its series or its team is gone."""
    meeting = await meetings.get_meeting(session, meeting_id=meeting_id)
    if meeting is None:
        return None
    row = await session.get(ConsultationSeries, meeting.series_id)
    if row is None:
        return None
    team = await directory.get_team(session, team_id=row.team_id)
    if team is None:
        return None
    occurrence = await occurrence_now(session, row=row, original_date=meeting.original_date, tz=tz)
    return LiveMeeting(meeting, row, team, tz, occurrence)


# -- the answers against the roster ---------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """The team's members sorted by their answer; ``open`` have not answered."""

    yes: tuple[Member, ...]
    no: tuple[Member, ...]
    maybe: tuple[Member, ...]
    open: tuple[Member, ...]
    asd_yes: int

    @property
    def open_ids(self) -> set[int]:
        """Member ids of those who have not answered."""
        return {member.id for member in self.open if member.id is not None}


async def tally(session: AsyncSession, *, team_id: int, meeting_id: int) -> Tally:
    """Answers of the team's current members; answers of former members do not count."""
    given = await meetings.answers(session, meeting_id=meeting_id)
    groups: dict[str, list[Member]] = {answer: [] for answer in (*RsvpAnswer, "")}
    asd_yes = 0
    for member, roles in await directory.team_members(session, team_id=team_id):
        answer = given.get(member.id or 0, "")
        groups.setdefault(answer, []).append(member)
        if answer == RsvpAnswer.YES and Role.ASD in roles:
            asd_yes += 1
    return Tally(
        yes=tuple(groups[RsvpAnswer.YES]),
        no=tuple(groups[RsvpAnswer.NO]),
        maybe=tuple(groups[RsvpAnswer.MAYBE]),
        open=tuple(groups[""]),
        asd_yes=asd_yes,
    )


async def coordinators(session: AsyncSession, *, team_id: int) -> list[Member]:
    """The team's coordinators, by name."""
    return [
        member
        for member, roles in await directory.team_members(session, team_id=team_id)
        if Role.KOORDINATION in roles
    ]


# -- texts ----------------------------------------------------------------------------------


def names(members: Sequence[Member], lang: str) -> str:
    """``Carla Koordination, Sven Sozialarbeit`` or a dash."""
    return ", ".join(member.display_name for member in members) or t(lang, "reminders.nobody")


def heading(live: LiveMeeting, starts_at: datetime, lang: str) -> Markup:
    """Name, date and time and place of a meeting."""
    network = live.series.kind == "network"
    name = t(
        lang,
        "reminders.name_network" if network else "reminders.name_consultation",
        team=live.team.name,
    )
    text = t(
        lang,
        "reminders.heading",
        name=Markup(name),
        when=format_when(starts_at, live.tz, lang),
    )
    if live.series.place:
        text += "\n" + t(lang, "reminders.place", place=live.series.place)
    return Markup(text)


def tally_text(counts: Tally, lang: str) -> Markup:
    """Counts of the answers, with the names of those who come."""
    return Markup(
        t(
            lang,
            "reminders.tally",
            yes=len(counts.yes),
            names=names(counts.yes, lang),
            no=len(counts.no),
            maybe=len(counts.maybe),
            open=len(counts.open),
        )
    )


def group_text(
    live: LiveMeeting, starts_at: datetime, counts: Tally, lang: str, *, late: bool = False
) -> str:
    """The reminder in the team's group: what, when, where, and who comes so far."""
    parts = [t(lang, "reminders.reminder", meeting=heading(live, starts_at, lang))]
    if late:
        parts.append(t(lang, "reminders.late"))
    parts += [t(lang, "reminders.ask"), tally_text(counts, lang)]
    return "\n\n".join(parts)


def answer_text(answer: str, lang: str) -> str:
    """An answer as the button says it."""
    return t(lang, ANSWER_KEYS[RsvpAnswer(answer)])


# -- buttons --------------------------------------------------------------------------------


async def answer_keyboard(
    session: AsyncSession,
    *,
    meeting: Meeting,
    chat_id: int,
    owner: int | None,
    lang: str,
    now: datetime,
) -> InlineKeyboardMarkup:
    """The three answer buttons; ``owner`` makes them personal (``None``: any member).

    Made without an update's context, so the reminder job can queue them; the presser's
    membership is checked by the button's action, not here.
    """
    assert meeting.id is not None
    batch = interaction.new_batch()
    ttl = max(meeting.starts_at - now, timedelta(0)) + BUTTONS_OUTLIVE_START
    row = []
    for answer, action in ANSWER_ACTIONS.items():
        token = await interaction.create_button(
            session,
            batch=batch,
            chat_id=chat_id,
            telegram_id=owner,
            action=action,
            payload={"meeting_id": meeting.id},
            now=now,
            ttl=ttl,
        )
        row.append(InlineKeyboardButton(answer_text(answer, lang), callback_data=token))
    return InlineKeyboardMarkup([row])


async def group_keyboard(
    session: AsyncSession, *, meeting_id: int, chat_id: int, lang: str
) -> InlineKeyboardMarkup | None:
    """The answer buttons already sent to the group for a meeting, to keep them on an edit."""
    rows = await session.exec(
        select(Button).where(
            Button.chat_id == chat_id,
            col(Button.telegram_id).is_(None),
            col(Button.action).in_(list(ANSWER_ACTIONS.values())),
        )
    )
    by_action = {
        button.action: button.token
        for button in rows
        if button.payload.get("meeting_id") == meeting_id
    }
    if len(by_action) != len(ANSWER_ACTIONS):
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(answer_text(answer, lang), callback_data=by_action[action])
                for answer, action in ANSWER_ACTIONS.items()
            ]
        ]
    )
