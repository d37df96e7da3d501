"""Replace the demo groups and all their rows with freshly generated ones, in one transaction.

Earlier demo rows (groups whose external id starts with "demo-") are deleted set-based before
the inserts, so a rerun never doubles anything; other groups are left alone. Rows are generated
a column at a time for a batch of groups (csbot.store.demo: usage, rows, timeline)
and bulk-loaded (COPY on PostgreSQL, executemany of tuples on SQLite), so 10,000 groups take
seconds and memory stays bounded.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
from sqlalchemy import JSON, ColumnElement, Date, Select, Table, delete, select
from sqlalchemy.orm import Session

from csbot.demo.ahead import Ahead
from csbot.demo.columns import GroupColumns
from csbot.demo.outcomes import RenewalHistory, former_count, renewal_history
from csbot.demo.plans import action_rows, goal_rows, plan_row
from csbot.demo.profile import (
    EXTERNAL_ID_PREFIX,
    Archetype,
    GroupSpec,
    archetype_for,
    at,
    group_specs,
    index_of,
)
from csbot.demo.rows import contact_rows, feature_rows, onboarding_rows
from csbot.demo.timeline import activity_rows
from csbot.demo.usage import revenue_rows, survey_rows, ticket_rows, usage_rows
from csbot.scoring.config import ScoringConfig
from csbot.store import models as m
from csbot.store.bulk import copy_columns, indexes_after_load
from csbot.store.demo.history import Generated, History, Snapshots, score_history
from csbot.store.snapshot_write import write_batch
from csbot.store.types import UTCDateTime

Row = dict[str, Any]
Block = Mapping[str, Any]
Progress = Callable[[int, int], None]
BATCH_GROUPS = 2_000  # groups generated and written at once: bounds memory
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# children before parents, so nothing relies on ON DELETE CASCADE
_GROUP_CHILDREN: tuple[type[m.Base], ...] = (
    m.Activity, m.Contact, m.OnboardingTask, m.FeatureUsage, m.Survey,
    m.Ticket, m.Revenue, m.DailyUsage, m.HealthSnapshot, m.Alert, m.RenewalOutcome,
)  # fmt: skip
TABLES = (
    "physician_group", "daily_usage", "revenue", "ticket", "survey", "feature_usage",
    "onboarding_task", "activity", "contact", "success_plan", "goal", "action_item",
)  # fmt: skip
# what a load into a fresh database writes with the indexes built afterwards (not the groups:
# the load reads their ids back by external id)
_BULK = (*TABLES[1:], "health_snapshot", "renewal_outcome")


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


def _copy(session: Session, model: type[m.Base], block: Mapping[str, Any]) -> int:
    """Bulk-insert a block of columns (keys starting with _ are not columns); its row count."""
    columns = {k: v for k, v in block.items() if not k.startswith("_")}
    rows = next((len(v) for v in columns.values() if isinstance(v, list | np.ndarray)), 0)
    if rows:
        copy_columns(session, _table(model), columns, rows=rows)
    return rows


def _columns(rows: Sequence[Row], model: type[m.Base]) -> dict[str, Any]:
    """Dict rows as columns for `copy_columns` (dates as ordinals, times as microseconds)."""
    table, out = _table(model), dict[str, Any]()
    for name in rows[0] if rows else ():
        values = [row[name] for row in rows]
        kind = table.c[name].type
        if isinstance(kind, Date):
            out[name] = np.array([-1 if v is None else v.toordinal() for v in values])
        elif isinstance(kind, UTCDateTime):
            out[name] = np.array([-1 if v is None else _micros(v) for v in values])
        elif isinstance(kind, JSON):
            out[name] = [json.dumps(v) for v in values]
        else:
            out[name] = values
    return out


def _micros(at: datetime) -> int:
    return (at - _EPOCH) // timedelta(microseconds=1)


def _ids(session: Session, value: Any, key: Any, where: Any) -> dict[Any, int]:
    """{key: value} of the rows `where` selects (e.g. ids by external id)."""
    return {k: v for v, k in session.execute(select(value, key).where(where))}


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


def insert_groups(session: Session, specs: list[GroupSpec]) -> dict[str, int]:
    """The groups, then their ids by external id."""
    if specs:
        _copy(session, m.PhysicianGroup, _columns([_group_row(s) for s in specs], m.PhysicianGroup))
    g = m.PhysicianGroup
    return _ids(session, g.id, g.external_id, g.id.in_(_demo_group_ids()))


@dataclass(frozen=True)
class _Plans:
    """A batch's success plans, goals and action items as columns (see `_columns`). Made before
    the database gives them ids, so a goal's plan_id holds its group's id and an action item's
    goal_id its goal's external id; `_insert_plans` puts the ids in their place."""

    plans: Block
    goals: Block
    actions: Block


