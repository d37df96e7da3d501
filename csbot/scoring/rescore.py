"""Health, band and churn risk from parts and fired factors already known: what a snapshot's
scores would have been under another config (suggested weights, the demo's renewal history).

Same formulas as csbot.scoring.batch, from a later step: the parts and which factors fired are
given, the weights, band edges and points come from `config`. The health-band factor is the one
factor worked out here, from the new band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csbot.scoring.batch import FACTORS
from csbot.scoring.batch import _band as band_of
from csbot.scoring.batch import _health as health_of
from csbot.scoring.batch.risk import Health, _points, churn
from csbot.scoring.config import FactorId, ScoringConfig

__all__ = ["Rescored", "rescore"]

Floats = np.ndarray
_BAND_FACTOR = FACTORS.index(FactorId.HEALTH_BAND)


@dataclass(frozen=True)
class Rescored:
    score: Floats
    band: np.ndarray  # index into BANDS
    points: Floats  # (cases, len(FACTORS))
    churn: Floats
    churn_level: np.ndarray  # index into LEVELS
    arr_at_risk: Floats


def rescore(parts: Floats, fired: np.ndarray, arr: Floats, config: ScoringConfig) -> Rescored:
    """`parts` (cases, 3; NaN when missing) and `fired` (cases, len(FACTORS), bool; the health
    band column is ignored) scored with `config`."""
    score = health_of(parts, config.weights)
    band = band_of(score, config.bands)
    nan = np.full(len(score), np.nan)
    has_data = ~np.isnan(parts).all(axis=1)
    health = Health(score, band, has_data, nan, parts[:, 0], nan, nan)
    fires = fired.astype(bool).copy()
    fires[:, _BAND_FACTOR] = has_data & (band >= 2)  # Needs Attention or Critical
    columns = [np.where(fires[:, k], np.broadcast_to(points, score.shape), 0.0)
               for k, points in enumerate(_points(health, config.factors))]  # fmt: skip
    points = np.stack(columns, axis=1)
    risk = churn(points, arr, config)
    return Rescored(score, band, points, risk.score, risk.level, risk.arr_at_risk)
