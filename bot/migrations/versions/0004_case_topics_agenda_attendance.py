"""Case codes and topics (text encrypted at rest), attendance, and meeting close-out times.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "code"),
    )
    with op.batch_alter_table("case_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_code_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_code_team_id"), ["team_id"], unique=False)

    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("corrected_by", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("meeting_id", "member_id"),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_member_id"), ["member_id"], unique=False)

    op.create_table(
        "case_topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("help_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("situation", sa.Text(), nullable=True),
        sa.Column("will", sa.Text(), nullable=True),
        sa.Column("resources", sa.Text(), nullable=True),
        sa.Column("tried", sa.Text(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("times_moved", sa.Integer(), nullable=False),
        sa.Column("submitted_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("text_deleted_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["case_code.id"],
        ),
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
    with op.batch_alter_table("case_topic", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_topic_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_topic_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_topic_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_topic_team_id"), ["team_id"], unique=False)

    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "minutes_asked_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("closed_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
        batch_op.drop_column("minutes_asked_at")

    with op.batch_alter_table("case_topic", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_topic_team_id"))
        batch_op.drop_index(batch_op.f("ix_case_topic_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_case_topic_case_id"))
        batch_op.drop_index(batch_op.f("ix_case_topic_author_id"))

    op.drop_table("case_topic")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_member_id"))

    op.drop_table("attendance")
    with op.batch_alter_table("case_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_code_team_id"))
        batch_op.drop_index(batch_op.f("ix_case_code_owner_id"))

    op.drop_table("case_code")
