"""The groups in onboarding with their tasks, for the weekly digest: two queries for all of them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from csbot.scoring.inputs import GroupProfile
from csbot.scoring.panel_inputs import TaskEntry
from csbot.store.models import OnboardingTask, PhysicianGroup
from csbot.store.outbox import GroupTarget

__all__ = ["OnboardingGroup", "onboarding_groups"]


@dataclass(frozen=True)
class OnboardingGroup:
    """A group in onboarding: its profile, where its news goes, and its plan's tasks in order."""

    profile: GroupProfile
    target: GroupTarget
    tasks: tuple[TaskEntry, ...]


def onboarding_groups(session: Session) -> list[OnboardingGroup]:
    """Every group with an onboarding phase set, by name."""
    g = PhysicianGroup
    groups = session.execute(
        select(
            g.id, g.name, g.plan, g.seats, g.arr, g.renewal_date, g.contract_start,
            g.onboarding_phase, g.go_live_date, g.csm_owner, g.csm_team, g.alert_channel,
        )
        .where(g.onboarding_phase.is_not(None))
        .order_by(g.name, g.id)
    ).all()  # fmt: skip
    t = OnboardingTask
    rows = session.execute(
        select(t.group_id, t.phase, t.name, t.kind, t.sort_order, t.due, t.done_at, t.owner)
        .where(t.group_id.in_([row[0] for row in groups]))
        .order_by(t.group_id, t.sort_order, t.id)
    )
    tasks: dict[int, list[TaskEntry]] = defaultdict(list)
    for gid, phase, name, kind, order, due, done_at, owner in rows:
        tasks[gid].append(TaskEntry(phase, name, kind, order, due, done_at, owner))
    return [
        OnboardingGroup(
            profile=GroupProfile(*row[:9]),
            target=GroupTarget(row[0], row[1], row[9], row[10], row[11]),
            tasks=tuple(tasks.get(row[0], ())),
        )
        for row in groups
    ]
