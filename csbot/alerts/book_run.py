"""The weekly book-of-business digest: who gets one, writing them to the outbox, posting them.

Monday at CSBOT_DIGEST_AT each CSM who owns groups gets a DM about them, and each team channel
(CSBOT_TEAM_CHANNELS) one message about its team's groups; CSBOT_DEFAULT_CHANNEL gets the groups
no team channel covers (the whole book when there are none). Each digest is an outbox row under
the key (recipient, ISO week), so it is posted exactly once a week whoever runs the job, and what
Slack refuses is retried like any alert (`csbot deliver`). A digest missed while csbot was down
is caught up once at start, with the numbers of the day it was due.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from csbot.alerts.book import BookData, BookFacts, book_facts
from csbot.alerts.book_card import book_card
from csbot.alerts.delivery import DeliveryReport, deliver_pending
from csbot.config import Settings
from csbot.services import Services, today
from csbot.slack.blocktext import card_as_text
from csbot.store.account_facts import load_last_touch
from csbot.store.book import book_alerts, book_groups, week_bands
from csbot.store.db import DbSession, transaction
from csbot.store.locks import job_lock, last_run, record_run
from csbot.store.outbox import NewAlert, write_alerts

__all__ = [
    "BOOK_JOB",
    "BookRun",
    "Recipient",
    "book_catch_up",
    "book_digest_job",
    "due_digest_day",
    "recipients",
    "run_book_digest",
]

log = logging.getLogger(__name__)

BOOK_JOB = "book_digest"
KIND = "digest"
Echo = Callable[[str], None]
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")


@dataclass(frozen=True)
class Recipient:
    """Who gets a digest (a channel, or a CSM's DM) about which groups."""

    to: str
    dm: bool
    scope: str
    group_ids: frozenset[int]


@dataclass(frozen=True)
class BookRun:
    day: date
    recipients: int = 0
    new: int = 0  # digests this run put in the outbox (the others were there already)
    delivered: DeliveryReport | None = None
    skipped: str | None = None
    dry_run: bool = False

    @property
    def text(self) -> str:
        head = f"book digest {self.day.isoformat()}"
        if self.skipped:
            return f"{head}: {self.skipped}"
        if self.dry_run:
            return f"{head}: would go to {self.recipients} recipient(s)"
        line = f"{head}: {self.new} of {self.recipients} recipient(s) new this week"
        return line + (f"; {self.delivered.text}" if self.delivered else "")


def week_key(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def load_book(session: DbSession, services: Services, day: date) -> BookData:
    """The whole book for the week ending on `day`: five set-based queries."""
    window = services.scoring.default_window_days
    since = day - timedelta(days=6)
    return BookData(
        day=day,
        groups={g.group_id: g for g in book_groups(session)},
        now=week_bands(session, day=day, window_days=window),
        before=week_bands(session, day=day - timedelta(days=7), window_days=window),
        alerts=book_alerts(session, since=since, until=day),
        touches=load_last_touch(session, as_of=day, rules=services.scoring.factors),
    )


def _channels(data: BookData, settings: Settings) -> list[Recipient]:
    teams: dict[str, set[str]] = defaultdict(set)
    members: dict[str, set[int]] = defaultdict(set)
    for team, channel in settings.team_channels.items():
        teams[channel].add(team)
        members.setdefault(channel, set())  # a team channel hears every week, even with no groups
    for g in data.groups.values():
        to = settings.team_channels.get(g.csm_team or "") or settings.default_channel
        if to:
            members[to].add(g.group_id)
    if settings.default_channel and settings.default_channel not in teams:
        covered = len(members[settings.default_channel]) == len(data.groups)
        teams[settings.default_channel].add(
            "The whole book" if covered else "Groups without a team channel"
        )
    return [
        Recipient(ch, False, ", ".join(sorted(teams[ch])), frozenset(ids))
        for ch, ids in sorted(members.items())
    ]


def recipients(data: BookData, settings: Settings) -> list[Recipient]:
    """Every CSM who owns groups (a DM), then every team channel and the default channel. An
    owner that is not a Slack user id (a name typed into an import) gets no DM; their groups
    still show in the channels."""
    owned: dict[str, set[int]] = defaultdict(set)
    for g in data.groups.values():
        if g.csm_owner and _USER_ID.fullmatch(g.csm_owner):
            owned[g.csm_owner].add(g.group_id)
    dms = [Recipient(u, True, "Your groups", frozenset(ids)) for u, ids in sorted(owned.items())]
    return dms + _channels(data, settings)


def digests(data: BookData, services: Services) -> list[BookFacts]:
    """Every recipient's digest of the week ending on `data.day`."""
    weights = services.scoring.weights
    touch_days = services.scoring.factors.no_cs_touch_days
    return [
        book_facts(
            data,
            r.group_ids,
            recipient=r.to,
            dm=r.dm,
            scope=r.scope,
            weights=weights,
            touch_days=touch_days,
        )
        for r in recipients(data, services.settings)
    ]


def _row(facts: BookFacts) -> NewAlert:
    key = f"{KIND}:book:{facts.recipient}:{week_key(facts.day)}"
    return NewAlert(None, KIND, None, "book", facts.day, facts.model_dump(mode="json"), unique=key)


def _dry_run(services: Services, day: date, echo: Echo) -> BookRun:
    with transaction(services.sessions) as session:
        facts = digests(load_book(session, services, day), services)
    for f in facts:
        echo(f"--- {'DM ' if f.dm else ''}{f.recipient} ---\n{card_as_text(book_card(f).blocks())}")
    return BookRun(day, len(facts), dry_run=True)


def run_book_digest(
    services: Services, *, day: date | None = None, dry_run: bool = False, echo: Echo = print
) -> BookRun:
    """Write this week's digests to the outbox (each recipient once a week) and post them;
    `dry_run` prints them instead."""
    day = day or today(services)
    if dry_run:
        return _dry_run(services, day, echo)
    with job_lock(services.sessions, BOOK_JOB) as mine:
        if not mine:
            return BookRun(day, skipped="another csbot is writing it")
        started = services.clock()
        with transaction(services.sessions) as session:
            facts = digests(load_book(session, services, day), services)
            _, new = write_alerts(session, [_row(f) for f in facts], created_at=started)
            record_run(session, job_id=BOOK_JOB, day=day, started_at=started,
                       finished_at=services.clock(), detail=f"{new} new digest(s)")  # fmt: skip
        run = BookRun(day, len(facts), new, deliver_pending(services))
    log.info("%s", run.text)
    return run


def due_digest_day(services: Services, now: datetime | None = None) -> date:
    """The day of the latest CSBOT_DIGEST_AT that has passed (today once its time is past)."""
    local = (now or services.clock()).astimezone(services.settings.tz)
    weekday, at = services.settings.digest_schedule
    back = (local.weekday() - _WEEKDAYS.index(weekday)) % 7
    if back == 0 and local.time() < at:
        back = 7
    return local.date() - timedelta(days=back)


def book_catch_up(services: Services) -> BookRun | None:
    """At start: the digest due while csbot was down, once, for the day it was due. Never the
    first one: a new install waits for its first digest day."""
    day = due_digest_day(services)
    with transaction(services.sessions) as session:
        last = last_run(session, job_id=BOOK_JOB)
    if last is None or last >= day:
        return None
    log.info("catching up the book digest", extra={"last": str(last), "day": day.isoformat()})
    return run_book_digest(services, day=day)


def book_digest_job(services: Services) -> None:
    """What the scheduler runs at CSBOT_DIGEST_AT (job id `csbot.book_digest`)."""
    run_book_digest(services)
