"""Data functions for one-time invitations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import Invite


class RedeemResult(StrEnum):
    """Why an invitation could or could not be used."""

    OK = "ok"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


async def create(
    session: AsyncSession,
    *,
    code_hash: str,
    team_id: int,
    role: str,
    created_by: int,
    now: datetime,
    expires_at: datetime,
) -> Invite:
    """Store a new invitation by the hash of its code."""
    invite = Invite(
        code_hash=code_hash,
        team_id=team_id,
        role=role,
        created_by=created_by,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(invite)
    await session.flush()
    return invite


async def redeem(
    session: AsyncSession, *, code_hash: str, telegram_id: int, now: datetime
) -> tuple[RedeemResult, Invite | None]:
    """Mark an invitation used by ``telegram_id``; single use even under concurrency."""
    invite = (await session.exec(select(Invite).where(Invite.code_hash == code_hash))).first()
    if invite is None:
        return RedeemResult.UNKNOWN, None
    if invite.used_at is not None:
        return RedeemResult.USED, invite
    if invite.expires_at <= now:
        return RedeemResult.EXPIRED, invite
    result = await session.exec(
        update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None))
        .values(used_at=now, used_by=telegram_id)
    )
    if result.rowcount != 1:
        return RedeemResult.USED, invite
    await session.refresh(invite)
    return RedeemResult.OK, invite
