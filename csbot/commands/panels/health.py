"""The health panel: the score taken apart into its three parts, what each move cost, and the
risk factors that come with it.

Every number here is arithmetic a person can redo: value x weight = points, and the points sum
to the score. The chart shows the same breakdown.
"""

from __future__ import annotations

from csbot.commands.panels.base import Fact, PanelView
from csbot.commands.panels.overview import recommended
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.types import ComponentScore, GroupScore, HealthScore, fmt, signed
from csbot.slack.blockkit import escape
from csbot.slack.render import ChartSpec

__all__ = ["build"]


def _fact(part: ComponentScore) -> Fact:
    if part.value is None:
        return Fact(part.label, "not scored")
    change = f" ({signed(part.delta_points)} pts)" if part.delta_points is not None else ""
    return Fact(part.label, f"{fmt(part.value, 0)} → {fmt(part.points)} pts{change}")


def _facts(score: GroupScore) -> tuple[Fact, ...]:
    health = score.health
    previous = health.previous_score
    facts = [_fact(part) for part in health.components]
    facts += [
        Fact("Previous window", fmt(previous) if previous is not None else "no data"),
        Fact("Band", f"{health.band.slack_emoji} {health.band.value}"),
    ]
    return tuple(facts)


def _cost_lines(health: HealthScore) -> str:
    """Biggest move first: what moved, the arithmetic, and the points it cost or earned."""
    lines = []
    for reason in health.reasons:
        part = health.component(reason.component) if reason.component else None
        detail = f" · {part.detail}" if part is not None and not part.missing else ""
        lines.append(f"• {escape(reason.text)}{escape(detail)}")
    return "\n".join(lines)


def _chart(score: GroupScore) -> ChartSpec:
    parts = [
        (c.label, float(c.value), c.effective_weight, c.points)
        for c in score.health.components
        if c.value is not None
    ]
    described = ", ".join(f"{label} {fmt(value, 0)}" for label, value, _, _ in parts)
    return ChartSpec(
        name="component_breakdown",
        kwargs={"components": parts, "title": f"Health {score.health.display}: its parts"},
        alt_text=f"Health parts of {score.name}: {described or 'none scored'}",
        title="Health components",
    )


def _risks(score: GroupScore, limit: int = 5) -> str:
    """The churn-risk factors this health brings with it, most points first, with evidence."""
    factors = score.churn.factors
    lines = [
        f"• *{escape(f.title)}* (+{fmt(f.points, 0)}): {escape(f.evidence)}"
        for f in factors[:limit]
    ]
    if len(factors) > limit:
        lines.append(f"…and {len(factors) - limit} more: see `/cs churn`")
    return "\n".join(lines)


def _trend(score: GroupScore) -> str:
    """The slope of the daily scores, when there are enough of them; the change is in the
    headline already."""
    trend = score.trend
    if trend.slope_per_day is None:
        return ""
    slope = signed(trend.slope_per_day, 2)
    return f"Trend: {trend.direction}, {slope} pts/day over {trend.snapshots} days"


def build(data: PanelData, score: GroupScore) -> PanelView:
    """The parts, the moves and their cost, missing data, and the playbook's next steps."""
    health = score.health
    sections = [("What moved and what it cost", _cost_lines(health))]
    if score.churn.factors:
        sections.append(("Risk factors", _risks(score)))
    if health.missing:
        sections.append(("Missing data", escape("; ".join(health.missing))))
    if score.notes:
        sections.append(("Notes", escape("\n".join(score.notes))))
    return PanelView(
        title="Health",
        headline=_trend(score),
        facts=_facts(score),
        sections=tuple(sections),
        actions=recommended(score.churn.actions),
        chart=_chart(score),
        export_rows=tuple(
            {"part": c.label, "value": c.value, "weight": c.effective_weight, "points": c.points}
            for c in health.components
        ),
    )
