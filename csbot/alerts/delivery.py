"""Deliver the outbox: post each pending alert, record where it went, keep what fails.

Alerts go out oldest first, one claimed row at a time (csbot.store.outbox.claim_alert), through
the cards' delivery (csbot.slack.delivery): the chart is uploaded privately and shown with a
`slack_file` image block. 429s and 5xx are retried by the Web API client; what still fails is
counted on the row, which stays pending for the next run, and the group's later alerts wait
with it, so a recovered note never arrives before its alert.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError
from slack_sdk.errors import SlackApiError, SlackClientError

from csbot.alerts.book import BookFacts
from csbot.alerts.book_card import book_card
from csbot.alerts.crossing import Kind
from csbot.alerts.messages import AlertFacts, alert_card, health_chart, recovered_message
from csbot.alerts.renewal_card import RenewalFacts, renewal_card, renewal_chart, with_score
from csbot.config import Settings
from csbot.services import Services
from csbot.slack import blockkit as bk
from csbot.slack.delivery import Delivered, Delivery, Where
from csbot.slack.message import Card
from csbot.slack.render import render_png
from csbot.store.db import DbSession, transaction
from csbot.store.outbox import (
    AlertRecord,
    GroupTarget,
    alert_targets,
    claim_alert,
    mark_failed,
    mark_sent,
    pending_alert_ids,
    thread_of,
)
from csbot.store.recompute import explain
from csbot.store.snapshots import snapshot_series

__all__ = [
    "CHART_DAYS",
    "DeliveryReport",
    "OutboxDelivery",
    "channel_for",
    "deliver_pending",
]

log = logging.getLogger(__name__)

CHART_DAYS = 30
Point = tuple[date, float]
UNREADABLE = "unreadable payload: written by another version?"
NO_CHANNEL = (
    "no channel to post to: set the group's alert channel, its CSM team's channel in "
    "CSBOT_TEAM_CHANNELS, or CSBOT_DEFAULT_CHANNEL"
)


def channel_for(target: GroupTarget, settings: Settings) -> str | None:
    """The group's alert channel, else its CSM team's channel, else the default channel."""
    team = settings.team_channels.get(target.csm_team or "")
    return target.alert_channel or team or settings.default_channel


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0

    @property
    def text(self) -> str:
        line = f"{self.sent} alert{'s' * (self.sent != 1)} posted"
        if self.failed:
            line += f", {self.failed} still pending (see `csbot alerts --pending`)"
        return line


class OutboxDelivery(Delivery):
    """The cards' delivery, keeping the reason a post failed instead of telling a person
    (an alert has no one waiting on a response_url)."""

    error: str | None = None

    def fail(self, where: Where, exc: Exception) -> Delivered:
        reason = exc.response.get("error") if isinstance(exc, SlackApiError) else None
        self.error = f"slack: {reason or exc.__class__.__name__}"
        return Delivered("failed", where.channel)

    def tell(
        self, where: Where, text: str, blocks: Sequence[bk.Block] | None = None, *,
        replace: bool = False,
    ) -> Delivered:  # fmt: skip
        self.error = f"slack: {text}"
        return Delivered("failed", where.channel)


@dataclass(frozen=True)
class _Posted:
    channel: str
    ts: str
    thread_ts: str | None = None
    payload: dict[str, Any] | None = None


def _post_card(
    services: Services, card: Card, facts: AlertFacts | RenewalFacts | BookFacts, where: Where,
    filename: str, delivery: OutboxDelivery,
) -> _Posted | str:  # fmt: skip
    """Post a card with its chart; where it went (the facts kept with the chart's file id, so
    a redraw shows the same chart), or why it failed."""
    delivery.error = None
    png = render_png(services.renderer, card.chart)
    sent = delivery.post(card, png, where, filename=filename)
    if sent.via != "message" or sent.ts is None:
        return delivery.error or "slack: not posted"
    stored = facts.model_copy(update={"chart_file_id": sent.file_id}).model_dump(mode="json")
    return _Posted(sent.channel or where.channel, sent.ts, payload=stored)


def _filename(alert: AlertRecord) -> str:
    return f"csbot-{alert.kind}-{alert.id}.png"


def _points(session: DbSession, group_id: int, window_days: int, day: date) -> list[Point]:
    """The group's daily health over the CHART_DAYS up to `day`: the alert's chart."""
    first = day - timedelta(days=CHART_DAYS - 1)
    series = snapshot_series(
        session, group_id=group_id, window_days=window_days, start=first, end=day
    )
    return [(p.day, p.score) for p in series]


def _post_crossing(
    services: Services, session: DbSession, alert: AlertRecord, channel: str,
    delivery: OutboxDelivery,
) -> _Posted | str:  # fmt: skip
    facts = AlertFacts.model_validate(alert.payload)
    points = _points(session, facts.group_id, facts.window_days, facts.day)
    chart = health_chart(facts, points, services.scoring.bands)
    card = alert_card(facts, alert_id=alert.id, tz=services.settings.tz, chart=chart)
    return _post_card(services, card, facts, Where(channel, ""), _filename(alert), delivery)


def _post_renewal(
    services: Services, session: DbSession, alert: AlertRecord, channel: str,
    delivery: OutboxDelivery,
) -> _Posted | str:  # fmt: skip
    facts = RenewalFacts.model_validate(alert.payload)
    if not facts.scored:  # the full score of its day, added now: detection stays cheap
        score = explain(session, day=facts.day, window_days=facts.window_days,
                        group_ids=[facts.group_id], config=services.scoring)  # fmt: skip
        facts = with_score(facts, score.get(facts.group_id))
    points = _points(session, facts.group_id, facts.window_days, facts.day)
    chart = renewal_chart(facts, points, services.scoring.bands)
    card = renewal_card(facts, alert_id=alert.id, tz=services.settings.tz, chart=chart)
    return _post_card(services, card, facts, Where(channel, ""), _filename(alert), delivery)


def _post_recovered(
    services: Services, facts: AlertFacts, channel: str, thread: tuple[str, str] | None
) -> _Posted | str:
    """Post a recovered note in the thread of the group's last alert (or on its own)."""
    where, thread_ts = thread if thread else (channel, None)
    text, blocks = recovered_message(facts)
    try:
        posted = services.client.chat_postMessage(
            channel=where, thread_ts=thread_ts, **bk.message(text, blocks)
        )
    except SlackApiError as exc:
        return f"slack: {exc.response.get('error', 'unknown_error')}"
    except SlackClientError as exc:
        return f"slack: {exc.__class__.__name__}"
    return _Posted(where, str(posted["ts"]), thread_ts)


