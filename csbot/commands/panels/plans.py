"""The success-plans panel: each plan's goals with their metric, progress and whether they keep
pace with the calendar, and the action items that move them. The chart is each goal's progress
from baseline to target."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from csbot.commands.panels import _text as t
from csbot.commands.panels._steps import steps
from csbot.commands.panels.base import Fact, PanelView
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.panels import PlanMetrics, plan_metrics, plural
from csbot.scoring.panels.plans import ActionStatus, GoalProgress
from csbot.scoring.types import GroupScore, fmt
from csbot.slack.render import ChartSpec

__all__ = ["build"]


def _value(value: float, unit: str) -> str:
    """'76%', '10 h', '1,250 claims': one decimal only when it says something."""
    number = fmt(value, 1).removesuffix(".0")
    if abs(value) >= 1000:
        number = f"{value:,.0f}"
    if unit == "%":
        return number + "%"
    return f"{number} {t.clip(unit, 20)}" if unit else number


def _pace(g: GoalProgress) -> str:
    return {True: "on track", False: "*behind*", None: "no dates"}[g.on_track]


def _goal(g: GoalProgress, names: Mapping[str, str]) -> str:
    metric = t.clip(g.metric.replace("_", " "), 40)
    parts = [
        f"*{t.clip(g.title, 70)}* ({metric}): {_value(g.current, g.unit)}, "
        f"from {_value(g.baseline, g.unit)} toward {_value(g.target, g.unit)} · "
        f"{t.pct(g.pct)} of the way · {_pace(g)}"
    ]
    if g.owner:
        parts.append(t.who(g.owner, names))
    if g.due:
        parts.append(f"due {t.day(g.due)}")
    return " · ".join(parts)


def _initiatives(m: PlanMetrics, names: Mapping[str, str]) -> str:
    """Goals under their plan (the initiative), plans in the order they started."""
    plans: dict[str, list[GoalProgress]] = {}
    for g in m.goals:
        plans.setdefault(g.plan, []).append(g)
    blocks = [
        f"_{t.clip(plan, 80)}_\n" + t.bullets([_goal(g, names) for g in goals], limit=6)
        for plan, goals in plans.items()
    ]
    return t.body("\n".join(blocks)) if blocks else "No success plan on record."


def _item(a: ActionStatus, names: Mapping[str, str]) -> str:
    parts = [t.clip(a.text, 80)]
    if a.owner:
        parts.append(t.who(a.owner, names))
    if a.days_overdue:
        parts.append(f"*{plural(a.days_overdue, 'day')} overdue*")
    elif a.due:
        parts.append(f"due {t.short_day(a.due)}")
    if a.goal:
        parts.append(f"for {t.clip(a.goal, 50)}")
    return " · ".join(parts)


def _items(items: tuple[ActionStatus, ...], names: Mapping[str, str], empty: str) -> str:
    return t.bullets([_item(a, names) for a in items], empty=empty)


def _facts(m: PlanMetrics) -> tuple[Fact, ...]:
    dated = [g for g in m.goals if g.on_track is not None]
    on_track = sum(1 for g in dated if g.on_track)
    nxt = m.upcoming_actions[0] if m.upcoming_actions else None
    return (
        Fact("Plans", str(len({g.plan for g in m.goals}))),
        Fact("Goals", str(len(m.goals))),
        Fact("Average progress", t.pct(m.avg_progress_pct, none="no goals")),
        Fact("On track", f"{on_track} of {len(dated)}" if dated else "no dated goals"),
        Fact("Open action items", str(m.open_actions)),
        Fact("Done", str(m.done_actions)),
        Fact("Overdue", str(len(m.overdue_actions))),
        Fact("Next due", t.day(nxt.due, none="none") if nxt else "none"),
    )


def _derived(m: PlanMetrics, names: Mapping[str, str]) -> list[str]:
    if not m.goals and not m.open_actions:
        return ["Draft a success plan with the practice manager: goals, owners and dates"]
    out = []
    for g in [g for g in m.goals if g.on_track is False][:2]:
        who = f" with {t.who(g.owner, names)}" if g.owner else ""
        out.append(f"Review “{t.clip(g.title, 60)}”{who}: {t.pct(g.pct)} of the way, behind pace")
    for a in m.overdue_actions[:2]:
        who = f"{t.who(a.owner, names)}, " if a.owner else ""
        late = plural(a.days_overdue or 0, "day")
        out.append(f"Chase “{t.clip(a.text, 60)}” ({who}{late} overdue)")
    return out


def _chart(m: PlanMetrics, score: GroupScore) -> ChartSpec | None:
    if not m.goals:
        return None
    described = ", ".join(f"{g.title} {t.pct(g.pct)}" for g in m.goals)
    return ChartSpec(
        name="onboarding_progress",
        kwargs={
            "phases": [" ".join(g.title.split()) for g in m.goals],
            "percent_done": [g.pct for g in m.goals],
            "title": f"Success-plan goals: {t.pct(m.avg_progress_pct)} of the way on average",
            "axis_label": "Of the way from baseline to target",
        },
        alt_text=f"Progress of {score.name}'s success-plan goals from baseline to target: "
        f"{described}",
        title="Goal progress",
    )


def _headline(m: PlanMetrics) -> str:
    if not m.goals and not m.open_actions:
        return "No success plan on record"
    text = f"*Goals {t.pct(m.avg_progress_pct, none='none set')} of the way on average*"
    behind = sum(1 for g in m.goals if g.on_track is False)
    if behind:
        text += f" · {plural(behind, 'goal')} behind"
    if m.overdue_actions:
        text += f" · {plural(len(m.overdue_actions), 'action item')} overdue"
    return text


def _rows(m: PlanMetrics) -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "plan": g.plan,
            "goal": g.title,
            "metric": g.metric,
            "baseline": g.baseline,
            "target": g.target,
            "current": g.current,
            "pct": g.pct,
            "on_track": g.on_track,
        }
        for g in m.goals
    )


def build(data: PanelData, score: GroupScore) -> PanelView:
    """Goals by plan with progress and pace, action items, and what to chase."""
    m = plan_metrics(data)
    names = t.names_by_slack_id(data.contacts)
    if not m.goals and not m.open_actions:
        sections: tuple[tuple[str, str], ...] = (("Plans", "No success plan on record yet."),)
    else:
        sections = (
            ("What stands out", t.bullets([t.clip(i, 300) for i in m.insights])),
            ("Initiatives and goals", _initiatives(m, names)),
            ("Overdue action items", _items(m.overdue_actions, names, "None.")),
            ("Coming up", _items(m.upcoming_actions, names, "Nothing due.")),
        )
    return PanelView(
        title="Success plans",
        headline=_headline(m),
        facts=_facts(m) if m.goals or m.open_actions else (),
        sections=sections,
        actions=steps(_derived(m, names)),
        chart=_chart(m, score),
        export_rows=_rows(m),
    )
