"""Alert tests' shared setup: demo groups, services over a database, a clock set per day."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from slack_sdk import WebClient

from csbot.config import Settings, load_settings
from csbot.scheduler import CATCH_UP_ID, AlertScheduler
from csbot.scoring.config import load_scoring_config
from csbot.services import Services
from csbot.slack.render import InlineRenderer
from csbot.slack.webclient import make_web_client
from csbot.slack.workqueue import WorkQueue
from csbot.store.db import SessionFactory, make_engine, session_factory, transaction, upgrade
from csbot.store.demo import Archetype, demo_groups_by_archetype, load_demo

AS_OF = date(2026, 3, 31)
START = AS_OF - timedelta(days=29)  # 30 replayed days: 2 March .. 31 March
DEFAULT_CHANNEL = "C0DEFAULT1"
BOT_TOKEN = "xoxb-alerts-test"


@dataclass
class Clock:
    """The services' clock; tests move it day by day."""

    now: datetime = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def morning(self, day: date, at: time = time(6, 0)) -> None:
        self.now = datetime.combine(day, at, tzinfo=UTC)


def days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def alert_settings(
    database_url: str, api_url: str = "http://127.0.0.1:9/api/", **env: str
) -> Settings:
    values = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "CSBOT_SLACK_API_URL": api_url,
        "CSBOT_DATABASE_URL": database_url,
        "CSBOT_DEFAULT_CHANNEL": DEFAULT_CHANNEL,
    }
    return load_settings(_env_file=None, **(values | env))


def make_services(
    settings: Settings,
    sessions: SessionFactory,
    clock: Callable[[], datetime],
    sleep: Callable[[float], None] = lambda _seconds: None,
) -> Services:
    """Services as the app builds them, with waits that do not wait and charts drawn inline."""
    client: WebClient = make_web_client(settings, sleep=sleep)
    return Services(
        settings=settings,
        sessions=sessions,
        client=client,
        scoring=load_scoring_config(settings.scoring_config),
        clock=clock,
        renderer=InlineRenderer(),
        work=WorkQueue(workers=1, capacity=8),
    )


def load_demo_groups(sessions: SessionFactory, groups: int = 7) -> dict[Archetype, list[int]]:
    with transaction(sessions) as session:
        load_demo(session, groups=groups, days=120, seed=7, as_of=AS_OF)
        return demo_groups_by_archetype(session)


@contextmanager
def own_services(
    settings: Settings,
    clock: Callable[[], datetime],
    *,
    sleep: Callable[[float], None] = lambda _seconds: None,
    migrate: bool = False,
) -> Iterator[Services]:
    """Services on an engine of their own (another replica, in a thread), on a database
    brought up to date first when `migrate`."""
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    services = make_services(settings, session_factory(engine), clock, sleep=sleep)
    try:
        yield services
    finally:
        services.close()
        engine.dispose()


def run_start_up_job(services: Services) -> JobExecutionEvent:
    """Start the scheduler as `csbot run` does, wait (60 s at most) for the catch-up job it
    runs at start, stop it, and return that job's event."""
    done = threading.Event()
    outcome: list[JobExecutionEvent] = []

    def finished(event: JobExecutionEvent) -> None:
        if event.job_id == CATCH_UP_ID:
            outcome.append(event)
            done.set()

    scheduler = AlertScheduler(services)
    scheduler.scheduler.add_listener(finished, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        assert done.wait(60), "the start-up catch-up job did not run"
    finally:
        scheduler.close()
    return outcome[0]
