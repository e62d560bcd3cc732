"""``/thema`` and ``/themen``: pseudonymised case topics, brought in a private chat.

``/thema`` is a dialogue stored in the ``dialog`` table (kind ``thema``). Every typed answer
passes the privacy gate (:func:`bot.privacy.scan`) before anything of it is kept, even in the
dialogue row: an answer with an identifier is refused, named by kind only (never echoed) and
deleted from the chat. An answer that passes is sealed with the vault at once, so the dialogue
row holds Fernet tokens, never case text. Nothing becomes a topic until "Einreichen", which
checks the member's team and case again in the same transaction that stores the topic.

Every member of a team may bring topics: ASD staff and the providers' staff both bring cases
to the collegial consultation. ``/themen`` lists the member's queued topics; they can be
changed or withdrawn until the submission deadline of their consultation.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Final

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot.attendance import live_meeting
from bot.crypto import InvalidToken, Vault
from bot.handlers.common import (
    Choice,
    alert,
    alert_text,
    ask_team,
    audit_action,
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
from bot.handlers.consultations import format_when
from bot.handlers.dialogue import (
    RefusalTexts,
    Screened,
    StartTexts,
    delete_refused,
    dialog_of_button,
    discard,
    end_dialog,
    private_only,
    refusal,
    resume_or_replace,
    save_step,
    screen,
)
from bot.handlers.gate import ButtonAction, DialogStep, non_text_in_private
from bot.i18n import Markup, TextKey
from bot.notify import notify_team_managers
from bot.runtime import BotContext
from bot.storage import directory, interaction, topics
from bot.storage.models import Button, CaseTopic, Dialog, Organisation, Team, TopicStatus
from bot.topics import HELP_KINDS, intake, placement
from bot.topics.codes import new_code, normalise

log = logging.getLogger(__name__)

DIALOG_KIND: Final = "thema"
EDIT_KIND: Final = "thema_edit"

STEP_CASE: Final = "case"
STEP_URGENCY: Final = "urgency"
STEP_HELP: Final = "help_kind"
STEP_CONFIRM: Final = "confirm"
STEP_CHOOSE: Final = "choose_field"
#: The numbered questions, in the order they are asked.
QUESTIONS: Final = (*intake.TEXT_FIELDS, STEP_URGENCY, STEP_HELP)
STEPS: Final = (STEP_CASE, *QUESTIONS, STEP_CONFIRM)
MAX_CASE_BUTTONS: Final = 12

ASK_KEYS: Final = {
    "question": TextKey("topics.ask_question"),
    "situation": TextKey("topics.ask_situation"),
    "will": TextKey("topics.ask_will"),
    "resources": TextKey("topics.ask_resources"),
    "tried": TextKey("topics.ask_tried"),
    STEP_URGENCY: TextKey("topics.ask_urgency"),
    STEP_HELP: TextKey("topics.ask_help_kind"),
}


START_TEXTS: Final = StartTexts(
    running="topics.draft_running",
    resume="topics.button_resume",
    restart="topics.button_restart",
    other_ended="topics.other_dialog_ended",
    resume_action="thema.resume",
    restart_action="thema.restart",
)
REFUSALS: Final = RefusalTexts(
    identifying="topics.identifying", too_long="topics.too_long", empty="topics.empty"
)
#: How a refused message is named in the log (never its text).
REFUSED: Final = "message of a topic dialogue"


# -- small helpers ---------------------------------------------------------------------------


async def _private_only(update: Update, context: BotContext) -> None:
    """In a group: topics are brought privately, with a link to the private chat."""
    await private_only(
        update, context, link_key="topics.private_only_link", plain_key="topics.private_only"
    )


async def _danger_notice(context: BotContext, team: Team) -> str:
    """The § 8a answer with the organisation's emergency contact (or a generic one)."""
    organisation = await context.session.get(Organisation, team.organisation_id)
    contact: str = organisation.emergency_contact.strip() if organisation is not None else ""
    if not contact:
        contact = Markup(tr(context, "topics.danger_contact_default"))
    return tr(context, "topics.danger", contact=contact)


async def _screen(
    update: Update, context: BotContext, data: dict[str, Any], team: Team, *, limit: int
) -> intake.Verdict:
    """Put a typed answer through the gate; one with an identifier is deleted from the chat.

    ``data`` (the dialogue's) remembers a refused long text's length and time, so the second
    part of a text Telegram split is not taken as the answer either.
    """
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    previous = data.pop("split", None)
    screened = await screen(
        update, context, text, organisation_id=team.organisation_id, limit=limit, what=REFUSED
    )
    verdict = screened.verdict
    if verdict.ok and intake.continues_split_text(
        previous, length=len(text), sent_at=message.date
    ):
        verdict = intake.Verdict(text="", problem="continued", length=len(text), limit=limit)
    if not verdict.ok and len(text) >= intake.SPLIT_LENGTH:
        data["split"] = intake.split_marker(length=len(text), sent_at=message.date)
    return verdict


