"""The onboarding panel: how far each phase has come, the training modules, what is overdue and
what comes next, against the go-live date. The chart is the share done per phase."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from csbot.commands.panels import _text as t
from csbot.commands.panels._steps import playbook, steps
from csbot.commands.panels.base import Fact, PanelView
from csbot.scoring.config import FactorId
from csbot.scoring.panel_inputs import PanelData, TaskEntry
from csbot.scoring.panels import OnboardingMetrics, onboarding_metrics, plural
from csbot.scoring.panels.onboarding import TaskStatus
from csbot.scoring.types import GroupScore
from csbot.slack.render import ChartSpec

__all__ = ["build"]

GO_LIVE_SOON_DAYS = 30


def _facts(m: OnboardingMetrics, data: PanelData, as_of: date) -> tuple[Fact, ...]:
    if not m.total:
        return (Fact("Go-live", t.days_ago(data.profile.go_live_date, as_of, none="not set")),)
    finished = sum(1 for p in m.phases if p.total and p.done == p.total)
    return (
        Fact("Done", f"{m.done} of {m.total} ({t.pct(m.pct_done)})"),
        Fact(
            "Current phase", t.clip(m.current_phase or ("complete" if m.complete else "none"), 60)
        ),
        Fact("Phases complete", f"{finished} of {len(m.phases)}"),
        Fact("Training modules", f"{m.modules_done} of {m.modules_total}"),
        Fact("Overdue", str(len(m.overdue))),
        Fact("Last completed", t.days_ago(m.last_done, as_of, none="nothing yet")),
        Fact("Go-live", t.days_ago(data.profile.go_live_date, as_of, none="not set")),
    )


def _phases(m: OnboardingMetrics) -> str:
    lines = []
    for p in m.phases:
        mark = "✓" if p.total and p.done == p.total else "▶" if p.current else "○"
        late = f" · {p.overdue} overdue" if p.overdue else ""
        now = " · current phase" if p.current else ""
        done = f"{p.done} of {p.total} ({t.pct(p.pct_done)})"
        lines.append(f"{mark} {t.clip(p.phase, 60)}: {done}{late}{now}")
    return t.body("\n".join(lines)) or "No onboarding plan on record."


def _done(task: TaskEntry, as_of: date) -> bool:
    return task.done_at is not None and task.done_at.date() <= as_of


def _module(task: TaskEntry, as_of: date) -> str:
    if _done(task, as_of):
        return f"✓ {t.clip(task.name, 70)}"
    due = f" · due {t.short_day(task.due)}" if task.due is not None else ""
    return f"○ {t.clip(task.name, 70)}{due}"


def _modules(data: PanelData) -> str:
    modules = sorted((x for x in data.tasks if x.kind == "module"), key=lambda x: x.sort_order)
    lines = [_module(x, data.window.as_of) for x in modules]
    shown = "\n".join(lines[:10])
    more = f"\n_…and {len(lines) - 10} more_" if len(lines) > 10 else ""
    return t.body(shown + more) if lines else "No training modules on record."


def _step(s: TaskStatus, names: Mapping[str, str]) -> str:
    parts = [t.clip(s.name, 70), t.clip(s.phase, 40)]
    if s.owner:
        parts.append(t.who(s.owner, names))
    if s.days_overdue:
        parts.append(f"*{plural(s.days_overdue, 'day')} overdue*")
    elif s.due is not None:
        parts.append(f"due {t.short_day(s.due)}")
    return " · ".join(parts)


def _derived(m: OnboardingMetrics, data: PanelData, as_of: date) -> list[str]:
    if not m.total:
        return ["Set up the onboarding plan: phases, tasks, owners and a go-live date"]
    out = []
    if m.overdue:
        worst, names = m.overdue[0], t.names_by_slack_id(data.contacts)
        who = f" with {t.who(worst.owner, names)}" if worst.owner else ""
        late = plural(worst.days_overdue or 0, "day")
        out.append(f"Agree a new date for “{t.clip(worst.name, 60)}”{who} ({late} overdue)")
    go_live = data.profile.go_live_date
    days = (go_live - as_of).days if go_live is not None else -1
    if not m.complete and 0 <= days <= GO_LIVE_SOON_DAYS:
        items = plural(m.total - m.done, "item")
        out.append(f"Hold a go-live readiness check: {items} open, go-live in {days} days")
    return out


def _chart(m: OnboardingMetrics, score: GroupScore) -> ChartSpec | None:
    if not m.phases:
        return None
    described = ", ".join(f"{p.phase} {t.pct(p.pct_done)}" for p in m.phases)
    return ChartSpec(
        name="onboarding_progress",
        kwargs={
            "phases": [p.phase for p in m.phases],
            "percent_done": [p.pct_done for p in m.phases],
            "title": f"Onboarding progress: {t.pct(m.pct_done)} done",
        },
        alt_text=f"Onboarding of {score.name} by phase, share of tasks done: {described}",
        title="Onboarding progress",
    )


def _headline(m: OnboardingMetrics, data: PanelData, as_of: date) -> str:
    if not m.total:
        return "No onboarding plan on record"
    if m.complete:
        return f"*Onboarding complete* · {plural(m.total, 'item')} done"
    text = f"*{t.pct(m.pct_done)} of onboarding done*"
    if m.current_phase:
        text += f" · in {t.clip(m.current_phase, 40)}"
    if m.overdue:
        text += f" · {plural(len(m.overdue), 'item')} overdue"
    if data.profile.go_live_date is not None:
        text += f" · go-live {t.days_ago(data.profile.go_live_date, as_of)}"
    return text


def _rows(m: OnboardingMetrics) -> tuple[dict[str, Any], ...]:
    return tuple(
        {"phase": p.phase, "total": p.total, "done": p.done, "overdue": p.overdue} for p in m.phases
    )


def _sections(m: OnboardingMetrics, data: PanelData) -> tuple[tuple[str, str], ...]:
    if not m.total:
        return (("Progress", "No onboarding tasks or training modules on record yet."),)
    names = t.names_by_slack_id(data.contacts)
    return (
        ("Progress", t.bullets([t.clip(i, 300) for i in m.insights])),
        ("Phases", _phases(m)),
        ("Training modules", _modules(data)),
        ("Next steps", t.bullets([_step(s, names) for s in m.next_steps], empty="Nothing open.")),
    )


def build(data: PanelData, score: GroupScore) -> PanelView:
    """Progress by phase, modules, next steps and what to do about overdue items."""
    m = onboarding_metrics(data, stalled_days=score.config.factors.onboarding_stalled_days)
    as_of = data.window.as_of
    return PanelView(
        title="Onboarding",
        headline=_headline(m, data, as_of),
        facts=_facts(m, data, as_of),
        sections=_sections(m, data),
        actions=steps(playbook(score, FactorId.ONBOARDING_STALLED), _derived(m, data, as_of)),
        chart=_chart(m, score),
        export_rows=_rows(m),
    )
