"""One path from raw records into the store, whichever door they came through.

Each record is cleaned (blank means absent), validated by its kind's model, checked across
fields, resolved (groups, plans, goals), checked against the batch's earlier keys, and written
in chunks. After the first problem nothing more is written, but records are still checked, so
one run reports every problem (up to a limit). The caller's transaction makes it all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError
from sqlalchemy.orm import Session

from csbot.store.ingest.base import Record, Row, UnknownRef, packed_day_key
from csbot.store.ingest.kinds import Kind
from csbot.store.ingest.problems import IngestError, Problem, from_validation, headline, problem
from csbot.store.ingest.refs import Refs
from csbot.store.ingest.upsert import Upserter
from csbot.store.ingest.writer import ChunkWriter, Lines

if TYPE_CHECKING:
    from csbot.store.ingest.fast import Checked

CHUNK_ROWS = 10_000
MAX_ERRORS = 100
MAX_KEYS_KEPT = 1_000
Duplicates = Literal["error", "replace"]


@dataclass
class Counts:
    """What a batch did: rows read, and of those inserted, updated and left as they were."""

    kind: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    keys: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.kind}: {self.read:,} read, {self.inserted:,} inserted, "
                f"{self.updated:,} updated, {self.unchanged:,} unchanged")  # fmt: skip


class TooManyErrors(Exception):
    """The error limit was reached; the batch stops reading."""


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Blank text means the value is absent, so defaults apply and required fields say so."""
    return {k: (None if _blank(v) else v) for k, v in raw.items()}


def _packed(key: tuple[Any, ...]) -> Hashable:
    """(group id, day) as one int: a million usage keys in ~60 MB instead of ~150 MB."""
    if len(key) == 2 and isinstance(key[0], int) and isinstance(key[1], date):
        return packed_day_key(key[0], key[1].toordinal())
    return key


def validate(
    kind: Kind, data: Mapping[str, Any], *, where: str, tz: tzinfo = UTC
) -> tuple[Record | None, list[Problem]]:
    """The record, or None and what is wrong: its fields first, then rules across fields."""
    try:
        record = kind.model.model_validate(_clean(data), context={"tz": tz})
    except ValidationError as exc:
        return None, from_validation(where, exc)
    found = [problem(where, col, msg, *(() if value is None else (value,)))
             for col, msg, value in record.checks()]  # fmt: skip
    return (None, found) if found else (record, [])