def _problem_text(context: BotContext, verdict: intake.Verdict) -> str:
    if verdict.problem == "continued":
        return tr(context, "topics.split_text", limit=verdict.limit)
    return refusal(context, Screened(verdict), REFUSALS)


# -- the draft -------------------------------------------------------------------------------


def _open(vault: Vault, token: str | None) -> str | None:
    return vault.open_optional(token)


def _urgent(data: dict[str, Any]) -> bool:
    """Urgent if the member said so, or if an answer signals acute danger."""
    return bool(data.get("urgent")) or bool(data.get("danger"))


async def _case_label(context: BotContext, data: dict[str, Any]) -> str:
    case_id = data.get("case_id")
    if case_id is None:
        return tr(context, "topics.case_new")
    case = await topics.get_case(context.session, case_id=int(case_id))
    return tr(context, "topics.case_follow_up", code=case.code if case else "?")


async def _summary(context: BotContext, data: dict[str, Any], vault: Vault, team: Team) -> str:
    """The draft as the member checks it before submitting (decrypted, private chat only)."""
    answers = data.get("answers", {})
    shown: dict[str, str] = {}
    for field in intake.TEXT_FIELDS:
        try:
            value = _open(vault, answers.get(field))
        except InvalidToken:  # the key was changed meanwhile; submitting will say so
            value = Markup(tr(context, "topics.unreadable"))
        shown[field] = value if value is not None else Markup(tr(context, "topics.skipped"))
    if data.get("danger"):
        urgency = tr(context, "topics.urgency_danger")
    elif data.get("urgent"):
        urgency = tr(context, "topics.urgency_urgent")
    else:
        urgency = tr(context, "topics.urgency_normal")
    help_kind = str(data.get("help_kind", "offen"))
    return tr(
        context,
        "topics.summary",
        team=team.name,
        case=Markup(await _case_label(context, data)),
        question=shown["question"],
        situation=shown["situation"],
        will=shown["will"],
        resources=shown["resources"],
        tried=shown["tried"],
        urgency=Markup(urgency),
        help=intake.HELP_LABELS.get(help_kind, intake.HELP_LABELS["offen"]),
    )


async def _draft_context(
    update: Update, context: BotContext, data: dict[str, Any]
) -> tuple[Vault, Team] | None:
    """The vault and the team of a running draft; ends the dialogue when either is gone."""
    vault = context.services.vault
    if vault is None:
        await end_dialog(update, context)
        await reply(update, context, tr(context, "topics.no_key"))
        return None
    team = await directory.get_team(context.session, team_id=int(data["team_id"]))
    if team is None or team.id not in context.actor.team_ids:
        await end_dialog(update, context)
        await reply(update, context, tr(context, "topics.left_team"))
        return None
    return vault, team


async def _ask(
    update: Update, context: BotContext, data: dict[str, Any], step: str, *, prefix: str = ""
) -> None:
    """Store the draft at ``step`` and ask its question (after ``prefix``, e.g. why not)."""
    chat_id = chat_id_of(update)
    data = await save_step(update, context, kind=DIALOG_KIND, step=step, data=data)
    payload: dict[str, Any] = {"asked": data["asked"], "step": step}
    rows: list[list[Choice]] = []
    if step == STEP_CASE:
        text = tr(context, "topics.ask_case")
        rows = [[Choice(tr(context, "topics.button_new_case"), "thema.case", payload)]]
        cases = await topics.cases_of(
            context.session, owner_id=member_id_of(context) or 0, team_id=int(data["team_id"])
        )
        choices = [
            Choice(case.code, "thema.case", {**payload, "case_id": case.id})
            for case in cases[:MAX_CASE_BUTTONS]
        ]
        rows += [choices[index : index + 3] for index in range(0, len(choices), 3)]
    elif step == STEP_CONFIRM:
        vault = context.services.vault
        team = await directory.get_team(context.session, team_id=int(data["team_id"]))
        assert vault is not None and team is not None
        text = tr(
            context, "topics.confirm", summary=Markup(await _summary(context, data, vault, team))
        )
        rows = [
            [Choice(tr(context, "topics.button_submit"), "thema.submit", payload)],
            [
                Choice(tr(context, "topics.button_edit"), "thema.edit", payload),
                Choice(tr(context, "topics.button_discard"), "thema.discard", payload),
            ],
        ]
    elif step == STEP_CHOOSE:
        text = tr(context, "topics.choose_field")
        labels = [(field, intake.FIELD_LABELS[field]) for field in QUESTIONS]
        rows = [
            [
                Choice(tr(context, label), "thema.field", {**payload, "field": field})
                for field, label in labels[index : index + 2]
            ]
            for index in range(0, len(labels), 2)
        ]
        rows.append([Choice(tr(context, "topics.button_back"), "thema.back", payload)])
    else:
        text = tr(
            context,
            "topics.step",
            number=QUESTIONS.index(step) + 1,
            total=len(QUESTIONS),
            question=Markup(tr(context, ASK_KEYS[step])),
        )
        if step in intake.SKIPPABLE:
            rows = [[Choice(tr(context, "topics.button_skip"), "thema.skip", payload)]]
        elif step == STEP_URGENCY:
            rows = [
                [
                    Choice(
                        tr(context, "topics.urgency_normal"),
                        "thema.urgency",
                        {**payload, "urgent": False},
                    ),
                    Choice(
                        tr(context, "topics.button_urgent"),
                        "thema.urgency",
                        {**payload, "urgent": True},
                    ),
                ]
            ]
        elif step == STEP_HELP:
            rows = [
                [
                    Choice(
                        tr(context, intake.HELP_LABELS[kind]),
                        "thema.help",
                        {**payload, "kind": kind},
                    )
                    for kind in HELP_KINDS[index : index + 2]
                ]
                for index in range(0, len(HELP_KINDS), 2)
            ]
    markup = await keyboard(context, rows, chat_id=chat_id) if rows else None
    await reply(update, context, with_prefix(prefix, text), keyboard=markup)


