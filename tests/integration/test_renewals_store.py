"""The renewals card's loading on SQLite and PostgreSQL: exactly the groups renewing in the
window, with the success-plan flag, checked against rows read one by one in the test."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from csbot.commands.pipeline import load_renewals
from csbot.config import load_settings
from csbot.scoring.config import default_config
from csbot.services import LocalSources
from csbot.store.db import transaction
from csbot.store.demo import load_demo
from csbot.store.models import PhysicianGroup, SuccessPlan
from csbot.store.renewals import active_plan_group_ids, renewing_group_ids

AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 14, 0, tzinfo=UTC)


def _demo(sessions: sessionmaker[Session]) -> list[int]:
    with transaction(sessions) as session:
        load_demo(session, groups=12, days=40, seed=7, as_of=AS_OF)
        ids = list(session.scalars(select(PhysicianGroup.id).order_by(PhysicianGroup.id)))
        # renewal dates on the window's edges: today, the last day, the day after, yesterday
        for gid, days in zip(ids[:4], (0, 60, 61, -1), strict=True):
            session.execute(
                update(PhysicianGroup)
                .where(PhysicianGroup.id == gid)
                .values(renewal_date=AS_OF + timedelta(days=days))
            )
    return ids


def _expected_renewing(session: Session, start: date, end: date) -> list[int]:
    return sorted(
        g.id for g in session.scalars(select(PhysicianGroup)) if start <= g.renewal_date <= end
    )


def _expected_plans(session: Session, as_of: date) -> set[int]:
    plans = session.scalars(select(SuccessPlan)).all()
    return {
        p.group_id
        for p in plans
        if p.status == "active" and p.start <= as_of and (p.end is None or p.end >= as_of)
    }


def test_renewing_groups_and_active_plans_match_the_rows(sessions: sessionmaker[Session]) -> None:
    ids = _demo(sessions)
    end = AS_OF + timedelta(days=60)
    with transaction(sessions) as session:
        session.execute(  # one plan ended yesterday, one is paused: neither is active
            update(SuccessPlan)
            .where(SuccessPlan.group_id == ids[0])
            .values(end=AS_OF - timedelta(days=1))
        )
        session.execute(
            update(SuccessPlan).where(SuccessPlan.group_id == ids[1]).values(status="paused")
        )
    with transaction(sessions) as session:
        renewing = renewing_group_ids(session, start=AS_OF, end=end)
        assert renewing == _expected_renewing(session, AS_OF, end)
        assert (
            ids[0] in renewing
            and ids[1] in renewing
            and ids[2] not in renewing
            and ids[3] not in renewing
        )
        plans = active_plan_group_ids(session, as_of=AS_OF)
        assert plans == _expected_plans(session, AS_OF) and plans
        assert ids[0] not in plans and ids[1] not in plans
        assert active_plan_group_ids(session, as_of=AS_OF, group_ids=ids[:3]) == plans & set(
            ids[:3]
        )


def test_load_renewals_rows_are_the_renewing_groups_scored(
    database_url: str, sessions: sessionmaker[Session]
) -> None:
    _demo(sessions)
    settings = load_settings(_env_file=None, CSBOT_DATABASE_URL=database_url)
    sources = LocalSources(settings, sessions, default_config(), clock=lambda: NOW)
    rows = load_renewals(sources, days=60, as_of=AS_OF)
    with transaction(sessions) as session:
        expected = _expected_renewing(session, AS_OF, AS_OF + timedelta(days=60))
        plans = _expected_plans(session, AS_OF)
        renewal = dict(
            session.execute(select(PhysicianGroup.id, PhysicianGroup.renewal_date)).all()
        )
    assert sorted(r.group_id for r in rows) == expected
    for row in rows:
        assert row.renewal_date == renewal[row.group_id]
        assert row.plan_active is (row.group_id in plans)
        assert (row.score.as_of, row.score.window_days) == (AS_OF, 30)
    keys = [(not r.at_risk, r.renewal_date) for r in rows]
    assert keys == sorted(keys)  # at-risk groups first, then the soonest
