"""digests in the alert outbox: an outbox row may belong to no group

The weekly book-of-business digest goes to a CSM's DM or a team channel, not to one group, and
is posted exactly once per recipient and week through the outbox like any alert: its rows have
no group.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert") as batch:
        batch.alter_column("group_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM alert WHERE group_id IS NULL")
    with op.batch_alter_table("alert") as batch:
        batch.alter_column("group_id", existing_type=sa.Integer(), nullable=False)
