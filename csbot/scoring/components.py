"""The three parts of health, each 0-100, from a window's totals.

Each returns a `Part`: the value (None when there is no data for it) and a note saying what
was missing, so a group with partial data is scored from what it has and says so.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from csbot.scoring.config import EngagementWeights, PlanTargets, RevenueWeights
from csbot.scoring.inputs import MonthAmount, UsageTotals, Window


@dataclass(frozen=True)
class Part:
    value: float | None
    note: str | None = None


def _clamp(value: float, low: float = 0.0, high: float = 100.0) -> float:
    return max(low, min(high, value))


def billability(usage: UsageTotals) -> Part:
    """Billable patients / active patients over the window, times 100."""
    if usage.patients_total <= 0:
        return Part(None, "no active patients in the window")
    return Part(_clamp(100.0 * usage.patients_billable / usage.patients_total))


def engagement(
    usage: UsageTotals, *, seats: int, targets: PlanTargets, weights: EngagementWeights
) -> Part:
    """100 times (users/seats, documents/expected, minutes/target), each capped at 1, weighted.

    Expected documents = per-seat daily target, times seats, times days with usage. Without
    seats, the seat-based parts drop out and session length carries the whole weight.
    """
    if usage.days == 0:
        return Part(None, "no usage recorded in the window")
    minutes = usage.avg_session_minutes or 0.0
    parts = [(min(1.0, minutes / targets.target_session_minutes), weights.session_minutes)]
    note = None
    if seats > 0:
        users = (usage.avg_daily_active_users or 0.0) / seats
        expected = targets.documents_per_seat_per_day * seats * usage.days
        parts.append((min(1.0, users), weights.active_users))
        parts.append((min(1.0, usage.documents / expected), weights.documents))
    else:
        note = "no seats on record; scored on session length only"
    total_weight = sum(w for _, w in parts)
    if total_weight <= 0:
        return Part(None, "no engagement measure has weight for this group")
    return Part(_clamp(100.0 * sum(r * w for r, w in parts) / total_weight), note)


@lru_cache(maxsize=1024)
def _month_span(month: date) -> tuple[date, date, int]:
    """First day, last day and length of the month `month` falls in."""
    first = month.replace(day=1)
    length = calendar.monthrange(first.year, first.month)[1]
    return first, first.replace(day=length), length


@dataclass(frozen=True)
class WindowRevenue:
    """Revenue booked in a window, each month spread evenly over its days.

    `months` is how much of booked months the window covers (14 days of February is 0.5), so
    rates compare per month and February's short month is no drop in revenue.
    """

    amount: float
    months: float
    covered_days: int  # days of the window inside a month that has revenue booked

    @property
    def per_month(self) -> float:
        return self.amount / self.months if self.months else 0.0


def window_revenue(months: tuple[MonthAmount, ...], window: Window) -> WindowRevenue | None:
    """The window's share of each month's revenue; None when no booked month touches it."""
    amount, covered, days_total = 0.0, 0.0, 0
    start, end = window.start, window.end
    for entry in months:
        if entry.month > end:
            continue
        first, last, length = _month_span(entry.month)
        if last < start:
            continue
        days = (min(last, end) - max(first, start)).days + 1
        amount += entry.amount * days / length
        covered += days / length
        days_total += days
    return WindowRevenue(amount, covered, days_total) if days_total else None


@dataclass(frozen=True)
class RevenueFigures:
    """Revenue in a window against its target and the previous equal window."""

    current: WindowRevenue | None
    previous: WindowRevenue | None
    target: float | None  # pro-rated to the share of booked months the window covers
    growth_pct: float | None  # None with no previous revenue (counts as 0% in the score)

    @property
    def attainment_pct(self) -> float | None:
        if self.current is None or not self.target:
            return None
        return 100.0 * self.current.amount / self.target


def revenue_figures(
    months: tuple[MonthAmount, ...], window: Window, *, arr: float, targets: PlanTargets
) -> RevenueFigures:
    """Window and previous-window revenue, compared per month of booked revenue, so a month
    not yet booked counts neither as zero revenue nor as a miss against target."""
    current = window_revenue(months, window)
    previous = window_revenue(months, window.previous())
    monthly = targets.monthly_revenue_target or arr / 12
    target = monthly * current.months if current and monthly > 0 else None
    growth = None
    if current and previous and previous.per_month > 0:
        growth = 100.0 * (current.per_month / previous.per_month - 1.0)
    return RevenueFigures(current, previous, target, growth)


def revenue(figures: RevenueFigures, *, weights: RevenueWeights) -> Part:
    """attainment·min(100, revenue/target·100) + growth·clamp(50 + 2.5·growth%, 0, 100)."""
    if figures.current is None:
        return Part(None, "no revenue recorded yet")
    growth_points = _clamp(50.0 + weights.points_per_growth_pct * (figures.growth_pct or 0.0))
    note = None if figures.previous else "no previous revenue; growth counted as 0%"
    attainment = figures.attainment_pct
    if attainment is None:
        note = "no ARR or revenue target; scored on growth only"
        return Part(growth_points, note)
    value = weights.attainment * min(100.0, attainment) + weights.growth * growth_points
    return Part(_clamp(value), note)
