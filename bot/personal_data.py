"""Everything the bot stores about one person, for ``/meinedaten`` (GDPR Art. 15)."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.storage import directory, meetings
from bot.storage.models import (
    AuditEntry,
    Button,
    CaseCode,
    CaseTopic,
    ConsultationSeries,
    Dialog,
    Idea,
    IdeaVote,
    Invite,
    Meeting,
    Membership,
    OutboxMessage,
    SpendingRequest,
    Team,
)


async def _ideas_and_requests(session: AsyncSession, *, member_id: int) -> dict[str, Any]:
    """Ideas I logged or am responsible for, my votes, my spending requests (all my own text)."""
    ideas = await session.exec(
        select(Idea, Team)
        .join(Team, col(Team.id) == col(Idea.team_id))
        .where(or_(Idea.author_id == member_id, Idea.responsible_id == member_id))
        .order_by(col(Idea.created_at), col(Idea.id))
    )
    votes = await session.exec(
        select(IdeaVote, Idea, Team)
        .join(Idea, col(Idea.id) == col(IdeaVote.idea_id))
        .join(Team, col(Team.id) == col(Idea.team_id))
        .where(IdeaVote.member_id == member_id)
        .order_by(col(IdeaVote.created_at))
    )
    requests = await session.exec(
        select(SpendingRequest, Team)
        .join(Team, col(Team.id) == col(SpendingRequest.team_id))
        .where(SpendingRequest.requester_id == member_id)
        .order_by(col(SpendingRequest.created_at), col(SpendingRequest.id))
    )
    return {
        "ideas": [
            {
                "team": team.name,
                "number": idea.number,
                "text": idea.text,
                "status": idea.status,
                "mine": idea.author_id == member_id,
                "responsible": idea.responsible_id == member_id,
                "created_at": idea.created_at.isoformat(),
            }
            for idea, team in ideas
        ],
        "idea_votes": [
            {"team": team.name, "number": idea.number, "at": vote.created_at.isoformat()}
            for vote, idea, team in votes
        ],
        # Amounts in cents, as the ledger keeps them.
        "spending_requests": [
            {
                "id": request.id,
                "team": team.name,
                "purpose": request.purpose,
                "amount_cents": request.amount,
                "approved_cents": request.approved,
                "paid_cents": request.actual,
                "status": request.status,
                "reason": request.reason,
                "created_at": request.created_at.isoformat(),
            }
            for request, team in requests
        ],
    }


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
    about_me = await session.exec(
        select(AuditEntry)
        .where(
            col(AuditEntry.details)["member_id"].as_integer() == member.id,
            or_(col(AuditEntry.actor_id).is_(None), col(AuditEntry.actor_id) != telegram_id),
        )
        .order_by(col(AuditEntry.id))
    )
    used = await session.exec(
        select(Invite, Team)
        .join(Team, col(Team.id) == col(Invite.team_id))
        .where(Invite.used_by == telegram_id)
        .order_by(col(Invite.id))
    )
    notices = await session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.chat_id == telegram_id)
        .order_by(col(OutboxMessage.id))
    )
    assert member.id is not None
    answers = []
    for rsvp, meeting in await meetings.answers_of_member(session, member_id=member.id):
        series = await session.get(ConsultationSeries, meeting.series_id)
        team = await session.get(Team, series.team_id) if series else None
        answers.append(
            {
                "team": team.name if team else None,
                "meeting_date": meeting.original_date.isoformat(),
                "answer": rsvp.answer,
                "answered_at": rsvp.updated_at.isoformat(),
            }
        )
    # Case topics by code, date and status only: the case text is about a family, not about
    # the person asking, and never leaves the bot in a file.
    my_topics = await session.exec(
        select(CaseTopic, CaseCode, Team, Meeting)
        .join(CaseCode, col(CaseCode.id) == col(CaseTopic.case_id))
        .join(Team, col(Team.id) == col(CaseTopic.team_id))
        .outerjoin(Meeting, col(Meeting.id) == col(CaseTopic.meeting_id))
        .where(CaseTopic.author_id == member.id)
        .order_by(col(CaseTopic.submitted_at), col(CaseTopic.id))
    )
    buttons = await session.exec(select(Button.token).where(Button.telegram_id == telegram_id))
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
        "invitation_used": [
            {
                "team": team.name,
                "role": invite.role,
                "used_at": invite.used_at.isoformat() if invite.used_at else None,
            }
            for invite, team in used
        ],
        # Answers to meeting reminders ("Ich komme" …), kept 30 days after the meeting.
        "meeting_answers": answers,
        "case_topics": [
            {
                "code": case.code,
                "team": team.name,
                "meeting_date": meeting.original_date.isoformat() if meeting else None,
                "status": topic.status,
                "urgent": topic.urgent,
                "submitted_at": topic.submitted_at.isoformat(),
                "text_deleted_at": (
                    topic.text_deleted_at.isoformat() if topic.text_deleted_at else None
                ),
            }
            for topic, case, team, meeting in my_topics
        ],
        **await _ideas_and_requests(session, member_id=member.id),
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
        # Changes others made about this person: who made them is the other person's data.
        "changes_about_you_in_audit_log": [
            {
                "at": entry.at.isoformat(),
                "action": entry.action,
                "object": f"{entry.object_type}:{entry.object_id}",
            }
            for entry in about_me
        ],
        # Notices for this person; their texts are deleted once sent and are not repeated here.
        "notices": [
            {
                "created_at": notice.created_at.isoformat(),
                "status": notice.status,
                "sent_at": notice.sent_at.isoformat() if notice.sent_at else None,
            }
            for notice in notices
        ],
        "open_buttons": len(buttons.all()),
    }
