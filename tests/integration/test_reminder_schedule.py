"""The scheduler carries the meeting-reminder job: working days at the daily time, local."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from csbot.config import load_settings
from csbot.modals.reminders import meeting_reminders_job
from csbot.scheduler import REMINDERS_ID, add_jobs
from csbot.scoring.config import default_config
from csbot.services import Services
from csbot.store.db import make_engine, session_factory

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    engine = make_engine(f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    settings = load_settings(_env_file=None, CSBOT_TIMEZONE="Europe/Berlin", CSBOT_DAILY_AT="06:30")
    built = Services(
        settings=settings,
        sessions=session_factory(engine),
        client=WebClient(),
        scoring=default_config(),
    )
    yield built
    built.close()
    engine.dispose()


def test_reminders_run_on_working_days_at_the_daily_time(services: Services) -> None:
    scheduler = BackgroundScheduler(timezone=BERLIN)
    add_jobs(scheduler, services, catch_up=False)
    job = scheduler.get_job(REMINDERS_ID)
    assert job is not None and job.func is meeting_reminders_job and job.args == (services,)
    friday_evening = datetime(2026, 4, 3, 18, 0, tzinfo=BERLIN)
    fires = job.trigger.get_next_fire_time(None, friday_evening)
    assert fires == datetime(2026, 4, 6, 6, 30, tzinfo=BERLIN)  # Monday, not the weekend
