"""``/budget``, ``/buchungen``, ``/export`` and ``/umbuchen``: seeing and moving the money.

``/budget`` shows the pots of my team's social space for the current year (``/budget 2025``
for another year) as a short table, with a button for a bar chart image. Coordinators and the
Fachbereichsleitung see every social space of their region and the organisation's reserve.
``/buchungen`` pages through a pot's ledger, newest first. ``/export`` (coordinators,
Fachbereichsleitung) sends the XLSX and CSV that budget-core's export builds. ``/umbuchen``
(Fachbereichsleitung) moves money between two pots of one social space and year, draws from
the reserve, or carries money into the next year; each is one audited booking of the service.

Every button re-computes what the presser may see from the database; a pot id in a button is
only a wish, never a permission.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from sqlmodel import col, select
from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CommandHandler

from bot.budget import BookingKind
from bot.budget import export as exports
from bot.budget import service as budget
from bot.budget.chart import ChartBar, ChartTexts, render_chart
from bot.handlers.approvals import ambiguity_prompt, picked_amount, refusal_key, warn_thresholds
from bot.handlers.common import (
    Choice,
    ack,
    alert,
    chat_id_of,
    close_keyboard,
    command_args,
    consume,
    edit_or_send,
    is_group,
    is_private,
    keyboard,
    reply,
    tr,
)
from bot.handlers.gate import ButtonAction, DialogStep
from bot.handlers.spending import (
    amount_problem,
    category_label,
    money,
    pot_label,
    private_only,
    this_year,
)
from bot.i18n import Markup, TextKey
from bot.money import Ambiguous, Invalid, format_cents, parse_amount
from bot.runtime import BotContext
from bot.storage import audit, directory, interaction
from bot.storage import budget as budget_storage
from bot.storage.models import Button, Dialog, Role, SocialSpace, Team

log = logging.getLogger(__name__)

PAGE_SIZE: Final = 10
FIRST_YEAR: Final = 2000
LAST_YEAR: Final = 2100
MOVE_KIND: Final = "umbuchen"
REGION_ROLES: Final = frozenset({Role.KOORDINATION, Role.FACHBEREICHSLEITUNG})

BOOKING_LABELS: Final = {
    BookingKind.ALLOCATE: TextKey("budget.booking.allocate"),
    BookingKind.ADJUST: TextKey("budget.booking.adjust"),
    BookingKind.APPROVE: TextKey("budget.booking.approve"),
    BookingKind.SETTLE: TextKey("budget.booking.settle"),
    BookingKind.REALLOCATE_OUT: TextKey("budget.booking.reallocate_out"),
    BookingKind.REALLOCATE_IN: TextKey("budget.booking.reallocate_in"),
    BookingKind.RESERVE_OUT: TextKey("budget.booking.reserve_out"),
    BookingKind.RESERVE_IN: TextKey("budget.booking.reserve_in"),
    BookingKind.CARRY_OUT: TextKey("budget.booking.carry_out"),
    BookingKind.CARRY_IN: TextKey("budget.booking.carry_in"),
}


# -- who sees what ---------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """What one person may see of the money: social spaces, and whether the reserve too."""

    space_ids: tuple[int, ...]
    reserve: bool
    organisation_ids: tuple[int, ...]


async def view_of(context: BotContext) -> View:
    """My team's social spaces; for coordinators and the Fachbereichsleitung their regions.

    Administrators see everything. Read from the database on every call.
    """
    actor = context.actor
    session = context.session
    regions = await budget_storage.region_of_teams(session, actor.team_ids)
    wide_regions = {
        region for team_id, region in regions.items() if actor.roles_in(team_id) & REGION_ROLES
    }
    spaces: set[int] = set()
    if actor.team_ids:
        rows = await session.exec(
            select(Team.social_space_id).where(col(Team.id).in_(sorted(actor.team_ids)))
        )
        spaces = {space for space in rows.all() if space is not None}
    if actor.is_admin or wide_regions:
        query = select(SocialSpace.id)
        if not actor.is_admin:
            query = query.where(col(SocialSpace.region_id).in_(sorted(wide_regions)))
        spaces |= {space for space in (await session.exec(query)).all() if space is not None}
    organisations: set[int] = set()
    for region_id in wide_regions:
        organisation_id = await budget_storage.organisation_of_region(session, region_id=region_id)
        if organisation_id is not None:
            organisations.add(organisation_id)
    if actor.is_admin:
        organisation = await directory.organisation(session)
        if organisation is not None and organisation.id is not None:
            organisations.add(organisation.id)
    return View(
        space_ids=tuple(sorted(spaces)),
        reserve=bool(organisations),
        organisation_ids=tuple(sorted(organisations)),
    )


async def group_view(context: BotContext, chat_id: int) -> View | None:
    """In a team's group: that team's social space only, for members of the team."""
    team = await directory.team_by_chat(context.session, chat_id=chat_id)
    if team is None or team.id not in context.actor.team_ids or team.social_space_id is None:
        return None
    return View(space_ids=(team.social_space_id,), reserve=False, organisation_ids=())


async def visible_pots(context: BotContext, view: View, year: int) -> list[budget.PotView]:
    """The pots of the view in one year: social spaces first (by space, category), reserve last."""
    found = await budget.pots_for(
        context.session, social_space_ids=list(view.space_ids), year=year
    )
    if view.reserve:
        for organisation_id in view.organisation_ids:
            reserve = await budget.reserve_for(
                context.session, organisation_id=organisation_id, year=year
            )
            if reserve is not None:
                found.append(reserve)
    return found


def _year_argument(update: Update, context: BotContext) -> int | None:
    """``/budget 2025`` → 2025; no argument → this year; anything else → None."""
    args = command_args(update)
    if not args:
        return this_year(context)
    if len(args) == 1 and args[0].isdigit() and FIRST_YEAR <= int(args[0]) <= LAST_YEAR:
        return int(args[0])
    return None


async def _private_year(
    update: Update, context: BotContext, command: str, bad_year: TextKey
) -> int | None:
    """The year of a private-only command; otherwise says why not and returns None."""
    if not is_private(update):
        await private_only(update, context, command)
        return None
    year = _year_argument(update, context)
    if year is None:
        await reply(update, context, tr(context, bad_year))
    return year


# -- /budget ---------------------------------------------------------------------------------


def _space_of(context: BotContext, pot: budget.PotView) -> str:
    """The social space's name; the reserve belongs to the whole organisation."""
    return pot.social_space_name or tr(context, "budget.organisation_wide")


