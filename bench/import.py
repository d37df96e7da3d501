"""Benchmark `csbot import usage` beside its floor, in one run: the same CSV parsed with the csv
module and upserted as typed tuples, without any check, into an equivalent keyed table.

    .venv/bin/python bench/import.py                      # 1,000,000 rows, SQLite
    .venv/bin/python bench/import.py --rows 100000 \\
        --postgres postgresql://postgres@127.0.0.1:5432/csbot_bench

Writes a groups file and a usage file (`--groups` groups x consecutive days) into a temp dir.
For each store: the floor (executemany of `INSERT ... ON CONFLICT DO UPDATE` on SQLite, COPY on
PostgreSQL, into a copy of daily_usage's columns, key, index and foreign key, WITHOUT ROWID on
SQLite as daily_usage is since migration 0011) and then csbot's
import (every check, line numbers, all-or-nothing), each in a fresh process on a fresh schema,
with that process's peak RSS. --again also imports the same file a second time (all unchanged).
Goal: csbot at most 2x the floor, peak RSS under 300 MB. Measured on 2 shared cores (load
average about 3.6), 1,000,000 rows: SQLite floor 9.1 s, csbot 16.2 s (1.8x); PostgreSQL floor
8.6 s, csbot 14.9 s (1.7x); csbot 206-211 MB. Under heavier load PostgreSQL's ratio swings to
2.6x: csbot's upsert waits for the server, the floor's COPY overlaps it with parsing. Again on
a slower day (load average 1.2-1.8, floors 1.5-1.6 times those above): SQLite floor 14.9 s,
csbot 23.0 s (1.5x); PostgreSQL floor 13.7 s, csbot 28.7 s (2.1x); 206-212 MB.

PostgreSQL's chunks are now written in a writer thread while the reader checks the next one
(csbot.store.ingest.writer). Before, on the same day (load average 2.4-4.6): floor 21.3 s,
csbot 47.0 s (2.2x). After (load average 2.6-3.3): SQLite floor 35.0 s, csbot 43.9 s (1.3x);
PostgreSQL floor 28.5 s, csbot 39.3 s (1.4x); 214-215 MB. What is left on PostgreSQL: the
writer thread is the slower side (it formats the COPY rows under the GIL the reader also wants,
about 12 s of its 40, then waits on the server's upsert, about 28 s), and the server spends
about 22 s of CPU on COPY into the temporary table plus the upsert where the floor's COPY takes
about 17 s.

Since then (same day, 1,000,000 rows, load average 2.7-4.4, another job holding one core):
rows are checked 500 at a time (5,000 lived long enough to reach the garbage collector's oldest
generation: 2 s of the reader's 8 s of CPU), and on PostgreSQL a chunk of new keys is COPYed
straight into daily_usage, in binary. Before, at 23:11: PostgreSQL floor 10.0 s, csbot 17.6 s
(1.8x). After, at 23:37-23:42: SQLite floor 11.1-12.6 s, csbot 17.1-17.2 s (1.4-1.5x);
PostgreSQL floor 10.4-14.1 s, csbot 15.3-17.4 s (1.2-1.5x), 210-229 MB. The server's CPU for
csbot's import: 8.9-9.5 s before, 7.9 s after; the floor's text COPY about 7.2 s.

The floor stays a text COPY (the bare upsert of typed tuples as a script would write it), and
PostgreSQL also prints a binary floor (`FORMAT BINARY`, what csbot now does for usage) and the
ratio to it, the stricter of the two: 12.7 s, csbot 1.4x it, in the run above.

Before and after alternating, 00:02-00:09 (load average 4.8-6.9, then 3.0), SQLite and
PostgreSQL floor / csbot: before 14.1 / 26.2 s (1.9x) and 14.7 / 27.5 s (1.9x), after
19.1 / 20.1 s (1.1x) and 16.3 / 17.9 s (1.1x; binary floor 18.0 s, 1.0x), before 20.8 / 25.4 s
(1.2x) and 13.8 / 25.2 s (1.8x), after 10.0 / 11.4 s (1.1x) and 9.4 / 12.1 s (1.3x; binary
floor 8.6 s, 1.4x); csbot 202-210 MB.

daily_usage WITHOUT ROWID on SQLite (migration 0011, for the recompute's sums) costs the import
some: rows go into the key's b-tree, and with no rowid to count new rows by, a chunk holding
keys already stored counts them first (one whose groups have no row in its days, the same check
as PostgreSQL's straight COPY, needs no count). 300,000 new rows, CPU seconds of the import
alone, alternated at load average 4: 2.8-3.1 before, 3.2-3.4 after; counting every chunk's
keys instead cost 0.45-0.7 s more.
On a quiet machine (load about 1), from the start of the 27-28 Nov 2026 session to its end:
SQLite floor 14.4 s, csbot 15.0 s (1.0x) -> floor 9.3 s, csbot 10.8 s (1.2x); PostgreSQL floor
8.4 s, csbot 17.8 s (2.1x) -> floor 7.5 s, csbot 10.0 s (1.3x; binary floor 6.8 s, 1.5x).

The latest figures, beside the goals, are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from _stores import ROOT, peak_rss_mb, stores, table
from sqlalchemy import Column, Engine, ForeignKeyConstraint, Index, MetaData, Table, select

from csbot.store.bulk import copy_rows_on
from csbot.store.csv_import import import_csv
from csbot.store.db import make_engine, session_factory, transaction, upgrade
from csbot.store.models import Base, PhysicianGroup

START = date(2020, 1, 1)
NOW = datetime(2026, 6, 1, tzinfo=UTC)
HEADER = ("store", "rows", "floor s", "csbot s", "ratio", "binary floor s", "ratio to it",
          "csbot again s", "floor RSS MB", "csbot RSS MB")  # fmt: skip


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


def _floor_table(engine: Engine) -> str:
    """A table like daily_usage (columns, key, day index, foreign key; on SQLite WITHOUT ROWID
    as it is), named floor_usage."""
    meta = MetaData()
    Base.metadata.tables["physician_group"].to_metadata(meta)
    usage = Base.metadata.tables["daily_usage"]
    columns = [Column(c.name, c.type, nullable=c.nullable, primary_key=c.primary_key)
               for c in usage.columns]  # fmt: skip
    floor = Table("floor_usage", meta, *columns, Index("ix_floor_usage_day", "day"),
                  ForeignKeyConstraint(["group_id"], ["physician_group.id"]),
                  sqlite_with_rowid=usage.dialect_options["sqlite"]["with_rowid"])  # fmt: skip
    floor.create(engine)
    return "floor_usage"


def _floor(url: str, path: Path, binary: bool = False) -> dict[str, Any]:
    """Parse with csv, type each value, upsert the tuples: no checks at all (`binary`: COPY in
    PostgreSQL's binary format, as csbot does for usage)."""
    engine = make_engine(url)
    name = _floor_table(engine)
    started = time.perf_counter()
    with transaction(session_factory(engine)) as session:
        ids = dict(session.execute(select(PhysicianGroup.external_id, PhysicianGroup.id)).all())
        postgres = engine.dialect.name == "postgresql"
        with path.open(newline="", encoding="utf-8") as source:
            reader = csv.reader(source)
            columns = next(reader)
            columns[0] = "group_id"
            rows = (
                (ids[r[0]], date.fromisoformat(r[1]) if postgres else r[1], int(r[2]), int(r[3]),
                 float(r[4]), int(r[5]), int(r[6]), int(r[7]))
                for r in reader
            )  # fmt: skip
            if postgres:
                types = ["int4", "date", "int4", "int4", "float8", "int4", "int4", "int4"]
                types = types if binary else []
                copy_rows_on(session.connection(), name, columns, rows, types=types)
            else:
                marks = ", ".join("?" for _ in columns)
                sets = ", ".join(f"{c} = excluded.{c}" for c in columns[2:])
                upsert = (f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks}) "
                          f"ON CONFLICT (group_id, day) DO UPDATE SET {sets}")  # fmt: skip
                raw = session.connection().connection.driver_connection
                assert raw is not None
                raw.executemany(upsert, rows)
    seconds = time.perf_counter() - started
    engine.dispose()
    return {"seconds": seconds, "rss": peak_rss_mb()}


