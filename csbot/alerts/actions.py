"""What the alert buttons do: acknowledge (who and when) and snooze (7 or 30 days), then
redraw the alert in place from what the database now says, so the message shows it."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk.errors import SlackClientError

from csbot.alerts.crossing import Kind
from csbot.alerts.messages import AlertFacts, Handled, alert_card, posted_chart
from csbot.alerts.renewal_card import RenewalFacts, posted_renewal_chart, renewal_card
from csbot.errors import NotFoundError
from csbot.services import Services, today
from csbot.slack import blockkit as bk
from csbot.slack.message import Card
from csbot.store.alert_state import alert_states, snooze
from csbot.store.audit import AuditAction, record
from csbot.store.db import DbSession, transaction
from csbot.store.outbox import AlertRecord, acknowledge, alert_targets, get_alert

__all__ = ["acknowledge_alert", "alert_owner", "redraw_alert", "snooze_alert"]

log = logging.getLogger(__name__)


def alert_owner(services: Services, alert_id: int) -> str | None:
    """The Slack id of the CSM who owns the alert's group now (who may handle it), if any."""
    with transaction(services.sessions) as session:
        group_id = _group_of(session, alert_id)
        target = alert_targets(session, group_ids=[group_id]).get(group_id)
    return target.csm_owner if target else None


def _group_of(session: DbSession, alert_id: int) -> int:
    """The alert's group; an alert id that is a digest's (no group) is not an alert."""
    group_id = get_alert(session, alert_id).group_id
    if group_id is None:
        raise NotFoundError(f"there is no alert with id {alert_id}")
    return group_id


def acknowledge_alert(services: Services, alert_id: int, *, user_id: str) -> AlertRecord:
    """Record that `user_id` has it in hand (the first acknowledgement stands); redraw."""
    now = services.clock()
    with transaction(services.sessions) as session:
        _group_of(session, alert_id)
        alert = acknowledge(session, alert_id, user_id=user_id, at=now)
        if alert.acknowledged_by == user_id and alert.acknowledged_at == now:  # this click wrote
            record(
                session,
                actor=user_id,
                action=AuditAction.ACKNOWLEDGE,
                group_id=alert.group_id,
                at=now,
                detail={"alert_id": alert.id},
            )
    redraw_alert(services, alert)
    return alert


def snooze_alert(services: Services, alert_id: int, *, days: int, user_id: str) -> AlertRecord:
    """No worse-alerts for the alert's group for `days` days from today; redraw."""
    until = today(services) + timedelta(days=days)
    with transaction(services.sessions) as session:
        group_id = _group_of(session, alert_id)
        alert = get_alert(session, alert_id)
        snooze(session, group_id=group_id, until=until, by=user_id, updated_at=services.clock())
        record(
            session,
            actor=user_id,
            action=AuditAction.SNOOZE,
            group_id=alert.group_id,
            at=services.clock(),
            detail={"alert_id": alert.id, "until": until.isoformat()},
        )
    redraw_alert(services, alert)
    return alert


def _handled(services: Services, alert: AlertRecord) -> Handled:
    gid = alert.group_id or 0
    with transaction(services.sessions) as session:
        state = alert_states(session, group_ids=[gid]).get(gid)
    snoozed = state is not None and state.snoozed_until and state.snoozed_until > today(services)
    return Handled(
        acknowledged_by=alert.acknowledged_by,
        acknowledged_at=alert.acknowledged_at,
        snoozed_by=state.snoozed_by if state and snoozed else None,
        snoozed_until=state.snoozed_until if state and snoozed else None,
    )


def _card(services: Services, alert: AlertRecord, handled: Handled) -> tuple[Card, str | None]:
    """The alert's card as posted, with who handled it, and its chart's file id."""
    tz = services.settings.tz
    if alert.kind == Kind.RENEWAL:
        renewal = RenewalFacts.model_validate(alert.payload)
        chart = posted_renewal_chart(renewal)
        card = renewal_card(renewal, alert_id=alert.id, tz=tz, handled=handled, chart=chart)
        return card, renewal.chart_file_id
    facts = AlertFacts.model_validate(alert.payload)
    card = alert_card(facts, alert_id=alert.id, tz=tz, handled=handled, chart=posted_chart(facts))
    return card, facts.chart_file_id


def redraw_alert(services: Services, alert: AlertRecord) -> bool:
    """Update the posted alert with who acknowledged or snoozed it; False if it cannot be."""
    if alert.channel is None or alert.slack_ts is None:
        return False
    card, chart_file_id = _card(services, alert, _handled(services, alert))
    try:
        blocks = card.blocks(chart_file_id=chart_file_id)
        services.client.chat_update(
            channel=alert.channel, ts=alert.slack_ts, **bk.message(card.text, blocks)
        )
    except (SlackClientError, OSError) as exc:
        log.warning("could not redraw alert %s: %s", alert.id, exc.__class__.__name__)
        return False
    return True
