"""A bulk load into an empty SQLite file writes a rollback journal instead of WAL (no page
written twice), stays safe (a crash or an error leaves the file as it was) and leaves the file
in WAL mode; with rows there, or another connection open, it runs in WAL as before."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, func, select

from csbot.store.db import make_engine, rollback_journal, session_factory, transaction, upgrade
from csbot.store.models import PhysicianGroup

# a load that dies halfway: 200,000 rows of a new table, well past SQLite's 2 MB page cache,
# so pages have reached the file before the process is killed (no commit, no clean-up)
_CRASH = """
import os, sys
from csbot.store.db import make_engine, rollback_journal, session_factory, transaction
engine = make_engine(f"sqlite:///{sys.argv[1]}")
with rollback_journal(engine, empty="physician_group") as bind:
    with transaction(session_factory(bind)) as session:
        conn = session.connection()
        conn.exec_driver_sql("CREATE TABLE scratch (n INTEGER, text TEXT)")
        conn.exec_driver_sql("WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "
                             "WHERE n < 200000) INSERT INTO scratch SELECT n, printf('%0100d', n) "
                             "FROM s")
        print(conn.exec_driver_sql("PRAGMA journal_mode").scalar(), flush=True)
        os._exit(9)
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    eng = make_engine(f"sqlite:///{tmp_path / 'csbot.sqlite3'}")
    upgrade(eng)
    eng.dispose()
    return tmp_path / "csbot.sqlite3"


def _journal(path: Path) -> str:
    """The file's journal mode as a connection that asks for none finds it."""
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def _groups(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(PhysicianGroup)) or 0


def _group(name: str) -> PhysicianGroup:
    return PhysicianGroup(name=name, slug=name, specialty="x", region="x", plan="growth",
                          seats=5, contract_start=date(2025, 3, 1), renewal_date=date(2027, 3, 1),
                          arr=1000.0, created_at=datetime(2026, 3, 1, tzinfo=UTC))  # fmt: skip


def _pragma(bind: Engine | Connection, name: str) -> object:
    """A pragma of the connection a load runs on."""
    assert isinstance(bind, Connection)
    raw = bind.connection.driver_connection
    assert raw is not None
    return raw.execute(f"PRAGMA {name}").fetchone()[0]


def _add_group(bind: Engine | Connection, name: str) -> None:
    with transaction(session_factory(bind)) as session:
        session.add(_group(name))


def test_an_empty_file_is_loaded_with_a_rollback_journal_then_wal_again(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
    with rollback_journal(engine, empty="physician_group") as bind:
        assert _pragma(bind, "journal_mode") == "truncate"
        assert _pragma(bind, "synchronous") == 2  # FULL: the journal is on disk before the file
        _add_group(bind, "acme")
    assert _journal(path) == "wal"
    assert _groups(engine) == 1
    engine.dispose()


def test_a_failed_load_leaves_the_file_as_it_was(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
    with (
        pytest.raises(RuntimeError),
        rollback_journal(engine, empty="physician_group") as bind,
        transaction(session_factory(bind)) as session,
    ):
        session.add(_group("acme"))
        session.flush()
        raise RuntimeError("the load broke")
    assert _groups(engine) == 0
    assert _journal(path) == "wal"
    engine.dispose()


def test_a_load_killed_halfway_is_rolled_back_when_the_file_is_next_opened(path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", _CRASH, str(path)], capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert done.returncode == 9 and done.stdout.strip() == "truncate", done.stderr
    assert (path.parent / f"{path.name}-journal").stat().st_size > 0  # the hot journal
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        tables = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert "scratch" not in {name for (name,) in tables}
    assert _groups(engine) == 0
    engine.dispose()
    assert _journal(path) == "wal"


def test_a_file_with_rows_is_loaded_in_wal(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
    _add_group(engine, "acme")
    with rollback_journal(engine, empty="physician_group") as bind:
        assert _pragma(bind, "journal_mode") == "wal"
        _add_group(bind, "beta")
    assert _groups(engine) == 2
    engine.dispose()


def test_a_file_another_connection_has_open_is_loaded_in_wal_without_waiting(path: Path) -> None:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("SELECT count(*) FROM physician_group").fetchall()
    engine = make_engine(f"sqlite:///{path}")
    with rollback_journal(engine, empty="physician_group") as bind:
        assert _pragma(bind, "journal_mode") == "wal"
        assert _pragma(bind, "busy_timeout") == 10_000
        assert _pragma(bind, "synchronous") == 1  # NORMAL, as every WAL connection
        _add_group(bind, "acme")
    assert other.execute("SELECT count(*) FROM physician_group").fetchone() == (1,)
    other.close()
    engine.dispose()


def test_postgresql_loads_on_the_engine_itself(engine: Engine) -> None:
    with rollback_journal(engine, empty="physician_group") as bind:
        assert (bind is engine) == (engine.dialect.name == "postgresql")
