"""The append-only audit log: actor, action, object and time, never message content."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage.models import AuditEntry


async def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: int | str,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry. ``details`` holds ids and codes only, never text a user typed."""
    session.add(
        AuditEntry(
            at=at,
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            details=details or {},
        )
    )


async def entries(
    session: AsyncSession, *, action: str | None = None, actor_id: int | None = None
) -> Sequence[AuditEntry]:
    """Entries in order of writing, optionally filtered."""
    query = select(AuditEntry).order_by(col(AuditEntry.id))
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    return (await session.exec(query)).all()
