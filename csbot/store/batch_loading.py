"""Scoring inputs for a chunk of groups on one day, as numpy columns (csbot.scoring.batch).

The same facts as csbot.store.loading's `load_scoring_inputs`, from the same kind of set-based
queries, but every date comes back as a whole number of days from `as_of` (worked out by the
database) and every result goes straight into arrays: no per-group objects, no date parsing.
The recompute test holds the two loaders to the same scores.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import chain
from typing import Any

import numpy as np
from sqlalchemy import (
    Float,
    Integer,
    String,
    any_,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from csbot.scoring.batch import BatchInputs, Months, Support, Usage
from csbot.scoring.batch.inputs import Floats
from csbot.scoring.batch.rows import medians, months, spread, table
from csbot.scoring.config import FactorRules
from csbot.scoring.inputs import Window
from csbot.store._query import day_end, days_from, driver_rows, hours_between
from csbot.store.account_facts import open_ways
from csbot.store.models import (
    Activity,
    DailyUsage,
    OnboardingTask,
    PhysicianGroup,
    Revenue,
    Survey,
    Ticket,
)
from csbot.store.shared_snapshot import Run, at_once, connection

__all__ = ["Chunk", "load_batch", "start_batch"]

_USAGE = (
    DailyUsage.active_users, DailyUsage.sessions, DailyUsage.session_minutes,
    DailyUsage.documents_processed, DailyUsage.patients_total, DailyUsage.patients_billable,
)  # fmt: skip


@dataclass(frozen=True)
class Chunk:
    """Some groups by id, or (None) every group. `whole`: the ids are every group from the
    first to the last, which PostgreSQL reads as that range of the key (an array of ids makes
    each query seek the groups one by one, ten times slower). Otherwise they are named in one
    parameter (an array on PostgreSQL, a JSON list on SQLite), not one placeholder each: SQLite
    seeks each group's rows by its key, where a range on group_id would read every day of them.
    """

    ids: tuple[int, ...] | None = None
    whole: bool = False

    def where(self, stmt: Any, column: Any, dialect: str) -> Any:
        if self.ids is None:
            return stmt
        if dialect == "postgresql":
            if self.whole:
                return stmt.where(column.between(self.ids[0], self.ids[-1]))
            return stmt.where(column == any_(bindparam("chunk", list(self.ids), ARRAY(Integer))))
        listed = func.json_each(bindparam("chunk", json.dumps(self.ids), String))
        return stmt.where(column.in_(select(literal_column("value")).select_from(listed)))


class _Loader:
    """The queries for one chunk on one day; each fills arrays aligned with `ids`."""

    def __init__(self, session: Session, chunk: Chunk, window: Window, rules: FactorRules) -> None:
        self.session, self.chunk, self.window, self.rules = session, chunk, window, rules
        self.dialect = session.get_bind().dialect.name
        self.profiled: Future[tuple[np.ndarray, tuple[str | None, ...], Floats]] = Future()

    @property
    def ids(self) -> np.ndarray:
        """The chunk's group ids, ascending: waits for `profiles` (a failed one raises)."""
        return self.profiled.result()[0]

    def fetch(self, stmt: Any) -> list[tuple[Any, ...]]:
        """The rows of a Core statement, run on the session's connection (a worker's in a
        worker), as the driver sends them: every value here is a number the database worked
        out."""
        return driver_rows(connection(self.session), stmt)

    def rows(self, stmt: Any, column: Any) -> list[tuple[Any, ...]]:
        return self.fetch(self.chunk.where(stmt, column, self.dialect))

    def days(self, column: Any) -> ColumnElement[Any]:
        return days_from(self.session, column, self.window.as_of)

    def profiles(self) -> tuple[np.ndarray, tuple[str | None, ...], Floats]:
        g = PhysicianGroup
        stmt = select(
            g.id,
            g.plan,
            g.seats,
            cast(g.arr, Float),
            self.days(g.renewal_date),
            self.days(g.contract_start),
        ).order_by(g.id)
        rows = self.rows(stmt, g.id)
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        return ids, tuple(r[1] for r in rows), table([r[2:] for r in rows], 4)

    def usage(self) -> tuple[Usage, Usage]:
        """Usage totals over the window and the one before. PostgreSQL sums both in one scan,
        grouped by (group, which window); SQLite is faster with one scan per window, each
        reading the key's rows in order (a second grouping key would need a sort)."""
        u, window = DailyUsage, self.window
        sums = (func.count(), *(func.sum(c) for c in _USAGE))
        if self.dialect == "sqlite":
            return self._usage(window), self._usage(window.previous())
        current = (u.day >= window.start).label("current")
        span = u.day.between(window.previous().start, window.as_of)
        stmt = select(u.group_id, current, *sums).where(span).group_by(u.group_id, current)
        rows = self.rows(stmt, u.group_id)
        now = [(r[0], *r[2:]) for r in rows if r[1]]
        before = [(r[0], *r[2:]) for r in rows if not r[1]]
        return Usage(*spread(self.ids, now, 7).T), Usage(*spread(self.ids, before, 7).T)

    def _usage(self, window: Window) -> Usage:
        u = DailyUsage
        stmt = select(u.group_id, func.count(), *(func.sum(c) for c in _USAGE))
        stmt = stmt.where(u.day.between(window.start, window.as_of)).group_by(u.group_id)
        return Usage(*spread(self.ids, self.rows(stmt, u.group_id), 7).T)

    def months(self) -> Months:
        """Booked months touching the window and the two before it, one column per month;
        amounts are added as floats, as scoring reads them (PostgreSQL adds NUMERIC slower)."""
        first = self.window.previous().previous().start.replace(day=1)
        r = Revenue
        stmt = select(r.group_id, self.days(r.month), func.sum(cast(r.amount, Float)))
        stmt = stmt.where(r.month.between(first, self.window.as_of)).group_by(r.group_id, r.month)
        as_of = self.window.as_of.toordinal()
        return months(self.ids, table(self.rows(stmt, r.group_id), 3), as_of)

    def open_high(self) -> Floats:
        """Open high-priority tickets: the two ways a ticket is open, each read as a range of
        the (priority, resolved_at, ...) index, counted together."""
        t, end = Ticket, day_end(self.window.as_of)
        high = t.priority.in_(self.rules.high_priorities)
        ways = (self.chunk.where(select(t.group_id).where(high, way), t.group_id, self.dialect)
                for way in open_ways(end))  # fmt: skip
        tickets = union_all(*ways).subquery()
        counted = select(tickets.c.group_id, func.count()).group_by(tickets.c.group_id)
        return spread(self.ids, self.fetch(counted), 1)[:, 0]

    def first_response_median(self) -> Floats:
        """Median hours to first response of the tickets opened in the window and answered by
        its end (hours below zero count as zero). PostgreSQL works out each group's median
        (percentile_cont: the middle value, or the mean of the middle two); SQLite, which
        has no such aggregate and is slower at window functions than at sending rows, sends
        all the hours."""
        t, window = Ticket, self.window
        start, end = day_end(window.start - timedelta(days=1)), day_end(window.as_of)
        hours = hours_between(self.session, t.opened_at, t.first_response_at)
        answered = (
            t.opened_at >= start, t.opened_at < end, t.first_response_at.is_not(None),
            t.first_response_at < end,
        )  # fmt: skip
        if self.dialect == "sqlite":
            rows = self.rows(select(t.group_id, hours).where(*answered), t.group_id)
            # No NULLs here: fromiter reads the pairs at a third of np.array's cost.
            flat = np.fromiter(chain.from_iterable(rows), np.float64, count=2 * len(rows))
            return medians(self.ids, flat.reshape(len(rows), 2))
        median = func.percentile_cont(0.5).within_group(func.greatest(0.0, hours))
        stmt = select(t.group_id, cast(median, Float)).where(*answered).group_by(t.group_id)
        return spread(self.ids, self.rows(stmt, t.group_id), 1, np.nan)[:, 0]

    def _recent_surveys(self) -> tuple[ColumnElement[bool], ...]:
        s, as_of = Survey, self.window.as_of
        return (s.day.between(as_of - timedelta(days=self.rules.survey_lookback_days), as_of),)

    def nps(self) -> Floats:
        """Each group's latest NPS in the lookback (the last of a day's by id). PostgreSQL
        sorts the NPS rows once and keeps each group's first (DISTINCT ON); SQLite seeks each
        group's latest in the survey index, which beats numbering every row per group."""
        s, latest = Survey, (Survey.day.desc(), Survey.id.desc())
        nps = (s.kind == "nps", *self._recent_surveys())
        if self.dialect == "postgresql":
            stmt = select(s.group_id, s.score).where(*nps).ext(distinct_on(s.group_id))
            rows = self.rows(stmt.order_by(s.group_id, *latest), s.group_id)
        else:
            g = PhysicianGroup
            score = select(s.score).where(s.group_id == g.id, *nps).order_by(*latest).limit(1)
            rows = self.rows(select(g.id, score.scalar_subquery()), g.id)
        return spread(self.ids, rows, 1, np.nan)[:, 0]

    def csat(self) -> Floats:
        s = Survey
        csat = select(s.group_id, cast(func.avg(s.score), Float))
        csat = csat.where(s.kind == "csat", *self._recent_surveys()).group_by(s.group_id)
        return spread(self.ids, self.rows(csat, s.group_id), 1, np.nan)[:, 0]

    def per_group(self, group_id: Any, where: Sequence[Any], *values: _Aggregate
                  ) -> list[tuple[Any, ...]]:  # fmt: skip
        """Each group's id and `values`, aggregates over its rows where `where` holds.
        PostgreSQL groups the rows (a hash aggregate); SQLite, which has none and would read the
        whole table in group order, seeks each group's few rows by index, one correlated
        subquery per value (under half the time on the demo's 10,000 groups)."""
        if self.dialect == "postgresql":
            stmt = select(group_id, *(v.then(v.grouped()) for v in values))
            return self.rows(stmt.where(*where).group_by(group_id), group_id)
        g = PhysicianGroup
        mine = (group_id == g.id, *where)
        return self.rows(select(g.id, *(v.then(v.seek(mine)) for v in values)), g.id)

    def onboarding(self) -> Floats:
        """Open and overdue tasks, and days since the last one was done (NaN: none)."""
        t, as_of = OnboardingTask, self.window.as_of
        end = day_end(as_of)
        done, open_ = t.done_at < end, t.done_at.is_(None) | (t.done_at >= end)
        overdue = t.due < as_of
        last = _Aggregate(func.max(t.done_at), done, self.days_ago)
        if self.dialect == "postgresql":
            counts = (_Aggregate(func.count(), open_), _Aggregate(func.count(), open_ & overdue))
            return spread(self.ids, self.per_group(t.group_id, (), *counts, last), 3,
                          (0.0, 0.0, np.nan))  # fmt: skip
        # SQLite counts the few open tasks in one pass over the index: seeking them group by
        # group, two ranges each, took twice as long on 100,000 demo groups.
        tasks = select(t.group_id, func.count(), func.count().filter(overdue)).where(open_)
        opened = spread(self.ids, self.rows(tasks.group_by(t.group_id), t.group_id), 2)
        last_done = spread(self.ids, self.per_group(t.group_id, (), last), 1, np.nan)
        return np.column_stack((opened, last_done))

    def last_touch(self) -> Floats:
        a = Activity
        touch = (a.kind.in_(self.rules.touch_kinds), a.occurred_at < day_end(self.window.as_of))
        latest = _Aggregate(func.max(a.occurred_at), then=self.days_ago)
        return spread(self.ids, self.per_group(a.group_id, touch, latest), 1, np.nan)[:, 0]

    def days_ago(self, column: Any) -> ColumnElement[Any]:
        return -self.days(column)


