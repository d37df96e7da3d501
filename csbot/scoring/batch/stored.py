"""BatchScores as the health_snapshot rows csbot.store.snapshot_write stores: plain tuples,
no SQL.

A snapshot's `factors` are the churn factors' ids, titles and points, most points first; the
evidence sentences are built from the same numbers by `score_group` when a card, an alert or
an export shows them, so the daily recompute never formats text for 100,000 groups.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from csbot.scoring.batch import BANDS, LEVELS, BatchScores, ordered_factors
from csbot.scoring.risk import TITLES

__all__ = ["factor_json", "snapshot_rows"]


def factor_json(points: np.ndarray, cache: dict[bytes, str]) -> str:
    """The `factors` JSON of one case's factor points (one text per distinct set of points)."""
    key = points.tobytes()
    text = cache.get(key)
    if text is None:
        factors = [
            {"id": fid.value, "title": TITLES[fid], "points": value}
            for fid, value in ordered_factors(points)
        ]
        text = cache[key] = json.dumps(factors)
    return text


def _optional(values: np.ndarray) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]  # NaN is the one value != itself


def snapshot_rows(
    ids: np.ndarray, scores: BatchScores, days: list[Any], window_days: int, computed_at: Any,
    amount: Callable[[float], Any] | None = None,
) -> Iterator[tuple[Any, ...]]:  # fmt: skip
    """The snapshot rows of the cases with data, in csbot.store.snapshot_write's COLUMNS order
    (case i: group ids[i] on days[i]; days, `computed_at` and, made by `amount` if given, the
    ARR at risk as the store takes them)."""
    keep = np.flatnonzero(scores.has_data)
    at_risk = scores.arr_at_risk[keep].tolist()
    bands = [b.value for b in BANDS]
    levels = [level.value for level in LEVELS]
    parts = [_optional(scores.parts[keep, k]) for k in range(3)]
    cache: dict[bytes, str] = {}
    factors = scores.factors
    columns = zip(
        ids[keep].tolist(), [days[i] for i in keep.tolist()], scores.score[keep].tolist(),
        *parts, scores.band[keep].tolist(), scores.churn[keep].tolist(),
        scores.churn_level[keep].tolist(), at_risk if amount is None else map(amount, at_risk),
        keep.tolist(),
        strict=True,
    )  # fmt: skip
    for gid, day, score, b, e, r, band, churn, level, at_risk, i in columns:
        yield (gid, day, window_days, score, b, e, r, bands[band], churn, levels[level],
               at_risk, factor_json(factors[i], cache), computed_at)  # fmt: skip
