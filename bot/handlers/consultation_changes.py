"""``/absagen``, ``/verschieben`` and ``/pause``: coordinators change single dates of a series.

Each command picks the series (with buttons, if the actor may change several: a team can
have its consultation and its network meetings, and a coordinator several teams; with only
one it goes straight on), offers the next dates as buttons (a date may also be typed), asks
to confirm, and only then stores the change, after checking the rights and the domain rules
(:func:`validate_cancellation`, :func:`validate_move`, :func:`validate_pause`) once more.
Network meetings may also be changed by the team's network worker. Every change is announced
in the team's group through the outbox and raises the series' calendar sequence.

Every button and dialogue names its series by team and kind; the rights are checked against
the database on every press and answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, time, timedelta
from typing import Any, Final

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.consultations.parsing import (
    MAX_INPUT_LENGTH,
    InputError,
    parse_date,
    parse_time,
)
from bot.consultations.schedule import (
    Move,
    Pause,
    PlannedDate,
    Series,
    plan_dates,
    validate_cancellation,
    validate_move,
    validate_pause,
    wall_clock,
)
from bot.handlers.common import (
    Choice,
    command_args,
    consume,
    edit_or_send,
    is_private,
    keyboard,
    no_choice,
    reply,
    tr,
)
from bot.handlers.consultations import (
    CONSULTATION,
    NETWORK,
    error_text,
    format_day,
    format_when,
    kind_of,
    local_today,
    may_run,
    stored_view,
)
from bot.handlers.gate import ButtonAction, DialogStep
from bot.i18n import plain_text, t
from bot.notify import notify_group
from bot.runtime import BotContext
from bot.storage import audit, consultations, directory, interaction
from bot.storage.models import Button, ConsultationSeries, Dialog, Team

CANCEL_DIALOG: Final = "absagen"
MOVE_DIALOG: Final = "verschieben"
PAUSE_DIALOG: Final = "pause"
STEP_ORIGINAL: Final = "original"
STEP_TARGET: Final = "target"
STEP_PERIOD: Final = "period"

DATE_BUTTONS: Final = 6
"""How many of the next dates are offered as buttons."""
_DATE_WINDOW: Final = timedelta(days=180)
_TAKING_PLACE: Final = frozenset({"regular", "moved", "holiday_moved"})
#: A date skipped for a holiday may still be moved (e.g. to the Wednesday after Easter).
_MOVABLE: Final = _TAKING_PLACE | {"holiday_skipped"}
_PERIOD_WORDS: Final = frozenset({"vom", "von", "bis", "zum", "from", "to", "until", "-"})


# -- shared steps ---------------------------------------------------------------------------


async def _managed_series(
    context: BotContext, team_id: int, kind: str
) -> tuple[Team, ConsultationSeries] | None:
    """The team and its series of ``kind``, if the actor may change it; ``None`` otherwise."""
    if not may_run(context.actor, team_id, kind):
        return None
    team = await directory.get_team(context.session, team_id=team_id)
    row = await consultations.get_series(context.session, team_id=team_id, kind=kind)
    if team is None or row is None or row.id is None:
        return None
    return team, row


async def _series_of(
    context: BotContext, data: dict[str, Any]
) -> tuple[Team, ConsultationSeries] | None:
    """The series a button or dialogue names (team and kind), if the actor may change it."""
    return await _managed_series(context, int(data["team_id"]), kind_of(data))


def _names(row: ConsultationSeries) -> dict[str, object]:
    """What every payload and dialogue carries to find the series again."""
    return {"team_id": row.team_id, "kind": row.kind}


async def _domain(
    context: BotContext, row: ConsultationSeries
) -> tuple[Series, consultations.Exceptions]:
    assert row.id is not None
    view = await stored_view(context, row)
    return view.series, await consultations.exceptions(context.session, series_id=row.id)


def _chat_id(update: Update) -> int:
    chat = update.effective_chat
    assert chat is not None
    return chat.id


async def _start(
    update: Update,
    context: BotContext,
    action: str,
    then: Callable[[Update, BotContext, Team, ConsultationSeries], Awaitable[None]],
    extra: dict[str, object] | None = None,
) -> None:
    """Find the series the actor may change; ask which one if there are several.

    ``extra`` goes into the payload of those buttons (e.g. a period typed with ``/pause``).
    """
    if not is_private(update):
        await reply(update, context, tr(context, "common.private_only"))
        return
    actor = context.actor
    teams = [
        team
        for team in await directory.teams(context.session)
        if team.id is not None and (actor.can_manage(team.id) or actor.can_run_network(team.id))
    ]
    if not teams:
        await reply(update, context, tr(context, "consultation.change_not_allowed"))
        return
    team_ids = {team.id for team in teams if team.id is not None}
    existing = [
        (team, row)
        for kind in (CONSULTATION, NETWORK)
        for team, row in await consultations.series_of_teams(
            context.session, team_ids=team_ids, kind=kind
        )
    ]
    found = [
        (team, row)
        for team, row in existing
        if team.id is not None and may_run(actor, team.id, row.kind)
    ]
    if not found:
        # A network worker whose team has only its consultation may not change that one.
        why = tr(
            context,
            "consultation.change_not_allowed" if existing else "consultation.no_series_to_change",
        )
        await reply(update, context, why)
        return
    if len(found) == 1:
        await then(update, context, *found[0])
        return
    found.sort(key=lambda pair: (pair[0].name, pair[0].id or 0, pair[1].kind != CONSULTATION))
    rows = [
        [Choice(_series_label(context.lang, team, row), action, {**_names(row), **(extra or {})})]
        for team, row in found
    ]
    markup = await keyboard(context, rows, chat_id=_chat_id(update))
    await reply(update, context, tr(context, "consultation.choose_series"), keyboard=markup)


def _series_label(lang: str, team: Team, row: ConsultationSeries) -> str:
    """``Kollegiale Beratung – Sozialraumteam Nord A`` / ``Netzwerktreffen – …`` (a button)."""
    key = "reminders.name_network" if row.kind == NETWORK else "reminders.name_consultation"
    return plain_text(t(lang, key, team=team.name))


async def _refuse(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is not None:
        await query.answer(tr(context, "consultation.change_not_allowed"), show_alert=True)
    else:
        await reply(update, context, tr(context, "consultation.change_not_allowed"))


async def _on_team(
    update: Update,
    context: BotContext,
    button: Button,
    then: Callable[[Update, BotContext, Team, ConsultationSeries], Awaitable[None]],
) -> None:
    found = await _series_of(context, button.payload)
    if found is None:
        await _refuse(update, context)
        return
    await consume(context, button)
    await update.callback_query.answer()  # type: ignore[union-attr]
    await then(update, context, *found)


async def _date_choices(
    context: BotContext, row: ConsultationSeries, action: str, offered: frozenset[str]
) -> list[list[Choice]]:
    """The next dates of the series as buttons, with a holiday's name where one was dropped."""
    series, found = await _domain(context, row)
    today = local_today(context)
    plan = plan_dates(
        series,
        cancelled=found.cancelled,
        moved=found.moves,
        pauses=found.pauses,
        start=today,
        end=today + _DATE_WINDOW,
    )
    rows = []
    for entry in plan:
        start = entry.occurrence.starts_at if entry.occurrence else None
        start = start or wall_clock(entry.original_date, series.start_time, series.tz)
        if entry.fate not in offered or start <= context.now:
            continue
        label = format_day(entry.original_date, context.lang)
        if entry.fate == "holiday_skipped":
            label = f"{label} ({entry.note})"
        payload = {**_names(row), "day": entry.original_date.isoformat()}
        rows.append([Choice(label, action, payload)])
        if len(rows) == DATE_BUTTONS:
            break
    return rows


