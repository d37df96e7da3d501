"""Bulk writes of plain values: COPY on PostgreSQL; on SQLite executemany of tuples, or
INSERTs of many rows each from columns (`copy_columns`).

For the writers that produce many rows at once (snapshots, demo data, imports): no ORM, no
per-value type processing. Values must already be what the driver takes, in the form the
column types store (dates as ISO text on SQLite, UTC times as SQLAlchemy's SQLite format);
`stored_days` and `stored_times` format whole numpy columns of them that way.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import JSON, Connection, Date, Dialect, Table, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from csbot.scoring.batch.text import binary_copy, pg_days, stored_days, stored_times
from csbot.store.types import UTCDateTime

__all__ = [
    "binary_types", "column_rows", "copy_columns", "copy_rows", "copy_rows_on",
    "indexes_after_load", "stored_days", "stored_times",
]  # fmt: skip

_SQLITE_BATCH = 20_000
_SQLITE_VALUES = 999  # bound values per INSERT: SQLite's limit before 3.32
# PostgreSQL column types whose values binary COPY takes as they are: each one's name for
# psycopg (`copy_rows_on`'s types) and the big-endian numpy dtype of its format (`_binary`)
_BINARY = {"INTEGER": ("int4", ">i4"), "BIGINT": ("int8", ">i8"), "FLOAT": ("float8", ">f8"),
           "DOUBLE PRECISION": ("float8", ">f8"), "DATE": ("date", ">i4")}  # fmt: skip


def copy_rows(session: Session, table: str, columns: Sequence[str], rows: Iterable[Any] | bytes
              ) -> None:  # fmt: skip
    """Append `rows` (tuples in `columns` order) to `table`, in the caller's transaction."""
    copy_rows_on(session.connection(), table, columns, rows)


def copy_rows_on(connection: Connection, table: str, columns: Sequence[str],
                 rows: Iterable[Any] | bytes, *, types: Sequence[str] = ()) -> None:  # fmt: skip
    """`copy_rows` on a connection (a writer thread has no business with the session); with the
    columns' `types` (int4, date...) PostgreSQL's COPY is binary: each value must be of its type.
    There `rows` may also be data in that format already (see `_binary`)."""
    quote = connection.dialect.identifier_preparer.quote  # "primary", "start", "end", "plan"
    names = ", ".join(quote(c) for c in columns)
    if connection.dialect.name == "postgresql":
        raw, binary = connection.connection.driver_connection, types or isinstance(rows, bytes)
        assert raw is not None  # a checked-out connection always has one
        sql = f"COPY {table} ({names}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")
        dbapi = connection.dialect.loaded_dbapi
        try:
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                if types:
                    copy.set_types(types)
                if isinstance(rows, bytes):
                    copy.write(rows)
                else:
                    for row in rows:
                        copy.write_row(row)
        except dbapi.Error as exc:  # what the database refused, as SQLAlchemy raises it
            raise DBAPIError.instance(sql, None, exc, dbapi.Error) from None
        return
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})"
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, _SQLITE_BATCH)):
        connection.exec_driver_sql(insert, batch)


def binary_types(dialect: Dialect, table: Table, columns: Sequence[str]) -> list[str]:
    """The columns' types as `copy_rows_on` takes them, if binary COPY takes every one's values
    as they are (integers, floats, days); else [] (COPY them as text)."""
    types = [_binary_type(dialect, table, name)[0] for name in columns]
    return types if all(types) else []


def _binary_type(dialect: Dialect, table: Table, name: str) -> tuple[str, str]:
    """A column's (psycopg type name, numpy dtype) in binary COPY; ("", "") if it has none."""
    return _BINARY.get(str(table.c[name].type.compile(dialect=dialect)), ("", ""))


def _binary(dialect: Dialect, table: Table, columns: Mapping[str, Any]) -> bytes | None:
    """The columns as PostgreSQL's binary COPY data, if every one is a numpy array of integers
    that fit, floats or days (no NULL) for a column of that type: the server parses no text,
    numpy packs it all at once. Else None. Floats go only to float columns: packed into an
    integer or a day they would lose their fraction, where text COPY refuses them."""
    packed = []
    for name, values in columns.items():
        dtype = _binary_type(dialect, table, name)[1]
        takes = "iuf" if dtype.startswith(">f") else "iu"
        if not dtype or not isinstance(values, np.ndarray) or values.dtype.kind not in takes:
            return None
        packed.append((pg_days(values) if isinstance(table.c[name].type, Date) else values, dtype))
    return binary_copy(packed)


def column_rows(dialect: str, table: Table, columns: Mapping[str, Any], *, rows: int
                ) -> tuple[list[str], Iterator[tuple[Any, ...]]]:  # fmt: skip
    """Columns (numpy arrays or lists, by column name; Date columns as day ordinals, UTC times
    as microseconds since 1970, JSON as text, anything else one value for every row) as the
    column names and the row tuples `copy_rows` takes."""
    return list(columns), zip(*_values(dialect, table, columns, rows=rows), strict=True)


def _values(dialect: str, table: Table, columns: Mapping[str, Any], *, rows: int
            ) -> Iterator[list[Any]]:  # fmt: skip
    for name, column in columns.items():
        kind = table.c[name].type
        if isinstance(kind, Date):
            yield stored_days(column)
        elif isinstance(kind, UTCDateTime):
            yield stored_times(column, dialect)
        elif isinstance(column, np.ndarray):
            yield column.tolist()
        else:
            yield column if isinstance(kind, JSON) or isinstance(column, list) else [column] * rows


