"""``/team``, ``/entfernen`` and ``/austreten``: who is in my teams, and leaving them."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.handlers.common import (
    Choice,
    ask_team,
    confirm_keyboard,
    consume,
    edit_or_send,
    is_group,
    is_private,
    keyboard,
    reply,
    role_label,
    tr,
    with_managed_team,
)
from bot.handlers.gate import ButtonAction
from bot.notify import notify_member, notify_team_managers
from bot.runtime import BotContext
from bot.storage import audit, directory
from bot.storage.models import Button, Team


async def _visible_teams(update: Update, context: BotContext) -> tuple[list[Team], str]:
    """In a group, its own team; in private, my teams (administrators: every team).

    Returns the teams and, when there are none, the key of the text that says why.
    """
    if is_group(update):
        team = await directory.team_by_chat(context.session, chat_id=update.effective_chat.id)  # type: ignore[union-attr]
        if team is None or team.id is None:
            return [], "team.group_not_bound"
        allowed = context.actor.is_admin or team.id in context.actor.team_ids
        return ([team], "") if allowed else ([], "team.group_not_yours")
    if context.actor.is_admin:
        return list(await directory.teams(context.session)), "team.none"
    return list(await directory.teams_by_ids(context.session, context.actor.team_ids)), "team.none"


async def show_team(update: Update, context: BotContext) -> None:
    """List the members and roles of my teams."""
    teams, why_none = await _visible_teams(update, context)
    if not teams:
        await reply(update, context, tr(context, why_none))
        return
    blocks = []
    for team in teams:
        assert team.id is not None
        space = (
            await directory.social_space(context.session, social_space_id=team.social_space_id)
            if team.social_space_id
            else None
        )
        lines = [
            tr(context, "team.header", team=team.name, space=space.name if space else "–"),
            tr(context, "team.group_bound" if team.chat_id else "team.group_unbound"),
        ]
        members = await directory.team_members(context.session, team_id=team.id)
        for member, roles in members:
            labels = ", ".join(sorted(role_label(context, role) for role in roles))
            lines.append(tr(context, "team.member_line", name=member.display_name, roles=labels))
        if not members:
            lines.append(tr(context, "team.no_members"))
        blocks.append("\n".join(lines))
    await reply(update, context, "\n\n".join(blocks))


async def remove(update: Update, context: BotContext) -> None:
    """Coordinators remove a member: choose the team, then the person."""
    await with_managed_team(
        update,
        context,
        not_allowed="remove.not_allowed",
        action="remove.team",
        prompt="remove.choose_team",
        then=_ask_member,
    )


async def _ask_member(update: Update, context: BotContext, team: Team) -> None:
    assert team.id is not None
    members = [
        member
        for member, _ in await directory.team_members(context.session, team_id=team.id)
        if member.telegram_id != context.actor.telegram_id
    ]
    if not members:
        await edit_or_send(update, context, tr(context, "remove.nobody", team=team.name))
        return
    rows = [
        [
            Choice(
                member.display_name, "remove.member", {"team_id": team.id, "member_id": member.id}
            )
        ]
        for member in members
    ]
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    markup = await keyboard(context, rows, chat_id=chat_id)
    await edit_or_send(
        update, context, tr(context, "remove.choose_member", team=team.name), keyboard=markup
    )


async def on_remove_team(update: Update, context: BotContext, button: Button) -> None:
    """Team chosen for a removal."""
    team = await directory.get_team(context.session, team_id=int(button.payload["team_id"]))
    if team is None or team.id is None or not context.actor.can_manage(team.id):
        await update.callback_query.answer(tr(context, "remove.not_allowed"), show_alert=True)  # type: ignore[union-attr]
        return
    await consume(context, button)
    await update.callback_query.answer()  # type: ignore[union-attr]
    await _ask_member(update, context, team)


async def on_remove_member(update: Update, context: BotContext, button: Button) -> None:
    """Person chosen: ask to confirm."""
    team_id, member_id = int(button.payload["team_id"]), int(button.payload["member_id"])
    team = await directory.get_team(context.session, team_id=team_id)
    if team is None or not context.actor.can_manage(team_id):
        await update.callback_query.answer(tr(context, "remove.not_allowed"), show_alert=True)  # type: ignore[union-attr]
        return
    member = next(
        (
            m
            for m, _ in await directory.team_members(context.session, team_id=team_id)
            if m.id == member_id
        ),
        None,
    )
    if member is None:
        await update.callback_query.answer(tr(context, "remove.gone"), show_alert=True)  # type: ignore[union-attr]
        return
    await consume(context, button)
    await update.callback_query.answer()  # type: ignore[union-attr]
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    payload = {"team_id": team_id, "member_id": member_id}
    markup = await confirm_keyboard(
        context,
        yes=tr(context, "common.yes_remove"),
        action="remove.confirm",
        payload=payload,
        chat_id=chat_id,
    )
    await edit_or_send(
        update,
        context,
        tr(context, "remove.confirm", name=member.display_name, team=team.name),
        keyboard=markup,
    )


async def on_remove_confirm(update: Update, context: BotContext, button: Button) -> None:
    """Removal confirmed: the member's roles in the team end now."""
    query = update.callback_query
    assert query is not None
    team_id, member_id = int(button.payload["team_id"]), int(button.payload["member_id"])
    team = await directory.get_team(context.session, team_id=team_id)
    if team is None or not context.actor.can_manage(team_id):
        await query.answer(tr(context, "remove.not_allowed"), show_alert=True)
        return
    member = next(
        (
            m
            for m, _ in await directory.team_members(context.session, team_id=team_id)
            if m.id == member_id
        ),
        None,
    )
    await consume(context, button)
    if member is None:
        await query.answer(tr(context, "remove.gone"), show_alert=True)
        await edit_or_send(update, context, tr(context, "remove.gone"))
        return
    removed = await directory.remove_from_team(
        context.session, member_id=member_id, team_id=team_id
    )
    await audit.record(
        context.session,
        at=context.now,
        actor_id=context.actor.telegram_id,
        action="membership.removed",
        object_type="team",
        object_id=team_id,
        details={"member_id": member_id, "roles_removed": removed},
    )
    await notify_member(
        context.session,
        telegram_id=member.telegram_id,
        language=member.language,
        key="remove.you_were_removed",
        now=context.now,
        team=team.name,
    )
    await query.answer()
    await edit_or_send(
        update, context, tr(context, "remove.done", name=member.display_name, team=team.name)
    )


