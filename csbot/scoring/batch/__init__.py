"""Batch scoring: `score_group`'s numbers for many cases at once, over numpy columns.

The daily recompute scores every group here (a group on a day is a case); the reasons, the
evidence and the playbook stay with `score_group`, which cards and alerts call for the groups
they show. Both follow the same formulas in the same order of operations, and the tests hold
this module to `score_group` to 1e-9: change one, change the other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csbot.scoring.batch.inputs import BatchInputs, Floats, History, Months, Support, Usage
from csbot.scoring.batch.parts import (
    PlanColumns,
    billability,
    engagement,
    revenue,
    revenue_figures,
    window_bounds,
    window_revenue,
)
from csbot.scoring.batch.risk import BANDS, FACTORS, LEVELS, Health, churn, factor_points
from csbot.scoring.batch.risk import ordered_factors as ordered_factors
from csbot.scoring.config import BandThresholds, HealthWeights, ScoringConfig

__all__ = [
    "BANDS",
    "FACTORS",
    "LEVELS",
    "BatchInputs",
    "BatchScores",
    "History",
    "Months",
    "Support",
    "Usage",
    "ordered_factors",
    "score_batch",
]


@dataclass(frozen=True)
class BatchScores:
    """Per case: the parts (NaN when missing), health, band, trend and churn risk.

    `parts` and `previous_parts` have shape (cases, 3): billability, engagement, revenue.
    `band` indexes BANDS, `churn_level` LEVELS; `factors` holds each factor's points
    (0 when absent), shape (cases, len(FACTORS)).
    """

    parts: Floats
    previous_parts: Floats
    score: Floats
    previous_score: Floats  # NaN when the previous window had no data
    band: np.ndarray
    has_data: np.ndarray
    slope_per_day: Floats  # NaN under two snapshots
    factors: Floats
    churn: Floats
    churn_level: np.ndarray
    arr_at_risk: Floats

    @property
    def change(self) -> Floats:
        return self.score - self.previous_score

    def __len__(self) -> int:
        return len(self.score)


def _band(score: Floats, edges: BandThresholds) -> np.ndarray:
    """Index into BANDS (Excellent first); a score on an edge belongs to the band above."""
    worse = (score < edges.excellent).astype(np.int8)
    worse += score < edges.good
    worse += score < edges.needs_attention
    return worse


def _health(parts: Floats, weights: HealthWeights) -> Floats:
    """Weighted sum, the weight of missing parts shared out (health._effective_weights)."""
    configured = (weights.billability, weights.engagement, weights.revenue)
    missing = np.isnan(parts)
    kept = [np.where(missing[:, i], 0.0, configured[i]) for i in range(3)]
    total = (kept[0] + kept[1]) + kept[2]
    score = np.zeros(parts.shape[0])
    with np.errstate(all="ignore"):
        for i in range(3):
            effective = np.where(total > 0, kept[i] / total, 0.0)
            score = score + np.where(missing[:, i], 0.0, parts[:, i] * effective)
    return score


def _parts(
    inputs: BatchInputs, plan: PlanColumns, config: ScoringConfig, back: int
) -> tuple[Floats, Floats]:
    """(cases, 3) parts over the window `back` windows before each case's own (0 or 1), and
    that window's revenue growth in percent (NaN with no previous revenue)."""
    usage = inputs.previous_usage if back else inputs.usage
    now = window_revenue(inputs.months, *window_bounds(inputs, back))
    before = window_revenue(inputs.months, *window_bounds(inputs, back + 1))
    figures = revenue_figures(now, before, inputs.arr, plan)
    values = (
        billability(usage),
        engagement(usage, inputs.seats, plan, config),
        revenue(figures, config),
    )
    return np.stack(values, axis=1), figures.growth_pct


def _slope(history: History, today: Floats, has_data: np.ndarray) -> Floats:
    """trend.slope over the earlier snapshots plus today's score at x = 0 (when scored)."""
    n = history.n + has_data
    sum_y = history.sum_y + np.where(has_data, today, 0.0)
    sum_x, sum_xy, sum_xx = history.sum_x, history.sum_xy, history.sum_xx
    denominator = n * sum_xx - sum_x**2
    with np.errstate(all="ignore"):
        slope = (n * sum_xy - sum_x * sum_y) / denominator
    return np.where((n >= 2) & (denominator > 1e-12), slope, np.nan)


def score_batch(inputs: BatchInputs, config: ScoringConfig) -> BatchScores:
    """Score every case of `inputs` with `config` (the running one: `Services.scoring`)."""
    plan = PlanColumns.of(inputs.plans, config)
    parts, growth = _parts(inputs, plan, config, back=0)
    previous, _ = _parts(inputs, plan, config, back=1)
    score = _health(parts, config.weights)
    has_previous = np.asarray(~np.isnan(previous).all(axis=1))
    previous_score = np.where(has_previous, _health(previous, config.weights), np.nan)
    has_data = np.asarray(~np.isnan(parts).all(axis=1))
    band = _band(score, config.bands)
    health = Health(
        score, band, has_data, score - previous_score, parts[:, 0], previous[:, 0], growth
    )
    points = factor_points(inputs, health, config.factors)
    risk = churn(points, inputs.arr, config)
    history = inputs.history if len(inputs.history.n) else History.empty(len(inputs))
    return BatchScores(
        parts=parts,
        previous_parts=previous,
        score=score,
        previous_score=previous_score,
        band=band,
        has_data=has_data,
        slope_per_day=_slope(history, score, has_data),
        factors=points,
        churn=risk.score,
        churn_level=risk.level,
        arr_at_risk=risk.arr_at_risk,
    )
