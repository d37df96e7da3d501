"""Laying out a number of rows per group as flat numpy columns (csbot.demo generates its
rows this way): plain numpy, no SQL."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["micros", "rows_per_group", "within_group"]

Ints: TypeAlias = npt.NDArray[np.int64]
_EPOCH = date(1970, 1, 1).toordinal()
_DAY_US = 86_400_000_000


def micros(day: npt.ArrayLike, hour: npt.ArrayLike) -> Ints:
    """UTC microseconds since 1970 of `day` (an ordinal) at a fractional `hour`."""
    days = np.asarray(day, dtype=np.int64) - _EPOCH
    return days * _DAY_US + np.round(np.asarray(hour) * 3_600_000_000).astype(np.int64)


def rows_per_group(counts: npt.ArrayLike) -> tuple[Ints, Ints]:
    """For `counts[g]` rows of each group g: each row's group and its number within it."""
    n = np.asarray(counts, dtype=np.int64)
    group = np.repeat(np.arange(len(n), dtype=np.int64), n)
    starts = np.cumsum(n) - n
    return group, np.arange(len(group), dtype=np.int64) - starts[group]


def within_group(group: Ints, values: npt.ArrayLike) -> npt.NDArray[Any]:
    """Running totals of `values` that restart at each group (rows sorted by group)."""
    v = np.asarray(values)
    total = np.cumsum(v)
    if not len(v):
        return total
    starts = np.r_[True, group[1:] != group[:-1]]
    run = np.cumsum(starts) - 1
    return np.asarray(total - (total[starts] - v[starts])[run])
