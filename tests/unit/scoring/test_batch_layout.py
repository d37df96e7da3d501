"""csbot.scoring.batch.layout: rows per group laid out as flat columns, checked against the same
thing done a row at a time in plain Python."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np

from csbot.scoring.batch.layout import micros, rows_per_group, within_group


def test_micros_are_utc_microseconds_since_1970_at_a_fractional_hour() -> None:
    days = [date(2026, 3, 16), date(1969, 12, 31), date(1970, 1, 2)]
    hours = [9.5, 0.0, 23.999999]
    got = micros([d.toordinal() for d in days], hours)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    expected = [
        (datetime(d.year, d.month, d.day, tzinfo=UTC) - epoch) // timedelta(microseconds=1)
        + round(h * 3_600_000_000)
        for d, h in zip(days, hours, strict=True)
    ]
    assert got.tolist() == expected
    assert got.dtype == np.int64
    narrow = np.array([d.toordinal() for d in days], dtype=np.int32)  # widened before multiplying
    assert micros(narrow, hours).tolist() == expected


def test_each_row_gets_its_group_and_its_number_within_it() -> None:
    group, number = rows_per_group([2, 0, 3, 1])
    assert group.tolist() == [0, 0, 2, 2, 2, 3]
    assert number.tolist() == [0, 1, 0, 1, 2, 0]
    empty_group, empty_number = rows_per_group([])
    assert empty_group.tolist() == empty_number.tolist() == []


def test_running_totals_restart_at_each_group() -> None:
    group = np.array([0, 0, 0, 2, 2, 5, 7, 7])
    values = np.array([3, 1, 4, 1, 5, 9, 2, 6])
    expected, total = [], 0
    for n, (g, v) in enumerate(zip(group, values, strict=True)):
        total = v if n == 0 or g != group[n - 1] else total + v
        expected.append(int(total))
    assert within_group(group, values).tolist() == expected == [3, 4, 8, 1, 6, 9, 2, 8]
    assert within_group(group[:1], values[:1]).tolist() == [3]
    assert within_group(np.array([], dtype=np.int64), np.array([])).tolist() == []


def test_running_totals_of_floats_keep_their_fractions() -> None:
    group = np.array([1, 1, 4])
    assert within_group(group, np.array([0.25, 0.5, 1.75])).tolist() == [0.25, 0.75, 1.75]
