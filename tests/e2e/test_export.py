"""Exports end to end: `/cs export` and Export buttons send a CSV to the person's DM holding the
numbers the card shows, only to whom the roles allow, each one in the audit trail."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from csbot.commands.card import CardState
from csbot.commands.listing import ListState
from csbot.commands.panels.base import Panel
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import CHANNEL
from tests.e2e.fakeslack import Call
from tests.e2e.portfolio_fixtures import (  # noqa: F401  (fixtures)
    LEAD,
    MEMBER,
    audit_rows,
    drain,
    home_click,
    last_audit_id,
    portfolio_app,
    portfolio_fixture,
)

ACME = "Acme Family Medicine"


def _command(server: AppServer, text: str, user: str = MEMBER) -> dict[str, Any]:
    response = server.slash_command(text, user_id=user)
    assert response.status_code == 200
    drain(server)
    ack: dict[str, Any] = response.json()
    return ack


def _said(server: AppServer) -> list[str]:
    return [str(c.params.get("text")) for c in server.fake.calls_to("response_url")]


def _csv(server: AppServer) -> tuple[Call, list[dict[str, str]]]:
    [done] = server.fake.calls_to("files.completeUploadExternal")
    [item] = json.loads(done.params["files"])
    content = server.fake.state.uploads[item["id"]].decode("utf-8")
    return done, list(csv.DictReader(io.StringIO(content)))


def _card(server: AppServer, text: str) -> list[dict[str, Any]]:
    server.fake.reset()
    assert server.slash_command(text, user_id=MEMBER).status_code == 200
    server.fake.wait_for("chat.postMessage")
    drain(server)
    [message] = server.fake.messages(CHANNEL)
    blocks: list[dict[str, Any]] = message["blocks"]
    return blocks


def test_a_member_exports_a_groups_overview_to_their_dm(portfolio: AppServer) -> None:
    before = last_audit_id(portfolio)
    ack = _command(portfolio, "export Acme")
    assert ack["response_type"] == "ephemeral"
    done, rows = _csv(portfolio)
    assert done.params["channel_id"] == "D" + MEMBER[1:]  # the person's DM, nowhere else
    assert done.params["initial_comment"].startswith(f"*{ACME}*: Overview, 30 days to 2026-03-31")
    [row] = rows
    assert (row["group"], row["panel"], row["window_days"], row["as_of"]) == (
        ACME,
        "overview",
        "30",
        "2026-03-31",
    )
    assert _said(portfolio) == [
        ":page_facing_up: Sent *csbot-acme-family-medicine-overview-30d-2026-03-31.csv* (1 row) "
        "to your DMs."
    ]
    headline = _card(portfolio, "Acme")[1]["text"]["text"]
    assert f"*Health {row['health']}* · {row['band']}" in headline
    [entry] = audit_rows(portfolio, after=before)
    assert (entry.actor, entry.action, entry.group_name) == (MEMBER, "export", ACME)
    assert entry.detail["what"] == "export_group"
    assert entry.detail["rows"] == 1


def test_a_health_export_holds_the_health_cards_numbers(portfolio: AppServer) -> None:
    _command(portfolio, "export health Acme 90d")
    _, rows = _csv(portfolio)
    assert [r["part"] for r in rows] == ["Billability", "Engagement", "Revenue"]
    assert {r["window_days"] for r in rows} == {"90"}
    facts = _card(portfolio, "health Acme 90d")
    [grid] = [b for b in facts if b.get("block_id") == "facts"]
    shown = {f["text"].split("\n")[0].strip("*"): f["text"] for f in grid["fields"]}
    for r in rows:
        if r["value"]:
            points = f"{float(r['points']):.1f} pts"
            assert points in shown[r["part"]], (r, shown[r["part"]])


def test_a_member_may_not_export_the_portfolio_and_is_told_who_can(portfolio: AppServer) -> None:
    before = last_audit_id(portfolio)
    _command(portfolio, "export list")
    assert _said(portfolio) == [
        ":no_entry: Only leads can export the portfolio: ask <@U0LEAD0001> or an admin."
    ]
    assert portfolio.fake.calls_to("files.getUploadURLExternal") == []
    assert audit_rows(portfolio, after=before) == []


def test_a_lead_exports_the_portfolio_one_row_per_group(portfolio: AppServer) -> None:
    before = last_audit_id(portfolio)
    _command(portfolio, "export list", user=LEAD)
    done, rows = _csv(portfolio)
    assert done.params["channel_id"] == "D" + LEAD[1:]
    assert len(rows) == 12
    assert list(rows[0]) == [
        "group",
        "band",
        "health",
        "change",
        "churn_risk",
        "churn_level",
        "arr",
        "arr_at_risk",
        "top_risk",
    ]
    healths = [float(r["health"]) for r in rows]
    assert healths == sorted(healths)  # worst first, as /cs list ranks them
    listed = _card(portfolio, "list")
    shown = [b["text"]["text"] for b in listed if str(b.get("block_id", "")).startswith("list_row")]
    for row, text in zip(rows, shown, strict=False):
        assert f"*{row['group'].replace('&', '&amp;')}*  {row['health']}" in text
    [entry] = audit_rows(portfolio, after=before)
    assert (entry.actor, entry.group_id, entry.detail["rows"]) == (LEAD, None, 12)


def test_a_lead_exports_one_band(portfolio: AppServer) -> None:
    _command(portfolio, "export list critical 7d", user=LEAD)
    _, rows = _csv(portfolio)
    assert rows and {r["band"] for r in rows} == {"Critical"}
    listed = _card(portfolio, "list critical 7d")
    count = sum(str(b.get("block_id", "")).startswith("list_row") for b in listed)
    assert len(rows) == count


def test_an_unknown_group_gets_did_you_mean_and_no_file(portfolio: AppServer) -> None:
    _command(portfolio, "export Acme Famly Medcine Zebra")
    assert portfolio.fake.calls_to("files.getUploadURLExternal") == []
    [said] = _said(portfolio)
    assert said.startswith("No group matches")


def test_several_matches_get_export_buttons_that_export_the_chosen_one(
    portfolio: AppServer,
) -> None:
    _command(portfolio, "export Prairie")
    [picker] = portfolio.fake.calls_to("response_url")
    buttons = picker.params["blocks"][1]["elements"]
    assert {b["text"]["text"] for b in buttons} == {
        "Prairie Oncology Group",
        "Prairie Rheumatology",
    }
    chosen = buttons[0]
    assert chosen["action_id"].startswith("export:group.")
    assert CardState.decode(chosen["value"]).panel is Panel.OVERVIEW
    portfolio.fake.reset()
    payload = portfolio.samples.json("block_actions_ephemeral.json")
    payload["user"]["id"] = MEMBER
    payload["channel"]["id"] = CHANNEL
    payload["container"].update(message_ts="1.2", channel_id=CHANNEL)
    payload["actions"] = [{**chosen, "block_id": "pick_group", "action_ts": "1.3"}]
    assert portfolio.interaction(payload).status_code == 200
    portfolio.fake.wait_for("files.completeUploadExternal")
    drain(portfolio)
    _, rows = _csv(portfolio)
    assert rows[0]["group"] == chosen["text"]["text"]


def test_export_csv_on_a_leads_home_sends_the_portfolio(portfolio: AppServer) -> None:
    payload = portfolio.samples.json("app_home_opened.json")
    payload["event"]["user"] = LEAD
    portfolio.event(payload)
    portfolio.fake.wait_for("views.publish")
    drain(portfolio)
    view = portfolio.fake.calls_to("views.publish")[0].json_param("view")
    [actions] = [b for b in view["blocks"] if b.get("block_id") == "actions"]
    [export] = [e for e in actions["elements"] if e["action_id"] == "export:list"]
    portfolio.fake.reset()
    assert home_click(portfolio, {**view, "id": "V1"}, export, "actions", LEAD).status_code == 200
    portfolio.fake.wait_for("files.completeUploadExternal")
    drain(portfolio)
    done, rows = _csv(portfolio)
    assert done.params["channel_id"] == "D" + LEAD[1:]
    assert len(rows) == 12
    assert portfolio.fake.calls_to("response_url") == []  # Home has none: the DM is the answer


def test_a_member_clicking_a_portfolio_export_is_told_in_their_dm(portfolio: AppServer) -> None:
    action = {
        "type": "button",
        "action_id": "export:list",
        "value": ListState().encode(),
        "text": {"type": "plain_text", "text": "Export CSV"},
    }
    assert home_click(portfolio, {"id": "V1", "type": "home"}, action, "actions", MEMBER)
    [post] = portfolio.fake.wait_for("chat.postMessage")
    drain(portfolio)
    assert post.params["channel"] == "D" + MEMBER[1:]
    assert post.params["text"].startswith(":no_entry: Only leads can export the portfolio")


def test_export_on_a_card_sends_that_panels_numbers(portfolio: AppServer) -> None:
    blocks = _card(portfolio, "health Acme 7d")
    [log] = [b for b in blocks if b.get("block_id") == "log"]
    [export] = [e for e in log["elements"] if e["action_id"] == "export:card"]
    assert CardState.decode(export["value"]) == CardState(1, Panel.HEALTH, 7)
    portfolio.fake.reset()
    payload = portfolio.samples.json("block_actions_button.json")
    payload["user"]["id"] = MEMBER
    payload["channel"]["id"] = CHANNEL
    payload["container"].update(channel_id=CHANNEL, message_ts="1700000000.000001")
    payload["actions"] = [{**export, "block_id": "log", "action_ts": "1.3"}]
    assert portfolio.interaction(payload).status_code == 200
    portfolio.fake.wait_for("files.completeUploadExternal")
    drain(portfolio)
    done, rows = _csv(portfolio)
    assert done.params["channel_id"] == "D" + MEMBER[1:]
    assert [(r["panel"], r["window_days"]) for r in rows] == [("health", "7")] * 3
    assert "to your DMs" in _said(portfolio)[0]
