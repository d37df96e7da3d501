"""Onboarding panel: % done per phase, training modules, overdue tasks, next steps."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from csbot.scoring.panel_inputs import PanelData, TaskEntry
from csbot.scoring.panels._common import by_due, day_end, plural, share
from csbot.scoring.types import fmt


@dataclass(frozen=True)
class PhaseProgress:
    phase: str
    total: int
    done: int
    overdue: int
    current: bool  # the phase the group is in

    @property
    def pct_done(self) -> float:
        return share(self.done, self.total) or 0.0


@dataclass(frozen=True)
class TaskStatus:
    phase: str
    name: str
    kind: str  # task / module
    due: date | None
    owner: str | None
    done: bool
    days_overdue: int | None  # None when not overdue


@dataclass(frozen=True)
class OnboardingMetrics:
    phases: tuple[PhaseProgress, ...]  # in onboarding order
    total: int
    done: int
    modules_done: int
    modules_total: int
    current_phase: str | None
    overdue: tuple[TaskStatus, ...]  # most overdue first
    next_steps: tuple[TaskStatus, ...]  # the next open items, by due date
    last_done: date | None
    insights: tuple[str, ...]

    @property
    def pct_done(self) -> float | None:
        return share(self.done, self.total)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def _done_by(task: TaskEntry, as_of: date) -> bool:
    return task.done_at is not None and task.done_at < day_end(as_of)


def _status(task: TaskEntry, as_of: date) -> TaskStatus:
    done = _done_by(task, as_of)
    late = None if done or task.due is None or task.due >= as_of else (as_of - task.due).days
    return TaskStatus(task.phase, task.name, task.kind, task.due, task.owner, done, late)


def _phase_order(data: PanelData) -> list[str]:
    first_seen = list(
        dict.fromkeys(t.phase for t in sorted(data.tasks, key=lambda t: t.sort_order))
    )
    known = [p for p in data.phases if p in first_seen]
    return known + [p for p in first_seen if p not in known]


def _phases(data: PanelData, statuses: list[TaskStatus]) -> tuple[PhaseProgress, ...]:
    by_phase: dict[str, list[TaskStatus]] = defaultdict(list)
    for s in statuses:
        by_phase[s.phase].append(s)
    order = _phase_order(data)
    current = data.profile.onboarding_phase
    if current not in by_phase:
        current = next((p for p in order if not all(s.done for s in by_phase[p])), None)
    return tuple(
        PhaseProgress(
            phase=p,
            total=len(by_phase[p]),
            done=sum(s.done for s in by_phase[p]),
            overdue=sum(s.days_overdue is not None for s in by_phase[p]),
            current=p == current,
        )
        for p in order
    )


def _insights(m: OnboardingMetrics, as_of: date, stalled_days: int) -> tuple[str, ...]:
    if not m.total:
        return ("No onboarding plan on record",)
    if m.complete:
        return ("Onboarding complete",)
    out = [f"{fmt(m.pct_done or 0, 0)}% of onboarding done; now in {m.current_phase}"]
    if m.overdue:
        worst = m.overdue[0]
        out.append(
            f"{plural(len(m.overdue), 'item')} overdue, the oldest '{worst.name}' by "
            f"{worst.days_overdue} days"
        )
    if m.last_done is not None and (as_of - m.last_done).days >= stalled_days:
        out.append(f"Nothing completed for {(as_of - m.last_done).days} days")
    if m.modules_total:
        out.append(f"Training: {m.modules_done} of {m.modules_total} modules completed")
    return tuple(out)


def onboarding_metrics(
    data: PanelData, *, stalled_days: int, next_steps: int = 5
) -> OnboardingMetrics:
    """The onboarding panel's progress at the window's end; nothing done for `stalled_days`
    (the config's `onboarding_stalled_days`, as the churn factor counts it) is worth saying."""
    as_of = data.window.as_of
    ordered = sorted(data.tasks, key=lambda t: t.sort_order)
    statuses = [_status(t, as_of) for t in ordered]
    phases = _phases(data, statuses)
    open_items = [s for s in statuses if not s.done]
    modules = [s for s in statuses if s.kind == "module"]
    done_days = [t.done_at.date() for t in ordered if t.done_at and _done_by(t, as_of)]
    metrics = OnboardingMetrics(
        phases=phases,
        total=len(statuses),
        done=sum(s.done for s in statuses),
        modules_done=sum(s.done for s in modules),
        modules_total=len(modules),
        current_phase=next((p.phase for p in phases if p.current), None),
        overdue=tuple(
            sorted((s for s in open_items if s.days_overdue), key=lambda s: by_due(s.due))
        ),
        next_steps=tuple(sorted(open_items, key=lambda s: by_due(s.due)))[:next_steps],
        last_done=max(done_days, default=None),
        insights=(),
    )
    return replace(metrics, insights=_insights(metrics, as_of, stalled_days))
