"""What the weekly book-of-business digest reads: every group's owner, team and renewal, its band
from the latest snapshot of a week, and the alerts of the week and those still unacknowledged.
One set-based query each, for the whole book; the digest splits it per recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from csbot.store.models import Alert, HealthSnapshot, PhysicianGroup

__all__ = ["BookAlert", "BookGroup", "WeekBand", "book_alerts", "book_groups", "week_bands"]

ALERT_KINDS = ("crossing", "renewal")
OPEN_STATES = ("pending", "sent")


@dataclass(frozen=True)
class BookGroup:
    """A group as the digest routes and lists it."""

    group_id: int
    name: str
    csm_owner: str | None
    csm_team: str | None
    renewal_date: date
    arr: float


@dataclass(frozen=True)
class WeekBand:
    """A group's latest snapshot of a week: band, score and the parts that explain a move."""

    day: date
    band: str
    score: float
    billability: float | None
    engagement: float | None
    revenue: float | None
    factors: list[Any]


@dataclass(frozen=True)
class BookAlert:
    """A crossing or renewal reminder: of the week, or older and still unacknowledged."""

    id: int
    group_id: int
    kind: str
    from_band: str | None
    to_band: str
    day: date
    acknowledged: bool
    payload: dict[str, Any]


def book_groups(session: Session) -> list[BookGroup]:
    """Every group, by name."""
    g = PhysicianGroup
    stmt = select(g.id, g.name, g.csm_owner, g.csm_team, g.renewal_date, g.arr).order_by(g.name)
    return [BookGroup(*row) for row in session.execute(stmt)]


def week_bands(session: Session, *, day: date, window_days: int) -> dict[int, WeekBand]:
    """Each group's latest snapshot from the 7 days ending on `day` (the window's default)."""
    s = HealthSnapshot
    week = (s.window_days == window_days, s.day > day - timedelta(days=7), s.day <= day)
    latest = select(s.group_id, func.max(s.day).label("day")).where(*week).group_by(s.group_id)
    last = latest.subquery()
    stmt = select(
        s.group_id, s.day, s.band, s.score, s.billability, s.engagement, s.revenue, s.factors
    ).join(
        last, and_(s.group_id == last.c.group_id, s.day == last.c.day, s.window_days == window_days)
    )
    return {row[0]: WeekBand(*row[1:]) for row in session.execute(stmt)}


def book_alerts(session: Session, *, since: date, until: date) -> list[BookAlert]:
    """Crossings and renewal reminders of `since`..`until`, and older ones nobody has
    acknowledged yet; newest first."""
    a = Alert
    this_week = a.day.between(since, until)
    waiting = and_(a.day < since, a.acknowledged_at.is_(None), a.state.in_(OPEN_STATES))
    stmt = (
        select(
            a.id, a.group_id, a.kind, a.from_band, a.to_band, a.day, a.acknowledged_at, a.payload
        )
        .where(a.kind.in_(ALERT_KINDS), a.group_id.is_not(None), or_(this_week, waiting))
        .order_by(a.day.desc(), a.id.desc())
    )
    return [
        BookAlert(i, int(g or 0), kind, frm, to, day, acked is not None, payload or {})
        for i, g, kind, frm, to, day, acked, payload in session.execute(stmt)
    ]
