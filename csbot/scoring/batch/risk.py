"""Churn-risk factors and churn risk for many cases at once: the checks of
csbot.scoring.risk over arrays, one column of points per factor in `FACTORS` order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csbot.scoring.batch.inputs import BatchInputs, Floats
from csbot.scoring.config import FactorId, FactorRules, ScoringConfig
from csbot.scoring.types import Band, RiskLevel

__all__ = ["FACTORS", "Health", "factor_points", "ordered_factors"]

FACTORS: tuple[FactorId, ...] = tuple(FactorId)
"""The factors in the order risk.CHECKS tries them (the tie order when points are equal)."""
BANDS: tuple[Band, ...] = tuple(Band)
LEVELS: tuple[RiskLevel, ...] = tuple(RiskLevel)


@dataclass(frozen=True)
class Health:
    """What the factor checks read of health and revenue, per case."""

    score: Floats
    band: np.ndarray  # index into BANDS
    has_data: np.ndarray
    change: Floats  # NaN without a previous score
    billability: Floats
    previous_billability: Floats
    revenue_growth_pct: Floats


def _ratio_drop(before: Floats, now: Floats) -> Floats:
    with np.errstate(all="ignore"):
        return 100.0 * (before - now) / before


def _users_falling(inputs: BatchInputs, rules: FactorRules) -> np.ndarray:
    now_days, before_days = inputs.usage.days, inputs.previous_usage.days
    with np.errstate(all="ignore"):
        now = inputs.usage.active_users / now_days
        before = inputs.previous_usage.active_users / before_days
    known = (now_days > 0) & (before_days > 0) & (before != 0)
    return np.asarray(known & (_ratio_drop(before, now) >= rules.active_users_falling_pct))


def _onboarding_stalled(inputs: BatchInputs, rules: FactorRules) -> np.ndarray:
    last_done = inputs.onboarding_last_done_ago
    idle = np.where(np.isnan(last_done), inputs.contract_start_ago, last_done)
    idle_long = ~np.isnan(idle) & (idle >= rules.onboarding_stalled_days)
    return (inputs.onboarding_open > 0) & ((inputs.onboarding_overdue > 0) | idle_long)


def _triggers(inputs: BatchInputs, health: Health, rules: FactorRules) -> list[np.ndarray]:
    """Per factor, in FACTORS order: does its check fire (before its points are counted)?"""
    support = inputs.support
    critical = BANDS.index(Band.CRITICAL)
    attention = BANDS.index(Band.NEEDS_ATTENTION)
    touch = inputs.last_touch_ago
    with np.errstate(all="ignore"):
        return [
            health.has_data & ((health.band == critical) | (health.band == attention)),
            -health.change >= rules.health_falling_drop,
            _users_falling(inputs, rules),
            health.previous_billability - health.billability >= rules.billability_falling_drop,
            -health.revenue_growth_pct >= rules.revenue_falling_pct,
            support.open_high_priority > 0,
            support.first_response_median > rules.slow_first_response_hours,
            support.latest_nps <= rules.nps_detractor_max,
            support.csat_average < rules.low_csat_below,
            _onboarding_stalled(inputs, rules),
            (inputs.renewal_in >= 0) & (inputs.renewal_in <= rules.renewal_soon_days),
            np.isnan(touch) | (touch >= rules.no_cs_touch_days),
        ]


def _points(health: Health, rules: FactorRules) -> list[float | Floats]:
    critical = health.band == BANDS.index(Band.CRITICAL)
    band_points = np.where(critical, rules.critical_points, rules.needs_attention_points)
    return [
        band_points,
        rules.health_falling_points,
        rules.active_users_falling_points,
        rules.billability_falling_points,
        rules.revenue_falling_points,
        rules.open_high_priority_points,
        rules.slow_first_response_points,
        rules.nps_detractor_points,
        rules.low_csat_points,
        rules.onboarding_stalled_points,
        rules.renewal_soon_points,
        rules.no_cs_touch_points,
    ]


def factor_points(inputs: BatchInputs, health: Health, rules: FactorRules) -> Floats:
    """Points per case and factor, shape (cases, len(FACTORS)); 0 where a factor is absent."""
    columns = [
        np.where(fires, points, 0.0)
        for fires, points in zip(
            _triggers(inputs, health, rules), _points(health, rules), strict=True
        )
    ]
    return np.stack(columns, axis=1) if columns else np.zeros((len(inputs), 0))


def ordered_factors(points: Floats) -> list[tuple[FactorId, float]]:
    """One case's factors as risk.risk_factors orders them: most points first, then check order."""
    present = [(FACTORS[i], float(p)) for i, p in enumerate(points) if p > 0]
    return sorted(present, key=lambda item: -item[1])


@dataclass(frozen=True)
class Churn:
    score: Floats
    level: np.ndarray  # index into LEVELS
    arr_at_risk: Floats


def churn(points: Floats, arr: Floats, config: ScoringConfig) -> Churn:
    """Sum of factor points (most first, as risk.churn_risk adds them), capped; level; ARR."""
    total = np.zeros(points.shape[0])
    for column in (-np.sort(-points, axis=1)).T:  # left to right, like Python's sum()
        total = total + column
    score = np.minimum(config.churn_levels.cap, total)
    edges = config.churn_levels
    level = (score >= edges.medium).astype(np.int8)
    level += score >= edges.high
    level += score >= edges.very_high
    shares = config.arr_at_risk
    share = np.array([shares.low, shares.medium, shares.high, shares.very_high])[level]
    at_risk = np.array([round(v, 2) for v in (arr * share).tolist()], dtype=np.float64)
    return Churn(score, level, at_risk)