def _csbot(url: str, path: Path, again: bool) -> dict[str, Any]:
    engine = make_engine(url)
    factory = session_factory(engine)
    times = []
    for _ in range(2 if again else 1):
        started = time.perf_counter()
        counts = import_csv(factory, kind="usage", path=path, now=NOW)
        times.append(time.perf_counter() - started)
    engine.dispose()
    return {"seconds": times[0], "again": times[-1] if again else None, "rss": peak_rss_mb(),
            "summary": counts.summary()}  # fmt: skip


def _child(what: str, url: str, path: Path, again: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", what, url, str(path)]
    command += ["--again"] if again else []
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return dict(json.loads(out))


def _prepare(url: str, folder: Path) -> None:
    engine = make_engine(url)
    upgrade(engine)
    import_csv(session_factory(engine), kind="groups", path=folder / "groups.csv", now=NOW)
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000, help="usage rows (default 1e6)")
    parser.add_argument("--groups", type=int, default=1_000, help="groups (default 1000)")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument("--again", action="store_true", help="import the same file twice")
    parser.add_argument("--child", nargs=3, metavar=("WHAT", "URL", "CSV"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, url, csv_path = args.child
        run: Callable[[str, Path], dict[str, Any]] = {
            "floor": _floor, "floor-binary": lambda u, p: _floor(u, p, binary=True),
            "csbot": lambda u, p: _csbot(u, p, args.again)}[what]  # fmt: skip
        print(json.dumps(run(url, Path(csv_path))))
        return 0
    with tempfile.TemporaryDirectory(prefix="csbot-bench-") as tmp:
        folder = Path(tmp)
        write_groups(folder / "groups.csv", args.groups)
        write_usage(folder / "usage.csv", rows=args.rows, groups=args.groups)
        size = (folder / "usage.csv").stat().st_size / 1e6
        print(f"{args.rows:,} usage rows ({size:.0f} MB)", file=sys.stderr)
        rows = []
        labels = ["sqlite"] if not args.no_sqlite else []
        for label in labels + (["postgresql"] if args.postgres else []):
            base = args.postgres if label == "postgresql" else None
            with stores(base, sqlite=base is None) as floor_at, \
                    stores(base, sqlite=base is None) as binary_at, \
                    stores(base, sqlite=base is None) as csbot_at:  # fmt: skip
                for _, url in (*floor_at, *binary_at, *csbot_at):
                    _prepare(url, folder)
                floor = _child("floor", floor_at[0][1], folder / "usage.csv", False)
                ours = _child("csbot", csbot_at[0][1], folder / "usage.csv", args.again)
                binary = _child("floor-binary", binary_at[0][1], folder / "usage.csv", False) \
                    if label == "postgresql" else None  # fmt: skip
            again = f"{ours['again']:.1f}" if ours["again"] is not None else "-"
            rows.append([label, f"{args.rows:,}", f"{floor['seconds']:.1f}",
                         f"{ours['seconds']:.1f}", f"{ours['seconds'] / floor['seconds']:.1f}x",
                         f"{binary['seconds']:.1f}" if binary else "-",
                         f"{ours['seconds'] / binary['seconds']:.1f}x" if binary else "-",
                         again, f"{floor['rss']:.0f}", f"{ours['rss']:.0f}"])  # fmt: skip
            print(table(HEADER, rows[-1:]), f"\n  {ours['summary']}", file=sys.stderr, flush=True)
        print("csbot import usage beside parsing the same CSV and upserting typed tuples unchecked")
        print(table(HEADER, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
