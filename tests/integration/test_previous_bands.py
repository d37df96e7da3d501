"""`previous_bands`: each group's band in its latest snapshot before a day, on both stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from recompute_seed import AS_OF, group
from sqlalchemy.orm import Session, sessionmaker

from csbot.scoring import Band
from csbot.store.models import HealthSnapshot
from csbot.store.snapshots import previous_bands

NOW = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)


def _snapshot(group_id: int, days_before: int, band: Band, window_days: int = 30
              ) -> HealthSnapshot:  # fmt: skip
    return HealthSnapshot(group_id=group_id, day=AS_OF - timedelta(days=days_before),
                          window_days=window_days, score=50.0, band=band.value,
                          computed_at=NOW)  # fmt: skip


@pytest.fixture
def ids(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Alpha: a gap before its latest day, the day itself and another window's later row;
    Beta: one snapshot on the lookback's first day and one just before it; Gamma: only one
    too old; Delta: none at all."""
    names = ("alpha", "beta", "gamma", "delta")
    with sessions.begin() as session:
        groups = {name: group(f"{name.title()} Clinic") for name in names}
        session.add_all(groups.values())
        session.flush()
        ids = {name: g.id for name, g in groups.items()}
        alpha, beta, gamma = ids["alpha"], ids["beta"], ids["gamma"]
        session.add_all([
            _snapshot(alpha, 9, Band.EXCELLENT),
            _snapshot(alpha, 3, Band.CRITICAL),
            _snapshot(alpha, 0, Band.GOOD),  # the day itself: not before it
            _snapshot(alpha, 1, Band.GOOD, window_days=7),  # another window
            _snapshot(beta, 31, Band.CRITICAL),
            _snapshot(beta, 30, Band.NEEDS_ATTENTION),
            _snapshot(gamma, 31, Band.EXCELLENT),
        ])  # fmt: skip
    return ids


def test_each_group_gets_its_latest_band_in_the_lookback(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    with sessions() as session:
        bands = previous_bands(session, before=AS_OF, window_days=30)
        week = previous_bands(session, before=AS_OF, window_days=7)
        short = previous_bands(session, before=AS_OF, window_days=30, lookback_days=5)
    assert bands == {ids["alpha"]: Band.CRITICAL, ids["beta"]: Band.NEEDS_ATTENTION}
    assert week == {ids["alpha"]: Band.GOOD}
    assert short == {ids["alpha"]: Band.CRITICAL}


def test_previous_bands_of_some_groups(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    with sessions() as session:
        some = previous_bands(session, before=AS_OF, window_days=30,
                              group_ids=[ids["beta"], ids["gamma"], ids["delta"]])  # fmt: skip
        none = previous_bands(session, before=AS_OF, window_days=30, group_ids=[])
        later = previous_bands(session, before=AS_OF + timedelta(days=1), window_days=30,
                               group_ids=[ids["alpha"]])  # fmt: skip
    assert some == {ids["beta"]: Band.NEEDS_ATTENTION}
    assert none == {}
    assert later == {ids["alpha"]: Band.GOOD}  # the day itself, seen from the day after
