"""The alert buttons' listeners: acknowledge and snooze. Each acks, then queues the work.

"Open card" and "Log meeting" on an alert are the cards' own buttons (ActionId.OPEN_CARD with
a private card state, ActionId.LOG_MEETING with the group's), so the `/cs` and modal listeners
answer them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Ack, App

from csbot.alerts.actions import acknowledge_alert, alert_owner, snooze_alert
from csbot.alerts.messages import SNOOZE_DAYS
from csbot.errors import CsbotError
from csbot.services import Services
from csbot.slack.delivery import Delivery, Where
from csbot.slack.ids import ActionId, action_pattern, split_action_id
from csbot.slack.permissions import Action, require
from csbot.slack.slackwords import notice

__all__ = ["register"]

log = logging.getLogger(__name__)
Listener = Callable[..., None]
Work = Callable[[Services, int, str, str | None], None]


def register(app: App, services: Services) -> None:
    app.action(ActionId.ACKNOWLEDGE.value)(_on_click(services, _acknowledge))
    app.action(action_pattern(ActionId.SNOOZE))(_on_click(services, _snooze))


def _acknowledge(services: Services, alert_id: int, user_id: str, suffix: str | None) -> None:
    require(services, user_id, Action.ACKNOWLEDGE, owner=alert_owner(services, alert_id))
    acknowledge_alert(services, alert_id, user_id=user_id)


def _snooze(services: Services, alert_id: int, user_id: str, suffix: str | None) -> None:
    days = int(suffix) if suffix and suffix.isdigit() else SNOOZE_DAYS[0]
    require(services, user_id, Action.SNOOZE, owner=alert_owner(services, alert_id))
    snooze_alert(services, alert_id, days=days, user_id=user_id)


def _on_click(
    services: Services, work: Callable[[Services, int, str, str | None], None]
) -> Listener:
    """Ack, then run `work(services, alert_id, user_id, action suffix)` on the work queue."""

    def on_click(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        value = str(action.get("value") or "")
        if not value.isdigit():
            log.warning(
                "alert button without an alert id", extra={"action": action.get("action_id")}
            )
            return
        _, suffix = split_action_id(str(action["action_id"]))
        user_id = str(body["user"]["id"])

        def job() -> None:
            try:
                work(services, int(value), user_id, suffix)
            except CsbotError as exc:
                log.warning("alert button: %s", exc.message, extra={"alert_id": value})
                _tell(services, body, notice(":no_entry:", exc.message))

        label = str(action.get("action_id"))
        services.work.submit(job, label=label, on_drop=partial(_tell, services, body))

    return on_click


def _tell(services: Services, body: dict[str, Any], text: str) -> None:
    """Only the clicker sees why nothing happened (e.g. who may acknowledge)."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
    where = Where(str(channel), str(body["user"]["id"]), body.get("response_url"))
    Delivery(services.client).tell(where, text)
