"""The account timeline: one row per kind of activity, a mark per event, a few labelled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from csbot.commands.charts import _base as b
from csbot.commands.charts.trends import Day, date_axis, day_numbers

Event = tuple[Day, str, str]

_KIND_ORDER = ("milestone", "meeting", "call", "email", "note")
_MARKERS = {"milestone": "D", "meeting": "o", "call": "s", "email": "^", "note": "v"}
_MAX_LABELS = 6
_LABEL_CHARS = 26
_LABEL_WIDTH = 0.26  # share of the axis a label needs, so two on one line never touch


def _stamp(value: Day) -> float:
    """Seconds since the epoch for ordering; naive values are taken as UTC."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


def _kinds(events: Sequence[Event]) -> list[str]:
    present = {kind for _, kind, _ in events}
    return [k for k in _KIND_ORDER if k in present] + sorted(present - set(_KIND_ORDER))


def _priority(events: Sequence[Event], now: Day | None) -> list[int]:
    """Events by how much a label helps: milestones, then upcoming ones, then the latest."""
    cutoff = _stamp(now) if now is not None else None

    def key(i: int) -> tuple[int, float]:
        stamp = _stamp(events[i][0])
        upcoming = cutoff is not None and stamp > cutoff
        return (0 if events[i][1] == "milestone" else 1 if upcoming else 2), -stamp

    return sorted(range(len(events)), key=key)


def _place_labels(ax: Axes, events: Sequence[Event], xs: Sequence[float],
                  rows: Sequence[int], now: Day | None) -> None:  # fmt: skip
    """Label a few events just above their mark, where no other label on that row sits.

    Only above: a label between two rows reads as belonging to either.
    """
    left, right = ax.get_xlim()
    span = (right - left) or 1.0
    taken: list[tuple[int, float]] = []  # (row, x as a share of the axis)
    for i in _priority(events, now):
        if len(taken) >= _MAX_LABELS:
            break
        share = (xs[i] - left) / span
        if any(r == rows[i] and abs(x - share) < _LABEL_WIDTH for r, x in taken):
            continue
        taken.append((rows[i], share))
        align = "left" if share < 0.13 else "right" if share > 0.87 else "center"
        ax.annotate(_short(events[i][2]), (xs[i], rows[i]), ha=align, xytext=(0, 9),
                    textcoords="offset points", fontsize=b.TICK_SIZE, color=b.TEXT)  # fmt: skip


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "\u2026"


def timeline_figure(
    events: Sequence[Event],
    *,
    now: Day | None = None,
    title: str | None = None,
) -> Figure:
    """`events` are (when, kind, label); kinds get one row each, milestones on top."""
    heading = title or "Account timeline"
    if not events:
        return b.no_data(heading, "No activity in this window")
    events = sorted(events, key=lambda e: _stamp(e[0]))
    kinds = _kinds(events)
    rows = [kinds.index(kind) for _, kind, _ in events]
    xs = day_numbers([e[0] for e in events])
    fig = b.new_figure()
    ax = fig.add_subplot()
    for row, kind in enumerate(kinds):
        mine = [x for x, r in zip(xs, rows, strict=True) if r == row]
        ax.scatter(mine, [row] * len(mine), s=46, color=b.colour(row),
                   marker=_MARKERS.get(kind, "o"), zorder=3)  # fmt: skip
    if now is not None:
        today = day_numbers([now])[0]
        ax.axvline(today, color=b.MUTED, linewidth=1, linestyle="--")
        ax.annotate("today", (today, -0.5), fontsize=b.TICK_SIZE, color=b.MUTED, ha="left",
                    va="bottom", xytext=(3, 0), textcoords="offset points")  # fmt: skip
    ax.set_yticks(range(len(kinds)), [k.capitalize() for k in kinds])
    ax.set_ylim(len(kinds) - 0.4, -0.6)  # first kind on top
    ax.margins(x=0.04)
    date_axis(ax)
    _place_labels(ax, events, xs, rows, now)
    b.style_axes(ax, grid="x")
    b.title(fig, heading)
    return b.laid_out(fig)


timeline = b.PngChart(timeline_figure)
