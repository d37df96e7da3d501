"""The daily run: recompute (catching up missed days), detect crossings, deliver the outbox.

`run_daily` is what the scheduler calls each morning and, through `catch_up`, at start after
downtime; `run_days` is the part `csbot recompute` shares. Days before the last one only get
their snapshots; crossings are detected for the last day alone, against the alert states, in
the same transaction as that day's snapshots, so a missed week gives one alert per group for
where it stands now, never one per missed day. A day older than the last one detected is only
recomputed: re-running history never alerts again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from csbot.alerts.crossing import AlertPolicy, Crossing, Decision, Kind, decide_all
from csbot.alerts.delivery import DeliveryReport, deliver_pending
from csbot.alerts.messages import facts_for
from csbot.alerts.renewals import detect_renewals
from csbot.config import Settings
from csbot.errors import CsbotError
from csbot.scoring.types import GroupScore
from csbot.services import Services, today
from csbot.store.alert_state import (
    StateChange,
    alert_states,
    bands_slid_from,
    recent_scores,
    save_states,
)
from csbot.store.db import DbSession, transaction
from csbot.store.locks import job_lock, last_run, record_run
from csbot.store.outbox import GroupTarget, NewAlert, alert_targets, write_alerts
from csbot.store.recompute import RecomputeResult, explain, recompute
from csbot.store.sync import sync_before_recompute

__all__ = [
    "DAILY_JOB",
    "MAX_CATCH_UP_DAYS",
    "DailyRun",
    "catch_up",
    "daily_job",
    "due_day",
    "policy_for",
    "run_daily",
    "run_days",
]

log = logging.getLogger(__name__)

DAILY_JOB = "daily"
MAX_CATCH_UP_DAYS = 31
"""A longer outage recomputes only the last month; the scores' windows need no more."""
Echo = Callable[[str], None]


@dataclass(frozen=True)
class DailyRun:
    """What a daily run did. `ran` is False when another replica holds the job's lock."""

    day: date
    ran: bool = True
    days: tuple[date, ...] = ()  # the days recomputed, oldest first
    alerts: int = 0  # outbox rows this run wrote
    delivered: DeliveryReport | None = None

    @property
    def text(self) -> str:
        if not self.ran:
            return f"{self.day.isoformat()}: another csbot is running the daily job; skipped"
        done = f"{len(self.days)} day(s) recomputed" if self.days else "already recomputed"
        line = f"{self.day.isoformat()}: {done}; {self.alerts} new alert(s)"
        return line + (f"; {self.delivered.text}" if self.delivered else "")


def policy_for(settings: Settings) -> AlertPolicy:
    return AlertPolicy(margin=settings.alert_margin, consecutive_days=settings.alert_days)


def _renewal_soon(target: GroupTarget, crossing: Crossing, within: int) -> date | None:
    """The renewal date a risk alert flags: within `within` days (the renewal_soon rule)."""
    renewal = target.renewal_date
    soon = renewal is not None and 0 <= (renewal - crossing.day).days <= within
    return renewal if soon and crossing.kind is Kind.CROSSING else None


def _new_alert(
    decision: Decision, score: GroupScore, target: GroupTarget, renewal_within: int
) -> NewAlert:
    crossing = decision.crossing
    assert crossing is not None
    facts = facts_for(
        score, kind=crossing.kind, from_band=crossing.from_band, to_band=crossing.to_band,
        csm=target.csm_owner, renewal=_renewal_soon(target, crossing, renewal_within),
    )  # fmt: skip
    return NewAlert(
        group_id=crossing.group_id,
        kind=crossing.kind.value,
        from_band=crossing.from_band.value if crossing.from_band else None,
        to_band=crossing.to_band.value,
        day=crossing.day,
        payload=facts.model_dump(mode="json"),
    )


def _placed(crossing: list[Decision], session: DbSession, result: RecomputeResult
            ) -> list[Decision]:  # fmt: skip
    """The crossings whose band before is unknown (never alerted, not better yesterday) with
    the band the group slid from, when its recent snapshots show one."""
    unknown = {
        d.group_id: d.crossing.to_band
        for d in crossing
        if d.crossing is not None
        and d.crossing.kind is Kind.CROSSING
        and d.crossing.from_band is None
    }
    found = bands_slid_from(session, now_in=unknown, before=result.day,
                            window_days=result.window_days)  # fmt: skip
    return [
        replace(d, crossing=replace(d.crossing, from_band=found[d.group_id]))
        if d.crossing is not None and d.group_id in found
        else d
        for d in crossing
    ]