async def _ask_date(
    update: Update,
    context: BotContext,
    row: ConsultationSeries,
    *,
    dialog: str,
    action: str,
    offered: frozenset[str],
    question: str,
) -> None:
    """Offer the next dates as buttons; a typed date is taken by the dialogue ``dialog``."""
    chat_id = _chat_id(update)
    await interaction.set_dialog(
        context.session,
        telegram_id=context.actor.telegram_id,
        chat_id=chat_id,
        kind=dialog,
        step=STEP_ORIGINAL,
        data=_names(row),
        now=context.now,
    )
    rows = await _date_choices(context, row, action, offered)
    markup = await keyboard(context, rows, chat_id=chat_id) if rows else None
    await edit_or_send(update, context, question, keyboard=markup)


def _day_of(button: Button) -> date:
    return date.fromisoformat(str(button.payload["day"]))


async def _dialog_series(
    update: Update, context: BotContext, dialog: Dialog
) -> tuple[Team, ConsultationSeries] | None:
    """The series a typed answer is about; ends the dialogue if the rights are gone."""
    found = await _series_of(context, dialog.data)
    if found is None:
        await interaction.clear_dialog(
            context.session, telegram_id=context.actor.telegram_id, chat_id=_chat_id(update)
        )
        await _refuse(update, context)
    return found


