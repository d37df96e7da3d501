"""indexes the recompute reads as a few ranges: open tickets by priority, touches by kind

ticket (group_id, priority, resolved_at, opened_at, status) becomes (priority, resolved_at,
group_id, opened_at, status): the recompute's open high-priority tickets are then two ranges
of it (not resolved, or resolved after the day), a few percent of the tickets, where it read
the whole index (10,000 demo groups, load average 5: SQLite 51 ms of CPU became 7,
PostgreSQL's server 54 ms became 3.5). Nothing else read that index: a group's own tickets
come from the one on (group_id, opened_at, first_response_at).

activity (group_id, kind, occurred_at) becomes (kind, group_id, occurred_at): PostgreSQL's
last CS touch then reads the meetings' and calls' ranges, not every activity's entry (server
CPU 64-91 ms became 54-58); SQLite seeks each group's latest either way, and a group's own
touches are seeks in both.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_REPLACED = (
    (
        "ticket",
        ("group_id", "priority", "resolved_at", "opened_at", "status"),
        ("priority", "resolved_at", "group_id", "opened_at", "status"),
    ),
    ("activity", ("group_id", "kind", "occurred_at"), ("kind", "group_id", "occurred_at")),
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
