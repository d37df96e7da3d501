"""An alert's buttons through the real app over signed HTTP: acknowledge and snooze write the
database and redraw the alert in place; Open card brings the group's card to the clicker."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from csbot.alerts.jobs import run_daily
from csbot.config import Settings, load_settings
from csbot.scoring.config import default_config
from csbot.slack.render import InlineRenderer
from csbot.store import models as m
from csbot.store.db import transaction
from csbot.store.demo import Archetype
from csbot.store.recompute import recompute
from tests.e2e.conftest import BOT_TOKEN, SIGNING_SECRET, AppServer
from tests.e2e.fakeslack import FakeSlack
from tests.integration.alert_support import AS_OF, DEFAULT_CHANNEL, load_demo_groups

NOW = datetime(2026, 3, 31, 6, 0, tzinfo=UTC)  # 08:00 in Berlin
LEAD = "U0000000001"  # the samples' user, made a lead here


@pytest.fixture
def e2e_settings(fake_slack: FakeSlack, tmp_path: Path) -> Settings:
    return load_settings(
        _env_file=None,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        CSBOT_SLACK_API_URL=fake_slack.api_url,
        CSBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'buttons.sqlite3'}",
        CSBOT_DEFAULT_CHANNEL=DEFAULT_CHANNEL,
        CSBOT_TIMEZONE="Europe/Berlin",
        CSBOT_LEADS=LEAD,
        CSBOT_RENDER_WORKERS="1",
    )


@pytest.fixture
def app_clock() -> Callable[[], datetime]:
    return lambda: NOW


@pytest.fixture
def acme_alert(app_server: AppServer) -> m.Alert:
    """The morning run posted the demo's alerts; Acme's, as stored."""
    services = replace(app_server.runtime.services, renderer=InlineRenderer())
    groups = load_demo_groups(services.sessions)
    for back in range(14, 0, -1):  # two weeks of snapshots: the alert's chart has a line
        with transaction(services.sessions) as session:
            recompute(
                session,
                as_of=AS_OF - timedelta(days=back),
                computed_at=NOW,
                config=default_config(),
            )
    run_daily(services, day=AS_OF)
    with transaction(services.sessions) as session:
        acme = groups[Archetype.DECLINING][0]
        acme_alerts = select(m.Alert).where(m.Alert.group_id == acme, m.Alert.kind == "crossing")
        alert = session.scalars(acme_alerts).one()
    assert alert.state == "sent" and alert.slack_ts
    app_server.fake.clear()
    return alert


def _click(server: AppServer, alert: m.Alert, action_id: str, value: str) -> None:
    payload: dict[str, Any] = server.samples.json("block_actions_button.json")
    payload["user"]["id"] = LEAD
    payload["channel"]["id"] = alert.channel
    payload["container"].update(message_ts=alert.slack_ts, channel_id=alert.channel)
    payload["message"]["ts"] = alert.slack_ts
    payload["actions"] = [
        {
            "type": "button",
            "action_id": action_id,
            "block_id": "alert_buttons",
            "value": value,
            "action_ts": "1774936800.000200",
            "text": {"type": "plain_text", "text": "a button"},
        }
    ]
    assert server.interaction(payload).status_code == 200
    assert server.runtime.services.work.wait_idle(20)


def _stored(server: AppServer, alert_id: int) -> tuple[m.Alert, m.AlertState]:
    with transaction(server.runtime.services.sessions) as session:
        alert = session.get(m.Alert, alert_id)
        assert alert is not None
        state = session.get(m.AlertState, alert.group_id)
        assert state is not None
        return alert, state


def _update_text(server: AppServer) -> tuple[dict[str, Any], str]:
    (update,) = server.fake.calls_to("chat.update")
    return update.params, json.dumps(update.json_param("blocks"), ensure_ascii=False)


def test_acknowledge_records_who_and_when_and_redraws_the_alert(
    app_server: AppServer, acme_alert: m.Alert
) -> None:
    _click(app_server, acme_alert, "acknowledge", str(acme_alert.id))
    alert, _ = _stored(app_server, acme_alert.id)
    assert (alert.acknowledged_by, alert.acknowledged_at) == (LEAD, NOW)
    params, blocks = _update_text(app_server)
    assert (params["channel"], params["ts"]) == (acme_alert.channel, acme_alert.slack_ts)
    assert f"Acknowledged by <@{LEAD}> on 31 Mar 2026 at 08:00 CEST" in blocks
    assert '"action_id": "acknowledge"' not in blocks  # done: the button goes
    file_id = acme_alert.payload.get("chart_file_id")
    assert file_id and f'"slack_file": {{"id": "{file_id}"}}' in blocks  # the same chart


def test_snooze_holds_the_group_and_says_until_when(
    app_server: AppServer, acme_alert: m.Alert
) -> None:
    _click(app_server, acme_alert, "snooze:7", str(acme_alert.id))
    _, state = _stored(app_server, acme_alert.id)
    assert (state.snoozed_until, state.snoozed_by) == (date(2026, 4, 7), LEAD)
    _, blocks = _update_text(app_server)
    assert f"Snoozed by <@{LEAD}>: no new alerts for this group until 7 Apr 2026" in blocks
    assert '"action_id": "acknowledge"' in blocks  # still to be acknowledged


def test_open_card_brings_the_groups_card_to_the_clicker(
    app_server: AppServer, acme_alert: m.Alert
) -> None:
    buttons = next(b for b in acme_alert_blocks(app_server, acme_alert) if b["type"] == "actions")[
        "elements"
    ]
    open_card = next(b for b in buttons if b["action_id"].startswith("open_card"))
    _click(app_server, acme_alert, open_card["action_id"], open_card["value"])
    (post,) = app_server.fake.wait_for("chat.postMessage")
    assert str(post.params["channel"]).startswith("D")  # a DM: only the clicker sees it
    assert str(post.params["text"]).startswith("Acme Family Medicine · Overview")


def acme_alert_blocks(server: AppServer, alert: m.Alert) -> list[dict[str, Any]]:
    """The alert's blocks as Slack holds them."""
    (message,) = [x for x in server.fake.messages(str(alert.channel)) if x["ts"] == alert.slack_ts]
    blocks: list[dict[str, Any]] = message["blocks"]
    return blocks
