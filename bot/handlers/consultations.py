"""``/beratung``, ``/netzwerktreffen``, ``/termine`` and ``/kalender``: a team's series.

A team has up to two series: the weekly collegial consultation (``/beratung``, set up by the
coordination) and the network meetings (``/netzwerktreffen``, set up by the coordination or
the team's network worker). Both are one dialogue stored in the ``dialog`` table, its kind in
the dialogue's data: one question per step, each answer read by the parsers of
:mod:`bot.consultations` and checked against the answers before it, so a bad answer is
explained and the same question asked again. Buttons offer the usual answers and carry the
same text a user would type, so both take one path. Nothing is stored until "Speichern",
which checks the rights and every setting again.

The consultation asks for time per case, submission deadline and quorum; network meetings
have none of these and ask instead how often they meet (weekly, every few weeks, or the nth
weekday of the month). Their columns get neutral values: no time per case, no deadline, a
quorum of 0, which the reminder job never warns about.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import Any, Final
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_day_names
from telegram import InputFile, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.access import Actor
from bot.consultations.calendar import series_to_ics
from bot.consultations.parsing import (
    MAX_INPUT_LENGTH,
    DeadlineBefore,
    DeadlineOnWeekday,
    DeadlineRule,
    InputError,
    format_duration,
    parse_deadline,
    parse_duration,
    parse_monthly_rule,
    parse_offsets,
    parse_time,
    parse_weekday,
)
from bot.consultations.schedule import (
    Kind,
    Monthly,
    PlannedDate,
    Series,
    Weekly,
    monthly,
    plan_dates,
    submission_deadline,
    validate_series,
    wall_clock,
    weekly,
)
from bot.handlers.common import (
    Choice,
    ask_team,
    audit_action,
    close_keyboard,
    consume,
    edit_or_send,
    is_group,
    is_private,
    keyboard,
    reply,
    tr,
    with_managed_team,
    with_prefix,
)
from bot.handlers.dialogue import dialog_of_button, end_dialog, save_step
from bot.handlers.gate import ButtonAction, DialogStep
from bot.i18n import Markup, TextKey, plain_text, t
from bot.notify import notify_group
from bot.runtime import BotContext
from bot.storage import consultations, directory
from bot.storage.models import Button, ConsultationSeries, Dialog, Team

DIALOG_KIND: Final = "beratung"
"""The dialogue of both kinds of series; ``data["kind"]`` says which (absent: consultation)."""
CONSULTATION: Final = consultations.CONSULTATION
NETWORK: Final = consultations.NETWORK

STEP_WEEKDAY: Final = "weekday"
STEP_RECURRENCE: Final = "recurrence"
STEP_START_TIME: Final = "start_time"
STEP_DURATION: Final = "duration"
STEP_PLACE: Final = "place"
STEP_MINUTES_PER_CASE: Final = "minutes_per_case"
STEP_DEADLINE: Final = "deadline"
STEP_REMINDERS: Final = "reminders"
STEP_QUORUM: Final = "quorum"
STEP_HOLIDAYS: Final = "holiday_policy"
STEP_CONFIRM: Final = "confirm"
#: The questions in the order they are asked; "zurück" goes one step up this list.
#: Consultation:
QUESTIONS: Final = (
    STEP_WEEKDAY,
    STEP_START_TIME,
    STEP_DURATION,
    STEP_PLACE,
    STEP_MINUTES_PER_CASE,
    STEP_DEADLINE,
    STEP_REMINDERS,
    STEP_QUORUM,
    STEP_HOLIDAYS,
)
STEPS: Final = (*QUESTIONS, STEP_CONFIRM)
#: Network meetings: how often instead of time per case, deadline and quorum.
NETWORK_QUESTIONS: Final = (
    STEP_WEEKDAY,
    STEP_RECURRENCE,
    STEP_START_TIME,
    STEP_DURATION,
    STEP_PLACE,
    STEP_REMINDERS,
    STEP_HOLIDAYS,
)
NETWORK_STEPS: Final = (*NETWORK_QUESTIONS, STEP_CONFIRM)

BACK_WORDS: Final = frozenset({"zurück", "zurueck", "back"})
MAX_PLACE_LENGTH: Final = 200
MAX_QUORUM: Final = 50
MAX_INTERVAL_WEEKS: Final = 12
"""Network meetings at most every twelve weeks (a quarter); rarer ones are single dates."""
NO_TIME_PER_CASE: Final = timedelta(0)
NO_DEADLINE: Final = DeadlineBefore(timedelta(0))
NO_QUORUM: Final = 0
"""The neutral values a network series stores for what only consultations have."""
UPCOMING: Final = 4
"""How many meetings ``/termine`` and the confirmation list."""
_LOOK_BACK: Final = timedelta(days=60)  # a date moved from the past into the future is seen
_LOOK_AHEAD: Final = timedelta(days=400)
_SKIP_WORDS: Final = frozenset(
    {"skip", "ausfallen", "fällt aus", "entfällt", "ausfallen lassen", "überspringen"}
)
_MOVE_WORDS: Final = frozenset(
    {"next_working_day", "verschieben", "nächster werktag", "move", "next working day"}
)
_WEEKLY_WORDS: Final = frozenset(
    {"jede woche", "wöchentlich", "woechentlich", "einmal pro woche", "every week", "weekly"}
)
_FORTNIGHTLY_WORDS: Final = frozenset(
    {
        "alle zwei wochen",
        "jede zweite woche",
        "14-tägig",
        "vierzehntägig",
        "zweiwöchentlich",
        "every other week",
        "fortnightly",
        "biweekly",
    }
)
_NUMBER_WORDS: Final = {"zwei": 2, "drei": 3, "vier": 4, "two": 2, "three": 3, "four": 4}
_EVERY_N_WEEKS = re.compile(
    r"(?:alle|every) (\d{1,3}|[a-z]+) (?:wochen|weeks)(?: (?:am|on) (.+))?"
)
_EVERY_WEEKDAY = re.compile(r"(?:jeden|jede|every) (.+)")
#: "jeden 2. Dienstag im Monat": the ordinal shown for each ``Monthly.nth``.
NTH: Final = {
    1: TextKey("network.nth_1"),
    2: TextKey("network.nth_2"),
    3: TextKey("network.nth_3"),
    4: TextKey("network.nth_4"),
    -1: TextKey("network.nth_last"),
}


def kind_of(data: dict[str, Any]) -> Kind:
    """The kind of series a dialogue or button is about (consultation unless it says network)."""
    return NETWORK if data.get("kind") == NETWORK else CONSULTATION


def may_run(actor: Actor, team_id: int, kind: str) -> bool:
    """Consultations are the coordination's; network meetings also the network worker's."""
    return actor.can_run_network(team_id) if kind == NETWORK else actor.can_manage(team_id)


def _questions(kind: str) -> tuple[str, ...]:
    return NETWORK_QUESTIONS if kind == NETWORK else QUESTIONS


def _steps(kind: str) -> tuple[str, ...]:
    return NETWORK_STEPS if kind == NETWORK else STEPS


# -- showing a series -----------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesView:
    """A series with its organisational settings, stored or still in the dialogue."""

    series: Series
    place: str
    minutes_per_case: timedelta
    deadline: DeadlineRule
    offsets: tuple[timedelta, ...]
    quorum: int


def _locale(lang: str) -> str:
    return "en" if lang == "en" else "de"


def _weekday_name(weekday: int, lang: str) -> str:
    return str(get_day_names("wide", locale=_locale(lang))[weekday])


def format_day(day: date, lang: str) -> str:
    """``Dienstag, 24.11.2026`` / ``Tuesday, 24 Nov 2026``."""
    pattern = "EEEE, d MMM yyyy" if lang == "en" else "EEEE, dd.MM.yyyy"
    return format_date(day, pattern, locale=_locale(lang))


def _clock(value: time) -> str:
    return value.strftime("%H:%M")


def format_when(moment: datetime, tz: ZoneInfo, lang: str) -> Markup:
    """``Dienstag, 24.11.2026, 09:00 Uhr`` in the bot's zone."""
    local = moment.astimezone(tz)
    return Markup(
        t(
            lang,
            "consultation.day_time",
            day=format_day(local.date(), lang),
            time=_clock(local.time()),
        )
    )


