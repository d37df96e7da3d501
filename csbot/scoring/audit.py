"""How well the scores foresaw renewal outcomes: the score audit behind `csbot backtest` and
`/cs scorecheck`.

Each case is one recorded renewal and the snapshot taken the horizon before it. Churn is the
positive class: a lower health score, a worse band and a higher churn risk should all point to
it. Figures come from scikit-learn's metrics; the AUC interval is a percentile bootstrap over
cases with a fixed seed, so the same cases always give the same report. The bootstrap's
thousand AUCs are one rank computation over all resamples (Mann-Whitney, SciPy's rankdata),
not a thousand calls of `roc_auc_score` (about 1 ms each); a test holds it to scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.stats import rankdata
from sklearn.metrics import precision_score, recall_score, roc_auc_score, roc_curve

from csbot.scoring.config import FactorId
from csbot.scoring.types import Band, RiskLevel

__all__ = [
    "FEW_CHURNS",
    "PARTS",
    "Auc",
    "Audit",
    "AuditCase",
    "Flag",
    "Separation",
    "auc_with_interval",
    "audit",
    "resampled_aucs",
]

FEW_CHURNS = 20
"""Below this many churns the figures mean little, and the report says so."""
PARTS = ("billability", "engagement", "revenue")
BOOTSTRAP_ROUNDS = 1000
BOOTSTRAP_SEED = 20260
Floats = np.ndarray


@dataclass(frozen=True)
class AuditCase:
    """One renewal with its outcome and the snapshot taken the horizon before it."""

    group: str
    renewal_date: date
    churned: bool
    score: float
    parts: tuple[float | None, float | None, float | None]  # billability, engagement, revenue
    band: Band
    churn_risk: float
    churn_level: RiskLevel
    factors: frozenset[FactorId]


@dataclass(frozen=True)
class Auc:
    """ROC AUC (0.5 is a coin toss, 1 perfect) with a 95 % bootstrap interval."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Flag:
    """A yes/no warning ("Needs Attention or worse") held against churn."""

    label: str
    flagged: int
    precision: float  # of the flagged, the share that churned
    recall: float  # of the churned, the share that were flagged
    missed: tuple[tuple[str, date], ...]  # churned but not flagged: group, renewal date
    flagged_renewed: int  # flagged but renewed


@dataclass(frozen=True)
class Separation:
    """How one component or factor differed between churned and renewed renewals.

    For a component: mean values and the AUC of its lower values for churn. For a factor: the
    share of each side where it fired and the AUC of firing for churn.
    """

    name: str
    churned: float | None  # None: no case on that side has it
    renewed: float | None
    auc: float | None


@dataclass(frozen=True)
class Audit:
    horizon_days: int
    cases: int
    churns: int
    health: Auc | None  # None until both outcomes are present
    band: Auc | None
    churn_risk: Auc | None
    attention: Flag
    high_risk: Flag
    components: tuple[Separation, ...]
    factors: tuple[Separation, ...]
    curves: tuple[tuple[str, tuple[float, ...], tuple[float, ...]], ...]
    """ROC curves (label, false positive rates, true positive rates) of health and churn risk."""

    @property
    def renewals(self) -> int:
        return self.cases - self.churns

    @property
    def few_churns(self) -> bool:
        return self.churns < FEW_CHURNS


def _auc(labels: np.ndarray, scores: Floats) -> float | None:
    if labels.all() or not labels.any():
        return None
    return float(roc_auc_score(labels, scores))


def resampled_aucs(labels: np.ndarray, scores: Floats) -> Floats:
    """ROC AUC of each row (a resample): the Mann-Whitney U of the positives' average ranks
    over n1·n0, which is what `roc_auc_score` gives; NaN for a row with one class only."""
    ranks = rankdata(scores, method="average", axis=1)
    positives = labels.sum(axis=1)
    negatives = labels.shape[1] - positives
    u = (ranks * labels).sum(axis=1) - positives * (positives + 1) / 2
    with np.errstate(all="ignore"):
        return np.where((positives > 0) & (negatives > 0), u / (positives * negatives), np.nan)


