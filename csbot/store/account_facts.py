"""Set-based loaders of what scoring weighs besides usage and revenue: support (open tickets,
first responses, NPS, CSAT), onboarding tasks and the last CS touch, for all groups at once.

Split from csbot.store.loading, which assembles them into each group's scoring inputs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, not_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from csbot.scoring.config import FactorRules
from csbot.scoring.inputs import OnboardingFacts, SupportFacts, Window
from csbot.store._query import day_end, for_groups, hours_between
from csbot.store.models import Activity, OnboardingTask, Survey, Ticket

__all__ = [
    "CLOSED_TICKET_STATUSES",
    "load_last_touch",
    "load_onboarding",
    "load_support",
    "open_at",
    "open_ways",
]

CLOSED_TICKET_STATUSES = ("resolved", "closed")


def _sum_if(condition: ColumnElement[bool], column: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, column), else_=0)), 0)


def open_at(end: datetime) -> ColumnElement[bool]:
    """A ticket open at `end`: opened before, not resolved before, not closed without a date."""
    return or_(*open_ways(end))


def open_ways(end: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The two ways a ticket is open at `end`, which exclude each other: opened before and not
    resolved (nor closed without a date), or opened before and resolved at or after `end`
    (a day in the past counts the tickets resolved since). Each is a range of the index on
    (priority, resolved_at, ...), where their OR is not."""
    return (
        and_(
            Ticket.opened_at < end,
            Ticket.resolved_at.is_(None),
            Ticket.status.not_in(CLOSED_TICKET_STATUSES),
        ),
        and_(Ticket.opened_at < end, Ticket.resolved_at >= end),
    )


def load_support(
    session: Session,
    *,
    window: Window,
    rules: FactorRules,
    group_ids: Collection[int] | None = None,
) -> dict[int, SupportFacts]:
    """Open high-priority tickets, first-response hours, latest NPS and CSAT, per group."""
    end = day_end(window.as_of)
    opened: dict[int, int] = {}
    stmt = (
        select(Ticket.group_id, func.count())
        .where(open_at(end), Ticket.priority.in_(rules.high_priorities))
        .group_by(Ticket.group_id)
    )
    opened.update(
        (gid, n) for gid, n in session.execute(for_groups(stmt, Ticket.group_id, group_ids))
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


def _first_response_hours(
    session: Session, window: Window, group_ids: Collection[int] | None
) -> dict[int, list[float]]:
    """Hours to first response of the tickets opened in the window and answered by its end."""
    start, end = day_end(window.start - timedelta(days=1)), day_end(window.as_of)
    hours = hours_between(session, Ticket.opened_at, Ticket.first_response_at)
    stmt = select(Ticket.group_id, hours).where(
        Ticket.opened_at >= start,
        Ticket.opened_at < end,
        Ticket.first_response_at.is_not(None),
        Ticket.first_response_at < end,
    )
    out: dict[int, list[float]] = defaultdict(list)
    for gid, value in session.execute(for_groups(stmt, Ticket.group_id, group_ids)):
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
    sub = for_groups(ranked, Survey.group_id, group_ids).subquery()
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
    rows = session.execute(for_groups(stmt, Survey.group_id, group_ids))
    return {gid: (float(avg), int(n)) for gid, avg, n in rows}


def load_onboarding(
    session: Session, *, as_of: date, group_ids: Collection[int] | None = None
) -> dict[int, OnboardingFacts]:
    """Onboarding tasks per group: total, done, overdue and the day the last one was done."""
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
        for_groups(stmt, t.group_id, group_ids)
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


def load_last_touch(
    session: Session, *, as_of: date, rules: FactorRules, group_ids: Collection[int] | None = None
) -> dict[int, date | None]:
    """The day of each group's last CS touch (a meeting or call, per the rules) up to as_of."""
    stmt = (
        select(Activity.group_id, func.max(Activity.occurred_at))
        .where(Activity.kind.in_(rules.touch_kinds), Activity.occurred_at < day_end(as_of))
        .group_by(Activity.group_id)
    )
    rows = session.execute(for_groups(stmt, Activity.group_id, group_ids))
    return {gid: _as_date(last) for gid, last in rows}
