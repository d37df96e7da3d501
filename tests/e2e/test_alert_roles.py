"""Alert buttons and roles end to end: only leads (and admins) acknowledge or snooze, a refusal
tells the clicker who can, and every acknowledgement and snooze lands in the audit trail.

The alert listeners (csbot.alerts.listeners) are attached to the running app here, as the
harness tests attach theirs, when the app does not register them itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select

from csbot.alerts import listeners as alert_listeners
from csbot.alerts.messages import AlertFacts
from csbot.scoring.types import Band
from csbot.store.db import transaction
from csbot.store.models import Alert, AlertState, PhysicianGroup
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import AS_OF, CHANNEL, NOW
from tests.e2e.portfolio_fixtures import (  # noqa: F401  (fixtures)
    GROUPIE,
    LEAD,
    MEMBER,
    audit_rows,
    drain,
    last_audit_id,
    portfolio_app,
    portfolio_fixture,
)

TS = "1711893600.000100"
KEY = "e2e-alert-roles"


def _with_alert_buttons(server: AppServer) -> None:
    app, services = server.runtime.app, server.runtime.services
    if not any("acknowledge" in str(listener.matchers) for listener in app._listeners):
        alert_listeners.register(app, services)


@pytest.fixture
def alert(portfolio: AppServer) -> Iterator[tuple[int, int]]:
    """A delivered Critical alert for Acme, with its alert state; (alert id, group id)."""
    _with_alert_buttons(portfolio)
    sessions = portfolio.runtime.services.sessions
    with transaction(sessions) as session:
        group = session.scalar(
            select(PhysicianGroup.id).where(PhysicianGroup.name == "Acme Family Medicine")
        )
        row = Alert(
            group_id=group,
            kind="crossing",
            from_band="Needs Attention",
            to_band="Critical",
            day=AS_OF,
            idempotency_key=KEY,
            state="sent",
            payload=_facts(group),
            channel=CHANNEL,
            slack_ts=TS,
            attempts=1,
            created_at=NOW,
        )
        session.add(row)
        session.merge(
            AlertState(group_id=group, band="Critical", score=30.0, since=AS_OF, updated_at=NOW)
        )
        session.flush()
        ids = (row.id, int(group or 0))
    yield ids
    with transaction(sessions) as session:
        session.execute(delete(Alert).where(Alert.idempotency_key == KEY))
        session.execute(delete(AlertState).where(AlertState.group_id == ids[1]))


def _facts(group_id: int | None) -> dict[str, Any]:
    facts = AlertFacts(
        group_id=group_id or 0,
        group="Acme Family Medicine",
        kind="crossing",
        from_band=Band.NEEDS_ATTENTION,
        to_band=Band.CRITICAL,
        day=AS_OF,
        window_days=30,
        score="30.0",
        change=-12.0,
    )
    return facts.model_dump(mode="json")


def _click(server: AppServer, user: str, action_id: str, alert_id: int) -> httpx.Response:
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
    drain(server)
    return response


def _stored(server: AppServer, alert_id: int) -> tuple[str | None, Any]:
    with transaction(server.runtime.services.sessions) as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        state = session.get(AlertState, alert.group_id)
        return alert.acknowledged_by, state.snoozed_until if state else None


def _said(server: AppServer) -> list[str]:
    return [str(c.params.get("text")) for c in server.fake.calls_to("response_url")]


def test_a_member_may_not_acknowledge_and_is_told_who_can(
    portfolio: AppServer, alert: tuple[int, int]
) -> None:
    before = last_audit_id(portfolio)
    assert _click(portfolio, MEMBER, "acknowledge", alert[0]).status_code == 200
    assert _said(portfolio) == [
        ":no_entry: Only leads can acknowledge alerts: ask <@U0LEAD0001> or an admin."
    ]
    assert _stored(portfolio, alert[0]) == (None, None)
    assert portfolio.fake.calls_to("chat.update") == []
    assert audit_rows(portfolio, after=before) == []


def test_a_lead_acknowledges_once_and_it_is_audited(
    portfolio: AppServer, alert: tuple[int, int]
) -> None:
    before = last_audit_id(portfolio)
    _click(portfolio, LEAD, "acknowledge", alert[0])
    assert _stored(portfolio, alert[0])[0] == LEAD
    assert portfolio.fake.calls_to("chat.update")  # the alert redrawn with who has it
    _click(portfolio, GROUPIE, "acknowledge", alert[0])  # an admin, later: the first stands
    assert _stored(portfolio, alert[0])[0] == LEAD
    [entry] = audit_rows(portfolio, after=before)
    assert (entry.actor, entry.action, entry.group_id) == (LEAD, "acknowledge", alert[1])
    assert entry.detail == {"alert_id": alert[0]}


def test_snooze_needs_a_lead_and_is_audited(portfolio: AppServer, alert: tuple[int, int]) -> None:
    before = last_audit_id(portfolio)
    _click(portfolio, MEMBER, "snooze:7", alert[0])
    assert _said(portfolio) == [
        ":no_entry: Only leads can snooze alerts: ask <@U0LEAD0001> or an admin."
    ]
    assert _stored(portfolio, alert[0])[1] is None
    _click(portfolio, GROUPIE, "snooze:30", alert[0])
    until = _stored(portfolio, alert[0])[1]
    assert until is not None and until.isoformat() == "2026-04-30"
    [entry] = audit_rows(portfolio, after=before)
    assert (entry.actor, entry.action, entry.group_id) == (GROUPIE, "snooze", alert[1])
    assert entry.detail == {"alert_id": alert[0], "until": "2026-04-30"}
