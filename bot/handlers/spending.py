"""``/ausgabe`` and ``/antraege``: a spending request from a phone, and my requests.

``/ausgabe`` is a private dialogue kept in the ``dialog`` table (kind ``ausgabe``), like
``/thema``: team and pot with buttons, the amount typed in German notation (an ambiguous
"250.50" is asked back with buttons), the purpose through the privacy gate the way
:mod:`bot.topics.intake` checks case text, an optional idea, an optional provider, the desired
date, then a summary with "Beantragen", "Ändern" and "Verwerfen". Nothing is stored as a
request before "Beantragen", which checks team, pot and amount once more in the transaction
that stores the request and queues the push to its approvers (outbox).

``/antraege`` lists my requests of the year; a request still waiting may be withdrawn, an
approved one settled (:mod:`bot.handlers.approvals` does the settling).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler

from bot.budget import OPEN_STATUSES, Category, RequestStatus
from bot.budget import service as budget
from bot.consultations.parsing import InputError, parse_date
from bot.handlers import dialogue
from bot.handlers.common import (
    Choice,
    ack,
    alert,
    ask_team,
    chat_id_of,
    close_keyboard,
    confirm_keyboard,
    consume,
    edit_or_send,
    is_private,
    keyboard,
    member_id_of,
    reply,
    tr,
    with_prefix,
)
from bot.handlers.dialogue import (
    RefusalTexts,
    StartTexts,
    dialog_of_button,
    end_dialog,
    refusal,
    resume_or_replace,
    save_step,
    screen,
)
from bot.handlers.gate import ButtonAction, DialogStep
from bot.i18n import Markup, TextKey, t
from bot.money import MAX_CENTS, Ambiguous, Invalid, format_cents, parse_amount
from bot.runtime import BotContext
from bot.storage import directory, ideas, interaction, outbox
from bot.storage.models import (
    Button,
    Dialog,
    Member,
    Provider,
    SpendingRequest,
    Team,
)
from bot.topics import intake

DIALOG_KIND: Final = "ausgabe"

STEP_POT: Final = "pot"
STEP_AMOUNT: Final = "amount"
STEP_PURPOSE: Final = "purpose"
STEP_IDEA: Final = "idea"
STEP_PROVIDER: Final = "provider"
STEP_DATE: Final = "date"
STEP_CONFIRM: Final = "confirm"
STEP_CHOOSE: Final = "choose_field"
#: The questions in the order they are asked; each may be answered again from the summary.
QUESTIONS: Final = (STEP_POT, STEP_AMOUNT, STEP_PURPOSE, STEP_IDEA, STEP_PROVIDER, STEP_DATE)
STEPS: Final = (*QUESTIONS, STEP_CONFIRM)

#: One or two sentences: enough for an approver to decide, short enough for a phone.
PURPOSE_LIMIT: Final = 300
PROVIDER_LIMIT: Final = 120
MAX_CHOICE_BUTTONS: Final = 12
MAX_LISTED: Final = 15
#: Approvers may take their time; the buttons of a push stay valid for two weeks (the queue
#: in ``/freigeben`` always works).
PUSH_TTL_DAYS: Final = 14

FIELD_LABELS: Final = {
    STEP_POT: TextKey("budget.field_pot"),
    STEP_AMOUNT: TextKey("budget.field_amount"),
    STEP_PURPOSE: TextKey("budget.field_purpose"),
    STEP_IDEA: TextKey("budget.field_idea"),
    STEP_PROVIDER: TextKey("budget.field_provider"),
    STEP_DATE: TextKey("budget.field_date"),
}
CATEGORY_LABELS: Final = {
    Category.BERATUNG: TextKey("budget.category.beratung"),
    Category.NETZWERK: TextKey("budget.category.netzwerk"),
    Category.FUA: TextKey("budget.category.fua"),
    Category.RESERVE: TextKey("budget.category.reserve"),
}
STATUS_LABELS: Final = {
    RequestStatus.REQUESTED: TextKey("budget.status.requested"),
    RequestStatus.APPROVED: TextKey("budget.status.approved"),
    RequestStatus.SETTLED: TextKey("budget.status.settled"),
    RequestStatus.REJECTED: TextKey("budget.status.rejected"),
    RequestStatus.WITHDRAWN: TextKey("budget.status.withdrawn"),
}
AMOUNT_PROBLEMS: Final = {
    "empty": TextKey("budget.amount.empty"),
    "negative": TextKey("budget.amount.negative"),
    "zero": TextKey("budget.amount.zero"),
    "too_many_decimals": TextKey("budget.amount.too_many_decimals"),
    "not_a_number": TextKey("budget.amount.not_a_number"),
    "too_large": TextKey("budget.amount.too_large"),
}
NO_WORDS: Final = frozenset({"nein", "ohne", "keine", "keiner", "kein", "no", "none", "-"})
START_TEXTS: Final = StartTexts(
    running="budget.draft_running",
    resume="budget.button_resume",
    restart="budget.button_restart",
    other_ended="budget.other_dialog_ended",
    resume_action="ausgabe.resume",
    restart_action="ausgabe.restart",
)
REFUSALS: Final = RefusalTexts(
    identifying="budget.identifying", too_long="budget.too_long", empty="budget.empty_answer"
)
SOON_WORDS: Final = frozenset({"sofort", "bald", "asap", "so bald wie möglich", "soon"})


# -- small helpers shared with approvals and budget -------------------------------------------


def money(context: BotContext, cents: int) -> str:
    """An amount in the reader's language."""
    return format_cents(cents, context.lang)


