"""indexes for the recompute's revenue months and snapshot writes

revenue (month) becomes (month, group_id, amount): the recompute's sums of a few months per
group then read only the index, already in (group, month) order, where SQLite looked up each
row in the table and sorted them for the GROUP BY (10,000 demo groups, load average 3.4, with
csbot.store._query no longer parsing each DATE again:
0.20 s became 0.075 s).

health_snapshot (day) becomes (day, group_id): a recompute adds 10,000s of rows of one day, and
PostgreSQL deduplicated that one key over and over as they came in; with the group the keys are
distinct and go at the index's end (COPY of 10,000 snapshots, load average 3: 0.186 s became
0.163 s on a new day, 0.269 s became 0.187 s when the day is recomputed).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_REPLACED = (
    ("revenue", ("month",), ("month", "group_id", "amount")),
    ("health_snapshot", ("day",), ("day", "group_id")),
)


def _name(table: str, columns: tuple[str, ...]) -> str:
    return op.f(f"ix_{table}_{'_'.join(columns)}")


def upgrade() -> None:
    for table, old, new in _REPLACED:
        op.create_index(_name(table, new), table, list(new), unique=False)
        op.drop_index(_name(table, old), table_name=table)


def downgrade() -> None:
    for table, old, new in reversed(_REPLACED):
        op.create_index(_name(table, old), table, list(old), unique=False)
        op.drop_index(_name(table, new), table_name=table)