def table_text(context: BotContext, pots: Sequence[budget.PotView], year: int) -> str:
    """The pots as short lines a phone shows without wrapping too much."""
    lines = [tr(context, "budget.table_header", year=year)]
    current: object = object()
    for pot in pots:
        if pot.social_space_id != current:
            current = pot.social_space_id
            lines.append("")
            lines.append(tr(context, "budget.table_space", space=_space_of(context, pot)))
        figures = pot.figures
        percent = round(figures.used_ratio * 100) if figures.allocated else 0
        lines.append(
            tr(
                context,
                "budget.table_line",
                category=category_label(context, pot.category),
                available=money(context, figures.available),
                allocated=money(context, figures.allocated),
                committed=money(context, figures.committed),
                settled=money(context, figures.settled),
                percent=percent,
            )
        )
    return "\n".join(lines)


async def _view_here(update: Update, context: BotContext) -> View | None:
    """Private chat: everything I may see; a team's group: that team's social space only."""
    if is_private(update):
        return await view_of(context)
    if is_group(update):
        return await group_view(context, chat_id_of(update))
    return None


async def show_budget(update: Update, context: BotContext) -> None:
    """The table of the pots I may see, with buttons for the chart and the ledger."""
    year = _year_argument(update, context)
    if year is None:
        await reply(update, context, tr(context, "budget.bad_year"))
        return
    view = await _view_here(update, context)
    if view is None:
        await reply(update, context, tr(context, "budget.group_no_team"))
        return
    if not view.space_ids and not view.reserve:
        await reply(update, context, tr(context, "budget.no_view"))
        return
    pots = await visible_pots(context, view, year)
    if not pots:
        await reply(update, context, tr(context, "budget.no_pots_year", year=year))
        return
    payload = {"year": year}
    row = [Choice(tr(context, "budget.button_chart"), "budget.chart", payload)]
    if is_private(update):
        row.append(Choice(tr(context, "budget.button_ledger"), "budget.ledger", payload))
    # In a group anybody of the team may ask for the picture; what it shows is re-checked.
    markup = await keyboard(
        context, [row], chat_id=chat_id_of(update), personal=is_private(update)
    )
    await reply(update, context, table_text(context, pots, year), keyboard=markup)


