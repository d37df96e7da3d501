"""health_snapshot rows: written set-based (replace the day's rows), read as series and bands."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from csbot.scoring.types import Band, GroupScore
from csbot.store.models import Base, HealthSnapshot


def snapshot_row(score: GroupScore, *, computed_at: datetime) -> dict[str, Any]:
    """The health_snapshot row for a group's score (the factors as JSON, most points first)."""
    health, churn = score.health, score.churn
    return {
        "group_id": score.group_id,
        "day": score.as_of,
        "window_days": score.window_days,
        "score": health.score,
        "billability": health.billability.value,
        "engagement": health.engagement.value,
        "revenue": health.revenue.value,
        "band": health.band.value,
        "churn_risk": churn.score,
        "churn_level": churn.level.value,
        "arr_at_risk": churn.arr_at_risk,
        "factors": [
            {"id": f.id, "title": f.title, "evidence": f.evidence, "points": f.points}
            for f in churn.factors
        ],
        "computed_at": computed_at,
    }


def write_snapshots(
    session: Session,
    scores: Iterable[GroupScore],
    *,
    day: date,
    window_days: int,
    computed_at: datetime,
    group_ids: Collection[int] | None = None,
) -> int:
    """Replace the snapshots of `day` and `window_days` (of `group_ids`, or of every group).

    Delete then insert in the caller's transaction: running twice never duplicates.
    """
    rows = [snapshot_row(s, computed_at=computed_at) for s in scores]
    stale = delete(HealthSnapshot).where(
        HealthSnapshot.day == day, HealthSnapshot.window_days == window_days
    )
    if group_ids is not None:
        stale = stale.where(HealthSnapshot.group_id.in_(list(group_ids)))
    session.execute(stale)
    if rows:  # Core insert of plain rows: several times faster than the ORM's bulk path
        session.execute(insert(Base.metadata.tables["health_snapshot"]), rows)
    return len(rows)


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
