"""Renewal reminders over a replayed quarter, on SQLite and PostgreSQL: each lead time written to
the outbox once per group and renewal date, nothing on re-runs, a renewal date moved by an import
or a sync re-armed, a group first seen late reminded once, a snooze and an outage each holding
back to the nearest lead time. Expected days are worked out by hand from the dates set below."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from csbot.alerts.actions import snooze_alert
from csbot.alerts.delivery import deliver_pending
from csbot.alerts.jobs import catch_up, run_daily, run_days
from csbot.cli import main
from csbot.services import Services
from csbot.store import models as m
from csbot.store.db import transaction
from csbot.store.demo import load_demo
from csbot.store.sync import SyncPlan, sync_kinds
from tests.e2e.fakeslack import FakeSlack
from tests.integration.alert_support import Clock, alert_settings, days, make_services
from tests.integration.fake_platform import TOKEN, FakePlatform, serving

START, END = date(2026, 1, 1), date(2026, 3, 31)  # a quarter: 90 mornings
D = timedelta
# Renewal dates by demo position; the reminders each should get (renewal, lead, day) are in
# the tests. The leads are the default 120, 90, 60 and 30 days.
RENEWS = {
    0: START + D(119),  # 30 Apr: 119 days left on the first morning
    1: START + D(50),  # 20 Feb: first seen past 120, 90 and 60 days
    2: START + D(100),  # 11 Apr, moved to 10 Jun on 1 Feb
    3: START + D(75),  # 17 Mar, snoozed over its 60-day lead
    4: START + D(400),  # beyond every lead time this quarter
    5: START - D(10),  # renewed before the quarter
    6: START + D(200),  # 20 Jul: reaches 120 days on 22 Mar
}
MOVED_TO = START + D(160)  # 10 Jun 2026
SNOOZED_ON = date(2026, 1, 10)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.combine(START, datetime.min.time(), tzinfo=UTC))


@pytest.fixture
def services(
    database_url: str, sessions: sessionmaker[Session], clock: Clock
) -> Iterator[Services]:
    built = make_services(alert_settings(database_url), sessions, clock)
    yield built
    built.close()


@pytest.fixture
def ids(sessions: sessionmaker[Session]) -> list[int]:
    """The demo's seven groups, by position, with the renewal dates above."""
    with transaction(sessions) as session:
        load_demo(session, groups=7, days=150, seed=7, as_of=END)
        gids = list(
            session.scalars(select(m.PhysicianGroup.id).order_by(m.PhysicianGroup.external_id))
        )
        for position, renewal in RENEWS.items():
            session.execute(
                update(m.PhysicianGroup)
                .where(m.PhysicianGroup.id == gids[position])
                .values(renewal_date=renewal)
            )
    return gids


def _reminders(
    sessions: sessionmaker[Session], ids: list[int]
) -> list[tuple[int, date, int, date]]:
    """(position, renewal date, lead, day) of every renewal reminder in the outbox, in order."""
    with sessions() as session:
        rows = session.execute(
            select(m.Alert.group_id, m.Alert.payload, m.Alert.day)
            .where(m.Alert.kind == "renewal")
            .order_by(m.Alert.id)
        ).all()
    return [
        (ids.index(gid), date.fromisoformat(p["renewal_date"]), p["lead_days"], day)
        for gid, p, day in rows
    ]


def _morning(services: Services, clock: Clock, day: date) -> int:
    clock.morning(day)
    return run_daily(services, deliver=False).alerts


def _group_row(sessions: sessionmaker[Session], gid: int, renewal: date) -> dict[str, Any]:
    """The group's row as a source holds it, with a new renewal date."""
    with sessions() as session:
        g = session.get(m.PhysicianGroup, gid)
        assert g is not None
        return {
            "external_id": g.external_id, "name": g.name, "slug": g.slug,
            "aliases": "|".join(g.aliases), "specialty": g.specialty, "region": g.region,
            "plan": g.plan, "seats": g.seats,
            "contract_start": g.contract_start.isoformat(), "renewal_date": renewal.isoformat(),
            "arr": g.arr, "csm_owner": g.csm_owner or "", "csm_team": g.csm_team or "",
            "alert_channel": g.alert_channel or "", "onboarding_phase": g.onboarding_phase or "",
            "go_live_date": g.go_live_date.isoformat() if g.go_live_date else "",
        }  # fmt: skip