def _next_step(data: dict[str, Any], step: str) -> str:
    """After an answer: back to the summary when a field was being changed, else onwards."""
    if data.pop("editing", False):
        return STEP_CONFIRM
    return STEPS[STEPS.index(step) + 1]


async def _take_text(
    update: Update,
    context: BotContext,
    data: dict[str, Any],
    step: str,
    value: str | None,
    *,
    danger: bool,
    vault: Vault,
    team: Team,
) -> None:
    """Keep a checked (or skipped) answer sealed in the draft and ask the next question."""
    answers = dict(data.get("answers", {}))
    answers[step] = vault.seal_optional(value)
    data["answers"] = answers
    flagged = [field for field in data.get("danger", []) if field != step]
    if danger:
        flagged.append(step)
    data["danger"] = flagged
    prefix = ""
    if danger and not data.get("warned"):
        data["warned"] = True
        prefix = await _danger_notice(context, team)
    await _ask(update, context, data, _next_step(data, step), prefix=prefix)


async def _set_urgency(
    update: Update, context: BotContext, data: dict[str, Any], urgent: bool, team: Team
) -> None:
    data["urgent"] = urgent
    prefix = ""
    if urgent and not data.get("warned"):
        data["warned"] = True
        prefix = await _danger_notice(context, team)
    await _ask(update, context, data, _next_step(data, STEP_URGENCY), prefix=prefix)


async def _set_case(
    update: Update, context: BotContext, data: dict[str, Any], case_id: int | None
) -> None:
    data["case_id"] = case_id
    await _ask(update, context, data, _next_step(data, STEP_CASE))


async def _my_case(context: BotContext, *, case_id: int, team_id: int) -> bool:
    """Whether the case was brought by the acting member in this team."""
    case = await topics.get_case(context.session, case_id=case_id)
    return case is not None and case.owner_id == member_id_of(context) and case.team_id == team_id


async def on_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """A typed answer to the current question of a draft."""
    message = update.effective_message
    assert message is not None
    data = dict(dialog.data)
    found = await _draft_context(update, context, data)
    if found is None:
        return
    vault, team = found
    step = dialog.step
    verdict = await _screen(
        update, context, data, team, limit=intake.LIMITS.get(step, max(intake.LIMITS.values()))
    )
    if verdict.problem in ("identifying", "continued") or (
        step in intake.TEXT_FIELDS and not verdict.ok
    ):
        await _ask(update, context, data, step, prefix=_problem_text(context, verdict))
        return
    if step in intake.TEXT_FIELDS:
        await _take_text(
            update,
            context,
            data,
            step,
            verdict.text,
            danger=verdict.danger,
            vault=vault,
            team=team,
        )
        return
    typed = message.text or ""
    if step == STEP_CASE:
        if intake.match_words(typed, intake.NEW_CASE_WORDS):
            await _set_case(update, context, data, None)
            return
        code = normalise(typed)
        cases = await topics.cases_of(
            context.session, owner_id=member_id_of(context) or 0, team_id=int(data["team_id"])
        )
        chosen = next((case for case in cases if case.code == code), None)
        if chosen is None:
            await _ask(update, context, data, step, prefix=tr(context, "topics.case_not_yours"))
            return
        await _set_case(update, context, data, chosen.id)
        return
    if step == STEP_URGENCY:
        urgent = intake.match_words(typed, intake.URGENCY_WORDS)
        if isinstance(urgent, bool):
            await _set_urgency(update, context, data, urgent, team)
            return
    if step == STEP_HELP:
        kind = intake.match_words(typed, intake.HELP_WORDS)
        if isinstance(kind, str):
            data["help_kind"] = kind
            await _ask(update, context, data, _next_step(data, step))
            return
    await _ask(update, context, data, step, prefix=tr(context, "topics.use_buttons"))


