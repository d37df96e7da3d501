"""Benchmark `csbot recompute` against the floor: one bare aggregate scan of the same usage rows.

    .venv/bin/python bench/recompute.py --groups 10000 --days 120
    .venv/bin/python bench/recompute.py --database-url postgresql://postgres@127.0.0.1/csbot_bench

Loads demo data first (skipped with --reuse when the database already holds that many demo
groups), then prints: groups, usage rows in the windows, recompute seconds (best of --repeat,
with load / score / write phases), the bare scan's seconds, and their ratio. Budget: under 3x.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from csbot.scoring import default_config, score_groups
from csbot.scoring.inputs import Window
from csbot.store.db import describe_url, make_engine, session_factory, transaction, upgrade
from csbot.store.demo import load_demo
from csbot.store.loading import load_scoring_inputs
from csbot.store.models import DailyUsage, PhysicianGroup
from csbot.store.recompute import recompute
from csbot.store.snapshots import write_snapshots

T = TypeVar("T")
AS_OF = date(2026, 3, 31)


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def _prepare(engine: Engine, *, groups: int, days: int, reuse: bool) -> None:
    upgrade(engine)
    with session_factory(engine)() as session:
        have = session.scalar(select(func.count()).where(PhysicianGroup.external_id.like("demo-%")))
    if reuse and have == groups:
        print(f"reusing {have:,} demo groups", file=sys.stderr)
    else:
        print(f"loading {groups:,} demo groups x {days} days ...", file=sys.stderr)
        seconds, _ = _timed(lambda: _load(engine, groups=groups, days=days))
        print(f"loaded in {seconds:.1f} s", file=sys.stderr)
    # Planner statistics, as a database in use has them: without them SQLite reads the
    # usage rows through the day index, ten times slower than a skip-scan of the key.
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def _load(engine: Engine, *, groups: int, days: int) -> None:
    with transaction(session_factory(engine)) as session:
        load_demo(session, groups=groups, days=days, seed=7, as_of=AS_OF)


def _floor(session: Session, window: Window) -> tuple[float, int]:
    """One bare aggregate over the usage rows the recompute reads (both windows)."""
    stmt = (
        select(DailyUsage.group_id, func.sum(DailyUsage.active_users))
        .where(DailyUsage.day.between(window.previous().start, window.as_of))
        .group_by(DailyUsage.group_id)
    )
    seconds, rows = _timed(lambda: session.execute(stmt).all())
    return seconds, len(rows)


def _usage_rows(session: Session, window: Window) -> int:
    stmt = select(func.count()).where(DailyUsage.day.between(window.previous().start, window.as_of))
    return int(session.scalar(stmt) or 0)


def _phases(engine: Engine, window: Window) -> tuple[float, float, float]:
    """Load, score and write separately, to show where the time goes (rolled back)."""
    config = default_config()
    gc.disable()  # as recompute does
    with session_factory(engine)() as session:
        load, inputs = _timed(
            lambda: load_scoring_inputs(
                session, as_of=window.as_of, window_days=window.days, rules=config.factors
            )
        )
        score, scores = _timed(lambda: score_groups(inputs, config))
        write, _ = _timed(
            lambda: write_snapshots(
                session,
                scores.values(),
                day=window.as_of,
                window_days=window.days,
                computed_at=datetime.now(UTC),
            )
        )
        session.rollback()
    gc.enable()
    return load, score, write


def _recompute_once(engine: Engine, window: Window) -> float:
    factory = session_factory(engine)
    with transaction(factory) as session:
        seconds, _ = _timed(
            lambda: recompute(
                session, as_of=window.as_of, computed_at=datetime.now(UTC), window_days=window.days
            )
        )
    return seconds


def run(url: str, *, groups: int, days: int, window_days: int, repeat: int, reuse: bool) -> None:
    engine = make_engine(url)
    try:
        _prepare(engine, groups=groups, days=days, reuse=reuse)
        with session_factory(engine)() as session:
            last_day = session.scalar(select(func.max(DailyUsage.day))) or AS_OF
        window = Window(last_day, window_days)
        best = min(_recompute_once(engine, window) for _ in range(repeat))
        load, score, write = _phases(engine, window)
        with session_factory(engine)() as session:
            floor = min(_floor(session, window)[0] for _ in range(repeat))
            rows = _usage_rows(session, window)
    finally:
        engine.dispose()
    print(f"database        {describe_url(url)} ({engine.dialect.name})")
    print(
        f"groups          {groups:,}  ({days} days of demo data, {window_days}-day window "
        f"to {window.as_of.isoformat()})"
    )
    print(f"usage rows      {rows:,}  (window and previous window)")
    print(f"recompute       {best:.3f} s  (best of {repeat})")
    print(f"  phases        load {load:.3f} s, score {score:.3f} s, write {write:.3f} s")
    print(f"bare scan       {floor:.3f} s  (SELECT group_id, SUM(active_users) ... GROUP BY)")
    print(f"ratio           {best / floor:.2f}x  (budget: under 3x)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--window", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    parser.add_argument("--reuse", action="store_true", help="keep demo data already loaded")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        run(
            url,
            groups=args.groups,
            days=args.days,
            window_days=args.window,
            repeat=args.repeat,
            reuse=args.reuse,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
