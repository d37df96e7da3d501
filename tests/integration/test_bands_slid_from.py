"""Where a never-alerted group slid from: the latest band before today that was better than
the one it is in now, from its recent snapshots; nothing when none was."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from recompute_seed import group
from sqlalchemy.orm import Session, sessionmaker

from csbot.scoring.types import Band
from csbot.store.alert_state import bands_slid_from
from csbot.store.models import HealthSnapshot

TODAY = date(2026, 3, 31)
EX, G, NA, CR = Band.EXCELLENT, Band.GOOD, Band.NEEDS_ATTENTION, Band.CRITICAL
SCORE = {EX: 85.0, G: 70.0, NA: 50.0, CR: 30.0}


def _history(session: Session, gid: int, bands: list[Band], *, window: int = 30,
             ending: date = TODAY - timedelta(days=1)) -> None:  # fmt: skip
    """Daily snapshots in `bands`, oldest first, the last on `ending`."""
    first = ending - timedelta(days=len(bands) - 1)
    session.add_all(
        HealthSnapshot(
            group_id=gid,
            day=first + timedelta(days=n),
            window_days=window,
            score=SCORE[band],
            band=band.value,
            computed_at=datetime(2026, 4, 1, tzinfo=UTC),
        )
        for n, band in enumerate(bands)
    )


def test_each_group_gets_the_latest_better_band_or_nothing(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        made = [group(f"Clinic {n}") for n in range(9)]
        session.add_all(made)
        session.flush()
        slid, always, none, old, other, excellent, recovered, edge, quiet = (g.id for g in made)
        _history(session, slid, [G, G, EX, NA, CR, CR])  # latest better than Critical: NA
        _history(session, always, [CR] * 20)  # Critical all along: not known
        _history(session, old, [G], ending=TODAY - timedelta(days=31))  # outside the lookback
        _history(session, old, [CR] * 30)
        _history(session, other, [G] * 5, window=7)  # another window's, the latest: not read
        _history(session, other, [NA] * 5, ending=TODAY - timedelta(days=2))
        _history(session, excellent, [EX, G, G])  # Good today: better than Good was Excellent
        _history(session, recovered, [NA, CR, G])  # today's band better than yesterday's
        _history(session, slid, [G], ending=TODAY)  # today's own snapshot is not "before"
        _history(session, edge, [G], ending=TODAY - timedelta(days=30))  # the lookback's first day
        _history(session, edge, [CR] * 29)
        _history(session, quiet, [G] * 3)  # not alerted today: not asked about
    now_in = {slid: CR, always: CR, none: NA, old: CR, other: CR, excellent: G, recovered: NA,
              edge: CR}  # fmt: skip
    with sessions() as session:
        found = bands_slid_from(session, now_in=now_in, before=TODAY, window_days=30)
    assert found == {slid: NA, other: NA, excellent: EX, recovered: G, edge: G}


def test_no_groups_asks_nothing(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert bands_slid_from(session, now_in={}, before=TODAY, window_days=30) == {}
