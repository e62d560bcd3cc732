"""``/idee`` and ``/ideen``: ideas for low-threshold offers, their tags, votes and lifecycle.

An idea is logged in one message, in the team's group or privately (team buttons when the
member is in several teams). Its text passes the privacy gate first, like a case topic's
answers (:mod:`bot.topics.intake`): a text with a name, date, address … is refused by kind,
never echoed, and its message deleted. The confirmation carries buttons for the origin
(Betroffene / Fachkräfte / gemeinsam), then the optional kind of work, target group and
partners; the author and the team's coordinators and network workers may press them.

``/ideen`` lists a team's ideas with filter buttons and pages. In a group every list has 👍
buttons (one vote per member and idea; pressing again takes it back), sorted by votes. In a
private chat each idea opens with a button: there the status buttons are, for coordinators
and network workers only. Every button carries ids only; the idea and the presser's rights
are read again on every press.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Final

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CommandHandler

from bot import ideas as rules
from bot.handlers import dialogue
from bot.handlers.common import (
    Choice,
    ack,
    alert,
    ask_team,
    audit_action,
    chat_id_of,
    consume,
    edit_or_send,
    is_group,
    keyboard,
    member_id_of,
    reply,
    tr,
    with_prefix,
)
from bot.handlers.dialogue import RefusalTexts, dialog_of_button, end_dialog, refusal
from bot.handlers.gate import ButtonAction, DialogStep
from bot.i18n import TextKey, plain_text, t
from bot.money import format_cents
from bot.runtime import BotContext
from bot.storage import directory, interaction, outbox
from bot.storage import ideas as store
from bot.storage.models import Button, Dialog, Idea, Member, SpendingRequest, Team
from bot.timefmt import format_datetime
from bot.topics import intake

log = logging.getLogger(__name__)

DIALOG_KIND: Final = "idee"
DROP_KIND: Final = "idee_drop"
STEP_TEXT: Final = "text"
STEP_TEAM: Final = "team"
LIST_TTL: Final = timedelta(days=7)
"""Idea lists in a group are voted on for days after a meeting; their buttons live a week."""
TAG_STEPS: Final = ("origin", "kind", "target", "partners")
REFUSALS: Final = RefusalTexts(
    identifying="ideas.identifying",
    identifying_kept="ideas.identifying_kept",
    too_long="ideas.too_long",
    empty="ideas.empty",
)


# -- small helpers ---------------------------------------------------------------------------


def _in_team(context: BotContext, team_id: int) -> bool:
    """Members of the team log ideas and vote; administrators alone do not."""
    return bool(context.actor.roles_in(team_id))


def _may_see(context: BotContext, team_id: int) -> bool:
    return _in_team(context, team_id) or context.actor.is_admin


def _may_tag(context: BotContext, idea: Idea) -> bool:
    """The author tags their own idea; coordinators and network workers tag every idea."""
    return idea.author_id == member_id_of(context) or context.actor.can_run_network(idea.team_id)


def command_text(update: Update) -> str:
    """What follows the command, with its line breaks (``/idee@bot Kochgruppe …``)."""
    message = update.effective_message
    if message is None or not message.text:
        return ""
    parts = message.text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


async def screen(
    update: Update, context: BotContext, text: str, *, organisation_id: int, limit: int
) -> tuple[intake.Verdict, str]:
    """Put an idea (or a reason) through the privacy gate, then emptiness and length.

    This is the one place where the case topics' gate plugs into ideas. Returns the verdict
    and, when refused, the answer for the member (never echoing the text); a text with an
    identifier is deleted from the chat.
    """
    screened = await dialogue.screen(
        update, context, text, organisation_id=organisation_id, limit=limit, what="idea message"
    )
    if screened.verdict.ok:
        return screened.verdict, ""
    return screened.verdict, refusal(context, screened, REFUSALS)


def label(context: BotContext, labels: dict[str, Any], value: str | None) -> str:
    """The label of a vocabulary word, or "–" for none."""
    if value is None or value not in labels:
        return "–"
    return tr(context, labels[value])


def partners_line(context: BotContext, idea: Idea) -> str:
    """The possible partners ticked for an idea, or "–" for none."""
    return (
        ", ".join(
            tr(context, rules.PARTNER_LABELS[p])
            for p in idea.partners
            if p in rules.PARTNER_LABELS
        )
        or "–"
    )


def tags_line(context: BotContext, idea: Idea) -> str:
    """Origin, kind and target group in one short line (unknown origin says so)."""
    parts = [
        tr(context, rules.ORIGIN_LABELS[idea.origin])
        if idea.origin in rules.ORIGIN_LABELS
        else tr(context, "ideas.origin_unknown")
    ]
    if idea.work_kind in rules.WORK_KIND_LABELS:
        parts.append(tr(context, rules.WORK_KIND_LABELS[idea.work_kind]))
    if idea.target_group in rules.TARGET_LABELS:
        parts.append(tr(context, rules.TARGET_LABELS[idea.target_group]))
    return " · ".join(parts)


async def record(context: BotContext, action: str, idea: Idea, **details: Any) -> None:
    """Audit an idea's change (ids and vocabulary words, never its text)."""
    assert idea.id is not None
    await audit_action(
        context,
        action,
        object_type="idea",
        object_id=idea.id,
        details={"team_id": idea.team_id, "number": idea.number, **details},
    )