def _end_time(series: Series) -> time:
    start = datetime.combine(date(2000, 1, 3), series.start_time)
    return (start + series.duration).time()


def _deadline_text(rule: DeadlineRule, lang: str) -> Markup:
    if isinstance(rule, DeadlineOnWeekday):
        return Markup(
            t(
                lang,
                "consultation.deadline_weekday",
                weekday=_weekday_name(rule.weekday, lang),
                time=_clock(rule.at),
            )
        )
    return Markup(t(lang, "consultation.deadline_before", lead=format_duration(rule.lead, lang)))


def _reminders_text(offsets: Sequence[timedelta], lang: str) -> Markup:
    if not offsets:
        return Markup(t(lang, "consultation.reminders_none"))
    listed = ", ".join(format_duration(offset, lang) for offset in offsets)
    return Markup(t(lang, "consultation.reminders_list", offsets=listed))


def rhythm(series: Series, lang: str) -> str:
    """How often a series meets: ``jeden Dienstag``, ``alle 2 Wochen am Dienstag``,
    ``jeden 2. Dienstag im Monat``."""
    weekday = _weekday_name(series.weekday, lang)
    match series.recurrence:
        case Monthly(nth=nth):
            return t(lang, "network.rhythm_monthly", nth=NTH[nth], weekday=weekday)
        case Weekly(interval_weeks=interval) if interval > 1:
            return t(lang, "network.rhythm_every", weeks=interval, weekday=weekday)
    return t(lang, "network.rhythm_weekly", weekday=weekday)