def plan_blocks(groups: GroupColumns, people: list[list[str]], *, seed: int, as_of: date
                ) -> _Plans:  # fmt: skip
    """A batch's plans, goals and action items (with the people who may own an item)."""
    specs = dict(zip(groups.ids.tolist(), groups.specs, strict=True))
    person = dict(zip(groups.ids.tolist(), people, strict=True))
    plans = [p for gid, spec in specs.items()
             if (p := plan_row(spec, gid, seed=seed, as_of=as_of)) is not None]  # fmt: skip
    goals: list[Row] = []
    actions: list[Row] = []
    for gid in (plan["group_id"] for plan in plans):
        mine = goal_rows(specs[gid], gid, seed=seed, as_of=as_of)
        goals += mine
        actions += action_rows(specs[gid], gid, [goal["external_id"] for goal in mine],
                               person[gid], seed=seed, as_of=as_of)  # fmt: skip
    return _Plans(_columns(plans, m.SuccessPlan), _columns(goals, m.Goal),
                  _columns(actions, m.ActionItem))  # fmt: skip


def _insert_plans(session: Session, made: _Plans) -> Counter[str]:
    """Plans, then their goals, then action items: each with the ids of the step before."""
    plan, goal = m.SuccessPlan, m.Goal
    plans = _copy(session, plan, made.plans)
    groups = list(made.plans.get("group_id", ()))
    plan_ids = _ids(session, plan.id, plan.group_id, plan.group_id.in_(groups))
    goals = {**made.goals, "plan_id": [plan_ids[g] for g in made.goals.get("plan_id", ())]}
    written = _copy(session, goal, goals)
    goal_ids = _ids(session, goal.id, goal.external_id, goal.plan_id.in_(list(plan_ids.values())))
    actions = {**made.actions, "goal_id": [goal_ids[g] for g in made.actions.get("goal_id", ())]}
    return Counter(
        success_plan=plans, goal=written, action_item=_copy(session, m.ActionItem, actions)
    )


def generate(groups: GroupColumns, *, seed: int, as_of: date
             ) -> tuple[Generated, Block, Block, list[list[str]]]:  # fmt: skip
    """A batch's rows: those the scores read, then features, contacts and people's names."""
    tickets = ticket_rows(groups, seed=seed, as_of=as_of)
    contacts, people = contact_rows(groups, seed=seed)
    made = Generated(
        groups,
        usage=usage_rows(groups, seed=seed, as_of=as_of),
        revenue=revenue_rows(groups, seed=seed, as_of=as_of),
        tickets=tickets,
        surveys=survey_rows(groups, tickets, seed=seed, as_of=as_of),
        onboarding=onboarding_rows(groups, seed=seed, as_of=as_of),
        activity=activity_rows(groups, people, seed=seed, as_of=as_of),
    )
    return made, feature_rows(groups, seed=seed, as_of=as_of), contacts, people


@dataclass(frozen=True)
class _Batch:
    """A batch's generated rows and scored history, ready to write."""

    made: Generated
    features: Block
    contacts: Block
    plans: _Plans
    snapshots: Snapshots | None


def _generate(groups: GroupColumns, *, seed: int, as_of: date, history: History | None
              ) -> _Batch:  # fmt: skip
    made, features, contacts, people = generate(groups, seed=seed, as_of=as_of)
    plans = plan_blocks(groups, people, seed=seed, as_of=as_of)
    snapshots = score_history(made, history) if history is not None else None
    return _Batch(made, features, contacts, plans, snapshots)


def _insert_batch(session: Session, batch: _Batch) -> Counter[str]:
    """Every row of a batch of groups, table by table, then its snapshots."""
    made = batch.made
    blocks: list[tuple[type[m.Base], Block]] = [
        (m.DailyUsage, made.usage),
        (m.Revenue, made.revenue),
        (m.Ticket, made.tickets),
        (m.Survey, made.surveys),
        (m.FeatureUsage, batch.features),
        (m.OnboardingTask, made.onboarding),
        (m.Contact, batch.contacts),
        (m.Activity, made.activity),
    ]
    counts = Counter({model.__tablename__: _copy(session, model, block) for model, block in blocks})
    counts += _insert_plans(session, batch.plans)
    if batch.snapshots is not None:
        counts["health_snapshot"] += batch.snapshots.write(session)
    return counts


