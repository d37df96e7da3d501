"""alert state per group and finished job runs

`alert_state` holds what was last alerted for each group, so a crossing is detected against
it (not yesterday's snapshot) and fires once; `job_run` records each finished daily run, so
a restart after downtime knows which days to catch up.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_state",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("last_alert_id", sa.Integer(), nullable=True),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("snoozed_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["physician_group.id"],
            name=op.f("fk_alert_state_group_id_physician_group"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_alert_state")),
    )
    op.create_table(
        "job_run",
        sa.Column("job_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("job_id", "day", name=op.f("pk_job_run")),
    )


def downgrade() -> None:
    op.drop_table("job_run")
    op.drop_table("alert_state")
