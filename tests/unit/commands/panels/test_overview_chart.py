"""The overview card's chart, checked on the Figure it draws: health over the window on the band
zones of the score's config, the days it entered another band marked; never the engagement
panel's users and sessions."""

from __future__ import annotations

from datetime import date, timedelta

from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.text import Annotation

from csbot.commands import charts
from csbot.commands.charts import _base as b
from csbot.commands.charts.trends import day_numbers
from csbot.commands.panels import engagement, overview
from csbot.scoring import score_group
from csbot.scoring.config import build_config
from csbot.scoring.panel_inputs import PanelData, SnapshotEntry
from csbot.slack.render import ChartSpec
from tests.unit.commands.panels.panel_fixtures import AS_OF, acme

CONFIG = build_config({"bands": {"good": 70}})  # Acme's 65.5 today is Needs Attention here
HISTORY = (74.0, 68.0, 72.0, 38.0, 50.0)  # the five days before AS_OF


def _days(n: int) -> list[date]:
    return [AS_OF - timedelta(days=n - i) for i in range(n)]


def _with_history() -> PanelData:
    snapshots = tuple(
        SnapshotEntry(day, value, "") for day, value in zip(_days(5), HISTORY, strict=True)
    )
    return acme(snapshots=snapshots)


def _chart(data: PanelData) -> tuple[ChartSpec, Axes]:
    view = overview.build(data, score_group(data.inputs, CONFIG))
    assert view.chart is not None
    [ax] = charts.chart_figure(view.chart.name, **view.chart.kwargs).axes
    return view.chart, ax


def _rings(ax: Axes) -> list[tuple[float, float]]:
    [rings] = [c for c in ax.collections if c.get_gid() == "crossings"]
    assert isinstance(rings, PathCollection)
    return [(round(float(x), 3), round(float(y), 3)) for x, y in rings.get_offsets()]


def test_the_overview_draws_health_on_the_configs_zones_and_marks_each_band_change() -> None:
    data = _with_history()
    today = score_group(data.inputs, CONFIG).health.score
    spec, ax = _chart(data)
    [line] = ax.get_lines()
    assert [float(y) for y in line.get_ydata()] == [*HISTORY, today]  # type: ignore[union-attr]
    zones = [(p.get_y(), p.get_height()) for p in ax.patches]  # type: ignore[attr-defined]
    assert zones == [(80.0, 20.0), (70.0, 10.0), (40.0, 30.0), (0.0, 40.0)]
    days = _days(5)
    # 74 Good -> 68 Needs Attention -> 72 Good -> 38 Critical -> 50 Needs Attention -> 65.5
    entered = [(days[1], 68.0), (days[2], 72.0), (days[3], 38.0), (days[4], 50.0)]
    xs = day_numbers([d for d, _ in entered])
    assert _rings(ax) == [(round(x, 3), y) for x, (_, y) in zip(xs, entered, strict=True)]
    labels = [t.get_text() for t in ax.texts if isinstance(t, Annotation)]
    assert labels == ["\u2192 Good", "\u2192 Critical", "\u2192 Needs Attention", "65"]
    assert "into Good on 28 Mar, into Critical on 29 Mar, into Needs Attention on 30 Mar" in (
        spec.alt_text
    )
    assert spec.alt_text.startswith("Health of Acme Family Practice over 6 days, now 65.5; 4 band")


def test_the_overview_chart_is_health_not_the_engagement_panels_users_and_sessions() -> None:
    data = _with_history()
    score = score_group(data.inputs, CONFIG)
    mine, theirs = overview.build(data, score).chart, engagement.build(data, score).chart
    assert mine is not None and theirs is not None
    assert (mine.name, theirs.name) == ("health_trend", "active_users_sessions")
    assert charts.render_chart(mine.name, **mine.kwargs) != charts.render_chart(
        theirs.name, **theirs.kwargs
    )
    assert len(charts.chart_figure(theirs.name, **theirs.kwargs).axes) == 2


def test_before_any_history_the_overview_places_todays_health_in_its_band() -> None:
    spec, ax = _chart(acme())  # no snapshots yet: the day after `csbot demo`
    [line] = ax.get_lines()
    today = score_group(acme().inputs, CONFIG).health.score
    assert [float(y) for y in line.get_ydata()] == [today]  # type: ignore[union-attr]
    assert len(ax.patches) == 4 and not [c for c in ax.collections if c.get_gid()]
    assert "no daily history for this window yet" in spec.alt_text
    assert b.to_png(charts.chart_figure(spec.name, **spec.kwargs)).startswith(b"\x89PNG")
