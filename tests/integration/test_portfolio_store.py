"""What App Home reads beyond scoring, on SQLite and PostgreSQL: whose groups, open alerts, the
week's meetings and the portfolio's mean daily health."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from csbot.store.db import transaction
from csbot.store.demo import load_demo
from csbot.store.models import Activity, Alert, HealthSnapshot, PhysicianGroup
from csbot.store.portfolio import (
    meetings_between,
    open_alerts,
    owned_group_ids,
    portfolio_trend,
)

AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 14, 0, tzinfo=UTC)


@pytest.fixture
def groups(sessions: sessionmaker[Session]) -> list[int]:
    with transaction(sessions) as session:
        load_demo(session, groups=4, days=20, seed=7, as_of=AS_OF)
        ids = list(session.scalars(select(PhysicianGroup.id).order_by(PhysicianGroup.id)))
        session.execute(update(PhysicianGroup).values(csm_owner="U0OTHER01"))
        session.execute(
            update(PhysicianGroup).where(PhysicianGroup.id.in_(ids[:2])).values(csm_owner="U0ME")
        )
        session.execute(delete(Activity).where(Activity.occurred_at >= NOW))
    return ids


def _alert(session: Session, group_id: int, key: str, **fields: object) -> None:
    values: dict[str, object] = {
        "kind": "crossing",
        "state": "sent",
        "day": AS_OF,
        "to_band": "Critical",
        "from_band": "Good",
    }
    values.update(fields)
    session.add(
        Alert(
            group_id=group_id, idempotency_key=key, payload={}, attempts=1, created_at=NOW, **values
        )
    )


def test_owned_groups(sessions: sessionmaker[Session], groups: list[int]) -> None:
    with transaction(sessions) as session:
        assert owned_group_ids(session, owner="U0ME") == groups[:2]
        assert owned_group_ids(session, owner="U0NOBODY") == []


def test_open_alerts_are_unacknowledged_crossings_newest_first(
    sessions: sessionmaker[Session], groups: list[int]
) -> None:
    a, b, c, _ = groups
    with transaction(sessions) as session:
        _alert(session, a, "old", day=AS_OF - timedelta(days=3))
        _alert(session, a, "new")
        _alert(session, b, "pending", state="pending")
        _alert(session, b, "acked", acknowledged_by="U1", acknowledged_at=NOW)
        _alert(session, b, "dead", state="dead")
        _alert(session, b, "recovered", kind="recovered", to_band="Good")
        _alert(session, c, "not mine")
    with transaction(sessions) as session:
        mine, total = open_alerts(session, group_ids=[a, b], limit=2)
        everyone, all_total = open_alerts(session, group_ids=None)
        nothing = open_alerts(session, group_ids=[])
    assert total == 3 and [x.day for x in mine] == [AS_OF, AS_OF]
    assert {x.group_id for x in mine} == {a, b}
    assert all_total == 4 and len(everyone) == 4
    assert everyone[-1].day == AS_OF - timedelta(days=3)
    assert everyone[0].group and everyone[0].to_band == "Critical"
    assert nothing == ([], 0)


def test_meetings_in_the_coming_week_soonest_first(
    sessions: sessionmaker[Session], groups: list[int]
) -> None:
    a, b, c, _ = groups
    with transaction(sessions) as session:
        for gid, hours, kind, title in [
            (a, 50, "meeting", "QBR"),
            (b, 2, "meeting", "Check-in"),
            (a, 200, "meeting", "Later"),
            (a, 5, "call", "A call"),
            (c, 3, "meeting", "Not mine"),
            (a, -1, "meeting", "Past"),
        ]:
            session.add(
                Activity(
                    group_id=gid,
                    kind=kind,
                    title=title,
                    attendees=[],
                    occurred_at=NOW + timedelta(hours=hours),
                    duration_minutes=30,
                    source="test",
                )
            )
    with transaction(sessions) as session:
        rows, total = meetings_between(
            session, group_ids=[a, b], start=NOW, end=NOW + timedelta(days=7), limit=1
        )
    assert total == 2
    [first] = rows
    assert (first.title, first.group_id, first.minutes) == ("Check-in", b, 30)
    assert first.at == NOW + timedelta(hours=2)


def test_portfolio_trend_is_the_mean_of_the_groups_snapshots(
    sessions: sessionmaker[Session], groups: list[int]
) -> None:
    a, b, c, _ = groups
    with transaction(sessions) as session:
        for gid, day, score in [(a, 1, 40.0), (b, 1, 60.0), (a, 2, 50.0), (c, 2, 90.0)]:
            session.add(
                HealthSnapshot(
                    group_id=gid,
                    day=AS_OF - timedelta(days=day),
                    window_days=30,
                    score=score,
                    band="Good",
                    computed_at=NOW,
                )
            )
        session.add(
            HealthSnapshot(
                group_id=a,
                day=AS_OF - timedelta(days=1),
                window_days=7,
                score=1.0,
                band="Critical",
                computed_at=NOW,
            )
        )
    with transaction(sessions) as session:
        points = portfolio_trend(
            session,
            group_ids=[a, b],
            window_days=30,
            as_of=AS_OF,
        )
    assert [(p.day, p.mean_score, p.groups) for p in points] == [
        (AS_OF - timedelta(days=2), 50.0, 1),
        (AS_OF - timedelta(days=1), 50.0, 2),
    ]
