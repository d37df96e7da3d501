"""Benchmark `csbot demo` beside its floor, in one run.

    .venv/bin/python bench/demo.py                                  # 10,000 groups x 120 days
    .venv/bin/python bench/demo.py --groups 2000 --days 400 \\
        --postgres postgresql://postgres@127.0.0.1:5432/csbot_bench

For each store (a fresh SQLite file; with --postgres also throw-away schemas there):
- floor: the same generated rows, already converted to the tuples the driver takes, written
  with COPY (PostgreSQL) or executemany (SQLite) into a fresh schema: only the writing is timed;
- csbot: the whole `csbot demo` command (generate, load, --history days of snapshots, today's
  recompute and alerts) in a fresh process, with its CPU seconds and peak RSS.
Goal: 10,000 groups x 120 days under 10 s on SQLite and 15 s on PostgreSQL. The floor writes
into indexed tables (executemany on SQLite); csbot writes an empty database before its indexes
(many-row INSERTs on SQLite), then builds them.
Measured on 2 shared cores, this code then the code before it, one after the other, load
average 2.0-3.4: SQLite floor 13.5 s, csbot 23.9 s (1.8x; 14.4 s CPU, 321 MB) where it took
27.9 s (2.1x the 13.2 s floor; 19.0 s CPU); PostgreSQL floor 25.9 s, csbot 28.6 s (1.1x; 11.2 s
client CPU, 340 MB) where it took 32.0 s (1.3x 24.9 s; 13.0 s). Earlier, load 3.4-6, SQLite
during this work, three runs: csbot 22.0-30.5 s (14.9-15.5 s CPU) against 28.4-40.4 s
(19.3-20.5 s). On a quiet machine (load 1.1-1.2) the code before took 20.2 s on SQLite (2.3x
the 8.9 s floor; 19.9 s CPU) and 21.0 s on PostgreSQL (1.2x 18.0 s; 12.9 s CPU, its server
another 9.6 s). The goal is not met: on 2 shared cores the writes, index builds and today's run
take longer than 10 s on SQLite, and PostgreSQL's floor alone is above 15 s.
On a quiet machine (load 0.6-1.0), from the start of the 27-28 Nov 2026 session to its end:
SQLite 20.2 s (2.3x the 8.9 s floor) -> 14.1 s (1.7x 8.5 s; 13.9 s CPU, 325 MB); PostgreSQL
21.0 s (1.2x 18.0 s) -> 18.3 s (1.1x 16.9 s; 11.0 s client CPU, 339 MB).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from datetime import date
from typing import Any

from _stores import ROOT, stores, table

from csbot.demo.columns import GroupColumns
from csbot.demo.profile import group_specs
from csbot.store.bulk import column_rows, copy_rows
from csbot.store.db import make_engine, session_factory, transaction, upgrade
from csbot.store.demo.load import BATCH_GROUPS, generate, insert_groups
from csbot.store.models import Base

_CHILD = """import sys
from csbot.cli import main
from _stores import peak_rss_mb
code = main(sys.argv[1:])
print("peak RSS MB", peak_rss_mb(), file=sys.stderr)
raise SystemExit(code)
"""
HEADER = ("store", "groups", "days", "history", "rows", "floor s", "csbot s", "ratio",
          "csbot CPU s", "peak RSS MB")  # fmt: skip


def _floor(url: str, *, groups: int, days: int, as_of: date) -> tuple[float, int]:
    """Seconds spent writing the generated rows as plain tuples, and how many rows."""
    engine = make_engine(url)
    upgrade(engine)
    spent, rows = 0.0, 0
    specs = group_specs(groups=groups, seed=7, as_of=as_of, days=days)
    with transaction(session_factory(engine)) as session:
        ids = insert_groups(session, specs)
        dialect = engine.dialect.name
        for start in range(0, len(specs), BATCH_GROUPS):
            part = specs[start : start + BATCH_GROUPS]
            batch = GroupColumns.of(part, [ids[s.external_id] for s in part])
            made, features, contacts, _ = generate(batch, seed=7, as_of=as_of)
            blocks = {"daily_usage": made.usage, "revenue": made.revenue, "ticket": made.tickets,
                      "survey": made.surveys, "feature_usage": features,
                      "onboarding_task": made.onboarding, "contact": contacts,
                      "activity": made.activity}  # fmt: skip
            for name, block in blocks.items():
                columns = {k: v for k, v in block.items() if not k.startswith("_")}
                count = len(next(v for v in columns.values() if not isinstance(v, str)))
                names, tuples = column_rows(dialect, Base.metadata.tables[name], columns,
                                            rows=count)  # fmt: skip
                prepared = list(tuples)
                started = time.perf_counter()
                copy_rows(session, name, names, prepared)
                spent += time.perf_counter() - started
                rows += count
    engine.dispose()
    return spent, rows


def _csbot(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """`csbot demo` in its own process: wall and CPU seconds and peak RSS of that process."""
    command = [sys.executable, "-c", _CHILD, "demo", "--groups", str(args.groups),
               "--days", str(args.days), "--history", str(args.history)]  # fmt: skip
    env = {
        **os.environ,
        "CSBOT_DATABASE_URL": url,
        "CSBOT_TIMEZONE": "UTC",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("SLACK_BOT_TOKEN", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    total = next(line for line in done.stdout.splitlines() if " rows in " in line)
    peak = next(line for line in done.stderr.splitlines() if line.startswith("peak RSS MB "))
    return {"seconds": seconds, "cpu": cpu, "rss": float(peak.split()[-1]),
            "rows": int(total.split()[0].replace(",", ""))}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--history", type=int, default=30, help="as csbot demo --history")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    args = parser.parse_args()
    today = date.today()
    rows = []
    labels = ["sqlite"] if not args.no_sqlite else []
    for label in labels + (["postgresql"] if args.postgres else []):
        base = args.postgres if label == "postgresql" else None
        with stores(base, sqlite=base is None) as floor_urls, \
                stores(base, sqlite=base is None) as csbot_urls:  # fmt: skip
            floor, _ = _floor(floor_urls[0][1], groups=args.groups, days=args.days, as_of=today)
            ours = _csbot(csbot_urls[0][1], args)
        rows.append([label, f"{args.groups:,}", str(args.days), str(args.history),
                     f"{ours['rows']:,}", f"{floor:.1f}", f"{ours['seconds']:.1f}",
                     f"{ours['seconds'] / floor:.1f}x", f"{ours['cpu']:.1f}",
                     f"{ours['rss']:.0f}"])  # fmt: skip
        print(table(HEADER, rows[-1:]), file=sys.stderr, flush=True)
    print("csbot demo (generate, load, history, today's run) beside writing the same generated")
    print("rows as ready tuples (COPY / executemany); csbot's rows include plans and snapshots")
    print(table(HEADER, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
