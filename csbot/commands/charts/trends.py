"""Charts over time: health with its band zones, active users and sessions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure

from csbot.commands.charts import _base as b

Day = date | datetime


def _naive_utc(value: Day) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def day_numbers(values: Sequence[Day]) -> list[float]:
    """Dates as Matplotlib's day numbers; dates, naive (UTC) and aware datetimes may mix.

    Plotting numbers also skips Matplotlib's slower unit machinery.
    """
    naive = [_naive_utc(v) for v in values]
    return [float(v) for v in date2num(naive)] if naive else []  # type: ignore[no-untyped-call]


def date_axis(ax: Axes) -> None:
    locator = AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]


def _zones(ax: Axes, thresholds: Mapping[str, float], right: float) -> None:
    """Shade each band from its lower bound up to the next one, best band on top."""
    bands = sorted(thresholds.items(), key=lambda item: -item[1])
    upper = 100.0
    for i, (band, lower) in enumerate(bands):
        colour = b.BAND_COLOURS[min(i, len(b.BAND_COLOURS) - 1)]
        lower = max(0.0, min(float(lower), upper))
        ax.axhspan(lower, upper, color=colour, alpha=0.13, linewidth=0)
        if upper - lower >= 8:
            ax.text(right, (lower + upper) / 2, f" {band}", va="center", ha="left",
                    fontsize=b.TICK_SIZE, color=b.MUTED, clip_on=False)  # fmt: skip
        upper = lower


def health_trend_figure(
    days: Sequence[Day],
    scores: Sequence[float | None],
    thresholds: Mapping[str, float],
    *,
    title: str | None = None,
) -> Figure:
    """Daily health score (0-100) over shaded band zones; `thresholds` maps band -> lower bound."""
    heading = title or "Health score"
    b.same_length("health_trend", days, scores)
    if not b.finite(scores):
        return b.no_data(heading)
    fig = b.new_figure()
    ax = fig.add_subplot()
    xs = day_numbers(days)
    _zones(ax, thresholds, xs[-1])
    values = b.gaps(scores)
    ax.plot(xs, values, color=b.BLUE, linewidth=2.2, marker="o" if len(days) <= 31 else None,
            markersize=3.5)  # fmt: skip
    last = next((i for i in range(len(values) - 1, -1, -1) if values[i] == values[i]), None)
    if last is not None:
        ax.annotate(f"{values[last]:.0f}", (xs[last], values[last]), xytext=(-4, 8),
                    textcoords="offset points", ha="right", fontsize=b.LABEL_SIZE,
                    color=b.TEXT, fontweight="bold")  # fmt: skip
    ax.set_ylim(0, 100)
    if len(xs) > 1:
        ax.set_xlim(xs[0], xs[-1])
    b.style_axes(ax)
    date_axis(ax)
    b.label(ax, y="Score (0\u2013100)")
    b.title(fig, heading)
    return b.laid_out(fig)


def active_users_sessions_figure(
    days: Sequence[Day],
    active_users: Sequence[float | None],
    sessions: Sequence[float | None],
    *,
    title: str | None = None,
) -> Figure:
    """Two small panels sharing the date axis: their scales differ too much for one."""
    heading = title or "Active users and sessions"
    b.same_length("active_users_sessions", days, active_users, sessions)
    if not b.finite(active_users) and not b.finite(sessions):
        return b.no_data(heading)
    fig = b.new_figure(height=4.4)
    top, bottom = fig.subplots(2, 1, sharex=True)
    for ax, values, colour, name in (
        (top, active_users, b.BLUE, "Active users"),
        (bottom, sessions, b.ORANGE, "Sessions"),
    ):
        ax.plot(day_numbers(days), b.gaps(values), color=colour, linewidth=2)
        ax.set_ylim(bottom=0)
        b.style_axes(ax)
        b.label(ax, y=name)
    date_axis(bottom)
    b.title(fig, heading)
    return b.laid_out(fig)


health_trend = b.PngChart(health_trend_figure)
active_users_sessions = b.PngChart(active_users_sessions_figure)
