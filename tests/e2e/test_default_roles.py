"""Roles out of the box: csbot run with neither CSBOT_ADMINS nor CSBOT_LEADS set.

The Slack workspace's owners and admins (users.info `is_owner` / `is_admin`) are csbot admins,
asked of Slack once and kept; each group's CSM acknowledges and snoozes that group's alerts;
everyone else is told whom to ask; App Home says what each person may do.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.alert_rows import click_alert, group_row, handled, posted_alert, said
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import cs_settings, load_demo_db, running_app
from tests.e2e.fakeslack import FakeSlack

ACME = "Acme Family Medicine"
WS_ADMIN, WS_OWNER = "U0WSADMIN1", "U0WSOWNER1"
MEMBER = "U0000000001"  # owns nothing
ASK = "a Slack workspace admin (csbot's admins while CSBOT_ADMINS is unset)"


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    fake = FakeSlack().start()
    settings = cs_settings(fake, tmp_path_factory.mktemp("roles") / "e2e.sqlite3")
    assert settings.admin_ids == () and settings.lead_ids == ()
    load_demo_db(settings, groups=12, days=120)
    with running_app(settings, fake) as app:
        yield app


@pytest.fixture
def app(bare_app: AppServer) -> Iterator[AppServer]:
    bare_app.fake.reset()
    bare_app.fake.add_user(WS_ADMIN, name="ws.admin", is_admin=True, is_owner=False)
    bare_app.fake.add_user(WS_OWNER, name="ws.owner", is_admin=False, is_owner=True)
    bare_app.runtime.services.workspace_admins.clear()
    yield bare_app
    assert bare_app.runtime.services.work.wait_idle(20)


@pytest.fixture
def alert(app: AppServer) -> Iterator[tuple[int, int]]:
    with posted_alert(app, ACME, key="e2e-default-roles") as ids:
        yield ids


def _asked_about(app: AppServer) -> list[str]:
    return [str(c.params["user"]) for c in app.fake.calls_to("users.info")]


def test_a_workspace_admin_handles_alerts_and_exports_with_no_roles_set(
    app: AppServer, alert: tuple[int, int]
) -> None:
    click_alert(app, WS_ADMIN, "acknowledge", alert[0])
    click_alert(app, WS_ADMIN, "snooze:30", alert[0])
    assert said(app) == []
    acknowledged_by, until = handled(app, alert[0])
    assert acknowledged_by == WS_ADMIN and until is not None
    assert _asked_about(app) == [WS_ADMIN]  # once for both clicks
    app.fake.clear()
    assert app.slash_command("export list", user_id=WS_ADMIN).status_code == 200
    assert app.runtime.services.work.wait_idle(20)
    [done] = app.fake.calls_to("files.completeUploadExternal")
    assert done.params["channel_id"] == "D" + WS_ADMIN[1:]
    assert _asked_about(app) == []  # still kept


def test_a_member_is_refused_and_told_to_ask_the_csm_or_a_workspace_admin(
    app: AppServer, alert: tuple[int, int]
) -> None:
    _, acme_csm = group_row(app, ACME)
    click_alert(app, MEMBER, "acknowledge", alert[0])
    assert said(app) == [
        ":no_entry: Only leads and the group's CSM can acknowledge alerts, and csbot has no "
        f"leads yet: ask <@{acme_csm}> (its CSM) or {ASK} to do it or to add leads to "
        "CSBOT_LEADS."
    ]
    assert handled(app, alert[0]) == (None, None)
    assert _asked_about(app) == [MEMBER]
    app.fake.clear()
    assert app.slash_command("export list", user_id=MEMBER).status_code == 200
    assert app.runtime.services.work.wait_idle(20)
    assert said(app) == [
        ":no_entry: Only leads can export the portfolio, and csbot has no leads yet: "
        f"ask {ASK} to do it or to add leads to CSBOT_LEADS."
    ]


def test_the_groups_csm_snoozes_its_alert_with_no_roles_set(
    app: AppServer, alert: tuple[int, int]
) -> None:
    _, acme_csm = group_row(app, ACME)
    assert acme_csm is not None
    click_alert(app, acme_csm, "snooze:7", alert[0])
    assert said(app) == []
    assert handled(app, alert[0])[1] is not None


def test_the_groups_csm_exports_its_numbers_with_no_roles_set(app: AppServer) -> None:
    _, acme_csm = group_row(app, ACME)
    assert acme_csm is not None
    assert app.slash_command(f'export "{ACME}"', user_id=acme_csm).status_code == 200
    assert app.runtime.services.work.wait_idle(20)
    assert said(app) == [
        ":page_facing_up: Sent *csbot-acme-family-medicine-overview-30d-2026-03-31.csv* (1 row) "
        "to your DMs."
    ]
    [done] = app.fake.calls_to("files.completeUploadExternal")
    assert done.params["channel_id"] == "D" + acme_csm[1:]
    [item] = json.loads(done.params["files"])
    rows = list(csv.DictReader(io.StringIO(app.fake.state.uploads[item["id"]].decode("utf-8"))))
    assert [r["group"] for r in rows] == [ACME]


def _home(app: AppServer, user: str) -> dict[str, Any]:
    payload = app.samples.json("app_home_opened.json")
    payload["event"].update(user=user, tab="home")
    assert app.event(payload).status_code == 200
    app.fake.wait_for("views.publish")
    assert app.runtime.services.work.wait_idle(20)
    view: dict[str, Any] = app.fake.calls_to("views.publish")[-1].json_param("view")
    app.fake.clear()
    return view


def _role_line(view: dict[str, Any]) -> str:
    [context] = [b for b in view["blocks"] if b.get("block_id") == "context"]
    return str(context["elements"][-1]["text"])


def _actions(view: dict[str, Any]) -> list[str]:
    [buttons] = [b for b in view["blocks"] if b.get("block_id") == "actions"]
    return [str(e["action_id"]) for e in buttons["elements"]]


def test_app_home_says_what_each_person_may_do(app: AppServer) -> None:
    owner = _home(app, WS_OWNER)
    assert owner["blocks"][0]["text"]["text"] == "Portfolio · all 12 groups"
    assert _role_line(owner) == (
        "You are a csbot admin (a Slack workspace admin): you acknowledge and snooze any alert "
        "and export the portfolio"
    )
    assert "export:list" in _actions(owner)
    _, acme_csm = group_row(app, ACME)
    assert acme_csm is not None
    csm = _home(app, acme_csm)
    assert csm["blocks"][0]["text"]["text"].startswith("Your portfolio · ")
    assert _role_line(csm) == "You are these groups' CSM: you acknowledge and snooze their alerts"
    assert "export:list" not in _actions(csm)
    member = _home(app, MEMBER)
    assert _role_line(member) == (
        "Each group's CSM, the leads and the admins acknowledge and snooze its alerts"
    )
