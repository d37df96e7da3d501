"""Writing many health_snapshot rows at once (csbot.store.bulk: COPY on PostgreSQL, an
executemany of plain tuples on SQLite), in the caller's transaction.

The rows themselves, their `factors` JSON included, come from csbot.scoring.batch.stored.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Table, delete
from sqlalchemy.orm import Session

from csbot.scoring.batch import BatchScores
from csbot.scoring.batch.stored import snapshot_rows
from csbot.store.bulk import copy_rows
from csbot.store.models import Base, HealthSnapshot

__all__ = ["COLUMNS", "clear_snapshots", "write_batch"]

COLUMNS = (
    "group_id", "day", "window_days", "score", "billability", "engagement", "revenue", "band",
    "churn_risk", "churn_level", "arr_at_risk", "factors", "computed_at",
)  # fmt: skip


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
    """`value` as the column's type sends it (dates and UTC times as SQLite stores them), and a
    date or time still one (PostgreSQL) as ISO text: its COPY is text, which the server parses
    the same, and the driver formatting the day and the time anew on every row was a third of
    the client's formatting of 10,000 snapshots."""
    dialect = session.get_bind().dialect
    process = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
    bound = process(value) if process is not None else value
    return bound.isoformat() if isinstance(bound, date) else bound  # a datetime is a date


def write_batch(
    session: Session, ids: np.ndarray, scores: BatchScores, *, days: list[date],
    window_days: int, computed_at: datetime,
) -> int:  # fmt: skip
    """Insert the snapshots of the cases with data (case i: group ids[i] on days[i])."""
    table = Base.metadata.tables["health_snapshot"]
    distinct = {day: _bound(table, "day", day, session) for day in set(days)}
    stored = [distinct[day] for day in days]
    at = _bound(table, "computed_at", computed_at, session)
    rows = snapshot_rows(ids, scores, stored, window_days, at)
    copy_rows(session, "health_snapshot", COLUMNS, rows)
    return int(scores.has_data.sum())