class Ingest:
    """Feed records with `add`, then `finish`: the batch's Counts, or an IngestError's problems.

    `describe(n)` names record n for "duplicate of ..." messages (`line 7`, `record 3`).
    `background`: the file import's way: a writer thread on PostgreSQL (ingest.writer), then
    always `close` it, and chunks of new keys COPYed (`Upserter`'s `copy_new`).
    """

    def __init__(
        self, session: Session, kind: Kind, *, now: datetime, tz: tzinfo = UTC,
        source: str | None = None, duplicates: Duplicates = "error",
        max_errors: int = MAX_ERRORS, keep_keys: bool = False,
        describe: Callable[[int], str] = lambda n: f"line {n}", background: bool = False,
    ) -> None:  # fmt: skip
        self.kind, self.counts = kind, Counts(kind.name)
        self.problems: list[Problem] = []
        self._session, self._now, self._tz = session, now, tz
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self._source, self._duplicates, self._max_errors = source, duplicates, max_errors
        self._keep_keys, self._describe, self._background = keep_keys, describe, background
        self._refs = Refs.load(session, kind)
        self._seen: dict[Hashable, int] = {}
        self._chunk: list[tuple[Any, ...]] = []
        self._lines: Lines = (0, 0)  # the first and last record number in the chunk
        self._flushes = 0
        self._upserter: Upserter | None = None
        self._writes: ChunkWriter | None = None

    @property
    def refs(self) -> Refs:
        return self._refs

    @property
    def refused(self) -> Lines | None:  # the chunk the database refused, if it did
        return self._writes.refused if self._writes is not None else None

    @property
    def limit_hit(self) -> bool:
        return len(self.problems) >= self._max_errors

    def add(self, raw: object, *, where: str, n: int) -> None:
        """Check one record; queue it for writing while the batch has no problems.

        Raises TooManyErrors when the error limit is reached: stop feeding, call `finish`.
        """
        self.counts.read += 1
        if not isinstance(raw, Mapping):
            self._fail(problem(where, None, "is not an object with fields"))
            return
        row = self._row(dict(raw), where)
        if row is None:
            return
        if not self._first_time(row, where, n):
            return
        upserter = self._writer(list(row))
        self._queue(upserter.prepare(tuple(row[c] for c in upserter.columns)), n)

    def add_checked(self, checked: Checked, lines: Sequence[int], where: Callable[[int], str]
                    ) -> None:  # fmt: skip
        """Queue rows already checked field by field (csbot.store.ingest.fast), every one of
        them passed, ready for the upsert, on `lines` (for "same ... as line N")."""
        self.counts.read += len(lines)
        seen = self._seen
        repeated = [i for i, key in enumerate(checked.keys) if key in seen]
        if repeated or len(set(checked.keys)) < len(checked.keys):
            self.counts.read -= len(lines)
            for row, key, n in zip(checked.rows, checked.keys, lines, strict=True):
                self._add_one(row, key, where(n), n)
            return
        seen.update(zip(checked.keys, lines, strict=True))
        self._writer(checked.columns)
        if not self.problems and lines:
            self._lines = (self._lines[0] if self._chunk else lines[0], lines[-1])
            self._chunk.extend(r for r in checked.rows if r is not None)
            if len(self._chunk) >= CHUNK_ROWS:
                self.flush()

    def add_one_checked(self, row: tuple[Any, ...], key: int, columns: list[str], *, where: str,
                        n: int) -> None:  # fmt: skip
        """One row checked field by field (a batch that also holds rows the model checks)."""
        self._writer(columns)
        self._add_one(row, key, where, n)

    def _add_one(self, row: tuple[Any, ...] | None, key: int, where: str, n: int) -> None:
        self.counts.read += 1
        seen = self._seen.get(key)
        if seen is not None:
            names = " and ".join(self.kind.record_key)
            self._fail(problem(where, None, f"same {names} as {self._describe(seen)}"))
            return
        self._seen[key] = n
        if row is not None:
            self._queue(row, n)

    def _writer(self, columns: list[str]) -> Upserter:
        """The upserter, made for the first rows' columns (every row of a kind has them)."""
        if self._upserter is None:
            self._upserter = Upserter(self._session, self.kind, columns, copy_new=self._background)
            self._writes = ChunkWriter(self._upserter, background=self._background)
        return self._upserter

    def _queue(self, row: tuple[Any, ...], n: int) -> None:
        if not self.problems:
            self._lines = (self._lines[0] if self._chunk else n, n)
            self._chunk.append(row)
            if len(self._chunk) >= CHUNK_ROWS:
                self.flush()

    def report(self, found: Problem) -> None:
        """A problem found outside the records (a bad header, a short row).

        Kept within the limit; unlike `add` it never raises, so error handlers may call it.
        """
        if not self.limit_hit:
            self.problems.append(found)

    def finish(self, subject: str, *, outcome: str = "nothing was imported") -> Counts:
        """Write what is queued and return the counts; IngestError if anything was wrong."""
        self.flush()
        if writes := self._writes:
            writes.wait()
            self.counts.inserted, self.counts.updated = writes.inserted, writes.updated
            self.counts.unchanged = writes.unchanged
        if self.problems:
            title = headline(subject, self.problems, limit_hit=self.limit_hit, outcome=outcome)
            raise IngestError(title, self.problems)
        return self.counts

    def _fail(self, *found: Problem) -> None:
        self.problems.extend(found[: self._max_errors - len(self.problems)])
        if self.limit_hit:
            raise TooManyErrors

    def _row(self, data: dict[str, Any], where: str) -> Row | None:
        if self.kind.has_source and _blank(data.get("source")) and self._source:
            data["source"] = self._source
        record, found = validate(self.kind, data, where=where, tz=self._tz)
        if record is None:
            self._fail(*found)
            return None
        try:
            row = record.row(self._refs)
            if self.kind.name == "groups":
                self._refs.claim_group(row["external_id"], row["name"], row["slug"])
        except UnknownRef as exc:
            self._fail(problem(where, exc.column, exc.message, exc.value))
            return None
        for column in self.kind.insert_only:
            row[column] = self._now
        if self._keep_keys and len(self.counts.keys) < MAX_KEYS_KEPT:
            key = record.model_dump(mode="json", include=set(self.kind.record_key))
            self.counts.keys.append(key)
        return row

    def _first_time(self, row: Row, where: str, n: int) -> bool:
        """False (and a problem) when the batch already had a record with this key."""
        key = _packed(tuple(row[k] for k in self.kind.key))
        seen = self._seen.get(key)
        if seen is not None and self._duplicates == "error":
            names = " and ".join(self.kind.record_key)
            self._fail(problem(where, None, f"same {names} as {self._describe(seen)}"))
            return False
        if seen is not None and seen == self._flushes:  # replacing a row still queued
            self.flush()
        self._seen[key] = n if self._duplicates == "error" else self._flushes
        return True

    def flush(self) -> None:
        """Write the queued rows (nothing once the batch has problems)."""
        if self.problems or not self._chunk:
            self._chunk.clear()
            return
        assert self._writes is not None  # made with the first queued row
        self._writes.submit(self._chunk, self._lines)
        self._chunk = []  # a new list: the writer thread may still be reading the old one
        self._flushes += 1

    def close(self) -> None:
        """Stop the writer thread (after its chunk in flight); nothing is written after this."""
        if self._writes is not None:
            self._writes.close()
