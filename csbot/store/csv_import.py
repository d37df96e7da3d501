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
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import BinaryIO, Protocol, TextIO

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from csbot.config import Settings
from csbot.errors import InputError, StoreError
from csbot.progress import progress_bar
from csbot.store.db import SessionFactory, make_engine, session_factory, upgrade
from csbot.store.ingest import Counts, Ingest, TooManyErrors, kind_named
from csbot.store.ingest.fast import Checker, checker_for
from csbot.store.ingest.pipeline import MAX_ERRORS
from csbot.store.ingest.problems import problem
from csbot.store.ingest.writer import Lines


class _Reader(Protocol):
    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...


Progress = Callable[[int, int, int], None]
"""Called now and then with (bytes read, file size, rows read)."""
PROGRESS_EVERY = 5_000
BATCH_ROWS = 500  # rows checked at once: 5,000 lived into the gc's oldest generation (2 s of 8)
_BLOCK_BYTES = 1 << 20
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
        ingest = None
        try:
            ingest = Ingest(session, spec, now=now, tz=tz, source=SOURCE, max_errors=max_errors,
                            background=True)  # fmt: skip
            try:
                counts = _read(ingest, binary, label=str(path), progress=progress)
            finally:
                ingest.close()  # the writer thread is done with the connection
        except SQLAlchemyError as exc:
            session.rollback()
            raise StoreError(_refused(path, exc, ingest.refused if ingest else None)) from None
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


def _refused(path: Path, exc: SQLAlchemyError, lines: Lines | None) -> str:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
    where = f"{path} lines {lines[0]}-{lines[1]}" if lines else str(path)
    return f"{where}: the database refused the import, nothing was imported: {reason}"


class _NotUtf8(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _lines(binary: BinaryIO) -> Iterator[str]:
    """The file's lines as text, decoded a block of lines at a time; a bad byte is pinned to
    its line (UTF-8 never puts a newline byte inside a character, so blocks split cleanly)."""
    number = 0
    while block := binary.readlines(_BLOCK_BYTES):
        if number == 0:
            block[0] = block[0].removeprefix(codecs.BOM_UTF8)
        try:
            text = b"".join(block).decode("utf-8")
        except UnicodeDecodeError:
            raise _NotUtf8(number + _first_bad(block)) from None
        pieces = text.split("\n")
        last = pieces.pop()  # after the block's final newline: "" (or the file's last line)
        yield from (piece + "\n" for piece in pieces)
        if last:
            yield last
        number += len(block)


def _first_bad(block: list[bytes]) -> int:
    """The line (from 1) of the block that is not UTF-8."""
    for offset, raw in enumerate(block, start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return offset
    return len(block)


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
    """Feed the rows to `ingest` in batches, in file order, with their line numbers."""
    checker = checker_for(ingest.kind, header, ingest.refs, dates=ingest.postgres)
    batch: list[tuple[int, list[str]]] = []
    line = 1
    for values in reader:
        start, line = line + 1, reader.line_num
        if values:
            batch.append((start, values))
        if len(batch) >= BATCH_ROWS:
            _feed(ingest, checker, batch, header, label)
            batch = []
            if ingest.counts.read % PROGRESS_EVERY < BATCH_ROWS:
                tick(ingest.counts.read)
    _feed(ingest, checker, batch, header, label)


def _feed(
    ingest: Ingest, checker: Checker | None, batch: list[tuple[int, list[str]]],
    header: list[str], label: str,
) -> None:  # fmt: skip
    """One batch: rows the checker passes are queued as they are; the others (and every row
    of a kind without a checker) go through the record model one by one, in file order."""
    width = len(header)
    whole = [values for _, values in batch if len(values) == width]
    checked = checker.check(whole) if checker is not None and whole else None
    if checked is not None and len(whole) == len(batch) and None not in checked.rows:
        ingest.add_checked(checked, [start for start, _ in batch], lambda n: f"{label} line {n}")
        return
    k = 0
    for start, values in batch:
        where = f"{label} line {start}"
        if len(values) != width:
            ingest.report(problem(where, None, f"has {len(values)} values; the header has {width}"))
            if ingest.limit_hit:
                raise TooManyErrors
            continue
        row = checked.rows[k] if checked is not None else None
        if row is not None and checked is not None:
            ingest.add_one_checked(row, checked.keys[k], checked.columns, where=where, n=start)
        else:
            ingest.add(dict(zip(header, values, strict=True)), where=where, n=start)
        k += 1


def _ticker(binary: BinaryIO, progress: Progress | None) -> Callable[[int], None]:
    size = os.fstat(binary.fileno()).st_size

    def tick(rows: int) -> None:
        if progress is not None:
            progress(binary.tell(), size, rows)

    return tick


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None  # import_csv says why it cannot read the file


def run_import(
    settings: Settings, *, kind: str, path: Path, dry_run: bool = False,
    out: TextIO | None = None, err: TextIO | None = None,
) -> int:  # fmt: skip
    """The `csbot import` command: upgrade the schema, import, print what happened."""
    out, err = out or sys.stdout, err or sys.stderr
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        with progress_bar(f"import {kind}", total=_size(path), unit="B", scale=True,
                          stream=err) as bar:  # fmt: skip
            counts = import_csv(session_factory(engine), kind=kind, path=path, dry_run=dry_run,
                                now=datetime.now(UTC), tz=settings.tz,
                                progress=lambda done, _, __: bar(done))  # fmt: skip
    finally:
        engine.dispose()
    print(f"{path}: {counts.summary()}", file=out)
    if dry_run:
        print("dry run: nothing was written", file=out)
    return 0
