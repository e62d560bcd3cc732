"""Everything the bot stores about one person, for ``/meinedaten`` (GDPR Art. 15)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import directory
from bot.storage.models import AuditEntry, Dialog, Invite, Membership, Team


async def collect_personal_data(
    session: AsyncSession, *, telegram_id: int
) -> dict[str, Any] | None:
    """A JSON-ready dictionary of the person's data; ``None`` if nothing is stored."""
    member = await directory.get_member(session, telegram_id=telegram_id)
    if member is None:
        return None
    memberships = await session.exec(
        select(Membership, Team)
        .join(Team, col(Team.id) == col(Membership.team_id))
        .where(Membership.member_id == member.id)
        .order_by(col(Team.name), col(Membership.role))
    )
    invites = await session.exec(
        select(Invite).where(Invite.created_by == telegram_id).order_by(col(Invite.id))
    )
    audit_rows = await session.exec(
        select(AuditEntry).where(AuditEntry.actor_id == telegram_id).order_by(col(AuditEntry.id))
    )
    dialogs = await session.exec(select(Dialog).where(Dialog.telegram_id == telegram_id))
    return {
        "person": {
            "telegram_id": member.telegram_id,
            "display_name": member.display_name,
            "language": member.language,
            "reminders_enabled": member.reminders_enabled,
            "known_since": member.created_at.isoformat(),
        },
        "memberships": [
            {"team": team.name, "role": row.role, "since": row.created_at.isoformat()}
            for row, team in memberships
        ],
        "invitations_created": [
            {
                "team_id": invite.team_id,
                "role": invite.role,
                "created_at": invite.created_at.isoformat(),
                "expires_at": invite.expires_at.isoformat(),
                "used": invite.used_at is not None,
            }
            for invite in invites
        ],
        "running_dialogues": [
            {"kind": dialog.kind, "step": dialog.step, "updated_at": dialog.updated_at.isoformat()}
            for dialog in dialogs
        ],
        "actions_in_audit_log": [
            {
                "at": entry.at.isoformat(),
                "action": entry.action,
                "object": f"{entry.object_type}:{entry.object_id}",
            }
            for entry in audit_rows
        ],
    }