def _summary(view: SeriesView, team: Team, lang: str) -> Markup:
    """The settings of a series, one line each."""
    series = view.series
    holidays = (
        t(lang, "consultation.holidays_next_working_day")
        if series.holiday_policy == "next_working_day"
        else t(lang, "consultation.holidays_skip")
    )
    if series.kind == NETWORK:
        return Markup(
            t(
                lang,
                "network.summary",
                team=team.name,
                rhythm=rhythm(series, lang),
                start=_clock(series.start_time),
                end=_clock(_end_time(series)),
                place=view.place,
                reminders=_reminders_text(view.offsets, lang),
                holidays=Markup(holidays),
            )
        )
    return Markup(
        t(
            lang,
            "consultation.summary",
            team=team.name,
            weekday=_weekday_name(series.weekday, lang),
            start=_clock(series.start_time),
            end=_clock(_end_time(series)),
            place=view.place,
            case=format_duration(view.minutes_per_case, lang),
            deadline=_deadline_text(view.deadline, lang),
            reminders=_reminders_text(view.offsets, lang),
            quorum=view.quorum,
            holidays=Markup(holidays),
        )
    )


def _line(entry: PlannedDate, series: Series, lang: str, pause_end: date | None) -> Markup:
    """One date of the overview, with what became of it."""
    original = format_day(entry.original_date, lang)
    occurrence = entry.occurrence
    if occurrence is not None:
        when = format_when(occurrence.starts_at, series.tz, lang)
        if entry.fate == "moved":
            return Markup(t(lang, "consultation.line_moved", when=when, original=original))
        if entry.fate == "holiday_moved":
            return Markup(
                t(
                    lang,
                    "consultation.line_holiday_moved",
                    when=when,
                    original=original,
                    holiday=entry.note,
                )
            )
        return Markup(t(lang, "consultation.line_regular", when=when))
    if entry.fate == "cancelled":
        return Markup(t(lang, "consultation.line_cancelled", original=original))
    if entry.fate == "holiday_skipped":
        return Markup(
            t(lang, "consultation.line_holiday_skipped", original=original, holiday=entry.note)
        )
    end = format_day(pause_end or entry.original_date, lang)
    if entry.note:
        return Markup(t(lang, "consultation.line_paused_note", end=end, note=entry.note))
    return Markup(t(lang, "consultation.line_paused", end=end))


def _upcoming(
    view: SeriesView, found: consultations.Exceptions, *, now: datetime, lang: str
) -> Markup:
    """The next meetings, with cancelled, skipped and moved dates noted between them.

    A run of paused dates is one line ("Pause bis …"), so a summer break does not fill the
    list; the list ends after :data:`UPCOMING` meetings.
    """
    series = view.series
    today = now.astimezone(series.tz).date()
    plan = plan_dates(
        series,
        cancelled=found.cancelled,
        moved=found.moves,
        pauses=found.pauses,
        start=today - _LOOK_BACK,
        end=today + _LOOK_AHEAD,
    )
    lines: list[str] = []
    meetings = 0
    next_meeting = None
    in_pause = False
    for entry in plan:
        if entry.occurrence is not None:
            if entry.occurrence.starts_at <= now:
                continue
        elif wall_clock(entry.original_date, series.start_time, series.tz) <= now:
            continue
        if entry.fate == "paused":
            if not in_pause:
                pause = next((p for p in found.pauses if p.covers(entry.original_date)), None)
                lines.append(_line(entry, series, lang, pause.end if pause else None))
            in_pause = True
            continue
        in_pause = False
        lines.append(_line(entry, series, lang, None))
        if entry.occurrence is not None:
            next_meeting = next_meeting or entry.occurrence
            meetings += 1
            if meetings == UPCOMING:
                break
    if not meetings:
        lines.append(t(lang, "consultation.no_upcoming"))
    text = t(lang, "consultation.upcoming_header") + "\n" + "\n".join(lines)
    if next_meeting is not None and series.kind == CONSULTATION:
        deadline = submission_deadline(next_meeting, view.deadline)
        text += "\n\n" + t(
            lang,
            "consultation.next_deadline",
            date=format_day(next_meeting.starts_at.astimezone(series.tz).date(), lang),
            deadline=format_when(deadline, series.tz, lang),
        )
    return Markup(text)


async def stored_view(context: BotContext, row: ConsultationSeries) -> SeriesView:
    """A stored series in the bot's zone, with its organisation's public holidays."""
    state = await consultations.federal_state(context.session, team_id=row.team_id)
    return SeriesView(
        series=consultations.to_domain(row, tz=context.services.settings.tz, state=state),
        place=row.place,
        minutes_per_case=timedelta(minutes=row.minutes_per_case),
        deadline=consultations.deadline_of(row),
        offsets=tuple(consultations.offsets_of(row)),
        quorum=row.quorum,
    )


async def _overview(context: BotContext, team: Team, row: ConsultationSeries, lang: str) -> Markup:
    """Settings and next dates of a stored series."""
    assert row.id is not None
    view = await stored_view(context, row)
    found = await consultations.exceptions(context.session, series_id=row.id)
    upcoming = _upcoming(view, found, now=context.now, lang=lang)
    return Markup(f"{_summary(view, team, lang)}\n\n{upcoming}")


