"""The overview panel (the default): the account at a glance, its biggest risks, what to do.

The chart is the health trend over the window with the band zones of the score's config and
the days it entered another band marked (the engagement panel draws users and sessions). The
trend is the daily snapshots the recompute keeps, then today's score; before any history it is
today's score alone, placed in its band.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from csbot.commands.panels.base import Fact, PanelView
from csbot.scoring.config import BandThresholds
from csbot.scoring.health import band_crossings, band_floors
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.types import Band, GroupScore, RecommendedAction, fmt
from csbot.slack.blockkit import escape
from csbot.slack.render import ChartSpec

__all__ = [
    "build",
    "crossings_text",
    "health_chart",
    "money",
    "recommended",
    "trend_chart",
    "zones_text",
]


def money(amount: float) -> str:
    """'$1.2M', '$84k', '$950': what a CS manager reads at a glance."""
    value = abs(amount)
    sign = "-" if amount < 0 else ""
    if value >= 1_000_000:
        return f"{sign}${fmt(value / 1_000_000, 1)}M"
    if value >= 10_000:
        return f"{sign}${fmt(value / 1000, 0)}k"
    return f"{sign}${value:,.0f}"


def _renewal(renewal: date | None, as_of: date) -> str:
    if renewal is None:
        return "not set"
    days = (renewal - as_of).days
    when = f"in {days} days" if days >= 0 else f"{-days} days ago"
    return f"{renewal.day} {renewal:%b %Y} ({when})"


def _facts(data: PanelData, score: GroupScore) -> tuple[Fact, ...]:
    profile, usage, churn = data.profile, data.inputs.usage, score.churn
    users = usage.avg_daily_active_users
    facts = [
        Fact("Plan", f"{escape(profile.plan)} · {profile.seats} seats"),
        Fact("ARR", money(profile.arr)),
        Fact("Renewal", _renewal(profile.renewal_date, score.as_of)),
        Fact("Churn risk", f"{churn.level.value} ({fmt(churn.score, 0)}/100)"),
        Fact("ARR at risk", money(churn.arr_at_risk)),
        Fact("Active users/day", fmt(users, 1) if users is not None else "no usage"),
        Fact("Trend", score.trend.direction),
    ]
    last = data.inputs.last_touch
    facts.append(Fact("Last CS touch", f"{last.day} {last:%b %Y}" if last else "none on record"))
    if profile.onboarding_phase:
        facts.append(Fact("Onboarding", escape(profile.onboarding_phase)))
    return tuple(facts)


def recommended(actions: tuple[RecommendedAction, ...]) -> tuple[str, ...]:
    """One line per playbook entry: the strategy, then its first step."""
    return tuple(f"*{escape(a.strategy)}*: {escape(a.actions[0])}" for a in actions if a.actions)


def zones_text(edges: BandThresholds) -> str:
    """'Excellent 80 and up, Good 60 to 80, …, Critical below 40': the zones in words, so the
    alt text says what the shading shows."""
    top, good, low = edges.excellent, edges.good, edges.needs_attention
    return (
        f"{Band.EXCELLENT.value} {top:g} and up, {Band.GOOD.value} {good:g} to {top:g}, "
        f"{Band.NEEDS_ATTENTION.value} {low:g} to {good:g}, {Band.CRITICAL.value} below {low:g}"
    )


def crossings_text(crossings: Sequence[tuple[date, Band]]) -> str:
    """'; into Needs Attention on 12 Mar, into Critical on 20 Mar' (the last three), or ''."""
    if not crossings:
        return ""
    shown = ", ".join(f"into {band.value} on {d.day} {d:%b}" for d, band in crossings[-3:])
    more = f"{len(crossings)} band changes, the last " if len(crossings) > 3 else ""
    return f"; {more}{shown}"


def trend_chart(
    points: Sequence[tuple[date, float]], edges: BandThresholds, *, title: str, alt_text: str
) -> ChartSpec:
    """Health by day over the band zones, each day it entered another band marked: a group's on
    its card and alerts, a mean on Home."""
    crossings = band_crossings(points, edges)
    return ChartSpec(
        name="health_trend",
        kwargs={
            "days": [d for d, _ in points],
            "scores": [s for _, s in points],
            "thresholds": band_floors(edges),
            "title": title,
            "crossings": [(d, band.value) for d, band in crossings],
        },
        alt_text=f"{alt_text}{crossings_text(crossings)}. Bands: {zones_text(edges)}",
        title="Health trend",
    )


def health_chart(data: PanelData, score: GroupScore) -> ChartSpec | None:
    """Daily health over the window (snapshots, then today's score) over the zones of the
    config the score was computed with; today alone until daily snapshots build up a history.
    None when there is no score at all."""
    points = [(s.day, s.score) for s in data.snapshots if s.day < score.as_of]
    if score.health.has_data:
        points.append((score.as_of, score.health.score))
    if not points:
        return None
    now = f"now {score.health.display}" if score.health.has_data else "no score today"
    alt = f"Health of {score.name} over {len(points)} days, {now}"
    if len(points) == 1:
        alt = f"Health of {score.name}, {now}; no daily history for this window yet"
    return trend_chart(
        points, score.config.bands, title=f"Health, last {score.window_days} days", alt_text=alt
    )


def build(data: PanelData, score: GroupScore) -> PanelView:
    """Facts, what moved, the top risk factors and the playbook's next steps."""
    health, churn = score.health, score.churn
    moved = "\n".join(f"• {escape(r.text)}" for r in health.reasons)
    sections = [("What moved", moved or "No parts could be scored yet.")]
    if churn.top:
        sections.append(("Top risks", "\n".join(f"• {escape(f.text)}" for f in churn.top)))
    if health.missing:
        sections.append(("Missing data", escape("; ".join(health.missing))))
    return PanelView(
        title="Overview",
        headline=f"Churn risk *{churn.level.value}* · {money(churn.arr_at_risk)} of "
        f"{money(churn.arr)} ARR at risk",
        facts=_facts(data, score),
        sections=tuple(sections),
        actions=recommended(churn.actions),
        chart=health_chart(data, score),
        log_buttons=True,
        export_rows=(
            {
                "group": score.name,
                "health": round(health.score, 1),
                "band": health.band.value,
                "churn_risk": round(churn.score, 1),
                "arr_at_risk": churn.arr_at_risk,
            },
        ),
    )