def this_year(context: BotContext) -> int:
    """The current year in the bot's time zone (a request on 31 Dec 23:30 is this year's)."""
    return context.now.astimezone(context.services.settings.tz).year


def today(context: BotContext) -> date:
    """Today in the bot's time zone."""
    return context.now.astimezone(context.services.settings.tz).date()


def amount_problem(context: BotContext, parsed: Invalid) -> str:
    """Why a typed amount cannot be used, in the reader's language."""
    return tr(context, AMOUNT_PROBLEMS[parsed.reason])


def category_label(context: BotContext, category: str) -> str:
    """A pot category in the reader's language."""
    key = CATEGORY_LABELS.get(Category(category)) if category in set(Category) else None
    return tr(context, key) if key is not None else category


def pot_text(language: str, pot: budget.PotView) -> str:
    """ "Netzwerkarbeit 2026 · Harksheide-Mitte": what a pot is called in every message."""
    return t(
        language,
        "budget.pot_label",
        category=TextKey(CATEGORY_LABELS[pot.category]),
        year=pot.year,
        space=pot.social_space_name or t(language, "budget.organisation_wide"),
    )


async def pot_label(context: BotContext, pot: budget.PotView) -> str:
    """A pot's name in the reader's language."""
    return pot_text(context.lang, pot)


async def private_only(update: Update, context: BotContext, command: str) -> None:
    """In a group: money is asked for privately, with a link to the private chat."""
    await dialogue.private_only(
        update,
        context,
        link_key="budget.private_only_link",
        plain_key="budget.private_only",
        command=command,
    )


async def gated_text(
    update: Update, context: BotContext, *, organisation_id: int, limit: int
) -> tuple[str | None, str]:
    """A typed free text through the privacy gate: (text, "") or (None, why not).

    An answer with an identifier is deleted from the chat and named by kind only, never
    echoed, exactly like a case topic's answer.
    """
    message = update.effective_message
    assert message is not None
    screened = await screen(
        update,
        context,
        message.text or "",
        organisation_id=organisation_id,
        limit=limit,
        what="budget answer",
    )
    if not screened.verdict.ok:
        return None, refusal(context, screened, REFUSALS)
    return screened.verdict.text, ""


def inline_markup(rows: list[list[tuple[str, str]]]) -> dict[str, Any]:
    """An inline keyboard for the outbox from (text, token) pairs."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=token) for text, token in row] for row in rows]
    ).to_dict()


# -- the draft -------------------------------------------------------------------------------


async def _team_of_draft(update: Update, context: BotContext, data: dict[str, Any]) -> Team | None:
    """The draft's team if the actor is still in it; otherwise the dialogue ends with a word."""
    team = await directory.get_team(context.session, team_id=int(data["team_id"]))
    if team is None or team.id not in context.actor.team_ids or team.social_space_id is None:
        await end_dialog(update, context)
        await reply(update, context, tr(context, "budget.left_team"))
        return None
    return team


async def _team_pots(context: BotContext, team: Team, year: int) -> list[budget.PotView]:
    """The pots a team may ask money from: its social space's, this year, no reserve."""
    if team.social_space_id is None:
        return []
    pots = await budget.pots_for(
        context.session, social_space_ids=[team.social_space_id], year=year
    )
    return [pot for pot in pots if str(pot.category) != Category.RESERVE]