def _move_renewal_by_import(
    database_url: str,
    gid: int,
    renewal: date,
    tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    sessions: sessionmaker[Session],
) -> None:
    """`csbot import groups` with the group's row as it is, but a new renewal date."""
    row = _group_row(sessions, gid, renewal)
    path = tmp / "groups.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    assert main(["import", "groups", str(path)]) == 0


def _move_renewal_by_sync(
    database_url: str,
    gid: int,
    renewal: date,
    tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    sessions: sessionmaker[Session],
) -> None:
    """`csbot sync` of groups from a platform on 127.0.0.1 that now has a new renewal date."""
    with serving(FakePlatform()) as platform:
        platform.put("groups", _group_row(sessions, gid, renewal))
        plan = SyncPlan(platform.url, TOKEN, {"groups": "/v1/groups"})
        [counts] = sync_kinds(sessions, plan, clock=lambda: datetime.now(UTC), sleep=[].append)
    assert counts.updated == 1


@pytest.mark.parametrize("move_renewal", [_move_renewal_by_import, _move_renewal_by_sync])
def test_a_quarter_reminds_each_lead_time_once_per_group_and_renewal_date(
    move_renewal: Callable[..., None],
    database_url: str,
    services: Services,
    sessions: sessionmaker[Session],
    clock: Clock,
    ids: list[int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for day in days(START, END):
        if day == date(2026, 2, 1):
            move_renewal(database_url, ids[2], MOVED_TO, tmp_path, monkeypatch, sessions)
        _morning(services, clock, day)
        if day == SNOOZED_ON:  # a lead snoozes group 3 for ten days from its 90-day reminder
            with sessions() as session:
                [alert_id] = session.scalars(
                    select(m.Alert.id).where(m.Alert.group_id == ids[3], m.Alert.kind == "renewal")
                ).all()
            snooze_alert(services, alert_id, days=10, user_id="U0LEAD0001")
    reminders = _reminders(sessions, ids)
    apr30, feb20, apr11, mar17, jul20 = (RENEWS[p] for p in (0, 1, 2, 3, 6))
    expected = {
        0: [(apr30, 120, date(2026, 1, 1)), (apr30, 90, date(2026, 1, 30)),
            (apr30, 60, date(2026, 3, 1)), (apr30, 30, date(2026, 3, 31))],
        1: [(feb20, 60, date(2026, 1, 1)), (feb20, 30, date(2026, 1, 21))],  # only the nearest
        2: [(apr11, 120, date(2026, 1, 1)), (apr11, 90, date(2026, 1, 11)),
            (MOVED_TO, 120, date(2026, 2, 10)), (MOVED_TO, 90, date(2026, 3, 12))],  # re-armed
        3: [(mar17, 90, date(2026, 1, 1)), (mar17, 60, date(2026, 1, 20)),  # after the snooze
            (mar17, 30, date(2026, 2, 15))],
        4: [], 5: [],
        6: [(jul20, 120, date(2026, 3, 22))],
    }  # fmt: skip
    for position, wanted in expected.items():
        got = [(renewal, lead, day) for p, renewal, lead, day in reminders if p == position]
        assert got == wanted, position

    # re-running the quarter, one morning or the last one again writes nothing
    _, new = run_days(services, start=START, end=END)
    assert new == 0
    assert run_days(services, start=date(2026, 1, 30), end=date(2026, 1, 30))[1] == 0
    assert _morning(services, clock, END) == 0
    assert _reminders(sessions, ids) == reminders


def _reminder(sessions: sessionmaker[Session], gid: int) -> m.Alert:
    with sessions() as session:
        return session.scalars(
            select(m.Alert).where(m.Alert.group_id == gid, m.Alert.kind == "renewal")
        ).one()


def test_a_reminder_holds_the_numbers_of_its_day(
    database_url: str,
    sessions: sessionmaker[Session],
    clock: Clock,
    ids: list[int],
    fake_slack: FakeSlack,
) -> None:
    services = make_services(alert_settings(database_url, fake_slack.api_url), sessions, clock)
    try:
        _morning(services, clock, END)  # group 0: 30 days left, its 30-day reminder
        written = _reminder(sessions, ids[0])  # as detected: cheap, its score added when posted
        clock.morning(END + timedelta(days=2))  # posted two days late, with the numbers of its day
        assert deliver_pending(services).failed == 0
    finally:
        services.close()
    with sessions() as session:
        snapshot = session.get(m.HealthSnapshot, (ids[0], END, 30))
        group = session.get(m.PhysicianGroup, ids[0])
    assert snapshot is not None and group is not None
    assert (written.state, written.to_band, written.payload["scored"]) == (
        "pending",
        snapshot.band,
        False,
    )
    alert = _reminder(sessions, ids[0])
    p = alert.payload
    assert (p["renewal_date"], p["lead_days"], p["day"]) == ("2026-04-30", 30, "2026-03-31")
    assert (p["group"], p["arr"], p["csm"]) == (group.name, group.arr, group.csm_owner)
    assert (p["band"], float(p["score"])) == (snapshot.band, round(snapshot.score, 1))
    assert p["churn_score"] == pytest.approx(snapshot.churn_risk)
    assert p["arr_at_risk"] == pytest.approx(snapshot.arr_at_risk)
    shown = [(r.split(": ")[0], r.rsplit(" ", 1)[1]) for r in p["reasons"]]
    assert shown == [(f["title"], f"(+{f['points']:.0f})") for f in snapshot.factors[:3]]
    assert alert.state == "sent" and alert.idempotency_key == f"{ids[0]}:renewal:2026-04-30:30d"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def test_an_outage_sends_the_nearest_lead_time_once_not_the_backlog(
    services: Services, sessions: sessionmaker[Session], clock: Clock, ids: list[int]
) -> None:
    for day in days(START, date(2026, 1, 24)):
        _morning(services, clock, day)
    before = _reminders(sessions, ids)
    clock.now = datetime(
        2026, 2, 5, 7, 30, tzinfo=UTC
    )  # down 25 Jan to 4 Feb; group 0's 90 was due 30 Jan
    run = catch_up(services, deliver=False)
    assert run is not None and run.days[0] == date(2026, 1, 25)
    assert _reminders(sessions, ids)[len(before) :] == [(0, RENEWS[0], 90, date(2026, 2, 5))]


@pytest.mark.parametrize(("leads", "expected"), [("100,50", {1: 50, 2: 100, 3: 100}), ("", {})])
def test_the_lead_times_are_configurable(
    database_url: str,
    sessions: sessionmaker[Session],
    clock: Clock,
    ids: list[int],
    leads: str,
    expected: dict[int, int],
) -> None:
    custom = make_services(alert_settings(database_url, CSBOT_RENEWAL_LEADS=leads), sessions, clock)
    try:
        _morning(custom, clock, START)
    finally:
        custom.close()
    assert {p: lead for p, _, lead, _ in _reminders(sessions, ids)} == expected


def test_the_demo_shows_every_lead_time_on_its_first_morning(
    services: Services, sessions: sessionmaker[Session], clock: Clock
) -> None:
    with transaction(sessions) as session:
        load_demo(session, groups=7, days=60, seed=7, as_of=END)
    _morning(services, clock, END)
    with sessions() as session:
        payloads = session.scalars(select(m.Alert.payload).where(m.Alert.kind == "renewal")).all()
    assert {p["lead_days"] for p in payloads} == {120, 90, 60, 30}
