"""csbot.scoring.batch.stored: the health_snapshot rows of a batch's scores, one per case with
data, each value where csbot.store.snapshot_write's COLUMNS puts it and the factors JSON as a
card reads it back (most points first, ties in check order)."""

from __future__ import annotations

import json

import numpy as np

from csbot.scoring.batch import BANDS, FACTORS, LEVELS, BatchScores
from csbot.scoring.batch.stored import factor_json, snapshot_rows
from csbot.scoring.risk import TITLES

NAN = float("nan")


def _points(**by_index: float) -> list[float]:
    points = [0.0] * len(FACTORS)
    for index, value in by_index.items():
        points[int(index[1:])] = value
    return points


def _scores() -> BatchScores:
    four = np.array([1.0, 2.0, 3.0, 4.0])
    points = [_points(f2=5.0, f0=3.0), _points(f1=9.0), _points(f3=4.0, f1=4.0, f5=6.0)]
    return BatchScores(
        parts=np.array([[80.0, NAN, 60.0], [1.0, 2.0, 3.0], [NAN, 70.5, NAN], [10.0, 20.0, 30.0]]),
        previous_parts=np.full((4, 3), NAN),
        score=np.array([71.5, 0.0, 64.25, 15.0]),
        previous_score=four,
        band=np.array([1, 0, 3, 2]),
        has_data=np.array([True, False, True, True]),
        slope_per_day=four,
        factors=np.array([*points, points[0]]),
        churn=np.array([8.0, 9.0, 14.0, 8.0]),
        churn_level=np.array([1, 2, 2, 0]),
        arr_at_risk=np.array([1200.0, 5.0, 3000.5, NAN]),
    )


def _factors(*ranked: tuple[int, float]) -> list[dict[str, object]]:
    return [{"id": FACTORS[i].value, "title": TITLES[FACTORS[i]], "points": p} for i, p in ranked]


def test_each_case_with_data_is_one_row_in_the_stores_column_order() -> None:
    rows = list(snapshot_rows(np.array([10, 20, 30, 40]), _scores(), ["d0", "d1", "d2", "d3"],
                              30, "now"))  # fmt: skip
    decoded = [(*row[:11], json.loads(row[11]), row[12]) for row in rows]
    b, lv = [band.value for band in BANDS], [level.value for level in LEVELS]
    assert decoded == [
        (10, "d0", 30, 71.5, 80.0, None, 60.0, b[1], 8.0, lv[1], 1200.0,
         _factors((2, 5.0), (0, 3.0)), "now"),
        (30, "d2", 30, 64.25, None, 70.5, None, b[3], 14.0, lv[2], 3000.5,
         _factors((5, 6.0), (1, 4.0), (3, 4.0)), "now"),
        (40, "d3", 30, 15.0, 10.0, 20.0, 30.0, b[2], 8.0, lv[0], decoded[2][10],
         _factors((2, 5.0), (0, 3.0)), "now"),
    ]  # fmt: skip
    assert decoded[2][10] != decoded[2][10]  # an ARR at risk of NaN stays NaN (never None)


def test_no_case_with_data_is_no_row() -> None:
    scores = _scores()
    none = BatchScores(**{**scores.__dict__, "has_data": np.zeros(4, dtype=bool)})
    assert list(snapshot_rows(np.array([1, 2, 3, 4]), none, [0, 1, 2, 3], 7, None)) == []


def test_each_distinct_set_of_points_is_formatted_once_and_kept() -> None:
    cache: dict[bytes, str] = {}
    first, second = np.array(_points(f2=5.0, f0=3.0)), np.array(_points(f1=9.0))
    text = factor_json(first, cache)
    assert json.loads(text) == _factors((2, 5.0), (0, 3.0))
    assert json.loads(factor_json(second, cache)) == _factors((1, 9.0))
    assert factor_json(first.copy(), cache) is text
    assert sorted(cache.values()) == sorted([text, factor_json(second, cache)])
    assert json.loads(factor_json(np.zeros(len(FACTORS)), {})) == []
