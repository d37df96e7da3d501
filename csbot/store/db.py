"""Engine, sessions and schema upgrades. Nothing here runs at import time."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from csbot.errors import StoreError

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 0x6373626F74  # "csbot": the advisory lock key that serialises migrations
_UNIT_OF_WORK = (
    "csbot_unit_of_work"  # execution option: a session's transaction (see _sqlite_begin)
)
SQLITE_BUSY_SECONDS = 10
SQLITE_BUSY = (
    "the SQLite database at {where} stayed busy for {seconds} s: another csbot process is "
    "writing to it. SQLite serves one process at a time; try again when it is done, or use "
    "PostgreSQL (CSBOT_DATABASE_URL) to run several"
)


def normalize_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, postgresql://) and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def describe_url(url: str) -> str:
    """The URL with any password hidden, fit for logs and error messages."""
    return make_url(normalize_url(url)).render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    """BEGIN for every transaction, DDL included; BEGIN IMMEDIATE for a session's.

    Python's sqlite3 module begins a transaction only before DML, so a failed migration or
    import would leave the tables it had already created: SQLAlchemy's documented recipe
    ("Serializable isolation / Savepoints / Transactional DDL") makes them roll back too.

    A session's unit of work takes SQLite's write lock when it begins. In WAL mode a
    transaction that has read and then writes after another connection committed fails at once
    with "database is locked" (no busy wait can help), and two of them may both act on what
    they read: two `csbot deliver` posted one alert twice. Taking the lock first, the second
    waits (busy_timeout) until the first commits, then reads what the first wrote.
    """
    immediate = conn.get_execution_options().get(_UNIT_OF_WORK, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for SQLite or PostgreSQL with the settings csbot relies on."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("connect_args", {"connect_timeout": 5})
    return create_engine(url, **kwargs)


@contextmanager
def rollback_journal(engine: Engine, *, empty: str) -> Iterator[Engine | Connection]:
    """Where to bulk-load `engine` in one transaction. A SQLite file whose `empty` table holds
    no rows and that no other connection has open: one connection writing a rollback journal
    (synchronous=FULL) in place of WAL, which would write every new page twice (into the WAL,
    then the file at the checkpoint). The journal holds only the pages that were there before,
    so a failed load or a crash still leaves the file as it was; meanwhile other processes
    wait. WAL again afterwards (every new connection also asks for it). Else `engine`."""
    if engine.dialect.name != "sqlite":
        yield engine
        return
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None  # a checked-out connection always has one
        switched = _rollback_journal(raw, empty)
        try:
            yield connection
        finally:
            if switched:
                _sqlite_pragmas(raw, None)


def _rollback_journal(raw: Any, empty: str) -> bool:
    """Switch this SQLite connection from WAL to a rollback journal if `empty` holds no rows and
    no other connection has the file open (it does not wait for them); whether it did."""
    if raw.execute(f"SELECT EXISTS (SELECT 1 FROM {empty})").fetchone()[0]:
        return False
    raw.execute("PRAGMA busy_timeout=0")
    try:
        switched = bool(raw.execute("PRAGMA journal_mode=TRUNCATE").fetchone()[0] == "truncate")
    except sqlite3.OperationalError:  # "database is locked": another connection has it open
        switched = False
    raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    if switched:
        raw.execute("PRAGMA synchronous=FULL")
    return switched


SessionFactory: TypeAlias = sessionmaker[Session]
"""What `session_factory` returns; other rooms type their session-factory fields with this."""
DatabaseEngine: TypeAlias = Engine
"""What `make_engine` returns, for rooms that hold an engine but may not import SQLAlchemy."""
DbSession: TypeAlias = Session
"""What `transaction` yields, for rooms that pass a session along but may not import SQLAlchemy."""


def session_factory(engine: Engine | Connection) -> SessionFactory:
    """Sessions whose transactions are units of work (on SQLite: one writer at a time)."""
    return sessionmaker(engine.execution_options(**{_UNIT_OF_WORK: True}), expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error.

    On SQLite a unit of work waits for another process's to finish; if that takes longer than
    the busy timeout, a StoreError says so (nothing was changed).
    """
    try:
        with factory() as session, session.begin():
            yield session
    except OperationalError as exc:
        if "database is locked" not in str(exc.orig):
            raise
        where = describe_url(str(factory.kw["bind"].url))
        raise StoreError(SQLITE_BUSY.format(where=where, seconds=SQLITE_BUSY_SECONDS)) from None


def _alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_connection(engine: Engine) -> None:
    """Fail with a StoreError saying what to do when the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(
            f"cannot reach the database at {describe_url(str(engine.url))}: {reason}. "
            "Check CSBOT_DATABASE_URL and that the server is running."
        ) from None


def upgrade(engine: Engine) -> str | None:
    """Bring the schema to head; returns the revision it ended at."""
    check_connection(engine)
    if current_revision(engine) == head_revision():
        return head_revision()
    cfg = _alembic_config()
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Replicas starting together: one migrates, the others wait, then find head.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except SQLAlchemyError as exc:
        raise StoreError(
            f"the database migration failed and was rolled back: {exc.__class__.__name__}: "
            f"{str(getattr(exc, 'orig', exc)).splitlines()[0]}. Nothing was changed."
        ) from None
    log.debug("schema upgraded", extra={"revision": head_revision()})
    return head_revision()