# -- starting ------------------------------------------------------------------------------


async def start_topic(update: Update, context: BotContext) -> None:
    """Start a new case topic (private chat only)."""
    if not is_private(update):
        await _private_only(update, context)
        return
    if context.services.vault is None:
        await reply(update, context, tr(context, "topics.no_key"))
        return
    teams = await directory.teams_by_ids(context.session, context.actor.team_ids)
    if not teams:
        await reply(update, context, tr(context, "topics.no_team"))
        return
    prefix = await resume_or_replace(update, context, kind=DIALOG_KIND, texts=START_TEXTS)
    if prefix is not None:
        await _choose_team(update, context, list(teams), prefix=prefix)


async def _choose_team(
    update: Update, context: BotContext, teams: list[Team], *, prefix: str = ""
) -> None:
    if len(teams) == 1:
        await _begin(update, context, teams[0], prefix=prefix)
        return
    await ask_team(
        update, context, teams, action="thema.team", prompt="topics.choose_team", prefix=prefix
    )


async def _begin(update: Update, context: BotContext, team: Team, *, prefix: str = "") -> None:
    """The intro, then the first question: new case or follow-up, if there are cases."""
    assert team.id is not None
    intro = with_prefix(prefix, tr(context, "topics.intro", team=team.name))
    data: dict[str, Any] = {"team_id": team.id, "answers": {}, "danger": []}
    cases = await topics.cases_of(
        context.session, owner_id=member_id_of(context) or 0, team_id=team.id
    )
    if cases:
        await _ask(update, context, data, STEP_CASE, prefix=intro)
    else:
        data["case_id"] = None
        await _ask(update, context, data, intake.TEXT_FIELDS[0], prefix=intro)


async def on_team(update: Update, context: BotContext, button: Button) -> None:
    """Team chosen: begin the dialogue."""
    team = await directory.get_team(context.session, team_id=int(button.payload["team_id"]))
    if team is None or team.id not in context.actor.team_ids:
        await alert(update, context, "topics.left_team")
        return
    if context.services.vault is None:
        await alert(update, context, "topics.no_key_short")
        return
    await close_keyboard(update, context, button)
    await _begin(update, context, team)


async def _current(update: Update, context: BotContext, button: Button) -> Dialog | None:
    """The draft this button belongs to, if it is still at the question the button answers."""
    return await dialog_of_button(update, context, button, kind=DIALOG_KIND)


async def _pressed(
    update: Update, context: BotContext, button: Button
) -> tuple[Dialog, dict[str, Any], Vault, Team] | None:
    """The draft, its vault and team for a button press; answers stale presses itself."""
    dialog = await _current(update, context, button)
    if dialog is None:
        await alert(update, context, "button.stale")
        return None
    data = dict(dialog.data)
    await close_keyboard(update, context, button)
    found = await _draft_context(update, context, data)
    if found is None:
        return None
    return dialog, data, found[0], found[1]


async def on_resume(update: Update, context: BotContext, button: Button) -> None:
    """Go on with the draft where it stopped."""
    pressed = await _pressed(update, context, button)
    if pressed is not None:
        dialog, data, _, _ = pressed
        await _ask(update, context, data, dialog.step)


async def on_restart(update: Update, context: BotContext, button: Button) -> None:
    """Throw the draft away and start anew."""
    if await _current(update, context, button) is None:
        await alert(update, context, "button.stale")
        return
    await close_keyboard(update, context, button)
    await end_dialog(update, context)
    if context.services.vault is None:
        await reply(update, context, tr(context, "topics.no_key"))
        return
    teams = await directory.teams_by_ids(context.session, context.actor.team_ids)
    if not teams:
        await reply(update, context, tr(context, "topics.no_team"))
        return
    await _choose_team(update, context, list(teams))


