"""The demo's daily snapshot history, scored from the rows just generated, still in memory.

`csbot demo` stores a snapshot per group for each of the days before `as_of`, so trends, the
App Home trend chart and the first alerts have history at once. Reading the rows back and
recomputing day by day would take a query round per day; instead each day's scoring inputs
are worked out here from the generated columns, with the same rules the recompute's loader
applies in SQL (csbot.store.batch_loading), then scored and written in bulk. A test holds
every snapshot written here to the one `recompute` writes for that day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from csbot.demo.columns import Floats, GroupColumns, Ints
from csbot.scoring.batch import BatchInputs, BatchScores, Months, Support, Usage, score_batch
from csbot.scoring.batch.rows import medians
from csbot.scoring.config import ScoringConfig
from csbot.store.account_facts import CLOSED_TICKET_STATUSES
from csbot.store.snapshot_write import write_batch

__all__ = ["Generated", "History", "Snapshots", "day_inputs", "score_history"]

Block = Mapping[str, Any]
_EPOCH = date(1970, 1, 1).toordinal()
_DAY_US = 86_400_000_000
_USAGE = ("active_users", "sessions", "session_minutes", "documents_processed",
          "patients_total", "patients_billable")  # fmt: skip


def _position(groups: GroupColumns, block: Block) -> Ints:
    return np.asarray(np.searchsorted(groups.ids, np.asarray(block["group_id"])))


def _day_of(micros: np.ndarray) -> Ints:
    """The UTC day (ordinal) of times in microseconds; -1 stays -1."""
    return np.where(micros < 0, -1, micros // _DAY_US + _EPOCH)


@dataclass(frozen=True)
class History:
    """Which days get snapshots (the daily job's window, from the running config)."""

    days: tuple[date, ...]
    config: ScoringConfig
    computed_at: datetime

    @classmethod
    def before(cls, as_of: date, days: int, *, config: ScoringConfig, computed_at: datetime
               ) -> History:  # fmt: skip
        """The `days` days before `as_of` (as_of itself is the daily job's)."""
        span = tuple(as_of - timedelta(days=back) for back in range(days, 0, -1))
        return cls(span, config, computed_at)


@dataclass(frozen=True)
class Generated:
    """A batch's generated rows, as the history needs them (positions into `groups`)."""

    groups: GroupColumns
    usage: Block
    revenue: Block
    tickets: Block
    surveys: Block
    onboarding: Block
    activity: Block

    def cumulative_usage(self, first: int, last: int) -> Floats:
        """(groups, days + 1, 7): running totals from day `first` of days with a row and of
        each usage column, so any window's totals are one subtraction."""
        day = np.asarray(self.usage["day"]) - first
        inside = (day >= 0) & (day <= last - first)
        g, day = _position(self.groups, self.usage)[inside], day[inside]
        grid = np.zeros((len(self.groups), last - first + 2, 7))
        grid[g, day + 1, 0] = 1.0
        for k, name in enumerate(_USAGE, start=1):
            grid[g, day + 1, k] = np.asarray(self.usage[name], dtype=np.float64)[inside]
        return np.cumsum(grid, axis=1)


class _Facts:
    """A batch's rows as the arrays the daily facts are picked from, prepared once; `on(day)`
    applies the recompute loader's rules (csbot.store.batch_loading) to them for one day."""

    def __init__(self, data: Generated, first: int, last: int, config: ScoringConfig) -> None:
        self.groups, self.first, self.rules = data.groups, first, config.factors
        self.window = config.default_window_days
        self.totals = data.cumulative_usage(first, last)
        self.months = _months(data.groups, data.revenue)
        t = data.tickets
        self.ticket = _position(self.groups, t)
        self.opened, self.answered_at, self.resolved = (
            np.asarray(t[c]) for c in ("opened_at", "first_response_at", "resolved_at")
        )
        unresolved = self.resolved < 0
        closed = np.isin(np.asarray(t["status"]), CLOSED_TICKET_STATUSES)
        self.counts_open = np.isin(np.asarray(t["priority"]), self.rules.high_priorities)
        self.counts_open &= ~(unresolved & closed)
        s = data.surveys
        self.survey, self.survey_day = _position(self.groups, s), np.asarray(s["day"])
        self.nps = np.asarray(s["kind"]) == "nps"
        self.score = np.asarray(s["score"], dtype=np.float64)
        o = data.onboarding
        self.task, self.due, self.done_at = (_position(self.groups, o), np.asarray(o["due"]),
                                             np.asarray(o["done_at"]))  # fmt: skip
        self.tasks = np.bincount(self.task, minlength=len(self.groups))
        a = data.activity
        touch = np.isin(np.asarray(a["kind"]), self.rules.touch_kinds)
        self.toucher = _position(self.groups, a)[touch]
        self.touched_at = np.asarray(a["occurred_at"])[touch]

    def usage(self, day: int, back: int) -> Usage:
        last = day - back * self.window
        top = self.totals.shape[1] - 1
        hi = np.clip(last - self.first + 1, 0, top)
        lo = np.clip(last - self.window - self.first + 1, 0, top)
        return Usage(*(self.totals[:, hi, :] - self.totals[:, lo, :]).T)

    def support(self, day: int) -> Support:
        n, end = len(self.groups), (day + 1 - _EPOCH) * _DAY_US
        opened, answered_at, resolved = self.opened, self.answered_at, self.resolved
        is_open = self.counts_open & (opened < end) & ((resolved < 0) | (resolved >= end))
        start = end - self.window * _DAY_US
        answered = (opened >= start) & (opened < end) & (answered_at >= 0) & (answered_at < end)
        hours = (answered_at[answered] - opened[answered]) / 3_600_000_000
        median = medians(np.arange(n), np.column_stack((self.ticket[answered], hours)))
        opened_high = np.bincount(self.ticket[is_open], minlength=n).astype(np.float64)
        return Support(opened_high, median, *self._surveys(day))

    def _surveys(self, day: int) -> tuple[Floats, Floats]:
        n, g, when = len(self.groups), self.survey, self.survey_day
        recent = (when <= day) & (when >= day - self.rules.survey_lookback_days)
        nps = np.full(n, np.nan)
        pick = np.flatnonzero(recent & self.nps)
        ranked = pick[np.lexsort((pick, when[pick], g[pick]))]  # by day, then id (row order)
        latest = ranked[np.r_[g[ranked][1:] != g[ranked][:-1], True]] if len(ranked) else ranked
        nps[g[latest]] = self.score[latest]
        chosen = recent & ~self.nps
        count = np.bincount(g[chosen], minlength=n)
        total = np.bincount(g[chosen], weights=self.score[chosen], minlength=n)
        with np.errstate(all="ignore"):
            return nps, np.where(count > 0, total / count, np.nan)

    def onboarding(self, day: int) -> tuple[Floats, Floats, Floats]:
        n, end, g = len(self.groups), (day + 1 - _EPOCH) * _DAY_US, self.task
        done = (self.done_at >= 0) & (self.done_at < end)
        open_ = self.tasks - np.bincount(g[done], minlength=n)
        overdue = np.bincount(g[~done & (self.due >= 0) & (self.due < day)], minlength=n)
        last = np.full(n, -1)
        np.maximum.at(last, g[done], _day_of(self.done_at[done]))
        return open_.astype(np.float64), overdue.astype(np.float64), _ago(day, last)

    def last_touch(self, day: int) -> Floats:
        end = (day + 1 - _EPOCH) * _DAY_US
        before = self.touched_at < end
        last = np.full(len(self.groups), -1)
        np.maximum.at(last, self.toucher[before], _day_of(self.touched_at[before]))
        return _ago(day, last)

    def on(self, day: int) -> BatchInputs:
        groups = self.groups
        open_, overdue, last_done = self.onboarding(day)
        return BatchInputs(
            window_days=self.window, as_of=np.full(len(groups), float(day)),
            plans=tuple(s.plan for s in groups.specs), seats=groups.seats, arr=groups.arr,
            usage=self.usage(day, 0), previous_usage=self.usage(day, 1), months=self.months,
            support=self.support(day), onboarding_open=open_, onboarding_overdue=overdue,
            onboarding_last_done_ago=last_done,
            contract_start_ago=(day - groups.contract_start).astype(np.float64),
            renewal_in=(groups.renewal - day).astype(np.float64),
            last_touch_ago=self.last_touch(day),
        )  # fmt: skip


def _months(groups: GroupColumns, revenue: Block) -> Months:
    """Every generated month as a column (the scoring picks those touching each window)."""
    g, month = _position(groups, revenue), np.asarray(revenue["month"])
    firsts, column = np.unique(month, return_inverse=True)
    shape = (len(groups), len(firsts))
    amount, booked = np.zeros(shape), np.zeros(shape, dtype=np.bool_)
    np.add.at(amount, (g, column), np.asarray(revenue["amount"], dtype=np.float64))
    booked[g, column] = True
    seen = [date.fromordinal(int(f)) for f in firsts]
    lengths = [((f + timedelta(days=32)).replace(day=1) - f).days for f in seen]
    wide = np.broadcast_to(firsts.astype(np.float64), shape)
    return Months(wide, wide, np.broadcast_to(np.array(lengths, dtype=np.float64), shape),
                  amount, booked)  # fmt: skip


def _ago(day: int, last: Ints) -> Floats:
    return np.where(last < 0, np.nan, day - last).astype(np.float64)


def day_inputs(data: Generated, day: date, config: ScoringConfig) -> BatchInputs:
    """The batch's scoring inputs on `day`, as `load_batch` would read them from the store."""
    first = day.toordinal() - 2 * config.default_window_days
    return _Facts(data, first, day.toordinal(), config).on(day.toordinal())


@dataclass(frozen=True)
class Snapshots:
    """A batch's history scored, case i the snapshot of group `ids[i]` on `days[i]`, in the
    order of their key (group, day): each lands at the end of the key's index."""

    ids: np.ndarray
    scores: BatchScores
    days: list[date]
    history: History
    window_days: int

    def write(self, session: Session) -> int:
        return write_batch(session, self.ids, self.scores, days=self.days,
                           window_days=self.window_days,
                           computed_at=self.history.computed_at)  # fmt: skip


def score_history(data: Generated, history: History) -> Snapshots | None:
    """Score the batch's groups on each day of `history` (no database: the rows in memory)."""
    if not history.days:
        return None
    config = history.config
    first = min(history.days).toordinal() - 2 * config.default_window_days
    facts = _Facts(data, first, max(history.days).toordinal(), config)
    each = [score_batch(facts.on(day.toordinal()), config) for day in history.days]
    n = len(data.groups)
    order = np.arange(n * len(each)).reshape(len(each), n).T.ravel()  # day-major to group-major
    scores = BatchScores(*(np.concatenate([getattr(s, f.name) for s in each])[order]
                           for f in fields(BatchScores)))  # fmt: skip
    days = [history.days[i] for i in (order // n).tolist()]
    return Snapshots(np.tile(data.groups.ids, len(each))[order], scores, days, history,
                     facts.window)  # fmt: skip
