"""csbot.scoring.batch.text: whole numpy columns as the text the stores keep (each value as
Python's own formatting gives it) and as PostgreSQL's binary COPY data (each row as its
documented layout: a field count, then each field's length and big-endian value)."""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import numpy as np
import numpy.typing as npt
import pytest
from sqlalchemy.dialects import sqlite

from csbot.scoring.batch.text import binary_copy, pg_days, stored_days, stored_times
from csbot.store.types import UTCDateTime

DAYS = [date(2026, 3, 16), date(1969, 12, 31), date(1970, 1, 1), date(2000, 2, 29),
        date(2026, 3, 16), date(1, 1, 1), date(9999, 12, 31), date(2026, 3, 15)]  # fmt: skip
TIMES = [datetime(2026, 3, 16, 9, 30, 0, 5, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC),
         datetime(2001, 9, 9, 1, 46, 40, 999_999, tzinfo=UTC),
         datetime(2999, 12, 31, 23, 59, 59, 123_456, tzinfo=UTC)]  # fmt: skip
SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)  # no flags, no extension
TRAILER = struct.pack(">h", -1)


def _micros(when: datetime) -> int:
    return (when - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def test_days_are_iso_dates_and_no_day_is_none() -> None:
    ordinals = [d.toordinal() for d in DAYS]
    assert stored_days(ordinals) == [d.isoformat() for d in DAYS]
    some = [DAYS[0].isoformat(), None, DAYS[1].isoformat(), None]
    assert stored_days([ordinals[0], -1, ordinals[1], -5]) == some
    assert stored_days(np.array([], dtype=np.int64)) == []


FORMS = [("sqlite", "%Y-%m-%d %H:%M:%S.%f"), ("postgresql", "%Y-%m-%dT%H:%M:%S.%fZ")]


@pytest.mark.parametrize(("dialect", "form"), FORMS)
def test_times_are_in_each_stores_format_and_no_time_is_none(dialect: str, form: str) -> None:
    micros = [_micros(t) for t in TIMES]
    assert stored_times(micros, dialect) == [t.strftime(form) for t in TIMES]
    assert stored_times([micros[0], -1], dialect) == [TIMES[0].strftime(form), None]


def test_sqlite_times_are_what_sqlalchemy_stores() -> None:
    dialect = sqlite.dialect()
    store = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert store is not None
    assert stored_times([_micros(t) for t in TIMES], "sqlite") == [store(t) for t in TIMES]


def test_days_count_from_2000_for_postgresql_and_no_day_fits_no_date() -> None:
    ordinals = [date(2000, 1, 1).toordinal(), date(1999, 12, 31).toordinal(),
                date(2026, 3, 16).toordinal(), -1]  # fmt: skip
    days = pg_days(ordinals)
    assert days.tolist()[:3] == [0, -1, (date(2026, 3, 16) - date(2000, 1, 1)).days]
    assert days[3] < -730_000 - 2**31  # beyond even an int4, so binary_copy refuses it
    assert binary_copy([(days, ">i4")]) is None
    assert binary_copy([(days[:3], ">i4")]) is not None


def test_binary_rows_are_laid_out_as_postgresql_reads_them() -> None:
    ints, longs, floats = np.array([7, -(2**31)]), np.array([2**40, -1]), np.array([0.5, -2e300])
    packed = binary_copy([(ints, ">i4"), (longs, ">i8"), (floats, ">f8")])
    rows = b"".join(struct.pack(">hiiiqid", 3, 4, int(i), 8, int(q), 8, float(f))
                    for i, q, f in zip(ints, longs, floats, strict=True))  # fmt: skip
    assert packed == SIGNATURE + rows + TRAILER


def test_no_rows_is_the_header_and_trailer_alone() -> None:
    assert binary_copy([(np.array([], dtype=np.int64), ">i4")]) == SIGNATURE + TRAILER
    assert binary_copy([]) == SIGNATURE + TRAILER  # no columns: no rows either


def test_a_column_of_one_value_packs_like_any_other() -> None:
    one = struct.pack(">hii", 1, 4, 3)
    assert binary_copy([(np.array([3]), ">i4")]) == SIGNATURE + one + TRAILER
    assert binary_copy([(np.array([3, 3]), ">i4")]) == SIGNATURE + one + one + TRAILER


def test_no_day_stays_out_of_range_whatever_the_ordinals_integer_width() -> None:
    ordinals = np.array([date(2026, 3, 16).toordinal(), -1], dtype=np.int32)
    days = pg_days(ordinals)
    assert days[0] == (date(2026, 3, 16) - date(2000, 1, 1)).days
    assert days[1] < -730_000  # not wrapped around to a day of 2000
    assert binary_copy([(days, ">i4")]) is None


TOO_WIDE = [([1, 2**31], ">i4"), ([-(2**31) - 1, 1], ">i4"), ([2**31, 2**31], ">i4"),
            ([0, 2**15], ">i2")]  # fmt: skip


@pytest.mark.parametrize(("values", "dtype"), TOO_WIDE)
def test_a_value_that_does_not_fit_its_width_refuses_the_whole_block(
    values: list[int], dtype: str
) -> None:
    fits = np.array([1, 2])
    assert binary_copy([(fits, ">i4"), (np.array(values), dtype)]) is None
    assert binary_copy([(np.array(values), dtype), (fits, ">i4")]) is None


def test_the_widest_values_that_fit_are_kept_and_floats_are_never_refused() -> None:
    edges = np.array([2**31 - 1, -(2**31)])
    floats = np.array([1e308, -1e308])
    packed = binary_copy([(edges, ">i4"), (floats, ">f8")])
    rows = b"".join(struct.pack(">hiiid", 2, 4, int(i), 8, float(f))
                    for i, f in zip(edges, floats, strict=True))  # fmt: skip
    assert packed == SIGNATURE + rows + TRAILER


@pytest.mark.parametrize("wrong", [0.5, float("nan"), float("inf")])
@pytest.mark.parametrize("convert", [stored_days, pg_days], ids=["stored_days", "pg_days"])
def test_a_day_ordinal_with_a_fraction_is_refused_never_cut_off(
    convert: Callable[[npt.ArrayLike], object], wrong: float
) -> None:
    ordinals = np.array([float(DAYS[0].toordinal()), DAYS[0].toordinal() + wrong])
    shown = re.escape(str(ordinals[1]))
    with pytest.raises(ValueError, match=f"day ordinal must be a whole number, not {shown}$"):
        convert(ordinals)


def test_whole_day_ordinals_given_as_floats_are_the_same_days() -> None:
    ordinals = [d.toordinal() for d in DAYS]
    as_floats = np.array(ordinals, dtype=np.float64)
    assert stored_days(as_floats) == stored_days(ordinals)
    assert list(pg_days(as_floats)) == list(pg_days(ordinals))
    assert pg_days(as_floats).dtype == np.int64  # binary COPY's integer packing takes it