async def on_chart(update: Update, context: BotContext, button: Button) -> None:
    """Send the bar chart of the pots (re-read: what I may see now, figures now)."""
    year = int(button.payload.get("year", this_year(context)))
    view = await _view_here(update, context)
    pots = await visible_pots(context, view, year) if view is not None else []
    if view is None or not pots:
        await alert(update, context, "budget.no_view_short")
        return
    await ack(update)
    bars = []
    for pot in pots:
        label = category_label(context, pot.category)
        if len(view.space_ids) > 1 and pot.social_space_name:
            label = f"{pot.social_space_name} · {label}"
        figures = pot.figures
        bars.append(ChartBar(label, figures.allocated, figures.committed, figures.settled))
    texts = ChartTexts(
        title=tr(context, "budget.chart_title", year=year),
        settled=tr(context, "budget.chart_settled"),
        committed=tr(context, "budget.chart_committed"),
        available=tr(context, "budget.chart_available"),
        empty=tr(context, "budget.chart_empty"),
    )
    language = context.lang
    png = await asyncio.to_thread(
        render_chart,
        bars,
        texts=texts,
        format_amount=lambda cents: budget_money(cents, language),
    )
    await context.bot.send_photo(
        chat_id=chat_id_of(update),
        photo=io.BytesIO(png),
        filename=f"budget-{year}.png",
        caption=tr(context, "budget.chart_caption", year=year),
    )


def budget_money(cents: int, language: str) -> str:
    """Axis labels: whole euros are enough on a chart ("5.000 €", "€5,000")."""
    cents_part = ",00" if language.startswith("de") else ".00"
    return format_cents(cents - cents % 100, language).replace(cents_part, "", 1)


# -- /buchungen ------------------------------------------------------------------------------


async def _ask_pot(update: Update, context: BotContext, year: int) -> None:
    """One button per pot I may see in ``year``."""
    pots = await visible_pots(context, await view_of(context), year)
    if not pots:
        await reply(update, context, tr(context, "budget.no_pots_year", year=year))
        return
    rows = [
        [Choice(await pot_label(context, pot), "budget.page", {"pot_id": pot.id, "offset": 0})]
        for pot in pots
    ]
    markup = await keyboard(context, rows, chat_id=chat_id_of(update))
    await reply(update, context, tr(context, "budget.ask_ledger_pot", year=year), keyboard=markup)


async def show_ledger(update: Update, context: BotContext) -> None:
    """Which pot's bookings to show."""
    year = await _private_year(update, context, "/buchungen", TextKey("budget.bad_year"))
    if year is None:
        return
    await _ask_pot(update, context, year)


async def on_ledger(update: Update, context: BotContext, button: Button) -> None:
    """From /budget: choose the pot whose bookings to show (the table keeps its buttons)."""
    await ack(update)
    await _ask_pot(update, context, int(button.payload.get("year", this_year(context))))


async def _may_see(context: BotContext, pot: budget.PotView) -> bool:
    view = await view_of(context)
    if pot.social_space_id is None:
        return view.reserve and pot.organisation_id in view.organisation_ids
    return pot.social_space_id in view.space_ids


