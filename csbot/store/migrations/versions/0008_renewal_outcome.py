"""renewal outcomes: what happened at each renewal, for the score audit

One row per group and renewal date: renewed or contracted (with the new ARR) or churned (when,
a reason category and the reason in words), and where it came from. `csbot backtest` and
`/cs scorecheck` hold the snapshots taken before each renewal against these.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "renewal_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("renewal_date", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("new_arr", sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True),
        sa.Column("churned_on", sa.Date(), nullable=True),
        sa.Column("reason_category", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["physician_group.id"],
            name=op.f("fk_renewal_outcome_group_id_physician_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_renewal_outcome")),
        sa.UniqueConstraint(
            "group_id", "renewal_date", name=op.f("uq_renewal_outcome_group_id_renewal_date")
        ),
    )
    op.create_index(
        op.f("ix_renewal_outcome_renewal_date"), "renewal_outcome", ["renewal_date"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_renewal_outcome_renewal_date"), table_name="renewal_outcome")
    op.drop_table("renewal_outcome")
