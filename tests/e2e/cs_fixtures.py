"""One running csbot for many `/cs` tests: demo data, a frozen app clock, a fake Slack.

Starting the app (and its chart render process) per test would cost seconds each, so the
server is module-scoped and `cs` resets the fake Slack before every test and waits for the
work queue to drain after it.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from csbot.app import http_server
from csbot.config import Settings, load_settings
from csbot.store.db import make_engine, session_factory, transaction, upgrade
from csbot.store.demo import load_demo
from csbot.store.groups import group_names
from csbot.store.records import GroupName
from tests.e2e.conftest import BOT_TOKEN, SIGNING_SECRET, AppServer
from tests.e2e.fakeslack import FakeSlack
from tests.e2e.slackreq import Samples

AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 14, 0, tzinfo=UTC)
CHANNEL = "C0000000001"
USER = "U0000000001"
PNG = b"\x89PNG\r\n\x1a\n"
ACME = "Acme Family Medicine"


def cs_settings(fake: FakeSlack, db: Path) -> Settings:
    return load_settings(
        _env_file=None,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        CSBOT_SLACK_API_URL=fake.api_url,
        CSBOT_DATABASE_URL=f"sqlite:///{db}",
        CSBOT_TIMEZONE="UTC",
        CSBOT_RENDER_WORKERS=1,
    )


def load_demo_db(settings: Settings, *, groups: int, days: int) -> list[GroupName]:
    """Demo groups ending on AS_OF; returns their names."""
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        with transaction(session_factory(engine)) as session:
            load_demo(session, groups=groups, days=days, seed=7, as_of=AS_OF)
            return group_names(session)
    finally:
        engine.dispose()


@contextmanager
def running_app(settings: Settings, fake: FakeSlack) -> Iterator[AppServer]:
    """csbot served as `csbot run --http` serves it, its clock frozen at NOW, until the block
    ends; then the app, its server and `fake` are stopped."""
    server, runtime = http_server(settings, host="127.0.0.1", port=0, clock=lambda: NOW)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = httpx.Client(timeout=10)
    try:
        url = f"http://127.0.0.1:{server.port}"
        yield AppServer(url, settings, runtime, fake, client, Samples())
    finally:
        client.close()
        server.stop()
        thread.join(timeout=10)
        runtime.close()
        fake.stop()


@pytest.fixture(scope="module")
def cs_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, list[GroupName]]]:
    fake = FakeSlack().start()
    settings = cs_settings(fake, tmp_path_factory.mktemp("cs") / "e2e.sqlite3")
    names = load_demo_db(settings, groups=12, days=120)
    with running_app(settings, fake) as app:
        yield app, names


@pytest.fixture(name="cs")
def cs_fixture(cs_app: tuple[AppServer, list[GroupName]]) -> Iterator[AppServer]:
    server, _ = cs_app
    server.fake.reset()
    yield server
    assert server.runtime.services.work.wait_idle(20), "the work queue did not drain"


@pytest.fixture(name="names")
def names_fixture(cs_app: tuple[AppServer, list[GroupName]]) -> list[GroupName]:
    return cs_app[1]


def done(server: AppServer) -> None:
    """Wait until every queued answer has been delivered (no sleeping)."""
    assert server.runtime.services.work.wait_idle(20)


def block(blocks: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    """The block whose block_id starts with `kind` (block ids may carry state after a dot)."""
    return next(b for b in blocks if str(b.get("block_id", "")).split(".")[0] == kind)


def element(blocks: list[dict[str, Any]], action_id: str) -> tuple[dict[str, Any], str]:
    """The interactive element with this action_id, and its block's id."""
    for b in blocks:
        for e in b.get("elements", []) + ([b["accessory"]] if "accessory" in b else []):
            if e.get("action_id") == action_id:
                return e, b["block_id"]
    raise AssertionError(f"no element {action_id!r} in the card")


def click(
    server: AppServer,
    message: dict[str, Any],
    action: dict[str, Any],
    block_id: str,
    *,
    channel: str = CHANNEL,
    ephemeral: bool = False,
    option: dict[str, Any] | None = None,
    user: str | None = None,
) -> httpx.Response:
    """A block_actions request as Slack sends it for a click on `action` in `message` (by the
    samples' user, or `user`)."""
    if ephemeral:
        payload = server.samples.json("block_actions_ephemeral.json")  # Slack sends no message
    else:
        name = "block_actions_static_select.json" if option else "block_actions_button.json"
        payload = server.samples.json(name)
        payload["message"] = copy.deepcopy(message)
    payload["container"].update(message_ts=message.get("ts"), channel_id=channel)
    payload["channel"]["id"] = channel
    if user is not None:
        payload["user"]["id"] = user
    sent = {k: v for k, v in action.items() if k not in ("options", "initial_option")}
    sent.update(block_id=block_id, action_ts="1711893600.000001")
    if option is not None:
        sent["selected_option"] = option
    payload["actions"] = [sent]
    payload["state"] = {"values": {}}
    return server.interaction(payload)
