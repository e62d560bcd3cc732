"""Social-space budget: pots, the append-only ledger and spending requests.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "budget_year",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("coordinator_limit", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "year"),
    )

    op.create_table(
        "budget_pot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("social_space_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("allocated", sa.BigInteger(), nullable=False),
        sa.Column("committed", sa.BigInteger(), nullable=False),
        sa.Column("settled", sa.BigInteger(), nullable=False),
        sa.Column("warned_percent", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["social_space_id"], ["social_space.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organisation_id", "social_space_id", "year", "category"),
    )
    with op.batch_alter_table("budget_pot", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_pot_social_space_id"), ["social_space_id"], unique=False
        )
    # The unique constraint above does not hold for the reserve (NULL social space: NULLs never
    # collide), so the reserve gets its own partial index: one per organisation, year, category.
    op.create_index(
        "ux_budget_pot_reserve",
        "budget_pot",
        ["organisation_id", "year", "category"],
        unique=True,
        sqlite_where=sa.text("social_space_id IS NULL"),
        postgresql_where=sa.text("social_space_id IS NULL"),
    )

    op.create_table(
        "spending_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("pot_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("approved", sa.BigInteger(), nullable=True),
        sa.Column("actual", sa.BigInteger(), nullable=True),
        sa.Column("claimed", sa.BigInteger(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=True),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("provider_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("desired_date", sa.Date(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("settled_at", bot.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decided_by"], ["member.id"]),
        sa.ForeignKeyConstraint(["idea_id"], ["idea.id"]),
        sa.ForeignKeyConstraint(["pot_id"], ["budget_pot.id"]),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"]),
        sa.ForeignKeyConstraint(["requester_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("spending_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spending_request_idea_id"), ["idea_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_spending_request_pot_id"), ["pot_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_spending_request_requester_id"), ["requester_id"], unique=False
        )
        batch_op.create_index("ix_spending_request_status", ["status", "pot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_spending_request_team_id"), ["team_id"], unique=False)

    op.create_table(
        "budget_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pot_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("d_allocated", sa.BigInteger(), nullable=False),
        sa.Column("d_committed", sa.BigInteger(), nullable=False),
        sa.Column("d_settled", sa.BigInteger(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("counterpart_pot_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("at", bot.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["counterpart_pot_id"], ["budget_pot.id"]),
        sa.ForeignKeyConstraint(["pot_id"], ["budget_pot.id"]),
        sa.ForeignKeyConstraint(["request_id"], ["spending_request.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("budget_booking", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_budget_booking_pot_id"), ["pot_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_budget_booking_request_id"), ["request_id"], unique=False
        )
    _create_ledger_guard()


LEDGER_GUARD_SQLITE = [
    "CREATE TRIGGER budget_booking_no_update BEFORE UPDATE ON budget_booking "
    "BEGIN SELECT RAISE(ABORT, 'budget_booking is append-only'); END",
    "CREATE TRIGGER budget_booking_no_delete BEFORE DELETE ON budget_booking "
    "BEGIN SELECT RAISE(ABORT, 'budget_booking is append-only'); END",
]
LEDGER_GUARD_POSTGRES = [
    "CREATE FUNCTION budget_booking_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'budget_booking is append-only'; END $$",
    "CREATE TRIGGER budget_booking_no_change BEFORE UPDATE OR DELETE ON budget_booking "
    "FOR EACH ROW EXECUTE FUNCTION budget_booking_append_only()",
]


def _create_ledger_guard() -> None:
    """The ledger is append-only in the database itself, like the audit log: a correction is
    a new booking, never an edit."""
    dialect = op.get_bind().dialect.name
    for statement in LEDGER_GUARD_POSTGRES if dialect == "postgresql" else LEDGER_GUARD_SQLITE:
        op.execute(statement)


def _drop_ledger_guard() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS budget_booking_no_change ON budget_booking")
        op.execute("DROP FUNCTION IF EXISTS budget_booking_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS budget_booking_no_update")
        op.execute("DROP TRIGGER IF EXISTS budget_booking_no_delete")


def downgrade() -> None:
    _drop_ledger_guard()
    with op.batch_alter_table("budget_booking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_booking_request_id"))
        batch_op.drop_index(batch_op.f("ix_budget_booking_pot_id"))
    op.drop_table("budget_booking")

    with op.batch_alter_table("spending_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spending_request_team_id"))
        batch_op.drop_index("ix_spending_request_status")
        batch_op.drop_index(batch_op.f("ix_spending_request_requester_id"))
        batch_op.drop_index(batch_op.f("ix_spending_request_pot_id"))
        batch_op.drop_index(batch_op.f("ix_spending_request_idea_id"))
    op.drop_table("spending_request")

    op.drop_index("ux_budget_pot_reserve", table_name="budget_pot")
    with op.batch_alter_table("budget_pot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_pot_social_space_id"))
    op.drop_table("budget_pot")

    op.drop_table("budget_year")
