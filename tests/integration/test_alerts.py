"""Alerts over the store, on SQLite and PostgreSQL: detected with the snapshots, written once,
caught up once after downtime, and one per crossing however many schedulers run."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from csbot.alerts.actions import snooze_alert
from csbot.alerts.delivery import deliver_pending
from csbot.alerts.jobs import DailyRun, catch_up, daily_job, due_day, run_daily, run_days
from csbot.cli import main
from csbot.scoring.config import load_scoring_config
from csbot.scoring.types import Band
from csbot.services import Services
from csbot.store import models as m
from csbot.store.alert_state import StateRow, alert_states, snooze
from csbot.store.demo import Archetype
from csbot.store.locks import job_lock, last_run, record_run
from csbot.store.outbox import NewAlert, write_alerts
from tests.e2e.fakeslack import FakeSlack
from tests.integration.alert_support import (
    AS_OF,
    START,
    Clock,
    alert_settings,
    days,
    load_demo_groups,
    make_services,
    own_services,
)

NA, CR, GOOD = Band.NEEDS_ATTENTION.value, Band.CRITICAL.value, Band.GOOD.value
T = TypeVar("T")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def services(
    database_url: str, sessions: sessionmaker[Session], clock: Clock
) -> Iterator[Services]:
    built = make_services(alert_settings(database_url), sessions, clock)
    yield built
    built.close()


@pytest.fixture
def groups(sessions: sessionmaker[Session]) -> dict[Archetype, list[int]]:
    return load_demo_groups(sessions)


def _outbox(
    sessions: sessionmaker[Session], *, every_kind: bool = False
) -> list[tuple[int, str, str | None, str, date]]:
    """The band alerts in the outbox (`every_kind`: the renewal reminders too), oldest first."""
    a = m.Alert
    stmt = select(a.group_id, a.kind, a.from_band, a.to_band, a.day).order_by(a.id)
    if not every_kind:
        stmt = stmt.where(
            a.kind != "renewal"
        )  # the demo's renewals: tests/integration/test_renewal_alerts.py
    with sessions() as session:
        return [tuple(r) for r in session.execute(stmt)]  # type: ignore[misc]


def _states(sessions: sessionmaker[Session]) -> dict[int, StateRow]:
    with sessions() as session:
        return alert_states(session)


def _of(rows: list[tuple[int, str, str | None, str, date]], gid: int) -> list[tuple[str, str]]:
    return [(kind, to) for g, kind, _, to, _ in rows if g == gid]


def _replay(services: Services, clock: Clock, start: date, end: date) -> list[DailyRun]:
    runs = []
    for day in days(start, end):
        clock.morning(day)
        runs.append(run_daily(services, deliver=False))
    return runs


def test_the_outbox_writes_each_crossing_once(
    sessions: sessionmaker[Session], groups: dict[Archetype, list[int]]
) -> None:
    gid = groups[Archetype.DECLINING][0]
    alert = NewAlert(gid, "crossing", GOOD, NA, AS_OF, {"group": "Acme"})
    now = datetime(2026, 3, 31, 6, tzinfo=UTC)
    with sessions.begin() as session:
        first, added = write_alerts(session, [alert, alert], created_at=now)
    with sessions.begin() as session:
        again, added_again = write_alerts(session, [alert], created_at=now)
    assert (added, added_again) == (1, 0)
    assert first == again == {f"{gid}:crossing:{NA}:2026-03-31": first[alert.key]}
    assert len(_outbox(sessions)) == 1


def test_a_month_replayed_alerts_once_per_crossing_and_reruns_post_nothing(
    services: Services,
    sessions: sessionmaker[Session],
    clock: Clock,
    groups: dict[Archetype, list[int]],
) -> None:
    runs = _replay(services, clock, START, AS_OF)
    rows = _outbox(sessions)
    acme, collapsing = groups[Archetype.DECLINING][0], groups[Archetype.COLLAPSING][0]
    assert _of(rows, acme) == [("crossing", NA)]
    assert _of(rows, collapsing) == [("crossing", NA), ("crossing", CR)]
    for quiet in (Archetype.THRIVING, Archetype.STEADY, Archetype.SUPPORT_HEAVY):
        assert _of(rows, groups[quiet][0]) == []
    assert sum(r.alerts for r in runs) == len(_outbox(sessions, every_kind=True))
    acme_day = next(d for g, _, _, _, d in rows if g == acme)
    assert START < acme_day < AS_OF  # the slide crossed 58 (60 minus the margin) mid-month
    states = _states(sessions)
    assert states[acme].band is Band.NEEDS_ATTENTION and states[acme].since == acme_day
    assert states[collapsing].band is Band.CRITICAL

    # re-running any day, the whole month, or today again writes nothing new
    _, new = run_days(services, start=START, end=AS_OF)
    assert new == 0
    _, new = run_days(services, start=acme_day, end=acme_day)
    assert new == 0
    again = run_daily(services, deliver=False)
    assert again == DailyRun(AS_OF, ran=True, days=(), alerts=0, delivered=None)
    assert again.text == "2026-03-31: already recomputed; 0 new alert(s)"
    assert _outbox(sessions) == rows


def test_a_risk_alert_flags_the_renewal_only_within_90_days(
    services: Services,
    sessions: sessionmaker[Session],
    clock: Clock,
    groups: dict[Archetype, list[int]],
) -> None:
    acme, collapsing = groups[Archetype.DECLINING][0], groups[Archetype.COLLAPSING][0]
    g = m.PhysicianGroup
    with sessions.begin() as session:  # Acme keeps the demo's renewal, 52 days after AS_OF
        session.execute(
            update(g).where(g.id == collapsing).values(renewal_date=AS_OF + timedelta(days=200))
        )
    _replay(services, clock, START, AS_OF)
    with sessions() as session:
        renews = {gid: day for gid, day in session.execute(select(g.id, g.renewal_date))}
        alerts = session.scalars(select(m.Alert).where(m.Alert.kind == "crossing")).all()
    flagged = {}
    for alert in alerts:
        soon = 0 <= (renews[alert.group_id] - alert.day).days <= 90
        assert alert.payload["renewal_date"] == (
            renews[alert.group_id].isoformat() if soon else None
        )
        flagged[alert.group_id] = soon
    assert flagged[acme] is True and flagged[collapsing] is False


def test_a_three_day_outage_is_caught_up_with_one_alert_for_the_latest_state(
    services: Services,
    sessions: sessionmaker[Session],
    clock: Clock,
    groups: dict[Archetype, list[int]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    acme = groups[Archetype.DECLINING][0]
    _replay(services, clock, START, date(2026, 3, 18))
    before = _outbox(sessions)
    assert _of(before, acme) == []  # still Good (or within the margin) on the 18th

    clock.now = datetime(2026, 3, 22, 7, 30, tzinfo=UTC)  # down 19th-21st, back after 06:00
    caplog.set_level(logging.INFO, logger="csbot.alerts.jobs")
    run = catch_up(services, deliver=False)
    assert run is not None
    assert run.days == (date(2026, 3, 19), date(2026, 3, 20), date(2026, 3, 21), date(2026, 3, 22))
    assert run.delivered is None  # deliver=False reaches the run: nothing was posted
    [caught] = [r for r in caplog.records if r.getMessage() == "catching up the daily run"]
    assert (caught.levelno, caught.last, caught.day) == (logging.INFO, "2026-03-18", "2026-03-22")
    new = _outbox(sessions)[len(before) :]
    assert [(kind, to, day) for g, kind, _, to, day in new if g == acme] == [
        ("crossing", NA, date(2026, 3, 22))
    ]
    assert len({g for g, *_ in new}) == len(new)  # one alert per group, for where it is now
    assert {day for *_, day in new} == {date(2026, 3, 22)}
    assert catch_up(services) is None  # caught up: nothing to do until the next morning


def test_a_long_outage_alerts_where_the_group_is_now_not_each_band_it_passed(
    services: Services,
    sessions: sessionmaker[Session],
    clock: Clock,
    groups: dict[Archetype, list[int]],
) -> None:
    collapsing = groups[Archetype.COLLAPSING][0]
    _replay(services, clock, START, date(2026, 3, 3))
    clock.now = datetime(2026, 3, 20, 5, 0, tzinfo=UTC)  # before 06:00: the 19th was due
    run = catch_up(services, deliver=False)
    assert run is not None and run.days[0] == date(2026, 3, 4) and run.day == date(2026, 3, 19)
    rows = _outbox(sessions)
    # One alert, for where it is now, from the band its snapshots held before (the catch-up
    # stored every day of the outage): not one alert per band it passed.
    assert [(kind, frm, to) for g, kind, frm, to, _ in rows if g == collapsing] == [
        ("crossing", NA, CR)
    ]


def test_a_day_is_due_from_csbot_daily_at_on(services: Services, clock: Clock) -> None:
    clock.morning(AS_OF)  # 06:00 UTC, CSBOT_DAILY_AT's default
    assert due_day(services) == AS_OF
    clock.now -= timedelta(microseconds=1)
    assert due_day(services) == AS_OF - timedelta(days=1)


def test_the_scheduled_job_recomputes_today_and_posts_its_alerts(
    database_url: str,
    sessions: sessionmaker[Session],
    clock: Clock,
    groups: dict[Archetype, list[int]],
    fake_slack: FakeSlack,
) -> None:
    clock.morning(AS_OF)
    services = make_services(alert_settings(database_url, fake_slack.api_url), sessions, clock)
    try:
        daily_job(services)
    finally:
        services.close()
    with sessions() as session:
        assert last_run(session, job_id="daily") == AS_OF
        states = list(session.scalars(select(m.Alert.state)))
    assert states and set(states) == {"sent"}
    assert len(fake_slack.calls_to("chat.postMessage")) == len(states)


def test_an_outage_longer_than_a_month_recomputes_only_its_last_31_days(
    services: Services,
    sessions: sessionmaker[Session],
    clock: Clock,
    groups: dict[Archetype, list[int]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    last = date(2026, 1, 20)  # the last daily run, 70 days before
    with sessions.begin() as session:
        at = datetime.combine(last, time(6), tzinfo=UTC)
        record_run(session, job_id="daily", day=last, started_at=at, finished_at=at)
    clock.morning(AS_OF)
    with caplog.at_level(logging.INFO, logger="csbot.alerts.jobs"):
        run = run_daily(services, deliver=False)
    month = tuple(days(date(2026, 3, 1), AS_OF))
    assert run.days == month
    said = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "csbot.alerts.jobs"]
    summary = f"daily run: 2026-03-31: 31 day(s) recomputed; {run.alerts} new alert(s)"
    assert (logging.INFO, summary) in said
    with sessions() as session:
        recorded = session.execute(select(m.JobRun.day, m.JobRun.detail).order_by(m.JobRun.day))
        assert list(recorded) == [(last, None), (AS_OF, f"{run.alerts} new alert(s)")]
    with sessions() as session:
        stored = set(session.scalars(select(m.HealthSnapshot.day).distinct()))
    assert stored == set(month)


def test_a_first_run_with_no_earlier_snapshot_alerts_now_critical_not_from_an_invented_band(
    services: Services,
    sessions: sessionmaker[Session],
    groups: dict[Archetype, list[int]],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    collapsing = groups[Archetype.COLLAPSING][0]
    _, new = run_days(services, start=AS_OF, end=AS_OF)
    rows = _outbox(sessions)
    assert new >= 1
    assert [(kind, frm, to) for g, kind, frm, to, _ in rows if g == collapsing] == [
        ("crossing", None, CR)
    ]
    with sessions() as session:
        name = session.get_one(m.PhysicianGroup, collapsing).name
        crossing = select(m.Alert.id).where(
            m.Alert.group_id == collapsing, m.Alert.kind == "crossing"
        )
        (alert_id,) = session.scalars(crossing)
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    assert main(["alerts"]) == 0  # `csbot alerts` says it as the Home tab and digests do
    listed = [ln for ln in capsys.readouterr().out.splitlines() if " crossing " in ln]
    assert [ln for ln in listed if f" {name}: " in ln] == [
        f"#{alert_id} {AS_OF} pending crossing  {name}: now Critical (attempts 0)"
    ]


def test_a_snoozed_group_is_not_alerted_until_the_snooze_ends(
    services: Services,
    sessions: sessionmaker[Session],
    clock: Clock,
    groups: dict[Archetype, list[int]],
) -> None:
    collapsing = groups[Archetype.COLLAPSING][0]
    _replay(services, clock, START, date(2026, 3, 8))
    with sessions() as session:
        (alert_id,) = session.scalars(
            select(m.Alert.id).where(m.Alert.group_id == collapsing, m.Alert.kind == "crossing")
        )
    snooze_alert(services, alert_id, days=30, user_id="U0000000001")  # no Slack ts: no redraw
    _replay(services, clock, date(2026, 3, 9), AS_OF)
    assert _of(_outbox(sessions), collapsing) == [("crossing", NA)]
    state = _states(sessions)[collapsing]
    assert state.snoozed_until == date(2026, 4, 7) and state.snoozed_by == "U0000000001"
    assert state.band is Band.NEEDS_ATTENTION  # Critical is told when the snooze ends


def test_a_group_snoozed_before_its_first_band_alert_is_not_told_it_came_from_good(
    services: Services,
    sessions: sessionmaker[Session],
    clock: Clock,
    groups: dict[Archetype, list[int]],
) -> None:
    """A snooze from a renewal reminder gives a never-alerted group a Good state to judge it
    from; its first band alert, after the snooze, still names only a band its snapshots show."""
    collapsing = groups[Archetype.COLLAPSING][0]
    with sessions.begin() as session:
        snooze(session, group_id=collapsing, until=date(2026, 3, 28), by="U0000000001",
               updated_at=datetime(2026, 3, 2, 5, tzinfo=UTC))  # fmt: skip
    _replay(services, clock, START, AS_OF)
    rows = [(kind, frm, to, day) for g, kind, frm, to, day in _outbox(sessions) if g == collapsing]
    with sessions() as session:
        before = session.scalar(
            select(m.HealthSnapshot.band).where(
                m.HealthSnapshot.group_id == collapsing,
                m.HealthSnapshot.day == date(2026, 3, 27),
                m.HealthSnapshot.window_days == 30,
            )
        )
    assert before == CR  # Critical all through the snooze's last days ...
    assert rows == [("crossing", NA, CR, date(2026, 3, 28))]  # ... having slid from NA


def test_an_older_day_recomputed_by_hand_only_refreshes_snapshots(
    services: Services,
    sessions: sessionmaker[Session],
    clock: Clock,
    groups: dict[Archetype, list[int]],
) -> None:
    clock.morning(AS_OF)
    run_daily(services, deliver=False)
    rows = _outbox(sessions)
    _, new = run_days(services, start=START, end=START + timedelta(days=3))
    assert new == 0
    assert _outbox(sessions) == rows


def test_today_recomputed_after_a_change_alerts_the_groups_it_made_cross(
    services: Services,
    sessions: sessionmaker[Session],
    clock: Clock,
    groups: dict[Archetype, list[int]],
    tmp_path: Path,
) -> None:
    """The morning's run has alerted; the team then raises the Needs Attention edge and runs
    today again (`csbot recompute`): the groups now under it are alerted today, not tomorrow."""
    clock.morning(AS_OF)
    run_daily(services, deliver=False)
    before = _outbox(sessions)
    raised = tmp_path / "scoring.yml"
    raised.write_text("bands: {excellent: 98, good: 97, needs_attention: 96}\n", encoding="utf-8")
    edited = replace(services, scoring=load_scoring_config(raised))
    clock.morning(AS_OF, time(9))
    _, new = run_days(edited, start=AS_OF, end=AS_OF)
    added = _outbox(sessions)[len(before) :]
    steady = groups[Archetype.STEADY][0]
    assert _of(added, steady) == [("crossing", CR)]  # every score under 96 is Critical now
    assert new == len(added) and {day for *_, day in added} == {AS_OF}


# PostgreSQL: replicas ------------------------------------------------------------------------


def _together(count: int, work: Callable[[int], T]) -> list[T]:
    """Run `work(i)` in `count` threads released at the same instant; their results in order."""
    barrier = threading.Barrier(count)
    results: list[T | BaseException] = [RuntimeError("did not finish")] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database")
    return database_url


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def test_two_schedulers_at_once_post_one_alert_per_crossing(
    postgres_url: str,
    sessions: sessionmaker[Session],
    groups: dict[Archetype, list[int]],
    fake_slack: FakeSlack,
) -> None:
    settings = alert_settings(postgres_url, fake_slack.api_url)
    clock = Clock(datetime.combine(AS_OF, time(6), tzinfo=UTC))

    def replica(_: int) -> DailyRun:
        with own_services(settings, clock) as services:
            return run_daily(services)

    runs = _together(2, replica)
    rows = _outbox(sessions, every_kind=True)
    assert rows, "the demo's declining and collapsing groups cross on the first run"
    assert sum(r.alerts for r in runs) == len(rows)
    assert sum(r.delivered.sent for r in runs if r.delivered) == len(rows)
    posts = fake_slack.calls_to("chat.postMessage")
    assert len(posts) == len(rows)
    with sessions() as session:
        assert set(session.scalars(select(m.Alert.state))) == {"sent"}


def test_a_replica_skips_the_job_while_another_holds_its_lock(
    postgres_url: str,
    services: Services,
    sessions: sessionmaker[Session],
    groups: dict[Archetype, list[int]],
) -> None:
    settings = alert_settings(postgres_url)
    clock = Clock(datetime.combine(AS_OF, time(6), tzinfo=UTC))
    with job_lock(services.sessions, "daily") as mine:
        assert mine
        with own_services(settings, clock) as other:
            run = run_daily(other, deliver=False)
    assert run == DailyRun(AS_OF, ran=False)
    assert run.text == "2026-03-31: another csbot is running the daily job; skipped"
    assert _outbox(sessions, every_kind=True) == []


def test_overlapping_writers_and_deliverers_still_post_each_alert_once(
    postgres_url: str,
    services: Services,
    sessions: sessionmaker[Session],
    groups: dict[Archetype, list[int]],
    fake_slack: FakeSlack,
) -> None:
    """Without the job lock: the outbox key and SKIP LOCKED alone keep it to one post."""
    settings = alert_settings(postgres_url, fake_slack.api_url)
    steady = groups[Archetype.STEADY][0]
    facts = {"group_id": steady, "group": "Steady", "kind": "crossing", "from_band": GOOD,
             "to_band": NA, "day": AS_OF.isoformat(), "window_days": 30, "score": "57.0",
             "change": None}  # fmt: skip
    alerts = [NewAlert(steady, "crossing", GOOD, NA, AS_OF, facts)]
    now = datetime(2026, 3, 31, 6, tzinfo=UTC)

    def write(_: int) -> int:
        with own_services(settings, Clock(now)) as replica, replica.sessions.begin() as session:
            return write_alerts(session, alerts, created_at=now)[1]

    assert sorted(_together(2, write)) == [0, 1]
    clock = Clock(datetime.combine(AS_OF, time(6), tzinfo=UTC))
    clock_services = make_services(settings, sessions, clock)
    try:
        run_daily(clock_services, deliver=False)
    finally:
        clock_services.close()
    pending = len(_outbox(sessions, every_kind=True))

    def deliver(_: int) -> int:
        with own_services(settings, clock) as replica:
            return deliver_pending(replica).sent

    assert sum(_together(3, deliver)) == pending
    assert len(fake_slack.calls_to("chat.postMessage")) == pending


def test_a_recompute_by_hand_waits_for_the_running_daily_job(
    postgres_url: str,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CSBOT_DATABASE_URL", postgres_url)
    with job_lock(services.sessions, "daily"):
        assert main(["recompute", "--date", "2026-03-31", "--no-deliver"]) == 1
    assert "the daily job is running right now" in capsys.readouterr().err
    assert main(["recompute", "--date", "2026-03-31", "--no-deliver"]) == 0


def test_a_group_alerted_before_slides_from_the_band_it_was_alerted_in(
    services: Services,
    sessions: sessionmaker[Session],
    clock: Clock,
    groups: dict[Archetype, list[int]],
) -> None:
    """Only an alert whose band before is unknown is placed by the snapshots: a group told it
    is in Needs Attention, back inside Good since by less than the margin a recovery needs
    (so nothing was told), then Critical, slid from Needs Attention as far as its CSM knows."""
    collapsing = groups[Archetype.COLLAPSING][0]
    _replay(services, clock, START, date(2026, 3, 16))
    s = m.HealthSnapshot
    with sessions.begin() as session:
        session.execute(
            update(s)
            .where(s.group_id == collapsing, s.day.between(date(2026, 3, 5), date(2026, 3, 16)))
            .values(score=61.0, band=GOOD)
        )
    _replay(services, clock, date(2026, 3, 17), date(2026, 3, 17))
    told = [(kind, frm, to, day) for g, kind, frm, to, day in _outbox(sessions) if g == collapsing]
    assert told == [
        ("crossing", GOOD, NA, date(2026, 3, 4)),
        ("crossing", NA, CR, date(2026, 3, 17)),
    ]


def test_a_band_better_but_not_good_again_is_remembered_without_an_alert(
    services: Services,
    sessions: sessionmaker[Session],
    clock: Clock,
    groups: dict[Archetype, list[int]],
    tmp_path: Path,
) -> None:
    """Critical, then the team lowers the Needs Attention edge to 30: the group is Needs
    Attention again, not Good, so no alert; its state keeps the Critical alert as its last."""
    collapsing = groups[Archetype.COLLAPSING][0]
    _replay(services, clock, START, date(2026, 3, 17))
    alerted = _states(sessions)[collapsing]
    assert alerted.band is Band.CRITICAL and alerted.last_alert_id is not None
    lowered = tmp_path / "scoring.yml"
    lowered.write_text("bands:\n  needs_attention: 30\n", encoding="utf-8")
    edited = replace(services, scoring=load_scoring_config(lowered))
    before = _outbox(sessions)
    _replay(edited, clock, date(2026, 3, 18), date(2026, 3, 18))
    assert [row for row in _outbox(sessions)[len(before) :] if row[0] == collapsing] == []
    state = _states(sessions)[collapsing]
    assert (state.band, state.last_alert_id) == (Band.NEEDS_ATTENTION, alerted.last_alert_id)