async def on_page(update: Update, context: BotContext, button: Button) -> None:
    """One page of a pot's ledger, newest first, with buttons to page."""
    pot = await budget.pot_view(context.session, pot_id=int(button.payload["pot_id"]))
    if pot is None or not await _may_see(context, pot):
        await alert(update, context, "budget.no_view_short")
        return
    offset = max(0, int(button.payload.get("offset", 0)))
    page = await budget.ledger_page(context.session, pot_id=pot.id, offset=offset, limit=PAGE_SIZE)
    await consume(context, button)
    await ack(update)
    entries, total = page.entries, page.total
    tz = context.services.settings.tz
    lines = [
        tr(
            context,
            "budget.ledger_header",
            pot=await pot_label(context, pot),
            first=min(total, offset + 1),
            last=min(total, offset + len(entries)),
            total=total,
        )
    ]
    if not entries:
        lines.append(tr(context, "budget.ledger_empty"))
    for entry in entries:
        lines.append(
            tr(
                context,
                "budget.ledger_line",
                when=entry.at.astimezone(tz).strftime("%d.%m.%Y"),
                kind=_booking_label(context, entry.kind),
                change=Markup(_changes(context, entry)),
                request=(
                    tr(context, "budget.ledger_request", number=entry.request_id)
                    if entry.request_id is not None
                    else ""
                ),
            )
        )
    row: list[Choice] = []
    payload = {"pot_id": pot.id}
    if offset > 0:
        row.append(
            Choice(
                tr(context, "budget.button_newer"),
                "budget.page",
                {**payload, "offset": max(0, offset - PAGE_SIZE)},
            )
        )
    if offset + PAGE_SIZE < total:
        row.append(
            Choice(
                tr(context, "budget.button_older"),
                "budget.page",
                {**payload, "offset": offset + PAGE_SIZE},
            )
        )
    markup = await keyboard(context, [row], chat_id=chat_id_of(update)) if row else None
    await edit_or_send(update, context, "\n".join(lines), keyboard=markup)


def _booking_label(context: BotContext, kind: str) -> str:
    """What a ledger line records, in the reader's language."""
    label = BOOKING_LABELS.get(BookingKind(kind)) if kind in set(BookingKind) else None
    return tr(context, label) if label is not None else kind


def _changes(context: BotContext, entry: Any) -> str:
    """The non-zero deltas of a booking: "bewilligt +250,00 €"."""
    parts = []
    for key, delta in (
        ("budget.delta_allocated", entry.d_allocated),
        ("budget.delta_committed", entry.d_committed),
        ("budget.delta_settled", entry.d_settled),
    ):
        if delta:
            sign = "+" if delta > 0 else "−"
            parts.append(tr(context, key, amount=f"{sign}{money(context, abs(delta))}"))
    return " · ".join(parts)


# -- /export ---------------------------------------------------------------------------------


async def export(update: Update, context: BotContext) -> None:
    """XLSX and CSV of a year, for coordinators and the Fachbereichsleitung (their region)."""
    year = await _private_year(update, context, "/export", TextKey("budget.bad_year_export"))
    if year is None:
        return
    view = await view_of(context)
    if not view.organisation_ids:  # only region-wide viewers (and administrators) export
        await reply(update, context, tr(context, "budget.export_not_allowed"))
        return
    visible = {pot.id for pot in await visible_pots(context, view, year)}
    if not visible:
        await reply(update, context, tr(context, "budget.no_pots_year", year=year))
        return
    chat_id = chat_id_of(update)
    await context.bot.send_chat_action(chat_id=chat_id, action=ChatAction.UPLOAD_DOCUMENT)
    loaded = await exports.load_export(context.session, year=year)
    data = replace(loaded, pots=tuple(pot for pot in loaded.pots if pot.id in visible))
    tz = context.services.settings.tz
    workbook = await asyncio.to_thread(exports.to_xlsx, data, tz=tz)
    ledger = exports.ledger_csv(data, tz=tz)
    await context.bot.send_document(
        chat_id=chat_id,
        document=io.BytesIO(workbook),
        filename=f"budget-{year}.xlsx",
        caption=tr(context, "budget.export_xlsx", year=year),
    )
    await context.bot.send_document(
        chat_id=chat_id,
        document=io.BytesIO(ledger),
        filename=f"budget-{year}-buchungen.csv",
        caption=tr(context, "budget.export_csv", year=year),
    )
    await audit.record(
        context.session,
        at=context.now,
        actor_id=context.actor.telegram_id,
        action="budget.exported",
        object_type="budget_year",
        object_id=year,
        details={"pots": sorted(visible)},
    )


