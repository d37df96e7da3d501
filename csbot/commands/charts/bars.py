"""Bar charts of parts: health components, churn factors, adoption funnel, onboarding, bands
(and bands now against a week before)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from csbot.commands.charts import _base as b

_BAND_ORDER = ("Excellent", "Good", "Needs Attention", "Critical")


def _hbars(count: int) -> tuple[Figure, Axes]:
    """A figure whose height follows the number of bars, first bar on top."""
    fig = b.new_figure(height=max(2.4, min(b.HEIGHT_IN + 1, 1.3 + 0.42 * count)))
    ax = fig.add_subplot()
    ax.invert_yaxis()
    return fig, ax


def _end_labels(ax: Axes, xs: Sequence[float], texts: Sequence[str], pad: float) -> None:
    for y, (x, text) in enumerate(zip(xs, texts, strict=True)):
        ax.text(x + pad, y, text, va="center", ha="left", fontsize=b.TICK_SIZE, color=b.TEXT)


def _finish(fig: Figure, ax: Axes, heading: str, *, x: str | None = None, y: str | None = None,
            grid: b.Grid = None) -> Figure:  # fmt: skip
    b.style_axes(ax, grid=grid)
    b.label(ax, x=x, y=y)
    b.title(fig, heading)
    return b.laid_out(fig)


def component_breakdown_figure(
    components: Sequence[tuple[str, float, float, float]], *, title: str | None = None
) -> Figure:
    """Each component's score (0-100) on a grey track, with its weight and the points it earns.

    `components` holds (name, value 0-100, weight 0-1, points toward health).
    """
    heading = title or "Health components"
    rows = [c for c in components if b.finite([c[1]])]
    if not rows:
        return b.no_data(heading)
    fig, ax = _hbars(len(rows))
    names = [r[0] for r in rows]
    values = [max(0.0, min(100.0, float(r[1]))) for r in rows]
    ax.barh(names, [100.0] * len(rows), color=b.GRID, height=0.55)
    ax.barh(names, values, color=[b.colour(i) for i in range(len(rows))], height=0.55)
    texts = [
        f"{v:.0f} \u00d7 {r[2]:.0%} = {r[3]:.1f} pts" for v, r in zip(values, rows, strict=True)
    ]
    _end_labels(ax, [100.0] * len(rows), texts, 2)
    ax.set_xlim(0, 100)
    return _finish(fig, ax, heading, x="Score (0\u2013100)")


def churn_factors_figure(
    names: Sequence[str], points: Sequence[float], *, title: str | None = None
) -> Figure:
    """Risk points per factor, biggest on top; factors adding nothing are left out."""
    heading = title or "Churn risk factors"
    b.same_length("churn_factors", names, points)
    rows = sorted(
        ((n, float(p)) for n, p in zip(names, points, strict=True) if b.finite([p]) and p > 0),
        key=lambda r: -r[1],
    )
    if not rows:
        return b.no_data(heading, "No risk factors in this window")
    fig, ax = _hbars(len(rows))
    values = [p for _, p in rows]
    ax.barh([n for n, _ in rows], values, color=b.VERMILLION, height=0.55)
    _end_labels(ax, values, [f"+{p:.0f} pts" for p in values], max(values) * 0.01)
    ax.set_xlim(0, max(values) * 1.18)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return _finish(fig, ax, heading, x="Risk points", grid="x")


def adoption_funnel_figure(
    stages: Sequence[str], counts: Sequence[float], *, unit: str = "Users",
    title: str | None = None,
) -> Figure:  # fmt: skip
    """Stages in order, each bar labelled with its count and share of the first stage."""
    heading = title or "Adoption funnel"
    b.same_length("adoption_funnel", stages, counts)
    values = [max(0.0, float(c)) if b.finite([c]) else 0.0 for c in counts]
    if not values or max(values) <= 0:
        return b.no_data(heading)
    fig, ax = _hbars(len(values))
    ax.barh(list(stages), values, color=[b.colour(i) for i in range(len(values))], height=0.6)
    first = values[0] or max(values)
    texts = [f"{v:,.0f}  ({v / first:.0%})" for v in values]
    _end_labels(ax, values, texts, max(values) * 0.01)
    ax.set_xlim(0, max(values) * 1.25)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    return _finish(fig, ax, heading, x=unit, grid="x")


def onboarding_progress_figure(
    phases: Sequence[str],
    percent_done: Sequence[float],
    *,
    title: str | None = None,
    axis_label: str = "Tasks done",
) -> Figure:
    """Share of each phase's tasks done, on a 0-100 % track; complete phases in green.

    Any 0-100 % progress per named row draws the same way (success-plan goals pass their own
    `axis_label`)."""
    heading = title or "Onboarding progress"
    b.same_length("onboarding_progress", phases, percent_done)
    if not phases:
        return b.no_data(heading, "No onboarding plan for this group")
    values = [max(0.0, min(100.0, float(p))) if b.finite([p]) else 0.0 for p in percent_done]
    fig, ax = _hbars(len(values))
    ax.barh(list(phases), [100.0] * len(values), color=b.GRID, height=0.55)
    ax.barh(list(phases), values, height=0.55,
            color=[b.GREEN if v >= 100 else b.BLUE for v in values])  # fmt: skip
    _end_labels(ax, [100.0] * len(values), [f"{v:.0f}%" for v in values], 2)
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(PercentFormatter(100))
    return _finish(fig, ax, heading, x=axis_label)


def health_distribution_figure(
    band_counts: Mapping[str, int], *, title: str | None = None
) -> Figure:
    """How many groups sit in each band, best band first, in the band colours."""
    heading = title or "Groups by health band"
    bands = [x for x in _BAND_ORDER if x in band_counts]
    bands += [x for x in band_counts if x not in _BAND_ORDER]
    counts = [max(0, int(band_counts[x])) for x in bands]
    if not counts or sum(counts) == 0:
        return b.no_data(heading, "No groups scored yet")
    fig = b.new_figure()
    ax = fig.add_subplot()
    colours = [b.BAND_COLOURS[_BAND_ORDER.index(x)] if x in _BAND_ORDER else b.GREY for x in bands]
    bars = ax.bar(bands, counts, color=colours, width=0.6)
    ax.bar_label(bars, labels=[f"{c:,}" for c in counts], padding=3, fontsize=b.LABEL_SIZE)
    ax.set_ylim(0, max(counts) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _finish(fig, ax, heading, y="Groups", grid="y")


def band_shift_figure(
    now: Mapping[str, int], before: Mapping[str, int], *, title: str | None = None
) -> Figure:
    """Groups per band now (band colours) beside a week before (grey), best band first."""
    heading = title or "Groups by health band, now and a week before"
    counts_now = [max(0, int(now.get(x, 0))) for x in _BAND_ORDER]
    counts_before = [max(0, int(before.get(x, 0))) for x in _BAND_ORDER]
    if sum(counts_now) + sum(counts_before) == 0:
        return b.no_data(heading, "No groups scored yet")
    fig = b.new_figure()
    ax = fig.add_subplot()
    xs = list(range(len(_BAND_ORDER)))
    width = 0.38
    last = ax.bar([x - width / 2 for x in xs], counts_before, width, color=b.GRID,
                  edgecolor=b.GREY, label="a week before")  # fmt: skip
    bars = ax.bar([x + width / 2 for x in xs], counts_now, width, color=list(b.BAND_COLOURS),
                  label="now")  # fmt: skip
    for group in (last, bars):
        ax.bar_label(group, labels=[f"{int(h.get_height()):,}" for h in group], padding=3,
                     fontsize=b.TICK_SIZE)  # fmt: skip
    ax.set_xticks(xs, list(_BAND_ORDER))
    ax.set_ylim(0, max(counts_now + counts_before) * 1.2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(frameon=False, fontsize=b.TICK_SIZE)
    return _finish(fig, ax, heading, y="Groups", grid="y")


component_breakdown = b.PngChart(component_breakdown_figure)
churn_factors = b.PngChart(churn_factors_figure)
adoption_funnel = b.PngChart(adoption_funnel_figure)
onboarding_progress = b.PngChart(onboarding_progress_figure)
health_distribution = b.PngChart(health_distribution_figure)
band_shift = b.PngChart(band_shift_figure)