def copy_columns(session: Session, table: Table, columns: Mapping[str, Any], *, rows: int) -> None:
    """Append `rows` rows given as columns (see `column_rows`) to `table`. On SQLite as
    INSERTs of many rows each from one flat list of values, laid out a column at a time (slice
    assignment): half the time of a tuple per row and executemany. On PostgreSQL in COPY's
    binary format where `_binary` can pack them (a quarter of the time), else as text."""
    bind, names = session.get_bind(), list(columns)
    if bind.dialect.name == "postgresql":
        packed = _binary(bind.dialect, table, columns)  # else each row as text
        tuples = column_rows("postgresql", table, columns, rows=rows)[1] if packed is None else ()
        copy_rows(session, table.name, names, packed if packed is not None else tuples)
        return
    width = len(names)
    flat: list[Any] = [None] * (rows * width)
    for k, values in enumerate(_values(bind.dialect.name, table, columns, rows=rows)):
        flat[k::width] = values
    step = max(1, _SQLITE_VALUES // width) * width
    whole = len(flat) // step * step
    statements = [tuple(flat[at : at + step]) for at in range(0, whole, step)]
    _insert(session.connection(), table.name, names, statements)
    _insert(session.connection(), table.name, names, [tuple(flat[whole:])] if flat[whole:] else [])


def _insert(connection: Connection, table: str, names: list[str], statements: list[tuple[Any, ...]]
            ) -> None:  # fmt: skip
    """One INSERT of as many rows as each flat tuple of values in `statements` holds."""
    if statements:
        quote = connection.dialect.identifier_preparer.quote
        values = ", ".join(
            [f"({', '.join('?' * len(names))})"] * (len(statements[0]) // len(names))
        )
        insert = f"INSERT INTO {table} ({', '.join(quote(n) for n in names)}) VALUES {values}"
        connection.exec_driver_sql(insert, statements)


# PostgreSQL: the foreign keys of the tables (or pointing at them), their primary keys and
# unique constraints, then their other indexes, each with the DDL that makes it again (what
# pg_dump writes)
_PG_KEYS = """
SELECT 'ALTER TABLE ' || c.conrelid::regclass || ' DROP CONSTRAINT ' || quote_ident(c.conname),
       'ALTER TABLE ' || c.conrelid::regclass || ' ADD CONSTRAINT ' || quote_ident(c.conname)
       || ' ' || pg_get_constraintdef(c.oid)
FROM pg_constraint c
WHERE (c.contype = 'f' AND (c.conrelid = ANY(CAST(:tables AS regclass[]))
                            OR c.confrelid = ANY(CAST(:tables AS regclass[]))))
   OR (c.contype IN ('p', 'u') AND c.conrelid = ANY(CAST(:tables AS regclass[])))
ORDER BY c.contype, c.conname
"""
_PG_INDEXES = """
SELECT 'DROP INDEX ' || i.indexrelid::regclass, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = ANY(CAST(:tables AS regclass[])) AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY i.indexrelid::regclass::text
"""
# SQLite: the indexes made by CREATE INDEX (a table's keys and UNIQUE constraints live in its
# CREATE TABLE and stay)
_SQLITE_INDEXES = (
    "SELECT 'DROP INDEX ' || quote(name), sql FROM sqlite_master "
    "WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({}) ORDER BY name"
)


def _empty(connection: Connection, tables: Sequence[str]) -> bool:
    quote = connection.dialect.identifier_preparer.quote
    held = " OR ".join(f"EXISTS (SELECT 1 FROM {quote(t)})" for t in tables)
    return not connection.exec_driver_sql(f"SELECT {held}").scalar()


def _rebuilt(connection: Connection, tables: Sequence[str]) -> list[tuple[str, str]]:
    """(drop, create) DDL of what `indexes_after_load` drops, in the order to drop it."""
    if connection.dialect.name == "postgresql":
        names = [connection.dialect.identifier_preparer.quote(t) for t in tables]
        keys = connection.execute(text(_PG_KEYS), {"tables": names}).all()
        indexes = connection.execute(text(_PG_INDEXES), {"tables": names}).all()
        return [(drop, create) for drop, create in [*keys, *indexes]]
    marks = ", ".join(f":t{n}" for n in range(len(tables)))
    found = connection.execute(text(_SQLITE_INDEXES.format(marks)),
                               {f"t{n}": t for n, t in enumerate(tables)})  # fmt: skip
    return [(drop, create) for drop, create in found]


@contextmanager
def indexes_after_load(session: Session, tables: Sequence[str]) -> Iterator[None]:
    """Bulk-load `tables` with their indexes built once afterwards, when they are all empty.

    In the caller's transaction: drop the tables' secondary indexes (on PostgreSQL also their
    primary keys, unique constraints and foreign keys, as pg_restore loads), let the caller
    write, then create them again from the DDL the database itself reports, which checks every
    row once (a violation fails the transaction). Both stores' DDL is transactional, so an error
    anywhere rolls the drops back with the rows. Tables holding rows are left alone.
    """
    connection = session.connection()
    rebuilt = _rebuilt(connection, tables) if tables and _empty(connection, tables) else []
    if rebuilt and connection.dialect.name == "postgresql":
        # this transaction only: sort the new indexes in memory; commit without waiting for
        # the WAL flush (a crash loses the whole demo load or none of it)
        connection.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
    for drop, _ in rebuilt:
        connection.exec_driver_sql(drop)
    yield
    # indexes first: the foreign keys may need the unique ones (drop order reversed)
    for _, create in reversed(rebuilt):
        connection.exec_driver_sql(create)
