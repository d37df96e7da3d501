"""SQLite serves one writer at a time: a session's unit of work takes the write lock when it
begins, and a database another process keeps busy is one clear error, nothing changed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

from csbot.errors import StoreError
from csbot.store.db import make_engine, session_factory, transaction, upgrade
from csbot.store.models import PhysicianGroup


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "csbot.sqlite3"


@pytest.fixture
def engine(path: Path) -> Iterator[Engine]:
    """One connection (StaticPool) that gives up on a lock at once instead of after 10 s."""
    eng = make_engine(f"sqlite:///{path}", poolclass=StaticPool)
    upgrade(eng)
    with eng.connect() as conn:
        conn.exec_driver_sql("PRAGMA busy_timeout=0")
    yield eng
    eng.dispose()


@pytest.fixture
def other(path: Path, engine: Engine) -> Iterator[sqlite3.Connection]:
    """Another process's connection to the same file."""
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    yield conn
    conn.close()


def test_a_unit_of_work_that_only_read_so_far_holds_the_write_lock(
    engine: Engine, other: sqlite3.Connection
) -> None:
    with transaction(session_factory(engine)) as session:
        session.scalar(select(func.count()).select_from(PhysicianGroup))
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # free again once it committed
    other.execute("ROLLBACK")


def test_plain_connections_do_not_wait_for_writers(
    engine: Engine, other: sqlite3.Connection
) -> None:
    """The health check and the schema-version read are not units of work."""
    other.execute("BEGIN IMMEDIATE")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1
    other.execute("ROLLBACK")


def test_a_busy_database_is_one_clear_error(engine: Engine, other: sqlite3.Connection) -> None:
    other.execute("BEGIN IMMEDIATE")
    with (
        pytest.raises(StoreError) as caught,
        transaction(session_factory(engine)) as session,
    ):
        session.add(PhysicianGroup(name="Never Stored", slug="never-stored"))
    other.execute("ROLLBACK")
    assert caught.value.message.startswith(
        f"the SQLite database at sqlite:///{engine.url.database} stayed busy for 10 s: another "
        "csbot process is writing to it."
    )
    assert "PostgreSQL" in caught.value.message
    with transaction(session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(PhysicianGroup)) == 0


def test_other_database_errors_are_not_called_busy(engine: Engine) -> None:
    with (
        pytest.raises(OperationalError, match="no such table"),
        transaction(session_factory(engine)) as session,
    ):
        session.execute(text("SELECT * FROM no_such_table"))


def test_every_connection_waits_10_s_for_a_writer_as_the_busy_error_says(path: Path) -> None:
    """The settings each new connection gets (the fixture's engine sets its wait to 0)."""
    eng = make_engine(f"sqlite:///{path}")
    with eng.connect() as conn:
        names = ("busy_timeout", "journal_mode", "synchronous", "foreign_keys")
        found = [conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in names]
    eng.dispose()
    assert found == [10_000, "wal", 1, 1]  # 10 s in ms; WAL; NORMAL; on
