"""Alert states as detection saves and reads them, on SQLite and PostgreSQL: a new alert's id
replaces the stored one, a change without an alert keeps it, and a snooze outlives both; the
recent scores read are the window's own, of the days asked for, oldest first."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from recompute_seed import group
from sqlalchemy.orm import Session, sessionmaker

from csbot.scoring.types import Band
from csbot.store.alert_state import StateChange, alert_states, recent_scores, save_states, snooze
from csbot.store.models import HealthSnapshot

DAY = date(2026, 3, 31)
AT = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)
NA, CR, G = Band.NEEDS_ATTENTION, Band.CRITICAL, Band.GOOD


def _groups(sessions: sessionmaker[Session], n: int) -> list[int]:
    with sessions.begin() as session:
        made = [group(f"Clinic {i}") for i in range(n)]
        session.add_all(made)
        session.flush()
        return [g.id for g in made]


def test_a_new_alert_replaces_the_stored_one_and_none_keeps_it(
    sessions: sessionmaker[Session],
) -> None:
    a, b = _groups(sessions, 2)
    with sessions.begin() as session:
        assert save_states(session, [], updated_at=AT) == 0
        first = [StateChange(a, NA, 55.0, DAY, 11), StateChange(b, NA, 50.0, DAY, 12)]
        assert save_states(session, first, updated_at=AT) == 2
        snooze(session, group_id=b, until=DAY + timedelta(days=7), by="U1", updated_at=AT)
    later = DAY + timedelta(days=1)
    with sessions.begin() as session:
        changes = [StateChange(a, CR, 30.0, later, 21), StateChange(b, G, 65.0, later, None)]
        assert save_states(session, changes, updated_at=AT) == 2
    with sessions() as session:
        states = alert_states(session)
    assert sorted(
        (s.group_id, s.band, s.score, s.since, s.last_alert_id) for s in states.values()
    ) == [
        (a, CR, 30.0, later, 21),
        (b, G, 65.0, later, 12),
    ]
    assert (states[b].snoozed_until, states[b].snoozed_by) == (DAY + timedelta(days=7), "U1")
    assert states[a].snoozed_until is None


def test_recent_scores_are_the_windows_own_over_the_days_asked(
    sessions: sessionmaker[Session],
) -> None:
    a, b = _groups(sessions, 2)
    with sessions.begin() as session:
        for gid, window, back, score in [
            (a, 30, 0, 50.0), (a, 30, 1, 51.0), (a, 30, 2, 52.0), (a, 30, 3, 53.0),
            (a, 7, 0, 99.0), (b, 30, 1, 70.0), (b, 30, -1, 10.0),
        ]:  # fmt: skip
            session.add(HealthSnapshot(group_id=gid, day=DAY - timedelta(days=back),
                                       window_days=window, score=score, band="Good",
                                       computed_at=AT))  # fmt: skip
    with sessions() as session:
        found = recent_scores(session, end=DAY, days=3, window_days=30)
        only_b = recent_scores(session, end=DAY, days=3, window_days=30, group_ids=[b])
    assert found == {a: [52.0, 51.0, 50.0], b: [70.0]}
    assert only_b == {b: [70.0]}
