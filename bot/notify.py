"""Notices the bot sends on its own, queued in the outbox in each reader's language."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import t
from bot.runtime import BotContext
from bot.storage import directory, outbox
from bot.storage.models import Role, Team


async def notify_member(
    session: AsyncSession,
    *,
    telegram_id: int,
    language: str,
    key: str,
    now: datetime,
    **values: object,
) -> None:
    """Queue a private notice to one member."""
    await outbox.enqueue(session, chat_id=telegram_id, text=t(language, key, **values), now=now)


async def notify_team_managers(
    context: BotContext,
    *,
    team_id: int,
    key: str,
    exclude: Collection[int] = (),
    **values: object,
) -> int:
    """Queue a private notice to every coordinator of a team; returns how many were queued."""
    count = 0
    for member, roles in await directory.team_members(context.session, team_id=team_id):
        if Role.KOORDINATION in roles and member.telegram_id not in exclude:
            await outbox.enqueue(
                context.session,
                chat_id=member.telegram_id,
                text=t(member.language, key, **values),
                now=context.now,
            )
            count += 1
    return count


async def notify_group(context: BotContext, *, team: Team, key: str, **values: object) -> bool:
    """Queue a notice to the team's bound group (in the default language); False if unbound."""
    if team.chat_id is None:
        return False
    language = context.services.settings.bot_language
    await outbox.enqueue(
        context.session, chat_id=team.chat_id, text=t(language, key, **values), now=context.now
    )
    return True
