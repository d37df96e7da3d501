"""Renewals beyond the card, end to end: `/cs export renewals` and the card's Export button send
a lead the CSV in the card's order (members are told who can), and App Home lists the person's
groups renewing in the next 90 days."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from csbot.slack.ids import ActionId
from csbot.store.db import transaction
from csbot.store.models import PhysicianGroup
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import AS_OF, CHANNEL, click, element
from tests.e2e.portfolio_fixtures import (  # noqa: F401  (fixtures)
    CSM,
    LEAD,
    MEMBER,
    audit_rows,
    drain,
    last_audit_id,
    portfolio_app,
    portfolio_fixture,
)

COLUMNS = [
    "group", "renewal_date", "days_left", "arr", "band", "health", "change", "churn_risk",
    "churn_level", "arr_at_risk", "open_high_priority_tickets", "last_cs_touch",
    "success_plan_active",
]  # fmt: skip


def _renewals(server: AppServer, days: int, owner: str | None = None) -> dict[str, str]:
    """Name -> renewal date of the groups renewing within `days`, read from the rows."""
    g = PhysicianGroup
    with transaction(server.runtime.services.sessions) as session:
        rows = session.execute(select(g.name, g.renewal_date, g.csm_owner)).all()
    end = AS_OF + timedelta(days=days)
    return {n: d.isoformat() for n, d, o in rows if AS_OF <= d <= end and owner in (None, o)}


def _csv(server: AppServer) -> tuple[str, list[dict[str, str]]]:
    [done] = server.fake.wait_for("files.completeUploadExternal")
    drain(server)
    [item] = json.loads(done.params["files"])
    content = server.fake.state.uploads[item["id"]].decode("utf-8")
    return str(done.params["channel_id"]), list(csv.DictReader(io.StringIO(content)))


def test_a_lead_exports_the_renewals_in_the_cards_order(portfolio: AppServer) -> None:
    before = last_audit_id(portfolio)
    assert portfolio.slash_command("export renewals 90d", user_id=LEAD).status_code == 200
    channel, rows = _csv(portfolio)
    assert channel == "D" + LEAD[1:]
    assert list(rows[0]) == COLUMNS
    assert {r["group"]: r["renewal_date"] for r in rows} == _renewals(portfolio, 90)
    at_risk = [r["band"] in ("Critical", "Needs Attention") for r in rows]
    assert at_risk == sorted(at_risk, reverse=True)  # at-risk groups first
    [entry] = audit_rows(portfolio, after=before)
    assert (entry.actor, entry.detail["what"], entry.detail["rows"]) == (
        LEAD, "export_portfolio", len(rows),
    )  # fmt: skip

    portfolio.fake.reset()  # the card shows them in the same order; its Export sends the same
    assert portfolio.slash_command("renewals 90d", user_id=LEAD).status_code == 200
    portfolio.fake.wait_for("chat.postMessage")
    drain(portfolio)
    [message] = portfolio.fake.messages(CHANNEL)
    shown = [
        b["text"]["text"].split("*")[1].replace("&amp;", "&")
        for b in message["blocks"]
        if b["block_id"].startswith("renewal_row.")
    ]
    assert shown == [r["group"] for r in rows]
    export, block_id = element(message["blocks"], f"{ActionId.EXPORT}:renewals")
    portfolio.fake.clear()
    click(portfolio, message, export, block_id, user=LEAD)
    assert _csv(portfolio) == (channel, rows)


def test_a_member_is_told_who_may_export_the_renewals(portfolio: AppServer) -> None:
    response = portfolio.slash_command("export renewals", user_id=MEMBER)
    assert response.status_code == 200
    drain(portfolio)
    said = [str(c.params.get("text")) for c in portfolio.fake.calls_to("response_url")]
    assert said == [
        ":no_entry: Only leads can export the portfolio: ask <@U0LEAD0001> or an admin."
    ]
    assert portfolio.fake.calls_to("files.getUploadURLExternal") == []


def _home(server: AppServer, user: str) -> dict[str, Any]:
    payload = server.samples.json("app_home_opened.json")
    payload["event"].update(user=user, tab="home")
    assert server.event(payload).status_code == 200
    server.fake.wait_for("views.publish")
    drain(server)
    view: dict[str, Any] = server.fake.calls_to("views.publish")[0].json_param("view")
    return view


def test_app_home_lists_the_csms_groups_renewing_in_90_days(portfolio: AppServer) -> None:
    with transaction(portfolio.runtime.services.sessions) as session:
        session.execute(  # one of the CSM's groups renews in 20 days, one other's too
            PhysicianGroup.__table__.update()
            .where(
                PhysicianGroup.name.in_(["Redwood Pediatrics Physicians", "Acme Family Medicine"])
            )
            .values(renewal_date=AS_OF + timedelta(days=20))
        )
    view = _home(portfolio, CSM)
    expected = _renewals(portfolio, 90, owner=CSM)
    [section] = [b for b in view["blocks"] if b.get("block_id") == "home_renewals"]
    lines = section["text"]["text"].split("\n")
    assert lines[0] == "*Renewing in the next 90 days*"
    assert {line.split("*")[1].replace("&amp;", "&") for line in lines[1:]} == set(expected)
    redwood = next(line for line in lines if "Redwood" in line)
    assert "renews *20 Apr 2026* (in 20 days)" in redwood