# -- the dialogue ---------------------------------------------------------------------------


def local_today(context: BotContext) -> date:
    """Today's date in the bot's zone (dates typed without a year count from here)."""
    return context.now.astimezone(context.services.settings.tz).date()


def _recurrence(data: dict[str, Any]) -> Weekly | Monthly:
    """The recurrence a network dialogue chose (weekly until it is answered)."""
    if data.get("recurrence") == "monthly":
        return monthly(int(data["monthly_nth"]))
    return weekly(int(data.get("interval_weeks", 1)))


def _draft(context: BotContext, data: dict[str, Any], state: str) -> Series:
    """The series as far as the dialogue has got; later answers take harmless defaults."""
    return Series(
        kind=kind_of(data),
        weekday=int(data["weekday"]),
        start_time=consultations.parse_time_text(str(data.get("start_time", "09:00"))),
        duration=timedelta(minutes=int(data.get("duration_minutes", 60))),
        tz=context.services.settings.tz,
        recurrence=_recurrence(data),
        state=state,
        start_date=local_today(context),
        holiday_policy=(
            "next_working_day" if data.get("holiday_policy") == "next_working_day" else "skip"
        ),
    )


def _view(context: BotContext, data: dict[str, Any], state: str) -> SeriesView:
    """Every answer of a finished dialogue as one view."""
    offsets = tuple(timedelta(minutes=int(value)) for value in data["reminders"])
    if kind_of(data) == NETWORK:
        return SeriesView(
            series=_draft(context, data, state),
            place=str(data["place"]),
            minutes_per_case=NO_TIME_PER_CASE,
            deadline=NO_DEADLINE,
            offsets=offsets,
            quorum=NO_QUORUM,
        )
    deadline = data["deadline"]
    return SeriesView(
        series=_draft(context, data, state),
        place=str(data["place"]),
        minutes_per_case=timedelta(minutes=int(data["minutes_per_case"])),
        deadline=consultations.deadline_rule(
            deadline_kind=str(deadline["deadline_kind"]),
            deadline_weekday=deadline["deadline_weekday"],
            deadline_minutes=int(deadline["deadline_minutes"]),
        ),
        offsets=offsets,
        quorum=int(data["quorum"]),
    )


def _validate(view: SeriesView) -> None:
    if view.series.kind == NETWORK:
        validate_series(view.series, offsets=view.offsets)
        return
    validate_series(
        view.series,
        offsets=view.offsets,
        deadline=view.deadline,
        minutes_per_case=view.minutes_per_case,
        quorum=view.quorum,
    )


#: Reads one answer; ``draft`` builds the series from the answers before (for cross-checks).
Parser = Callable[[str, Callable[[], Series]], dict[str, Any]]


def _parse_weekday(text: str, draft: Callable[[], Series]) -> dict[str, Any]:
    return {"weekday": parse_weekday(text)}


def _parse_start_time(text: str, draft: Callable[[], Series]) -> dict[str, Any]:
    return {"start_time": consultations.time_text(parse_time(text))}


def _parse_duration(text: str, draft: Callable[[], Series]) -> dict[str, Any]:
    duration = parse_duration(text)
    validate_series(replace(draft(), duration=duration))
    return {"duration_minutes": consultations.minutes(duration)}


def _parse_place(text: str, draft: Callable[[], Series]) -> dict[str, Any]:
    place = " ".join(text.split())
    if not place:
        raise InputError("consultation.place_empty")
    if len(place) > MAX_PLACE_LENGTH:
        raise InputError("consultation.place_too_long", max=MAX_PLACE_LENGTH)
    return {"place": place}


def _parse_minutes_per_case(text: str, draft: Callable[[], Series]) -> dict[str, Any]:
    per_case = parse_duration(text)
    validate_series(draft(), minutes_per_case=per_case)
    return {"minutes_per_case": consultations.minutes(per_case)}


def _parse_deadline(text: str, draft: Callable[[], Series]) -> dict[str, Any]:
    rule = parse_deadline(text)
    validate_series(draft(), deadline=rule)
    return {"deadline": consultations.deadline_columns(rule)}


def _parse_reminders(text: str, draft: Callable[[], Series]) -> dict[str, Any]:
    offsets = parse_offsets(text)
    validate_series(draft(), offsets=offsets)
    return {"reminders": [consultations.minutes(offset) for offset in offsets]}


def _parse_quorum(text: str, draft: Callable[[], Series]) -> dict[str, Any]:
    clean = text.strip()
    if not clean.isdecimal() or len(clean) > 3:
        raise InputError("consultation.bad_quorum_number", text=clean[:20])
    quorum = int(clean)
    if quorum > MAX_QUORUM:
        raise InputError("consultation.quorum_too_large", max=MAX_QUORUM)
    validate_series(draft(), quorum=quorum)
    return {"quorum": quorum}