async def create_idea(
    context: BotContext, team: Team, text: str, *, session_id: int | None = None
) -> Idea:
    """Store a checked idea for the acting member and audit it."""
    member_id = member_id_of(context)
    assert team.id is not None and member_id is not None
    idea = await store.add_idea(
        context.session,
        team_id=team.id,
        author_id=member_id,
        text=text,
        now=context.now,
        session_id=session_id,
    )
    await record(context, "idea.created", idea, session_id=session_id)
    return idea


# -- tagging ---------------------------------------------------------------------------------


def _rows(choices: list[Choice], width: int) -> list[list[Choice]]:
    return [choices[index : index + width] for index in range(0, len(choices), width)]


def _vocabulary(
    context: BotContext,
    base: dict[str, Any],
    step: str,
    labels: Mapping[str, TextKey],
    values: Sequence[str],
) -> list[Choice]:
    """One "idee.tag" button per word of a tag's vocabulary, answering ``step``."""
    return [
        Choice(tr(context, labels[value]), "idee.tag", {**base, "step": step, "value": value})
        for value in values
    ]


def tag_view(
    context: BotContext, idea: Idea, step: str, team: Team
) -> tuple[str, list[list[Choice]]]:
    """The question of one tagging step with its buttons; ``done`` is the summary."""
    base = {"idea_id": idea.id}
    head = tr(
        context,
        "ideas.logged",
        number=idea.number,
        team=team.name,
        text=rules.preview(idea.text, 200),
    )
    if step == "origin":
        choices = _vocabulary(context, base, step, rules.ORIGIN_LABELS, rules.ORIGINS)
        return f"{head}\n\n{tr(context, 'ideas.ask_origin')}", _rows(choices, 3)
    skip = Choice(
        tr(context, "ideas.button_skip"), "idee.tag", {**base, "step": step, "value": None}
    )
    if step == "kind":
        choices = _vocabulary(context, base, step, rules.WORK_KIND_LABELS, rules.WORK_KINDS)
        return f"{head}\n\n{tr(context, 'ideas.ask_kind')}", [*_rows(choices, 1), [skip]]
    if step == "target":
        choices = _vocabulary(context, base, step, rules.TARGET_LABELS, rules.TARGET_GROUPS)
        return f"{head}\n\n{tr(context, 'ideas.ask_target')}", [*_rows(choices, 3), [skip]]
    if step == "partners":
        choices = [
            Choice(
                ("✅ " if value in idea.partners else "")
                + tr(context, rules.PARTNER_LABELS[value]),
                "idee.partner",
                {**base, "value": value},
            )
            for value in rules.PARTNERS
        ]
        done = Choice(
            tr(context, "ideas.button_done"), "idee.tag", {**base, "step": step, "value": "done"}
        )
        return f"{head}\n\n{tr(context, 'ideas.ask_partners')}", [*_rows(choices, 3), [done]]
    summary = tr(
        context,
        "ideas.tagged",
        number=idea.number,
        team=team.name,
        text=rules.preview(idea.text, 200),
        origin=label(context, rules.ORIGIN_LABELS, idea.origin),
        kind=label(context, rules.WORK_KIND_LABELS, idea.work_kind),
        target=label(context, rules.TARGET_LABELS, idea.target_group),
        partners=partners_line(context, idea),
    )
    return summary, []


async def _send_tag_view(
    update: Update, context: BotContext, idea: Idea, team: Team, step: str, *, edit: bool
) -> None:
    text, rows = tag_view(context, idea, step, team)
    markup = None
    if rows:
        markup = await keyboard(
            context, rows, chat_id=chat_id_of(update), personal=not is_group(update)
        )
    if edit:
        await edit_or_send(update, context, text, keyboard=markup)
    else:
        await reply(update, context, text, keyboard=markup)


async def _pressed_idea(
    update: Update, context: BotContext, button: Button
) -> tuple[Idea, Team] | None:
    """The idea and team a button is about, or None (the press is answered)."""
    try:
        idea_id = int(button.payload["idea_id"])
    except (KeyError, TypeError, ValueError):
        await alert(update, context, "button.stale")
        return None
    idea = await store.get_idea(context.session, idea_id=idea_id)
    team = await directory.get_team(context.session, team_id=idea.team_id) if idea else None
    if idea is None or team is None:
        await alert(update, context, "button.stale")
        return None
    return idea, team


async def _taggable(
    update: Update, context: BotContext, button: Button
) -> tuple[Idea, Team] | None:
    """The idea and team of a tagging button, if the presser may tag it (else answered)."""
    found = await _pressed_idea(update, context, button)
    if found is not None and not _may_tag(context, found[0]):
        await alert(update, context, "ideas.tag_not_allowed")
        return None
    return found


async def on_tag(update: Update, context: BotContext, button: Button) -> None:
    """One tagging answer (or a skip); then the next question."""
    found = await _taggable(update, context, button)
    if found is None:
        return
    idea, team = found
    step = str(button.payload.get("step"))
    value = button.payload.get("value")
    if step not in TAG_STEPS:
        await alert(update, context, "button.stale")
        return
    vocabulary: dict[str, tuple[str, ...]] = {
        "origin": rules.ORIGINS,
        "kind": rules.WORK_KINDS,
        "target": rules.TARGET_GROUPS,
    }
    if step in vocabulary:
        if value is not None and value not in vocabulary[step]:
            await alert(update, context, "button.stale")
            return
        column = {"origin": "origin", "kind": "work_kind", "target": "target_group"}[step]
        if value is not None or step != "origin":
            setattr(idea, column, value)
            await store.save(context.session, idea=idea, now=context.now)
            await record(context, "idea.tagged", idea, field=column, value=value)
    await consume(context, button)
    await ack(update)
    following = TAG_STEPS.index(step) + 1
    next_step = TAG_STEPS[following] if following < len(TAG_STEPS) else "done"
    await _send_tag_view(update, context, idea, team, next_step, edit=True)


