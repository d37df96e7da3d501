"""Success plans panel: progress per goal and action items, overdue first."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from csbot.scoring.panel_inputs import ActionEntry, GoalEntry, PanelData
from csbot.scoring.panels._common import by_due, day_end, plural
from csbot.scoring.types import fmt


@dataclass(frozen=True)
class GoalProgress:
    plan: str
    title: str
    metric: str
    unit: str
    baseline: float
    target: float
    current: float
    pct: float  # 0-100 of the way from baseline to target (works for targets below baseline)
    due: date | None
    owner: str | None
    on_track: bool | None  # progress at least the share of time elapsed; None without dates

    @property
    def text(self) -> str:
        unit = self.unit if self.unit in ("%", "") else f" {self.unit}"
        return (
            f"{self.title}: {fmt(self.current)}{unit} (from {fmt(self.baseline)} to "
            f"{fmt(self.target)}{unit}), {fmt(self.pct, 0)}% of the way"
        )


@dataclass(frozen=True)
class ActionStatus:
    text: str
    owner: str | None
    due: date | None
    done: bool
    days_overdue: int | None
    goal: str | None


@dataclass(frozen=True)
class PlanMetrics:
    goals: tuple[GoalProgress, ...]
    open_actions: int
    done_actions: int
    overdue_actions: tuple[ActionStatus, ...]  # most overdue first
    upcoming_actions: tuple[ActionStatus, ...]  # open, not overdue, by due date
    insights: tuple[str, ...]

    @property
    def avg_progress_pct(self) -> float | None:
        return sum(g.pct for g in self.goals) / len(self.goals) if self.goals else None


def _pct(goal: GoalEntry) -> float:
    span = goal.target - goal.baseline
    if span == 0:
        return 100.0 if goal.current == goal.target else 0.0
    return max(0.0, min(100.0, 100.0 * (goal.current - goal.baseline) / span))


def _on_track(goal: GoalEntry, pct: float, as_of: date) -> bool | None:
    if goal.due is None or goal.plan_start is None or goal.due <= goal.plan_start:
        return None
    elapsed = (as_of - goal.plan_start).days / (goal.due - goal.plan_start).days
    return pct >= 100.0 * max(0.0, min(1.0, elapsed))


def _goal(goal: GoalEntry, as_of: date) -> GoalProgress:
    pct = _pct(goal)
    return GoalProgress(
        goal.plan,
        goal.title,
        goal.metric,
        goal.unit,
        goal.baseline,
        goal.target,
        goal.current,
        pct,
        goal.due,
        goal.owner,
        _on_track(goal, pct, as_of),
    )


def _action(a: ActionEntry, as_of: date) -> ActionStatus:
    done = a.done_at is not None and a.done_at < day_end(as_of)
    late = None if done or a.due is None or a.due >= as_of else (as_of - a.due).days
    return ActionStatus(a.text, a.owner, a.due, done, late, a.goal)


def _insights(m: PlanMetrics) -> tuple[str, ...]:
    if not m.goals and not m.open_actions:
        return ("No success plan on record",)
    out = []
    if m.avg_progress_pct is not None:
        out.append(f"Goals {fmt(m.avg_progress_pct, 0)}% of the way on average")
    behind = [g.title for g in m.goals if g.on_track is False]
    if behind:
        out.append(f"Behind schedule: {', '.join(behind[:3])}")
    if m.overdue_actions:
        out.append(f"{plural(len(m.overdue_actions), 'action item')} overdue")
    return tuple(out)


def plan_metrics(data: PanelData, *, upcoming: int = 5) -> PlanMetrics:
    """The success-plans panel at the window's end."""
    as_of = data.window.as_of
    actions = [_action(a, as_of) for a in data.actions]
    open_items = [a for a in actions if not a.done]
    metrics = PlanMetrics(
        goals=tuple(_goal(g, as_of) for g in data.goals),
        open_actions=len(open_items),
        done_actions=len(actions) - len(open_items),
        overdue_actions=tuple(
            sorted((a for a in open_items if a.days_overdue), key=lambda a: by_due(a.due))
        ),
        upcoming_actions=tuple(
            sorted((a for a in open_items if not a.days_overdue), key=lambda a: by_due(a.due))
        )[:upcoming],
        insights=(),
    )
    return replace(metrics, insights=_insights(metrics))
