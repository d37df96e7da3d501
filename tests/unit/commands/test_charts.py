"""Every chart renders a PNG of a readable size from plain data, and empty data never fails."""

from __future__ import annotations

import math
import struct
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from csbot.commands import charts
from csbot.slack.render import ChartName

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
D0 = date(2026, 1, 1)
DAYS = [D0 + timedelta(days=i) for i in range(30)]
MONTHS = [date(2025, m, 1) for m in range(1, 13)]
WEEKS = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(8)]
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
BANDS = {"Excellent": 80.0, "Good": 60.0, "Needs Attention": 40.0, "Critical": 0.0}

FULL: dict[str, dict[str, Any]] = {
    "health_trend": dict(days=DAYS, scores=[50 + i for i in range(30)], thresholds=BANDS),
    "component_breakdown": dict(
        components=[("Billability", 72.0, 0.4, 28.8), ("Engagement", 41.5, 0.3, 12.45)]
    ),
    "active_users_sessions": dict(days=DAYS, active_users=[10] * 30, sessions=list(range(30))),
    "revenue_by_month": dict(
        months=MONTHS, by_service={"Billing": [9000.0] * 12, "Coding": [2500.0] * 12}
    ),
    "tickets_by_week": dict(weeks=WEEKS, by_category={"technical": [1, 2, 0, 3, 1, 0, 2, 1]}),
    "churn_factors": dict(names=["Engagement fell", "Renewal soon"], points=[18.0, 12.0]),
    "adoption_funnel": dict(stages=["Licensed", "Active", "Advanced"], counts=[40, 22, 4]),
    "onboarding_progress": dict(phases=["Kick-off", "Training"], percent_done=[100.0, 40.0]),
    "timeline": dict(
        events=[
            (NOW - timedelta(days=20), "meeting", "QBR with Dr. Keller"),
            (NOW - timedelta(days=3), "call", "Billing check-in"),
            (NOW + timedelta(days=5), "milestone", "Go-live"),
            (date(2026, 2, 10), "note", "Asked about coding add-on"),
        ],
        now=NOW,
    ),
    "health_distribution": dict(
        band_counts={"Excellent": 4, "Good": 9, "Needs Attention": 3, "Critical": 1}
    ),
    "band_shift": dict(
        now={"Excellent": 4, "Good": 9, "Needs Attention": 3, "Critical": 1},
        before={"Excellent": 5, "Good": 9, "Needs Attention": 2},
    ),
    "roc_curves": dict(
        curves=[
            ("health score (AUC 0.80)", [0, 0.2, 1], [0, 0.7, 1]),
            ("churn risk (AUC 0.75)", [0, 0.3, 1], [0, 0.6, 1]),
        ]
    ),
}

EMPTY: dict[str, dict[str, Any]] = {
    "health_trend": dict(days=[], scores=[], thresholds=BANDS),
    "component_breakdown": dict(components=[]),
    "active_users_sessions": dict(days=[], active_users=[], sessions=[]),
    "revenue_by_month": dict(months=[], by_service={}),
    "tickets_by_week": dict(weeks=[], by_category={}),
    "churn_factors": dict(names=[], points=[]),
    "adoption_funnel": dict(stages=[], counts=[]),
    "onboarding_progress": dict(phases=[], percent_done=[]),
    "timeline": dict(events=[]),
    "health_distribution": dict(band_counts={}),
    "band_shift": dict(now={}, before={}),
    "roc_curves": dict(curves=[("health score", [], [])]),
}


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which always follows the signature."""
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def assert_readable_png(png: bytes) -> None:
    width, height = png_size(png)
    assert width == 880, "8 in at 110 dpi: as wide as Slack shows an image"
    assert 240 <= height <= 600
    assert 5_000 < len(png) < 400_000


def test_registry_matches_the_render_pool_names() -> None:
    assert set(charts.CHARTS) == {c.value for c in ChartName} == set(FULL) == set(EMPTY)


@pytest.mark.parametrize("name", sorted(FULL))
def test_chart_renders_a_readable_png(name: str) -> None:
    assert_readable_png(charts.render_chart(name, **FULL[name]))


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_empty_data_gives_a_no_data_image(name: str) -> None:
    png = charts.render_chart(name, **EMPTY[name])
    assert_readable_png(png)


def test_no_data_image_differs_from_a_chart() -> None:
    empty = charts.health_trend([], [], BANDS)
    assert empty != charts.health_trend(**FULL["health_trend"])
    assert charts.health_trend(DAYS, [None] * 30, BANDS) == empty
    assert charts.health_trend(DAYS, [math.nan] * 30, BANDS) == empty


def test_gaps_and_odd_values_still_render() -> None:
    scores: list[float | None] = [55.0] * 30
    scores[3], scores[9] = None, math.nan
    assert_readable_png(charts.health_trend(DAYS, scores, BANDS))
    assert_readable_png(charts.churn_factors(["A", "B"], [0.0, -3.0]))  # nothing positive
    assert_readable_png(charts.adoption_funnel(["Licensed", "Active"], [0, 0]))
    assert_readable_png(charts.component_breakdown([("Revenue", 130.0, 0.3, 30.0)]))
    assert_readable_png(charts.health_trend([D0], [120.0], {}))  # one point, no bands


def test_custom_title_is_accepted_by_every_chart() -> None:
    for name, kwargs in FULL.items():
        assert_readable_png(charts.render_chart(name, **kwargs, title="Acme: last 30 days"))


def test_mismatched_series_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="health_trend: series have different lengths"):
        charts.health_trend(DAYS, [1.0], BANDS)


def test_unknown_chart_name() -> None:
    with pytest.raises(ValueError, match="no chart named 'pie'"):
        charts.render_chart("pie")


def test_charts_never_touch_pyplot() -> None:
    import sys

    charts.render_chart("health_distribution", **FULL["health_distribution"])
    assert "matplotlib.pyplot" not in sys.modules