def _typed(update: Update) -> str:
    message = update.effective_message
    return (message.text or "") if message is not None else ""


async def _announce(context: BotContext, team: Team, key: str, **values: object) -> str:
    """Queue the group notice; returns a hint for the coordinator if there is no group."""
    if await notify_group(context, team=team, key=key, team_name=team.name, **values):
        return ""
    return "\n\n" + tr(context, "consultation.group_unbound")


async def _record(
    context: BotContext, row: ConsultationSeries, action: str, details: dict[str, Any]
) -> None:
    """Raise the calendar sequence and audit the change (ids and dates only)."""
    assert row.id is not None
    await consultations.touch(
        context.session, row=row, actor_id=context.actor.telegram_id, now=context.now
    )
    await audit.record(
        context.session,
        at=context.now,
        actor_id=context.actor.telegram_id,
        action=action,
        object_type="consultation_series",
        object_id=row.id,
        details={"team_id": row.team_id, "kind": row.kind, **details},
    )


async def _end_dialog(update: Update, context: BotContext) -> None:
    await interaction.clear_dialog(
        context.session, telegram_id=context.actor.telegram_id, chat_id=_chat_id(update)
    )


# -- /absagen -------------------------------------------------------------------------------


async def cancel_date(update: Update, context: BotContext) -> None:
    """Cancel one date of a series: choose the team, then the date."""
    await _start(update, context, "absagen.team", _ask_cancel_date)


async def _ask_cancel_date(
    update: Update, context: BotContext, team: Team, row: ConsultationSeries
) -> None:
    await _ask_date(
        update,
        context,
        row,
        dialog=CANCEL_DIALOG,
        action="absagen.date",
        offered=_TAKING_PLACE,
        question=tr(
            context,
            "network.ask_cancel_date" if row.kind == NETWORK else "consultation.ask_cancel_date",
            team=team.name,
        ),
    )


async def on_cancel_team(update: Update, context: BotContext, button: Button) -> None:
    """Team chosen for a cancellation."""
    await _on_team(update, context, button, _ask_cancel_date)


async def _confirm_cancel(
    update: Update, context: BotContext, team: Team, row: ConsultationSeries, day: date
) -> None:
    """Check the date and ask to confirm; a bad date is explained instead."""
    series, found = await _domain(context, row)
    try:
        validate_cancellation(
            series,
            day,
            cancelled=found.cancelled,
            moved=found.moves,
            pauses=found.pauses,
            now=context.now,
        )
    except InputError as error:
        await reply(update, context, error_text(context, error))
        return
    await _end_dialog(update, context)
    payload = {**_names(row), "day": day.isoformat()}
    markup = await keyboard(
        context,
        [
            [
                Choice(tr(context, "consultation.button_cancel_yes"), "absagen.confirm", payload),
                no_choice(context),
            ]
        ],
        chat_id=_chat_id(update),
    )
    text = tr(
        context,
        "network.confirm_cancel" if row.kind == NETWORK else "consultation.confirm_cancel",
        team=team.name,
        date=format_day(day, context.lang),
    )
    await edit_or_send(update, context, text, keyboard=markup)


