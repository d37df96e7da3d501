"""The book digest's schedule, on SQLite and PostgreSQL: a job beside the onboarding digest at
CSBOT_DIGEST_AT, and at start a digest missed while csbot was down, caught up once, for the
day it was due (never a first one)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from csbot.alerts.book_run import BOOK_JOB, book_catch_up, book_digest_job, due_digest_day
from csbot.scheduler import BOOK_DIGEST_ID, DIGEST_ID, AlertScheduler
from csbot.services import Services
from csbot.store import models as m
from csbot.store.db import transaction
from csbot.store.locks import last_run, record_run
from tests.e2e.book_fixtures import EAST, write_book
from tests.e2e.fakeslack import FakeSlack
from tests.integration.alert_support import Clock, alert_settings, make_services, run_start_up_job

MONDAY = date(2026, 3, 30)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 4, 1, 10, 0, tzinfo=UTC))  # a Wednesday, noon in Berlin


@pytest.fixture
def services(
    database_url: str, sessions: sessionmaker[Session], fake_slack: FakeSlack, clock: Clock
) -> Iterator[Services]:
    settings = alert_settings(
        database_url, fake_slack.api_url, CSBOT_TIMEZONE="Europe/Berlin",
        CSBOT_DIGEST_AT="mon 09:15", CSBOT_TEAM_CHANNELS=f'{{"East": "{EAST}"}}',
    )  # fmt: skip
    built = make_services(settings, sessions, clock)
    with transaction(sessions) as session:
        write_book(session)
    yield built
    built.close()


def _digests(sessions: sessionmaker[Session]) -> list[tuple[date, str]]:
    with sessions() as session:
        rows = session.execute(select(m.Alert.day, m.Alert.state).where(m.Alert.kind == "digest"))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_the_book_digest_is_a_job_of_its_own_at_the_digest_time(services: Services) -> None:
    jobs = {job.id: job for job in AlertScheduler(services).scheduler.get_jobs()}
    book, onboarding = jobs[BOOK_DIGEST_ID], jobs[DIGEST_ID]
    assert book.func is book_digest_job and book.args == (services,)
    assert str(book.trigger) == str(onboarding.trigger)
    assert (book.coalesce, book.max_instances, book.misfire_grace_time) == (True, 1, 12 * 3600)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (datetime(2026, 3, 30, 7, 0, tzinfo=UTC), date(2026, 3, 23)),  # Monday 09:00 Berlin
        (datetime(2026, 3, 30, 7, 30, tzinfo=UTC), date(2026, 3, 30)),  # Monday 09:30
        (datetime(2026, 4, 5, 21, 0, tzinfo=UTC), date(2026, 3, 30)),  # Sunday 23:00
        (datetime(2026, 4, 5, 22, 30, tzinfo=UTC), date(2026, 3, 30)),  # Monday 00:30
    ],
)
def test_the_digest_due_is_the_last_digest_time_passed(
    services: Services, now: datetime, due: date
) -> None:
    assert due_digest_day(services, now) == due


def test_a_first_start_posts_no_digest(services: Services, fake_slack: FakeSlack) -> None:
    assert book_catch_up(services) is None
    assert fake_slack.calls == []


def test_a_digest_missed_while_down_is_caught_up_once_at_start(
    services: Services, sessions: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    with transaction(sessions) as session:  # last posted the Monday before
        now = datetime(2026, 3, 23, 8, 15, tzinfo=UTC)
        record_run(session, job_id=BOOK_JOB, day=date(2026, 3, 23), started_at=now, finished_at=now)
    assert run_start_up_job(services).exception is None
    assert _digests(sessions) == [(MONDAY, "sent")] * 5  # three DMs, East and the default
    with sessions() as session:
        assert last_run(session, job_id=BOOK_JOB) == MONDAY
    assert book_catch_up(services) is None  # caught up: nothing until next Monday
    assert len(_digests(sessions)) == 5