async def _draft_pot(
    context: BotContext, team: Team, data: dict[str, Any]
) -> budget.PotView | None:
    """The pot chosen in the draft, if it is still one of the team's pots of that year."""
    if data.get("pot_id") is None:
        return None
    pots = await _team_pots(context, team, int(data["year"]))
    return next((pot for pot in pots if pot.id == int(data["pot_id"])), None)


async def _providers(context: BotContext, organisation_id: int) -> list[Provider]:
    query = (
        select(Provider)
        .where(Provider.organisation_id == organisation_id)
        .order_by(col(Provider.name))
    )
    return list((await context.session.exec(query)).all())


async def _linkable_ideas(context: BotContext, team_id: int) -> list[tuple[int, str]]:
    """Open ideas of the team (network issue) a request may pay for, as (id, label)."""
    found = await ideas.linkable_ideas(context.session, team_id=team_id)
    return [
        (idea.id, tr(context, "budget.idea_label", number=idea.number, text=_short(idea.text)))
        for idea in found
        if idea.id is not None
    ]


def _short(text: str, limit: int = 48) -> str:
    """A text cut for a button (Telegram shows about 60 characters on a phone)."""
    clean = " ".join(text.split())
    return clean if len(clean) <= limit else clean[: limit - 1].rstrip() + "…"


async def _idea_title(context: BotContext, team_id: int, idea_id: int | None) -> str | None:
    if idea_id is None:
        return None
    return dict(await _linkable_ideas(context, team_id)).get(idea_id)


async def summary(context: BotContext, team: Team, data: dict[str, Any]) -> str:
    """The draft as the member checks it before asking for the money."""
    pot = await _draft_pot(context, team, data)
    pot_shown = await pot_label(context, pot) if pot is not None else "?"
    amount = int(data.get("amount", 0))
    idea = await _idea_title(context, int(data["team_id"]), data.get("idea_id"))
    provider = data.get("provider_name")
    wanted = data.get("date")
    text = tr(
        context,
        "budget.summary",
        team=team.name,
        pot=pot_shown,
        amount=money(context, amount),
        purpose=str(data.get("purpose", "")),
        idea=idea if idea else Markup(tr(context, "budget.none")),
        provider=provider if provider else Markup(tr(context, "budget.none")),
        date=(
            date.fromisoformat(wanted).strftime("%d.%m.%Y")
            if wanted
            else Markup(tr(context, "budget.date_soon"))
        ),
    )
    if pot is not None and amount > pot.figures.available:
        text += "\n\n" + tr(
            context, "budget.summary_over", available=money(context, pot.figures.available)
        )
    return text


