"""The demo's renewal history: years of past renewals with outcomes and the snapshots taken
before each, so `csbot backtest` and `/cs scorecheck` have something true to find.

The current demo groups renewed (or contracted) at each past anniversary; former groups, added
for this history, churned at their last renewal. Each renewal plays one part: renewed while
healthy, showed the signals and renewed anyway (weak billability, not much else), churned after
the signals that usually precede it (engagement and revenue sliding, users leaving, detractors,
no CS touch), or churned while healthy (bought, closed, budget cut). Signals are fainter the
further before the renewal a snapshot is. Scores follow the running config (csbot.scoring.
rescore), so the default 40/30/30 weights miss what engagement says. Deterministic per seed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np

from csbot.demo.profile import GroupSpec, add_years
from csbot.scoring.batch import FACTORS, BatchScores
from csbot.scoring.config import FactorId, ScoringConfig
from csbot.scoring.rescore import rescore

__all__ = ["HORIZONS", "RenewalHistory", "former_count", "renewal_history"]

HORIZONS = (30, 60, 90, 120, 180)
"""Days before each past renewal that get a snapshot (the audit's usual horizons)."""
_FADE = {30: 1.0, 60: 0.92, 90: 0.85, 120: 0.7, 180: 0.5}
HEALTHY, SIGNALS_RENEWED, SIGNALS_CHURNED, HEALTHY_CHURNED = range(4)
# Mean billability, engagement, revenue per part played.
_PARTS = np.array([[86.0, 74.0, 76.0], [60.0, 64.0, 66.0], [72.0, 40.0, 50.0], [85.0, 72.0, 74.0]])
_F = {f: k for k, f in enumerate(FACTORS)}
_SIGNAL_ODDS = {  # chance a factor fired, per part played (renewal_soon follows the date)
    FactorId.HEALTH_FALLING: (0.05, 0.35, 0.5, 0.05),
    FactorId.ACTIVE_USERS_FALLING: (0.05, 0.15, 0.6, 0.05),
    FactorId.BILLABILITY_FALLING: (0.05, 0.5, 0.2, 0.05),
    FactorId.REVENUE_FALLING: (0.05, 0.2, 0.45, 0.05),
    FactorId.OPEN_HIGH_PRIORITY: (0.1, 0.35, 0.3, 0.1),
    FactorId.SLOW_FIRST_RESPONSE: (0.1, 0.2, 0.3, 0.1),
    FactorId.NPS_DETRACTOR: (0.05, 0.3, 0.5, 0.05),
    FactorId.LOW_CSAT: (0.05, 0.2, 0.3, 0.05),
    FactorId.NO_CS_TOUCH: (0.2, 0.25, 0.6, 0.3),
}
_REASONS = {
    SIGNALS_CHURNED: (("product", "Templates never fitted the specialty's workflow"),
                      ("support", "Open issues dragged on for months"),
                      ("price", "Price did not match the use they got"),
                      ("competitor", "Moved to the EHR vendor's bundled tool")),
    HEALTHY_CHURNED: (("consolidation", "Acquired by a health system with its own platform"),
                      ("closure", "The practice closed"),
                      ("budget", "Budget cut across the practice")),
}  # fmt: skip


def former_count(groups: int) -> int:
    """Former groups added to a demo of `groups` groups: enough churns (about 25) to mean
    something for the default 40 groups."""
    return max(4, (groups * 5 + 7) // 8)


@dataclass(frozen=True)
class RenewalHistory:
    """Former groups (to insert), outcome rows and snapshot cases, by external id."""

    former: list[GroupSpec]
    outcomes: list[dict[str, Any]]
    snapshot_groups: list[str]
    snapshot_days: list[date]
    scores: BatchScores


@dataclass(frozen=True)
class _Renewal:
    external_id: str
    day: date
    arr: float
    part: int


def _past(spec: GroupSpec, until: date, rng: np.random.Generator, last: int | None) -> list[
        _Renewal]:  # fmt: skip
    """Each anniversary of the group's contract before `until`, the last one playing `last`."""
    days, k = [], 1
    while (day := add_years(spec.contract_start, k)) <= until:
        days.append(day)
        k += 1
    parts = [SIGNALS_RENEWED if rng.random() < 0.2 else HEALTHY for _ in days]
    if last is not None and parts:
        parts[-1] = last
    return [
        _Renewal(spec.external_id, d, float(spec.arr), p) for d, p in zip(days, parts, strict=True)
    ]


def _former(specs: list[GroupSpec], *, as_of: date, years: int, rng: np.random.Generator
            ) -> list[GroupSpec]:  # fmt: skip
    """Former groups: churned at a renewal within `years` years before `as_of`."""
    out = []
    for spec in specs:
        churned = as_of - timedelta(days=int(rng.integers(45, 365 * years)))
        start = add_years(churned, -int(rng.integers(1, 4)))
        out.append(replace(spec, contract_start=start, renewal_date=churned, onboarding_phase=None,
                           go_live_date=start + timedelta(days=60), usage_start=start))  # fmt: skip
    return out


def _outcome(r: _Renewal, rng: np.random.Generator) -> dict[str, Any]:
    row: dict[str, Any] = {"external_id": r.external_id, "renewal_date": r.day,
                           "outcome": "renewed", "new_arr": r.arr, "churned_on": None,
                           "reason_category": None, "reason": None}  # fmt: skip
    if r.part in _REASONS:
        category, reason = _REASONS[r.part][int(rng.integers(len(_REASONS[r.part])))]
        row.update(outcome="churned", new_arr=None, churned_on=r.day,
                   reason_category=category, reason=reason)  # fmt: skip
    elif rng.random() < 0.15:
        row.update(outcome="contracted", new_arr=round(r.arr * 0.8, 2))
    return row


def _cases(renewals: list[_Renewal], rng: np.random.Generator, config: ScoringConfig
           ) -> tuple[list[str], list[date], np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    parts_played = np.array([r.part for r in renewals], dtype=int)
    noise = rng.normal(0, 9, size=(len(renewals), 3))
    draws = rng.random(size=(len(renewals), len(FACTORS)))
    groups, days, parts, fired = [], [], [], []
    for fade_at, fade in _FADE.items():
        shift = _PARTS[parts_played] - _PARTS[HEALTHY]
        parts.append(np.clip(_PARTS[HEALTHY] + fade * shift + noise, 0, 100))
        fires = np.zeros((len(renewals), len(FACTORS)), dtype=bool)
        for factor, odds in _SIGNAL_ODDS.items():
            chance = odds[HEALTHY] + fade * (np.array(odds)[parts_played] - odds[HEALTHY])
            fires[:, _F[factor]] = draws[:, _F[factor]] < chance
        fires[:, _F[FactorId.RENEWAL_SOON]] = fade_at <= config.factors.renewal_soon_days
        fired.append(fires)
        groups += [r.external_id for r in renewals]
        days += [r.day - timedelta(days=fade_at) for r in renewals]
    arr = np.tile(np.array([r.arr for r in renewals]), len(_FADE))
    return groups, days, np.vstack(parts), np.vstack(fired), arr


def _scores(parts: np.ndarray, fired: np.ndarray, arr: np.ndarray, config: ScoringConfig
            ) -> BatchScores:  # fmt: skip
    done = rescore(parts, fired, arr, config)
    nan = np.full(len(arr), np.nan)
    return BatchScores(parts=parts, previous_parts=np.full_like(parts, np.nan), score=done.score,
                       previous_score=nan, band=done.band, has_data=np.ones(len(arr), bool),
                       slope_per_day=nan, factors=done.points, churn=done.churn,
                       churn_level=done.churn_level, arr_at_risk=done.arr_at_risk)  # fmt: skip


def renewal_history(current: list[GroupSpec], extra: list[GroupSpec], *, as_of: date,
                    years: int, seed: int, config: ScoringConfig, snapshots_before: date
                    ) -> RenewalHistory:  # fmt: skip
    """Past renewals of `current` within `years` years (each renewed or contracted) and of the
    `extra` specs made former groups (their last one churned, one in five while healthy).
    Current groups get no snapshot from `snapshots_before` on (the demo's own history)."""
    rng = np.random.default_rng([seed, 18])
    first = as_of - timedelta(days=365 * years)
    former = _former(extra, as_of=as_of, years=years, rng=rng)
    renewals = [r for s in current for r in _past(s, as_of - timedelta(days=365), rng, None)]
    for spec in former:
        last = HEALTHY_CHURNED if rng.random() < 0.2 else SIGNALS_CHURNED
        renewals += _past(spec, spec.renewal_date, rng, last)
    renewals = [r for r in renewals if r.day >= first]
    outcomes = [_outcome(r, rng) for r in renewals]
    groups, days, parts, fired, arr = _cases(renewals, rng, config)
    formers = {s.external_id for s in former}
    keep = np.array(
        [g in formers or d < snapshots_before for g, d in zip(groups, days, strict=True)]
    )
    kept = [i for i in np.flatnonzero(keep).tolist()]
    scores = _scores(parts[keep], fired[keep], arr[keep], config)
    return RenewalHistory(former, outcomes, [groups[i] for i in kept], [days[i] for i in kept],
                          scores)  # fmt: skip