def _parse_recurrence(text: str, draft: Callable[[], Series]) -> dict[str, Any]:
    """``jede Woche`` / ``alle 2 Wochen`` / ``jeden 2. Dienstag im Monat`` (a weekday named
    here replaces the one answered before)."""
    if len(text) > MAX_INPUT_LENGTH:
        raise InputError("schedule.bad_input_length", max=MAX_INPUT_LENGTH)
    clean = " ".join(text.split()).casefold()
    series = draft()
    weekday = series.weekday
    columns: dict[str, Any]
    if clean in _WEEKLY_WORDS:
        columns = {"recurrence": "weekly", "interval_weeks": 1}
    elif clean in _FORTNIGHTLY_WORDS:
        columns = {"recurrence": "weekly", "interval_weeks": 2}
    elif (match := _EVERY_N_WEEKS.fullmatch(clean)) is not None:
        count = match.group(1)
        interval = int(count) if count.isdecimal() else _NUMBER_WORDS.get(count, 0)
        if not 1 <= interval <= MAX_INTERVAL_WEEKS:
            raise InputError("network.bad_interval", max=MAX_INTERVAL_WEEKS)
        if match.group(2):
            weekday = _weekday_in(match.group(2), text)
        columns = {"recurrence": "weekly", "interval_weeks": interval}
    elif (match := _EVERY_WEEKDAY.fullmatch(clean)) is not None and _is_weekday(match.group(1)):
        weekday = parse_weekday(match.group(1))
        columns = {"recurrence": "weekly", "interval_weeks": 1}
    else:
        try:
            nth, weekday = parse_monthly_rule(text)
        except InputError:
            raise InputError("network.bad_recurrence", text=text.strip()) from None
        columns = {"recurrence": "monthly", "monthly_nth": nth}
    chosen = {**columns, "weekday": weekday}
    validate_series(replace(series, weekday=weekday, recurrence=_recurrence(chosen)))
    return chosen


def _is_weekday(text: str) -> bool:
    try:
        parse_weekday(text)
    except InputError:
        return False
    return True


def _weekday_in(text: str, whole: str) -> int:
    """The weekday after "am"; the whole answer is quoted if it is none."""
    if not _is_weekday(text):
        raise InputError("network.bad_recurrence", text=whole.strip())
    return parse_weekday(text)


def _parse_holidays(text: str, draft: Callable[[], Series]) -> dict[str, Any]:
    clean = " ".join(text.split()).casefold()
    if clean in _SKIP_WORDS:
        return {"holiday_policy": "skip"}
    if clean in _MOVE_WORDS:
        return {"holiday_policy": "next_working_day"}
    raise InputError("consultation.bad_holiday_policy")


PARSERS: Final[dict[str, Parser]] = {
    STEP_WEEKDAY: _parse_weekday,
    STEP_RECURRENCE: _parse_recurrence,
    STEP_START_TIME: _parse_start_time,
    STEP_DURATION: _parse_duration,
    STEP_PLACE: _parse_place,
    STEP_MINUTES_PER_CASE: _parse_minutes_per_case,
    STEP_DEADLINE: _parse_deadline,
    STEP_REMINDERS: _parse_reminders,
    STEP_QUORUM: _parse_quorum,
    STEP_HOLIDAYS: _parse_holidays,
}


def _question(
    context: BotContext, step: str, state: str, data: dict[str, Any]
) -> tuple[str, list[list[str]]]:
    """The question of a step and the answers offered as buttons (row by row)."""
    lang = context.lang
    network = kind_of(data) == NETWORK
    match step:
        case "weekday":
            names = [_weekday_name(day, lang) for day in range(5)]
            question = tr(
                context, "network.ask_weekday" if network else "consultation.ask_weekday"
            )
            return question, [names[:3], names[3:]]
        case "recurrence":
            return tr(context, "network.ask_recurrence"), _recurrence_answers(
                int(data["weekday"]), lang
            )
        case "start_time":
            return tr(
                context, "network.ask_start_time" if network else "consultation.ask_start_time"
            ), []
        case "duration":
            question = tr(
                context, "network.ask_duration" if network else "consultation.ask_duration"
            )
            return question, [
                [
                    tr(context, "consultation.answer_duration_60"),
                    tr(context, "consultation.answer_duration_90"),
                    tr(context, "consultation.answer_duration_120"),
                ]
            ]
        case "place":
            return tr(context, "network.ask_place" if network else "consultation.ask_place"), []
        case "minutes_per_case":
            return tr(context, "consultation.ask_minutes_per_case"), [
                [tr(context, "consultation.answer_minutes_per_case")]
            ]
        case "deadline":
            return tr(context, "consultation.ask_deadline"), [
                [tr(context, "consultation.answer_deadline")]
            ]
        case "reminders":
            return tr(context, "consultation.ask_reminders"), [
                [
                    tr(context, "consultation.answer_reminders"),
                    tr(context, "consultation.answer_no_reminders"),
                ]
            ]
        case "quorum":
            return tr(context, "consultation.ask_quorum"), [["1", "2", "3"]]
        case "holiday_policy":
            return tr(context, "consultation.ask_holiday_policy", state=state), [
                [tr(context, "consultation.answer_holidays_skip")],
                [tr(context, "consultation.answer_holidays_move")],
            ]
    raise ValueError(step)


