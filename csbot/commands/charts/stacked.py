"""Stacked bars over periods: revenue by month and service type, tickets by week and category."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from csbot.commands.charts import _base as b

_MAX_TICK_LABELS = 12


def _money(value: float, _pos: object = None) -> str:
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"${value / size:,.3g}{suffix}"
    return f"${value:,.0f}"


def _month(day: date) -> str:
    return f"{day:%b} {day:%y}"


def _week(day: date) -> str:
    return f"{day:%b} {day.day}"


def _stack(
    ax: Axes, periods: Sequence[str], series: Mapping[str, Sequence[float]], name: str
) -> float:
    """Draw stacked bars, one colour per series; return the tallest stack."""
    bottoms = [0.0] * len(periods)
    for i, (label, values) in enumerate(series.items()):
        b.same_length(name, periods, values)
        heights = [max(0.0, float(v)) if b.finite([v]) else 0.0 for v in values]
        ax.bar(range(len(periods)), heights, bottom=bottoms, color=b.colour(i), width=0.7,
               label=label)  # fmt: skip
        bottoms = [bo + h for bo, h in zip(bottoms, heights, strict=True)]
    step = max(1, -(-len(periods) // _MAX_TICK_LABELS))
    ticks = list(range(0, len(periods), step))
    ax.set_xticks(ticks, [periods[i] for i in ticks])
    return max(bottoms, default=0.0)


def _stacked_chart(
    heading: str,
    periods: Sequence[date],
    series: Mapping[str, Sequence[float]],
    *,
    fmt: Callable[[date], str],
    x: str,
    y: str,
    money: bool,
) -> Figure:
    labels = [fmt(p) for p in periods]
    if not periods or not any(b.finite(v) and sum(b.finite(v)) > 0 for v in series.values()):
        return b.no_data(heading)
    fig = b.new_figure()
    ax = fig.add_subplot()
    top = _stack(ax, labels, series, heading)
    ax.set_ylim(0, top * 1.08 or 1)
    if money:
        ax.yaxis.set_major_formatter(FuncFormatter(_money))
    else:
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(4, len(series)), frameon=False,
              fontsize=b.TICK_SIZE)  # fmt: skip
    b.style_axes(ax)
    b.label(ax, x=x, y=y)
    b.title(fig, heading)
    return b.laid_out(fig)


def revenue_by_month_figure(
    months: Sequence[date],
    by_service: Mapping[str, Sequence[float]],
    *,
    title: str | None = None,
) -> Figure:
    """Monthly revenue stacked by service type; `by_service` maps service -> one amount a month."""
    heading = title or "Revenue by month"
    return _stacked_chart(
        heading, months, by_service, fmt=_month, x="Month", y="Revenue", money=True
    )


def tickets_by_week_figure(
    weeks: Sequence[date],
    by_category: Mapping[str, Sequence[float]],
    *,
    title: str | None = None,
) -> Figure:
    """Tickets opened per week stacked by category; `weeks` are each week's first day."""
    heading = title or "Tickets by week"
    return _stacked_chart(
        heading, weeks, by_category, fmt=_week, x="Week of", y="Tickets", money=False
    )


revenue_by_month = b.PngChart(revenue_by_month_figure)
tickets_by_week = b.PngChart(tickets_by_week_figure)