async def leave(update: Update, context: BotContext) -> None:
    """Leave one of my teams (private chat: the confirmation is personal)."""
    if not is_private(update):
        await reply(update, context, tr(context, "common.private_only"))
        return
    teams = list(await directory.teams_by_ids(context.session, context.actor.team_ids))
    if not teams:
        await reply(update, context, tr(context, "team.none"))
        return
    if len(teams) == 1:
        await _ask_leave(update, context, teams[0])
        return
    await ask_team(update, context, teams, action="leave.team", prompt="leave.choose_team")


async def on_leave_team(update: Update, context: BotContext, button: Button) -> None:
    """Team chosen: ask to confirm leaving."""
    query = update.callback_query
    assert query is not None
    team_id = int(button.payload["team_id"])
    team = await directory.get_team(context.session, team_id=team_id)
    if team is None or team_id not in context.actor.team_ids:
        await query.answer(tr(context, "leave.not_member"), show_alert=True)
        return
    await consume(context, button)
    await query.answer()
    await _ask_leave(update, context, team)


async def _ask_leave(update: Update, context: BotContext, team: Team) -> None:
    assert team.id is not None
    team_id = team.id
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    markup = await confirm_keyboard(
        context,
        yes=tr(context, "common.yes_leave"),
        action="leave.confirm",
        payload={"team_id": team_id},
        chat_id=chat_id,
    )
    await edit_or_send(
        update, context, tr(context, "leave.confirm", team=team.name), keyboard=markup
    )


async def on_leave_confirm(update: Update, context: BotContext, button: Button) -> None:
    """Leaving confirmed."""
    query = update.callback_query
    assert query is not None
    team_id = int(button.payload["team_id"])
    team = await directory.get_team(context.session, team_id=team_id)
    member = context.actor.member
    await consume(context, button)
    if (
        team is None
        or member is None
        or member.id is None
        or team_id not in context.actor.team_ids
    ):
        await query.answer(tr(context, "leave.not_member"), show_alert=True)
        return
    removed = await directory.remove_from_team(
        context.session, member_id=member.id, team_id=team_id
    )
    await audit.record(
        context.session,
        at=context.now,
        actor_id=context.actor.telegram_id,
        action="membership.left",
        object_type="team",
        object_id=team_id,
        details={"member_id": member.id, "roles_removed": removed},
    )
    await notify_team_managers(
        context,
        team_id=team_id,
        key="leave.notice",
        exclude={context.actor.telegram_id},
        name=member.display_name,
        team=team.name,
    )
    await query.answer()
    await edit_or_send(update, context, tr(context, "leave.done", team=team.name))


async def on_dismiss(update: Update, context: BotContext, button: Button) -> None:
    """A "no" in a confirmation: nothing changes."""
    await consume(context, button)
    await update.callback_query.answer()  # type: ignore[union-attr]
    await edit_or_send(update, context, tr(context, "common.nothing_changed"))


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [
        CommandHandler("team", show_team),
        CommandHandler("entfernen", remove),
        CommandHandler("austreten", leave),
    ]


BUTTONS: dict[str, ButtonAction] = {
    "remove.team": on_remove_team,
    "remove.member": on_remove_member,
    "remove.confirm": on_remove_confirm,
    "leave.team": on_leave_team,
    "leave.confirm": on_leave_confirm,
    "common.dismiss": on_dismiss,
}