def _recurrence_answers(weekday: int, lang: str) -> list[list[str]]:
    """Weekly, every two weeks, and the nth weekday of the month, for the chosen weekday."""
    day = _weekday_name(weekday, lang)

    def monthly_on(nth: int) -> str:
        return plain_text(t(lang, "network.rhythm_monthly", nth=NTH[nth], weekday=day))

    return [
        [plain_text(t(lang, "network.rhythm_weekly", weekday=day))],
        [plain_text(t(lang, "network.rhythm_every", weeks=2, weekday=day))],
        [monthly_on(1), monthly_on(2)],
        [monthly_on(3), monthly_on(4)],
        [monthly_on(-1)],
    ]


async def _ask(
    update: Update, context: BotContext, data: dict[str, Any], step: str, *, prefix: str = ""
) -> None:
    """Store the dialogue at ``step`` and ask its question (after ``prefix``, e.g. an error)."""
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    data = await save_step(update, context, kind=DIALOG_KIND, step=step, data=data)
    team_id = int(data["team_id"])
    state = await consultations.federal_state(context.session, team_id=team_id)
    payload = {"asked": data["asked"]}
    back = Choice(tr(context, "consultation.button_back"), "beratung.back", payload)
    if step == STEP_CONFIRM:
        team = await directory.get_team(context.session, team_id=team_id)
        assert team is not None
        view = _view(context, data, state)
        text = tr(context, "consultation.confirm", summary=_summary(view, team, context.lang))
        rows = [
            [
                Choice(tr(context, "consultation.button_save"), "beratung.save", payload),
                Choice(tr(context, "consultation.button_discard"), "beratung.discard", payload),
            ],
            [back],
        ]
    else:
        question, answers = _question(context, step, state, data)
        questions = _questions(kind_of(data))
        number = questions.index(step) + 1
        text = tr(
            context,
            "consultation.step",
            number=number,
            total=len(questions),
            question=Markup(question),
        )
        rows = [
            [
                Choice(answer, "beratung.answer", {**payload, "step": step, "text": answer})
                for answer in row
            ]
            for row in answers
        ]
        if number > 1:
            rows.append([back])
    markup = await keyboard(context, rows, chat_id=chat_id) if rows else None
    await reply(update, context, with_prefix(prefix, text), keyboard=markup)


def error_text(context: BotContext, error: InputError) -> str:
    """Why an answer cannot be used, in the reader's language."""
    return "⚠️ " + tr(context, error.key, **error.display_values(context.lang))


async def _answer(update: Update, context: BotContext, dialog: Dialog, text: str) -> None:
    """Take the answer to the current question; ask it again if the answer cannot be used."""
    data = dict(dialog.data)
    team_id = int(data["team_id"])
    kind = kind_of(data)
    steps = _steps(kind)
    if not may_run(context.actor, team_id, kind):
        await end_dialog(update, context)
        await reply(update, context, tr(context, _not_allowed(kind)))
        return
    if text.strip().casefold() in BACK_WORDS:
        index = steps.index(dialog.step) if dialog.step in steps else 0
        await _ask(update, context, data, steps[max(index - 1, 0)])
        return
    if dialog.step == STEP_CONFIRM:
        await reply(update, context, tr(context, "consultation.use_buttons"))
        return
    state = await consultations.federal_state(context.session, team_id=team_id)
    try:
        data.update(PARSERS[dialog.step](text, lambda: _draft(context, data, state)))
    except InputError as error:
        await _ask(update, context, data, dialog.step, prefix=error_text(context, error))
        return
    await _ask(update, context, data, steps[steps.index(dialog.step) + 1])


def _not_allowed(kind: str) -> str:
    """The key of the text that says who may set up this kind of series."""
    return "network.not_allowed" if kind == NETWORK else "consultation.not_allowed"


async def _current_dialog(update: Update, context: BotContext, button: Button) -> Dialog | None:
    """The dialogue this button belongs to, if it is still at the question the button answers."""
    return await dialog_of_button(update, context, button, kind=DIALOG_KIND)


async def setup_series(update: Update, context: BotContext) -> None:
    """Start setting up (or replacing) a team's weekly consultation."""
    await with_managed_team(
        update,
        context,
        not_allowed="consultation.not_allowed",
        action="beratung.team",
        prompt="consultation.choose_team",
        then=_start_consultation,
    )


async def setup_network(update: Update, context: BotContext) -> None:
    """Start setting up (or replacing) a team's network meetings.

    Like :func:`~bot.handlers.common.with_managed_team`, but the team's network workers may
    do it as well as its coordination.
    """
    if not is_private(update):
        await reply(update, context, tr(context, "common.private_only"))
        return
    teams = [
        team
        for team in await directory.teams(context.session)
        if team.id is not None and context.actor.can_run_network(team.id)
    ]
    if not teams:
        await reply(update, context, tr(context, "network.not_allowed"))
    elif len(teams) == 1:
        await _start_network(update, context, teams[0])
    else:
        await ask_team(
            update, context, teams, action="netzwerktreffen.team", prompt="network.choose_team"
        )


