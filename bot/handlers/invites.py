"""``/einladen``: coordinators pick team and role and get a one-time link, valid 7 days."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.handlers.common import (
    Choice,
    consume,
    edit_or_send,
    keyboard,
    role_label,
    tr,
    with_managed_team,
)
from bot.handlers.gate import ButtonAction
from bot.invites import INVITE_TTL, deep_link, hash_code, new_code
from bot.runtime import BotContext
from bot.storage import audit, directory, invites
from bot.storage.models import Button
from bot.timefmt import format_datetime


async def invite(update: Update, context: BotContext) -> None:
    """Start an invitation: choose the team (if several), then the role."""
    await with_managed_team(
        update,
        context,
        not_allowed="invite.not_allowed",
        action="invite.team",
        prompt="invite.choose_team",
        then=lambda update, context, team: _ask_role(update, context, team.id),  # type: ignore[arg-type]
    )


async def _ask_role(update: Update, context: BotContext, team_id: int) -> None:
    team = await directory.get_team(context.session, team_id=team_id)
    roles = context.actor.invitable_roles(team_id)
    if team is None or not roles:
        await edit_or_send(update, context, tr(context, "invite.not_allowed"))
        return
    chat_id = update.effective_chat.id  # type: ignore[union-attr]
    rows = [
        [Choice(role_label(context, role), "invite.role", {"team_id": team_id, "role": role})]
        for role in roles
    ]
    markup = await keyboard(context, rows, chat_id=chat_id)
    await edit_or_send(
        update, context, tr(context, "invite.choose_role", team=team.name), keyboard=markup
    )


async def on_team(update: Update, context: BotContext, button: Button) -> None:
    """Team chosen: ask for the role."""
    await update.callback_query.answer()  # type: ignore[union-attr]
    await _ask_role(update, context, int(button.payload["team_id"]))


async def on_role(update: Update, context: BotContext, button: Button) -> None:
    """Role chosen: check the rights again and hand out the link."""
    query = update.callback_query
    assert query is not None
    team_id, role = int(button.payload["team_id"]), str(button.payload["role"])
    team = await directory.get_team(context.session, team_id=team_id)
    if team is None or role not in context.actor.invitable_roles(team_id):
        await query.answer(tr(context, "invite.not_allowed"), show_alert=True)
        return
    await consume(context, button)
    code = new_code()
    expires = context.now + INVITE_TTL
    record = await invites.create(
        context.session,
        code_hash=hash_code(code),
        team_id=team_id,
        role=role,
        created_by=context.actor.telegram_id,
        now=context.now,
        expires_at=expires,
    )
    await audit.record(
        context.session,
        at=context.now,
        actor_id=context.actor.telegram_id,
        action="invite.created",
        object_type="invite",
        object_id=record.id or 0,
        details={"team_id": team_id, "role": role},
    )
    await query.answer()
    link = deep_link(context.bot.username, code)
    text = tr(
        context,
        "invite.link",
        team=team.name,
        role=role_label(context, role),
        link=link,
        expires=format_datetime(expires, context.services.settings.tz, context.lang),
    )
    await edit_or_send(update, context, text)


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [CommandHandler("einladen", invite)]


BUTTONS: dict[str, ButtonAction] = {"invite.team": on_team, "invite.role": on_role}