class _Writer:
    """On PostgreSQL, a thread that writes a batch while the next one is generated and scored
    (the client's Python and the server's work on the rows overlap: the driver lets go of the
    interpreter while it waits for the server); on SQLite, writing each batch at once.

    One batch in flight, so memory stays bounded; its error is raised by the next `submit` or
    by `wait`. Only the thread touches the session while a batch is in flight."""

    def __init__(self, session: Session) -> None:
        postgres = session.get_bind().dialect.name == "postgresql"
        self._pool = ThreadPoolExecutor(1, "csbot-demo-writer") if postgres else None
        self._pending: Future[Counter[str]] | None = None
        self.counts: Counter[str] = Counter()

    def submit(self, write: Callable[[], Counter[str]]) -> None:
        self.wait()
        if self._pool is None:
            self.counts += write()
        else:
            self._pending = self._pool.submit(write)

    def wait(self) -> None:
        if pending := self._pending:
            self._pending = None
            self.counts += pending.result()

    def close(self) -> None:
        """Let the batch in flight end (its outcome no longer matters) and stop the thread."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)


@dataclass(frozen=True)
class PastRenewals:
    """`csbot demo --renewal-history YEARS`: that many years of renewals with outcomes."""

    years: int
    config: ScoringConfig
    computed_at: datetime


def _past_renewals(specs: list[GroupSpec], *, past: PastRenewals, groups: int, days: int,
                   seed: int, as_of: date, history: History | None) -> RenewalHistory:  # fmt: skip
    everyone = group_specs(groups=groups + former_count(groups), seed=seed, as_of=as_of, days=days)
    before = min(history.days) if history is not None and history.days else as_of
    return renewal_history(specs, everyone[groups:], as_of=as_of, years=past.years, seed=seed,
                           config=past.config, snapshots_before=before)  # fmt: skip


def _insert_past(session: Session, found: RenewalHistory, ids: dict[str, int],
                 past: PastRenewals) -> Counter[str]:  # fmt: skip
    at = past.computed_at
    rows = [{"group_id": ids[o["external_id"]], "source": "demo", "recorded_at": at,
             **{k: v for k, v in o.items() if k != "external_id"}}
            for o in found.outcomes]  # fmt: skip
    written = _copy(session, m.RenewalOutcome, _columns(rows, m.RenewalOutcome))
    group_ids = np.array([ids[g] for g in found.snapshot_groups])
    snapshots = write_batch(session, group_ids, found.scores, days=found.snapshot_days,
                            window_days=past.config.default_window_days,
                            computed_at=past.computed_at)  # fmt: skip
    return Counter(renewal_outcome=written, health_snapshot=snapshots)


def _batches(specs: list[GroupSpec]) -> list[list[GroupSpec]]:
    """The groups in batches of BATCH_GROUPS, the first ones smaller (an eighth, then half as
    many again each time): the first batch, which nothing overlaps, is made sooner, and the
    next is made in about the time the one before takes to write."""
    parts, at, size = [], 0, max(1, BATCH_GROUPS // 8)
    while at < len(specs):
        parts.append(specs[at : at + size])
        at, size = at + size, min(max(size + 1, size * 3 // 2), BATCH_GROUPS)
    return parts


def load_demo(
    session: Session, *, groups: int, days: int, seed: int, as_of: date,
    progress: Progress | None = None, history: History | None = None,
    past: PastRenewals | None = None, ahead: Ahead | None = None,
) -> dict[str, int]:  # fmt: skip
    """Replace all demo rows with `groups` generated groups; returns rows inserted per table.

    The caller owns the transaction. `progress(done, total)` is called after each batch. Into
    a database without groups the rows go in before the tables' indexes and keys, which are
    then built once (`csbot.store.bulk.indexes_after_load`); a database with groups is
    written as it is.
    With `history`, each batch's groups also get their daily snapshots for `history.days`;
    with `past`, former groups and years of renewal outcomes (csbot.demo.outcomes).
    Each batch is generated and scored by `ahead` (`made_ahead(__name__, ...)`: in a child
    process while this one writes the one before) or here; on PostgreSQL a thread writes it
    while this one makes the next (`_Writer`). The same rows either way.
    """
    make = partial(_generate, seed=seed, as_of=as_of, history=history)
    counts = _load(session, make, ahead or Ahead(), groups=groups, days=days, seed=seed,
                   as_of=as_of, progress=progress, history=history, past=past)  # fmt: skip
    tables: tuple[str, ...] = TABLES
    tables += ("health_snapshot",) if history is not None or past else ()
    tables += ("renewal_outcome",) if past else ()
    return {table: counts[table] for table in tables}


def _load(
    session: Session, make: Callable[[GroupColumns], _Batch], ahead: Ahead, *, groups: int,
    days: int, seed: int, as_of: date, progress: Progress | None, history: History | None,
    past: PastRenewals | None,
) -> Counter[str]:  # fmt: skip
    fresh = session.execute(select(m.PhysicianGroup.id).limit(1)).first() is None
    delete_demo_rows(session)
    specs = group_specs(groups=groups, seed=seed, as_of=as_of, days=days)
    found = None
    if past is not None:
        found = _past_renewals(specs, past=past, groups=groups, days=days, seed=seed,
                               as_of=as_of, history=history)  # fmt: skip
    everyone = _avoid_real_names(session, specs + (found.former if found else []))
    specs = everyone[: len(specs)]
    with indexes_after_load(session, _BULK if fresh else ()):
        ids = insert_groups(session, everyone)
        counts = Counter(physician_group=len(everyone))
        if found is not None and past is not None:
            counts += _insert_past(session, found, ids, past)
        columns = [GroupColumns.of(part, [ids[s.external_id] for s in part])
                   for part in _batches(specs)]  # fmt: skip
        writer, done = _Writer(session), 0
        try:
            for batch in ahead.each(make, columns):
                writer.submit(partial(_insert_batch, session, batch))
                done += len(batch.made.groups)
                if progress is not None:
                    progress(done, len(specs))
            writer.wait()
        finally:
            writer.close()
        return counts + writer.counts


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
