"""Set-based loading of scoring inputs: a handful of aggregate queries for all groups at once.

Each query sums or picks per group over the window (and the previous window, in the same pass,
with CASE), so 10,000 groups cost the same number of round trips as one. Days are UTC days:
a datetime belongs to `as_of` when it is before the next UTC midnight.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import Date, Integer, Select, and_, case, cast, func, literal, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

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
from csbot.scoring.panel_inputs import PanelData
from csbot.store.models import (
    Activity,
    DailyUsage,
    HealthSnapshot,
    OnboardingTask,
    PhysicianGroup,
    Revenue,
    Survey,
    Ticket,
)

CLOSED_TICKET_STATUSES = ("resolved", "closed")
_USAGE_FIELDS = (
    DailyUsage.active_users,
    DailyUsage.sessions,
    DailyUsage.session_minutes,
    DailyUsage.documents_processed,
    DailyUsage.patients_total,
    DailyUsage.patients_billable,
)


def day_end(day: date) -> datetime:
    """The first instant after `day` (UTC): datetimes before it belong to `day` or earlier."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


_S = TypeVar("_S", bound="Select[*tuple[Any, ...]]")


def _for_groups(stmt: _S, column: Any, group_ids: Collection[int] | None) -> _S:
    """Limit a statement to some groups; None means every group."""
    return stmt if group_ids is None else stmt.where(column.in_(list(group_ids)))


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
    rows = session.execute(_for_groups(stmt, g.id, group_ids))
    return {row.id: GroupProfile(*row) for row in rows}


def _sum_if(condition: ColumnElement[bool], column: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, column), else_=0)), 0)


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
        _for_groups(stmt, DailyUsage.group_id, group_ids)
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
    for gid, month, amount in session.execute(_for_groups(stmt, Revenue.group_id, group_ids)):
        out[gid].append(MonthAmount(month, float(amount or 0)))
    return {gid: tuple(months) for gid, months in out.items()}


def _open_at(end: datetime) -> ColumnElement[bool]:
    """A ticket open at `end`: opened before, not resolved before, not closed without a date."""
    return and_(
        Ticket.opened_at < end,
        or_(Ticket.resolved_at.is_(None), Ticket.resolved_at >= end),
        not_(and_(Ticket.resolved_at.is_(None), Ticket.status.in_(CLOSED_TICKET_STATUSES))),
    )


def _support(
    session: Session, window: Window, rules: FactorRules, group_ids: Collection[int] | None
) -> dict[int, SupportFacts]:
    end = day_end(window.as_of)
    opened: dict[int, int] = {}
    stmt = (
        select(Ticket.group_id, func.count())
        .where(_open_at(end), Ticket.priority.in_(rules.high_priorities))
        .group_by(Ticket.group_id)
    )
    opened.update(
        (gid, n) for gid, n in session.execute(_for_groups(stmt, Ticket.group_id, group_ids))
    )
    hours = _first_response_hours(session, window, group_ids)
    nps = _latest_nps(session, window.as_of, rules.survey_lookback_days, group_ids)
    csat = _csat(session, window.as_of, rules.survey_lookback_days, group_ids)
    out = {}
    for gid in set(opened) | set(hours) | set(nps) | set(csat):
        score, day = nps.get(gid, (None, None))
        average, count = csat.get(gid, (None, 0))
        out[gid] = SupportFacts(
            opened.get(gid, 0), tuple(hours.get(gid, ())), score, day, average, count
        )
    return out


