"""Replace the demo groups and all their rows with freshly generated ones, in one transaction.

Earlier demo rows (groups whose external id starts with "demo-") are deleted set-based before
the inserts, so a rerun never doubles anything; other groups are left alone. Rows are built as
plain dicts and bulk-inserted in chunks, so 10,000 groups take seconds, not minutes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, delete, select
from sqlalchemy.orm import Session

from csbot.store import models as m
from csbot.store.demo_plans import action_rows, goal_rows, plan_row
from csbot.store.demo_profile import (
    EXTERNAL_ID_PREFIX,
    Archetype,
    GroupSpec,
    archetype_for,
    at,
    group_specs,
    index_of,
)
from csbot.store.demo_rows import activity_rows, contact_rows, feature_rows, onboarding_rows
from csbot.store.demo_usage import revenue_rows, survey_rows, ticket_rows, usage_rows

Row = dict[str, Any]
Progress = Callable[[int, int], None]
BATCH_GROUPS = 500
CHUNK_ROWS = 10_000
# children before parents, so nothing relies on ON DELETE CASCADE
_GROUP_CHILDREN: tuple[type[m.Base], ...] = (
    m.Activity, m.Contact, m.OnboardingTask, m.FeatureUsage, m.Survey,
    m.Ticket, m.Revenue, m.DailyUsage, m.HealthSnapshot, m.Alert,
)  # fmt: skip
TABLES = (
    "physician_group", "daily_usage", "revenue", "ticket", "survey", "feature_usage",
    "onboarding_task", "activity", "contact", "success_plan", "goal", "action_item",
)  # fmt: skip


def _demo_group_ids() -> Select[int]:
    return select(m.PhysicianGroup.id).where(
        m.PhysicianGroup.external_id.like(f"{EXTERNAL_ID_PREFIX}%")
    )


def _table(model: type[m.Base]) -> Table:
    return m.Base.metadata.tables[model.__tablename__]


def _column(model: type[m.Base], name: str) -> ColumnElement[Any]:
    return _table(model).c[name]


def delete_demo_rows(session: Session) -> None:
    """Delete every demo group and every row that hangs off one, set-based; children first."""
    demo = _demo_group_ids()
    plans = select(m.SuccessPlan.id).where(m.SuccessPlan.group_id.in_(demo))
    statements = [delete(m.ActionItem).where(m.ActionItem.group_id.in_(demo))]
    statements.append(delete(m.Goal).where(m.Goal.plan_id.in_(plans)))
    statements.append(delete(m.SuccessPlan).where(m.SuccessPlan.group_id.in_(demo)))
    statements += [delete(t).where(_column(t, "group_id").in_(demo)) for t in _GROUP_CHILDREN]
    statements.append(delete(m.PhysicianGroup).where(m.PhysicianGroup.id.in_(demo)))
    for statement in statements:
        session.execute(statement, execution_options={"synchronize_session": False})


def _bulk(session: Session, model: type[m.Base], rows: Sequence[Row]) -> None:
    """Core executemany in chunks: the ORM's bulk path splits rows with NULLs into many calls."""
    for start in range(0, len(rows), CHUNK_ROWS):
        session.execute(_table(model).insert(), rows[start : start + CHUNK_ROWS])


def _bulk_returning(
    session: Session, model: type[m.Base], rows: Sequence[Row], *keys: str
) -> dict[tuple[Any, ...], int]:
    """Insert and map each row's natural key (`keys`) to its new id."""
    out: dict[tuple[Any, ...], int] = {}
    cols = [_column(model, k) for k in ("id", *keys)]
    for start in range(0, len(rows), CHUNK_ROWS):
        statement = _table(model).insert().returning(*cols, sort_by_parameter_order=True)
        result = session.execute(statement, rows[start : start + CHUNK_ROWS])
        out.update({tuple(r[1:]): r[0] for r in result})
    return out


def _group_row(spec: GroupSpec) -> Row:
    return {
        "external_id": spec.external_id, "name": spec.name, "slug": spec.slug,
        "aliases": list(spec.aliases), "specialty": spec.specialty, "region": spec.region,
        "plan": spec.plan, "seats": spec.seats, "contract_start": spec.contract_start,
        "renewal_date": spec.renewal_date, "arr": spec.arr, "csm_owner": spec.csm.slack_id,
        "csm_team": spec.csm.team, "alert_channel": spec.alert_channel,
        "onboarding_phase": spec.onboarding_phase, "go_live_date": spec.go_live_date,
        "created_at": at(spec.contract_start, 9),
    }  # fmt: skip


def _avoid_real_names(session: Session, specs: list[GroupSpec]) -> list[GroupSpec]:
    """Rename a demo group whose name or slug a real (non-demo) group already holds."""
    g = m.PhysicianGroup
    real = session.execute(select(g.name, g.slug).where(g.id.not_in(_demo_group_ids())))
    taken = {value for row in real for value in row}
    if not taken:
        return specs
    return [
        replace(s, name=f"{s.name} (demo)", slug=f"{s.slug}-demo")
        if s.name in taken or s.slug in taken
        else s
        for s in specs
    ]


