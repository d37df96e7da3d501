"""What `csbot recompute / deliver / alerts / digest` do, outside the Slack app.

Each builds the services it needs (schema upgraded, the retrying Web API client, charts drawn
in this process), does its work, prints one line or a table, and returns the exit code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from slack_sdk import WebClient

from csbot.alerts.book_run import run_book_digest
from csbot.alerts.crossing import Kind
from csbot.alerts.delivery import deliver_pending
from csbot.alerts.digest import run_digest
from csbot.alerts.jobs import DAILY_JOB, run_days
from csbot.config import Settings
from csbot.errors import CsbotError
from csbot.progress import Bar, progress_bar
from csbot.scoring.config import load_scoring_config
from csbot.services import Services
from csbot.slack.render import InlineRenderer
from csbot.slack.webclient import make_web_client
from csbot.store.db import make_engine, session_factory, transaction, upgrade
from csbot.store.locks import job_lock
from csbot.store.outbox import AlertRecord, count_pending, list_alerts

__all__ = [
    "alerts_command",
    "deliver_command",
    "digest_command",
    "recompute_command",
    "services_for",
]

log = logging.getLogger(__name__)
Echo = Callable[[str], None]
NO_SLACK = "SLACK_BOT_TOKEN is not set: {n} alert(s) wait in the outbox; `csbot deliver` posts them"


@contextmanager
def services_for(settings: Settings, *, slack: bool = True) -> Iterator[Services]:
    """Services for a command: `slack` False gives a client that is never called (dry runs,
    laptops without a Slack app)."""
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        client = make_web_client(settings) if slack else WebClient()
        services = Services(
            settings=settings,
            sessions=session_factory(engine),
            client=client,
            renderer=InlineRenderer(),
            scoring=load_scoring_config(settings.scoring_config),
        )
        try:
            yield services
        finally:
            services.close()
    finally:
        engine.dispose()


def recompute_command(
    settings: Settings, *, start: date, end: date, window_days: int | None, deliver: bool,
    echo: Echo = print,
) -> int:  # fmt: skip
    """`csbot recompute`: each day's snapshots, the last day's crossings, then delivery."""
    slack = deliver and settings.slack_bot_token is not None
    with services_for(settings, slack=slack) as services:
        with job_lock(services.sessions, DAILY_JOB) as mine:
            if not mine:
                raise CsbotError("the daily job is running right now; try again in a minute")
            with progress_bar("recompute", total=(end - start).days + 1, unit="days") as bar:
                _, new = run_days(services, start=start, end=end, window_days=window_days,
                                  echo=_counting(bar, echo))  # fmt: skip
        if new:
            echo(f"{new} new alert(s) in the outbox")
        if slack:
            echo(deliver_pending(services).text)
        elif deliver:
            with transaction(services.sessions) as session:
                waiting = count_pending(session)
            if waiting:
                echo(NO_SLACK.format(n=waiting))
    return 0


def _counting(bar: Bar, echo: Echo) -> Echo:
    """run_days says each day's result when the day is done: print it and move the bar."""
    days = 0

    def each_day(line: str) -> None:
        nonlocal days
        days += 1
        if echo is print:
            bar.echo(line)
        else:
            echo(line)
        bar(days)

    return each_day


def deliver_command(settings: Settings, *, echo: Echo = print) -> int:
    """`csbot deliver`: post what is pending; exit code 1 if some is still pending."""
    with services_for(settings) as services:
        report = deliver_pending(services)
    echo(report.text)
    return 1 if report.failed else 0


def alerts_command(
    settings: Settings, *, pending: bool, limit: int = 50, echo: Echo = print
) -> int:
    """`csbot alerts [--pending]`: the newest alerts, one line each."""
    with services_for(settings, slack=False) as services, transaction(services.sessions) as s:
        rows = list_alerts(s, pending_only=pending, limit=limit)
    if not rows:
        echo("no pending alerts" if pending else "no alerts yet")
    for alert, name in rows:
        move = f"{name}: {_what(alert)}" if name else _what(alert)
        where = f"{alert.channel} {alert.slack_ts}" if alert.slack_ts else alert.last_error or ""
        echo(f"#{alert.id} {alert.day.isoformat()} {alert.state:<7} {alert.kind:<9} "
             f"{move} (attempts {alert.attempts}) {where}".rstrip())  # fmt: skip
    return 0


def _what(alert: AlertRecord) -> str:
    """What an alert announced, in a few words: a band move ("now Critical" when the band before
    is unknown, as the Home tab and digests say it), which renewal reminder, or to whom a
    digest went."""
    if alert.group_id is None:
        return f"book digest to {alert.payload.get('recipient')}"
    if alert.kind == Kind.RENEWAL:
        renewal, lead = alert.payload.get("renewal_date"), alert.payload.get("lead_days")
        return f"renews {renewal} ({lead}-day reminder)"
    if alert.from_band is None:  # a first alert whose band before is unknown (crossing.py)
        return f"now {alert.to_band}"
    return f"{alert.from_band} -> {alert.to_band}"


def digest_command(
    settings: Settings, *, kind: str | None = None, dry_run: bool, echo: Echo = print
) -> int:
    """`csbot digest [--kind book|onboarding] [--dry-run]`: post (or print) this week's digests
    now. The onboarding digest is posted again; a book digest once per recipient and week."""
    failed = False
    with services_for(settings, slack=not dry_run) as services:
        if kind in (None, "book"):
            book = run_book_digest(services, dry_run=dry_run, echo=echo)
            echo(book.text)
            failed = bool(book.delivered and book.delivered.failed)
        if kind in (None, "onboarding"):
            run = run_digest(services, dry_run=dry_run, force=True, echo=echo)
            echo(run.text)
            failed = failed or bool(run.failed)
    return 1 if failed else 0
