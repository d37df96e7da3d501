"""Demo success plans, their goals and action items.

Three steps because each needs the ids the one before got from the database: a plan row per
group, goal rows per plan, then action items per goal. Each step regenerates its own stream,
so the split changes nothing in the result.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from csbot.demo import catalog as cat
from csbot.demo.profile import Archetype, GroupSpec, add_years, at, group_rng

Row = dict[str, Any]
A = Archetype

_INITIATIVES = (
    "Improve revenue-cycle efficiency across all providers",
    "Expand adoption to every site and role",
    "Stabilize billing through front-desk staffing changes",
    "Prepare for payer contract renegotiation",
)
_PROGRESS = {  # share of the way from baseline to target reached so far
    A.THRIVING: (0.7, 1.05), A.STEADY: (0.3, 0.65), A.DECLINING: (-0.25, 0.15),
    A.COLLAPSING: (-0.5, 0.0), A.ONBOARDING: (0.0, 0.3), A.SUPPORT_HEAVY: (0.1, 0.4),
    A.DETRACTOR: (0.2, 0.5),
}  # fmt: skip
_DONE_WHEN_DUE = {
    A.THRIVING: 0.9, A.STEADY: 0.7, A.DECLINING: 0.25, A.COLLAPSING: 0.1,
    A.ONBOARDING: 0.5, A.SUPPORT_HEAVY: 0.5, A.DETRACTOR: 0.6,
}  # fmt: skip


def plan_row(spec: GroupSpec, group_id: int, *, seed: int, as_of: date) -> Row | None:
    """Most groups have one active plan; groups at risk always do."""
    rng = group_rng(seed, spec.index, "plan")
    if spec.archetype not in (A.DECLINING, A.COLLAPSING) and rng.random() < 0.15:
        return None
    start = max(spec.contract_start, as_of - timedelta(days=rng.randint(20, 150)))
    return {
        "group_id": group_id,
        "title": f"{start.year} success plan",
        "initiative": rng.choice(_INITIATIVES),
        "status": "active",
        "start": start,
        "end": add_years(start, 1),
        "external_id": f"{spec.external_id}-P1",
    }


def goal_rows(spec: GroupSpec, plan_id: int, *, seed: int, as_of: date) -> list[Row]:
    """Two or three goals with a metric, baseline, target and where it stands now."""
    rng = group_rng(seed, spec.index, "goals")
    low, high = _PROGRESS[spec.archetype]
    rows = []
    chosen = rng.sample(cat.GOAL_TEMPLATES, rng.randint(2, 3))
    for k, (title, metric, unit, baseline, target) in enumerate(chosen, start=1):
        current = baseline + rng.uniform(low, high) * (target - baseline)
        rows.append({"plan_id": plan_id, "external_id": f"{spec.external_id}-G{k}",
                     "title": title, "metric": metric, "unit": unit,
                     "baseline": baseline, "target": target, "current": round(current, 1),
                     "owner": spec.csm.slack_id,
                     "due": as_of + timedelta(days=rng.randint(30, 200))})  # fmt: skip
    return rows


def action_rows(
    spec: GroupSpec, group_id: int, goal_ids: list[int], people: list[str], *, seed: int,
    as_of: date,
) -> list[Row]:  # fmt: skip
    """One or two items per goal; struggling groups leave more of them overdue."""
    rng = group_rng(seed, spec.index, "actions")
    rows: list[Row] = []
    for goal_id in goal_ids:
        for _ in range(rng.randint(1, 2)):
            due = as_of + timedelta(days=rng.randint(-35, 30))
            rows.append({"group_id": group_id, "goal_id": goal_id, "activity_id": None,
                         "text": rng.choice(cat.ACTION_TEXTS),
                         "owner": rng.choice((spec.csm.slack_id, *people[:2])), "due": due,
                         "done_at": None,
                         "external_id": f"{spec.external_id}-I{len(rows) + 1:03d}"})  # fmt: skip
            done_chance = _DONE_WHEN_DUE[spec.archetype] if due < as_of else 0.2
            if rng.random() < done_chance:
                done = min(due, as_of) - timedelta(days=rng.randint(1, 7))
                rows[-1]["done_at"] = at(done, rng.uniform(14, 22))
    if spec.archetype in (A.DECLINING, A.COLLAPSING) and rows:  # at least one overdue
        rows[0].update(due=as_of - timedelta(days=rng.randint(5, 20)), done_at=None)
    return rows
