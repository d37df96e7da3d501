"""Holds batch scoring to `score_group`: every number of one case, to 1e-9."""

from __future__ import annotations

import math

from csbot.scoring.batch import BANDS, LEVELS, BatchScores, ordered_factors
from csbot.scoring.types import GroupScore

TOLERANCE = 1e-9


def _close(got: float, expected: float | None, what: str) -> None:
    if expected is None:
        assert math.isnan(got), f"{what}: expected None, got {got}"
    else:
        assert math.isclose(got, expected, rel_tol=TOLERANCE, abs_tol=TOLERANCE), (
            f"{what}: expected {expected}, got {got}"
        )


def assert_same(scores: BatchScores, i: int, expected: GroupScore) -> None:
    """Case `i` of `scores` says what `expected` (score_group's result) says, number by number."""
    health = expected.health
    for k, part in enumerate(health.components):
        _close(float(scores.parts[i, k]), part.value, part.label)
        _close(float(scores.previous_parts[i, k]), part.previous_value, f"previous {part.label}")
    _close(float(scores.score[i]), health.score, "score")
    _close(float(scores.previous_score[i]), health.previous_score, "previous score")
    _close(float(scores.change[i]), health.change, "change")
    assert bool(scores.has_data[i]) is health.has_data
    assert BANDS[scores.band[i]] is health.band
    _close(float(scores.slope_per_day[i]), expected.trend.slope_per_day, "slope")
    factors = [(f.id, f.points) for f in expected.churn.factors]
    assert [(fid.value, points) for fid, points in ordered_factors(scores.factors[i])] == factors
    _close(float(scores.churn[i]), expected.churn.score, "churn")
    assert LEVELS[scores.churn_level[i]] is expected.churn.level
    _close(float(scores.arr_at_risk[i]), expected.churn.arr_at_risk, "ARR at risk")
