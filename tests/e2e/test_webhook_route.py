"""The running app (as `csbot run --http` starts it) routes signed webhooks into the store."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from csbot.config import Settings
from csbot.store import models as m
from csbot.store.csv_import import import_csv
from csbot.webhooks import signed_headers
from tests.e2e.conftest import AppServer
from tests.integration.ingest_support import EXAMPLES

SECRET = "e2e-webhook-secret-do-not-log"


@pytest.fixture
def e2e_settings(e2e_settings: Settings) -> Settings:
    return e2e_settings.model_copy(update={"webhook_secret": SecretStr(SECRET)})


def test_a_signed_ticket_reaches_the_database(app_server: AppServer) -> None:
    sessions = app_server.runtime.services.sessions
    import_csv(sessions, kind="groups", path=EXAMPLES / "groups.csv", now=datetime.now(UTC))
    body = json.dumps({"group": "CVP-001", "external_id": "HD-7", "subject": "SSO loops",
                       "category": "technical", "priority": "urgent", "status": "open",
                       "opened_at": "2026-06-05T09:00:00Z"}).encode()  # fmt: skip
    headers = signed_headers(SECRET, body, timestamp=int(datetime.now(UTC).timestamp()))
    response = app_server.http.post(f"{app_server.url}/webhooks/tickets", content=body,
                                    headers=headers)  # fmt: skip
    assert response.status_code == 200, response.text
    with sessions() as session:
        assert session.scalars(select(m.Ticket.external_id)).all() == ["HD-7"]
    unsigned = app_server.http.post(f"{app_server.url}/webhooks/tickets", content=body)
    assert unsigned.status_code == 401
    assert app_server.fake.calls == []  # nothing of it went to Slack