async def on_case(update: Update, context: BotContext, button: Button) -> None:
    """New case, or a follow-up of one of my codes (checked again: mine, this team)."""
    pressed = await _pressed(update, context, button)
    if pressed is None:
        return
    _, data, _, team = pressed
    assert team.id is not None
    raw = button.payload.get("case_id")
    if raw is not None and not await _my_case(context, case_id=int(raw), team_id=team.id):
        await _ask(update, context, data, STEP_CASE, prefix=tr(context, "topics.case_not_yours"))
        return
    await _set_case(update, context, data, None if raw is None else int(raw))


async def on_skip(update: Update, context: BotContext, button: Button) -> None:
    """Leave the will or the resources out."""
    pressed = await _pressed(update, context, button)
    if pressed is None:
        return
    dialog, data, vault, team = pressed
    if dialog.step not in intake.SKIPPABLE:
        await _ask(update, context, data, dialog.step)
        return
    await _take_text(
        update, context, data, dialog.step, None, danger=False, vault=vault, team=team
    )


async def on_urgency(update: Update, context: BotContext, button: Button) -> None:
    """Normal or urgent."""
    pressed = await _pressed(update, context, button)
    if pressed is not None:
        _, data, _, team = pressed
        await _set_urgency(update, context, data, bool(button.payload.get("urgent")), team)


async def on_help(update: Update, context: BotContext, button: Button) -> None:
    """The kind of help in question."""
    pressed = await _pressed(update, context, button)
    if pressed is None:
        return
    _, data, _, _ = pressed
    kind = str(button.payload.get("kind"))
    data["help_kind"] = kind if kind in HELP_KINDS else "offen"
    await _ask(update, context, data, _next_step(data, STEP_HELP))


async def on_edit(update: Update, context: BotContext, button: Button) -> None:
    """From the summary: which answer to change."""
    pressed = await _pressed(update, context, button)
    if pressed is not None:
        await _ask(update, context, pressed[1], STEP_CHOOSE)


async def on_field(update: Update, context: BotContext, button: Button) -> None:
    """Answer one question again, then back to the summary."""
    pressed = await _pressed(update, context, button)
    if pressed is None:
        return
    _, data, _, _ = pressed
    field = str(button.payload.get("field"))
    if field not in QUESTIONS:
        await _ask(update, context, data, STEP_CONFIRM)
        return
    data["editing"] = True
    await _ask(update, context, data, field)


async def on_back(update: Update, context: BotContext, button: Button) -> None:
    """Back to the summary without changing anything."""
    pressed = await _pressed(update, context, button)
    if pressed is not None:
        await _ask(update, context, pressed[1], STEP_CONFIRM)


async def on_discard(update: Update, context: BotContext, button: Button) -> None:
    """Throw the draft away; nothing was stored."""
    await discard(update, context, button, kind=DIALOG_KIND, done_key="topics.discarded")


async def on_submit(update: Update, context: BotContext, button: Button) -> None:
    """Store the topic after checking team, case and every answer once more."""
    dialog = await _current(update, context, button)
    if dialog is None or dialog.step != STEP_CONFIRM:
        await alert(update, context, "button.stale")
        return
    data = dict(dialog.data)
    await consume(context, button)
    await update.callback_query.answer()  # type: ignore[union-attr]
    found = await _draft_context(update, context, data)
    if found is None:
        return
    vault, team = found
    assert team.id is not None
    member_id = member_id_of(context)
    answers = data.get("answers", {})
    try:
        for token in answers.values():
            _open(vault, token)
    except InvalidToken:
        await end_dialog(update, context)
        await edit_or_send(update, context, tr(context, "topics.draft_unreadable"))
        return
    if member_id is None or not answers.get("question") or not answers.get("situation"):
        await _ask(update, context, data, intake.TEXT_FIELDS[0])
        return
    case_id = data.get("case_id")
    if case_id is not None:
        if not await _my_case(context, case_id=int(case_id), team_id=team.id):
            await end_dialog(update, context)
            await edit_or_send(update, context, tr(context, "topics.case_not_yours_end"))
            return
        case = await topics.get_case(context.session, case_id=int(case_id))
    else:
        case = await topics.new_case(
            context.session,
            organisation_id=team.organisation_id,
            team_id=team.id,
            owner_id=member_id,
            now=context.now,
            draw=lambda wide: new_code(wide=wide),
        )
    assert case is not None and case.id is not None
    tz = context.services.settings.tz
    target = await placement.next_open(context.session, team_id=team.id, tz=tz, now=context.now)
    urgent = _urgent(data)
    help_kind = str(data.get("help_kind", "offen"))
    topic = await topics.add_topic(
        context.session,
        case=case,
        author_id=member_id,
        text=topics.SealedText(
            question=str(answers["question"]),
            situation=answers.get("situation"),
            will=answers.get("will"),
            resources=answers.get("resources"),
            tried=answers.get("tried"),
        ),
        urgent=urgent,
        help_kind=help_kind if help_kind in HELP_KINDS else "offen",
        meeting_id=target.meeting.id if target is not None else None,
        now=context.now,
    )
    assert topic.id is not None
    await audit_action(
        context,
        "topic.submitted",
        object_type="case_topic",
        object_id=topic.id,
        details={
            "team_id": team.id,
            "case_id": case.id,
            "meeting_id": topic.meeting_id,
            "follow_up": case_id is not None,
            "urgent": urgent,
        },
    )
    await end_dialog(update, context)
    if target is not None:
        where = tr(
            context,
            "topics.placed",
            when=format_when(target.occurrence.starts_at, tz, context.lang),
            deadline=format_when(target.deadline, tz, context.lang),
        )
    else:
        where = tr(context, "topics.no_date")
    text = tr(context, "topics.submitted", code=case.code, where=Markup(where))
    if urgent:
        told = await notify_team_managers(
            context,
            team_id=team.id,
            key="topics.urgent_notice",
            exclude={context.actor.telegram_id},
            team=team.name,
            code=case.code,
            author=context.actor.member.display_name if context.actor.member else "",
        )
        text += "\n\n" + tr(
            context, "topics.submitted_urgent" if told else "topics.submitted_urgent_nobody"
        )
    await edit_or_send(update, context, text)


