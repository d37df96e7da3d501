"""Snapshots read back, on both stores: `previous_bands`, each group's band in its latest
snapshot before a day, and `snapshot_series`, the points a group's health chart draws."""

from __future__ import annotations

from datetime import timedelta

import pytest
from recompute_seed import AS_OF, NOW, group
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from csbot.scoring import Band
from csbot.store.models import HealthSnapshot
from csbot.store.snapshots import SnapshotPoint, previous_bands, snapshot_series


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


def test_a_series_is_one_groups_window_from_start_to_end_oldest_first(
    sessions: sessionmaker[Session],
) -> None:
    """Each point keeps its score, band and churn risk (none on a day without one); another
    group's, another window's, and days outside the range are left out."""
    rows = [  # (group, days before AS_OF, window, score, band, churn risk), newest day first
        ("mine", 0, 30, 33.0, Band.CRITICAL, 0.61),  # after the end
        ("mine", 1, 30, 41.5, Band.NEEDS_ATTENTION, 0.42),
        ("mine", 2, 30, 58.25, Band.GOOD, None),
        ("mine", 3, 30, 71.0, Band.GOOD, 0.08),
        ("mine", 4, 30, 90.0, Band.EXCELLENT, 0.01),  # before the start
        ("mine", 2, 7, 12.0, Band.CRITICAL, 0.9),  # another window
        ("other", 2, 30, 20.0, Band.CRITICAL, 0.7),  # another group
    ]
    with sessions.begin() as session:
        groups = {"mine": group("Mine Clinic"), "other": group("Other Clinic")}
        session.add_all(groups.values())
        session.flush()
        for name, back, window, score, band, risk in rows:
            day = AS_OF - timedelta(days=back)
            session.add(HealthSnapshot(group_id=groups[name].id, day=day, window_days=window,
                                       score=score, band=band.value, churn_risk=risk,
                                       computed_at=NOW))  # fmt: skip
            session.flush()  # written in this order
        mine = groups["mine"].id
        # as autovacuum would: so few rows are then read in the order written, not by the key
        session.execute(text("ANALYZE health_snapshot"))
    start, end = AS_OF - timedelta(days=3), AS_OF - timedelta(days=1)
    with sessions() as session:
        series = snapshot_series(session, group_id=mine, window_days=30, start=start, end=end)
    assert series == [
        SnapshotPoint(AS_OF - timedelta(days=3), 71.0, Band.GOOD, 0.08),
        SnapshotPoint(AS_OF - timedelta(days=2), 58.25, Band.GOOD, None),
        SnapshotPoint(AS_OF - timedelta(days=1), 41.5, Band.NEEDS_ATTENTION, 0.42),
    ]
