"""Shared by the store benchmarks: a throw-away SQLite file or PostgreSQL schema per run, peak
memory, and the table they print (floor, csbot and their ratio side by side)."""

from __future__ import annotations

import resource
import sys
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from csbot.store.db import normalize_url  # noqa: E402


@contextmanager
def sqlite_url() -> Iterator[str]:
    """A URL of a fresh SQLite file, deleted afterwards."""
    with tempfile.TemporaryDirectory(prefix="csbot-bench-") as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A URL whose search_path is a new schema on `base`'s server, dropped afterwards."""
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


@contextmanager
def stores(postgres: str | None, *, sqlite: bool = True) -> Iterator[list[tuple[str, str]]]:
    """(label, URL) of each store to measure: SQLite unless told not to, PostgreSQL if given."""
    with sqlite_url() as lite:
        if postgres is None:
            yield [("sqlite", lite)] if sqlite else []
            return
        with postgres_schema(postgres) as pg:
            yield ([("sqlite", lite)] if sqlite else []) + [("postgresql", pg)]


def peak_rss_mb() -> float:
    """Peak resident memory of this process since it started its program, in MB.

    Linux's VmHWM belongs to the program (it starts again at exec); ru_maxrss does not, so a
    child forked from a bench that had loaded a million rows would report the bench's memory.
    """
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Right-aligned columns, the first left-aligned: what the benches print."""
    cells = [list(header), *[list(r) for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = []
    for row in cells:
        first = row[0].ljust(widths[0])
        rest = [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join([first, *rest]))
    return "\n".join(lines)
