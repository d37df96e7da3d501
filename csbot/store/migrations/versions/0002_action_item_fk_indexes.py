"""index action_item's goal and activity references

Deleting a goal or an activity makes the database find the action items pointing at it
(ON DELETE SET NULL); without an index PostgreSQL scans action_item once per deleted row,
which made replacing 10,000 demo groups take minutes instead of seconds.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_action_item_goal_id"), "action_item", ["goal_id"])
    op.create_index(op.f("ix_action_item_activity_id"), "action_item", ["activity_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_action_item_activity_id"), table_name="action_item")
    op.drop_index(op.f("ix_action_item_goal_id"), table_name="action_item")
