"""Charts as PNG bytes, from plain data (dates, floats, names), never from scoring types.

Every function is pure and picklable by name, so csbot.commands.render can run it in a worker
process. Empty data gives a "No data for this window" image, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from csbot.commands.charts._base import DPI, HEIGHT_IN, NO_DATA, PALETTE, WIDTH_IN
from csbot.commands.charts.bars import (
    adoption_funnel,
    churn_factors,
    component_breakdown,
    health_distribution,
    onboarding_progress,
)
from csbot.commands.charts.stacked import revenue_by_month, tickets_by_week
from csbot.commands.charts.timeline import timeline
from csbot.commands.charts.trends import active_users_sessions, health_trend

__all__ = [
    "CHARTS",
    "DPI",
    "HEIGHT_IN",
    "NO_DATA",
    "PALETTE",
    "WIDTH_IN",
    "active_users_sessions",
    "adoption_funnel",
    "churn_factors",
    "component_breakdown",
    "health_distribution",
    "health_trend",
    "onboarding_progress",
    "render_chart",
    "revenue_by_month",
    "tickets_by_week",
    "timeline",
]

CHARTS: dict[str, Callable[..., bytes]] = {
    fn.__name__: fn
    for fn in (
        health_trend,
        component_breakdown,
        active_users_sessions,
        revenue_by_month,
        tickets_by_week,
        churn_factors,
        adoption_funnel,
        onboarding_progress,
        timeline,
        health_distribution,
    )
}


def render_chart(name: str, **kwargs: Any) -> bytes:
    """Render a chart by its function name (what ChartSpec.name and the render pool carry)."""
    try:
        chart = CHARTS[name]
    except KeyError:
        raise ValueError(f"no chart named {name!r}; known: {', '.join(sorted(CHARTS))}") from None
    return chart(**kwargs)
