"""The score audit's chart: ROC curves of health and churn risk against renewal outcomes."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from csbot.commands.charts import _base as b

Curve = tuple[str, Sequence[float], Sequence[float]]
"""A label (with its AUC) and the curve's false and true positive rates."""


def roc_curves_figure(curves: Sequence[Curve], *, title: str | None = None) -> Figure:
    """One line per score from (0, 0) to (1, 1); the diagonal is a coin toss."""
    heading = title or "Which churns the scores foresaw"
    drawn = [c for c in curves if len(c[1]) >= 2]
    if not drawn:
        return b.no_data(heading, "No renewals with both outcomes yet")
    fig = b.new_figure()
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color=b.GREY, linestyle="--", linewidth=1, label="coin toss")
    for k, (name, fpr, tpr) in enumerate(drawn):
        b.same_length(name, fpr, tpr)
        ax.plot(list(fpr), list(tpr), color=b.colour(k), linewidth=2, label=name)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(loc="lower right", fontsize=b.TICK_SIZE, frameon=False)
    b.style_axes(ax, grid="y")
    b.label(ax, x="Renewed groups flagged (false positive rate)",
            y="Churned groups flagged (recall)")  # fmt: skip
    b.title(fig, heading)
    return b.laid_out(fig)


roc_curves = b.PngChart(roc_curves_figure)