async def _ask(
    update: Update,
    context: BotContext,
    data: dict[str, Any],
    step: str,
    *,
    prefix: str = "",
    team: Team | None = None,
) -> None:
    """Store the draft at ``step`` and ask its question (after ``prefix``, e.g. why not)."""
    chat_id = chat_id_of(update)
    data = dict(data)
    if team is None:
        team = await directory.get_team(context.session, team_id=int(data["team_id"]))
    assert team is not None and team.id is not None
    has_ideas = bool(await _linkable_ideas(context, team.id))
    questions = QUESTIONS if has_ideas else tuple(q for q in QUESTIONS if q != STEP_IDEA)
    if step == STEP_IDEA and not has_ideas:
        data["idea_id"] = None
        step = _next_step(data, STEP_IDEA)
    data = await save_step(update, context, kind=DIALOG_KIND, step=step, data=data)
    payload: dict[str, Any] = {"asked": data["asked"], "step": step}
    rows: list[list[Choice]] = []
    if step == STEP_POT:
        pots = await _team_pots(context, team, int(data["year"]))
        text = tr(context, "budget.ask_pot", year=data["year"])
        for pot in pots:
            label = tr(
                context,
                "budget.pot_button",
                category=category_label(context, str(pot.category)),
                available=money(context, pot.figures.available),
            )
            rows.append([Choice(label, "ausgabe.pot", {**payload, "pot_id": pot.id})])
    elif step == STEP_AMOUNT:
        text = tr(context, "budget.ask_amount")
        options = data.get("options")
        if options:
            text = tr(
                context,
                "budget.ambiguous",
                first=money(context, int(options[0])),
                second=money(context, int(options[1])),
            )
            rows = [
                [
                    Choice(
                        money(context, int(cents)), "ausgabe.amount", {**payload, "cents": cents}
                    )
                    for cents in options
                ]
            ]
    elif step == STEP_PURPOSE:
        text = tr(context, "budget.ask_purpose", limit=PURPOSE_LIMIT)
    elif step == STEP_IDEA:
        text = tr(context, "budget.ask_idea")
        linkable = await _linkable_ideas(context, team.id)
        rows = [
            [Choice(title, "ausgabe.idea", {**payload, "idea_id": idea_id})]
            for idea_id, title in linkable[:MAX_CHOICE_BUTTONS]
        ]
        rows.append([Choice(tr(context, "budget.button_no_idea"), "ausgabe.idea", payload)])
    elif step == STEP_PROVIDER:
        text = tr(context, "budget.ask_provider")
        providers = await _providers(context, team.organisation_id)
        choices = [
            Choice(provider.name[:60], "ausgabe.provider", {**payload, "provider_id": provider.id})
            for provider in providers[:MAX_CHOICE_BUTTONS]
        ]
        rows = [choices[index : index + 2] for index in range(0, len(choices), 2)]
        rows.append(
            [Choice(tr(context, "budget.button_no_provider"), "ausgabe.provider", payload)]
        )
    elif step == STEP_DATE:
        text = tr(context, "budget.ask_date")
        rows = [[Choice(tr(context, "budget.button_soon"), "ausgabe.date", payload)]]
    elif step == STEP_CONFIRM:
        text = tr(context, "budget.confirm", summary=Markup(await summary(context, team, data)))
        rows = [
            [Choice(tr(context, "budget.button_submit"), "ausgabe.submit", payload)],
            [
                Choice(tr(context, "budget.button_edit"), "ausgabe.edit", payload),
                Choice(tr(context, "budget.button_discard"), "ausgabe.discard", payload),
            ],
        ]
    else:  # STEP_CHOOSE
        text = tr(context, "budget.choose_field")
        labels = [(field, FIELD_LABELS[field]) for field in questions]
        rows = [
            [
                Choice(tr(context, label), "ausgabe.field", {**payload, "field": field})
                for field, label in labels[index : index + 2]
            ]
            for index in range(0, len(labels), 2)
        ]
        rows.append([Choice(tr(context, "budget.button_back"), "ausgabe.back", payload)])
    if step in questions:
        text = tr(
            context,
            "budget.step",
            number=questions.index(step) + 1,
            total=len(questions),
            question=Markup(text),
        )
    markup = await keyboard(context, rows, chat_id=chat_id) if rows else None
    await reply(update, context, with_prefix(prefix, text), keyboard=markup)


def _next_step(data: dict[str, Any], step: str) -> str:
    """After an answer: back to the summary when a field was being changed, else onwards."""
    if data.get("editing"):
        return STEP_CONFIRM
    return STEPS[STEPS.index(step) + 1]


async def _answered(
    update: Update, context: BotContext, data: dict[str, Any], step: str, team: Team
) -> None:
    """One answer taken: on to the next question (or back to the summary)."""
    following = _next_step(data, step)
    if following == STEP_CONFIRM:
        data.pop("editing", None)
    await _ask(update, context, data, following, team=team)


# -- typed answers ---------------------------------------------------------------------------


async def on_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """A typed answer to the current question of the draft."""
    message = update.effective_message
    assert message is not None
    data = dict(dialog.data)
    team = await _team_of_draft(update, context, data)
    if team is None:
        return
    typed = (message.text or "").strip()
    step = dialog.step
    if step == STEP_AMOUNT:
        parsed = parse_amount(typed)
        if isinstance(parsed, Invalid):
            data.pop("options", None)
            await _ask(
                update, context, data, step, prefix=amount_problem(context, parsed), team=team
            )
        elif isinstance(parsed, Ambiguous):
            data["options"] = list(parsed.options[:2])
            await _ask(update, context, data, step, team=team)
        else:
            data.pop("options", None)
            data["amount"] = parsed.cents
            await _answered(update, context, data, step, team)
        return
    if step == STEP_PURPOSE:
        text, why = await gated_text(
            update, context, organisation_id=team.organisation_id, limit=PURPOSE_LIMIT
        )
        if text is None:
            await _ask(update, context, data, step, prefix=why, team=team)
            return
        data["purpose"] = text
        await _answered(update, context, data, step, team)
        return
    if step == STEP_PROVIDER:
        if intake.match_words(typed, NO_WORDS):
            data["provider_id"], data["provider_name"] = None, None
            await _answered(update, context, data, step, team)
            return
        text, why = await gated_text(
            update, context, organisation_id=team.organisation_id, limit=PROVIDER_LIMIT
        )
        if text is None:
            await _ask(update, context, data, step, prefix=why, team=team)
            return
        known = {p.name.casefold(): p for p in await _providers(context, team.organisation_id)}
        provider = known.get(text.casefold())
        data["provider_id"] = provider.id if provider is not None else None
        data["provider_name"] = provider.name if provider is not None else text
        await _answered(update, context, data, step, team)
        return
    if step == STEP_DATE:
        if intake.match_words(typed, SOON_WORDS):
            data["date"] = None
            await _answered(update, context, data, step, team)
            return
        try:
            wanted = parse_date(typed, today=today(context))
        except InputError as error:
            key = "budget.date_past" if error.key == "schedule.date_in_past" else "budget.date_bad"
            await _ask(update, context, data, step, prefix=tr(context, key), team=team)
            return
        data["date"] = wanted.isoformat()
        await _answered(update, context, data, step, team)
        return
    if step == STEP_IDEA and intake.match_words(typed, NO_WORDS):
        data["idea_id"] = None
        await _answered(update, context, data, step, team)
        return
    await _ask(update, context, data, step, prefix=tr(context, "budget.use_buttons"), team=team)