def auc_with_interval(labels: np.ndarray, scores: Floats, *, rounds: int = BOOTSTRAP_ROUNDS
                      ) -> Auc | None:  # fmt: skip
    """ROC AUC of `scores` for `labels` (1 = churned) and its 2.5-97.5 percentile interval over
    `rounds` resamples of the cases (resamples with one outcome only are skipped)."""
    value = _auc(labels, scores)
    if value is None:
        return None
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    picks = rng.integers(0, len(labels), size=(rounds, len(labels)))
    found = resampled_aucs(labels[picks], scores[picks])
    kept = found[~np.isnan(found)]
    low, high = np.percentile(kept, [2.5, 97.5]) if len(kept) else (value, value)
    return Auc(value, float(low), float(high))


def _flag(label: str, cases: Sequence[AuditCase], labels: np.ndarray,
          flagged: Callable[[AuditCase], bool]) -> Flag:  # fmt: skip
    said = np.array([flagged(c) for c in cases], dtype=bool)
    if not len(cases):
        return Flag(label, 0, 0.0, 0.0, (), 0)
    missed = tuple((c.group, c.renewal_date) for c, s in zip(cases, said, strict=True)
                   if c.churned and not s)  # fmt: skip
    return Flag(
        label=label,
        flagged=int(said.sum()),
        precision=float(precision_score(labels, said, zero_division=0.0)),
        recall=float(recall_score(labels, said, zero_division=0.0)),
        missed=tuple(sorted(missed, key=lambda m: (m[1], m[0]))),
        flagged_renewed=int((said & ~labels).sum()),
    )


def _mean(values: Floats) -> float | None:
    return float(values.mean()) if len(values) else None


def _components(cases: Sequence[AuditCase], labels: np.ndarray) -> tuple[Separation, ...]:
    found = []
    for k, name in enumerate(PARTS):
        raw = np.array([np.nan if c.parts[k] is None else c.parts[k] for c in cases], dtype=float)
        known = ~np.isnan(raw)
        values, churned = raw[known], labels[known]
        found.append(Separation(name, _mean(values[churned]), _mean(values[~churned]),
                                _auc(churned, -values)))  # fmt: skip
    return tuple(found)


def _factors(cases: Sequence[AuditCase], labels: np.ndarray) -> tuple[Separation, ...]:
    found = []
    for factor in FactorId:
        fired = np.array([factor in c.factors for c in cases], dtype=float)
        found.append(Separation(factor.value, _mean(fired[labels]), _mean(fired[~labels]),
                                _auc(labels, fired)))  # fmt: skip
    return tuple(sorted(found, key=lambda s: -(s.auc or 0.5)))


def _curve(name: str, labels: np.ndarray, scores: Floats, auc: Auc | None
           ) -> tuple[str, tuple[float, ...], tuple[float, ...]]:  # fmt: skip
    if auc is None:
        return name, (), ()
    fpr, tpr, _ = roc_curve(labels, scores)
    return f"{name} (AUC {auc.value:.2f})", tuple(fpr.tolist()), tuple(tpr.tolist())


def audit(cases: Sequence[AuditCase], *, horizon_days: int) -> Audit:
    """The whole audit of `cases` (each renewal once)."""
    labels = np.array([c.churned for c in cases], dtype=bool)
    attention = Band.NEEDS_ATTENTION.rank
    high = RiskLevel.HIGH.rank
    low_health = -np.array([c.score for c in cases], dtype=float)
    risk = np.array([c.churn_risk for c in cases], dtype=float)
    health, churn_risk = auc_with_interval(labels, low_health), auc_with_interval(labels, risk)
    return Audit(
        horizon_days=horizon_days,
        cases=len(cases),
        churns=int(labels.sum()),
        health=health,
        band=auc_with_interval(labels, np.array([c.band.rank for c in cases], dtype=float)),
        churn_risk=churn_risk,
        curves=(_curve("health score", labels, low_health, health),
                _curve("churn risk", labels, risk, churn_risk)),
        attention=_flag("Needs Attention or worse", cases, labels,
                        lambda c: c.band.rank >= attention),
        high_risk=_flag("churn risk high or worse", cases, labels,
                        lambda c: c.churn_level.rank >= high),
        components=_components(cases, labels),
        factors=_factors(cases, labels),
    )  # fmt: skip
