"""Whole numpy columns of days and UTC times as the text the stores take (csbot.store.bulk
writes them): plain numpy, no SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import numpy.typing as npt

__all__ = ["binary_copy", "pg_days", "stored_days", "stored_times"]

_EPOCH = date(1970, 1, 1).toordinal()
_PG_EPOCH = date(2000, 1, 1).toordinal()
_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # then no flags, no header extension


def _ordinals(ordinals: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Day ordinals as integers; ValueError for one with a fraction (or NaN), never cut off."""
    values = np.asarray(ordinals)
    if values.dtype.kind == "f" and not np.all(np.isfinite(values) & (values == np.trunc(values))):
        wrong = values[~(np.isfinite(values) & (values == np.trunc(values)))][0]
        raise ValueError(f"a day ordinal must be a whole number, not {wrong}")
    return values.astype(np.int64)


def stored_days(ordinals: npt.ArrayLike) -> list[str | None]:
    """Day ordinals (date.toordinal(); negative: no day) as ISO dates, which both stores take.
    Each distinct day is formatted once (a column holds few): its rows share that text."""
    distinct, where = np.unique(_ordinals(ordinals), return_inverse=True)
    days = (distinct - _EPOCH).astype("datetime64[D]")
    return _or_none(distinct, np.datetime_as_string(days, unit="D"), where)


def stored_times(micros: npt.ArrayLike, dialect: str) -> list[str | None]:
    """UTC times (microseconds since 1970; negative: none) as this store keeps them: SQLAlchemy's
    SQLite format (2026-03-16 09:30:00.000000), or ISO 8601 in UTC for PostgreSQL
    (2026-03-16T09:30:00.000000Z)."""
    values = np.asarray(micros, dtype=np.int64)
    text = np.datetime_as_string(values.astype("datetime64[us]"), unit="us")
    width = text.dtype.itemsize // 4  # UCS-4 code points per value, 26 of them used
    codes = np.zeros((len(text), 27), dtype=np.uint32)
    codes[:, :26] = np.ndarray((len(text), width), dtype=np.uint32, buffer=text)[:, :26]
    at, mark = (26, "Z") if dialect == "postgresql" else (10, " ")  # a Z after, or no T
    codes[:, at] = ord(mark)
    return _or_none(values, codes.view("<U27").ravel())


def _or_none(values: npt.NDArray[np.int64], text: npt.NDArray[np.str_],
             where: npt.NDArray[np.intp] | None = None) -> list[str | None]:  # fmt: skip
    """`text` (taken at `where`, if given) as a list, None where `values` is negative."""
    out = text.astype(object)
    out[values < 0] = None
    return list((out if where is None else out[where]).tolist())


def pg_days(ordinals: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Day ordinals as PostgreSQL's binary dates count them, from 1 January 2000; no day (a
    negative ordinal) comes out below -730,000."""
    values = _ordinals(ordinals)
    return np.where(values < 0, -(2**40), values - _PG_EPOCH)


def binary_copy(columns: Sequence[tuple[npt.ArrayLike, str]]) -> bytes | None:
    """Rows of fixed-width columns, (values, big-endian dtype such as ">i4"), in PostgreSQL's
    binary COPY format: a signature, then per row its field count and each field's length and
    value, then -1. None if a value does not fit its dtype (no day, below -730,000, fits none):
    text refuses it, where binary would store it wrapped around."""
    for values, dtype in columns:
        kind = np.dtype(dtype)
        fits = np.iinfo(kind) if kind.kind == "i" else None
        if (
            fits is not None
            and np.size(values)
            and not fits.min <= np.min(values) <= np.max(values) <= fits.max
        ):
            return None
    fields = [("count", ">i2")]
    for n, (_, dtype) in enumerate(columns):
        fields += [(f"length{n}", ">i4"), (f"value{n}", dtype)]
    rows = np.empty(len(np.asarray(columns[0][0])) if columns else 0, dtype=np.dtype(fields))
    rows["count"] = len(columns)
    for n, (values, dtype) in enumerate(columns):
        rows[f"length{n}"] = np.dtype(dtype).itemsize
        rows[f"value{n}"] = values
    return _SIGNATURE + rows.tobytes() + b"\xff\xff"
