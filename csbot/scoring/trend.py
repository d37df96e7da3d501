"""Trend: change against the previous window and the slope of daily health snapshots."""

from __future__ import annotations

from datetime import date

from csbot.scoring.inputs import SlopeSums
from csbot.scoring.types import Trend


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