async def on_cancel_date(update: Update, context: BotContext, button: Button) -> None:
    """Date chosen with a button."""
    found = await _series_of(context, button.payload)
    if found is None:
        await _refuse(update, context)
        return
    await consume(context, button)
    await update.callback_query.answer()  # type: ignore[union-attr]
    await _confirm_cancel(update, context, *found, _day_of(button))


async def on_cancel_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """Date typed instead of pressed."""
    found = await _dialog_series(update, context, dialog)
    if found is None:
        return
    try:
        day = parse_date(_typed(update), today=local_today(context))
    except InputError as error:
        await reply(update, context, error_text(context, error))
        return
    await _confirm_cancel(update, context, *found, day)


async def on_cancel_confirm(update: Update, context: BotContext, button: Button) -> None:
    """Cancellation confirmed: check again, store, announce."""
    query = update.callback_query
    assert query is not None
    found = await _series_of(context, button.payload)
    if found is None:
        await _refuse(update, context)
        return
    team, row = found
    day = _day_of(button)
    series, exceptions = await _domain(context, row)
    await consume(context, button)
    try:
        validate_cancellation(
            series,
            day,
            cancelled=exceptions.cancelled,
            moved=exceptions.moves,
            pauses=exceptions.pauses,
            now=context.now,
        )
    except InputError as error:
        await query.answer()
        await edit_or_send(update, context, error_text(context, error))
        return
    assert row.id is not None
    await consultations.cancel_date(
        context.session,
        series_id=row.id,
        day=day,
        reason="",
        actor_id=context.actor.telegram_id,
        now=context.now,
    )
    await _record(context, row, "consultation.date_cancelled", {"date": day.isoformat()})
    group_lang = context.services.settings.bot_language
    hint = await _announce(
        context,
        team,
        key=(
            "network.announce_cancelled"
            if row.kind == NETWORK
            else "consultation.announce_cancelled"
        ),
        date=format_day(day, group_lang),
    )
    await query.answer()
    done = tr(context, "consultation.cancelled_done", date=format_day(day, context.lang))
    await edit_or_send(update, context, done + hint)


async def offer_cancellation(
    update: Update, context: BotContext, team: Team, row: ConsultationSeries, day: date
) -> None:
    """Ask to confirm cancelling ``day``, as ``/absagen`` does (for the quorum warning)."""
    await _confirm_cancel(update, context, team, row, day)


# -- /verschieben ---------------------------------------------------------------------------


async def move_date(update: Update, context: BotContext) -> None:
    """Move one date of a series: choose the team, the date, then the new day and time."""
    await _start(update, context, "verschieben.team", _ask_move_date)


async def _ask_move_date(
    update: Update, context: BotContext, team: Team, row: ConsultationSeries
) -> None:
    await _ask_date(
        update,
        context,
        row,
        dialog=MOVE_DIALOG,
        action="verschieben.date",
        offered=_MOVABLE,
        question=tr(
            context,
            "network.ask_move_date" if row.kind == NETWORK else "consultation.ask_move_date",
            team=team.name,
        ),
    )


async def on_move_team(update: Update, context: BotContext, button: Button) -> None:
    """Team chosen for a move."""
    await _on_team(update, context, button, _ask_move_date)


async def _ask_target(
    update: Update, context: BotContext, row: ConsultationSeries, original: date
) -> None:
    """The date to move is known: check it can be moved and ask where to."""
    series, found = await _domain(context, row)
    try:
        # What makes a date impossible to cancel (not a date of the series, cancelled, begun)
        # makes it impossible to move as well; the target is checked once it is typed.
        validate_cancellation(
            series,
            original,
            cancelled=found.cancelled,
            moved=found.moves,
            pauses=found.pauses,
            now=context.now,
        )
    except InputError as error:
        await reply(update, context, error_text(context, error))
        return
    await interaction.set_dialog(
        context.session,
        telegram_id=context.actor.telegram_id,
        chat_id=_chat_id(update),
        kind=MOVE_DIALOG,
        step=STEP_TARGET,
        data={**_names(row), "original": original.isoformat()},
        now=context.now,
    )
    text = tr(
        context,
        "consultation.ask_move_target",
        date=format_day(original, context.lang),
        time=series.start_time.strftime("%H:%M"),
    )
    await edit_or_send(update, context, text)