# -- starting --------------------------------------------------------------------------------


async def _budget_teams(context: BotContext) -> list[Team]:
    """My teams that have a social space (and so a budget)."""
    teams = await directory.teams_by_ids(context.session, context.actor.team_ids)
    return [team for team in teams if team.social_space_id is not None]


async def start_request(update: Update, context: BotContext) -> None:
    """Start a spending request (private chat only)."""
    if not is_private(update):
        await private_only(update, context, "/ausgabe")
        return
    teams = await _budget_teams(context)
    if not teams:
        await reply(update, context, tr(context, "budget.no_team"))
        return
    prefix = await resume_or_replace(update, context, kind=DIALOG_KIND, texts=START_TEXTS)
    if prefix is not None:
        await _choose_team(update, context, teams, prefix=prefix)


async def _choose_team(
    update: Update, context: BotContext, teams: list[Team], *, prefix: str = ""
) -> None:
    if len(teams) == 1:
        await _begin(update, context, teams[0], prefix=prefix)
        return
    await ask_team(
        update, context, teams, action="ausgabe.team", prompt="budget.choose_team", prefix=prefix
    )


async def _begin(update: Update, context: BotContext, team: Team, *, prefix: str = "") -> None:
    """The intro, then the pot question (or why there is nothing to ask from)."""
    assert team.id is not None
    year = this_year(context)
    if not await _team_pots(context, team, year):
        text = tr(context, "budget.no_pots", team=team.name, year=year)
        await reply(update, context, with_prefix(prefix, text))
        return
    intro = with_prefix(prefix, tr(context, "budget.intro", team=team.name))
    data: dict[str, Any] = {"team_id": team.id, "year": year}
    await _ask(update, context, data, STEP_POT, prefix=intro, team=team)


async def on_team(update: Update, context: BotContext, button: Button) -> None:
    """Team chosen: begin the dialogue."""
    team = await directory.get_team(context.session, team_id=int(button.payload["team_id"]))
    if team is None or team.id not in context.actor.team_ids or team.social_space_id is None:
        await alert(update, context, "budget.left_team_short")
        return
    await close_keyboard(update, context, button)
    await _begin(update, context, team)


async def _current(update: Update, context: BotContext, button: Button) -> Dialog | None:
    """The draft this button belongs to, if it is still at the question the button answers."""
    return await dialog_of_button(update, context, button, kind=DIALOG_KIND)


async def _pressed(
    update: Update, context: BotContext, button: Button
) -> tuple[Dialog, dict[str, Any], Team] | None:
    """The draft and its team for a button press; answers stale presses itself."""
    dialog = await _current(update, context, button)
    if dialog is None:
        await alert(update, context, "button.stale")
        return None
    data = dict(dialog.data)
    await close_keyboard(update, context, button)
    team = await _team_of_draft(update, context, data)
    if team is None:
        return None
    return dialog, data, team


async def on_resume(update: Update, context: BotContext, button: Button) -> None:
    """Go on with the draft where it stopped."""
    pressed = await _pressed(update, context, button)
    if pressed is not None:
        dialog, data, team = pressed
        await _ask(update, context, data, dialog.step, team=team)


async def on_restart(update: Update, context: BotContext, button: Button) -> None:
    """Throw the draft away and start anew."""
    if await _current(update, context, button) is None:
        await alert(update, context, "button.stale")
        return
    await close_keyboard(update, context, button)
    await end_dialog(update, context)
    teams = await _budget_teams(context)
    if not teams:
        await reply(update, context, tr(context, "budget.no_team"))
        return
    await _choose_team(update, context, teams)