# -- media during a dialogue ------------------------------------------------------------------


async def on_media(update: Update, context: BotContext) -> None:
    """No files in case topics: a photo or document may show a family, so it is deleted."""
    dialog = await interaction.get_dialog(
        context.session, telegram_id=context.actor.telegram_id, chat_id=chat_id_of(update)
    )
    if dialog is None or dialog.kind not in (DIALOG_KIND, EDIT_KIND):
        await non_text_in_private(update, context)
        return
    await delete_refused(update, context, what=REFUSED)
    prefix = tr(context, "topics.no_files")
    data = dict(dialog.data)
    if dialog.kind == DIALOG_KIND:
        if await _draft_context(update, context, data) is not None:
            await _ask(update, context, data, dialog.step, prefix=prefix)
    elif await _edit_target(update, context, data) is not None:
        await _ask_edit(update, context, data, prefix=prefix)


# -- /themen ---------------------------------------------------------------------------------


async def _schedule(
    context: BotContext, topic: CaseTopic
) -> tuple[datetime | None, datetime | None]:
    """When the topic's consultation is now and its submission deadline (None: no date)."""
    if topic.meeting_id is None:
        return None, None
    tz = context.services.settings.tz
    live = await live_meeting(context.session, meeting_id=topic.meeting_id, tz=tz)
    if live is None:
        return None, None
    starts = live.occurrence.starts_at if live.occurrence is not None else None
    deadline = await placement.deadline_of_meeting(context.session, meeting=live.meeting, tz=tz)
    return starts, deadline


async def _own_open_topic(context: BotContext, topic_id: int) -> tuple[CaseTopic | None, str]:
    """My queued topic that may still change, or why not (plain text for an alert)."""
    topic = await topics.get_topic(context.session, topic_id=topic_id)
    member_id = member_id_of(context)
    if topic is None or member_id is None or topic.author_id != member_id:
        return None, tr(context, "topics.not_yours")
    if topic.team_id not in context.actor.team_ids:
        return None, tr(context, "topics.left_team")
    if topic.status != TopicStatus.QUEUED:
        return None, tr(context, "topics.not_open")
    _, deadline = await _schedule(context, topic)
    if deadline is not None and deadline <= context.now:
        tz = context.services.settings.tz
        return None, tr(
            context, "topics.deadline_passed", deadline=format_when(deadline, tz, context.lang)
        )
    return topic, ""


