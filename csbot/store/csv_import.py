"""`csbot import KIND FILE`: a CSV file of one record kind, streamed into the store in one go.

Header-based; UTF-8 with or without a byte-order mark; comma or semicolon (whichever the header
line has more of); dates ISO 8601, numbers with a dot. The file is read row by row and written
in chunks inside one transaction, so a million rows take bounded memory and a bad row anywhere
leaves the database as it was. `dry_run` does everything, then rolls back, so its counts are
exactly what a real import would do.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import BinaryIO, Protocol, TextIO

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from csbot.config import Settings
from csbot.errors import InputError, StoreError
from csbot.store.db import SessionFactory, make_engine, session_factory, upgrade
from csbot.store.ingest import Counts, Ingest, TooManyErrors, kind_named
from csbot.store.ingest.pipeline import MAX_ERRORS
from csbot.store.ingest.problems import problem


class _Reader(Protocol):
    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...


Progress = Callable[[int, int, int], None]
"""Called now and then with (bytes read, file size, rows read)."""
PROGRESS_EVERY = 5_000
SOURCE = "import"


def import_csv(
    sessions: SessionFactory, *, kind: str, path: Path, now: datetime, tz: tzinfo = UTC,
    dry_run: bool = False, max_errors: int = MAX_ERRORS, progress: Progress | None = None,
) -> Counts:  # fmt: skip
    """Import `path` as records of `kind`: every row, or (IngestError listing why) none."""
    spec = kind_named(kind)
    try:
        binary = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    with binary, sessions() as session:
        try:
            ingest = Ingest(session, spec, now=now, tz=tz, source=SOURCE, max_errors=max_errors)
            counts = _read(ingest, binary, label=str(path), progress=progress)
        except SQLAlchemyError as exc:
            session.rollback()
            raise StoreError(_refused(path, exc)) from None
        except BaseException:
            session.rollback()
            raise
        _end(session, dry_run=dry_run)
    return counts


def _end(session: Session, *, dry_run: bool) -> None:
    if dry_run:
        session.rollback()
    else:
        session.commit()


def _refused(path: Path, exc: SQLAlchemyError) -> str:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    return f"{path}: the database refused the import, nothing was imported: {reason}"


class _NotUtf8(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _lines(binary: BinaryIO) -> Iterator[str]:
    """The file's lines as text, decoded one by one so a bad byte is pinned to its line."""
    for number, raw in enumerate(binary, start=1):
        try:
            yield (raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw).decode("utf-8")
        except UnicodeDecodeError:
            raise _NotUtf8(number) from None


def _read(ingest: Ingest, binary: BinaryIO, *, label: str, progress: Progress | None) -> Counts:
    lines = _lines(binary)
    reader: _Reader | None = None
    try:
        first = next(lines, "")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
        header = _header(ingest, next(reader, []), label)
        if header:
            _rows(ingest, reader, header, label, _ticker(binary, progress))
    except _NotUtf8 as exc:
        ingest.report(problem(f"{label} line {exc.line}", None, "is not UTF-8; save as UTF-8"))
    except csv.Error as exc:
        line = reader.line_num if reader else 1
        ingest.report(problem(f"{label} line {line}", None, f"is not CSV: {exc}"))
    except TooManyErrors:
        pass
    return ingest.finish(label)


def _header(ingest: Ingest, names: Sequence[str], label: str) -> list[str]:
    """The column names, or [] after reporting what is wrong with them."""
    kind, where = ingest.kind, f"{label} line 1"
    columns = [name.strip() for name in names]
    if not columns:
        ingest.report(problem(where, None, f"is empty; the header of {kind.name} is "
                                           f"{','.join(kind.columns)}"))  # fmt: skip
        return []
    found = [problem(where, c, f"is not a column of {kind.name}") for c in columns
             if c not in kind.columns]  # fmt: skip
    found += [problem(where, c, "appears twice") for c in sorted(_twice(columns))]
    missing = [c for c in kind.required if c not in columns and c != "source"]
    if missing:
        found.append(problem(where, None, f"missing required column(s) {', '.join(missing)}"))
    if found:
        found.append(problem(where, None, f"the columns of {kind.name} are "
                                          f"{', '.join(kind.columns)}"))  # fmt: skip
    for each in found:
        ingest.report(each)
    return [] if found else columns


def _twice(columns: list[str]) -> set[str]:
    return {c for c in columns if columns.count(c) > 1}


def _rows(
    ingest: Ingest, reader: _Reader, header: list[str], label: str,
    tick: Callable[[int], None],
) -> None:  # fmt: skip
    width, line = len(header), 1
    for values in reader:
        start, line = line + 1, reader.line_num
        if not values:
            continue
        where = f"{label} line {start}"
        if len(values) != width:
            ingest.report(problem(where, None, f"has {len(values)} values; the header has {width}"))
            if ingest.limit_hit:
                raise TooManyErrors
        else:
            ingest.add(dict(zip(header, values, strict=True)), where=where, n=start)
        if ingest.counts.read % PROGRESS_EVERY == 0:
            tick(ingest.counts.read)


def _ticker(binary: BinaryIO, progress: Progress | None) -> Callable[[int], None]:
    size = os.fstat(binary.fileno()).st_size

    def tick(rows: int) -> None:
        if progress is not None:
            progress(binary.tell(), size, rows)

    return tick


class TerminalProgress:
    """`usage.csv: 45% 450,000 rows 12.3 s` on one rewritten line; for a terminal only."""

    def __init__(self, label: str, stream: TextIO, *, every: float = 0.2) -> None:
        self._label, self._stream, self._every = label, stream, every
        self._started = self._shown = time.monotonic()

    def __call__(self, done: int, total: int, rows: int) -> None:
        now = time.monotonic()
        if now - self._shown < self._every:
            return
        self._shown = now
        share = 100 * done / total if total else 100.0
        elapsed = now - self._started
        self._stream.write(f"\r{self._label}: {share:3.0f}% {rows:,} rows {elapsed:.1f} s")
        self._stream.flush()

    def close(self) -> None:
        self._stream.write("\r\x1b[K")
        self._stream.flush()


def run_import(
    settings: Settings, *, kind: str, path: Path, dry_run: bool = False,
    out: TextIO | None = None, err: TextIO | None = None,
) -> int:  # fmt: skip
    """The `csbot import` command: upgrade the schema, import, print what happened."""
    out, err = out or sys.stdout, err or sys.stderr
    engine = make_engine(settings.database_url)
    bar = TerminalProgress(f"import {kind}", err) if err.isatty() else None
    try:
        upgrade(engine)
        counts = import_csv(session_factory(engine), kind=kind, path=path, dry_run=dry_run,
                            now=datetime.now(UTC), tz=settings.tz, progress=bar)  # fmt: skip
    finally:
        if bar is not None:
            bar.close()
        engine.dispose()
    print(f"{path}: {counts.summary()}", file=out)
    if dry_run:
        print("dry run: nothing was written", file=out)
    return 0
