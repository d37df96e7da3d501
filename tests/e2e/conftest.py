"""e2e fixtures: a fake Slack Web API, and the real app served over HTTP in-process.

`app_server` starts csbot exactly as `csbot run --http` does (csbot.app.http_server: credentials
check, schema upgrade, create the app, waitress), on a free port, talking to `fake_slack`.
Override `app_clock` in a test module to freeze the app's clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from csbot.app import Runtime, http_server
from csbot.config import Settings, load_settings
from csbot.server import HttpServer
from tests.e2e.fakeslack import FakeSlack
from tests.e2e.slackreq import (
    FORM,
    JSON,
    Samples,
    event_body,
    interaction_body,
    signed_headers,
    with_response_url,
)

BOT_TOKEN = "xoxb-e2e-bot-token-do-not-log"
SIGNING_SECRET = "e2e-signing-secret-do-not-log"
APP_TOKEN = "xapp-e2e-app-token-do-not-log"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def e2e_settings(fake_slack: FakeSlack, tmp_path: Path) -> Settings:
    """Settings for the app under test: fake Slack, a fresh SQLite file, test credentials."""
    return load_settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        CSBOT_SLACK_API_URL=fake_slack.api_url,
        CSBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'e2e.sqlite3'}",
    )


@pytest.fixture
def app_clock() -> Callable[[], datetime]:
    return lambda: datetime.now(UTC)


@dataclass
class AppServer:
    """The running app. `fake.calls` holds only what happened after start-up (auth.test cleared)."""

    url: str
    settings: Settings
    runtime: Runtime
    fake: FakeSlack
    http: httpx.Client
    samples: Samples

    def get(self, path: str) -> httpx.Response:
        return self.http.get(self.url + path)

    def post_signed(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SIGNING_SECRET,
        path: str = "/slack/events",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST `body` signed as Slack would (now, or at `timestamp`; with `secret`)."""
        sent = signed_headers(secret, body, content_type, timestamp=timestamp) | (headers or {})
        return self.http.post(self.url + path, content=body, headers=sent)

    def slash_command(self, text: str, **fields: str) -> httpx.Response:
        """`/cs <text>` from the sample (channel C0000000001, user U0000000001), with its
        response_url on the fake; any form field can be replaced."""
        fields.setdefault("response_url", self.fake.response_url("command"))
        return self.post_signed(self.samples.slash_command(text, **fields), FORM)

    def interaction(self, payload: dict[str, Any]) -> httpx.Response:
        """An interactivity payload (e.g. `samples.json("block_actions_button.json")`)."""
        payload = with_response_url(payload, self.fake.response_url("interaction"))
        return self.post_signed(interaction_body(payload), FORM)

    def event(self, payload: dict[str, Any]) -> httpx.Response:
        return self.post_signed(event_body(payload), JSON)


def _serve(server: HttpServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="csbot-e2e-http", daemon=True)
    thread.start()
    return thread


@pytest.fixture
def app_server(
    e2e_settings: Settings, fake_slack: FakeSlack, app_clock: Callable[[], datetime]
) -> Iterator[AppServer]:
    server, runtime = http_server(e2e_settings, host="127.0.0.1", port=0, clock=app_clock)
    thread = _serve(server)
    fake_slack.clear()
    client = httpx.Client(timeout=10)
    try:
        url = f"http://127.0.0.1:{server.port}"
        yield AppServer(url, e2e_settings, runtime, fake_slack, client, Samples())
    finally:
        client.close()
        server.stop()
        thread.join(timeout=10)
        runtime.close()


@pytest.fixture
def post_signed(app_server: AppServer) -> Callable[..., httpx.Response]:
    """`post_signed(body_bytes, content_type, timestamp=None, secret=..., path=...)`."""
    return app_server.post_signed


@pytest.fixture
def slack_samples() -> Samples:
    return Samples()