def detect(
    session: DbSession, services: Services, result: RecomputeResult, *, now: datetime
) -> int:
    """Write the day's crossings, the changed alert states and the renewal reminders due to the
    outbox; returns how many rows are new. Runs in the caller's transaction, after the day's
    snapshots. Only the groups alerted are scored in full (reasons, evidence, playbook)."""
    policy = policy_for(services.settings)
    recent = recent_scores(
        session, end=result.day, days=policy.consecutive_days, window_days=result.window_days
    )
    scored = set(result.scored.group_ids.tolist())
    recent = {gid: scores for gid, scores in recent.items() if gid in scored}
    states = alert_states(session)
    decisions = decide_all(
        recent,
        day=result.day,
        states=states,
        previous_bands=result.previous_bands,
        edges=services.scoring.bands,
        policy=policy,
    )
    crossing = _placed([d for d in decisions if d.crossing is not None], session, result)
    ids = [d.group_id for d in crossing]
    targets = alert_targets(session, group_ids=ids)
    explained = explain(session, day=result.day, window_days=result.window_days, group_ids=ids,
                        config=services.scoring)  # fmt: skip
    within = services.scoring.factors.renewal_soon_days
    alerts = {
        d.group_id: _new_alert(d, explained[d.group_id], targets[d.group_id], within)
        for d in crossing
    }
    written, new = write_alerts(session, alerts.values(), created_at=now)
    changes = [
        StateChange(
            d.group_id,
            d.new_band,
            result.scored.score_of(d.group_id),
            result.day,
            written.get(alerts[d.group_id].key) if d.group_id in alerts else None,
        )
        for d in decisions
        if d.new_band is not None
    ]
    save_states(session, changes, updated_at=now)
    return new + detect_renewals(session, services, result, now=now, states=states)


def run_days(
    services: Services,
    *,
    start: date,
    end: date,
    window_days: int | None = None,
    echo: Echo | None = None,
) -> tuple[list[RecomputeResult], int]:
    """Recompute `start`..`end`, one transaction per day, detecting crossings on `end` (if it is
    not older than the last day detected, and for the configured window); returns the results
    and how many new alerts went into the outbox."""
    config = services.scoring
    with transaction(services.sessions) as session:
        detected = last_run(session, job_id=DAILY_JOB)
    results, new = [], 0
    day = start
    while day <= end:
        started = services.clock()
        with transaction(services.sessions) as session:
            result = recompute(session, as_of=day, computed_at=started, window_days=window_days,
                               config=config)  # fmt: skip
            alerting = day == end and result.window_days == config.default_window_days
            if alerting and (detected is None or day >= detected):
                new = detect(session, services, result, now=started)
                record_run(session, job_id=DAILY_JOB, day=day, started_at=started,
                           finished_at=services.clock(), detail=f"{new} new alert(s)")  # fmt: skip
        results.append(result)
        if echo is not None:
            echo(result.text)
        day += timedelta(days=1)
    return results, new


def _sync_first(services: Services) -> None:
    """With CSBOT_SYNC_BEFORE_RECOMPUTE, pull the platform's changes first. A failed sync
    stored nothing; it is logged and the recompute goes on with what the database holds."""
    try:
        sync_before_recompute(services.settings, services.sessions, clock=services.clock)
    except CsbotError as exc:
        log.warning("sync before the daily run failed: %s", "; ".join(str(exc).splitlines()[:4]))


def run_daily(services: Services, *, day: date | None = None, deliver: bool = True) -> DailyRun:
    """The daily job: recompute every day since the last run up to `day` (default: today in
    CSBOT_TIMEZONE), alert on `day`'s state, then post the outbox. One replica at a time."""
    day = day or today(services)
    with job_lock(services.sessions, DAILY_JOB) as mine:
        if not mine:
            return DailyRun(day, ran=False)
        _sync_first(services)
        with transaction(services.sessions) as session:
            last = last_run(session, job_id=DAILY_JOB)
        days: tuple[date, ...] = ()
        new = 0
        if last is None or last < day:
            first = day if last is None else last + timedelta(days=1)
            first = max(first, day - timedelta(days=MAX_CATCH_UP_DAYS - 1))
            results, new = run_days(services, start=first, end=day)
            days = tuple(r.day for r in results)
        delivered = deliver_pending(services) if deliver else None
    run = DailyRun(day, True, days, new, delivered)
    log.info("daily run: %s", run.text)
    return run


def due_day(services: Services) -> date:
    """The latest day whose daily run should have happened by now: today once CSBOT_DAILY_AT
    has passed, else yesterday."""
    now = services.clock().astimezone(services.settings.tz)
    local = now.date()
    return local if now.time() >= services.settings.daily_time else local - timedelta(days=1)


def catch_up(services: Services, *, deliver: bool = True) -> DailyRun | None:
    """At start: run the daily job once if its last run is older than the day it was due."""
    day = due_day(services)
    with transaction(services.sessions) as session:
        last = last_run(session, job_id=DAILY_JOB)
    if last is not None and last >= day:
        return None
    log.info("catching up the daily run", extra={"last": str(last), "day": day.isoformat()})
    return run_daily(services, day=day, deliver=deliver)


def daily_job(services: Services) -> None:
    """What the scheduler runs at CSBOT_DAILY_AT (job id `csbot.daily`)."""
    run_daily(services)


def catch_up_job(services: Services) -> None:
    """What the scheduler runs once at start (job id `csbot.catch_up`)."""
    catch_up(services)
