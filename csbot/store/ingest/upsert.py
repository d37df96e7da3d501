"""Set-based upserts of plain row tuples (`prepare`d for the driver), SQLite and PostgreSQL,
in the caller's transaction.

SQLite: one `INSERT ... ON CONFLICT DO UPDATE` statement run with executemany over the chunk.
PostgreSQL: the chunk is COPYed into a temporary table, then moved with one `INSERT ... SELECT
... ON CONFLICT DO UPDATE` (`copy_new`: a chunk of new keys by group and day straight into the
table, `_new`). The update fires only when a value differs (`IS DISTINCT FROM`), so loading
the same records again rewrites nothing. What happened to each row is counted, not
returned row by row: on PostgreSQL a freshly inserted tuple has `xmax = 0`; on SQLite new rows
take the rowids after the table's largest (the batch's transaction is the only writer; a
table WITHOUT ROWID, daily_usage, is asked first how many of the chunk's keys it holds, unless
none of its groups has a row in its days) and the connection's change counter says how many
rows were inserted or changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Date, Table
from sqlalchemy.orm import Session

from csbot.store.bulk import binary_types, copy_rows_on
from csbot.store.ingest.kinds import Kind
from csbot.store.models import Base

__all__ = ["Upserter", "Written"]

_TEMP = "csbot_ingest_"


@dataclass(frozen=True)
class Written:
    inserted: int
    updated: int
    unchanged: int


class Upserter:
    """Writes chunks of one kind's rows (tuples in `columns` order) into its table."""

    def __init__(self, session: Session, kind: Kind, columns: Sequence[str], *,
                 copy_new: bool = False) -> None:  # fmt: skip
        self._session, self._kind, self._columns = session, kind, list(columns)
        self.columns = self._columns
        self._table: Table = Base.metadata.tables[kind.table]
        dialect = session.get_bind().dialect
        self.postgres = self._postgres = dialect.name == "postgresql"
        self._quote = dialect.identifier_preparer.quote
        self._prepare = [self._converter(name) for name in self._columns]
        self._any = any(f is not None for f in self._prepare)
        self._statement = self._upsert()
        self._temp = self._temp_table() if self._postgres else ""
        self._types = binary_types(dialect, self._table, self._columns)  # else COPY as text
        by_day = len(kind.key) == 2  # by group and day
        self._ranged = copy_new and by_day and isinstance(self._table.c[kind.key[1]].type, Date)
        self._connection = session.connection()
        self._raw: Any = self._connection.connection.driver_connection
        self._rowid = not self._postgres and self._table.dialect_options["sqlite"]["with_rowid"]
        self._top = self._largest_rowid() if self._rowid else 0

    def _converter(self, name: str) -> Callable[[Any], Any] | None:
        """How a column's values are handed to the driver (None: as they are)."""
        kind = self._table.c[name].type
        if isinstance(kind, JSON):
            return lambda v: None if v is None else json.dumps(v)
        if self._postgres:
            return None  # psycopg takes dates, aware datetimes and numbers as they are
        dialect = self._session.get_bind().dialect
        process: Callable[[Any], Any] | None = kind.dialect_impl(dialect).bind_processor(dialect)
        return process

    def _names(self, columns: Sequence[str]) -> str:
        return ", ".join(self._quote(c) for c in columns)

    def _upsert(self) -> str:
        kind, q = self._kind, self._quote
        table, names = q(self._table.name), self._names(self._columns)
        marks = ", ".join("?" for _ in self._columns)
        temp = _TEMP + self._table.name
        source = f"SELECT {names} FROM {temp}" if self._postgres else f"VALUES ({marks})"
        head = f"INSERT INTO {table} ({names}) {source} ON CONFLICT ({self._names(kind.key)})"
        updated = [c for c in self._columns if c not in kind.key and c not in kind.insert_only]
        if not updated:
            return f"{head} DO NOTHING"
        sets = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in updated)
        differs = " OR ".join(self._differs(c) for c in updated)
        return f"{head} DO UPDATE SET {sets} WHERE {differs}"

    def _differs(self, column: str) -> str:
        """`table.c` differs from the new value; JSON compared as text (it has no `=`)."""
        q, table = self._quote, self._quote(self._table.name)
        old, new = f"{table}.{q(column)}", f"excluded.{q(column)}"
        if not self._postgres:
            return f"{old} IS NOT {new}"
        if isinstance(self._table.c[column].type, JSON):
            old, new = f"{old}::text", f"{new}::text"
        return f"{old} IS DISTINCT FROM {new}"

    def _temp_table(self) -> str:
        """A temporary table with the chunk's columns (and no constraints), gone at commit."""
        name = _TEMP + self._table.name
        self._session.connection().exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {name} ON COMMIT DROP AS "
            f"SELECT {self._names(self._columns)} FROM {self._quote(self._table.name)} WITH NO DATA"
        )
        return name

    def _largest_rowid(self) -> int:
        found = (
            self._session.connection()
            .exec_driver_sql(f"SELECT max(rowid) FROM {self._quote(self._table.name)}")
            .scalar()
        )
        return int(found or 0)

    def prepare(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        """A row of Python values (dates, datetimes, lists) as the driver takes it."""
        if not self._any:
            return row
        return tuple(v if f is None else f(v) for v, f in zip(row, self._prepare, strict=True))

    def write(self, rows: Sequence[tuple[Any, ...]]) -> Written:
        """Upsert `rows` (prepared; their keys distinct) and say what happened to them."""
        if not rows:
            return Written(0, 0, 0)
        write = self._write_postgres if self._postgres else self._write_sqlite
        inserted, changed = write(rows)
        return Written(inserted, changed - inserted, len(rows) - changed)

    def _stored(self, values: Sequence[tuple[Any, ...]]) -> int:
        """How many of the rows' keys the table holds (one seek each, a JSON list of keys)."""
        at = [self._columns.index(c) for c in self._kind.key]
        on = " AND ".join(f"t.{self._quote(self._columns[i])} = json_extract(k.value, '$[{n}]')"
                          for n, i in enumerate(at))  # fmt: skip
        sql = f"SELECT count(*) FROM json_each(?) k JOIN {self._quote(self._table.name)} t ON {on}"
        keys = json.dumps([[row[i] for i in at] for row in values])
        return int(self._connection.exec_driver_sql(sql, (keys,)).scalar() or 0)

    def _write_sqlite(self, values: Sequence[tuple[Any, ...]]) -> tuple[int, int]:
        none_stored = self._rowid or (self._ranged and self._new(values))  # rowid: counted after
        stored = 0 if none_stored else self._stored(values)
        before = self._raw.total_changes
        self._session.connection().exec_driver_sql(self._statement, list(values))
        changed = self._raw.total_changes - before
        if not self._rowid:
            return len(values) - stored, changed
        top = self._largest_rowid()
        inserted, self._top = top - self._top, top
        return inserted, changed

    def _new(self, values: Sequence[tuple[Any, ...]]) -> bool:
        """Keyed by (group, day): no row of the chunk's groups in its days. PostgreSQL then COPYs
        it in (a race with another writer adding one of its keys fails the import, where an
        upsert would not); SQLite (one writer) need not count its keys already stored."""
        (g, d), q = (self._columns.index(c) for c in self._kind.key), self._quote
        days, groups = [row[d] for row in values], list({row[g] for row in values})
        among = "= ANY(%s)" if self._postgres else "IN (SELECT value FROM json_each(?))"
        mark, listed = ("%s", groups) if self._postgres else ("?", json.dumps(groups))
        held = (f"SELECT EXISTS (SELECT 1 FROM {q(self._table.name)} WHERE {q(self._columns[g])} "
                f"{among} AND {q(self._columns[d])} BETWEEN {mark} AND {mark})")  # fmt: skip
        return not self._connection.exec_driver_sql(held, (listed, min(days), max(days))).scalar()

    def _write_postgres(self, values: Sequence[tuple[Any, ...]]) -> tuple[int, int]:
        connection = self._connection  # not the session's: this may run in a writer thread
        if self._ranged and self._new(values):
            copy_rows_on(connection, self._quote(self._table.name), self._columns, values,
                         types=self._types)  # fmt: skip
            return len(values), len(values)
        copy_rows_on(connection, self._temp, self._columns, values, types=self._types)
        # one round trip: the counts (the first statement's result), then empty the table
        counted = f"WITH up AS ({self._statement} RETURNING (xmax = 0) AS new) " \
                  "SELECT count(*) FILTER (WHERE new), count(*) FROM up; " \
                  f"TRUNCATE {self._temp}"  # fmt: skip
        inserted, changed = connection.exec_driver_sql(counted).one()
        return int(inserted), int(changed)
