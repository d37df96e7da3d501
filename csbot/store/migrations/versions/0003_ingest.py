"""natural keys for success plans, goals and action items; sync watermarks

Imports and syncs upsert by a natural key. Plans, goals and action items had none, so they get
an `external_id` with a unique index (NULL for rows made in csbot, which never clash). An index
rather than a constraint: SQLite adds it without rebuilding the table, and rebuilding
success_plan would cascade-delete its goals while foreign keys are on.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_KEYED = ("success_plan", "goal", "action_item")


def upgrade() -> None:
    for table in _KEYED:
        op.add_column(table, sa.Column("external_id", sa.String(length=100), nullable=True))
        op.create_index(op.f(f"ix_{table}_external_id"), table, ["external_id"], unique=True)
    op.create_table(
        "sync_watermark",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("watermark", sa.DateTime(timezone=True), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_sync_watermark")),
    )


def downgrade() -> None:
    op.drop_table("sync_watermark")
    for table in reversed(_KEYED):
        op.drop_index(op.f(f"ix_{table}_external_id"), table_name=table)
        op.drop_column(table, "external_id")  # plain ALTER TABLE: no rebuild, no cascade
