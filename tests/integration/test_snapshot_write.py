"""write_batch on SQLite and PostgreSQL (a binary COPY there): every value of a snapshot stored
as given, amounts rounded to the cent as their text reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
from recompute_seed import group
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from csbot.scoring.batch import BANDS, FACTORS, LEVELS, BatchScores
from csbot.scoring.risk import TITLES
from csbot.store.models import HealthSnapshot
from csbot.store.snapshot_write import write_batch

NAN = float("nan")


def _scores(arr_at_risk: list[float]) -> BatchScores:
    cases = len(arr_at_risk)
    factors = np.zeros((cases, len(FACTORS)))
    factors[0, 0] = 12.5
    return BatchScores(
        parts=np.array([[80.0, NAN, 75.25], [1 / 3, 2 / 3, NAN], [NAN, NAN, NAN]]),
        previous_parts=np.full((cases, 3), NAN),
        score=np.array([74.123456789012, 1 / 7, 0.0]),
        previous_score=np.full(cases, NAN),
        band=np.array([1, 3, 0]),
        has_data=np.array([True, True, False]),
        slope_per_day=np.full(cases, NAN),
        factors=factors,
        churn=np.array([30.5, 0.0, 0.0]),
        churn_level=np.array([1, 0, 0]),
        arr_at_risk=np.array(arr_at_risk),
    )


def test_write_batch_stores_every_value_as_given(sessions: sessionmaker[Session]) -> None:
    given = datetime(2026, 4, 1, 8, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    days = [date(2026, 3, 30), date(2026, 3, 31), date(2026, 3, 31)]
    with sessions.begin() as session:
        groups = [group(f"Clinic {n}") for n in range(3)]
        session.add_all(groups)
        session.flush()
        ids = np.array([g.id for g in groups])
        written = write_batch(session, ids, _scores([2.675, 1.005, 9.0]), days=days,
                              window_days=30, computed_at=given)  # fmt: skip
    assert written == 2
    with sessions() as session:
        rows = session.scalars(select(HealthSnapshot).order_by(HealthSnapshot.group_id)).all()
        stored = [
            (r.group_id, r.day, r.window_days, r.score, r.billability, r.engagement, r.revenue,
             r.band, r.churn_risk, r.churn_level, r.arr_at_risk, r.computed_at)
            for r in rows
        ]  # fmt: skip
        factors = [r.factors for r in rows]
        postgres = session.get_bind().dialect.name == "postgresql"
    # 2.675 is 2.67499... as a float: its text, as PostgreSQL's NUMERIC(14, 2) reads it, rounds
    # up (as a text COPY stored it). SQLite keeps the float.
    cents = (2.68, 1.01) if postgres else (2.675, 1.005)
    at = datetime(2026, 4, 1, 6, 30, 15, 123456, tzinfo=UTC)
    assert stored == [
        (ids[0], days[0], 30, 74.123456789012, 80.0, None, 75.25, BANDS[1].value, 30.5,
         LEVELS[1].value, cents[0], at),
        (ids[1], days[1], 30, 1 / 7, 1 / 3, 2 / 3, None, BANDS[3].value, 0.0, LEVELS[0].value,
         cents[1], at),
    ]  # fmt: skip
    assert factors == [[{"id": FACTORS[0].value, "title": TITLES[FACTORS[0]], "points": 12.5}], []]