async def on_pot(update: Update, context: BotContext, button: Button) -> None:
    """Pot chosen (checked again: one of this team's pots of the draft's year)."""
    pressed = await _pressed(update, context, button)
    if pressed is None:
        return
    _, data, team = pressed
    pots = await _team_pots(context, team, int(data["year"]))
    pot_id = button.payload.get("pot_id")
    if not any(pot.id == pot_id for pot in pots):
        await _ask(
            update, context, data, STEP_POT, prefix=tr(context, "budget.pot_gone"), team=team
        )
        return
    data["pot_id"] = pot_id
    await _answered(update, context, data, STEP_POT, team)


async def on_amount(update: Update, context: BotContext, button: Button) -> None:
    """One reading of an ambiguous amount chosen."""
    pressed = await _pressed(update, context, button)
    if pressed is None:
        return
    _, data, team = pressed
    cents = button.payload.get("cents")
    if not isinstance(cents, int) or cents not in (data.get("options") or []):
        await _ask(update, context, data, STEP_AMOUNT, team=team)
        return
    data.pop("options", None)
    data["amount"] = cents
    await _answered(update, context, data, STEP_AMOUNT, team)


async def on_idea(update: Update, context: BotContext, button: Button) -> None:
    """An idea to link, or none (checked again: still linkable for this team)."""
    pressed = await _pressed(update, context, button)
    if pressed is None:
        return
    _, data, team = pressed
    assert team.id is not None
    idea_id = button.payload.get("idea_id")
    if idea_id is not None and idea_id not in dict(await _linkable_ideas(context, team.id)):
        await _ask(
            update, context, data, STEP_IDEA, prefix=tr(context, "budget.idea_gone"), team=team
        )
        return
    data["idea_id"] = idea_id
    await _answered(update, context, data, STEP_IDEA, team)


async def on_provider(update: Update, context: BotContext, button: Button) -> None:
    """A provider from the organisation's list, or none."""
    pressed = await _pressed(update, context, button)
    if pressed is None:
        return
    _, data, team = pressed
    provider_id = button.payload.get("provider_id")
    if provider_id is None:
        data["provider_id"], data["provider_name"] = None, None
    else:
        provider = await context.session.get(Provider, int(provider_id))
        if provider is None or provider.organisation_id != team.organisation_id:
            await _ask(update, context, data, STEP_PROVIDER, team=team)
            return
        data["provider_id"], data["provider_name"] = provider.id, provider.name
    await _answered(update, context, data, STEP_PROVIDER, team)


async def on_date(update: Update, context: BotContext, button: Button) -> None:
    """No particular date: as soon as possible."""
    pressed = await _pressed(update, context, button)
    if pressed is None:
        return
    _, data, team = pressed
    data["date"] = None
    await _answered(update, context, data, STEP_DATE, team)


async def on_edit(update: Update, context: BotContext, button: Button) -> None:
    """From the summary: which answer to change."""
    pressed = await _pressed(update, context, button)
    if pressed is not None:
        await _ask(update, context, pressed[1], STEP_CHOOSE, team=pressed[2])


async def on_field(update: Update, context: BotContext, button: Button) -> None:
    """Answer one question again, then back to the summary."""
    pressed = await _pressed(update, context, button)
    if pressed is None:
        return
    _, data, team = pressed
    field = str(button.payload.get("field"))
    if field not in QUESTIONS:
        await _ask(update, context, data, STEP_CONFIRM, team=team)
        return
    data["editing"] = True
    data.pop("options", None)
    await _ask(update, context, data, field, team=team)


async def on_back(update: Update, context: BotContext, button: Button) -> None:
    """Back to the summary without changing anything."""
    pressed = await _pressed(update, context, button)
    if pressed is not None:
        await _ask(update, context, pressed[1], STEP_CONFIRM, team=pressed[2])


async def on_discard(update: Update, context: BotContext, button: Button) -> None:
    """Throw the draft away; nothing was stored."""
    await dialogue.discard(update, context, button, kind=DIALOG_KIND, done_key="budget.discarded")


