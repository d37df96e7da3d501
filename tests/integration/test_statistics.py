"""Planner statistics: the recompute analyses a SQLite database that has none or has outgrown
them, so the usage windows are read by the key, not through the day index and a sort."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from recompute_seed import AS_OF, group
from sqlalchemy import Connection, insert, text
from sqlalchemy.orm import Session, sessionmaker

from csbot.scoring import default_config
from csbot.store.models import DailyUsage
from csbot.store.recompute import recompute
from csbot.store.statistics import refresh_statistics, stale_tables

NOW = datetime(2026, 4, 1, 6, tzinfo=UTC)
# The floor's shape in bench/recompute.py: one window's sum for every group.
WINDOW_SUM = (
    "SELECT group_id, count(*), sum(active_users) FROM daily_usage "
    "WHERE day BETWEEN '2026-03-02' AND '2026-03-31' GROUP BY group_id"
)


def _groups_with_usage(session: Session, groups: int, days: int, first: int = 0) -> list[int]:
    made = [group(f"Clinic {first + n}") for n in range(groups)]
    session.add_all(made)
    session.flush()
    rows = [
        {
            "group_id": g.id,
            "day": AS_OF - timedelta(days=back),
            "active_users": 5,
            "sessions": 9,
            "session_minutes": 60.0,
            "documents_processed": 20,
            "patients_total": 30,
            "patients_billable": 25,
        }
        for g in made
        for back in range(days)
    ]
    session.execute(insert(DailyUsage), rows)
    return [g.id for g in made]


def _plan(conn: Connection) -> str:
    return " | ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {WINDOW_SUM}"))


def _recorded_rows(conn: Connection, table: str) -> set[str]:
    """The row counts sqlite_stat1 holds for `table` (each stat's first number)."""
    stats = conn.exec_driver_sql("SELECT stat FROM sqlite_stat1 WHERE tbl = ?", (table,))
    return {stat.split()[0] for stat in stats.scalars()}


def _sqlite_only(sessions: sessionmaker[Session]) -> None:
    if sessions.kw["bind"].dialect.name != "sqlite":
        pytest.skip("statistics on SQLite (PostgreSQL's autovacuum keeps its own)")


def test_recompute_analyses_a_database_without_statistics_and_reads_usage_by_the_key(
    sessions: sessionmaker[Session],
) -> None:
    _sqlite_only(sessions)
    with sessions.begin() as session:
        _groups_with_usage(session, groups=40, days=120)  # the demo's 120 days
    with sessions() as session:
        before = _plan(session.connection())
        assert "ix_daily_usage_day" in before and "TEMP B-TREE" in before
    with sessions.begin() as session:
        recompute(session, as_of=AS_OF, computed_at=NOW, config=default_config())
        # The queries that follow on the same connection plan with the new statistics.
        assert "ANY(group_id)" in _plan(session.connection())
    with sessions() as session:  # and a later connection, from what was committed
        conn = session.connection()
        after = _plan(conn)
        analysed = set(conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1").scalars())
    assert "USING PRIMARY KEY" in after and "TEMP B-TREE" not in after
    assert {"daily_usage", "physician_group"} <= analysed
    assert "health_snapshot" not in analysed  # empty until the recompute wrote it


def test_statistics_are_refreshed_once_a_table_has_doubled(
    sessions: sessionmaker[Session],
) -> None:
    _sqlite_only(sessions)
    with sessions.begin() as session:
        _groups_with_usage(session, groups=10, days=20)
        assert stale_tables(session.connection()) == ("physician_group", "daily_usage")
        assert refresh_statistics(session.connection()) == ("physician_group", "daily_usage")
        assert refresh_statistics(session.connection()) == ()
        # The sampling limit is this refresh's alone: the connection's own ANALYZE is whole.
        limit = session.connection().exec_driver_sql("PRAGMA analysis_limit").scalar()
        assert limit == 0
    with sessions.begin() as session:  # 10 groups -> 20: twice as many, not more
        _groups_with_usage(session, groups=10, days=1, first=10)
        assert stale_tables(session.connection()) == ()
    with sessions.begin() as session:  # 21 groups, 211 usage rows: physician_group doubled
        _groups_with_usage(session, groups=1, days=1, first=20)
        assert stale_tables(session.connection()) == ("physician_group",)
        assert refresh_statistics(session.connection()) == ("physician_group",)
        assert _recorded_rows(session.connection(), "physician_group") == {"21"}


def test_an_unchanged_table_is_not_analysed_again_however_far_the_sample_guessed(
    sessions: sessionmaker[Session],
) -> None:
    """The sampled ANALYZE guesses a table's rows from its index tree (here about 40 % of
    40,000); the refresh records the exact count, so the next recompute finds nothing stale."""
    _sqlite_only(sessions)
    with sessions.begin() as session:
        _groups_with_usage(session, groups=400, days=100)
    with sessions.begin() as session:
        assert "daily_usage" in refresh_statistics(session.connection())
        assert _recorded_rows(session.connection(), "daily_usage") == {"40000"}
    for _ in range(2):
        with sessions.begin() as session:
            assert refresh_statistics(session.connection()) == ()


def test_a_table_that_shrank_to_a_fraction_is_analysed_again(
    sessions: sessionmaker[Session],
) -> None:
    _sqlite_only(sessions)
    with sessions.begin() as session:
        _groups_with_usage(session, groups=10, days=20)
        refresh_statistics(session.connection())
        conn = session.connection()
        analysed = "UPDATE sqlite_stat1 SET stat = :stat WHERE tbl = 'daily_usage'"
        # Analysed when the table held twice its 200 rows: not yet stale; a row more: stale.
        session.execute(text(analysed), {"stat": "400 40 1"})
        assert stale_tables(conn) == ()
        session.execute(text(analysed), {"stat": "401 40 1"})
        assert stale_tables(conn) == ("daily_usage",)


def test_no_statistics_work_on_postgresql(sessions: sessionmaker[Session]) -> None:
    if sessions.kw["bind"].dialect.name != "postgresql":
        pytest.skip("PostgreSQL's side")
    with sessions.begin() as session:
        _groups_with_usage(session, groups=3, days=5)
        assert refresh_statistics(session.connection()) == ()
