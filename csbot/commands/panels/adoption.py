"""The adoption panel: which features the group has taken up, core against advanced, its
journey's milestones, what to recommend next and what that would change. The chart is the
funnel from features available to features in routine use."""

from __future__ import annotations

from typing import Any

from csbot.commands.panels import _text as t
from csbot.commands.panels._steps import steps
from csbot.commands.panels.base import Fact, PanelView
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.panels import AdoptionMetrics, adoption_metrics
from csbot.scoring.panels.adoption import FeatureStatus
from csbot.scoring.types import GroupScore
from csbot.slack.render import ChartSpec

__all__ = ["build"]


def _of(part: int, whole: int, pct: float | None) -> str:
    return f"{part} of {whole} ({t.pct(pct)})" if whole else "none on record"


def _facts(m: AdoptionMetrics) -> tuple[Fact, ...]:
    total = m.core_total + m.advanced_total
    reached = [s for s in m.milestones if s.reached]
    upcoming = next((s.name for s in m.milestones if not s.reached), "all reached")
    facts = [
        Fact("Adopted", _of(m.core_adopted + m.advanced_adopted, total, m.adopted_pct)),
        Fact("Core", _of(m.core_adopted, m.core_total, m.core_adopted_pct)),
        Fact("Advanced", _of(m.advanced_adopted, m.advanced_total, m.advanced_adopted_pct)),
        *(Fact(c.name, str(c.count)) for c in m.funnel[2:]),
        Fact("Milestones", f"{len(reached)} of {len(m.milestones)} reached"),
        Fact("Next milestone", t.clip(upcoming, 60)),
    ]
    busiest = max(m.features, key=lambda f: f.uses, default=None)
    if busiest is not None and busiest.uses:
        facts.append(Fact("Most used", f"{t.clip(busiest.feature, 40)} ({t.count(busiest.uses)})"))
    return tuple(facts[:10])


def _state(f: FeatureStatus) -> str:
    if not f.adopted:
        return "not adopted"
    if not f.active:
        return f"not used since {t.day(f.last_used, none='?')}"
    return f"{t.count(f.uses)} uses"


def _tiers(m: AdoptionMetrics) -> str:
    lines = []
    for tier in ("core", "advanced"):
        mine = [f for f in m.features if f.tier == tier]
        if mine:
            named = " · ".join(f"{t.clip(f.feature, 40)} ({_state(f)})" for f in mine[:8])
            more = f" · and {len(mine) - 8} more" if len(mine) > 8 else ""
            lines.append(f"*{tier.capitalize()}*: {named}{more}")
    return t.body("\n".join(lines)) or "No features on record."


def _journey(m: AdoptionMetrics) -> str:
    """Reached steps ticked with their day; a step with a day still ahead is 'planned'."""
    lines = []
    for s in m.milestones:
        when = "" if s.day is None else f" · {'' if s.reached else 'planned '}{t.day(s.day)}"
        lines.append(f"{'✓' if s.reached else '○'} {t.clip(s.name, 60)}{when}")
    return t.body("\n".join(lines))


def _recommendations(m: AdoptionMetrics) -> str:
    if not m.features:
        return "No features on record."
    lines = [f"{t.clip(f.feature, 40)} ({f.tier}): {_state(f)}" for f in m.recommendations]
    return t.bullets(lines, empty="Nothing to recommend: every feature is in use.")


def _derived(m: AdoptionMetrics) -> list[str]:
    if not m.features:
        return ["Walk the practice manager through the core features and agree which to start with"]
    out = []
    for f in m.recommendations[:3]:
        name = t.clip(f.feature, 40)
        if not f.adopted:
            out.append(f"Demo {name} to the practice manager ({f.tier}, not adopted yet)")
        else:
            out.append(f"Ask why {name} stopped: last used {t.day(f.last_used, none='?')}")
    return out


def _chart(m: AdoptionMetrics, score: GroupScore) -> ChartSpec | None:
    if not m.features:
        return None
    described = ", ".join(f"{c.count} {c.name.lower()}" for c in m.funnel)
    return ChartSpec(
        name="adoption_funnel",
        kwargs={
            "stages": [c.name for c in m.funnel],
            "counts": [float(c.count) for c in m.funnel],
            "unit": "Features",
            "title": "Feature adoption funnel",
        },
        alt_text=f"Feature adoption of {score.name}: {described}",
        title="Adoption funnel",
    )


def _headline(m: AdoptionMetrics) -> str:
    if not m.features:
        return "No feature usage recorded yet"
    return (
        f"*{t.pct(m.adopted_pct)} of features adopted* · core {m.core_adopted} of "
        f"{m.core_total} · advanced {m.advanced_adopted} of {m.advanced_total}"
    )


def _rows(m: AdoptionMetrics) -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "feature": f.feature,
            "tier": f.tier,
            "adopted": f.adopted,
            "active": f.active,
            "uses": f.uses,
            "last_used": f.last_used,
        }
        for f in m.features
    )


def build(data: PanelData, score: GroupScore) -> PanelView:
    """Adoption by tier, the journey, recommendations and their projected impact."""
    m = adoption_metrics(data)
    insights = [t.clip(i, 300) for i in m.insights]
    return PanelView(
        title="Adoption",
        headline=_headline(m),
        facts=_facts(m),
        sections=(
            ("What stands out", t.bullets(insights, empty="No feature usage recorded yet.")),
            ("Core and advanced features", _tiers(m)),
            ("Adoption journey", _journey(m)),
            ("Recommended next features", _recommendations(m)),
            ("Projected impact", t.clip(m.projected_impact, 500)),
        ),
        actions=steps(_derived(m)),
        chart=_chart(m, score),
        export_rows=_rows(m),
    )
