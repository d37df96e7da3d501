"""Billability, engagement and revenue for many cases at once: csbot.scoring.components over
arrays, NaN where a part has no data. Same formulas, same order of operations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from csbot.scoring.batch.inputs import NAN, BatchInputs, Floats, Months, Usage
from csbot.scoring.config import ScoringConfig

__all__ = ["PlanColumns", "WindowRevenue", "billability", "engagement", "revenue", "window_revenue"]


def _clamp(values: Floats) -> Floats:
    return np.minimum(100.0, np.maximum(0.0, values))


def billability(usage: Usage) -> Floats:
    """Billable / active patients times 100; NaN with no active patients."""
    total = usage.patients_total
    with np.errstate(all="ignore"):
        value = _clamp(100.0 * usage.patients_billable / total)
    return np.where(total > 0, value, NAN)


@dataclass(frozen=True)
class PlanColumns:
    """Each case's plan targets (`config.plan`); `monthly_target` NaN when the plan sets none."""

    documents_per_seat_per_day: Floats
    target_session_minutes: Floats
    monthly_target: Floats

    @classmethod
    def of(cls, plans: tuple[str | None, ...], config: ScoringConfig) -> PlanColumns:
        names, index = np.unique(
            np.array([p or "" for p in plans], dtype=object), return_inverse=True
        )
        targets = [config.plan(name) for name in names]
        pick = [
            np.array([getattr(t, attr) or NAN for t in targets], dtype=np.float64)[index]
            for attr in ("documents_per_seat_per_day", "target_session_minutes")
        ]
        monthly = np.array(
            [NAN if t.monthly_revenue_target is None else t.monthly_revenue_target for t in targets]
        )
        return cls(pick[0], pick[1], monthly[index] if len(index) else np.zeros(0))


def engagement(usage: Usage, seats: Floats, plan: PlanColumns, config: ScoringConfig) -> Floats:
    """Weighted users/seats, documents/expected and minutes/target, each capped at 1."""
    w = config.engagement
    with np.errstate(all="ignore"):
        minutes = np.where(usage.sessions > 0, usage.session_minutes / usage.sessions, 0.0)
        minutes = np.where(usage.days > 0, minutes, 0.0)
        users = usage.active_users / usage.days / seats
        expected = plan.documents_per_seat_per_day * seats * usage.days
        docs = usage.documents / expected
        minutes_share = np.minimum(1.0, minutes / plan.target_session_minutes)
        has_seats = seats > 0
        # (share·weight) summed left to right, as components.engagement does, so an edge
        # case lands on the same side of a band edge.
        alone = minutes_share * w.session_minutes
        with_seats = (alone + np.minimum(1.0, users) * w.active_users) + np.minimum(
            1.0, docs
        ) * w.documents
        weighted = np.where(has_seats, with_seats, alone)
        all_weights = (w.session_minutes + w.active_users) + w.documents
        weight = np.where(has_seats, all_weights, w.session_minutes)
        value = _clamp(100.0 * weighted / weight)
    return np.where((usage.days > 0) & (weight > 0), value, NAN)


@dataclass(frozen=True)
class WindowRevenue:
    """Revenue booked in each case's window (see components.WindowRevenue); `days` 0: none."""

    amount: Floats
    months: Floats
    days: Floats

    @property
    def per_month(self) -> Floats:
        with np.errstate(all="ignore"):
            return np.where(self.months != 0, self.amount / self.months, 0.0)


def window_revenue(months: Months, start: Floats, end: Floats) -> WindowRevenue:
    """Each case's share of its booked months' revenue in [start, end] (ordinals)."""
    amount, covered, days_total = (np.zeros(len(start)) for _ in range(3))
    for k in range(months.amount.shape[1]):
        first, length = months.first[:, k], months.length[:, k]
        last = first + length - 1
        touches = months.booked[:, k] & (months.month[:, k] <= end) & (last >= start)
        days = np.where(touches, np.minimum(last, end) - np.maximum(first, start) + 1, 0.0)
        with np.errstate(all="ignore"):  # padding has length 0
            amount = amount + np.where(touches, months.amount[:, k] * days / length, 0.0)
            covered = covered + np.where(touches, days / length, 0.0)
        days_total = days_total + days
    return WindowRevenue(amount, covered, days_total)


@dataclass(frozen=True)
class RevenueFigures:
    """One window's revenue against its target and the window before (components'
    RevenueFigures): `growth_pct` NaN with no previous revenue."""

    current: WindowRevenue
    target: Floats  # NaN with no target
    growth_pct: Floats


def revenue_figures(
    current: WindowRevenue, previous: WindowRevenue, arr: Floats, plan: PlanColumns
) -> RevenueFigures:
    monthly = np.where(np.isnan(plan.monthly_target), arr / 12, plan.monthly_target)
    has_current, has_previous = current.days > 0, previous.days > 0
    target = np.where(has_current & (monthly > 0), monthly * current.months, NAN)
    before = previous.per_month
    with np.errstate(all="ignore"):
        growth = 100.0 * (current.per_month / before - 1.0)
    growth = np.where(has_current & has_previous & (before > 0), growth, NAN)
    return RevenueFigures(current, target, growth)


def revenue(figures: RevenueFigures, config: ScoringConfig) -> Floats:
    """attainment·min(100, revenue/target·100) + growth·clamp(50 + slope·growth%)."""
    w = config.revenue
    growth = np.where(np.isnan(figures.growth_pct), 0.0, figures.growth_pct)
    growth_points = _clamp(50.0 + w.points_per_growth_pct * growth)
    has_target = ~np.isnan(figures.target) & (figures.target != 0)
    with np.errstate(all="ignore"):
        attainment = 100.0 * figures.current.amount / figures.target
        scored = _clamp(w.attainment * np.minimum(100.0, attainment) + w.growth * growth_points)
    value = np.where(has_target, scored, growth_points)
    return np.where(figures.current.days > 0, value, NAN)


def window_bounds(inputs: BatchInputs, back: int) -> tuple[Floats, Floats]:
    """Start and end ordinals of the window `back` windows before each case's own."""
    days = inputs.window_days
    end = inputs.as_of - back * days
    return end - (days - 1), end