def _post_digest(services: Services, alert: AlertRecord, delivery: OutboxDelivery) -> _Posted | str:
    """Post a book-of-business digest to its channel, or to its CSM's DM."""
    facts = BookFacts.model_validate(alert.payload)
    where = Where("", facts.recipient, private=True) if facts.dm else Where(facts.recipient, "")
    return _post_card(services, book_card(facts), facts, where, _filename(alert), delivery)


def _post(
    services: Services, session: DbSession, alert: AlertRecord, delivery: OutboxDelivery
) -> _Posted | str:
    """Post one claimed alert where its group's alerts go (a digest to its recipient); where
    it went, or why not."""
    if alert.group_id is None:
        return _post_digest(services, alert, delivery)
    target = alert_targets(session, group_ids=[alert.group_id]).get(alert.group_id)
    channel = channel_for(target, services.settings) if target else None
    if target is None or channel is None:
        return NO_CHANNEL
    if alert.kind == Kind.RECOVERED:
        facts = AlertFacts.model_validate(alert.payload)
        thread = thread_of(session, group_id=target.group_id, before_id=alert.id)
        return _post_recovered(services, facts, channel, thread)
    post = _post_renewal if alert.kind == Kind.RENEWAL else _post_crossing
    return post(services, session, alert, channel, delivery)


def _deliver_one(
    services: Services, alert_id: int, waiting: set[int], delivery: OutboxDelivery
) -> bool | None:
    """Post one alert: True sent, False failed (stays pending), None not ours to post now."""
    with transaction(services.sessions) as session:
        alert = claim_alert(session, alert_id)
        if alert is None or alert.group_id in waiting:
            return None
        try:
            outcome = _post(services, session, alert, delivery)
        except ValidationError:  # never postable: it does not hold up the group's later alerts
            mark_failed(session, alert.id, error=UNREADABLE)
            return False
        except OSError as exc:  # a connection error or timeout the client's retries did not cure
            outcome = f"network: {exc.__class__.__name__}"
        if isinstance(outcome, str):
            mark_failed(session, alert.id, error=outcome)
            log.warning("alert %s not delivered: %s", alert.id, outcome,
                        extra={"group_id": alert.group_id, "alert_id": alert.id})  # fmt: skip
            if alert.group_id is not None:  # a digest holds up no one else's
                waiting.add(alert.group_id)
            return False
        mark_sent(session, alert.id, channel=outcome.channel, ts=outcome.ts,
                  thread_ts=outcome.thread_ts, sent_at=services.clock(),
                  payload=outcome.payload)  # fmt: skip
    return True


def deliver_pending(
    services: Services, *, delivery: OutboxDelivery | None = None
) -> DeliveryReport:
    """Post every pending alert, oldest first; what fails stays pending for the next run."""
    delivery = delivery or OutboxDelivery(services.client)
    with transaction(services.sessions) as session:
        ids = pending_alert_ids(session)
    waiting: set[int] = set()  # groups whose earlier alert failed: their later ones wait
    outcomes = [_deliver_one(services, alert_id, waiting, delivery) for alert_id in ids]
    report = DeliveryReport(sent=outcomes.count(True), failed=outcomes.count(False))
    if ids:
        log.info("alerts delivered", extra={"sent": report.sent, "failed": report.failed})
    return report