def _hours_between(session: Session, start: Any, end: Any) -> ColumnElement[Any]:
    """`end - start` in hours, computed by the database (no datetimes cross the wire)."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 24.0
    return func.extract("epoch", end - start) / 3600.0


def _first_response_hours(
    session: Session, window: Window, group_ids: Collection[int] | None
) -> dict[int, list[float]]:
    """Hours to first response of the tickets opened in the window and answered by its end."""
    start, end = day_end(window.start - timedelta(days=1)), day_end(window.as_of)
    hours = _hours_between(session, Ticket.opened_at, Ticket.first_response_at)
    stmt = select(Ticket.group_id, hours).where(
        Ticket.opened_at >= start,
        Ticket.opened_at < end,
        Ticket.first_response_at.is_not(None),
        Ticket.first_response_at < end,
    )
    out: dict[int, list[float]] = defaultdict(list)
    for gid, value in session.execute(_for_groups(stmt, Ticket.group_id, group_ids)):
        out[gid].append(max(0.0, float(value)))
    return out


def _latest_nps(
    session: Session, as_of: date, lookback: int, group_ids: Collection[int] | None
) -> dict[int, tuple[int, date]]:
    order = (Survey.day.desc(), Survey.id.desc())
    ranked = select(
        Survey.group_id,
        Survey.day,
        Survey.score,
        func.row_number().over(partition_by=Survey.group_id, order_by=order).label("rn"),
    ).where(Survey.kind == "nps", Survey.day.between(as_of - timedelta(days=lookback), as_of))
    sub = _for_groups(ranked, Survey.group_id, group_ids).subquery()
    rows = session.execute(select(sub.c.group_id, sub.c.score, sub.c.day).where(sub.c.rn == 1))
    return {gid: (int(score), day) for gid, score, day in rows}


def _csat(
    session: Session, as_of: date, lookback: int, group_ids: Collection[int] | None
) -> dict[int, tuple[float, int]]:
    stmt = (
        select(Survey.group_id, func.avg(Survey.score), func.count())
        .where(Survey.kind == "csat", Survey.day.between(as_of - timedelta(days=lookback), as_of))
        .group_by(Survey.group_id)
    )
    rows = session.execute(_for_groups(stmt, Survey.group_id, group_ids))
    return {gid: (float(avg), int(n)) for gid, avg, n in rows}


def _onboarding(
    session: Session, as_of: date, group_ids: Collection[int] | None
) -> dict[int, OnboardingFacts]:
    t = OnboardingTask
    done = and_(t.done_at.is_not(None), t.done_at < day_end(as_of))
    stmt = select(
        t.group_id,
        func.count(),
        _sum_if(done, literal(1)),
        _sum_if(and_(not_(done), t.due < as_of), literal(1)),
        func.max(case((done, t.done_at), else_=None)),
    ).group_by(t.group_id)
    out = {}
    for gid, total, n_done, overdue, last in session.execute(
        _for_groups(stmt, t.group_id, group_ids)
    ):
        out[gid] = OnboardingFacts(int(total), int(n_done), int(overdue), _as_date(last))
    return out


def _as_date(value: Any) -> date | None:
    """A MAX() over a UTC datetime column, as its UTC date (SQLite hands back text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


def _last_touch(
    session: Session, as_of: date, rules: FactorRules, group_ids: Collection[int] | None
) -> dict[int, date | None]:
    stmt = (
        select(Activity.group_id, func.max(Activity.occurred_at))
        .where(Activity.kind.in_(rules.touch_kinds), Activity.occurred_at < day_end(as_of))
        .group_by(Activity.group_id)
    )
    rows = session.execute(_for_groups(stmt, Activity.group_id, group_ids))
    return {gid: _as_date(last) for gid, last in rows}


def _day_offset(session: Session, as_of: date) -> ColumnElement[Any]:
    """Days from `as_of` to the snapshot's day (negative before it), in this dialect."""
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(HealthSnapshot.day) - func.julianday(as_of.isoformat())
    return cast(HealthSnapshot.day - cast(literal(as_of), Date), Integer)


def load_history(
    session: Session, *, window: Window, group_ids: Collection[int] | None = None
) -> dict[int, SlopeSums]:
    """Least-squares sums of this window length's snapshots, in the window, before as_of."""
    x = _day_offset(session, window.as_of)
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
        _for_groups(stmt, HealthSnapshot.group_id, group_ids)
    ):
        out[gid] = SlopeSums(int(n), float(sx), float(sy), float(sxy), float(sxx))
    return out


def load_scoring_inputs(
    session: Session,
    *,
    as_of: date,
    window_days: int,
    group_ids: Collection[int] | None = None,
    rules: FactorRules | None = None,
) -> dict[int, GroupInputs]:
    """Everything `score_group` needs, for every group (or `group_ids`), keyed by group id."""
    window = Window(as_of, window_days)
    rules = rules or FactorRules()
    profiles = load_profiles(session, group_ids=group_ids)
    usage = load_usage(session, window=window, group_ids=group_ids)
    months = load_revenue_months(session, window=window, group_ids=group_ids)
    support = _support(session, window, rules, group_ids)
    onboarding = _onboarding(session, as_of, group_ids)
    touch = _last_touch(session, as_of, rules, group_ids)
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


def load_panel_data(
    session: Session,
    *,
    group_id: int,
    window_days: int,
    as_of: date,
    survey_lookback_days: int = 180,
) -> PanelData:
    """One group's panel rows (see `csbot.store.panel_data`), including its scoring inputs."""
    from csbot.store.panel_data import load_panel_data as load

    return load(
        session,
        group_id=group_id,
        window_days=window_days,
        as_of=as_of,
        survey_lookback_days=survey_lookback_days,
    )
