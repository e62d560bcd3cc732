"""``/start``: greeting and privacy notice, and joining a team through an invitation link."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.access import load_actor
from bot.handlers.common import is_private, reply, role_label, tr
from bot.i18n import TextKey, both, normalise_language
from bot.invites import hash_code, looks_like_code
from bot.notify import notify_team_managers
from bot.runtime import BotContext
from bot.storage import audit, directory, invites
from bot.storage.invites import RedeemResult


async def start(update: Update, context: BotContext) -> None:
    """Greet, or join a team when the link carried an invitation code."""
    if not is_private(update):
        await reply(update, context, tr(context, "start.in_group"))
        return
    if context.args:
        await _redeem(update, context, context.args[0])
        return
    actor = context.actor
    if actor.is_known:
        teams = await directory.teams_by_ids(context.session, actor.team_ids)
        names = ", ".join(team.name for team in teams) or "–"
        await reply(update, context, tr(context, "start.member", teams=names))
    else:
        await reply(update, context, both("start.stranger"))


async def _redeem(update: Update, context: BotContext, code: str) -> None:
    user = update.effective_user
    assert user is not None
    session = context.session
    if not looks_like_code(code):
        await reply(update, context, tr(context, "invite.unknown"))
        return
    result, invite = await invites.redeem(
        session, code_hash=hash_code(code), telegram_id=user.id, now=context.now
    )
    if result is not RedeemResult.OK or invite is None:
        await reply(update, context, tr(context, f"invite.{result.value}"))
        return
    team = await directory.get_team(session, team_id=invite.team_id)
    assert team is not None and team.id is not None
    language = (
        context.actor.member.language
        if context.actor.member is not None
        else normalise_language(user.language_code) or context.services.settings.bot_language
    )
    member = await directory.ensure_member(
        session,
        telegram_id=user.id,
        display_name=user.full_name,
        language=language,
        now=context.now,
    )
    assert member.id is not None
    added = await directory.add_role(
        session, member_id=member.id, team_id=team.id, role=invite.role, now=context.now
    )
    await audit.record(
        session,
        at=context.now,
        actor_id=user.id,
        action="membership.joined" if added else "membership.invite_reused_role",
        object_type="team",
        object_id=team.id,
        details={"member_id": member.id, "role": invite.role, "invite_id": invite.id},
    )
    context.scope.actor = await load_actor(
        session, telegram_id=user.id, admin_ids=context.services.settings.bot_admin_ids
    )
    role = role_label(context, invite.role)
    if not added:
        await reply(
            update, context, tr(context, "invite.already_member", team=team.name, role=role)
        )
        return
    await reply(update, context, tr(context, "invite.joined", team=team.name, role=role))
    await notify_team_managers(
        context,
        team_id=team.id,
        key="invite.joined_notice",
        exclude={user.id},
        name=member.display_name,
        team=team.name,
        role=TextKey(f"role.{invite.role}"),
    )


def handlers() -> list[BaseHandler]:
    """Handlers of this feature."""
    return [CommandHandler("start", start)]
