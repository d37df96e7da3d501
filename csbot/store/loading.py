"""Set-based loading of scoring inputs: a handful of aggregate queries for all groups at once.

Profiles, usage, revenue and health history are here; support, onboarding and the last CS
touch are in csbot.store.account_facts (re-exported here).

Each query sums or picks per group over the window (and the previous window, in the same pass,
with CASE), so 10,000 groups cost the same number of round trips as one. Days are UTC days:
a datetime belongs to `as_of` when it is before the next UTC midnight.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csbot.scoring.config import FactorRules
from csbot.scoring.inputs import (
    GroupInputs,
    GroupProfile,
    MonthAmount,
    OnboardingFacts,
    SlopeSums,
    SupportFacts,
    UsageTotals,
    Window,
)
from csbot.store._query import day_end, days_from, for_groups
from csbot.store.account_facts import (
    CLOSED_TICKET_STATUSES,
    load_last_touch,
    load_onboarding,
    load_support,
)
from csbot.store.models import DailyUsage, HealthSnapshot, PhysicianGroup, Revenue

__all__ = [
    "CLOSED_TICKET_STATUSES",
    "day_end",
    "load_history",
    "load_last_touch",
    "load_onboarding",
    "load_profiles",
    "load_revenue_months",
    "load_scoring_inputs",
    "load_support",
    "load_usage",
]

_USAGE_FIELDS = (
    DailyUsage.active_users,
    DailyUsage.sessions,
    DailyUsage.session_minutes,
    DailyUsage.documents_processed,
    DailyUsage.patients_total,
    DailyUsage.patients_billable,
)


def load_profiles(
    session: Session, *, group_ids: Collection[int] | None = None
) -> dict[int, GroupProfile]:
    g = PhysicianGroup
    stmt = select(
        g.id,
        g.name,
        g.plan,
        g.seats,
        g.arr,
        g.renewal_date,
        g.contract_start,
        g.onboarding_phase,
        g.go_live_date,
    ).order_by(g.id)
    rows = session.execute(for_groups(stmt, g.id, group_ids))
    return {row.id: GroupProfile(*row) for row in rows}


def load_usage(
    session: Session, *, window: Window, group_ids: Collection[int] | None = None
) -> dict[int, tuple[UsageTotals, UsageTotals]]:
    """(window, previous window) usage totals per group, in one scan of both windows."""
    current = (DailyUsage.day >= window.start).label("current")
    sums = [func.sum(col) for col in _USAGE_FIELDS]
    stmt = (
        select(DailyUsage.group_id, current, func.count(), *sums)
        .where(DailyUsage.day.between(window.previous().start, window.as_of))
        .group_by(DailyUsage.group_id, current)
    )
    empty = UsageTotals()
    out: dict[int, tuple[UsageTotals, UsageTotals]] = {}
    for gid, is_current, *totals in session.execute(
        for_groups(stmt, DailyUsage.group_id, group_ids)
    ):
        now, before = out.get(gid, (empty, empty))
        out[gid] = (_usage(totals), before) if is_current else (now, _usage(totals))
    return out


def _usage(sums: list[Any]) -> UsageTotals:
    days, users, sessions, minutes, docs, total, billable = sums
    return UsageTotals(
        int(days), int(users), int(sessions), float(minutes), int(docs), int(total), int(billable)
    )


def load_revenue_months(
    session: Session, *, window: Window, group_ids: Collection[int] | None = None
) -> dict[int, tuple[MonthAmount, ...]]:
    """Monthly revenue (all service types) for months touching this window and the two before."""
    first = window.previous().previous().start.replace(day=1)
    stmt = (
        select(Revenue.group_id, Revenue.month, func.sum(Revenue.amount))
        .where(Revenue.month.between(first, window.as_of))
        .group_by(Revenue.group_id, Revenue.month)
        .order_by(Revenue.group_id, Revenue.month)
    )
    out: dict[int, list[MonthAmount]] = defaultdict(list)
    for gid, month, amount in session.execute(for_groups(stmt, Revenue.group_id, group_ids)):
        out[gid].append(MonthAmount(month, float(amount or 0)))
    return {gid: tuple(months) for gid, months in out.items()}


def load_history(
    session: Session, *, window: Window, group_ids: Collection[int] | None = None
) -> dict[int, SlopeSums]:
    """Least-squares sums of this window length's snapshots, in the window, before as_of."""
    x = days_from(session, HealthSnapshot.day, window.as_of)
    y = HealthSnapshot.score
    stmt = (
        select(
            HealthSnapshot.group_id,
            func.count(),
            func.sum(x),
            func.sum(y),
            func.sum(x * y),
            func.sum(x * x),
        )
        .where(
            HealthSnapshot.window_days == window.days,
            HealthSnapshot.day >= window.start,
            HealthSnapshot.day < window.as_of,
        )
        .group_by(HealthSnapshot.group_id)
    )
    out = {}
    for gid, n, sx, sy, sxy, sxx in session.execute(
        for_groups(stmt, HealthSnapshot.group_id, group_ids)
    ):
        out[gid] = SlopeSums(int(n), float(sx), float(sy), float(sxy), float(sxx))
    return out


def load_scoring_inputs(
    session: Session,
    *,
    as_of: date,
    window_days: int,
    rules: FactorRules,
    group_ids: Collection[int] | None = None,
) -> dict[int, GroupInputs]:
    """Everything `score_group` needs, for every group (or `group_ids`), keyed by group id;
    `rules` (the running config's) say which tickets, surveys and touches count."""
    window = Window(as_of, window_days)
    profiles = load_profiles(session, group_ids=group_ids)
    usage = load_usage(session, window=window, group_ids=group_ids)
    months = load_revenue_months(session, window=window, group_ids=group_ids)
    support = load_support(session, window=window, rules=rules, group_ids=group_ids)
    onboarding = load_onboarding(session, as_of=as_of, group_ids=group_ids)
    touch = load_last_touch(session, as_of=as_of, rules=rules, group_ids=group_ids)
    history = load_history(session, window=window, group_ids=group_ids)
    empty = (UsageTotals(), UsageTotals())
    return {
        gid: GroupInputs(
            profile=profile,
            window=window,
            usage=usage.get(gid, empty)[0],
            previous_usage=usage.get(gid, empty)[1],
            revenue_months=months.get(gid, ()),
            support=support.get(gid, SupportFacts()),
            onboarding=onboarding.get(gid, OnboardingFacts()),
            last_touch=touch.get(gid),
            history=history.get(gid, SlopeSums()),
        )
        for gid, profile in profiles.items()
    }
