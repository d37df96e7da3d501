"""Each shape Slack sends, from tests/fixtures/slack, through csbot's own listeners: a DM, an
Enterprise Grid workspace, a first Home open, a closed modal."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import (  # noqa: F401  (fixtures)
    ACME,
    block,
    cs_app,
    cs_fixture,
    done,
    names_fixture,
)

DM = "D0000000001"
GRID_USER = "W0000000001"


def _header(blocks: list[dict[str, Any]]) -> str:
    return str(block(blocks, "header")["text"]["text"])


def test_cs_typed_in_a_dm_answers_in_that_dm(cs: AppServer) -> None:
    assert cs.slash_command("health Acme", sample="slash_command_dm.txt").status_code == 200
    [post] = cs.fake.wait_for("chat.postMessage")
    done(cs)
    assert post.params["channel"] == DM
    [message] = cs.fake.messages(DM)
    assert _header(message["blocks"]) == f"{ACME} · Health"


def test_cs_from_an_enterprise_grid_workspace_answers_the_w_user(cs: AppServer) -> None:
    response = cs.slash_command("health Acme private", sample="slash_command_enterprise.txt")
    assert response.status_code == 200
    [opened] = cs.fake.wait_for("conversations.open")
    [post] = cs.fake.wait_for("chat.postMessage")
    done(cs)
    assert opened.params["users"] == GRID_USER
    assert post.params["channel"] == "D" + GRID_USER[1:]
    assert _header(post.json_param("blocks")) == f"{ACME} · Health"


def test_a_first_home_open_in_an_enterprise_grid_org_publishes_that_users_home(
    cs: AppServer,
) -> None:
    payload = cs.samples.json("app_home_opened_enterprise.json")
    assert "view" not in payload["event"]  # nothing published for them yet
    assert cs.event(payload).status_code == 200
    [published] = cs.fake.wait_for("views.publish")
    done(cs)
    assert published.params["user_id"] == GRID_USER
    view = published.json_param("view")
    assert view["type"] == "home" and _header(view["blocks"]) == "Your portfolio · 0 groups"
    assert (
        "No group has you as its CSM owner yet"
        in block(view["blocks"], "home_empty")["text"]["text"]
    )


def test_a_closed_modal_reaches_no_listener_and_changes_nothing(cs: AppServer) -> None:
    """csbot opens no modal with notify_on_close, so Slack sends it no view_closed; one that
    arrives anyway is Bolt's unhandled request and nothing is sent to Slack."""
    response = cs.interaction(cs.samples.json("view_closed.json"))
    done(cs)
    assert (response.status_code, response.json()) == (404, {"error": "unhandled request"})
    assert cs.fake.calls == []