async def on_partner(update: Update, context: BotContext, button: Button) -> None:
    """Tick or untick one possible partner."""
    found = await _taggable(update, context, button)
    if found is None:
        return
    idea, team = found
    value = button.payload.get("value")
    if value not in rules.PARTNERS:
        await alert(update, context, "button.stale")
        return
    chosen = [p for p in idea.partners if p != value]
    if len(chosen) == len(idea.partners):
        chosen.append(str(value))
    idea.partners = [p for p in rules.PARTNERS if p in chosen]
    await store.save(context.session, idea=idea, now=context.now)
    await record(context, "idea.tagged", idea, field="partners", value=idea.partners)
    await consume(context, button)
    await ack(update)
    await _send_tag_view(update, context, idea, team, "partners", edit=True)


async def on_retag(update: Update, context: BotContext, button: Button) -> None:
    """From an idea's details: go through the tags again."""
    found = await _taggable(update, context, button)
    if found is None:
        return
    idea, team = found
    await consume(context, button)
    await ack(update)
    await _send_tag_view(update, context, idea, team, "origin", edit=True)


# -- /idee -----------------------------------------------------------------------------------


async def new_idea(update: Update, context: BotContext) -> None:
    """``/idee <text>``: log an idea in the team's group, or privately for a chosen team."""
    text = command_text(update)
    if is_group(update):
        team = await directory.team_by_chat(context.session, chat_id=chat_id_of(update))
        if team is None:
            await reply(update, context, tr(context, "ideas.unbound"))
            return
        assert team.id is not None
        if not _in_team(context, team.id):
            await reply(update, context, tr(context, "ideas.not_member", team=team.name))
            return
        verdict, why = await screen(
            update, context, text, organisation_id=team.organisation_id, limit=rules.TEXT_LIMIT
        )
        if not verdict.ok:
            await reply(update, context, why if text.strip() else tr(context, "ideas.empty_group"))
            return
        idea = await create_idea(context, team, verdict.text)
        await _send_tag_view(update, context, idea, team, "origin", edit=False)
        return
    teams = list(await directory.teams_by_ids(context.session, context.actor.team_ids))
    if not teams:
        await reply(update, context, tr(context, "ideas.no_team"))
        return
    await end_dialog(update, context)
    if not text.strip():
        await _ask_text(update, context)
        return
    verdict, why = await screen(
        update, context, text, organisation_id=teams[0].organisation_id, limit=rules.TEXT_LIMIT
    )
    if not verdict.ok:
        await reply(update, context, why)
        return
    await _with_text(update, context, verdict.text, teams)


async def _ask_text(update: Update, context: BotContext, *, prefix: str = "") -> None:
    await interaction.set_dialog(
        context.session,
        telegram_id=context.actor.telegram_id,
        chat_id=chat_id_of(update),
        kind=DIALOG_KIND,
        step=STEP_TEXT,
        data={},
        now=context.now,
    )
    text = tr(context, "ideas.ask_text", limit=rules.TEXT_LIMIT)
    await reply(update, context, with_prefix(prefix, text))


async def _with_text(update: Update, context: BotContext, text: str, teams: list[Team]) -> None:
    """A checked idea in private: stored at once for one team, else the team is asked."""
    if len(teams) == 1:
        await end_dialog(update, context)
        idea = await create_idea(context, teams[0], text)
        await _send_tag_view(update, context, idea, teams[0], "origin", edit=False)
        return
    asked = 1
    await interaction.set_dialog(
        context.session,
        telegram_id=context.actor.telegram_id,
        chat_id=chat_id_of(update),
        kind=DIALOG_KIND,
        step=STEP_TEAM,
        data={"text": text, "asked": asked},
        now=context.now,
    )
    rows = [
        [Choice(team.name, "idee.team", {"team_id": team.id, "asked": asked})] for team in teams
    ]
    markup = await keyboard(context, rows, chat_id=chat_id_of(update))
    await reply(update, context, tr(context, "ideas.choose_team"), keyboard=markup)


