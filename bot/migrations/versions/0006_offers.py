"""The map of offers (Ressourcenkarte) per social space; offers linked to ideas and topics.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("social_space_id", sa.Integer(), nullable=False),
        sa.Column("natural_key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("target_group", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("place", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("times", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("free_of_charge", sa.Boolean(), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("archived_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["social_space_id"],
            ["social_space.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("social_space_id", "natural_key"),
    )

    op.create_table(
        "idea_offer",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["idea.id"],
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offer.id"],
        ),
        sa.PrimaryKeyConstraint("idea_id", "offer_id"),
    )
    with op.batch_alter_table("idea_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_offer_offer_id"), ["offer_id"], unique=False)

    op.create_table(
        "case_topic_offer",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["case_topic.id"],
        ),
        sa.PrimaryKeyConstraint("topic_id", "offer_id"),
    )
    with op.batch_alter_table("case_topic_offer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_topic_offer_offer_id"), ["offer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("case_topic_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_topic_offer_offer_id"))

    op.drop_table("case_topic_offer")
    with op.batch_alter_table("idea_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_offer_offer_id"))

    op.drop_table("idea_offer")
    op.drop_table("offer")
