"""The daily job's detection over demo groups with a month of snapshots (a first run: many
groups cross at once), on SQLite and PostgreSQL, against what asking group by group gives: each
crossing's band before from the group's own snapshots read one by one, its payload from
`explain` for that group alone, each state from the stored snapshot and the alert's row, each
renewal reminder from the group's own renewal date and band."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from recompute_seed import group
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from csbot.alerts.crossing import Kind
from csbot.alerts.jobs import run_days
from csbot.alerts.messages import facts_for
from csbot.alerts.renewals import NO_DATA, due_lead, renewal_key
from csbot.scoring import default_config
from csbot.scoring.types import Band
from csbot.services import Services
from csbot.store import models as m
from csbot.store.alert_state import bands_slid_from
from csbot.store.db import transaction
from csbot.store.demo import load_demo
from csbot.store.demo.history import History
from csbot.store.recompute import explain
from tests.integration.alert_support import Clock, alert_settings, make_services

AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)
GROUPS = 160


@pytest.fixture
def services(database_url: str, sessions: sessionmaker[Session]) -> Iterator[Services]:
    with transaction(sessions) as session:
        history = History.before(AS_OF, 30, config=default_config(), computed_at=NOW)
        load_demo(session, groups=GROUPS, days=90, seed=11, as_of=AS_OF, history=history)
        # the newest group, without data yet, renewing within the reminders' leads
        session.add(group("Newest Clinic", renewal_date=AS_OF + timedelta(days=30)))
    built = make_services(alert_settings(database_url), sessions, Clock(NOW))
    yield built
    built.close()


def _slid_from_one_by_one(session: Session, gid: int, now: Band) -> Band | None:
    """The latest better band among the group's own snapshots of the 30 days before."""
    s = m.HealthSnapshot
    rows = session.scalars(
        select(s)
        .where(s.group_id == gid, s.window_days == 30, s.day < AS_OF)
        .where(s.day >= AS_OF - timedelta(days=30))
        .order_by(s.day.desc())
    )
    return next((Band(r.band) for r in rows if now.is_worse_than(Band(r.band))), None)


def test_bands_slid_from_is_each_groups_own_latest_better_band(
    services: Services, sessions: sessionmaker[Session]
) -> None:
    pick = random.Random(5)
    with sessions() as session:
        gids = list(session.scalars(select(m.PhysicianGroup.id)))
        now_in = {gid: pick.choice(list(Band)) for gid in gids}
        found = bands_slid_from(session, now_in=now_in, before=AS_OF, window_days=30)
        expected = {gid: _slid_from_one_by_one(session, gid, band) for gid, band in now_in.items()}
    assert found == {gid: band for gid, band in expected.items() if band is not None}
    assert len(found) > GROUPS // 3  # enough of each kind to tell
    assert len(set(found.values())) == 3


def _close(got: object, want: object) -> bool:
    """Equal, floats to 1e-9: the database may sum a group's rows in another order when asked
    for it alone."""
    if isinstance(want, float) and isinstance(got, float):
        return got == pytest.approx(want, rel=1e-9, abs=1e-9)
    if isinstance(want, dict) and isinstance(got, dict):
        return got.keys() == want.keys() and all(_close(got[k], want[k]) for k in want)
    if isinstance(want, list) and isinstance(got, list):
        return len(got) == len(want) and all(_close(g, w) for g, w in zip(got, want, strict=True))
    return got == want


def _renewal_within(group: m.PhysicianGroup, days: int) -> date | None:
    renewal = group.renewal_date
    return renewal if renewal is not None and 0 <= (renewal - AS_OF).days <= days else None


def test_the_first_run_alerts_as_asking_group_by_group_would(
    services: Services, sessions: sessionmaker[Session]
) -> None:
    _, new = run_days(services, start=AS_OF, end=AS_OF)
    config = services.scoring
    with sessions() as session:
        alerts = session.scalars(select(m.Alert).order_by(m.Alert.id)).all()
        states = {s.group_id: s for s in session.scalars(select(m.AlertState))}
        snapshots = {
            s.group_id: s
            for s in session.scalars(select(m.HealthSnapshot).where(m.HealthSnapshot.day == AS_OF))
        }
        groups = {g.id: g for g in session.scalars(select(m.PhysicianGroup))}
        crossings = [a for a in alerts if a.kind == Kind.CROSSING]
        assert new == len(alerts) and len(crossings) > GROUPS // 10
        for alert in crossings:
            gid = alert.group_id
            assert gid is not None
            [score] = explain(session, day=AS_OF, window_days=30, group_ids=[gid],
                              config=config).values()  # fmt: skip
            to_band = Band(alert.to_band)
            was = _slid_from_one_by_one(session, gid, to_band)
            facts = facts_for(
                score, kind=Kind.CROSSING, from_band=was, to_band=to_band,
                csm=groups[gid].csm_owner,
                renewal=_renewal_within(groups[gid], config.factors.renewal_soon_days),
            )  # fmt: skip
            assert _close(alert.payload, facts.model_dump(mode="json"))
            assert alert.from_band == (was.value if was else None)
            assert to_band.value == snapshots[gid].band
            state = states.pop(gid)
            assert (state.band, state.score, state.since, state.last_alert_id) == (
                alert.to_band, pytest.approx(snapshots[gid].score, abs=1e-9), AS_OF, alert.id
            )  # fmt: skip
    assert states == {}  # no state without its alert on a first run
    leads = services.settings.renewal_lead_days
    due = {
        renewal_key(gid, g.renewal_date, lead): snapshots[gid].band if gid in snapshots else NO_DATA
        for gid, g in groups.items()
        if g.renewal_date is not None
        and (lead := due_lead(g.renewal_date, AS_OF, leads)) is not None
    }
    renewals = {a.idempotency_key: a.to_band for a in alerts if a.kind == Kind.RENEWAL}
    assert renewals == due and len(due) > GROUPS // 10


def test_reminders_of_a_day_without_any_data_say_so(
    database_url: str, sessions: sessionmaker[Session]
) -> None:
    with transaction(sessions) as session:
        made = [group(f"Clinic {n}", renewal_date=AS_OF + timedelta(days=20 * n)) for n in range(4)]
        session.add_all(made)
    built = make_services(alert_settings(database_url), sessions, Clock(NOW))
    try:
        [result], new = run_days(built, start=AS_OF, end=AS_OF)
    finally:
        built.close()
    with sessions() as session:
        rows = session.execute(select(m.Alert.kind, m.Alert.to_band, m.Alert.idempotency_key))
        alerts = sorted(tuple(row) for row in rows)
    assert len(result.scored) == 0 and new == 4
    assert [(kind, band) for kind, band, _ in alerts] == [(Kind.RENEWAL, NO_DATA)] * 4
    assert sorted(key.rsplit(":", 1)[1] for _, _, key in alerts) == ["30d", "30d", "60d", "60d"]


def test_without_reminders_only_the_crossings_are_counted(
    services: Services, database_url: str, sessions: sessionmaker[Session]
) -> None:
    quiet = make_services(alert_settings(database_url, CSBOT_RENEWAL_LEADS=""), sessions,
                          Clock(NOW))  # fmt: skip
    try:
        _, new = run_days(quiet, start=AS_OF, end=AS_OF)
    finally:
        quiet.close()
    with sessions() as session:
        kinds = session.scalars(select(m.Alert.kind)).all()
    assert new == len(kinds) > 0 and set(kinds) == {Kind.CROSSING}
