"""daily_usage WITHOUT ROWID on SQLite: each row stored in the key's b-tree, (group_id, day)

The recompute sums each group's days of two windows. In a rowid table SQLite finds them in
the key's index, then looks each row up in the table by its rowid; WITHOUT ROWID the key's
b-tree is the table, read in place. 10,000 demo groups (578,135 usage rows in the windows),
CPU seconds of a recompute (best of 7, load average 5): 0.67 -> 0.63 with the demo's rows
(stored group after group), 0.75 -> 0.63 with the rows stored day after day as daily imports
store them (each group's days then on as many pages); the one-sum scan 0.14 -> 0.10 and
0.24 -> 0.10. The table is about 30 % smaller. Importing costs more: rows go into the key's
b-tree (and with no rowid to count new rows by, a chunk holding stored keys counts them first,
csbot.store.ingest.upsert): 300,000 new usage rows took 2.8-3.1 -> 3.2-3.4 CPU seconds. The
upgrade copies the table in key order once (about 2.5 s a million rows).

PostgreSQL: nothing (a heap table has no rowid to do without).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_COLUMNS = (
    "group_id, day, active_users, sessions, session_minutes, documents_processed, "
    "patients_total, patients_billable"
)
_TABLE = """CREATE TABLE daily_usage_rebuilt (
    group_id INTEGER NOT NULL,
    day DATE NOT NULL,
    active_users INTEGER NOT NULL,
    sessions INTEGER NOT NULL,
    session_minutes FLOAT NOT NULL,
    documents_processed INTEGER NOT NULL,
    patients_total INTEGER NOT NULL,
    patients_billable INTEGER NOT NULL,
    CONSTRAINT pk_daily_usage PRIMARY KEY (group_id, day),
    CONSTRAINT fk_daily_usage_group_id_physician_group FOREIGN KEY(group_id)
        REFERENCES physician_group (id) ON DELETE CASCADE
)"""


def _rebuild(*, rowid: bool) -> None:
    """daily_usage copied into a table with (or without) a rowid, which takes its name."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(_TABLE if rowid else f"{_TABLE} WITHOUT ROWID")
    op.execute(
        f"INSERT INTO daily_usage_rebuilt ({_COLUMNS}) "
        f"SELECT {_COLUMNS} FROM daily_usage ORDER BY group_id, day"
    )
    op.execute("DROP TABLE daily_usage")
    op.execute("ALTER TABLE daily_usage_rebuilt RENAME TO daily_usage")
    op.execute("CREATE INDEX ix_daily_usage_day ON daily_usage (day)")


def upgrade() -> None:
    _rebuild(rowid=False)


def downgrade() -> None:
    _rebuild(rowid=True)
