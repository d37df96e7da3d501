"""What a scheduled job needs of the store: a lock across replicas and a record of its runs.

On PostgreSQL the lock is a session advisory lock, `pg_try_advisory_lock`, held on a connection
of its own for the whole job: a second replica gets `False` at once and skips the run, and the
lock goes away with the connection if the process dies. SQLite serves one process, which
APScheduler's `max_instances=1` already keeps to one run at a time, so there it always succeeds.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from csbot.store.db import SessionFactory
from csbot.store.dialect import insert_for
from csbot.store.models import JobRun

__all__ = ["job_lock", "last_run", "lock_key", "record_run"]

log = logging.getLogger(__name__)


def lock_key(name: str) -> int:
    """A stable 63-bit advisory-lock key for a job name ("csbot:" keeps clear of others')."""
    return zlib.crc32(f"csbot:{name}".encode()) | (0x6373 << 32)


@contextmanager
def job_lock(sessions: SessionFactory, name: str) -> Iterator[bool]:
    """True while this process holds the job's lock; False when another one does."""
    with sessions() as session:
        engine = session.get_bind().engine
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = lock_key(name)
    with engine.connect() as conn:
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        conn.commit()  # the lock is the session's: no transaction stays open while the job runs
        if not got:
            log.info("job %s is running elsewhere; skipping", name)
        try:
            yield got
        finally:
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()


def last_run(session: Session, *, job_id: str) -> date | None:
    """The latest day the job finished for; None if it never did."""
    return session.scalar(select(func.max(JobRun.day)).where(JobRun.job_id == job_id))


def record_run(
    session: Session,
    *,
    job_id: str,
    day: date,
    started_at: datetime,
    finished_at: datetime,
    detail: str | None = None,
) -> None:
    """Mark the job done for `day` (in the caller's transaction, beside what it wrote)."""
    row = {
        "job_id": job_id,
        "day": day,
        "started_at": started_at,
        "finished_at": finished_at,
        "status": "ok",
        "detail": (detail or "")[:500] or None,
    }
    stmt = insert_for(session, JobRun).values(**row)
    stmt = stmt.on_conflict_do_update(
        index_elements=["job_id", "day"],
        set_={k: stmt.excluded[k] for k in ("started_at", "finished_at", "status", "detail")},
    )
    session.execute(stmt)