async def offer_move(
    update: Update, context: BotContext, row: ConsultationSeries, original: date
) -> None:
    """Ask where to move ``original``, as ``/verschieben`` does (for the quorum warning)."""
    await _ask_target(update, context, row, original)


async def on_move_date(update: Update, context: BotContext, button: Button) -> None:
    """Date to move chosen with a button."""
    found = await _series_of(context, button.payload)
    if found is None:
        await _refuse(update, context)
        return
    await consume(context, button)
    await update.callback_query.answer()  # type: ignore[union-attr]
    await _ask_target(update, context, found[1], _day_of(button))


def _parse_target(text: str, today: date) -> tuple[date, time | None]:
    """``16.12.`` or ``16.12. 10:00`` / ``16.12.2026 10 Uhr`` → the new date and time."""
    if len(text) > MAX_INPUT_LENGTH:
        raise InputError("schedule.bad_input_length", max=MAX_INPUT_LENGTH)
    day_text, _, time_text = text.strip().partition(" ")
    day = parse_date(day_text, today=today)
    return day, parse_time(time_text) if time_text.strip() else None


async def on_move_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """A typed answer: the date to move, or the new date and time."""
    found = await _dialog_series(update, context, dialog)
    if found is None:
        return
    team, row = found
    today = local_today(context)
    if dialog.step != STEP_TARGET:
        try:
            original = parse_date(_typed(update), today=today)
        except InputError as error:
            await reply(update, context, error_text(context, error))
            return
        await _ask_target(update, context, row, original)
        return
    original = date.fromisoformat(str(dialog.data["original"]))
    series, exceptions = await _domain(context, row)
    try:
        new_date, new_time = _parse_target(_typed(update), today)
        move = Move(original, new_date, new_time)
        validate_move(
            series,
            move,
            cancelled=exceptions.cancelled,
            moved=exceptions.moves,
            pauses=exceptions.pauses,
            now=context.now,
        )
    except InputError as error:
        await reply(update, context, error_text(context, error))
        return
    await _end_dialog(update, context)
    at = new_time or series.start_time
    payload = {
        **_names(row),
        "day": original.isoformat(),
        "new_date": new_date.isoformat(),
        "new_time": at.strftime("%H:%M"),
    }
    markup = await keyboard(
        context,
        [
            [
                Choice(
                    tr(context, "consultation.button_move_yes"), "verschieben.confirm", payload
                ),
                no_choice(context),
            ]
        ],
        chat_id=_chat_id(update),
    )
    text = tr(
        context,
        "network.confirm_move" if row.kind == NETWORK else "consultation.confirm_move",
        team=team.name,
        original=format_day(original, context.lang),
        when=format_when(wall_clock(new_date, at, series.tz), series.tz, context.lang),
    )
    await reply(update, context, text, keyboard=markup)