# -- /umbuchen -------------------------------------------------------------------------------


async def _lead_spaces(context: BotContext) -> list[SocialSpace]:
    """Social spaces of the regions where I am Fachbereichsleitung."""
    regions = await budget_storage.region_of_teams(context.session, context.actor.team_ids)
    lead = {
        region
        for team_id, region in regions.items()
        if Role.FACHBEREICHSLEITUNG in context.actor.roles_in(team_id)
    }
    if not lead:
        return []
    query = (
        select(SocialSpace)
        .where(col(SocialSpace.region_id).in_(sorted(lead)))
        .order_by(col(SocialSpace.name))
    )
    return list((await context.session.exec(query)).all())


async def start_move(update: Update, context: BotContext) -> None:
    """Umbuchen: choose the social space (Fachbereichsleitung only).

    ``/umbuchen 2025`` books in 2025's pots, e.g. to carry last year's rest in January.
    """
    if not is_private(update):
        await private_only(update, context, "/umbuchen")
        return
    spaces = await _lead_spaces(context)
    if not spaces:
        await reply(update, context, tr(context, "budget.move_not_allowed"))
        return
    year = _year_argument(update, context)
    if year is None:
        await reply(update, context, tr(context, "budget.bad_year_move"))
        return
    with_pots = {
        pot.social_space_id
        for pot in await budget.pots_for(
            context.session, social_space_ids=[s.id for s in spaces if s.id], year=year
        )
    }
    spaces = [space for space in spaces if space.id in with_pots]
    if not spaces:
        await reply(update, context, tr(context, "budget.no_pots_year", year=year))
        return
    rows = [
        [Choice(space.name, "umbuchen.space", {"space_id": space.id, "year": year})]
        for space in spaces
    ]
    markup = await keyboard(context, rows, chat_id=chat_id_of(update))
    await reply(update, context, tr(context, "budget.move_space", year=year), keyboard=markup)


async def _space_pots(
    context: BotContext, space_id: int, year: int
) -> list[budget.PotView] | None:
    """The pots of a space I lead, or None if I do not (any more)."""
    if space_id not in {space.id for space in await _lead_spaces(context)}:
        return None
    return await budget.pots_for(context.session, social_space_ids=[space_id], year=year)


async def on_move_space(update: Update, context: BotContext, button: Button) -> None:
    """Space chosen: what kind of booking."""
    space_id, year = int(button.payload["space_id"]), int(button.payload["year"])
    pots = await _space_pots(context, space_id, year)
    if pots is None:
        await alert(update, context, "budget.move_not_allowed_short")
        return
    await close_keyboard(update, context, button)
    if not pots:
        await reply(update, context, tr(context, "budget.no_pots_year", year=year))
        return
    payload = {"space_id": space_id, "year": year}
    rows = [
        [
            Choice(
                tr(context, "budget.button_move_between"),
                "umbuchen.kind",
                {**payload, "kind": "between"},
            )
        ],
        [
            Choice(
                tr(context, "budget.button_move_reserve"),
                "umbuchen.kind",
                {**payload, "kind": "reserve"},
            )
        ],
        [
            Choice(
                tr(context, "budget.button_move_carry"),
                "umbuchen.kind",
                {**payload, "kind": "carry"},
            )
        ],
    ]
    markup = await keyboard(context, rows, chat_id=chat_id_of(update))
    await reply(
        update,
        context,
        tr(
            context,
            "budget.move_kind",
            space=pots[0].social_space_name if pots else "?",
            year=year,
        ),
        keyboard=markup,
    )


