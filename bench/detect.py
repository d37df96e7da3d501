"""Benchmark the daily job's detection step (crossings, alert states, renewal reminders) on a
first run, when many groups cross at once.

    .venv/bin/python bench/detect.py                            # 10,000 groups x 120 days
    .venv/bin/python bench/detect.py --groups 10000 \\
        --postgres postgresql://postgres@127.0.0.1:5432/csbot_bench

For each store (a fresh SQLite file; with --postgres also a throw-away schema there): loads demo
data with --history days of daily snapshots before the day (as `csbot demo` does; on
PostgreSQL then VACUUM ANALYZE, as autovacuum would), then in a fresh process --repeat times:
clears the outbox, the alert states and the job runs, recomputes the day and times
`csbot.alerts.jobs.detect` in the same transaction, as the daily job runs it (on 10,000 demo
groups: 1,506 crossings and 5,626 renewal reminders). Prints the best detect, the recompute
of that run beside it, what detect wrote, and the load average.

28 Nov 2026, 10,000 groups x 120 days, best of 3, main at the start of the session then this
code, alternated twice at load average 0.7-1.3: SQLite 1.17-1.21 -> 0.82-0.90 s, PostgreSQL
1.62-1.71 -> 1.01-1.02 s (the recompute beside it 0.54-0.62 and 0.37-0.46 s). The changes:
the slid-from bands as one seek per group (1,500 groups 0.135 -> 0.035 s on SQLite), the
outbox's rows as one JSON array on PostgreSQL (7,126 alerts 0.60-0.69 -> 0.32-0.33 s), the
alert states reused for the reminders, decide called only for groups it may have something to
say about, the per-group loaders' ids written into the SQL (explain's loading on PostgreSQL
0.29-0.36 -> 0.21-0.25 s). What is left (SQLite / PostgreSQL, load 2.3): explain of the 1,500
crossing groups 0.45 / 0.64 s (their inputs loaded by group id, about 0.2 / 0.25 s, then
score_group, 0.16 s), the outbox's 7,126 rows 0.13 / 0.19 s, the alert facts 0.05 s, the
reminders' facts 0.04 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from typing import Any

from _stores import ROOT, peak_rss_mb, stores, table
from sqlalchemy import Engine, delete, func, select, text

from csbot.alerts.cli import services_for
from csbot.alerts.jobs import detect
from csbot.config import load_settings
from csbot.scoring.config import default_config
from csbot.store.db import make_engine, session_factory, transaction, upgrade
from csbot.store.demo import load_demo
from csbot.store.demo.history import History
from csbot.store.models import Alert, AlertState, JobRun
from csbot.store.recompute import recompute

AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)
HEADER = ("store", "groups", "crossings", "reminders", "detect s", "recompute s", "peak RSS MB",
          "load avg")  # fmt: skip


def _prepare(engine: Engine, *, groups: int, days: int, history_days: int) -> None:
    upgrade(engine)
    started = time.perf_counter()
    history = History.before(AS_OF, history_days, config=default_config(), computed_at=NOW)
    with transaction(session_factory(engine)) as session:
        load_demo(session, groups=groups, days=days, seed=7, as_of=AS_OF,
                  history=history if history_days else None)  # fmt: skip
    print(f"  loaded {groups:,} demo groups in {time.perf_counter() - started:.1f} s",
          file=sys.stderr, flush=True)  # fmt: skip
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def child(url: str, *, repeat: int) -> dict[str, Any]:
    """The day recomputed and detected `repeat` times in this process; the best detect."""
    settings = load_settings(_env_file=None, CSBOT_DATABASE_URL=url)
    runs = []
    with services_for(settings, slack=False) as services:
        for _ in range(repeat):
            with transaction(services.sessions) as session:
                for model in (Alert, AlertState, JobRun):
                    session.execute(delete(model))
            with transaction(services.sessions) as session:
                started = time.perf_counter()
                result = recompute(session, as_of=AS_OF, computed_at=NOW, config=services.scoring)
                recomputed = time.perf_counter()
                detect(session, services, result, now=NOW)
                runs.append((time.perf_counter() - recomputed, recomputed - started))
        with transaction(services.sessions) as session:
            counted = session.execute(select(Alert.kind, func.count()).group_by(Alert.kind))
            kinds = {kind: n for kind, n in counted}
    best = min(runs)
    return {"detect": best[0], "recompute": best[1], "crossings": kinds.get("crossing", 0),
            "reminders": kinds.get("renewal", 0), "rss": peak_rss_mb()}  # fmt: skip


def _measure(url: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", url, "--repeat", str(args.repeat)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return dict(json.loads(out))


def _row(label: str, groups: int, m: dict[str, Any]) -> list[str]:
    load = " ".join(f"{n:.2f}" for n in os.getloadavg())
    return [label, f"{groups:,}", f"{m['crossings']:,}", f"{m['reminders']:,}",
            f"{m['detect']:.3f}", f"{m['recompute']:.3f}", f"{m['rss']:.0f}", load]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--groups", type=int, nargs="+", default=[10_000])
    parser.add_argument("--days", type=int, default=120, help="days of demo history")
    parser.add_argument("--history", type=int, default=30, metavar="DAYS",
                        help="days of daily snapshots before the day detected")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, repeat=args.repeat)))
        return 0
    rows = []
    for groups in args.groups:
        with stores(args.postgres, sqlite=not args.no_sqlite) as urls:
            for label, url in urls:
                print(f"{label}: {groups:,} groups x {args.days} days", file=sys.stderr)
                engine = make_engine(url)
                _prepare(engine, groups=groups, days=args.days, history_days=args.history)
                engine.dispose()
                rows.append(_row(label, groups, _measure(url, args)))
                print(table(HEADER, rows[-1:]), file=sys.stderr, flush=True)
    print(f"the daily job's detection of {AS_OF.isoformat()} on a first run (crossings, states, "
          f"renewal reminders), after the day's recompute; best of {args.repeat}")  # fmt: skip
    print(table(HEADER, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
