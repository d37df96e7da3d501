"""What App Home and the portfolio report read beyond scoring inputs: whose groups, open alerts,
the week's meetings, and the portfolio's daily health. Each is one set-based query.

`group_ids=None` means every group (a lead's portfolio).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csbot.store._query import for_groups
from csbot.store.models import Activity, Alert, HealthSnapshot, PhysicianGroup

__all__ = [
    "MeetingRow",
    "OpenAlert",
    "TrendPoint",
    "meetings_between",
    "open_alerts",
    "owned_group_ids",
    "portfolio_trend",
]

OPEN_ALERT_STATES = ("pending", "sent")


@dataclass(frozen=True)
class OpenAlert:
    """A band-crossing alert nobody has acknowledged yet."""

    id: int
    group_id: int
    group: str
    from_band: str | None
    to_band: str
    day: date


@dataclass(frozen=True)
class MeetingRow:
    """A scheduled meeting with one of the groups."""

    group_id: int
    group: str
    title: str
    at: datetime
    minutes: int | None


@dataclass(frozen=True)
class TrendPoint:
    """The portfolio's mean health on a day, over the groups that had a snapshot that day."""

    day: date
    mean_score: float
    groups: int


def owned_group_ids(session: Session, *, owner: str) -> list[int]:
    """Groups whose CSM owner is this Slack user."""
    stmt = select(PhysicianGroup.id).where(PhysicianGroup.csm_owner == owner)
    return list(session.scalars(stmt.order_by(PhysicianGroup.id)))


def open_alerts(
    session: Session, *, group_ids: Collection[int] | None, limit: int = 50
) -> tuple[list[OpenAlert], int]:
    """Unacknowledged crossings, newest first (at most `limit`), and how many there are."""
    where = (
        Alert.kind == "crossing",
        Alert.acknowledged_at.is_(None),
        Alert.state.in_(OPEN_ALERT_STATES),
    )
    count = select(func.count()).select_from(Alert).where(*where)
    total = int(session.scalar(for_groups(count, Alert.group_id, group_ids)) or 0)
    stmt = (
        select(
            Alert.id, Alert.group_id, PhysicianGroup.name, Alert.from_band, Alert.to_band, Alert.day
        )
        .join(PhysicianGroup, PhysicianGroup.id == Alert.group_id)
        .where(*where)
        .order_by(Alert.day.desc(), Alert.id.desc())
        .limit(limit)
    )
    rows = session.execute(for_groups(stmt, Alert.group_id, group_ids))
    return [OpenAlert(i, int(g or 0), n, f, t, d) for i, g, n, f, t, d in rows], total


def meetings_between(
    session: Session,
    *,
    group_ids: Collection[int] | None,
    start: datetime,
    end: datetime,
    limit: int = 50,
) -> tuple[list[MeetingRow], int]:
    """Meetings from `start` (inclusive) to `end` (exclusive), soonest first, and how many."""
    where = (Activity.kind == "meeting", Activity.occurred_at >= start, Activity.occurred_at < end)
    count = select(func.count()).select_from(Activity).where(*where)
    total = int(session.scalar(for_groups(count, Activity.group_id, group_ids)) or 0)
    stmt = (
        select(
            Activity.group_id,
            PhysicianGroup.name,
            Activity.title,
            Activity.occurred_at,
            Activity.duration_minutes,
        )
        .join(PhysicianGroup, PhysicianGroup.id == Activity.group_id)
        .where(*where)
        .order_by(Activity.occurred_at, Activity.id)
        .limit(limit)
    )
    rows = session.execute(for_groups(stmt, Activity.group_id, group_ids))
    return [MeetingRow(*row) for row in rows], total


def portfolio_trend(
    session: Session,
    *,
    group_ids: Collection[int] | None,
    window_days: int,
    as_of: date,
) -> list[TrendPoint]:
    """Mean daily snapshot health of these groups on the window's days before `as_of`, oldest
    first (today's mean comes from scoring, not from a snapshot)."""
    start, end = as_of - timedelta(days=window_days - 1), as_of - timedelta(days=1)
    s = HealthSnapshot
    stmt = (
        select(s.day, func.avg(s.score), func.count())
        .where(s.window_days == window_days, s.day.between(start, end))
        .group_by(s.day)
        .order_by(s.day)
    )
    rows = session.execute(for_groups(stmt, s.group_id, group_ids))
    return [TrendPoint(day, float(mean), int(n)) for day, mean, n in rows]
