"""Holds a stored health_snapshot row to what `score_group` says of the group that day."""

from __future__ import annotations

import pytest

from csbot.scoring.types import GroupScore
from csbot.store.models import HealthSnapshot

TOLERANCE = 1e-9


def assert_stored(row: HealthSnapshot, expected: GroupScore) -> None:
    """Every number of the snapshot, to 1e-9 (ARR at risk to the cent it is stored in)."""
    health, churn = expected.health, expected.churn
    assert row.group_id == expected.group_id
    assert (row.day, row.window_days) == (expected.as_of, expected.window_days)
    assert row.score == pytest.approx(health.score, rel=TOLERANCE, abs=TOLERANCE)
    parts = (row.billability, row.engagement, row.revenue)
    for got, part in zip(parts, health.components, strict=True):
        if part.value is None:
            assert got is None, part.label
        else:
            assert got == pytest.approx(part.value, rel=TOLERANCE, abs=TOLERANCE), part.label
    assert row.band == health.band.value
    assert row.churn_risk == pytest.approx(churn.score, rel=TOLERANCE, abs=TOLERANCE)
    assert row.churn_level == churn.level.value
    assert row.arr_at_risk == pytest.approx(churn.arr_at_risk, abs=0.005)
    assert [(f["id"], f["title"], f["points"]) for f in row.factors] == [
        (f.id, f.title, f.points) for f in churn.factors
    ]