async def _start_consultation(update: Update, context: BotContext, team: Team) -> None:
    await _start(update, context, team, CONSULTATION)


async def _start_network(update: Update, context: BotContext, team: Team) -> None:
    await _start(update, context, team, NETWORK)


async def _start(update: Update, context: BotContext, team: Team, kind: Kind) -> None:
    assert team.id is not None
    network = kind == NETWORK
    total = len(_questions(kind))
    intro = tr(
        context,
        "network.intro" if network else "consultation.intro",
        team=team.name,
        total=total,
    )
    existing = await consultations.get_series(context.session, team_id=team.id, kind=kind)
    if existing is not None and network:
        state = await consultations.federal_state(context.session, team_id=team.id)
        stored = consultations.to_domain(existing, tz=context.services.settings.tz, state=state)
        intro += "\n" + tr(
            context,
            "network.intro_replaces",
            rhythm=rhythm(stored, context.lang),
            time=existing.start_time,
        )
    elif existing is not None:
        intro += "\n" + tr(
            context,
            "consultation.intro_replaces",
            weekday=_weekday_name(existing.weekday, context.lang),
            time=existing.start_time,
        )
    await _ask(update, context, {"team_id": team.id, "kind": kind}, STEP_WEEKDAY, prefix=intro)


async def _on_team(
    update: Update,
    context: BotContext,
    button: Button,
    kind: Kind,
    then: Callable[[Update, BotContext, Team], Awaitable[None]],
) -> None:
    query = update.callback_query
    assert query is not None
    team = await directory.get_team(context.session, team_id=int(button.payload["team_id"]))
    if team is None or team.id is None or not may_run(context.actor, team.id, kind):
        await query.answer(tr(context, _not_allowed(kind)), show_alert=True)
        return
    await close_keyboard(update, context, button)
    await then(update, context, team)


async def on_team(update: Update, context: BotContext, button: Button) -> None:
    """Team chosen for the consultation: start the questions."""
    await _on_team(update, context, button, CONSULTATION, _start_consultation)


async def on_network_team(update: Update, context: BotContext, button: Button) -> None:
    """Team chosen for the network meetings: start the questions."""
    await _on_team(update, context, button, NETWORK, _start_network)


async def on_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """A typed answer to the current question."""
    message = update.effective_message
    assert message is not None
    await _answer(update, context, dialog, message.text or "")


async def on_answer(update: Update, context: BotContext, button: Button) -> None:
    """An answer chosen with a button: the same path as typing it."""
    dialog = await _current_dialog(update, context, button)
    if dialog is None:
        await update.callback_query.answer(tr(context, "button.stale"), show_alert=True)  # type: ignore[union-attr]
        return
    await close_keyboard(update, context, button)
    await _answer(update, context, dialog, str(button.payload["text"]))


async def on_back(update: Update, context: BotContext, button: Button) -> None:
    """Back to the previous question."""
    dialog = await _current_dialog(update, context, button)
    if dialog is None:
        await update.callback_query.answer(tr(context, "button.stale"), show_alert=True)  # type: ignore[union-attr]
        return
    await close_keyboard(update, context, button)
    await _answer(update, context, dialog, "zurück")


async def on_discard(update: Update, context: BotContext, button: Button) -> None:
    """Throw the answers away; nothing was stored."""
    dialog = await _current_dialog(update, context, button)
    if dialog is None:
        await update.callback_query.answer(tr(context, "button.stale"), show_alert=True)  # type: ignore[union-attr]
        return
    await consume(context, button)
    await end_dialog(update, context)
    await update.callback_query.answer()  # type: ignore[union-attr]
    await edit_or_send(update, context, tr(context, "consultation.discarded"))


async def on_save(update: Update, context: BotContext, button: Button) -> None:
    """Store the series after checking the rights and every setting once more."""
    query = update.callback_query
    assert query is not None
    dialog = await _current_dialog(update, context, button)
    if dialog is None or dialog.step != STEP_CONFIRM:
        await query.answer(tr(context, "button.stale"), show_alert=True)
        return
    team_id = int(dialog.data["team_id"])
    kind = kind_of(dialog.data)
    network = kind == NETWORK
    team = await directory.get_team(context.session, team_id=team_id)
    if team is None or not may_run(context.actor, team_id, kind):
        await query.answer(tr(context, _not_allowed(kind)), show_alert=True)
        return
    state = await consultations.federal_state(context.session, team_id=team_id)
    view = _view(context, dialog.data, state)
    try:
        _validate(view)
    except InputError as error:
        await query.answer()
        await _ask(
            update, context, dict(dialog.data), STEP_WEEKDAY, prefix=error_text(context, error)
        )
        return
    row, replaced = await consultations.save_series(
        context.session,
        team_id=team_id,
        series=view.series,
        place=view.place,
        minutes_per_case=view.minutes_per_case,
        deadline=view.deadline,
        reminder_offsets=view.offsets,
        quorum=view.quorum,
        actor_id=context.actor.telegram_id,
        now=context.now,
    )
    assert row.id is not None
    await audit_action(
        context,
        "consultation.series_saved",
        object_type="consultation_series",
        object_id=row.id,
        details={
            "team_id": team_id,
            "kind": kind,
            "replaced": replaced,
            "sequence": row.sequence,
        },
    )
    group_language = context.services.settings.bot_language
    announced = await notify_group(
        context,
        team=team,
        key=(
            ("network.announce_changed" if replaced else "network.announce_new")
            if network
            else ("consultation.announce_changed" if replaced else "consultation.announce_new")
        ),
        overview=await _overview(context, team, row, group_language),
    )
    await consume(context, button)
    await end_dialog(update, context)
    await query.answer()
    text = tr(
        context, "consultation.saved", overview=await _overview(context, team, row, context.lang)
    )
    if not announced:
        text += "\n\n" + tr(context, "consultation.group_unbound")
    await edit_or_send(update, context, text)


