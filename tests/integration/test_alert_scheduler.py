"""The scheduler: jobs with stable ids at the configured local times, and a start that catches
up a daily run missed while csbot was down."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from csbot.alerts.digest import digest_job
from csbot.alerts.jobs import daily_job
from csbot.scheduler import (
    CATCH_UP_ID,
    DAILY_ID,
    DIGEST_ID,
    AlertScheduler,
    add_jobs,
    daily_trigger,
    digest_trigger,
)
from csbot.services import Services
from csbot.store.locks import last_run
from tests.e2e.fakeslack import FakeSlack
from tests.integration.alert_support import (
    AS_OF,
    Clock,
    alert_settings,
    load_demo_groups,
    make_services,
    run_start_up_job,
)

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def services(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> Iterator[Services]:
    settings = alert_settings(
        database_url,
        fake_slack.api_url,
        CSBOT_TIMEZONE="Europe/Berlin",
        CSBOT_DAILY_AT="06:30",
        CSBOT_DIGEST_AT="mon 09:15",
    )
    built = make_services(settings, sessions, Clock(datetime(2026, 3, 31, 5, 0, tzinfo=UTC)))
    yield built
    built.close()


def test_the_jobs_fire_at_the_local_times_configured(services: Services) -> None:
    after = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)  # a Friday; clocks go forward on Sunday
    daily = daily_trigger(services.settings).get_next_fire_time(None, after)
    assert daily == datetime(2026, 3, 28, 6, 30, tzinfo=BERLIN)
    digest = digest_trigger(services.settings).get_next_fire_time(None, after)
    assert digest == datetime(2026, 3, 30, 9, 15, tzinfo=BERLIN)  # summer time by then
    assert digest.utcoffset() is not None and digest.utcoffset().total_seconds() == 7200


def test_jobs_have_stable_ids_and_never_pile_up(services: Services) -> None:
    scheduler = AlertScheduler(services).scheduler
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {DAILY_ID, DIGEST_ID, CATCH_UP_ID} <= set(jobs)
    for job in jobs.values():
        assert (job.coalesce, job.max_instances) == (True, 1)
        assert job.args == (services,)
    assert jobs[DAILY_ID].misfire_grace_time == 6 * 3600
    assert jobs[DIGEST_ID].misfire_grace_time == 12 * 3600
    assert (jobs[DAILY_ID].func, jobs[DIGEST_ID].func) == (daily_job, digest_job)
    scheduler.start(paused=True)  # in the job store now, where the same ids replace
    try:
        add_jobs(scheduler, services)
        assert sorted(j.id for j in scheduler.get_jobs()) == sorted(jobs)
    finally:
        scheduler.shutdown(wait=False)


def test_starting_after_a_missed_morning_catches_it_up_once(
    services: Services, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    load_demo_groups(sessions)
    # 07:00 in Berlin on the 31st: today's 06:30 run was missed while csbot was down
    assert isinstance(services.clock, Clock)
    services.clock.now = datetime(2026, 3, 31, 5, 0, tzinfo=UTC)
    assert run_start_up_job(services).exception is None
    with sessions() as session:
        assert last_run(session, job_id="daily") == AS_OF
    assert fake_slack.calls_to("chat.postMessage")  # and the alerts went out
