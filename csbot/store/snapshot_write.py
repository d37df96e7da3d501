"""Writing many health_snapshot rows at once (csbot.store.bulk: COPY on PostgreSQL, an
executemany of plain tuples on SQLite), in the caller's transaction.

A snapshot's `factors` are the churn factors' ids, titles and points, most points first; the
evidence sentences are built from the same numbers by `score_group` when a card, an alert or
an export shows them, so the daily recompute never formats text for 100,000 groups.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Table, delete
from sqlalchemy.orm import Session

from csbot.scoring.batch import BANDS, LEVELS, BatchScores, ordered_factors
from csbot.scoring.risk import TITLES
from csbot.store.bulk import copy_rows
from csbot.store.models import Base, HealthSnapshot

__all__ = ["COLUMNS", "clear_snapshots", "factor_json", "write_batch"]

COLUMNS = (
    "group_id", "day", "window_days", "score", "billability", "engagement", "revenue", "band",
    "churn_risk", "churn_level", "arr_at_risk", "factors", "computed_at",
)  # fmt: skip


def factor_json(points: np.ndarray, cache: dict[bytes, str]) -> str:
    """The `factors` JSON of one case's factor points (one text per distinct set of points)."""
    key = points.tobytes()
    text = cache.get(key)
    if text is None:
        factors = [
            {"id": fid.value, "title": TITLES[fid], "points": value}
            for fid, value in ordered_factors(points)
        ]
        text = cache[key] = json.dumps(factors)
    return text


def clear_snapshots(
    session: Session, *, day: date, window_days: int, group_ids: Collection[int] | None = None
) -> None:
    """Delete `day`'s snapshots for this window (of `group_ids`, or of every group)."""
    stale = delete(HealthSnapshot).where(
        HealthSnapshot.day == day, HealthSnapshot.window_days == window_days
    )
    if group_ids is not None:
        stale = stale.where(HealthSnapshot.group_id.in_(list(group_ids)))
    session.execute(stale)


def _bound(table: Table, column: str, value: Any, session: Session) -> Any:
    """`value` as the column's type sends it (dates and UTC times as SQLite stores them)."""
    dialect = session.get_bind().dialect
    process = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process is not None else value


def _optional(values: np.ndarray) -> list[float | None]:
    return [None if v != v else v for v in values.tolist()]  # NaN is the one value != itself


def _rows(
    ids: np.ndarray, scores: BatchScores, days: list[Any], window_days: int, computed_at: Any
) -> Iterator[tuple[Any, ...]]:
    keep = np.flatnonzero(scores.has_data)
    bands = [b.value for b in BANDS]
    levels = [level.value for level in LEVELS]
    parts = [_optional(scores.parts[keep, k]) for k in range(3)]
    cache: dict[bytes, str] = {}
    factors = scores.factors
    columns = zip(
        ids[keep].tolist(), [days[i] for i in keep.tolist()], scores.score[keep].tolist(),
        *parts, scores.band[keep].tolist(), scores.churn[keep].tolist(),
        scores.churn_level[keep].tolist(), scores.arr_at_risk[keep].tolist(), keep.tolist(),
        strict=True,
    )  # fmt: skip
    for gid, day, score, b, e, r, band, churn, level, at_risk, i in columns:
        yield (gid, day, window_days, score, b, e, r, bands[band], churn, levels[level],
               at_risk, factor_json(factors[i], cache), computed_at)  # fmt: skip


def write_batch(
    session: Session, ids: np.ndarray, scores: BatchScores, *, days: list[date],
    window_days: int, computed_at: datetime,
) -> int:  # fmt: skip
    """Insert the snapshots of the cases with data (case i: group ids[i] on days[i])."""
    table = Base.metadata.tables["health_snapshot"]
    distinct = {day: _bound(table, "day", day, session) for day in set(days)}
    stored = [distinct[day] for day in days]
    at = _bound(table, "computed_at", computed_at, session)
    copy_rows(session, "health_snapshot", COLUMNS, _rows(ids, scores, stored, window_days, at))
    return int(scores.has_data.sum())
