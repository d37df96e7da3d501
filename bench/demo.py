"""Benchmark `csbot demo`: seconds and rows/s to load N groups x D days of demo data.

Runs the same `load_demo` the command runs, in one transaction, against a fresh SQLite file
and, with --postgres, a throw-away schema on that server. --rerun also times a second load
(which first deletes the first one's rows). Budget: 10,000 groups x 120 days well under a
minute on SQLite on the 2-core dev machine.

    .venv/bin/python bench/demo.py
    .venv/bin/python bench/demo.py --groups 2000 --days 400 --rerun \\
        --postgres postgresql://postgres@127.0.0.1:5432/csbot_dev
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text

from csbot.store.db import make_engine, normalize_url, session_factory, transaction, upgrade
from csbot.store.demo import load_demo


@contextmanager
def _postgres_schema(base: str) -> Iterator[str]:
    """A URL whose search_path is a new schema, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_url(base))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in base else "?"
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _progress(done: int, total: int) -> None:
    if done % 2000 == 0 or done == total:
        print(f"    {done:,}/{total:,} groups", file=sys.stderr, flush=True)


def _run(label: str, url: str, args: argparse.Namespace) -> None:
    engine = make_engine(url)
    upgrade(engine)
    factory = session_factory(engine)
    runs = ("load", "rerun") if args.rerun else ("load",)
    for run in runs:
        started = time.perf_counter()
        with transaction(factory) as session:
            counts = load_demo(session, groups=args.groups, days=args.days, seed=args.seed,
                               as_of=args.as_of, progress=_progress)  # fmt: skip
        seconds = time.perf_counter() - started
        rows = sum(counts.values())
        print(
            f"{label:<10} {run:<6} {args.groups:>7,} groups x {args.days} days  "
            f"{rows:>10,} rows  {seconds:7.1f} s  {rows / seconds:>9,.0f} rows/s",
            flush=True,
        )
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=10_000, help="groups (default 10000)")
    parser.add_argument("--days", type=int, default=120, help="days of history (default 120)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today(),
                        help="last day of history, YYYY-MM-DD (default today)")  # fmt: skip
    parser.add_argument("--rerun", action="store_true", help="also time a second, replacing load")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    args = parser.parse_args()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            _run("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args)
    if args.postgres:
        with _postgres_schema(args.postgres) as url:
            _run("postgresql", url, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