async def list_topics(update: Update, context: BotContext) -> None:
    """My queued topics, each with buttons to change or withdraw it until its deadline."""
    if not is_private(update):
        await _private_only(update, context)
        return
    vault = context.services.vault
    if vault is None:
        await reply(update, context, tr(context, "topics.no_key"))
        return
    member_id = member_id_of(context)
    found = (
        await topics.topics_of_author(context.session, author_id=member_id)
        if member_id is not None
        else []
    )
    mine = [topic for topic in found if topic.team_id in context.actor.team_ids]
    if not mine:
        await reply(update, context, tr(context, "topics.none"))
        return
    codes = await topics.codes_by_case(context.session, case_ids={t.case_id for t in mine})
    tz = context.services.settings.tz
    await reply(update, context, tr(context, "topics.list_header", count=len(mine)))
    for topic in mine:
        assert topic.id is not None
        team = await directory.get_team(context.session, team_id=topic.team_id)
        starts, deadline = await _schedule(context, topic)
        when = (
            format_when(starts, tz, context.lang)
            if starts is not None
            else Markup(tr(context, "topics.no_date_short"))
        )
        try:
            question = _open(vault, topic.question) or ""
        except InvalidToken:
            question = Markup(tr(context, "topics.unreadable"))
        code = codes.get(topic.case_id, "?")
        text = tr(
            context,
            "topics.list_item",
            code=code,
            team=team.name if team else "?",
            when=when,
            question=question,
        )
        markup = None
        if deadline is not None and deadline <= context.now:
            text += "\n" + tr(
                context, "topics.list_closed", deadline=format_when(deadline, tz, context.lang)
            )
        else:
            if deadline is not None:
                text += "\n" + tr(
                    context,
                    "topics.list_deadline",
                    deadline=format_when(deadline, tz, context.lang),
                )
            payload = {"topic_id": topic.id}
            markup = await keyboard(
                context,
                [
                    [
                        Choice(tr(context, "topics.button_change"), "themen.edit", payload),
                        Choice(tr(context, "topics.button_withdraw"), "themen.withdraw", payload),
                    ]
                ],
                chat_id=chat_id_of(update),
            )
        if topic.urgent:
            text = "🚨 " + text
        await reply(update, context, text, keyboard=markup)


async def on_list_edit(update: Update, context: BotContext, button: Button) -> None:
    """Which answer of a stored topic to change."""
    topic, why = await _own_open_topic(context, int(button.payload["topic_id"]))
    if topic is None:
        await alert_text(update, why)
        return
    await consume(context, button)
    await update.callback_query.answer()  # type: ignore[union-attr]
    code = await topics.code_of(context.session, topic=topic)
    rows = [
        [
            Choice(
                tr(context, intake.FIELD_LABELS[field]),
                "themen.field",
                {"topic_id": topic.id, "field": field},
            )
        ]
        for field in intake.TEXT_FIELDS
    ]
    markup = await keyboard(context, rows, chat_id=chat_id_of(update))
    await edit_or_send(
        update, context, tr(context, "topics.change_which", code=code), keyboard=markup
    )


async def _ask_edit(
    update: Update, context: BotContext, data: dict[str, Any], *, prefix: str = ""
) -> None:
    """Ask for the new text of one answer of a stored topic."""
    chat_id = chat_id_of(update)
    field = str(data["field"])
    data = await save_step(update, context, kind=EDIT_KIND, step=field, data=data)
    asked = data["asked"]
    topic = await topics.get_topic(context.session, topic_id=int(data["topic_id"]))
    vault = context.services.vault
    assert topic is not None and vault is not None
    try:
        current = _open(vault, getattr(topic, field))
    except InvalidToken:
        current = Markup(tr(context, "topics.unreadable"))
    text = tr(
        context,
        "topics.change_ask",
        code=await topics.code_of(context.session, topic=topic),
        field=intake.FIELD_LABELS[field],
        current=current if current is not None else Markup(tr(context, "topics.skipped")),
        question=Markup(tr(context, ASK_KEYS[field])),
    )
    text = with_prefix(prefix, text)
    rows: list[list[Choice]] = []
    if field in intake.SKIPPABLE:
        rows = [[Choice(tr(context, "topics.button_clear"), "themen.clear", {"asked": asked})]]
    markup = await keyboard(context, rows, chat_id=chat_id) if rows else None
    await reply(update, context, text, keyboard=markup)


async def on_list_field(update: Update, context: BotContext, button: Button) -> None:
    """Field chosen: ask for its new text."""
    topic, why = await _own_open_topic(context, int(button.payload["topic_id"]))
    field = str(button.payload.get("field"))
    if topic is None or field not in intake.TEXT_FIELDS:
        await alert_text(update, why or tr(context, "button.stale"))
        return
    if context.services.vault is None:
        await alert(update, context, "topics.no_key_short")
        return
    await close_keyboard(update, context, button)
    await _ask_edit(update, context, {"topic_id": topic.id, "field": field})


async def _edit_target(
    update: Update, context: BotContext, data: dict[str, Any]
) -> tuple[CaseTopic, Vault, Team] | None:
    """The stored topic an edit is about, checked again; ends the dialogue if it may not."""
    vault = context.services.vault
    topic, why = await _own_open_topic(context, int(data["topic_id"]))
    team = await directory.get_team(context.session, team_id=topic.team_id) if topic else None
    if vault is None or topic is None or team is None:
        await end_dialog(update, context)
        await reply(update, context, why or tr(context, "topics.no_key"))
        return None
    return topic, vault, team


