from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, StaticPool

from csbot.errors import StoreError
from csbot.store.db import (
    current_revision,
    head_revision,
    make_engine,
    session_factory,
    transaction,
    upgrade,
)
from csbot.store.models import Base, DailyUsage, PhysicianGroup, Ticket


def _group(name: str = "Acme Family Medicine") -> PhysicianGroup:
    return PhysicianGroup(
        name=name,
        slug=name.lower().replace(" ", "-"),
        specialty="Family Medicine",
        region="West",
        plan="growth",
        seats=20,
        contract_start=date(2025, 1, 1),
        renewal_date=date(2026, 12, 31),
        arr=120000,
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
    )


def test_upgrade_creates_every_model_table_and_is_idempotent(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert current_revision(engine) == head_revision()
    assert upgrade(engine) == head_revision()  # second run: nothing to do, no error


def test_an_upgrade_logs_the_revision_it_reached_at_debug(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Debug only, so `csbot ask` and `csbot demo` print just their answer; nothing when the
    schema was at head already."""
    eng = make_engine(database_url)
    with caplog.at_level(logging.DEBUG, logger="csbot.store.db"):
        upgrade(eng)
        first = [(r.levelno, r.getMessage(), getattr(r, "revision", None)) for r in caplog.records
                 if r.name == "csbot.store.db"]  # fmt: skip
        caplog.clear()
        upgrade(eng)
    eng.dispose()
    assert first == [(logging.DEBUG, "schema upgraded", head_revision())]
    assert [r for r in caplog.records if r.name == "csbot.store.db"] == []


def test_datetimes_round_trip_as_aware_utc(sessions: sessionmaker[Session]) -> None:
    opened = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    with sessions.begin() as session:
        group = _group()
        session.add(group)
        session.flush()
        session.add(
            Ticket(
                group_id=group.id,
                source="slack",
                subject="Login fails",
                category="technical",
                priority="high",
                status="open",
                opened_at=opened,
            )
        )
    with sessions() as session:
        stored = session.scalars(select(Ticket)).one().opened_at
    assert stored == opened
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)


def test_usage_is_one_row_per_group_and_day(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        group = _group()
        session.add(group)
        session.flush()
        group_id = group.id
    row = dict(
        group_id=group_id,
        day=date(2026, 1, 1),
        active_users=3,
        sessions=5,
        session_minutes=50.0,
        documents_processed=10,
        patients_total=8,
        patients_billable=6,
    )
    with sessions.begin() as session:
        session.add(DailyUsage(**row))
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(DailyUsage(**row))


def test_deleting_a_group_removes_its_rows(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        group = _group()
        session.add(group)
        session.flush()
        session.add(
            DailyUsage(
                group_id=group.id,
                day=date(2026, 1, 1),
                active_users=1,
                sessions=1,
                session_minutes=1,
                documents_processed=1,
                patients_total=1,
                patients_billable=1,
            )
        )
    with sessions.begin() as session:
        session.delete(session.scalars(select(PhysicianGroup)).one())
    with sessions() as session:
        assert session.scalars(select(DailyUsage)).all() == []


def test_rows_stay_readable_after_their_unit_of_work_commits(engine: Engine) -> None:
    """Surfaces read what a transaction wrote or loaded after it has committed and closed."""
    factory = session_factory(engine)
    with transaction(factory) as session:
        added = _group()
        session.add(added)
    with transaction(factory) as session:
        read = session.scalars(select(PhysicianGroup)).one()
    assert (read.id, read.name, read.renewal_date) == (added.id, added.name, date(2026, 12, 31))


def test_a_connection_the_server_dropped_is_replaced_unseen(engine: Engine) -> None:
    """A restarted PostgreSQL (or a proxy's idle cut-off) drops the pool's connections: the
    next unit of work gets a new one instead of failing once."""
    if engine.dialect.name != "postgresql":
        pytest.skip("a SQLite file has no server to drop connections")
    with engine.connect() as conn:
        dropped = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        timeout = conn.connection.driver_connection.info.get_parameters()  # type: ignore[union-attr]
    other = make_engine(engine.url.render_as_string(hide_password=False), poolclass=NullPool)
    with other.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped}).scalar()
    other.dispose()
    with transaction(session_factory(engine)) as session:
        session.add(_group())
    with transaction(session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(PhysicianGroup)) == 1
        now = session.connection().execute(text("SELECT pg_backend_pid()")).scalar()
    assert now != dropped
    assert timeout["connect_timeout"] == "5"  # a server that does not answer: an error in 5 s


def test_make_engine_hands_its_options_to_sqlalchemy_on_sqlite(tmp_path: Path) -> None:
    """The locking tests hold one connection (StaticPool) to set its busy wait."""
    eng = make_engine(f"sqlite:///{tmp_path / 'csbot.sqlite3'}", poolclass=StaticPool)
    assert isinstance(eng.pool, StaticPool)
    eng.dispose()


def test_unreachable_database_is_a_store_error_naming_the_url_without_password() -> None:
    eng = make_engine("postgresql://csbot:s3cret@127.0.0.1:9/nowhere")
    with pytest.raises(StoreError) as err:
        upgrade(eng)
    assert "127.0.0.1:9/nowhere" in str(err.value)
    assert "s3cret" not in str(err.value)
    assert "CSBOT_DATABASE_URL" in str(err.value)


def test_replicas_upgrading_at_once_both_end_at_head(database_url: str) -> None:
    """Two processes starting together must not both try to create the tables."""
    from concurrent.futures import ThreadPoolExecutor

    if database_url.startswith("sqlite"):
        pytest.skip("SQLite is one process; replicas run on PostgreSQL")
    engines = [make_engine(database_url) for _ in range(2)]
    with ThreadPoolExecutor(2) as pool:
        revisions = list(pool.map(upgrade, engines))
    assert revisions == [head_revision(), head_revision()]
    for eng in engines:
        eng.dispose()
