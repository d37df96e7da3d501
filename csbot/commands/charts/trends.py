"""Charts over time: health with its band zones, active users and sessions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure

from csbot.commands.charts import _base as b

Day = date | datetime
MAX_CROSSING_LABELS = 3
Mark = tuple[float, float, str]  # x, score, the band entered


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


def _band_colours(thresholds: Mapping[str, float]) -> dict[str, str]:
    """Each band's zone colour, as `_zones` shades it (best band first)."""
    bands = sorted(thresholds.items(), key=lambda item: -item[1])
    last = len(b.BAND_COLOURS) - 1
    return {band: b.BAND_COLOURS[min(i, last)] for i, (band, _) in enumerate(bands)}


def _crossings(ax: Axes, points: Sequence[Mark], thresholds: Mapping[str, float]) -> None:
    """A ring in the new band's colour on each day health entered another band; the latest
    few also say which band ("→ Critical"), so a noisy line stays readable."""
    if not points:
        return
    colours = _band_colours(thresholds)
    ax.scatter([x for x, _, _ in points], [y for _, y, _ in points], s=90, zorder=4,
               facecolors="white", edgecolors=[colours.get(n, b.TEXT) for _, _, n in points],
               linewidths=2.2, gid="crossings")  # fmt: skip
    for x, y, band in points[-MAX_CROSSING_LABELS:]:
        ax.annotate(f"\u2192 {band}", (x, y), xytext=(0, -16), textcoords="offset points",
                    ha="center", fontsize=b.TICK_SIZE, color=b.TEXT)  # fmt: skip


def _crossing_points(
    days: Sequence[Day],
    xs: Sequence[float],
    values: Sequence[float],
    crossings: Sequence[tuple[Day, str]],
) -> list[Mark]:
    """Where on the line each crossing is: its day's x and score (days not drawn are skipped)."""
    at = {_naive_utc(day): i for i, day in enumerate(days)}
    found = [(at.get(_naive_utc(day)), band) for day, band in crossings]
    return [(xs[i], values[i], n) for i, n in found if i is not None and values[i] == values[i]]


def health_trend_figure(
    days: Sequence[Day],
    scores: Sequence[float | None],
    thresholds: Mapping[str, float],
    *,
    title: str | None = None,
    crossings: Sequence[tuple[Day, str]] = (),
) -> Figure:
    """Daily health score (0-100) over shaded band zones; `thresholds` maps band -> lower bound.
    `crossings` are (day, band entered) pairs to mark on the line."""
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
    _crossings(ax, _crossing_points(days, xs, values, crossings), thresholds)
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
