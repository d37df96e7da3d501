"""health_snapshot rows read back: series for charts and the latest bands (written in bulk by
csbot.store.snapshot_write)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csbot.scoring.types import Band
from csbot.store.models import HealthSnapshot


def previous_bands(
    session: Session,
    *,
    before: date,
    window_days: int,
    lookback_days: int = 30,
    group_ids: Collection[int] | None = None,
) -> dict[int, Band]:
    """Each group's band in its latest snapshot before `before` (within `lookback_days`)."""
    s = HealthSnapshot
    in_range = (
        s.window_days == window_days,
        s.day < before,
        s.day >= before - timedelta(days=lookback_days),
    )
    latest = select(s.group_id, func.max(s.day).label("day")).where(*in_range).group_by(s.group_id)
    if group_ids is not None:
        latest = latest.where(s.group_id.in_(list(group_ids)))
    sub = latest.subquery()
    stmt = (
        select(s.group_id, s.band)
        .join(sub, (s.group_id == sub.c.group_id) & (s.day == sub.c.day))
        .where(s.window_days == window_days)
    )
    return {gid: Band(band) for gid, band in session.execute(stmt)}


@dataclass(frozen=True)
class SnapshotPoint:
    day: date
    score: float
    band: Band
    churn_risk: float | None


def snapshot_series(
    session: Session, *, group_id: int, window_days: int, start: date, end: date
) -> list[SnapshotPoint]:
    """One group's daily snapshots from `start` to `end` inclusive, oldest first (for charts)."""
    s = HealthSnapshot
    stmt = (
        select(s.day, s.score, s.band, s.churn_risk)
        .where(s.group_id == group_id, s.window_days == window_days, s.day.between(start, end))
        .order_by(s.day)
    )
    return [SnapshotPoint(d, float(sc), Band(b), cr) for d, sc, b, cr in session.execute(stmt)]