class _Batch:
    """The rows of a batch of groups, gathered per table before one bulk insert each."""

    def __init__(self) -> None:
        self.rows: dict[type[m.Base], list[Row]] = defaultdict(list)
        self.people: dict[int, list[str]] = {}
        self.plans: list[Row] = []

    def add_group(self, spec: GroupSpec, gid: int, *, seed: int, as_of: date) -> None:
        rows = self.rows
        rows[m.DailyUsage] += usage_rows(spec, gid, seed=seed, as_of=as_of)
        rows[m.Revenue] += revenue_rows(spec, gid, seed=seed, as_of=as_of)
        tickets = ticket_rows(spec, gid, seed=seed, as_of=as_of)
        rows[m.Ticket] += tickets
        rows[m.Survey] += survey_rows(spec, gid, tickets, seed=seed, as_of=as_of)
        rows[m.FeatureUsage] += feature_rows(spec, gid, seed=seed, as_of=as_of)
        rows[m.OnboardingTask] += onboarding_rows(spec, gid, seed=seed, as_of=as_of)
        contacts = contact_rows(spec, gid, seed=seed)
        rows[m.Contact] += contacts
        self.people[gid] = [c["name"] for c in contacts if not c["internal"]]
        rows[m.Activity] += activity_rows(spec, gid, self.people[gid], seed=seed, as_of=as_of)
        plan = plan_row(spec, gid, seed=seed, as_of=as_of)
        if plan is not None:
            self.plans.append(plan)


def _insert_plans(
    session: Session, batch: _Batch, specs: dict[int, GroupSpec], *, seed: int, as_of: date
) -> Counter[str]:
    """Plans, then their goals, then action items: each needs the ids of the step before."""
    plan_ids = _bulk_returning(session, m.SuccessPlan, batch.plans, "group_id")
    goals = {
        gid: goal_rows(specs[gid], pid, seed=seed, as_of=as_of) for (gid,), pid in plan_ids.items()
    }
    all_goals = [g for gs in goals.values() for g in gs]
    goal_ids = _bulk_returning(session, m.Goal, all_goals, "external_id")
    actions = []
    for gid, gs in goals.items():
        ids = [goal_ids[(g["external_id"],)] for g in gs]
        people = batch.people[gid]
        actions += action_rows(specs[gid], gid, ids, people, seed=seed, as_of=as_of)
    _bulk(session, m.ActionItem, actions)
    return Counter(success_plan=len(plan_ids), goal=len(goal_ids), action_item=len(actions))


def _insert_batch(
    session: Session, specs: dict[int, GroupSpec], *, seed: int, as_of: date
) -> Counter[str]:
    batch = _Batch()
    for gid, spec in specs.items():
        batch.add_group(spec, gid, seed=seed, as_of=as_of)
    counts: Counter[str] = Counter()
    for model, rows in batch.rows.items():
        _bulk(session, model, rows)
        counts[model.__tablename__] += len(rows)
    return counts + _insert_plans(session, batch, specs, seed=seed, as_of=as_of)


def load_demo(
    session: Session, *, groups: int, days: int, seed: int, as_of: date,
    progress: Progress | None = None,
) -> dict[str, int]:  # fmt: skip
    """Replace all demo rows with `groups` generated groups; returns rows inserted per table.

    The caller owns the transaction. `progress(done, total)` is called after each batch.
    """
    delete_demo_rows(session)
    specs = group_specs(groups=groups, seed=seed, as_of=as_of, days=days)
    specs = _avoid_real_names(session, specs)
    ids = _bulk_returning(session, m.PhysicianGroup, [_group_row(s) for s in specs], "external_id")
    by_id = {ids[(s.external_id,)]: s for s in specs}
    counts = Counter(physician_group=len(specs))
    gids = list(by_id)
    for start in range(0, len(gids), BATCH_GROUPS):
        part = {gid: by_id[gid] for gid in gids[start : start + BATCH_GROUPS]}
        counts += _insert_batch(session, part, seed=seed, as_of=as_of)
        if progress is not None:
            progress(start + len(part), len(gids))
    return {table: counts[table] for table in TABLES}


def demo_groups_by_archetype(session: Session) -> dict[Archetype, list[int]]:
    """Group ids of the loaded demo groups per archetype, in demo order (Acme first)."""
    rows = session.execute(
        select(m.PhysicianGroup.id, m.PhysicianGroup.external_id).where(
            m.PhysicianGroup.id.in_(_demo_group_ids())
        )
    )
    found: dict[Archetype, list[int]] = {a: [] for a in Archetype}
    for index, gid in sorted((index_of(ext or ""), gid) for gid, ext in rows):
        found[archetype_for(index)].append(gid)
    return found