@dataclass(frozen=True)
class _Aggregate:
    """An aggregate over a group's rows (those where `condition` holds, if given), and the
    expression made of its value."""

    function: Any
    condition: Any = None
    then: Callable[[Any], Any] = lambda value: value

    def grouped(self) -> Any:
        return self.function if self.condition is None else self.function.filter(self.condition)

    def seek(self, where: Sequence[Any]) -> Any:
        wanted = where if self.condition is None else (*where, self.condition)
        return select(self.function).where(*wanted).scalar_subquery()


def load_batch(
    session: Session, *, as_of: date, window_days: int, chunk: Chunk, rules: FactorRules
) -> tuple[np.ndarray, BatchInputs]:
    """The chunk's group ids (ascending) and their batch inputs for `as_of`."""
    return start_batch(session, as_of=as_of, window_days=window_days, chunk=chunk, rules=rules)()


def start_batch(
    session: Session, *, as_of: date, window_days: int, chunk: Chunk, rules: FactorRules,
    run: Run = at_once,
) -> Callable[[], tuple[np.ndarray, BatchInputs]]:  # fmt: skip
    """`load_batch`, its queries each started by `run` (csbot.store.shared_snapshot), the
    longest first: call the result for the ids and inputs."""
    load = _Loader(session, chunk, Window(as_of, window_days), rules)
    load.profiled = run(load.profiles)
    usage, months, onboarding = run(load.usage), run(load.months), run(load.onboarding)
    csat, touch, response = run(load.csat), run(load.last_touch), run(load.first_response_median)
    nps, high = run(load.nps), run(load.open_high)

    def loaded() -> tuple[np.ndarray, BatchInputs]:
        (ids, plans, profile), tasks = load.profiled.result(), onboarding.result()
        support = Support(high.result(), response.result(), nps.result(), csat.result())
        return ids, BatchInputs(
            window_days=window_days,
            as_of=np.full(len(ids), float(as_of.toordinal())),
            plans=plans,
            seats=profile[:, 0],
            arr=profile[:, 1],
            usage=usage.result()[0],
            previous_usage=usage.result()[1],
            months=months.result(),
            support=support,
            onboarding_open=tasks[:, 0],
            onboarding_overdue=tasks[:, 1],
            onboarding_last_done_ago=tasks[:, 2],
            contract_start_ago=-profile[:, 3],
            renewal_in=profile[:, 2],
            last_touch_ago=touch.result(),
        )

    return loaded