async def on_submit(update: Update, context: BotContext, button: Button) -> None:
    """Store the request after checking team, pot and every answer once more; tell approvers."""
    dialog = await _current(update, context, button)
    if dialog is None or dialog.step != STEP_CONFIRM:
        await alert(update, context, "button.stale")
        return
    data = dict(dialog.data)
    await consume(context, button)
    await update.callback_query.answer()  # type: ignore[union-attr]
    team = await _team_of_draft(update, context, data)
    if team is None:
        return
    assert team.id is not None
    member_id = member_id_of(context)
    pot = await _draft_pot(context, team, data)
    if pot is None:
        data["editing"] = True
        await _ask(
            update, context, data, STEP_POT, prefix=tr(context, "budget.pot_gone"), team=team
        )
        return
    amount = int(data.get("amount", 0))
    if member_id is None or not 0 < amount <= MAX_CENTS or not data.get("purpose"):
        await _ask(update, context, data, STEP_AMOUNT, team=team)
        return
    idea_id = data.get("idea_id")
    if idea_id is not None and idea_id not in dict(await _linkable_ideas(context, team.id)):
        data["editing"] = True
        await _ask(
            update, context, data, STEP_IDEA, prefix=tr(context, "budget.idea_gone"), team=team
        )
        return
    wanted = date.fromisoformat(data["date"]) if data.get("date") else None
    request = await budget.submit(
        context.session,
        team_id=team.id,
        pot_id=pot.id,
        requester_id=member_id,
        amount_cents=amount,
        purpose=str(data["purpose"]),
        idea_id=idea_id,
        provider_id=data.get("provider_id"),
        provider_name=data.get("provider_name"),
        desired_date=wanted,
        now=context.now,
    )
    await end_dialog(update, context)
    if isinstance(request, budget.Refused):
        await edit_or_send(update, context, tr(context, "budget.submit_refused"))
        return
    told = await push_to_approvers(context, request=request, pot=pot)
    key = "budget.submitted" if told else "budget.submitted_nobody"
    await edit_or_send(
        update, context, tr(context, key, number=request.id, amount=money(context, request.amount))
    )


# -- the push to the approvers ---------------------------------------------------------------


async def request_text(language: str, session: AsyncSession, request: SpendingRequest) -> str:
    """One request as an approver (or its requester) reads it, in ``language``."""
    requester = await session.get(Member, request.requester_id)
    team = await session.get(Team, request.team_id)
    pot = await budget.pot_view(session, pot_id=request.pot_id)
    assert pot is not None
    text = t(
        language,
        "budget.request_card",
        number=request.id,
        team=team.name if team is not None else "?",
        requester=requester.display_name if requester is not None else "?",
        pot=pot_text(language, pot),
        amount=format_cents(request.amount, language),
        purpose=request.purpose,
        provider=request.provider_name or Markup(t(language, "budget.none")),
        date=(
            request.desired_date.strftime("%d.%m.%Y")
            if request.desired_date
            else Markup(t(language, "budget.date_soon"))
        ),
        status=TextKey(STATUS_LABELS[RequestStatus(request.status)]),
        available=format_cents(pot.figures.available, language),
    )
    if request.approved is not None and request.approved != request.amount:
        text += "\n" + t(
            language, "budget.card_approved", amount=format_cents(request.approved, language)
        )
    if request.claimed is not None:
        text += "\n" + t(
            language, "budget.card_claimed", amount=format_cents(request.claimed, language)
        )
    return text


async def push_to_approvers(
    context: BotContext, *, request: SpendingRequest, pot: budget.PotView, extra: bool = False
) -> int:
    """Queue a new request (or an extra claim) to everyone who may decide it, with buttons."""
    assert request.id is not None
    needed = request.claimed if extra and request.claimed is not None else request.amount
    approvers = await budget.approvers_of(
        context.session,
        team_id=request.team_id,
        amount_cents=needed,
        year=pot.year,
        exclude_member_id=request.requester_id,
    )
    count = 0
    for member in approvers:
        language = member.language
        batch = interaction.new_batch()
        tokens = [
            await interaction.create_button(
                context.session,
                batch=batch,
                chat_id=member.telegram_id,
                telegram_id=member.telegram_id,
                action=action,
                payload={"request_id": request.id},
                now=context.now,
                ttl=timedelta(days=PUSH_TTL_DAYS),
            )
            for action in ("freigabe.approve", "freigabe.reject")
        ]
        card = await request_text(language, context.session, request)
        head = t(language, "budget.push_extra" if extra else "budget.push_new")
        await outbox.enqueue(
            context.session,
            chat_id=member.telegram_id,
            text=f"{head}\n\n{card}",
            now=context.now,
            reply_markup=inline_markup(
                [
                    [
                        (t(language, "budget.button_approve"), tokens[0]),
                        (t(language, "budget.button_reject"), tokens[1]),
                    ]
                ]
            ),
            dedupe_key=f"budget:{request.id}:{'extra' if extra else 'new'}:{member.id}:{needed}",
        )
        count += 1
    return count