async def on_move_confirm(update: Update, context: BotContext, button: Button) -> None:
    """Move confirmed: check again, store, announce."""
    query = update.callback_query
    assert query is not None
    found = await _series_of(context, button.payload)
    if found is None:
        await _refuse(update, context)
        return
    team, row = found
    original = _day_of(button)
    new_date = date.fromisoformat(str(button.payload["new_date"]))
    new_time = consultations.parse_time_text(str(button.payload["new_time"]))
    series, exceptions = await _domain(context, row)
    move = Move(original, new_date, None if new_time == series.start_time else new_time)
    await consume(context, button)
    try:
        validate_move(
            series,
            move,
            cancelled=exceptions.cancelled,
            moved=exceptions.moves,
            pauses=exceptions.pauses,
            now=context.now,
        )
    except InputError as error:
        await query.answer()
        await edit_or_send(update, context, error_text(context, error))
        return
    assert row.id is not None
    await consultations.move_date(
        context.session,
        series_id=row.id,
        move=move,
        actor_id=context.actor.telegram_id,
        now=context.now,
    )
    await _record(
        context,
        row,
        "consultation.date_moved",
        {"date": original.isoformat(), "new_date": new_date.isoformat()},
    )
    starts_at = wall_clock(new_date, new_time, series.tz)
    group_lang = context.services.settings.bot_language
    hint = await _announce(
        context,
        team,
        key="network.announce_moved" if row.kind == NETWORK else "consultation.announce_moved",
        original=format_day(original, group_lang),
        when=format_when(starts_at, series.tz, group_lang),
    )
    await query.answer()
    done = tr(
        context,
        "consultation.moved_done",
        original=format_day(original, context.lang),
        when=format_when(starts_at, series.tz, context.lang),
    )
    await edit_or_send(update, context, done + hint)


# -- /pause ---------------------------------------------------------------------------------


async def pause(update: Update, context: BotContext) -> None:
    """Pause a series for a period: ``/pause 21.12. 03.01.``, or the dates asked for.

    A period typed with the command is kept (as dates) while the series is chosen.
    """
    args = " ".join(command_args(update))
    extra: dict[str, object] = {}
    if args:
        try:
            period = _parse_period(args, local_today(context))
        except InputError:
            pass  # explained at once with one series; asked for again after choosing one
        else:
            extra = {"start": period.start.isoformat(), "end": period.end.isoformat()}

    async def then(
        update: Update, context: BotContext, team: Team, row: ConsultationSeries
    ) -> None:
        await _ask_period(update, context, team, row, args)

    await _start(update, context, "pause.team", then, extra)


async def on_pause_team(update: Update, context: BotContext, button: Button) -> None:
    """Series chosen for a pause: confirm the period typed with the command, or ask for it."""

    async def then(
        update: Update, context: BotContext, team: Team, row: ConsultationSeries
    ) -> None:
        if "start" in button.payload and "end" in button.payload:
            period = Pause(
                date.fromisoformat(str(button.payload["start"])),
                date.fromisoformat(str(button.payload["end"])),
            )
            await _confirm_period(update, context, team, row, period)
        else:
            await _ask_period(update, context, team, row, "")

    await _on_team(update, context, button, then)


async def _ask_period(
    update: Update, context: BotContext, team: Team, row: ConsultationSeries, typed: str
) -> None:
    if typed:
        await _confirm_pause(update, context, team, row, typed)
        return
    await interaction.set_dialog(
        context.session,
        telegram_id=context.actor.telegram_id,
        chat_id=_chat_id(update),
        kind=PAUSE_DIALOG,
        step=STEP_PERIOD,
        data=_names(row),
        now=context.now,
    )
    question = tr(
        context,
        "network.ask_pause" if row.kind == NETWORK else "consultation.ask_pause",
        team=team.name,
    )
    await edit_or_send(update, context, question)


def _parse_period(text: str, today: date) -> Pause:
    """``21.12. bis 03.01.`` / ``vom 21.12.2026 – 3.1.2027`` / ``21.12. 3.1.`` → a pause.

    The end is read relative to today, not to the start, so "10.12. bis 1.12." is the
    mistake it looks like rather than a pause of almost a year.
    """
    if len(text) > MAX_INPUT_LENGTH:
        raise InputError("schedule.bad_input_length", max=MAX_INPUT_LENGTH)
    words = text.replace("–", " ").replace("—", " ").casefold().split()
    parts = [word for word in words if word not in _PERIOD_WORDS]
    if len(parts) != 2:
        raise InputError("consultation.bad_pause")
    start = parse_date(parts[0], today=today)
    end = parse_date(parts[1], today=today, allow_past=True)
    pause = Pause(start, end)
    validate_pause(pause)
    return pause


