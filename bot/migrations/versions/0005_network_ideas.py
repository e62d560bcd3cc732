"""Network ideas: ideas, origins, votes, network meeting sessions, status history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idea_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("started_by", sa.BigInteger(), nullable=False),
        sa.Column("started_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_by", sa.BigInteger(), nullable=True),
        sa.Column("ended_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("idea_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idea_session_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_idea_session_team_id"), ["team_id"], unique=False)

    op.create_table(
        "idea",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("work_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("target_group", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("drop_reason", sa.Text(), nullable=True),
        sa.Column("created_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["idea_session.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "number"),
    )
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_idea_session_id"), ["session_id"], unique=False)

    op.create_table(
        "idea_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["idea.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idea_id", "member_id"),
    )
    with op.batch_alter_table("idea_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_vote_member_id"), ["member_id"], unique=False)

    op.create_table(
        "idea_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("to_status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["idea.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("idea_status_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idea_status_change_idea_id"), ["idea_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("idea_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_status_change_idea_id"))

    op.drop_table("idea_status_change")
    with op.batch_alter_table("idea_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_vote_member_id"))

    op.drop_table("idea_vote")
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_session_id"))
        batch_op.drop_index(batch_op.f("ix_idea_author_id"))

    op.drop_table("idea")
    with op.batch_alter_table("idea_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_session_team_id"))
        batch_op.drop_index(batch_op.f("ix_idea_session_meeting_id"))

    op.drop_table("idea_session")