# -- /antraege: my requests ------------------------------------------------------------------


async def my_requests(update: Update, context: BotContext) -> None:
    """My requests of this year and any still open, newest first, with what I can do next."""
    if not is_private(update):
        await private_only(update, context, "/antraege")
        return
    member_id = member_id_of(context)
    if member_id is None:
        await reply(update, context, tr(context, "budget.no_team"))
        return
    query = (
        select(SpendingRequest)
        .where(SpendingRequest.requester_id == member_id)
        .order_by(col(SpendingRequest.id).desc())
    )
    year_start = context.now.astimezone(context.services.settings.tz).replace(
        month=1, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    found = [
        request
        for request in (await context.session.exec(query)).all()
        if request.status in OPEN_STATUSES or request.created_at >= year_start
    ][:MAX_LISTED]
    if not found:
        await reply(update, context, tr(context, "budget.mine_none"))
        return
    await reply(update, context, tr(context, "budget.mine_header", count=len(found)))
    for request in found:
        payload = {"request_id": request.id}
        rows: list[list[Choice]] = []
        if request.status == RequestStatus.REQUESTED:
            rows = [[Choice(tr(context, "budget.button_withdraw"), "ausgabe.withdraw", payload)]]
        elif request.status == RequestStatus.APPROVED and request.claimed is None:
            rows = [[Choice(tr(context, "budget.button_settle"), "freigabe.settle", payload)]]
        text = await request_text(context.lang, context.session, request)
        if request.status == RequestStatus.REJECTED and request.reason:
            text += "\n" + tr(context, "budget.card_reason", reason=request.reason)
        markup = await keyboard(context, rows, chat_id=chat_id_of(update)) if rows else None
        await reply(update, context, text, keyboard=markup)


async def _own_pending(context: BotContext, request_id: int) -> SpendingRequest | None:
    request = await context.session.get(SpendingRequest, request_id)
    if (
        request is None
        or request.requester_id != member_id_of(context)
        or request.status != RequestStatus.REQUESTED
    ):
        return None
    return request


async def on_withdraw(update: Update, context: BotContext, button: Button) -> None:
    """Ask before withdrawing a request that is still waiting."""
    request = await _own_pending(context, int(button.payload["request_id"]))
    if request is None:
        await alert(update, context, "budget.withdraw_not_possible")
        return
    await close_keyboard(update, context, button)
    markup = await confirm_keyboard(
        context,
        yes=tr(context, "budget.button_withdraw_yes"),
        action="ausgabe.withdraw_yes",
        payload={"request_id": request.id},
        chat_id=chat_id_of(update),
    )
    await reply(
        update,
        context,
        tr(
            context,
            "budget.withdraw_confirm",
            number=request.id,
            amount=money(context, request.amount),
        ),
        keyboard=markup,
    )


async def on_withdraw_yes(update: Update, context: BotContext, button: Button) -> None:
    """Withdraw it: the service checks again that it is mine and still undecided."""
    result = await budget.withdraw(
        context.session,
        request_id=int(button.payload["request_id"]),
        actor=context.actor,
        now=context.now,
    )
    if isinstance(result, budget.Refused):
        await alert(update, context, "budget.withdraw_not_possible")
        return
    await consume(context, button)
    await ack(update)
    await edit_or_send(update, context, tr(context, "budget.withdrawn", number=result.request.id))


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [
        CommandHandler(["ausgabe", "expense"], start_request),
        CommandHandler(["antraege", "requests"], my_requests),
    ]


BUTTONS: dict[str, ButtonAction] = {
    "ausgabe.team": on_team,
    "ausgabe.resume": on_resume,
    "ausgabe.restart": on_restart,
    "ausgabe.pot": on_pot,
    "ausgabe.amount": on_amount,
    "ausgabe.idea": on_idea,
    "ausgabe.provider": on_provider,
    "ausgabe.date": on_date,
    "ausgabe.edit": on_edit,
    "ausgabe.field": on_field,
    "ausgabe.back": on_back,
    "ausgabe.discard": on_discard,
    "ausgabe.submit": on_submit,
    "ausgabe.withdraw": on_withdraw,
    "ausgabe.withdraw_yes": on_withdraw_yes,
}

DIALOGS: dict[str, DialogStep] = {DIALOG_KIND: on_text}
