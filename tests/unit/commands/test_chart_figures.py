"""What each chart draws, checked on its Figure before rendering: title, axis labels, how many
series and bars and their values, legend, band zones, and the no-data figure."""

from __future__ import annotations

import math
from typing import Any

import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

from csbot.commands import charts
from csbot.commands.charts import _base as b
from csbot.commands.charts.trends import day_numbers
from tests.unit.commands.test_charts import BANDS, DAYS, EMPTY, FULL, NOW

TITLES = {
    "health_trend": "Health score",
    "component_breakdown": "Health components",
    "active_users_sessions": "Active users and sessions",
    "revenue_by_month": "Revenue by month",
    "tickets_by_week": "Tickets by week",
    "churn_factors": "Churn risk factors",
    "adoption_funnel": "Adoption funnel",
    "onboarding_progress": "Onboarding progress",
    "timeline": "Account timeline",
    "health_distribution": "Groups by health band",
    "band_shift": "Groups by health band, now and a week before",
    "roc_curves": "Which churns the scores foresaw",
}
SCORE = "Score (0\u2013100)"
LABELS = {  # (x label, y label) of each axes, top to bottom
    "health_trend": [("", SCORE)],
    "component_breakdown": [(SCORE, "")],
    "active_users_sessions": [("", "Active users"), ("", "Sessions")],
    "revenue_by_month": [("Month", "Revenue")],
    "tickets_by_week": [("Week of", "Tickets")],
    "churn_factors": [("Risk points", "")],
    "adoption_funnel": [("Users", "")],
    "onboarding_progress": [("Tasks done", "")],
    "timeline": [("", "")],
    "health_distribution": [("", "Groups")],
    "band_shift": [("", "Groups")],
    "roc_curves": [
        ("Renewed groups flagged (false positive rate)", "Churned groups flagged (recall)")
    ],
}
NO_DATA = {
    "health_trend": "No data for this window",
    "component_breakdown": "No data for this window",
    "active_users_sessions": "No data for this window",
    "revenue_by_month": "No data for this window",
    "tickets_by_week": "No data for this window",
    "churn_factors": "No risk factors in this window",
    "adoption_funnel": "No data for this window",
    "onboarding_progress": "No onboarding plan for this group",
    "timeline": "No activity in this window",
    "health_distribution": "No groups scored yet",
    "band_shift": "No groups scored yet",
    "roc_curves": "No renewals with both outcomes yet",
}


def _figure(name: str, **changes: Any) -> Figure:
    return charts.chart_figure(name, **{**FULL[name], **changes})


def _ax(fig: Figure) -> Axes:
    [ax] = fig.axes
    return ax


def _bars(ax: Axes) -> list[BarContainer]:
    return [c for c in ax.containers if isinstance(c, BarContainer)]


def _widths(bars: BarContainer) -> list[float]:
    return [round(float(p.get_width()), 6) for p in bars.patches]


def _heights(bars: BarContainer) -> list[float]:
    return [round(float(p.get_height()), 6) for p in bars.patches]


def _ticks(labels: list[Any]) -> list[str]:
    return [t.get_text() for t in labels]


def _texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_every_chart_is_covered_here() -> None:
    assert set(TITLES) == set(LABELS) == set(NO_DATA) == set(charts.CHARTS)