# -- /termine and /kalender -----------------------------------------------------------------


async def _visible_series(
    update: Update, context: BotContext
) -> tuple[list[tuple[Team, ConsultationSeries]], str]:
    """In a group, its own team's series; in private, my teams' (administrators: all).

    Returns the series and, when there are none, the key of the text that says why.
    """
    if is_group(update):
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        team = await directory.team_by_chat(context.session, chat_id=chat_id)
        if team is None or team.id is None:
            return [], "team.group_not_bound"
        if not (context.actor.is_admin or team.id in context.actor.team_ids):
            return [], "team.group_not_yours"
        team_ids = {team.id}
    elif context.actor.is_admin:
        team_ids = {team.id for team in await directory.teams(context.session) if team.id}
    else:
        team_ids = context.actor.team_ids
    found = [
        *await consultations.series_of_teams(context.session, team_ids=team_ids),
        *await consultations.series_of_teams(context.session, team_ids=team_ids, kind=NETWORK),
    ]
    found.sort(key=lambda pair: (pair[0].name, pair[0].id or 0, pair[1].kind != CONSULTATION))
    return found, "consultation.none_yet"


async def show_dates(update: Update, context: BotContext) -> None:
    """The series of my teams (consultation, then network meetings) and their next dates."""
    found, why_none = await _visible_series(update, context)
    if not found:
        await reply(update, context, tr(context, why_none))
        return
    blocks = [await _overview(context, team, row, context.lang) for team, row in found]
    await reply(update, context, "\n\n".join(blocks))


def _describe(lang: str) -> Callable[[PlannedDate], str]:
    def describe(entry: PlannedDate) -> str:
        original = format_day(entry.original_date, lang)
        if entry.fate == "holiday_moved":
            text = t(lang, "consultation.ics_holiday_moved", original=original, holiday=entry.note)
        else:
            text = t(lang, "consultation.ics_moved", original=original)
        return plain_text(text)

    return describe


async def send_calendar(update: Update, context: BotContext) -> None:
    """The series of my teams as iCalendar files, one per series."""
    found, why_none = await _visible_series(update, context)
    if not found:
        await reply(update, context, tr(context, why_none))
        return
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    lang = context.lang
    for team, row in found:
        assert row.id is not None
        network = row.kind == NETWORK
        view = await stored_view(context, row)
        exceptions = await consultations.exceptions(context.session, series_id=row.id)
        description = (
            ""
            if network
            else plain_text(
                t(
                    lang,
                    "consultation.ics_description",
                    case=format_duration(view.minutes_per_case, lang),
                    deadline=_deadline_text(view.deadline, lang),
                )
            )
        )
        name = t(lang, "network.ics_name" if network else "consultation.ics_name", team=team.name)
        content = series_to_ics(
            view.series,
            name=plain_text(name),
            location=view.place,
            cancelled=exceptions.cancelled,
            moved=exceptions.moves,
            pauses=exceptions.pauses,
            uid_prefix=f"team-{team.id}-{row.kind}",
            now=context.now,
            description=description,
            describe=_describe(lang),
            sequence=row.sequence,
        )
        prefix = "netzwerktreffen" if network else "beratung"
        await context.bot.send_document(
            chat_id=chat_id,
            document=InputFile(BytesIO(content), filename=f"{prefix}-{team.slug}.ics"),
            caption=tr(
                context,
                "network.calendar_caption" if network else "consultation.calendar_caption",
                team=team.name,
            ),
        )


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [
        CommandHandler("beratung", setup_series),
        CommandHandler("netzwerktreffen", setup_network),
        CommandHandler("termine", show_dates),
        CommandHandler("kalender", send_calendar),
    ]


BUTTONS: dict[str, ButtonAction] = {
    "beratung.team": on_team,
    "netzwerktreffen.team": on_network_team,
    "beratung.answer": on_answer,
    "beratung.back": on_back,
    "beratung.save": on_save,
    "beratung.discard": on_discard,
}

DIALOGS: dict[str, DialogStep] = {DIALOG_KIND: on_text}