def _pot_choices(
    context: BotContext, pots: Sequence[budget.PotView], action: str, payload: dict[str, Any]
) -> list[list[Choice]]:
    """One button per pot ("Beratung: 1.200,00 € frei"), the pot's id added to ``payload``."""
    return [
        [
            Choice(
                tr(
                    context,
                    "budget.pot_button",
                    category=category_label(context, pot.category),
                    available=money(context, pot.figures.available),
                ),
                action,
                {**payload, "pot_id": pot.id},
            )
        ]
        for pot in pots
    ]


async def on_move_kind(update: Update, context: BotContext, button: Button) -> None:
    """Kind chosen: the source pot (between, carry) or the target pot (reserve)."""
    space_id, year = int(button.payload["space_id"]), int(button.payload["year"])
    kind = str(button.payload.get("kind"))
    pots = await _space_pots(context, space_id, year)
    if pots is None or kind not in ("between", "reserve", "carry"):
        await alert(update, context, "budget.move_not_allowed_short")
        return
    await close_keyboard(update, context, button)
    payload = {"space_id": space_id, "year": year, "kind": kind}
    rows = _pot_choices(context, pots, "umbuchen.first", payload)
    key = "budget.move_to" if kind == "reserve" else "budget.move_from"
    markup = await keyboard(context, rows, chat_id=chat_id_of(update))
    await reply(update, context, tr(context, key), keyboard=markup)


async def on_move_first(update: Update, context: BotContext, button: Button) -> None:
    """First pot chosen; between pots: now the target pot; otherwise the amount."""
    space_id, year = int(button.payload["space_id"]), int(button.payload["year"])
    kind, pot_id = str(button.payload["kind"]), int(button.payload["pot_id"])
    pots = await _space_pots(context, space_id, year)
    if pots is None or not any(pot.id == pot_id for pot in pots):
        await alert(update, context, "budget.move_not_allowed_short")
        return
    await close_keyboard(update, context, button)
    data: dict[str, Any] = {"space_id": space_id, "year": year, "kind": kind}
    if kind == "between":
        data["from_pot_id"] = pot_id
        others = [pot for pot in pots if pot.id != pot_id]
        rows = _pot_choices(context, others, "umbuchen.second", data)
        markup = await keyboard(context, rows, chat_id=chat_id_of(update))
        await reply(update, context, tr(context, "budget.move_to"), keyboard=markup)
        return
    data["to_pot_id" if kind == "reserve" else "from_pot_id"] = pot_id
    await _ask_move_amount(update, context, data)


async def on_move_second(update: Update, context: BotContext, button: Button) -> None:
    """Target pot chosen: the amount."""
    space_id, year = int(button.payload["space_id"]), int(button.payload["year"])
    pots = await _space_pots(context, space_id, year)
    ids = {pot.id for pot in pots or []}
    from_id, to_id = int(button.payload["from_pot_id"]), int(button.payload["pot_id"])
    if pots is None or from_id not in ids or to_id not in ids or from_id == to_id:
        await alert(update, context, "budget.move_not_allowed_short")
        return
    await close_keyboard(update, context, button)
    data = {
        "space_id": space_id,
        "year": year,
        "kind": "between",
        "from_pot_id": from_id,
        "to_pot_id": to_id,
    }
    await _ask_move_amount(update, context, data)