@pytest.mark.parametrize("name", sorted(FULL))
def test_each_chart_is_titled_and_its_axes_labelled(name: str) -> None:
    fig = _figure(name)
    assert fig.get_suptitle() == TITLES[name]
    assert [(ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes] == LABELS[name]


@pytest.mark.parametrize("name", sorted(FULL))
def test_a_given_title_replaces_the_default(name: str) -> None:
    assert _figure(name, title="Acme · last 30 days").get_suptitle() == "Acme · last 30 days"


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_no_data_is_a_titled_sentence_without_axes(name: str) -> None:
    fig = charts.chart_figure(name, **EMPTY[name])
    assert fig.axes == [] and fig.get_suptitle() == TITLES[name]
    assert sorted(t.get_text() for t in fig.texts) == sorted([TITLES[name], NO_DATA[name]])


@pytest.mark.parametrize("name", ["health_trend", "churn_factors", "timeline"])
def test_the_png_is_that_figure_rendered(name: str) -> None:
    assert charts.render_chart(name, **FULL[name]) == b.to_png(_figure(name))


def test_health_trend_draws_the_scores_over_four_band_zones() -> None:
    scores: list[float | None] = [50.0 + i for i in range(30)]
    scores[4] = None
    ax = _ax(charts.chart_figure("health_trend", days=DAYS, scores=scores, thresholds=BANDS))
    [line] = ax.get_lines()
    drawn = [float(y) for y in line.get_ydata()]  # type: ignore[union-attr]
    assert math.isnan(drawn[4]) and drawn[:4] + drawn[5:] == [s for s in scores if s is not None]
    zones = [(p.get_y(), p.get_height(), to_hex(p.get_facecolor())) for p in ax.patches]  # type: ignore[attr-defined]
    assert zones == [
        (80.0, 20.0, b.GREEN.lower()),
        (60.0, 20.0, b.SKY_BLUE.lower()),
        (40.0, 20.0, b.ORANGE.lower()),
        (0.0, 40.0, b.VERMILLION.lower()),
    ]
    assert _texts(ax) == [" Excellent", " Good", " Needs Attention", " Critical", "79"]
    assert ax.get_ylim() == (0.0, 100.0)


def test_health_trend_without_bands_draws_no_zones() -> None:
    ax = _ax(charts.chart_figure("health_trend", days=DAYS[:2], scores=[40.0, 45.0], thresholds={}))
    assert list(ax.patches) == [] and len(ax.get_lines()) == 1 and _texts(ax) == ["45"]


def test_component_breakdown_draws_each_score_on_a_full_track() -> None:
    ax = _ax(_figure("component_breakdown"))
    track, scores = _bars(ax)
    assert _widths(track) == [100.0, 100.0] and _widths(scores) == [72.0, 41.5]
    assert _ticks(ax.get_yticklabels()) == ["Billability", "Engagement"]
    assert _texts(ax) == ["72 \u00d7 40% = 28.8 pts", "42 \u00d7 30% = 12.4 pts"]


def test_active_users_and_sessions_get_a_panel_each() -> None:
    top, bottom = _figure("active_users_sessions").axes
    assert [float(y) for y in top.get_lines()[0].get_ydata()] == [10.0] * 30  # type: ignore[union-attr]
    assert [float(y) for y in bottom.get_lines()[0].get_ydata()] == list(map(float, range(30)))  # type: ignore[union-attr]
    assert len(top.get_lines()) == len(bottom.get_lines()) == 1


def test_revenue_stacks_one_series_per_service_with_a_legend() -> None:
    ax = _ax(_figure("revenue_by_month"))
    billing, coding = _bars(ax)
    assert _heights(billing) == [9000.0] * 12 and _heights(coding) == [2500.0] * 12
    assert [p.get_y() for p in coding.patches] == [9000.0] * 12  # on top of billing
    legend = ax.get_legend()
    assert legend is not None and _ticks(legend.get_texts()) == ["Billing", "Coding"]
    assert _ticks(ax.get_xticklabels())[:2] == ["Jan 25", "Feb 25"]


def test_tickets_stack_by_category_per_week() -> None:
    ax = _ax(_figure("tickets_by_week"))
    [technical] = _bars(ax)
    assert _heights(technical) == [1.0, 2.0, 0.0, 3.0, 1.0, 0.0, 2.0, 1.0]
    legend = ax.get_legend()
    assert legend is not None and _ticks(legend.get_texts()) == ["technical"]
    assert _ticks(ax.get_xticklabels())[:2] == ["Jan 5", "Jan 12"]


def test_churn_factors_draws_positive_factors_biggest_first() -> None:
    names = ["Renewal soon", "Nothing", "Engagement fell", "Negative"]
    ax = _ax(_figure("churn_factors", names=names, points=[12.0, 0.0, 18.0, -3.0]))
    [bars] = _bars(ax)
    assert _widths(bars) == [18.0, 12.0]
    assert _ticks(ax.get_yticklabels()) == ["Engagement fell", "Renewal soon"]
    assert _texts(ax) == ["+18 pts", "+12 pts"]


def test_adoption_funnel_labels_each_stage_with_its_share() -> None:
    ax = _ax(_figure("adoption_funnel", unit="Providers"))
    [bars] = _bars(ax)
    assert _widths(bars) == [40.0, 22.0, 4.0]
    assert _ticks(ax.get_yticklabels()) == ["Licensed", "Active", "Advanced"]
    assert _texts(ax) == ["40  (100%)", "22  (55%)", "4  (10%)"]
    assert ax.get_xlabel() == "Providers"


def test_onboarding_progress_shows_complete_phases_in_green() -> None:
    ax = _ax(_figure("onboarding_progress", axis_label="Goals met"))
    track, done = _bars(ax)
    assert _widths(track) == [100.0, 100.0] and _widths(done) == [100.0, 40.0]
    colours = [to_hex(p.get_facecolor()) for p in done.patches]
    assert colours == [b.GREEN.lower(), b.BLUE.lower()]
    assert _texts(ax) == ["100%", "40%"] and ax.get_xlabel() == "Goals met"


def test_timeline_draws_a_row_per_kind_a_mark_per_event_and_today() -> None:
    ax = _ax(_figure("timeline"))
    assert _ticks(ax.get_yticklabels()) == ["Milestone", "Meeting", "Call", "Note"]
    assert [len(c.get_offsets()) for c in ax.collections] == [1, 1, 1, 1]  # type: ignore[arg-type]
    [today] = ax.get_lines()
    assert set(today.get_xdata()) == set(day_numbers([NOW]))  # type: ignore[arg-type]
    assert "today" in _texts(ax) and "Go-live" in _texts(ax)


def test_timeline_without_now_draws_no_today_line() -> None:
    ax = _ax(_figure("timeline", now=None))
    assert list(ax.get_lines()) == [] and "today" not in _texts(ax)


def test_health_distribution_counts_groups_per_band_best_first() -> None:
    ax = _ax(_figure("health_distribution"))
    [bars] = _bars(ax)
    assert _heights(bars) == [4.0, 9.0, 3.0, 1.0]
    assert _ticks(ax.get_xticklabels()) == ["Excellent", "Good", "Needs Attention", "Critical"]
    colours = [to_hex(p.get_facecolor()) for p in bars.patches]
    assert colours == [c.lower() for c in b.BAND_COLOURS]
    assert _texts(ax) == ["4", "9", "3", "1"]


def test_band_shift_draws_each_band_a_week_before_beside_now() -> None:
    ax = _ax(_figure("band_shift"))
    before, now = _bars(ax)
    assert _heights(before) == [5.0, 9.0, 2.0, 0.0]  # a band missing a week before is zero
    assert _heights(now) == [4.0, 9.0, 3.0, 1.0]
    assert [to_hex(p.get_facecolor()) for p in now.patches] == [c.lower() for c in b.BAND_COLOURS]
    assert _ticks(ax.get_xticklabels()) == ["Excellent", "Good", "Needs Attention", "Critical"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a week before", "now"]