async def _store_edit(
    update: Update,
    context: BotContext,
    data: dict[str, Any],
    value: str | None,
    *,
    danger: bool,
) -> None:
    found = await _edit_target(update, context, data)
    if found is None:
        return
    topic, vault, team = found
    assert topic.id is not None
    field = str(data["field"])
    await topics.update_text(
        context.session,
        topic=topic,
        field=field,
        sealed=vault.seal_optional(value),
        now=context.now,
    )
    await audit_action(
        context,
        "topic.edited",
        object_type="case_topic",
        object_id=topic.id,
        details={"team_id": topic.team_id, "field": field},
    )
    await end_dialog(update, context)
    code = await topics.code_of(context.session, topic=topic)
    text = tr(context, "topics.changed", code=code, field=intake.FIELD_LABELS[field])
    if danger:
        text = await _danger_notice(context, team) + "\n\n" + text
        if await intake.mark_urgent(context.session, topic=topic, now=context.now):
            await notify_team_managers(
                context,
                team_id=topic.team_id,
                key="topics.urgent_notice",
                exclude={context.actor.telegram_id},
                team=team.name,
                code=code,
                author=context.actor.member.display_name if context.actor.member else "",
            )
    await reply(update, context, text)


async def on_edit_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The new text of an answer of a stored topic."""
    data = dict(dialog.data)
    found = await _edit_target(update, context, data)
    if found is None:
        return
    _, _, team = found
    field = str(data["field"])
    verdict = await _screen(update, context, data, team, limit=intake.LIMITS[field])
    if not verdict.ok:
        await _ask_edit(update, context, data, prefix=_problem_text(context, verdict))
        return
    await _store_edit(update, context, data, verdict.text, danger=verdict.danger)


async def on_list_clear(update: Update, context: BotContext, button: Button) -> None:
    """Leave the will or the resources of a stored topic empty."""
    dialog = await dialog_of_button(update, context, button, kind=EDIT_KIND)
    if dialog is None or dialog.step not in intake.SKIPPABLE:
        await alert(update, context, "button.stale")
        return
    await close_keyboard(update, context, button)
    await _store_edit(update, context, dict(dialog.data), None, danger=False)


async def on_withdraw(update: Update, context: BotContext, button: Button) -> None:
    """Ask before withdrawing a topic."""
    topic, why = await _own_open_topic(context, int(button.payload["topic_id"]))
    if topic is None:
        await alert_text(update, why)
        return
    await consume(context, button)
    await update.callback_query.answer()  # type: ignore[union-attr]
    code = await topics.code_of(context.session, topic=topic)
    markup = await confirm_keyboard(
        context,
        yes=tr(context, "topics.button_withdraw_yes"),
        action="themen.withdraw_yes",
        payload={"topic_id": topic.id},
        chat_id=chat_id_of(update),
    )
    await edit_or_send(
        update, context, tr(context, "topics.withdraw_confirm", code=code), keyboard=markup
    )


async def on_withdraw_yes(update: Update, context: BotContext, button: Button) -> None:
    """Withdraw the topic: it leaves the agenda; its text is deleted after the retention time."""
    topic, why = await _own_open_topic(context, int(button.payload["topic_id"]))
    if topic is None:
        await alert_text(update, why)
        return
    assert topic.id is not None
    await consume(context, button)
    await topics.close(context.session, topic=topic, status=TopicStatus.WITHDRAWN, now=context.now)
    await audit_action(
        context,
        "topic.withdrawn",
        object_type="case_topic",
        object_id=topic.id,
        details={"team_id": topic.team_id, "meeting_id": topic.meeting_id},
    )
    await update.callback_query.answer()  # type: ignore[union-attr]
    code = await topics.code_of(context.session, topic=topic)
    await edit_or_send(update, context, tr(context, "topics.withdrawn", code=code))


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [
        CommandHandler(["thema", "topic"], start_topic),
        CommandHandler(["themen", "topics"], list_topics),
        # Before the general answer to files in private chats: during a topic dialogue a
        # file is also deleted, because it may show a family.
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_media
        ),
    ]


BUTTONS: dict[str, ButtonAction] = {
    "thema.team": on_team,
    "thema.resume": on_resume,
    "thema.restart": on_restart,
    "thema.case": on_case,
    "thema.skip": on_skip,
    "thema.urgency": on_urgency,
    "thema.help": on_help,
    "thema.edit": on_edit,
    "thema.field": on_field,
    "thema.back": on_back,
    "thema.submit": on_submit,
    "thema.discard": on_discard,
    "themen.edit": on_list_edit,
    "themen.field": on_list_field,
    "themen.clear": on_list_clear,
    "themen.withdraw": on_withdraw,
    "themen.withdraw_yes": on_withdraw_yes,
}

DIALOGS: dict[str, DialogStep] = {DIALOG_KIND: on_text, EDIT_KIND: on_edit_text}
