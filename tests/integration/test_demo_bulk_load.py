"""`csbot demo` into an empty database loads the rows before the tables' indexes and keys and
builds those once afterwards: the schema it leaves is the migrated one, and a failure leaves
the database as it was, indexes and keys included."""

from __future__ import annotations

import multiprocessing
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from freezegun import freeze_time
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session

import csbot.alerts.cli  # noqa: F401  (`csbot demo` imports it: before time is frozen)
from csbot.cli import main
from csbot.demo.ahead import made_ahead
from csbot.store import models as m
from csbot.store.db import session_factory
from csbot.store.demo import load

SCHEMA_OF = ("get_pk_constraint", "get_foreign_keys", "get_unique_constraints", "get_indexes",
             "get_columns")  # fmt: skip


def _schema(engine: Engine) -> dict[str, Any]:
    """Every table's columns, keys, foreign keys, unique constraints and indexes, as the
    database reports them."""
    found = inspect(engine)
    return {
        table: [repr(sorted(map(repr, _listed(getattr(found, how)(table))))) for how in SCHEMA_OF]
        for table in sorted(found.get_table_names())
    }


# the DDL of every constraint and index, as the database's own catalog holds it
_PG_CATALOG = """
SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
UNION ALL
SELECT indexrelid::regclass || ' ' || pg_get_indexdef(indexrelid)
FROM pg_index JOIN pg_class ON pg_class.oid = indrelid
WHERE relnamespace = current_schema()::regnamespace
"""
_SQLITE_CATALOG = (
    "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master "
    "WHERE name NOT LIKE 'sqlite_stat%'"  # the planner's statistics, which the demo adds
)


def _catalog(engine: Engine) -> list[str]:
    """Every table's, key's, constraint's and index's definition in the catalog."""
    sql = _PG_CATALOG if engine.dialect.name == "postgresql" else _SQLITE_CATALOG
    with engine.connect() as conn:
        return sorted(conn.scalars(text(sql)))


def _listed(reported: Any) -> list[Any]:
    return reported if isinstance(reported, list) else [reported]


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, m.Base.metadata))


def _rows(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(m.Base.metadata.tables[table])) or 0


def test_demo_into_an_empty_database_leaves_the_migrated_schema(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrated, catalog = _schema(engine), _catalog(engine)
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    with freeze_time("2026-03-16 12:00:00"):
        assert main(["demo", "--groups", "9", "--days", "40", "--history", "3",
                     "--renewal-history", "1"]) == 0  # fmt: skip
    assert _rows(engine, "daily_usage") > 0 and _rows(engine, "renewal_outcome") > 0
    assert _schema(engine) == migrated
    assert _catalog(engine) == catalog and any(" PRIMARY KEY " in d for d in catalog)
    assert _differences(engine) == []


def test_a_demo_whose_rows_break_a_key_changes_nothing(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """Two action items with one external id: the unique index, built after the rows, refuses
    them; the whole load rolls back, the dropped indexes and keys with it."""
    migrated, catalog = _schema(engine), _catalog(engine)
    real = load.action_rows

    def clashing(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        return [{**row, "external_id": "same"} for row in real(*args, **kwargs)]

    monkeypatch.setattr(load, "action_rows", clashing)
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    engine.dispose()  # no connection of ours open: on SQLite the load writes a rollback journal
    with freeze_time("2026-03-16 12:00:00"):
        assert main(["demo", "--groups", "9", "--days", "40", "--history", "3"]) == 1
    assert "loading demo data failed and nothing was changed" in capsys.readouterr().err
    assert _rows(engine, "physician_group") == _rows(engine, "daily_usage") == 0
    assert _schema(engine) == migrated
    assert _differences(engine) == []
    assert _catalog(engine) == catalog


def test_a_demo_failing_while_its_rows_go_in_changes_nothing(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    """The database refuses a statement after the first rows went in, with the keys and
    indexes dropped: the whole load rolls back, the dropped keys and indexes with it."""
    catalog, real = _catalog(engine), load._insert_plans

    def failing(session: Session, *args: Any, **kwargs: Any) -> Any:
        assert (session.scalar(select(func.count()).select_from(m.DailyUsage)) or 0) > 0
        real(session, *args, **kwargs)
        session.execute(text("SELECT * FROM no_such_table"))

    monkeypatch.setattr(load, "_insert_plans", failing)
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    engine.dispose()
    with freeze_time("2026-03-16 12:00:00"):
        assert main(["demo", "--groups", "9", "--days", "40", "--history", "3"]) == 1
    assert "loading demo data failed and nothing was changed" in capsys.readouterr().err
    assert _rows(engine, "physician_group") == _rows(engine, "daily_usage") == 0
    assert _catalog(engine) == catalog
    assert _differences(engine) == []


def test_a_demo_whose_child_process_dies_changes_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child making the batches is killed after the first batch was written (as the
    kernel's OOM killer would): the load fails and the database is as it was."""
    catalog, children = _catalog(engine), set(multiprocessing.active_children())
    monkeypatch.setattr(load, "BATCH_GROUPS", 4)

    def kill_children(done: int, total: int) -> None:
        for child in set(multiprocessing.active_children()) - children:
            child.kill()
            child.join()

    with (
        pytest.raises(BrokenProcessPool),
        made_ahead(load.__name__, process=True) as ahead,
        session_factory(engine).begin() as session,
    ):
        load.load_demo(session, groups=9, days=40, seed=7, as_of=date(2026, 3, 16),
                       progress=kill_children, ahead=ahead)  # fmt: skip
    assert _rows(engine, "physician_group") == _rows(engine, "daily_usage") == 0
    assert _catalog(engine) == catalog
    assert set(multiprocessing.active_children()) <= children  # an earlier test's may be ending
