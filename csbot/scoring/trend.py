"""Trend: change against the previous window, the slope of daily health snapshots, and a
portfolio's mean health by day."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from csbot.scoring.inputs import SlopeSums
from csbot.scoring.types import GroupScore, Trend


def slope(sums: SlopeSums) -> float | None:
    """Least-squares slope of y over x; None with fewer than two distinct x."""
    denominator = sums.n * sums.sum_xx - sums.sum_x**2
    if sums.n < 2 or denominator <= 1e-12:
        return None
    return (sums.n * sums.sum_xy - sums.sum_x * sums.sum_y) / denominator


def slope_of(series: list[tuple[date, float]] | tuple[tuple[date, float], ...]) -> float | None:
    """Points of health per day over (day, score) pairs, e.g. a chart's snapshot series."""
    if not series:
        return None
    first = min(day for day, _ in series)
    return slope(SlopeSums.of([((day - first).days, score) for day, score in series]))


def trend(
    *, change: float | None, history: SlopeSums, today: float | None, window_days: int
) -> Trend:
    """The trend over a window: earlier snapshots (x = days before today, negative) plus
    today's score at x = 0 when given."""
    sums = history.plus(0.0, today) if today is not None else history
    return Trend(
        change=change, slope_per_day=slope(sums), snapshots=sums.n, window_days=window_days
    )


def mean_health_trend(
    before: Iterable[tuple[date, float]], scores: Iterable[GroupScore], as_of: date
) -> list[tuple[date, float]]:
    """Mean health by day: the snapshots' means `before` as_of, then the mean of today's scored
    groups (none when no group has data): Home's and the report's trend line."""
    points = list(before)
    scored = [s.health.score for s in scores if s.health.has_data]
    if scored:
        points.append((as_of, sum(scored) / len(scored)))
    return points
