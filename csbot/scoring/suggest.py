"""Suggested weights: component weights and factor points fitted to recorded renewal outcomes.

Two logistic regressions (scikit-learn) on the earlier renewals: churn against the three parts
(a weight is the part's negative coefficient, the negatives dropped, scaled to sum to 1), and
churn against the band and the risk factors that fired (points are the positive coefficients,
scaled to the current config's total points, in whole points). Both configs are then audited
on the later renewals, re-scored from the same snapshots, so the comparison is fair and never
sees the period it is judged on. Nothing changes until a person points
CSBOT_SCORING_CONFIG at the file `csbot backtest --suggest FILE` writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from csbot.scoring.audit import PARTS, Audit, AuditCase, audit
from csbot.scoring.batch import BANDS, FACTORS, LEVELS
from csbot.scoring.config import FactorId, ScoringConfig, build_config
from csbot.scoring.rescore import rescore

__all__ = ["TRAIN_SHARE", "Suggestion", "suggest", "suggested_data"]

TRAIN_SHARE = 2 / 3
"""The earliest two thirds of renewals (whole days) train; the rest test."""
MIN_CHURNS = 4
"""Each side needs at least this many churns (and renewals) to fit or judge anything."""
# Factor points as config keys; the health band factor is two: Critical and Needs Attention.
POINT_KEYS: dict[str, str] = {
    "critical": "critical_points",
    "needs_attention": "needs_attention_points",
    **{f.value: f"{f.value}_points" for f in FACTORS if f is not FactorId.HEALTH_BAND},
}
POINT_KEYS["open_high_priority_tickets"] = "open_high_priority_points"


@dataclass(frozen=True)
class Suggestion:
    """A fitted config beside the current one, both audited on the same later renewals."""

    train: tuple[date, date, int, int]  # first, last renewal, cases, churns
    test: tuple[date, date, int, int]
    weights: dict[str, tuple[float, float]]  # part: (current, suggested)
    points: dict[str, tuple[float, float]]  # config key: (current, suggested)
    current: Audit
    suggested: Audit
    overrides: dict[str, Any]  # the keys that change, as CSBOT_SCORING_CONFIG takes them

    @property
    def better(self) -> bool:
        """Suggested health and churn-risk AUCs both at least the current ones on the test
        period, one of them higher."""
        pairs = [(self.current.health, self.suggested.health),
                 (self.current.churn_risk, self.suggested.churn_risk)]  # fmt: skip
        if any(a is None or b is None for a, b in pairs):
            return False
        gains = [b.value - a.value for a, b in pairs if a and b]
        return min(gains) >= 0 and max(gains) > 0


def _split(cases: Sequence[AuditCase]) -> tuple[list[AuditCase], list[AuditCase]]:
    ordered = sorted(cases, key=lambda c: (c.renewal_date, c.group))
    if not ordered:
        return [], []
    cut = ordered[int(len(ordered) * TRAIN_SHARE) - 1].renewal_date if len(ordered) > 1 else None
    train = [c for c in ordered if cut is not None and c.renewal_date <= cut]
    return train, [c for c in ordered if c not in train]


def _enough(cases: Sequence[AuditCase]) -> bool:
    churns = sum(c.churned for c in cases)
    return churns >= MIN_CHURNS and len(cases) - churns >= MIN_CHURNS


def _parts(cases: Sequence[AuditCase]) -> np.ndarray:
    return np.array([[np.nan if p is None else p for p in c.parts] for c in cases], dtype=float)


def _fired(cases: Sequence[AuditCase]) -> np.ndarray:
    return np.array([[f in c.factors for f in FACTORS] for c in cases], dtype=bool)


def _fit(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    model.fit(x, y)
    return np.asarray(model.coef_[0])


def _weights(train: Sequence[AuditCase], labels: np.ndarray, config: ScoringConfig
             ) -> dict[str, float]:  # fmt: skip
    parts = _parts(train)
    means = np.nanmean(np.where(np.isnan(parts), np.nan, parts), axis=0)
    filled = np.where(np.isnan(parts), np.nan_to_num(means, nan=50.0), parts) / 100.0
    raw = np.clip(-_fit(filled, labels), 0, None)
    if raw.sum() <= 0:
        return dict(config.weights.model_dump())
    shares = np.round(raw / raw.sum(), 2)
    shares[int(np.argmax(shares))] += round(1 - float(shares.sum()), 2)
    return {name: round(float(v), 2) for name, v in zip(PARTS, shares, strict=True)}


def _features(cases: Sequence[AuditCase]) -> np.ndarray:
    fired = _fired(cases)
    band = np.array([c.band.rank for c in cases])
    columns = [band == 3, band == 2]
    columns += [fired[:, k] for k, f in enumerate(FACTORS) if f is not FactorId.HEALTH_BAND]
    return np.column_stack(columns).astype(float)


def _points(train: Sequence[AuditCase], labels: np.ndarray, config: ScoringConfig
            ) -> dict[str, float]:  # fmt: skip
    current = config.factors.model_dump()
    budget = sum(float(current[key]) for key in POINT_KEYS.values())
    raw = np.clip(_fit(_features(train), labels), 0, None)
    if raw.sum() <= 0:
        return {key: float(current[key]) for key in POINT_KEYS.values()}
    scaled = np.round(raw / raw.sum() * budget)
    scaled[0] = max(scaled[0], scaled[1])  # Critical never costs less than Needs Attention
    return {key: float(v) for key, v in zip(POINT_KEYS.values(), scaled, strict=True)}


def rescored(cases: Sequence[AuditCase], config: ScoringConfig) -> list[AuditCase]:
    """The cases as `config` would have scored their snapshots."""
    if not cases:
        return []
    done = rescore(_parts(cases), _fired(cases), np.zeros(len(cases)), config)
    return [
        replace(c, score=float(done.score[i]), band=BANDS[int(done.band[i])],
                churn_risk=float(done.churn[i]), churn_level=LEVELS[int(done.churn_level[i])],
                factors=frozenset(f for k, f in enumerate(FACTORS) if done.points[i, k] > 0))
        for i, c in enumerate(cases)
    ]  # fmt: skip


def suggested_data(config: ScoringConfig, overrides: dict[str, Any]) -> dict[str, Any]:
    """The whole of `config` with the suggested weights and points in (a complete file)."""
    data = config.model_dump(mode="json")
    for key, values in overrides.items():
        data[key] = {**data[key], **values}
    return data


def _span(cases: Sequence[AuditCase]) -> tuple[date, date, int, int]:
    return (cases[0].renewal_date, cases[-1].renewal_date, len(cases),
            sum(c.churned for c in cases))  # fmt: skip


def suggest(cases: Sequence[AuditCase], config: ScoringConfig, *, horizon_days: int
            ) -> Suggestion | str:  # fmt: skip
    """The suggestion, or why there is none (too few churns or renewals on either side)."""
    train, test = _split(cases)
    if not (_enough(train) and _enough(test)):
        return (f"too few outcomes to fit and test weights: each of the earlier {TRAIN_SHARE:.0%}"
                f" of renewals and the later rest needs {MIN_CHURNS} churns and {MIN_CHURNS} "
                "renewals")  # fmt: skip
    labels = np.array([c.churned for c in train], dtype=bool)
    weights = _weights(train, labels, config)
    points = _points(train, labels, config)
    overrides = {"weights": weights, "factors": points}
    fitted = build_config(suggested_data(config, overrides), source="suggestion")
    now_w, now_p = config.weights.model_dump(), config.factors.model_dump()
    return Suggestion(
        train=_span(train), test=_span(test),
        weights={k: (float(now_w[k]), v) for k, v in weights.items()},
        points={k: (float(now_p[k]), v) for k, v in points.items()},
        current=audit(rescored(test, config), horizon_days=horizon_days),
        suggested=audit(rescored(test, fitted), horizon_days=horizon_days),
        overrides=overrides,
    )  # fmt: skip
