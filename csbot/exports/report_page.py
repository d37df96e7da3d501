"""The one-page portfolio summary as PDF or PNG: headline numbers, the health distribution, the
mean health trend and the groups that need attention, for an email or a QBR deck.

Pure and Matplotlib's object API only (a Figure on the Agg canvas, never pyplot), like the
card charts, whose look (palette, band colours, fonts) it shares.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from csbot.commands.charts import _base as b
from csbot.commands.charts.trends import date_axis, day_numbers

__all__ = ["PAGE_ROWS", "Summary", "summary_page"]

PAGE_ROWS = 12
PAGE_SIZE = (11.0, 8.5)  # US letter, landscape: fits a slide and a printout
_BANDS = ("Excellent", "Good", "Needs Attention", "Critical")
_COLUMNS = ("Group", "Health", "Change", "Band", "Churn risk", "ARR at risk", "Top risk")
_LIMITS = {"Group": 36, "Top risk": 44}  # characters that fit the column at 8 pt
_WIDTHS = (0.25, 0.06, 0.06, 0.11, 0.11, 0.09, 0.32)


@dataclass(frozen=True)
class Summary:
    """What the page shows. `rows` are the portfolio CSV's rows, worst first."""

    title: str
    subtitle: str
    band_counts: Mapping[str, int]
    trend: Sequence[tuple[date, float]]
    thresholds: Mapping[str, float]
    rows: Sequence[Mapping[str, Any]]


def _distribution(ax: Axes, counts: Mapping[str, int]) -> None:
    values = [int(counts.get(band, 0)) for band in _BANDS]
    bars = ax.bar(_BANDS, values, color=b.BAND_COLOURS, width=0.6)
    ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3, fontsize=b.TICK_SIZE)
    ax.set_ylim(0, max([*values, 1]) * 1.2)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("Groups by health band", loc="left", fontsize=b.LABEL_SIZE, color=b.TEXT)
    b.style_axes(ax)


def _trend(ax: Axes, trend: Sequence[tuple[date, float]], thresholds: Mapping[str, float]) -> None:
    ax.set_title("Mean health", loc="left", fontsize=b.LABEL_SIZE, color=b.TEXT)
    b.style_axes(ax)
    if len(trend) < 2:
        ax.text(
            0.5,
            0.5,
            "Not enough history yet: run `csbot recompute` daily",
            ha="center",
            va="center",
            transform=ax.transAxes,
            color=b.MUTED,
        )
        ax.set_xticks([])
        return
    upper = 100.0
    for i, (_, lower) in enumerate(sorted(thresholds.items(), key=lambda t: -t[1])):
        ax.axhspan(lower, upper, color=b.BAND_COLOURS[min(i, 3)], alpha=0.13, linewidth=0)
        upper = lower
    xs = day_numbers([d for d, _ in trend])
    ax.plot(xs, [s for _, s in trend], color=b.BLUE, linewidth=2)
    ax.set_ylim(0, 100)
    ax.set_xlim(xs[0], xs[-1])
    date_axis(ax)


def _cell(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column.lower().replace(" ", "_"), "")
    if column == "Change" and value not in ("", None):
        return f"{float(value):+.1f}"
    if column == "ARR at risk":
        return f"${float(value or 0):,.0f}"
    if column == "Churn risk":
        return f"{row.get('churn_level', '')} ({float(value or 0):.0f})"
    text = "" if value is None else str(value)
    limit = _LIMITS.get(column, 44)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _table(ax: Axes, rows: Sequence[Mapping[str, Any]]) -> None:
    ax.axis("off")
    shown = list(rows[:PAGE_ROWS])
    ax.set_title(
        f"Needs attention first ({len(shown)} of {len(rows)} groups)",
        loc="left",
        fontsize=b.LABEL_SIZE,
        color=b.TEXT,
    )
    if not shown:
        ax.text(0, 0.8, "No group has usage data for this window yet.", color=b.MUTED)
        return
    cells = [[_cell(r, c) for c in _COLUMNS] for r in shown]
    table = ax.table(
        cellText=cells, colLabels=_COLUMNS, colWidths=_WIDTHS, loc="upper left", cellLoc="left"
    )
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    for (row, _), cell in table.get_celld().items():
        cell.set_edgecolor(b.GRID)
        cell.get_text().set_parse_math(False)  # "$" is money here, not TeX
        if row == 0:
            cell.set_text_props(fontweight="bold")


def summary_page(summary: Summary, *, fmt: Literal["pdf", "png"] = "pdf") -> bytes:
    """The page as PDF (vector, for print and decks) or PNG (for email)."""
    fig = Figure(figsize=PAGE_SIZE, dpi=b.DPI, facecolor="white")
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(
        2,
        2,
        height_ratios=(1, 1.25),
        hspace=0.35,
        wspace=0.2,
        left=0.06,
        right=0.97,
        top=0.86,
        bottom=0.03,
    )
    fig.text(
        0.06, 0.95, summary.title, fontsize=16, fontweight="bold", color=b.TEXT, parse_math=False
    )
    fig.text(0.06, 0.915, summary.subtitle, fontsize=b.LABEL_SIZE, color=b.MUTED, parse_math=False)
    _distribution(fig.add_subplot(grid[0, 0]), summary.band_counts)
    _trend(fig.add_subplot(grid[0, 1]), summary.trend, summary.thresholds)
    _table(fig.add_subplot(grid[1, :]), summary.rows)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=b.DPI)
    return buffer.getvalue()
