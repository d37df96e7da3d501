"""Charts as PNG bytes, from plain data (dates, floats, names), never from scoring types.

Every chart is pure and found by name, so csbot.slack.render can run it in a worker
process. Each is built as a Matplotlib Figure first (`chart_figure`, what tests check: title,
labels, series), then rendered (`render_chart`). Empty data gives a "No data for this window"
figure, never an exception.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from csbot.commands.charts._base import DPI, HEIGHT_IN, NO_DATA, PALETTE, WIDTH_IN, PngChart
from csbot.commands.charts.bars import (
    adoption_funnel,
    band_shift,
    churn_factors,
    component_breakdown,
    health_distribution,
    onboarding_progress,
)
from csbot.commands.charts.roc import roc_curves
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
    "PngChart",
    "active_users_sessions",
    "adoption_funnel",
    "band_shift",
    "chart_figure",
    "churn_factors",
    "component_breakdown",
    "health_distribution",
    "health_trend",
    "onboarding_progress",
    "render_chart",
    "revenue_by_month",
    "roc_curves",
    "tickets_by_week",
    "timeline",
]

CHARTS: dict[str, PngChart[...]] = {
    chart.name: chart
    for chart in (
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
        band_shift,
        roc_curves,
    )
}


def _chart(name: str) -> PngChart[...]:
    try:
        return CHARTS[name]
    except KeyError:
        raise ValueError(f"no chart named {name!r}; known: {', '.join(sorted(CHARTS))}") from None


def chart_figure(name: str, **kwargs: Any) -> Figure:
    """A chart by name as a Figure, built and laid out but not rendered."""
    return _chart(name).figure(**kwargs)


def render_chart(name: str, **kwargs: Any) -> bytes:
    """Render a chart by its function name (what ChartSpec.name and the render pool carry)."""
    return _chart(name)(**kwargs)