async def _ask_move_amount(
    update: Update, context: BotContext, data: dict[str, Any], *, prefix: str = ""
) -> None:
    chat_id = chat_id_of(update)
    asked = int(data.get("asked", 0)) + 1
    data = {**data, "asked": asked}
    await interaction.set_dialog(
        context.session,
        telegram_id=context.actor.telegram_id,
        chat_id=chat_id,
        kind=MOVE_KIND,
        step="amount",
        data=data,
        now=context.now,
    )
    text = tr(context, "budget.move_amount")
    markup = None
    options = data.get("options")
    if options:
        text, markup = await ambiguity_prompt(
            context,
            [int(cents) for cents in options],
            action=f"{MOVE_KIND}.pick",
            asked=asked,
            chat_id=chat_id,
        )
    if prefix:
        text = f"{prefix}\n\n{text}"
    await reply(update, context, text, keyboard=markup)


async def on_move_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The typed amount to move."""
    message = update.effective_message
    assert message is not None
    data = dict(dialog.data)
    data.pop("options", None)
    parsed = parse_amount(message.text or "")
    if isinstance(parsed, Invalid):
        await _ask_move_amount(update, context, data, prefix=amount_problem(context, parsed))
        return
    if isinstance(parsed, Ambiguous):
        data["options"] = list(parsed.options[:2])
        await _ask_move_amount(update, context, data)
        return
    await _book_move(update, context, data, parsed.cents)


async def on_move_pick(update: Update, context: BotContext, button: Button) -> None:
    """One reading of an ambiguous amount."""
    picked = await picked_amount(update, context, button, kind=MOVE_KIND)
    if picked is None:
        await alert(update, context, "button.stale")
        return
    dialog, cents = picked
    await close_keyboard(update, context, button)
    await _book_move(update, context, dict(dialog.data), cents)


async def _book_move(
    update: Update, context: BotContext, data: dict[str, Any], cents: int
) -> None:
    """Book it through the service (which re-checks rights and money under a lock)."""
    await interaction.clear_dialog(
        context.session, telegram_id=context.actor.telegram_id, chat_id=chat_id_of(update)
    )
    kind = data["kind"]
    if kind == "between":
        result = await budget.reallocate(
            context.session,
            from_pot_id=int(data["from_pot_id"]),
            to_pot_id=int(data["to_pot_id"]),
            amount_cents=cents,
            actor=context.actor,
            now=context.now,
        )
    elif kind == "reserve":
        result = await budget.draw_reserve(
            context.session,
            pot_id=int(data["to_pot_id"]),
            amount_cents=cents,
            actor=context.actor,
            now=context.now,
        )
    else:
        result = await budget.carry_over(
            context.session,
            pot_id=int(data["from_pot_id"]),
            to_year=int(data["year"]) + 1,
            amount_cents=cents,
            actor=context.actor,
            now=context.now,
        )
    if isinstance(result, budget.Refused):
        await reply(update, context, tr(context, refusal_key(result.reason)))
        return
    await reply(
        update,
        context,
        tr(
            context,
            "budget.moved",
            amount=money(context, result.amount),
            source=await pot_label(context, result.source),
            target=await pot_label(context, result.target),
            left=money(context, result.source.figures.available),
        ),
    )
    if result.source.social_space_id is not None:
        teams = await context.session.exec(
            select(Team.id).where(Team.social_space_id == result.source.social_space_id)
        )
        await warn_thresholds(
            context,
            pot=result.source,
            team_ids=[team_id for team_id in teams.all() if team_id is not None],
            crossed=result.crossed,
        )


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [
        CommandHandler("budget", show_budget),
        CommandHandler(["buchungen", "ledger"], show_ledger),
        CommandHandler("export", export),
        CommandHandler(["umbuchen", "reallocate"], start_move),
    ]


BUTTONS: dict[str, ButtonAction] = {
    "budget.chart": on_chart,
    "budget.ledger": on_ledger,
    "budget.page": on_page,
    "umbuchen.space": on_move_space,
    "umbuchen.kind": on_move_kind,
    "umbuchen.first": on_move_first,
    "umbuchen.second": on_move_second,
    f"{MOVE_KIND}.pick": on_move_pick,
}

DIALOGS: dict[str, DialogStep] = {MOVE_KIND: on_move_text}
