"""From the rows the store's set-based queries return, (group id, values...), to columns
aligned with a chunk's ascending group ids: plain numpy, no SQL (csbot.store.batch_loading
runs the queries)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from itertools import chain
from typing import Any

import numpy as np

from csbot.scoring.batch.inputs import Floats, Months

__all__ = ["medians", "months", "positions", "spread", "table"]


def positions(ids: np.ndarray, group_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of `group_ids` stands in the ascending `ids`, and which of them are there at
    all. On PostgreSQL's serial path each query of a chunk sees the groups committed by then:
    one that another replica's import added after the profiles were read has rows here but no
    place in `ids`; it is left for the next run rather than given to its neighbour."""
    at = np.searchsorted(ids, group_ids)
    known = at < len(ids)
    known[known] = ids[at[known]] == group_ids[known]
    return at[known], known


def table(rows: Sequence[Any], width: int) -> Floats:
    """Rows as a float matrix (None becomes NaN), shape (len(rows), width)."""
    try:  # fromiter takes two thirds of np.array's time, but no None
        flat = np.fromiter(chain.from_iterable(rows), np.float64, count=len(rows) * width)
    except TypeError:
        return np.array(rows, dtype=np.float64).reshape(len(rows), width)
    return flat.reshape(len(rows), width)


def spread(ids: np.ndarray, rows: Sequence[Any], width: int,
           fill: float | tuple[float, ...] = 0.0) -> Floats:  # fmt: skip
    """(group id, values...) rows as (len(ids), width) values in `ids` order; groups without
    a row get `fill` (one value, or one per column)."""
    values = table(rows, width + 1)
    out = np.full((len(ids), width), fill)
    at, known = positions(ids, values[:, 0].astype(np.int64))
    out[at] = values[known, 1:]
    return out


def medians(ids: np.ndarray, rows: Floats) -> Floats:
    """Per group in `ids`, the median of its values in (group id, value) `rows` (NaN: none);
    statistics.median's way: the middle value, or the mean of the middle two."""
    out = np.full(len(ids), np.nan)
    if not len(rows):
        return out
    values, groups = np.maximum(0.0, rows[:, 1]), rows[:, 0].astype(np.int64)
    # By value, then stably by group: lexsort's order in two thirds of its time.
    by_value = np.argsort(values)
    order = by_value[np.argsort(groups[by_value], kind="stable")]
    groups, values = groups[order], values[order]
    found, starts, counts = np.unique(groups, return_index=True, return_counts=True)
    upper = values[starts + counts // 2]
    lower = values[starts + (counts - 1) // 2]
    at, known = positions(ids, found)
    out[at] = np.where(counts % 2, upper, (lower + upper) / 2)[known]
    return out


def months(ids: np.ndarray, rows: Floats, as_of: int) -> Months:
    """(group id, month offset, amount) rows as one column per distinct month."""
    row, known = positions(ids, rows[:, 0].astype(np.int64))
    rows = rows[known]
    offsets, column = np.unique(rows[:, 1], return_inverse=True)
    firsts = [date.fromordinal(as_of + int(o)).replace(day=1) for o in offsets]
    lengths = [((f + timedelta(days=32)).replace(day=1) - f).days for f in firsts]
    shape = (len(ids), len(offsets))
    amount, booked = np.zeros(shape), np.zeros(shape, dtype=np.bool_)
    amount[row, column], booked[row, column] = rows[:, 2], True
    month = np.broadcast_to(as_of + offsets, shape)
    first = np.broadcast_to(np.array([f.toordinal() for f in firsts], dtype=np.float64), shape)
    return Months(month, first, np.broadcast_to(np.array(lengths, dtype=np.float64), shape),
                  amount, booked)  # fmt: skip
