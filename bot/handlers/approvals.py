"""``/freigeben``: deciding spending requests, and settling them (Abrechnen).

The Fachbereichsleitung approves any amount in its region, a team's coordinators up to the
organisation's limit; nobody their own request (:mod:`bot.budget.rules`). Every press re-reads
the request, and the service re-checks the presser's rights and the pot's money in the same
transaction (it locks the pot row), so a stale or forged button changes nothing.

When the pot does not cover a request, the approver gets choices instead of an error: reject,
approve the lower amount that is left, or (Fachbereichsleitung) draw the missing part from the
central reserve. A rejection asks for a reason, which goes to the requester. Settling asks for
the amount actually paid: less releases the difference to the pot; more waits in the
approvers' queue as an extra claim. The first time a pot passes 80 % and 100 % use, the team's
group and the Fachbereichsleitung are told (outbox, same transaction).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import suppress
from typing import Any, Final

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CommandHandler

from bot.budget import RequestStatus
from bot.budget import service as budget
from bot.handlers.common import (
    Choice,
    ack,
    alert,
    chat_id_of,
    close_keyboard,
    consume,
    edit_or_send,
    is_private,
    keyboard,
    reply,
    tr,
)
from bot.handlers.gate import ButtonAction, DialogStep
from bot.handlers.spending import (
    amount_problem,
    gated_text,
    money,
    pot_text,
    private_only,
    push_to_approvers,
    request_text,
)
from bot.i18n import t
from bot.money import Ambiguous, Invalid, format_cents, parse_amount
from bot.notify import notify_member
from bot.runtime import BotContext
from bot.storage import budget as budget_storage
from bot.storage import interaction, outbox
from bot.storage.models import Button, Dialog, Member, Role, SpendingRequest, Team

log = logging.getLogger(__name__)

REASON_KIND: Final = "freigabe_grund"
LOWER_KIND: Final = "freigabe_betrag"
SETTLE_KIND: Final = "abrechnen"
REASON_LIMIT: Final = 300
MAX_QUEUE: Final = 20

REFUSALS: Final = {
    "own_request": "budget.refused.own_request",
    "not_allowed": "budget.refused.not_allowed",
    "over_limit": "budget.refused.over_limit",
    "not_pending": "budget.refused.not_pending",
    "gone": "budget.refused.gone",
    "bad_amount": "budget.refused.bad_amount",
    "bad_text": "budget.refused.bad_text",
    "insufficient": "budget.refused.insufficient",
    "below_used": "budget.refused.below_used",
}


def refusal_key(reason: str) -> str:
    """The text key for a service refusal (unknown reasons read as "not allowed")."""
    return REFUSALS.get(reason, "budget.refused.not_allowed")


async def _request(context: BotContext, request_id: int) -> SpendingRequest | None:
    """The request read fresh from the database (a button's id is only a wish)."""
    request = await context.session.get(SpendingRequest, request_id)
    if request is not None:
        await context.session.refresh(request)
    return request


async def _card(context: BotContext, request: SpendingRequest) -> str:
    return await request_text(context.lang, context.session, request)


async def drop_markup(update: Update) -> None:
    """Take the buttons off the pressed message (it may be too old to edit: then not)."""
    query = update.callback_query
    if query is not None:
        with suppress(BadRequest):
            await query.edit_message_reply_markup(reply_markup=None)


# -- the queue -------------------------------------------------------------------------------


async def show_queue(update: Update, context: BotContext) -> None:
    """Requests I may decide, one message each with approve/reject buttons."""
    if not is_private(update):
        await private_only(update, context, "/freigeben")
        return
    queue = await budget.queue_for(context.session, approver=context.actor)
    if not queue:
        await reply(update, context, tr(context, "budget.queue_empty"))
        return
    if len(queue) > MAX_QUEUE:
        header = tr(context, "budget.queue_header_more", count=len(queue), limit=MAX_QUEUE)
    else:
        header = tr(context, "budget.queue_header", count=len(queue))
    await reply(update, context, header)
    for item in queue[:MAX_QUEUE]:
        payload = {"request_id": item.request.id}
        markup = await keyboard(
            context,
            [
                [
                    Choice(tr(context, "budget.button_approve"), "freigabe.approve", payload),
                    Choice(tr(context, "budget.button_reject"), "freigabe.reject", payload),
                ]
            ],
            chat_id=chat_id_of(update),
        )
        text = await _card(context, item.request)
        if item.extra:
            text = (
                tr(context, "budget.queue_extra", extra=money(context, item.needed)) + "\n" + text
            )
        await reply(update, context, text, keyboard=markup)


# -- approving -------------------------------------------------------------------------------


async def _approve(
    update: Update,
    context: BotContext,
    request_id: int,
    *,
    amount_cents: int | None = None,
    draw_reserve: bool = False,
    button: Button | None = None,
) -> None:
    """Ask the service to approve; render whichever outcome it returns."""
    result = await budget.approve(
        context.session,
        request_id=request_id,
        approver=context.actor,
        amount_cents=amount_cents,
        draw_reserve=draw_reserve,
        now=context.now,
    )
    if isinstance(result, budget.Refused):
        if button is None:
            await reply(update, context, tr(context, refusal_key(result.reason)))
            return
        if result.reason in ("not_pending", "gone"):
            # Decided elsewhere (another card, another approver): these buttons are done too.
            await consume(context, button)
            await drop_markup(update)
        await alert(update, context, refusal_key(result.reason))
        return
    if button is not None:
        await consume(context, button)
        await ack(update)
    if isinstance(result, budget.Shortfall):
        await _offer_choices(update, context, result)
        return
    await _approved(update, context, result)


async def _approved(update: Update, context: BotContext, result: budget.Approved) -> None:
    """The request is approved: say so here, tell the requester, warn at 80/100 %."""
    request = result.request
    assert request.approved is not None
    card = await _card(context, request)
    if result.extra:
        done = tr(context, "budget.extra_approved", amount=money(context, request.actual or 0))
    else:
        done = tr(context, "budget.approved", amount=money(context, request.approved))
    if result.drawn:
        done += "\n" + tr(context, "budget.drawn", amount=money(context, result.drawn))
    await edit_or_send(update, context, f"{card}\n\n{done}")
    requester = await context.session.get(Member, request.requester_id)
    if requester is not None:
        language = requester.language
        if result.extra:
            await notify_member(
                context.session,
                telegram_id=requester.telegram_id,
                language=language,
                key="budget.told_extra_approved",
                now=context.now,
                number=request.id,
                amount=money_in(language, request.actual or 0),
            )
        else:
            await notify_member(
                context.session,
                telegram_id=requester.telegram_id,
                language=language,
                key=(
                    "budget.told_approved"
                    if request.approved == request.amount
                    else "budget.told_approved_lower"
                ),
                now=context.now,
                number=request.id,
                amount=money_in(language, request.approved),
                requested=money_in(language, request.amount),
                pot=pot_text(language, result.pot),
            )
    await warn_thresholds(
        context, pot=result.pot, team_ids=[request.team_id], crossed=result.crossed
    )


def money_in(language: str, cents: int) -> str:
    """An amount in a reader's language (for messages to others)."""
    return format_cents(cents, language)


async def warn_thresholds(
    context: BotContext, *, pot: budget.PotView, team_ids: list[int], crossed: tuple[int, ...]
) -> None:
    """80 % / 100 % reached for the first time: the team's group and the heads are told.

    Called with what the service returns; the service remembers per pot which thresholds it
    announced, so each is told once (the dedupe keys guard against a repeated update too).
    """
    if not crossed:
        return
    key = "budget.warn_full" if max(crossed) >= 100 else "budget.warn_80"
    percent = round(pot.figures.used_ratio * 100)
    language = context.services.settings.bot_language
    for team_id in team_ids:
        team = await context.session.get(Team, team_id)
        if team is None or team.chat_id is None:
            continue
        await outbox.enqueue(
            context.session,
            chat_id=team.chat_id,
            text=t(
                language,
                key,
                pot=pot_text(language, pot),
                available=money_in(language, pot.figures.available),
                percent=percent,
            ),
            now=context.now,
            dedupe_key=f"budget:pot:{pot.id}:{max(crossed)}:group:{team.chat_id}",
        )
    heads = (
        await budget_storage.members_with_role(
            context.session, role=Role.FACHBEREICHSLEITUNG, region_id=pot.region_id
        )
        if pot.region_id is not None
        else []
    )
    for head in heads:
        await outbox.enqueue(
            context.session,
            chat_id=head.telegram_id,
            text=t(
                head.language,
                key,
                pot=pot_text(head.language, pot),
                available=money_in(head.language, pot.figures.available),
                percent=percent,
            ),
            now=context.now,
            dedupe_key=f"budget:pot:{pot.id}:{max(crossed)}:head:{head.id}",
        )


async def _offer_choices(update: Update, context: BotContext, shortfall: budget.Shortfall) -> None:
    """The pot does not cover the request: reject, approve less, or draw from the reserve."""
    request = shortfall.request
    payload: dict[str, Any] = {"request_id": request.id}
    rows: list[list[Choice]] = []
    if not budget.is_extra_claim(request) and shortfall.available > 0:
        rows.append(
            [
                Choice(
                    tr(
                        context,
                        "budget.button_lower",
                        amount=money(context, shortfall.available),
                    ),
                    "freigabe.lower",
                    {**payload, "cents": shortfall.available},
                )
            ]
        )
        rows.append([Choice(tr(context, "budget.button_other_amount"), "freigabe.other", payload)])
    can_draw = shortfall.may_draw_reserve and shortfall.reserve_available >= shortfall.missing
    if can_draw:
        rows.append(
            [
                Choice(
                    tr(context, "budget.button_reserve", amount=money(context, shortfall.missing)),
                    "freigabe.reserve",
                    payload,
                )
            ]
        )
    rows.append([Choice(tr(context, "budget.button_reject"), "freigabe.reject", payload)])
    text = await _card(context, request)
    text += "\n\n" + tr(
        context,
        "budget.shortfall",
        needed=money(context, shortfall.needed),
        available=money(context, shortfall.available),
        missing=money(context, shortfall.missing),
    )
    if shortfall.may_draw_reserve and not can_draw:
        text += "\n" + tr(
            context,
            "budget.reserve_too_small",
            reserve=money(context, shortfall.reserve_available),
        )
    markup = await keyboard(context, rows, chat_id=chat_id_of(update))
    await edit_or_send(update, context, text, keyboard=markup)


def _request_id(button: Button) -> int | None:
    raw = button.payload.get("request_id")
    return raw if isinstance(raw, int) else None


async def on_approve(update: Update, context: BotContext, button: Button) -> None:
    """Approve the full amount (the service re-checks everything)."""
    request_id = _request_id(button)
    if request_id is None:
        await alert(update, context, "button.stale")
        return
    await _approve(update, context, request_id, button=button)


async def on_lower(update: Update, context: BotContext, button: Button) -> None:
    """Approve the lower amount that was left in the pot when the choice was offered."""
    request_id, cents = _request_id(button), button.payload.get("cents")
    if request_id is None or not isinstance(cents, int):
        await alert(update, context, "button.stale")
        return
    await _approve(update, context, request_id, amount_cents=cents, button=button)


async def on_reserve(update: Update, context: BotContext, button: Button) -> None:
    """Approve in full, drawing the missing part from the central reserve."""
    request_id = _request_id(button)
    if request_id is None:
        await alert(update, context, "button.stale")
        return
    await _approve(update, context, request_id, draw_reserve=True, button=button)


async def _why_not_decide(context: BotContext, request_id: int) -> str | None:
    """Why the actor may not decide this request now (a text key), or None if they may."""
    request = await _request(context, request_id)
    if request is None:
        return refusal_key("gone")
    if not budget.waits_for_decision(request):
        return refusal_key("not_pending")
    member = context.actor.member
    if member is not None and request.requester_id == member.id:
        return refusal_key("own_request")
    queue = await budget.queue_for(context.session, approver=context.actor)
    if not any(item.request.id == request_id for item in queue):
        return refusal_key("not_allowed")
    return None


async def _ask_typed(
    update: Update,
    context: BotContext,
    *,
    kind: str,
    request_id: int,
    prefix: str = "",
    options: list[int] | None = None,
) -> None:
    """Start (or repeat) a one-question dialogue about a request: a reason or an amount."""
    chat_id = chat_id_of(update)
    dialog = await interaction.get_dialog(
        context.session, telegram_id=context.actor.telegram_id, chat_id=chat_id
    )
    asked = int(dialog.data.get("asked", 0)) + 1 if dialog is not None else 1
    data: dict[str, Any] = {"request_id": request_id, "asked": asked}
    if options:
        data["options"] = options
    await interaction.set_dialog(
        context.session,
        telegram_id=context.actor.telegram_id,
        chat_id=chat_id,
        kind=kind,
        step="text",
        data=data,
        now=context.now,
    )
    request = await _request(context, request_id)
    assert request is not None
    markup: InlineKeyboardMarkup | None = None
    if options:
        text, markup = await ambiguity_prompt(
            context, options, action=f"{kind}.pick", asked=asked, chat_id=chat_id
        )
    elif kind == REASON_KIND:
        requester = await context.session.get(Member, request.requester_id)
        text = tr(
            context,
            "budget.ask_reason",
            number=request_id,
            requester=requester.display_name if requester is not None else "?",
        )
    elif kind == LOWER_KIND:
        text = tr(
            context,
            "budget.ask_lower",
            number=request_id,
            amount=money(context, request.amount),
        )
    else:
        text = tr(
            context,
            "budget.ask_actual",
            number=request_id,
            amount=money(context, request.approved or 0),
        )
    if prefix:
        text = f"{prefix}\n\n{text}"
    await reply(update, context, text, keyboard=markup)


async def _end(update: Update, context: BotContext) -> None:
    await interaction.clear_dialog(
        context.session, telegram_id=context.actor.telegram_id, chat_id=chat_id_of(update)
    )


async def _ask_decider(update: Update, context: BotContext, button: Button, kind: str) -> None:
    """A decision that needs typing (reason, amount): only if the presser may decide now."""
    request_id = _request_id(button)
    why = await _why_not_decide(context, request_id) if request_id is not None else None
    if request_id is None or why is not None:
        await alert(update, context, why or "button.stale")
        return
    await close_keyboard(update, context, button)
    await _ask_typed(update, context, kind=kind, request_id=request_id)


async def on_reject(update: Update, context: BotContext, button: Button) -> None:
    """Reject: first the reason, which goes to the requester."""
    await _ask_decider(update, context, button, REASON_KIND)


async def on_other(update: Update, context: BotContext, button: Button) -> None:
    """Approve a different (lower) amount: ask for it."""
    await _ask_decider(update, context, button, LOWER_KIND)


async def on_reason(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The typed reason of a rejection: through the privacy gate, then the rejection."""
    request_id = int(dialog.data["request_id"])
    why = await _why_not_decide(context, request_id)
    request = await _request(context, request_id)
    if why is not None or request is None:
        await _end(update, context)
        await reply(update, context, tr(context, why or refusal_key("gone")))
        return
    team = await context.session.get(Team, request.team_id)
    assert team is not None
    reason, problem = await gated_text(
        update, context, organisation_id=team.organisation_id, limit=REASON_LIMIT
    )
    if reason is None:
        await _ask_typed(update, context, kind=REASON_KIND, request_id=request_id, prefix=problem)
        return
    result = await budget.reject(
        context.session,
        request_id=request_id,
        approver=context.actor,
        reason=reason,
        now=context.now,
    )
    await _end(update, context)
    if isinstance(result, budget.Refused):
        await reply(update, context, tr(context, refusal_key(result.reason)))
        return
    requester = await context.session.get(Member, request.requester_id)
    if requester is not None:
        language = requester.language
        if result.extra:
            await notify_member(
                context.session,
                telegram_id=requester.telegram_id,
                language=language,
                key="budget.told_extra_rejected",
                now=context.now,
                number=request_id,
                approved=money_in(language, request.approved or 0),
                reason=reason,
            )
        else:
            await notify_member(
                context.session,
                telegram_id=requester.telegram_id,
                language=language,
                key="budget.told_rejected",
                now=context.now,
                number=request_id,
                amount=money_in(language, request.amount),
                reason=reason,
            )
    await reply(update, context, tr(context, "budget.rejected", number=request_id))


async def _typed_amount(
    update: Update, context: BotContext, dialog: Dialog, *, zero_ok: bool = False
) -> int | None:
    """A typed amount in a one-question dialogue; asks again (with buttons) when unclear."""
    message = update.effective_message
    assert message is not None
    request_id = int(dialog.data["request_id"])
    parsed = parse_amount(message.text or "")
    if isinstance(parsed, Invalid):
        if zero_ok and parsed.reason == "zero":
            return 0
        await _ask_typed(
            update,
            context,
            kind=dialog.kind,
            request_id=request_id,
            prefix=amount_problem(context, parsed),
        )
        return None
    if isinstance(parsed, Ambiguous):
        await _ask_typed(
            update,
            context,
            kind=dialog.kind,
            request_id=request_id,
            options=list(parsed.options[:2]),
        )
        return None
    return parsed.cents


async def ambiguity_prompt(
    context: BotContext, options: Sequence[int], *, action: str, asked: int, chat_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    """ "Did you mean 250,50 € or 25.050,00 €?" with one button per reading.

    Shared by every amount dialogue of the budget (lower approval, settling, ``/umbuchen``);
    ``asked`` goes into the buttons so :func:`picked_amount` refuses an older question's.
    """
    text = tr(
        context,
        "budget.ambiguous",
        first=money(context, options[0]),
        second=money(context, options[1]),
    )
    row = [
        Choice(money(context, cents), action, {"asked": asked, "cents": cents})
        for cents in options
    ]
    return text, await keyboard(context, [row], chat_id=chat_id)


async def picked_amount(
    update: Update, context: BotContext, button: Button, *, kind: str
) -> tuple[Dialog, int] | None:
    """The open ``kind`` dialogue and the reading pressed, if the button answers its question."""
    dialog = await interaction.get_dialog(
        context.session, telegram_id=context.actor.telegram_id, chat_id=chat_id_of(update)
    )
    cents = button.payload.get("cents")
    if (
        dialog is None
        or dialog.kind != kind
        or dialog.data.get("asked") != button.payload.get("asked")
        or not isinstance(cents, int)
        or cents not in (dialog.data.get("options") or [])
    ):
        return None
    return dialog, cents


async def on_lower_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The typed lower amount to approve."""
    cents = await _typed_amount(update, context, dialog)
    if cents is not None:
        await _approve_typed(update, context, dialog, cents)


async def _approve_typed(update: Update, context: BotContext, dialog: Dialog, cents: int) -> None:
    request_id = int(dialog.data["request_id"])
    request = await _request(context, request_id)
    if request is not None and cents > request.amount:
        await _ask_typed(
            update,
            context,
            kind=LOWER_KIND,
            request_id=request_id,
            prefix=tr(context, "budget.lower_too_high", amount=money(context, request.amount)),
        )
        return
    await _end(update, context)
    await _approve(update, context, request_id, amount_cents=cents)


async def on_pick(update: Update, context: BotContext, button: Button) -> None:
    """One reading of an ambiguous amount in the lower-amount or settle dialogue."""
    kind = button.action.removesuffix(".pick")
    picked = await picked_amount(update, context, button, kind=kind)
    if picked is None:
        await alert(update, context, "button.stale")
        return
    dialog, cents = picked
    await close_keyboard(update, context, button)
    if kind == LOWER_KIND:
        await _approve_typed(update, context, dialog, cents)
    else:
        await _settle(update, context, dialog, cents)


# -- settling --------------------------------------------------------------------------------


async def on_settle(update: Update, context: BotContext, button: Button) -> None:
    """Abrechnen: ask for the amount actually paid (the service checks who may)."""
    request_id = _request_id(button)
    request = await _request(context, request_id) if request_id is not None else None
    if request_id is None or request is None:
        await alert(update, context, refusal_key("gone"))
        return
    if request.status != RequestStatus.APPROVED or request.claimed is not None:
        await alert(update, context, "budget.settle_not_possible")
        return
    await close_keyboard(update, context, button)
    await _ask_typed(update, context, kind=SETTLE_KIND, request_id=request_id)


async def on_settle_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The typed actual amount ("0" if nothing was spent)."""
    cents = await _typed_amount(update, context, dialog, zero_ok=True)
    if cents is not None:
        await _settle(update, context, dialog, cents)


async def _settle(update: Update, context: BotContext, dialog: Dialog, cents: int) -> None:
    request_id = int(dialog.data["request_id"])
    await _end(update, context)
    result = await budget.settle(
        context.session,
        request_id=request_id,
        actor=context.actor,
        actual_cents=cents,
        now=context.now,
    )
    if isinstance(result, budget.Refused):
        await reply(update, context, tr(context, refusal_key(result.reason)))
        return
    if isinstance(result, budget.NeedsApproval):
        pot = await budget.pot_view(context.session, pot_id=result.request.pot_id)
        assert pot is not None
        told = await push_to_approvers(context, request=result.request, pot=pot, extra=True)
        await reply(
            update,
            context,
            tr(
                context,
                "budget.settle_more" if told else "budget.settle_more_nobody",
                number=request_id,
                extra=money(context, result.extra),
            ),
        )
        return
    if result.released:
        text = tr(
            context,
            "budget.settled",
            number=request_id,
            amount=money(context, cents),
            released=money(context, result.released),
        )
    else:
        text = tr(context, "budget.settled_exact", number=request_id, amount=money(context, cents))
    await reply(update, context, text)


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [CommandHandler(["freigeben", "approve"], show_queue)]


BUTTONS: dict[str, ButtonAction] = {
    "freigabe.approve": on_approve,
    "freigabe.reject": on_reject,
    "freigabe.lower": on_lower,
    "freigabe.other": on_other,
    "freigabe.reserve": on_reserve,
    "freigabe.settle": on_settle,
    f"{LOWER_KIND}.pick": on_pick,
    f"{SETTLE_KIND}.pick": on_pick,
}

DIALOGS: dict[str, DialogStep] = {
    REASON_KIND: on_reason,
    LOWER_KIND: on_lower_text,
    SETTLE_KIND: on_settle_text,
}
