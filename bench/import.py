"""Benchmark `csbot import usage` of a large file: seconds, rows per second and peak memory.

    .venv/bin/python bench/import.py                      # 1,000,000 rows into a temp SQLite file
    .venv/bin/python bench/import.py --rows 100000
    .venv/bin/python bench/import.py --database-url postgresql://postgres@127.0.0.1/csbot_bench

Writes a groups file and a usage file (`--groups` groups x consecutive days) into a temp dir,
imports the groups, then times the usage import: a first import (all inserts) and, with
--again, the same file a second time (all unchanged). Budget: < 60 s, peak RSS < 300 MB.

Measured on the 2-core dev machine, 1,000,000 rows, 1,000 groups: SQLite 17.8 s (56k rows/s),
PostgreSQL 19.5 s (51k rows/s), peak RSS 181-184 MB; the same file again (all unchanged)
12.5 s / 13.6 s, peak 220 MB.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from csbot.store.csv_import import import_csv
from csbot.store.db import describe_url, make_engine, session_factory, upgrade
from csbot.store.ingest import Counts

START = date(2020, 1, 1)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def write_groups(path: Path, groups: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["external_id", "name", "specialty", "region", "plan", "seats",
                         "contract_start", "renewal_date", "arr"])  # fmt: skip
        for g in range(groups):
            writer.writerow([f"B{g:05d}", f"Bench Group {g:05d}", "Family Medicine", "West",
                             "growth", 20, "2019-12-01", "2027-11-30", 120000])  # fmt: skip


def write_usage(path: Path, *, rows: int, groups: int) -> None:
    """Day-major, as exports usually are: every group's row for a day, then the next day."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["group", "day", "active_users", "sessions", "session_minutes",
                         "documents_processed", "patients_total", "patients_billable"])  # fmt: skip
        for n in range(rows):
            day, g = START + timedelta(days=n // groups), n % groups
            total = 80 + (n * 7) % 50
            writer.writerow([f"B{g:05d}", day.isoformat(), 10 + n % 9, 30 + n % 17,
                             f"{400 + n % 97}.5", 150 + n % 31, total, total - n % 11])  # fmt: skip


def _timed_import(factory: object, path: Path, kind: str) -> tuple[float, Counts]:
    started = time.perf_counter()
    counts = import_csv(factory, kind=kind, path=path, now=NOW)  # type: ignore[arg-type]
    return time.perf_counter() - started, counts


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="usage rows (default 1e6)")
    parser.add_argument("--groups", type=int, default=1_000, help="groups (default 1000)")
    parser.add_argument("--database-url", help="default: a SQLite file in the temp dir")
    parser.add_argument("--again", action="store_true", help="import the same file twice")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csbot-bench-") as tmp:
        folder = Path(tmp)
        url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
        engine = make_engine(url)
        upgrade(engine)
        factory = session_factory(engine)
        write_groups(folder / "groups.csv", args.groups)
        started = time.perf_counter()
        write_usage(folder / "usage.csv", rows=args.rows, groups=args.groups)
        size = (folder / "usage.csv").stat().st_size / 1e6
        print(f"wrote {args.rows:,} usage rows ({size:.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s; database {describe_url(url)}")  # fmt: skip
        _timed_import(factory, folder / "groups.csv", "groups")
        rounds = ("first", "again") if args.again else ("first",)
        for label in rounds:
            seconds, counts = _timed_import(factory, folder / "usage.csv", "usage")
            print(f"import usage ({label}): {seconds:.1f} s, {counts.read / seconds:,.0f} rows/s "
                  f"({counts.summary()}); peak RSS {_peak_rss_mb():.0f} MB")  # fmt: skip
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
