"""What batch scoring reads: one array element per case (a group on one day), NaN for None.

Dates are whole days relative to the case's `as_of` (so no date objects cross into numpy), and
revenue comes as each case's booked months in a padded matrix, the way `GroupInputs` holds
them as a tuple. `BatchInputs.of` builds them from `GroupInputs`, which is how tests hold the
batch scorer to `score_group`; the store fills them straight from SQL.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from csbot.scoring.inputs import GroupInputs, MonthAmount, SlopeSums, UsageTotals

Floats: TypeAlias = npt.NDArray[np.float64]
Bools: TypeAlias = npt.NDArray[np.bool_]
NAN = float("nan")

__all__ = ["BatchInputs", "Floats", "History", "Months", "Support", "Usage"]


def floats(values: object) -> Floats:
    """A float64 array of `values` (None becomes NaN)."""
    return np.asarray(values, dtype=np.float64)


@dataclass(frozen=True)
class Usage:
    """daily_usage summed over one window per case; `days` is how many days have a row."""

    days: Floats
    active_users: Floats
    sessions: Floats
    session_minutes: Floats
    documents: Floats
    patients_total: Floats
    patients_billable: Floats

    @classmethod
    def of(cls, totals: Sequence[UsageTotals]) -> Usage:
        return cls(
            *(
                floats([getattr(t, name) for t in totals])
                for name in (
                    "days", "active_users", "sessions", "session_minutes", "documents",
                    "patients_total", "patients_billable",
                )
            )
        )  # fmt: skip


@dataclass(frozen=True)
class Months:
    """Each case's booked months, padded to the same count: `booked` is False for padding.

    `month` is the day the row names (the first of its month as stored), `first` and `length`
    that month's first day (as an ordinal) and length in days; amounts are all service types.
    """

    month: Floats  # ordinals, shape (cases, k)
    first: Floats
    length: Floats
    amount: Floats
    booked: Bools

    @classmethod
    def of(cls, per_case: Sequence[Sequence[MonthAmount]]) -> Months:
        width = max((len(m) for m in per_case), default=0)
        shape = (len(per_case), width)
        month, first, length, amount = (np.zeros(shape) for _ in range(4))
        booked = np.zeros(shape, dtype=np.bool_)
        for i, entries in enumerate(per_case):
            for k, entry in enumerate(entries):
                start = entry.month.replace(day=1)
                month[i, k], first[i, k] = entry.month.toordinal(), start.toordinal()
                length[i, k] = calendar.monthrange(start.year, start.month)[1]
                amount[i, k], booked[i, k] = entry.amount, True
        return cls(month, first, length, amount, booked)


@dataclass(frozen=True)
class Support:
    """Tickets and surveys per case; NaN where SupportFacts holds None."""

    open_high_priority: Floats
    first_response_median: Floats  # hours; NaN with no answered ticket in the window
    latest_nps: Floats
    csat_average: Floats


@dataclass(frozen=True)
class History:
    """Least-squares sums of earlier snapshots (x = days before as_of), as SlopeSums."""

    n: Floats
    sum_x: Floats
    sum_y: Floats
    sum_xy: Floats
    sum_xx: Floats

    @classmethod
    def of(cls, sums: Sequence[SlopeSums]) -> History:
        names = ("n", "sum_x", "sum_y", "sum_xy", "sum_xx")
        return cls(*(floats([getattr(s, n) for s in sums]) for n in names))

    @classmethod
    def empty(cls, cases: int) -> History:
        return cls(*(np.zeros(cases) for _ in range(5)))


def _days_between(later: date | None, earlier: date | None) -> float:
    return NAN if later is None or earlier is None else float((later - earlier).days)


@dataclass(frozen=True)
class BatchInputs:
    """Everything batch scoring needs for `len(as_of)` cases, all of one window length.

    Day counts relative to each case's `as_of`: `renewal_in` days until renewal; `*_ago`
    days since (NaN when there is no such day).
    """

    window_days: int
    as_of: Floats  # ordinals
    plans: tuple[str | None, ...]
    seats: Floats
    arr: Floats
    usage: Usage
    previous_usage: Usage
    months: Months
    support: Support
    onboarding_open: Floats
    onboarding_overdue: Floats
    onboarding_last_done_ago: Floats
    contract_start_ago: Floats
    renewal_in: Floats
    last_touch_ago: Floats
    history: History = field(default_factory=lambda: History.empty(0))

    def __len__(self) -> int:
        return len(self.as_of)

    @classmethod
    def of(cls, inputs: Sequence[GroupInputs]) -> BatchInputs:
        """The batch for some groups' inputs (all for one window length)."""
        lengths = {one.window.days for one in inputs}
        if len(lengths) > 1:
            raise ValueError(f"one window length per batch, got {sorted(lengths)}")
        return cls(
            window_days=lengths.pop() if lengths else 30,
            as_of=floats([one.window.as_of.toordinal() for one in inputs]),
            plans=tuple(one.profile.plan for one in inputs),
            seats=floats([one.profile.seats for one in inputs]),
            arr=floats([one.profile.arr for one in inputs]),
            usage=Usage.of([one.usage for one in inputs]),
            previous_usage=Usage.of([one.previous_usage for one in inputs]),
            months=Months.of([one.revenue_months for one in inputs]),
            support=_support(inputs),
            **_account_days(inputs),
            history=History.of([one.history for one in inputs]),
        )


def _support(inputs: Sequence[GroupInputs]) -> Support:
    facts = [one.support for one in inputs]
    hours = [sorted(f.first_response_hours) for f in facts]
    return Support(
        open_high_priority=floats([f.open_high_priority for f in facts]),
        first_response_median=floats([_median(h) for h in hours]),
        latest_nps=floats([NAN if f.latest_nps is None else f.latest_nps for f in facts]),
        csat_average=floats([NAN if f.csat_average is None else f.csat_average for f in facts]),
    )


def _median(ordered: list[float]) -> float:
    if not ordered:
        return NAN
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _account_days(inputs: Sequence[GroupInputs]) -> dict[str, Floats]:
    rows = [
        (
            one.onboarding.open,
            one.onboarding.overdue,
            _days_between(one.window.as_of, one.onboarding.last_done),
            _days_between(one.window.as_of, one.profile.contract_start),
            _days_between(one.profile.renewal_date, one.window.as_of),
            _days_between(one.window.as_of, one.last_touch),
        )
        for one in inputs
    ]
    names = (
        "onboarding_open", "onboarding_overdue", "onboarding_last_done_ago",
        "contract_start_ago", "renewal_in", "last_touch_ago",
    )  # fmt: skip
    table = floats(rows).reshape(len(rows), len(names))
    return {name: table[:, i].copy() for i, name in enumerate(names)}
