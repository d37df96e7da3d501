"""One running csbot with roles configured, for App Home and export tests.

Demo data as in cs_fixtures (12 groups to AS_OF, clock frozen at NOW), plus `CSBOT_LEADS` (a
user) and `CSBOT_ADMINS` (a user group whose members the fake Slack lists). Module-scoped like
cs_fixtures; `portfolio` resets the fake Slack before each test and waits for the queue after.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from csbot.config import Settings
from csbot.scoring.config import default_config
from csbot.store.audit import AuditEntry, list_audit
from csbot.store.db import make_engine, session_factory, transaction
from csbot.store.recompute import recompute
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import AS_OF, NOW, cs_settings, load_demo_db, running_app
from tests.e2e.fakeslack import FakeSlack

CSM = "U0CSM0003"  # owns Fairview Oncology (onboarding), Redwood Pediatrics, Highland Endocrinology
CSM_GROUPS = {"Fairview Oncology", "Redwood Pediatrics Physicians", "Highland Endocrinology Group"}
LEAD = "U0LEAD0001"
ADMINS = "S0ADMINS01"
GROUPIE = "U0ADMIN001"  # in the admins' user group
MEMBER = "U0000000001"  # the samples' user: owns nothing, no role


def portfolio_settings(fake: FakeSlack, db: Path) -> Settings:
    return cs_settings(fake, db).model_copy(update={"leads": LEAD, "admins": ADMINS})


def _snapshots(settings: Settings, *, days: int) -> None:
    """Daily snapshots for the days before AS_OF, so Home has a portfolio trend to draw."""
    engine = make_engine(settings.database_url)
    try:
        for back in range(days, 0, -1):
            with transaction(session_factory(engine)) as session:
                recompute(
                    session,
                    as_of=AS_OF - timedelta(days=back),
                    computed_at=NOW,
                    config=default_config(),
                )
    finally:
        engine.dispose()


def _usergroups(call: Any) -> dict[str, Any]:
    members = [GROUPIE] if call.params.get("usergroup") == ADMINS else []
    return {"ok": True, "users": members}


@pytest.fixture(scope="module")
def portfolio_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    fake = FakeSlack().start()
    settings = portfolio_settings(fake, tmp_path_factory.mktemp("home") / "e2e.sqlite3")
    load_demo_db(settings, groups=12, days=120)
    _snapshots(settings, days=10)
    with running_app(settings, fake) as app:
        yield app


@pytest.fixture(name="portfolio")
def portfolio_fixture(portfolio_app: AppServer) -> Iterator[AppServer]:
    server = portfolio_app
    server.fake.reset()
    server.fake.answer("usergroups.users.list", _usergroups)
    server.runtime.services.usergroups.clear()
    yield server
    assert server.runtime.services.work.wait_idle(20), "the work queue did not drain"


def drain(server: AppServer) -> None:
    assert server.runtime.services.work.wait_idle(20)


def audit_rows(server: AppServer, after: int = 0) -> list[AuditEntry]:
    """Audit rows with an id above `after`, newest first (the module's tests share one database)."""
    with transaction(server.runtime.services.sessions) as session:
        return [e for e in list_audit(session) if e.id > after]


def last_audit_id(server: AppServer) -> int:
    return max((e.id for e in audit_rows(server)), default=0)


def home_click(
    server: AppServer, view: dict[str, Any], action: dict[str, Any], block_id: str, user: str
) -> httpx.Response:
    """A block_actions request for a click on `action` in a published home `view`."""
    payload = server.samples.json("block_actions_home.json")  # no channel, no response_url
    payload["user"]["id"] = user
    payload["container"]["view_id"] = view["id"]
    payload["view"].update(view)
    sent = {k: v for k, v in action.items() if k not in ("text", "style")}
    payload["actions"] = [{**sent, "block_id": block_id, "action_ts": "1711893600.000001"}]
    payload["state"] = {"values": {}}
    return server.interaction(payload)