async def on_text(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The idea typed after a bare ``/idee`` in private."""
    message = update.effective_message
    assert message is not None
    if dialog.step != STEP_TEXT:
        await reply(update, context, tr(context, "ideas.use_team_buttons"))
        return
    teams = list(await directory.teams_by_ids(context.session, context.actor.team_ids))
    if not teams:
        await end_dialog(update, context)
        await reply(update, context, tr(context, "ideas.no_team"))
        return
    verdict, why = await screen(
        update,
        context,
        message.text or "",
        organisation_id=teams[0].organisation_id,
        limit=rules.TEXT_LIMIT,
    )
    if not verdict.ok:
        await _ask_text(update, context, prefix=why)
        return
    await _with_text(update, context, verdict.text, teams)


async def on_team(update: Update, context: BotContext, button: Button) -> None:
    """Team chosen for a privately typed idea: store it."""
    dialog = await dialog_of_button(update, context, button, kind=DIALOG_KIND)
    if dialog is None or dialog.step != STEP_TEAM:
        await alert(update, context, "button.stale")
        return
    team = await directory.get_team(context.session, team_id=int(button.payload["team_id"]))
    if team is None or team.id is None or not _in_team(context, team.id):
        await alert(update, context, "ideas.left_team")
        return
    text = str(dialog.data.get("text") or "")
    await consume(context, button)
    await end_dialog(update, context)
    await ack(update)
    if not text:
        await edit_or_send(update, context, tr(context, "button.stale"))
        return
    idea = await create_idea(context, team, text)
    await _send_tag_view(update, context, idea, team, "origin", edit=True)


# -- lists -----------------------------------------------------------------------------------


def _view(payload: dict[str, Any]) -> dict[str, Any]:
    """The list a button belongs to: team, filter, page and meeting (ids and words only)."""
    flt = rules.Filter.from_payload(payload)
    session_id = payload.get("session_id")
    return {
        "team_id": int(payload["team_id"]),
        **flt.payload(),
        "page": int(payload.get("page") or 0),
        "session_id": int(session_id) if isinstance(session_id, int) else None,
    }


def _filter_line(context: BotContext, flt: rules.Filter) -> str:
    every = tr(context, "ideas.filter_all")
    if flt.status == "open":
        status = tr(context, "ideas.filter_open")
    else:
        status = label(context, rules.STATUS_LABELS, flt.status) if flt.status else every
    origin = label(context, rules.ORIGIN_LABELS, flt.origin) if flt.origin else every
    kind = label(context, rules.WORK_KIND_LABELS, flt.kind) if flt.kind else every
    return tr(context, "ideas.filter_line", status=status, origin=origin, kind=kind)


async def list_view(
    context: BotContext, team: Team, view: dict[str, Any], *, chat_id: int, group: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A page of the team's ideas (or of one meeting's), sorted by votes, with its buttons.

    In a group each idea has a 👍 button, in a meeting's list also its origin (pressing
    changes it); in private each idea opens with a button. Filters and pages below.
    """
    assert team.id is not None
    session_id = view.get("session_id")
    flt = rules.Filter.from_payload(view)
    if session_id is not None:
        found = list(await store.ideas_of_session(context.session, session_id=int(session_id)))
        flt = rules.Filter(status=None)
    else:
        found = [
            idea
            for idea in await store.ideas_of_team(context.session, team_id=team.id)
            if flt.matches(status=idea.status, origin=idea.origin, kind=idea.work_kind)
        ]
    votes = await store.vote_counts(
        context.session, idea_ids=[idea.id for idea in found if idea.id is not None]
    )
    ordered = rules.by_votes(found, votes)
    shown, page, pages = rules.page_of(ordered, int(view.get("page") or 0))
    view = {**view, "page": page}
    if session_id is not None:
        idea_session = await store.get_session(context.session, session_id=int(session_id))
        when = (
            format_datetime(idea_session.started_at, context.services.settings.tz, context.lang)
            if idea_session is not None
            else "?"
        )
        head = tr(context, "ideas.meeting_list_head", team=team.name, when=when)
    else:
        head = tr(context, "ideas.list_head", team=team.name) + "\n" + _filter_line(context, flt)
    if pages > 1:
        head += "\n" + tr(context, "ideas.page", page=page + 1, pages=pages)
    lines = [head, ""]
    if not shown:
        lines.append(tr(context, "ideas.list_empty"))
    for idea in shown:
        assert idea.id is not None
        lines.append(
            tr(
                context,
                "ideas.list_item",
                number=idea.number,
                text=rules.preview(idea.text, 80),
                votes=votes.get(idea.id, 0),
                status=tr(
                    context, rules.STATUS_LABELS.get(idea.status, rules.STATUS_LABELS["idea"])
                ),
                tags=tags_line(context, idea),
            )
        )
    if group:
        lines += [
            "",
            tr(context, "ideas.list_hint_meeting" if session_id else "ideas.list_hint_group"),
        ]
    rows: list[list[Choice]] = []
    for idea in shown:
        base = {**view, "idea_id": idea.id}
        count = votes.get(idea.id or 0, 0)
        if group:
            vote = Choice(
                tr(context, "ideas.button_vote", votes=count, number=idea.number),
                "idee.vote",
                base,
            )
            if session_id is not None:
                origin = (
                    tr(context, rules.ORIGIN_LABELS[idea.origin])
                    if idea.origin in rules.ORIGIN_LABELS
                    else tr(context, "ideas.button_origin_unknown")
                )
                rows.append([vote, Choice(origin, "idee.cycle", base)])
            else:
                rows.append([vote])
        else:
            rows.append(
                [
                    Choice(
                        plain_text(
                            tr(
                                context,
                                "ideas.button_open",
                                number=idea.number,
                                text=rules.preview(idea.text, 30),
                            )
                        ),
                        "idee.show",
                        base,
                    )
                ]
            )
    if group and session_id is None:
        rows = [
            [cell for row in rows[index : index + 2] for cell in row]
            for index in range(0, len(rows), 2)
        ]
    if session_id is None:
        rows.append(
            [
                Choice(
                    tr(context, "ideas.button_filter_status"),
                    "ideen.filter",
                    {**view, "which": "status"},
                ),
                Choice(
                    tr(context, "ideas.button_filter_origin"),
                    "ideen.filter",
                    {**view, "which": "origin"},
                ),
                Choice(
                    tr(context, "ideas.button_filter_kind"),
                    "ideen.filter",
                    {**view, "which": "kind"},
                ),
            ]
        )
    paging: list[Choice] = []
    if page > 0:
        paging.append(
            Choice(tr(context, "ideas.button_previous"), "ideen.page", {**view, "page": page - 1})
        )
    if page < pages - 1:
        paging.append(
            Choice(tr(context, "ideas.button_next"), "ideen.page", {**view, "page": page + 1})
        )
    if paging:
        rows.append(paging)
    markup = (
        await keyboard(
            context,
            rows,
            chat_id=chat_id,
            personal=not group,
            ttl=LIST_TTL if group else timedelta(days=2),
        )
        if rows
        else None
    )
    return "\n".join(lines), markup


async def show_list(update: Update, context: BotContext) -> None:
    """``/ideen``: the team's open ideas (group: the bound team; private: my team)."""
    if is_group(update):
        team = await directory.team_by_chat(context.session, chat_id=chat_id_of(update))
        if team is None:
            await reply(update, context, tr(context, "ideas.unbound"))
            return
        assert team.id is not None
        if not _may_see(context, team.id):
            await reply(update, context, tr(context, "ideas.not_member", team=team.name))
            return
        await _reply_list(update, context, team)
        return
    teams = list(await directory.teams_by_ids(context.session, context.actor.team_ids))
    if not teams:
        await reply(update, context, tr(context, "ideas.no_team"))
    elif len(teams) == 1:
        await _reply_list(update, context, teams[0])
    else:
        await ask_team(
            update, context, teams, action="ideen.team", prompt="ideas.choose_list_team"
        )


async def _reply_list(update: Update, context: BotContext, team: Team) -> None:
    view = _view({"team_id": team.id, **rules.Filter().payload()})
    text, markup = await list_view(
        context, team, view, chat_id=chat_id_of(update), group=is_group(update)
    )
    await reply(update, context, text, keyboard=markup)


async def _view_team(
    update: Update, context: BotContext, button: Button
) -> tuple[dict[str, Any], Team] | None:
    """The list view of a button and its team, if the presser may still see it."""
    try:
        view = _view(button.payload)
    except (KeyError, TypeError, ValueError):
        await alert(update, context, "button.stale")
        return None
    team = await directory.get_team(context.session, team_id=view["team_id"])
    if team is None or team.id is None:
        await alert(update, context, "button.stale")
        return None
    if not _may_see(context, team.id):
        await alert(update, context, "ideas.list_not_member")
        return None
    return view, team


async def _redraw(update: Update, context: BotContext, team: Team, view: dict[str, Any]) -> None:
    text, markup = await list_view(
        context, team, view, chat_id=chat_id_of(update), group=is_group(update)
    )
    await edit_or_send(update, context, text, keyboard=markup)


async def on_list_team(update: Update, context: BotContext, button: Button) -> None:
    """Team chosen for ``/ideen`` in private."""
    found = await _view_team(update, context, button)
    if found is None:
        return
    view, team = found
    view = {**view, **rules.Filter().payload(), "page": 0}
    await consume(context, button)
    await ack(update)
    await _redraw(update, context, team, view)


async def on_page(update: Update, context: BotContext, button: Button) -> None:
    """Another page, or back to the list from a filter or an idea."""
    found = await _view_team(update, context, button)
    if found is None:
        return
    view, team = found
    if not is_group(update):
        await consume(context, button)
    await ack(update)
    await _redraw(update, context, team, view)


FILTER_CHOICES: Final = {
    "status": ("status", (None, *rules.STATUS_FILTERS)),
    "origin": ("origin", (None, *rules.ORIGINS)),
    "kind": ("kind", (None, *rules.WORK_KINDS)),
}


def _filter_value_label(context: BotContext, which: str, value: str | None) -> str:
    if value is None:
        return tr(context, "ideas.filter_all")
    if which == "status":
        if value == "open":
            return tr(context, "ideas.filter_open")
        return tr(context, rules.STATUS_LABELS[value])
    if which == "origin":
        return tr(context, rules.ORIGIN_LABELS[value])
    return tr(context, rules.WORK_KIND_LABELS[value])


async def on_filter(update: Update, context: BotContext, button: Button) -> None:
    """Which value of one filter: the list's buttons become the choices."""
    found = await _view_team(update, context, button)
    if found is None:
        return
    view, team = found
    which = str(button.payload.get("which"))
    if which not in FILTER_CHOICES:
        await alert(update, context, "button.stale")
        return
    field, values = FILTER_CHOICES[which]
    choices = [
        Choice(
            ("• " if view.get(field) == value else "")
            + _filter_value_label(context, which, value),
            "ideen.page",
            {**view, field: value, "page": 0},
        )
        for value in values
    ]
    rows = _rows(choices, 3)
    rows.append([Choice(tr(context, "ideas.button_back"), "ideen.page", view)])
    group = is_group(update)
    markup = await keyboard(
        context,
        rows,
        chat_id=chat_id_of(update),
        personal=not group,
        ttl=LIST_TTL if group else timedelta(days=2),
    )
    if not group:
        await consume(context, button)
    await ack(update)
    prompt = {
        "status": "ideas.choose_filter_status",
        "origin": "ideas.choose_filter_origin",
        "kind": "ideas.choose_filter_kind",
    }[which]
    await edit_or_send(update, context, tr(context, prompt, team=team.name), keyboard=markup)


# -- votes and origins in group lists --------------------------------------------------------


async def on_vote(update: Update, context: BotContext, button: Button) -> None:
    """👍: one vote per member and idea; pressing again takes it back. Not on closed ideas."""
    found = await _pressed_idea(update, context, button)
    if found is None:
        return
    idea, team = found
    member_id = member_id_of(context)
    if member_id is None or not _in_team(context, idea.team_id):
        await alert(update, context, "ideas.vote_not_member", team=team.name)
        return
    if idea.status == rules.DROPPED:
        await alert(update, context, "ideas.vote_dropped", number=idea.number)
        return
    if idea.status == rules.DONE:
        await alert(update, context, "ideas.vote_done", number=idea.number)
        return
    assert idea.id is not None
    added = await store.toggle_vote(
        context.session, idea_id=idea.id, member_id=member_id, now=context.now
    )
    await ack(
        update,
        tr(context, "ideas.voted" if added else "ideas.unvoted", number=idea.number),
    )
    if button.payload.get("detail"):
        await consume(context, button)
        await _show_detail(update, context, idea, team, button.payload)
        return
    try:
        view = _view(button.payload)
    except (KeyError, TypeError, ValueError):
        return
    await _redraw(update, context, team, view)


async def on_cycle(update: Update, context: BotContext, button: Button) -> None:
    """In a meeting's list: the origin button steps Betroffene → Fachkräfte → gemeinsam."""
    found = await _taggable(update, context, button)
    if found is None:
        return
    idea, team = found
    order = rules.ORIGINS
    idea.origin = (
        order[(order.index(idea.origin) + 1) % len(order)] if idea.origin in order else order[0]
    )
    await store.save(context.session, idea=idea, now=context.now)
    await record(context, "idea.tagged", idea, field="origin", value=idea.origin)
    await ack(
        update,
        tr(
            context,
            "ideas.origin_set",
            number=idea.number,
            origin=rules.ORIGIN_LABELS[idea.origin],
        ),
    )
    try:
        view = _view(button.payload)
    except (KeyError, TypeError, ValueError):
        return
    await _redraw(update, context, team, view)


# -- an idea's details and its lifecycle (private) -------------------------------------------


async def detail_text(context: BotContext, idea: Idea, team: Team) -> str:
    """Everything about one idea, for its details view."""
    assert idea.id is not None
    ids = {idea.author_id} | ({idea.responsible_id} if idea.responsible_id else set())
    names = await store.member_names(context.session, member_ids=ids)
    votes = (await store.vote_counts(context.session, idea_ids=[idea.id])).get(idea.id, 0)
    tz = context.services.settings.tz
    lines = [
        tr(
            context,
            "ideas.detail",
            number=idea.number,
            team=team.name,
            text=idea.text,
            status=tr(context, rules.STATUS_LABELS.get(idea.status, rules.STATUS_LABELS["idea"])),
            origin=label(context, rules.ORIGIN_LABELS, idea.origin),
            kind=label(context, rules.WORK_KIND_LABELS, idea.work_kind),
            target=label(context, rules.TARGET_LABELS, idea.target_group),
            partners=partners_line(context, idea),
            author=names.get(idea.author_id, "?"),
            when=format_datetime(idea.created_at, tz, context.lang),
            votes=votes,
        )
    ]
    if idea.responsible_id:
        lines.append(
            tr(context, "ideas.detail_responsible", name=names.get(idea.responsible_id, "?"))
        )
    for request in await store.requests_of_idea(context.session, idea_id=idea.id):
        lines.append(
            tr(
                context,
                "ideas.detail_spending",
                number=request.id,
                amount=format_cents(request.amount, context.lang),
                purpose=rules.preview(request.purpose),
            )
        )
    if idea.status == rules.DROPPED and idea.drop_reason:
        lines.append(tr(context, "ideas.detail_reason", reason=idea.drop_reason))
    return "\n".join(lines)


async def _show_detail(
    update: Update,
    context: BotContext,
    idea: Idea,
    team: Team,
    payload: dict[str, Any],
    *,
    prefix: str = "",
    new: bool = False,
) -> None:
    """The details of an idea with what the presser may do: vote, move it, tag it, go back."""
    assert idea.id is not None
    try:
        view = _view({**payload, "team_id": idea.team_id})
    except (KeyError, TypeError, ValueError):
        view = _view({"team_id": idea.team_id})
    base = {**view, "idea_id": idea.id}
    rows: list[list[Choice]] = []
    member_id = member_id_of(context)
    if member_id is not None and _in_team(context, idea.team_id) and rules.is_open(idea.status):
        voted = await store.has_voted(context.session, idea_id=idea.id, member_id=member_id)
        rows.append(
            [
                Choice(
                    tr(context, "ideas.button_unvote" if voted else "ideas.button_vote_detail"),
                    "idee.vote",
                    {**base, "detail": True},
                )
            ]
        )
    if context.actor.can_run_network(idea.team_id):
        moves = [
            Choice(
                tr(context, "ideas.button_move", status=rules.STATUS_LABELS[target]),
                "idee.status",
                {**base, "from": idea.status, "to": target},
            )
            for target in rules.next_statuses(idea.status)
        ]
        if moves:
            rows.append(moves)
    if _may_tag(context, idea):
        rows.append([Choice(tr(context, "ideas.button_retag"), "idee.retag", base)])
    rows.append([Choice(tr(context, "ideas.button_to_list"), "ideen.page", view)])
    markup = await keyboard(context, rows, chat_id=chat_id_of(update))
    text = await detail_text(context, idea, team)
    text = with_prefix(prefix, text)
    if new:
        await reply(update, context, text, keyboard=markup)
    else:
        await edit_or_send(update, context, text, keyboard=markup)


async def on_show(update: Update, context: BotContext, button: Button) -> None:
    """Open one idea from a private list."""
    found = await _pressed_idea(update, context, button)
    if found is None:
        return
    idea, team = found
    if not _may_see(context, idea.team_id):
        await alert(update, context, "ideas.list_not_member")
        return
    await consume(context, button)
    await ack(update)
    await _show_detail(update, context, idea, team, button.payload)


async def _status_press(
    update: Update, context: BotContext, button: Button
) -> tuple[Idea, Team, str] | None:
    """The idea and target of a status button, checked: rights, and the lifecycle from now."""
    found = await _pressed_idea(update, context, button)
    if found is None:
        return None
    idea, team = found
    if not context.actor.can_run_network(idea.team_id):
        await alert(update, context, "ideas.status_not_allowed")
        return None
    target = str(button.payload.get("to"))
    if target not in rules.STATUSES:
        await alert(update, context, "button.stale")
        return None
    if not rules.may_move(idea.status, target):
        await alert(
            update,
            context,
            "ideas.status_forbidden",
            number=idea.number,
            current=rules.STATUS_LABELS.get(idea.status, rules.STATUS_LABELS["idea"]),
            target=rules.STATUS_LABELS[target],
        )
        return None
    return idea, team, target


async def on_status(update: Update, context: BotContext, button: Button) -> None:
    """A status button: "verworfen" asks for a reason, "geplant" for who is responsible."""
    checked = await _status_press(update, context, button)
    if checked is None:
        return
    idea, team, target = checked
    await consume(context, button)
    await ack(update)
    view = {
        key: button.payload.get(key)
        for key in ("team_id", "status", "origin", "kind", "page", "session_id")
    }
    if target == rules.DROPPED:
        await interaction.set_dialog(
            context.session,
            telegram_id=context.actor.telegram_id,
            chat_id=chat_id_of(update),
            kind=DROP_KIND,
            step="reason",
            data={"idea_id": idea.id, "view": view},
            now=context.now,
        )
        markup = await keyboard(
            context,
            [
                [
                    Choice(
                        tr(context, "ideas.button_cancel"),
                        "idee.drop_cancel",
                        {**view, "idea_id": idea.id},
                    )
                ]
            ],
            chat_id=chat_id_of(update),
        )
        await edit_or_send(
            update,
            context,
            tr(context, "ideas.ask_reason", number=idea.number, limit=rules.REASON_LIMIT),
            keyboard=markup,
        )
        return
    if target == rules.PLANNED:
        members = await directory.team_members(context.session, team_id=idea.team_id)
        base = {**view, "idea_id": idea.id, "to": target}
        choices = [
            Choice(member.display_name, "idee.plan", {**base, "responsible": member.id})
            for member, _ in members
        ]
        rows = _rows(choices, 2)
        rows.append(
            [
                Choice(
                    tr(context, "ideas.button_no_responsible"),
                    "idee.plan",
                    {**base, "responsible": None},
                )
            ]
        )
        markup = await keyboard(context, rows, chat_id=chat_id_of(update))
        await edit_or_send(
            update,
            context,
            tr(context, "ideas.ask_responsible", number=idea.number),
            keyboard=markup,
        )
        return
    await apply_status(update, context, idea, team, target, view=view)


async def on_plan(update: Update, context: BotContext, button: Button) -> None:
    """Responsible member chosen (or none): the idea is planned."""
    checked = await _status_press(update, context, button)
    if checked is None:
        return
    idea, team, target = checked
    raw = button.payload.get("responsible")
    responsible: Member | None = None
    if raw is not None:
        members = await directory.team_members(context.session, team_id=idea.team_id)
        responsible = next((member for member, _ in members if member.id == raw), None)
        if responsible is None:
            await alert(update, context, "ideas.responsible_gone")
            return
    if "spending" not in button.payload:
        requests = await store.linkable_requests(context.session, team_id=idea.team_id)
        if requests:
            await consume(context, button)
            await ack(update)
            await _ask_spending(update, context, idea, dict(button.payload), requests)
            return
    spending = button.payload.get("spending")
    linked: SpendingRequest | None = None
    if spending is not None:
        linked = await store.link_request(
            context.session, request_id=int(spending), idea=idea, now=context.now
        )
        if linked is None:
            await alert(update, context, "ideas.spending_gone")
            return
    await consume(context, button)
    await ack(update)
    await apply_status(
        update,
        context,
        idea,
        team,
        target,
        view=dict(button.payload),
        responsible_id=responsible.id if responsible else None,
        spending_request_id=linked.id if linked else None,
    )


MAX_SPENDING_BUTTONS: Final = 8


async def _ask_spending(
    update: Update,
    context: BotContext,
    idea: Idea,
    payload: dict[str, Any],
    requests: list[SpendingRequest],
) -> None:
    """Planning an idea: link one of the team's spending requests that pays for it, or none."""
    base = {**payload, "spending": None}
    rows = [
        [
            Choice(
                plain_text(
                    tr(
                        context,
                        "ideas.button_spending",
                        number=request.id,
                        amount=format_cents(request.amount, context.lang),
                        purpose=rules.preview(request.purpose, 30),
                    )
                ),
                "idee.plan",
                {**base, "spending": request.id},
            )
        ]
        for request in requests[:MAX_SPENDING_BUTTONS]
    ]
    rows.append([Choice(tr(context, "ideas.button_no_spending"), "idee.plan", base)])
    markup = await keyboard(context, rows, chat_id=chat_id_of(update))
    await edit_or_send(
        update, context, tr(context, "ideas.ask_spending", number=idea.number), keyboard=markup
    )


async def apply_status(
    update: Update,
    context: BotContext,
    idea: Idea,
    team: Team,
    target: str,
    *,
    view: dict[str, Any],
    responsible_id: int | None = None,
    reason: str | None = None,
    spending_request_id: int | None = None,
    new_message: bool = False,
) -> None:
    """Move the idea, audit the step, tell the author, show the idea again."""
    previous = await store.change_status(
        context.session,
        idea=idea,
        to_status=target,
        actor_id=context.actor.telegram_id,
        now=context.now,
        responsible_id=responsible_id,
        reason=reason,
    )
    await record(
        context,
        "idea.status_changed",
        idea,
        from_status=previous,
        to_status=target,
        responsible_id=responsible_id,
        spending_request_id=spending_request_id,
    )
    author = await context.session.get(Member, idea.author_id)
    if author is not None and author.telegram_id != context.actor.telegram_id:
        by = context.actor.member.display_name if context.actor.member else ""
        if target == rules.DROPPED:
            text = t(
                author.language,
                "ideas.dropped_notice",
                number=idea.number,
                team=team.name,
                text=rules.preview(idea.text),
                reason=reason or "",
                by=by,
            )
        else:
            text = t(
                author.language,
                "ideas.status_notice",
                number=idea.number,
                team=team.name,
                text=rules.preview(idea.text),
                status=rules.STATUS_LABELS[target],
                by=by,
            )
        await outbox.enqueue(
            context.session, chat_id=author.telegram_id, text=text, now=context.now
        )
    done = tr(
        context, "ideas.status_changed", number=idea.number, status=rules.STATUS_LABELS[target]
    )
    await _show_detail(update, context, idea, team, view, prefix=done, new=new_message)


async def on_drop_cancel(update: Update, context: BotContext, button: Button) -> None:
    """No reason after all: the idea stays as it is."""
    found = await _pressed_idea(update, context, button)
    if found is None:
        return
    idea, team = found
    await end_dialog(update, context)
    await consume(context, button)
    await ack(update)
    await _show_detail(
        update, context, idea, team, button.payload, prefix=tr(context, "ideas.drop_cancelled")
    )


async def on_reason(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The reason for dropping an idea: checked by the gate, then the idea is dropped."""
    message = update.effective_message
    assert message is not None
    chat_id = chat_id_of(update)
    idea = await store.get_idea(context.session, idea_id=int(dialog.data.get("idea_id") or 0))
    team = await directory.get_team(context.session, team_id=idea.team_id) if idea else None
    if idea is None or team is None or not context.actor.can_run_network(idea.team_id):
        await end_dialog(update, context)
        await reply(update, context, tr(context, "ideas.status_not_allowed"))
        return
    if not rules.may_move(idea.status, rules.DROPPED):
        await end_dialog(update, context)
        await reply(
            update,
            context,
            tr(
                context,
                "ideas.status_forbidden",
                number=idea.number,
                current=rules.STATUS_LABELS.get(idea.status, rules.STATUS_LABELS["idea"]),
                target=rules.STATUS_LABELS[rules.DROPPED],
            ),
        )
        return
    verdict, why = await screen(
        update,
        context,
        message.text or "",
        organisation_id=team.organisation_id,
        limit=rules.REASON_LIMIT,
    )
    if not verdict.ok:
        await reply(
            update,
            context,
            why
            + "\n\n"
            + tr(context, "ideas.ask_reason", number=idea.number, limit=rules.REASON_LIMIT),
        )
        return
    await end_dialog(update, context)
    await interaction.drop_buttons(
        context.session, telegram_id=context.actor.telegram_id, chat_id=chat_id
    )
    await apply_status(
        update,
        context,
        idea,
        team,
        rules.DROPPED,
        view=dict(dialog.data.get("view") or {"team_id": idea.team_id}),
        reason=verdict.text,
        new_message=True,
    )


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [
        CommandHandler(["idee", "idea"], new_idea),
        CommandHandler(["ideen", "ideas"], show_list),
    ]


BUTTONS: dict[str, ButtonAction] = {
    "idee.team": on_team,
    "idee.tag": on_tag,
    "idee.partner": on_partner,
    "idee.retag": on_retag,
    "idee.vote": on_vote,
    "idee.cycle": on_cycle,
    "idee.show": on_show,
    "idee.status": on_status,
    "idee.plan": on_plan,
    "idee.drop_cancel": on_drop_cancel,
    "ideen.team": on_list_team,
    "ideen.page": on_page,
    "ideen.filter": on_filter,
}

DIALOGS: dict[str, DialogStep] = {DIALOG_KIND: on_text, DROP_KIND: on_reason}
