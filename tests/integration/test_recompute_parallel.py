"""The recompute's loader on worker connections sharing the session's PostgreSQL snapshot
(csbot.store.shared_snapshot): it stores what the serial loader stores, steps aside for a
transaction that has written, and fails like the serial one, leaving no connection behind.
On SQLite the same calls take the serial path."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from recompute_seed import AS_OF, NOW, at, group, seed, statements, stored, ticket, usage
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from csbot.scoring import default_config
from csbot.store.demo import load_demo
from csbot.store.models import PhysicianGroup
from csbot.store.recompute import RecomputeResult, recompute
from csbot.store.shared_snapshot import connection, shared_snapshot

CONFIG = default_config()
PARALLEL = "loading on workers sharing the session's snapshot"
SERIAL = "loading serially, on the session"
SHARED = "csbot.store.shared_snapshot"


def _paths(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == SHARED]


def _recompute(session: Session, **options: Any) -> RecomputeResult:
    return recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG, **options)


@pytest.mark.parametrize(("workers", "chunk_groups"), [(1, 100_000), (2, 100_000), (3, 7)])
def test_workers_store_what_the_serial_loader_stores(
    sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture, workers: int,
    chunk_groups: int,
) -> None:  # fmt: skip
    """Every column of every snapshot, over demo data (every archetype) and the hand-built
    edge cases, in one chunk or several."""
    with sessions.begin() as session:
        load_demo(session, groups=40, days=120, seed=7, as_of=AS_OF)
        session.add(ticket(seed(session)["alpha"], date(2026, 3, 30), "urgent"))
    with sessions.begin() as session:
        serial = _recompute(session, workers=0, chunk_groups=chunk_groups)
        assert _paths(caplog) == [SERIAL]
        expected = stored(session)
    caplog.clear()
    with sessions.begin() as session:
        parallel = _recompute(session, workers=workers, chunk_groups=chunk_groups)
        got = stored(session)
    postgres = session.get_bind().dialect.name == "postgresql"
    assert _paths(caplog) == [PARALLEL if postgres else SERIAL]
    assert len(expected) == 42 and got == expected  # the seed's beta has no data yet
    assert parallel.scored.scores == serial.scored.scores
    assert parallel.skipped == serial.skipped


def test_a_transaction_that_wrote_inputs_is_scored_with_them(
    sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    """An exported snapshot does not show its own transaction's writes: with rows written
    (here still pending in the session) and not committed, the session loads them itself."""
    with sessions.begin() as session:
        ids = seed(session)
    beta, gamma = ids["beta"], ids["gamma"]

    def write(session: Session) -> None:
        session.add_all(usage(beta, 30, users=3))
        session.add(ticket(gamma, date(2026, 3, 30), "urgent"))

    with sessions() as session:
        write(session)
        uncommitted = _recompute(session)
        in_transaction = stored(session)
        session.rollback()
    paths = _paths(caplog)
    caplog.clear()
    with sessions.begin() as session:
        before = _recompute(session)
        stored_before = stored(session)
    with sessions.begin() as session:
        write(session)
    with sessions.begin() as session:
        committed = _recompute(session)
        expected = stored(session)
    assert before.skipped == (beta,) and beta not in before.scored
    assert uncommitted.skipped == () and beta in uncommitted.scored
    assert in_transaction[gamma] != stored_before[gamma]  # its churn risk: an urgent ticket
    assert in_transaction == expected
    assert committed.scored.scores == uncommitted.scored.scores
    postgres = session.get_bind().dialect.name == "postgresql"
    assert (paths, _paths(caplog)) == ([SERIAL], [PARALLEL if postgres else SERIAL] * 2)


@pytest.mark.parametrize("table", ["survey", "physician_group"])
def test_a_failed_worker_query_raises_and_returns_every_connection(
    engine: Engine, sessions: sessionmaker[Session], table: str
) -> None:
    """A worker's query fails (survey), or the one every other waits for (the groups) while
    the session's own fails too: the error reaches the caller, no connection stays out."""
    if engine.dialect.name != "postgresql":
        pytest.skip("workers load on PostgreSQL only")
    with sessions.begin() as session:
        ids = seed(session)
        session.add(ticket(ids["alpha"], AS_OF, "high", first_response_at=at(AS_OF, 10)))
    with engine.begin() as conn:
        conn.execute(text(f"ALTER TABLE {table} RENAME TO gone"))
    pool = engine.pool
    assert isinstance(pool, QueuePool)
    idle = pool.checkedout()
    with sessions() as session:
        with pytest.raises(ProgrammingError, match=f'relation "{table}" does not exist'):
            _recompute(session, group_ids=list(ids.values()), workers=3)
        assert pool.checkedout() == idle + 1  # the session's own
    assert pool.checkedout() == idle


def test_workers_read_the_snapshot_the_session_shared(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    """A group committed by another connection after the snapshot was shared is not seen by
    the workers, though the session (READ COMMITTED) sees it; and a worker cannot write."""
    if engine.dialect.name != "postgresql":
        pytest.skip("workers load on PostgreSQL only")
    with sessions.begin() as session:
        seed(session)
    groups = select(func.count()).select_from(PhysicianGroup)
    with sessions() as session, shared_snapshot(session, 2) as run:
        with sessions.begin() as other:
            other.add(group("Delta Clinic"))
        seen = [run(lambda: connection(session).execute(groups).scalar()) for _ in range(3)]
        assert [future.result() for future in seen] == [3, 3, 3]
        assert connection(session).execute(groups).scalar() == 4
        write = update(PhysicianGroup).values(seats=PhysicianGroup.seats + 1)
        with pytest.raises(DBAPIError, match="read-only transaction"):
            run(lambda: connection(session).execute(write)).result()


def test_the_loader_queries_run_on_the_workers_and_the_writes_on_the_session(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    """Each of the loader's queries runs on a worker's thread, none on the session's; the day
    is cleared and written on the session."""
    if engine.dialect.name != "postgresql":
        pytest.skip("workers load on PostgreSQL only")
    with sessions.begin() as session:
        seed(session)
    with statements(engine) as ran, sessions.begin() as session:
        _recompute(session, workers=2)
    loads = [name for name, sql in ran if "FROM daily_usage" in sql or "FROM survey" in sql]
    writes = [name for name, sql in ran if sql.startswith(("DELETE", "INSERT", "COPY"))]
    assert len(loads) >= 3 and all(name.startswith("csbot-load") for name in loads)
    assert writes and set(writes) == {threading.current_thread().name}