def _dropped(plan: list[PlannedDate]) -> int:
    return sum(1 for entry in plan if entry.fate in ("regular", "holiday_moved"))


async def _confirm_pause(
    update: Update, context: BotContext, team: Team, row: ConsultationSeries, typed: str
) -> None:
    try:
        period = _parse_period(typed, local_today(context))
    except InputError as error:
        await reply(update, context, error_text(context, error))
        return
    await _confirm_period(update, context, team, row, period)


async def _confirm_period(
    update: Update, context: BotContext, team: Team, row: ConsultationSeries, period: Pause
) -> None:
    """Say how many meetings the pause drops and ask to confirm it."""
    await _end_dialog(update, context)
    series, found = await _domain(context, row)
    plan = plan_dates(
        series,
        cancelled=found.cancelled,
        moved=found.moves,
        pauses=found.pauses,
        start=period.start,
        end=period.end,
    )
    payload = {
        **_names(row),
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }
    markup = await keyboard(
        context,
        [
            [
                Choice(tr(context, "consultation.button_pause_yes"), "pause.confirm", payload),
                no_choice(context),
            ]
        ],
        chat_id=_chat_id(update),
    )
    text = tr(
        context,
        "network.confirm_pause" if row.kind == NETWORK else "consultation.confirm_pause",
        team=team.name,
        start=format_day(period.start, context.lang),
        end=format_day(period.end, context.lang),
        count=_dropped(plan),
    )
    await reply(update, context, text, keyboard=markup)


async def on_pause_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The period typed."""
    found = await _dialog_series(update, context, dialog)
    if found is None:
        return
    await _confirm_pause(update, context, *found, _typed(update))


async def on_pause_confirm(update: Update, context: BotContext, button: Button) -> None:
    """Pause confirmed: check again, store, announce."""
    query = update.callback_query
    assert query is not None
    found = await _series_of(context, button.payload)
    if found is None:
        await _refuse(update, context)
        return
    team, row = found
    period = Pause(
        date.fromisoformat(str(button.payload["start"])),
        date.fromisoformat(str(button.payload["end"])),
    )
    await consume(context, button)
    try:
        validate_pause(period)
        if period.start < local_today(context):
            raise InputError("schedule.date_in_past", date=period.start)
    except InputError as error:
        await query.answer()
        await edit_or_send(update, context, error_text(context, error))
        return
    assert row.id is not None
    await consultations.add_pause(
        context.session,
        series_id=row.id,
        pause=period,
        actor_id=context.actor.telegram_id,
        now=context.now,
    )
    await _record(
        context,
        row,
        "consultation.pause_added",
        {"start": period.start.isoformat(), "end": period.end.isoformat()},
    )
    group_lang = context.services.settings.bot_language
    hint = await _announce(
        context,
        team,
        key="network.announce_pause" if row.kind == NETWORK else "consultation.announce_pause",
        start=format_day(period.start, group_lang),
        end=format_day(period.end, group_lang),
    )
    await query.answer()
    done = tr(
        context,
        "consultation.paused_done",
        start=format_day(period.start, context.lang),
        end=format_day(period.end, context.lang),
    )
    await edit_or_send(update, context, done + hint)


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [
        CommandHandler("absagen", cancel_date),
        CommandHandler("verschieben", move_date),
        CommandHandler("pause", pause),
    ]


BUTTONS: dict[str, ButtonAction] = {
    "absagen.team": on_cancel_team,
    "absagen.date": on_cancel_date,
    "absagen.confirm": on_cancel_confirm,
    "verschieben.team": on_move_team,
    "verschieben.date": on_move_date,
    "verschieben.confirm": on_move_confirm,
    "pause.team": on_pause_team,
    "pause.confirm": on_pause_confirm,
}

DIALOGS: dict[str, DialogStep] = {
    CANCEL_DIALOG: on_cancel_text,
    MOVE_DIALOG: on_move_text,
    PAUSE_DIALOG: on_pause_text,
}
