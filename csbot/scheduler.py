"""APScheduler 3: the daily run at CSBOT_DAILY_AT and the digests at CSBOT_DIGEST_AT, local time.

Jobs have stable ids and are added with `replace_existing`; `coalesce` turns a backlog of missed
firings into one run, `max_instances=1` keeps a slow run from overlapping the next, and a
misfire grace of some hours lets a run delayed by a busy or sleeping machine still happen.
Runs missed while csbot was down are caught up once at start (`csbot.alerts.jobs.catch_up`);
across replicas the jobs' PostgreSQL advisory lock lets one of them run each.

It schedules jobs of several surfaces (alerts, digests, the meeting reminders of csbot.modals), so
it sits beside app.py rather than in any of them; `csbot scheduler` runs it alone.
"""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from csbot.alerts.book_run import book_catch_up, book_digest_job
from csbot.alerts.cli import services_for
from csbot.alerts.digest import digest_job
from csbot.alerts.jobs import catch_up_job, daily_job
from csbot.config import Settings
from csbot.lifecycle import Terminated, exit_on_sigterm
from csbot.modals.reminders import JOB_ID as REMINDERS_ID
from csbot.modals.reminders import meeting_reminders_job
from csbot.services import Services

__all__ = [
    "BOOK_DIGEST_ID",
    "CATCH_UP_ID",
    "DAILY_ID",
    "DIGEST_ID",
    "JOB_DEFAULTS",
    "REMINDERS_ID",
    "AlertScheduler",
    "add_jobs",
    "daily_trigger",
    "digest_trigger",
    "reminders_trigger",
    "scheduler_command",
]

log = logging.getLogger(__name__)

DAILY_ID = "csbot.daily"
DIGEST_ID = "csbot.digest"
BOOK_DIGEST_ID = "csbot.book_digest"
CATCH_UP_ID = "csbot.catch_up"
HOUR = 3600
JOB_DEFAULTS: dict[str, Any] = {"coalesce": True, "max_instances": 1, "misfire_grace_time": HOUR}
DAILY_GRACE = 6 * HOUR
DIGEST_GRACE = 12 * HOUR


def daily_trigger(settings: Settings) -> CronTrigger:
    at = settings.daily_time
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=settings.tz)


def digest_trigger(settings: Settings) -> CronTrigger:
    day, at = settings.digest_schedule
    return CronTrigger(day_of_week=day, hour=at.hour, minute=at.minute, timezone=settings.tz)


def reminders_trigger(settings: Settings) -> CronTrigger:
    """Working days at the daily time: Friday's run covers the weekend and Monday."""
    at = settings.daily_time
    return CronTrigger(day_of_week="mon-fri", hour=at.hour, minute=at.minute, timezone=settings.tz)


def start_up_job(services: Services) -> None:
    """Once at start: the missed daily run, then (on its scores) a missed book digest."""
    catch_up_job(services)
    book_catch_up(services)


def add_jobs(scheduler: Any, services: Services, *, catch_up: bool = True) -> None:
    """The daily, digest (onboarding and book of business) and meeting-reminder jobs, and
    (once, now) the catch-up of a missed daily run and book digest."""
    settings = services.settings
    common = {"args": [services], "replace_existing": True, "coalesce": True, "max_instances": 1}
    scheduler.add_job(
        daily_job,
        daily_trigger(settings),
        id=DAILY_ID,
        name="daily recompute and alerts",
        misfire_grace_time=DAILY_GRACE,
        **common,
    )
    scheduler.add_job(
        digest_job,
        digest_trigger(settings),
        id=DIGEST_ID,
        name="weekly onboarding digest",
        misfire_grace_time=DIGEST_GRACE,
        **common,
    )
    scheduler.add_job(
        book_digest_job,
        digest_trigger(settings),
        id=BOOK_DIGEST_ID,
        name="weekly book-of-business digest",
        misfire_grace_time=DIGEST_GRACE,
        **common,
    )
    scheduler.add_job(
        meeting_reminders_job,
        reminders_trigger(settings),
        id=REMINDERS_ID,
        name="meeting reminders, the working day before",
        misfire_grace_time=DAILY_GRACE,
        **common,
    )
    if catch_up:  # no trigger: runs once, now
        scheduler.add_job(
            start_up_job,
            id=CATCH_UP_ID,
            name="catch up a missed daily run and book digest",
            misfire_grace_time=None,
            **common,
        )


class AlertScheduler:
    """csbot's scheduler: in the background inside `csbot run`, in the foreground as
    `csbot scheduler`."""

    def __init__(self, services: Services, *, blocking: bool = False) -> None:
        kind = BlockingScheduler if blocking else BackgroundScheduler
        self.scheduler = kind(timezone=services.settings.tz, job_defaults=JOB_DEFAULTS)
        add_jobs(self.scheduler, services)

    def start(self) -> None:
        """Start the jobs (blocks for a blocking scheduler, until `close` or SIGTERM)."""
        for job in self.scheduler.get_jobs():
            log.info("scheduled %s (%s)", job.id, job.trigger)
        self.scheduler.start()

    def close(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)

    def stop(self) -> None:
        """No more runs; one already running is not waited for (each job is one transaction,
        and a daily run the process did not finish is caught up at the next start)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)


def scheduler_command(settings: Settings) -> int:
    """`csbot scheduler`: only the jobs, in the foreground, until SIGTERM or Ctrl-C."""
    with services_for(settings) as services:
        scheduler = AlertScheduler(services, blocking=True)
        try:
            with exit_on_sigterm():
                scheduler.start()
        except Terminated:
            log.info("stopping on SIGTERM")
        finally:
            scheduler.close()
    return 0
