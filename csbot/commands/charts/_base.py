"""Shared look of every chart: size, palette, fonts, axes without junk, PNG output.

Only Matplotlib's object API is used (Figure + the Agg canvas). pyplot is global state and
not thread-safe; nothing here touches it, so charts can render in any thread or process.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, Literal, ParamSpec

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

WIDTH_IN = 8.0
HEIGHT_IN = 4.0
DPI = 110  # 880 x 440 px: sharp in Slack's message column, small to upload

# Okabe & Ito (2008), distinguishable with every common colour-vision deficiency.
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#999999"
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, SKY_BLUE, PURPLE, YELLOW, BLACK)
# Best band to worst: green, sky blue, orange, vermillion.
BAND_COLOURS = (GREEN, SKY_BLUE, ORANGE, VERMILLION)

TEXT = "#222222"
MUTED = "#666666"
GRID = "#DDDDDD"
TITLE_SIZE = 13
LABEL_SIZE = 11
TICK_SIZE = 10
NO_DATA = "No data for this window"


def colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def new_figure(height: float = HEIGHT_IN) -> Figure:
    """A blank figure on the Agg canvas (so savefig needs no backend lookup)."""
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


Grid = Literal["x", "y"] | None


def style_axes(ax: Axes, *, grid: Grid = "y") -> None:
    """No top/right spines, light grid on the value axis only, readable ticks."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.tick_params(labelsize=TICK_SIZE, colors=TEXT, length=3)
    if grid:
        ax.grid(True, axis=grid, color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)


def title(fig: Figure, text: str) -> None:
    fig.suptitle(text, x=0.01, ha="left", fontsize=TITLE_SIZE, color=TEXT, fontweight="bold")


def label(ax: Axes, *, x: str | None = None, y: str | None = None) -> None:
    if x:
        ax.set_xlabel(x, fontsize=LABEL_SIZE, color=TEXT)
    if y:
        ax.set_ylabel(y, fontsize=LABEL_SIZE, color=TEXT)


def laid_out(fig: Figure) -> Figure:
    """The figure with its axes fitted around their labels, under the title: ready to render."""
    fig.tight_layout(pad=0.6, rect=(0, 0, 1, 0.95) if fig.get_suptitle() else None)
    return fig


def to_png(fig: Figure) -> bytes:
    """PNG bytes of a built figure. Fast zlib level: flat colours compress well anyway."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


P = ParamSpec("P")


class PngChart(Generic[P]):
    """A chart as people get it: PNG bytes of the figure its builder draws, same arguments.

    `figure` is the builder (`<name>_figure`), which tests check before anything is rendered.
    """

    def __init__(self, figure: Callable[P, Figure]) -> None:
        self.figure = figure
        self.name = figure.__name__.removesuffix("_figure")
        self.__doc__ = figure.__doc__

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> bytes:
        return to_png(self.figure(*args, **kwargs))


def no_data(heading: str, message: str = NO_DATA) -> Figure:
    """The figure shown instead of an empty chart: the title and a quiet sentence, no axes."""
    fig = new_figure()
    title(fig, heading)
    fig.text(0.5, 0.5, message, ha="center", va="center", fontsize=LABEL_SIZE + 2, color=MUTED)
    return fig


def finite(values: Iterable[float | None]) -> list[float]:
    """Values that can be drawn: None and NaN/inf dropped."""
    return [float(v) for v in values if v is not None and math.isfinite(v)]


def gaps(values: Sequence[float | None]) -> list[float]:
    """Values for a line: None and non-finite become NaN, which Matplotlib draws as a gap."""
    return [float(v) if v is not None and math.isfinite(v) else math.nan for v in values]


def same_length(name: str, *sequences: Sequence[object]) -> None:
    """Mismatched series are a caller's bug, not a user's; say which."""
    sizes = {len(s) for s in sequences}
    if len(sizes) > 1:
        raise ValueError(f"{name}: series have different lengths {sorted(sizes)}")
