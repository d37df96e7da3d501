"""A delivered alert to click on, for the alert button tests: the outbox row (sent, with its
Slack ts), the group's alert state, and the clicks and reads the tests make on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import httpx
from sqlalchemy import delete, select

from csbot.alerts.messages import AlertFacts
from csbot.scoring.types import Band
from csbot.store.db import transaction
from csbot.store.models import Alert, AlertState, PhysicianGroup
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import AS_OF, CHANNEL, NOW

TS = "1711893600.000100"


def group_row(server: AppServer, name: str) -> tuple[int, str | None]:
    """The group's id and its CSM owner's Slack id."""
    with transaction(server.runtime.services.sessions) as session:
        row = session.execute(
            select(PhysicianGroup.id, PhysicianGroup.csm_owner).where(PhysicianGroup.name == name)
        ).one()
    return int(row[0]), row[1]


def _facts(group_id: int, name: str) -> dict[str, Any]:
    facts = AlertFacts(group_id=group_id, group=name, kind="crossing",
                       from_band=Band.NEEDS_ATTENTION, to_band=Band.CRITICAL, day=AS_OF,
                       window_days=30, score="30.0", change=-12.0)  # fmt: skip
    return facts.model_dump(mode="json")


@contextmanager
def posted_alert(server: AppServer, name: str, *, key: str) -> Iterator[tuple[int, int]]:
    """A Critical alert for group `name` as delivered to CHANNEL; (alert id, group id). Both
    the row and the group's alert state are gone after the block."""
    group, _ = group_row(server, name)
    sessions = server.runtime.services.sessions
    with transaction(sessions) as session:
        row = Alert(group_id=group, kind="crossing", from_band="Needs Attention",
                    to_band="Critical", day=AS_OF, idempotency_key=key, state="sent",
                    payload=_facts(group, name), channel=CHANNEL, slack_ts=TS, attempts=1,
                    created_at=NOW)  # fmt: skip
        session.add(row)
        session.merge(
            AlertState(group_id=group, band="Critical", score=30.0, since=AS_OF, updated_at=NOW)
        )
        session.flush()
        alert_id = row.id
    try:
        yield alert_id, group
    finally:
        with transaction(sessions) as session:
            session.execute(delete(Alert).where(Alert.idempotency_key == key))
            session.execute(delete(AlertState).where(AlertState.group_id == group))


def click_alert(server: AppServer, user: str, action_id: str, alert_id: int) -> httpx.Response:
    """A click by `user` on the alert message's button `action_id`; waits for the answer."""
    payload: dict[str, Any] = server.samples.json("block_actions_button.json")
    payload["user"]["id"] = user
    payload["channel"]["id"] = CHANNEL
    payload["container"].update(message_ts=TS, channel_id=CHANNEL, is_ephemeral=False)
    payload["actions"] = [
        {
            "type": "button",
            "action_id": action_id,
            "block_id": "actions",
            "value": str(alert_id),
            "action_ts": "1711893600.000200",
            "text": {"type": "plain_text", "text": "Acknowledge"},
        }
    ]
    response = server.interaction(payload)
    assert server.runtime.services.work.wait_idle(20)
    return response


def handled(server: AppServer, alert_id: int) -> tuple[str | None, date | None]:
    """Who acknowledged the alert, and until when its group is snoozed."""
    with transaction(server.runtime.services.sessions) as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        state = session.get(AlertState, alert.group_id)
        return alert.acknowledged_by, state.snoozed_until if state else None


def said(server: AppServer) -> list[str]:
    """What the clicker was told (ephemeral, through the response_url)."""
    return [str(c.params.get("text")) for c in server.fake.calls_to("response_url")]
