"""Which columns PostgreSQL's COPY takes in binary: the demo's packed columns (copy_columns) and
the import's rows (Upserter, through binary_types) ask one map, so both COPY integers, floats and
days in binary and every other column type as text; rows COPYed with those types are stored as
given."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Double,
    Engine,
    Float,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.types import TypeEngine

from csbot.store.bulk import _binary, binary_types, copy_rows_on
from csbot.store.ingest import KINDS
from csbot.store.ingest.fast import row_columns
from csbot.store.models import Base
from csbot.store.types import UTCDateTime

PG = postgresql.dialect()  # type: ignore[no-untyped-call]
# each type, and its name for psycopg when binary COPY takes its values as they are
BINARY: list[tuple[TypeEngine[Any], str]] = [
    (Integer(), "int4"), (BigInteger(), "int8"), (Float(), "float8"), (Double(), "float8"),
    (Date(), "date"),
]  # fmt: skip
TEXT: list[TypeEngine[Any]] = [
    SmallInteger(), Float(precision=24), Numeric(14, 2), String(20), Text(), Boolean(), JSON(),
    UTCDateTime(),
]  # fmt: skip


def _table(kind: TypeEngine[Any]) -> Table:
    return Table("t", MetaData(), Column("id", Integer), Column("v", kind))


@pytest.mark.parametrize(("kind", "name"), BINARY, ids=[type(k).__name__ for k, _ in BINARY])
def test_both_paths_copy_integers_floats_and_days_in_binary(kind: TypeEngine[Any], name: str
                                                            ) -> None:  # fmt: skip
    table = _table(kind)
    assert binary_types(PG, table, ["id", "v"]) == ["int4", name]
    packed = _binary(PG, table, {"id": np.array([1, 2]), "v": np.array([3, 4])})
    assert packed is not None and packed.startswith(b"PGCOPY\n\xff\r\n\x00")


@pytest.mark.parametrize(("kind", "packs"), [(Float(), True), (Double(), True),
                                           (Integer(), False), (BigInteger(), False),
                                           (Date(), False)])  # fmt: skip
def test_floats_are_packed_in_binary_only_for_float_columns(kind: TypeEngine[Any], packs: bool
                                                           ) -> None:  # fmt: skip
    """Packed into an integer or a day a float would lose its fraction; text COPY refuses it."""
    table = _table(kind)
    packed = _binary(PG, table, {"id": np.array([1, 2]), "v": np.array([3.5, 4.0])})
    assert (packed is not None) is packs
    if packs:  # the floats' own bytes, not a whole number's
        assert np.array([3.5], dtype=">f8").tobytes() in packed
    unsigned = np.array([3, 4], dtype=np.uint16)  # any integer goes into any of these columns
    assert _binary(PG, table, {"id": np.array([1, 2]), "v": unsigned}) is not None


@pytest.mark.parametrize("kind", TEXT, ids=[str(k).replace(" ", "") for k in TEXT])
def test_both_paths_copy_any_other_column_as_text(kind: TypeEngine[Any]) -> None:
    table = _table(kind)
    assert binary_types(PG, table, ["id", "v"]) == []
    assert binary_types(PG, table, ["id"]) == ["int4"]  # the other column alone would be binary
    assert _binary(PG, table, {"id": np.array([1, 2]), "v": np.array([3, 4])}) is None


def test_the_import_copies_usage_in_binary_and_every_other_kind_as_text() -> None:
    chosen = {
        name: binary_types(PG, Base.metadata.tables[kind.table], row_columns(kind))
        for name, kind in KINDS.items()
    }
    assert chosen.pop("usage") == ["date", "int4", "int4", "float8", "int4", "int4", "int4",
                                   "int4"]  # fmt: skip
    assert chosen == {name: [] for name in chosen}


def test_rows_copied_with_the_binary_types_are_stored_as_given(engine: Engine) -> None:
    columns = [Column(f"c{n}", kind) for n, (kind, _) in enumerate(BINARY)]
    table = Table("binary_types_probe", MetaData(), *columns)
    rows = [(-(2**31), 2**40, 0.1, -2.5e300, date(1999, 12, 31)),
            (2**31 - 1, -(2**63), 1e-300, 7.0, date(2026, 3, 1))]  # fmt: skip
    names, sqlite = [c.name for c in columns], engine.dialect.name == "sqlite"
    given = [(*row[:-1], row[-1].isoformat()) for row in rows] if sqlite else rows  # its driver's
    with engine.begin() as connection:
        table.create(connection)
        copy_rows_on(connection, table.name, names, given,
                     types=binary_types(connection.dialect, table, names))  # fmt: skip
    with engine.connect() as connection:
        assert sorted(connection.execute(select(table)).all()) == sorted(rows)
