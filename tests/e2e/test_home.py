"""App Home end to end: app_home_opened over signed HTTP publishes the person's portfolio (a CSM's
own groups, every group for a lead or an admin by user group), charts follow once uploaded,
Refresh republishes, and Open sends the group's card to the person's DM."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlalchemy import delete, select

from csbot.commands.card import CardState
from csbot.slack.blockkit import escape
from csbot.slack.ids import ModalBlock
from csbot.store.db import transaction
from csbot.store.models import Activity, Alert, PhysicianGroup
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import AS_OF, NOW
from tests.e2e.fakeslack import Call
from tests.e2e.portfolio_fixtures import (  # noqa: F401  (fixtures)
    CSM,
    CSM_GROUPS,
    GROUPIE,
    LEAD,
    MEMBER,
    drain,
    home_click,
    portfolio_app,
    portfolio_fixture,
)


def _open_home(server: AppServer, user: str, *, tab: str = "home") -> float:
    payload = server.samples.json("app_home_opened.json")
    payload["event"].update(user=user, tab=tab)
    started = time.perf_counter()
    response = server.event(payload)
    assert response.status_code == 200
    return started


def _view(call: Call) -> dict[str, Any]:
    view: dict[str, Any] = call.json_param("view")
    return view


def _published(server: AppServer) -> list[dict[str, Any]]:
    """Every home published for the open just sent: the numbers, then (unless the charts were
    uploaded before) the same with the charts."""
    server.fake.wait_for("views.publish")
    drain(server)
    return [_view(c) for c in server.fake.calls_to("views.publish")]


def _images(view: dict[str, Any]) -> list[str]:
    return [b["slack_file"]["id"] for b in view["blocks"] if b["type"] == "image"]


def _header(view: dict[str, Any]) -> str:
    return str(view["blocks"][0]["text"]["text"])


def _rows(view: dict[str, Any]) -> list[str]:
    rows = [b for b in view["blocks"] if str(b.get("block_id", "")).startswith("home_row.")]
    return [str(b["text"]["text"]).split("*")[1] for b in rows]


def _button(view: dict[str, Any], action_id: str) -> tuple[dict[str, Any], str]:
    for b in view["blocks"]:
        for e in b.get("elements", []) + ([b["accessory"]] if "accessory" in b else []):
            if e.get("action_id") == action_id:
                return e, str(b["block_id"])
    raise AssertionError(f"no {action_id!r} on Home")


def test_a_csm_gets_their_own_groups_then_the_charts(portfolio: AppServer) -> None:
    _open_home(portfolio, CSM)
    views = _published(portfolio)
    for view in views:
        View(**view).validate_json()
        assert view["type"] == "home"
        assert _header(view) == "Your portfolio · 3 groups"
        assert set(_rows(view)) == CSM_GROUPS
    assert {c.params["user_id"] for c in portfolio.fake.calls_to("views.publish")} == {CSM}
    first = views[0]
    images = _images(views[-1])
    assert len(images) == 2  # health distribution and trend (demo data has daily snapshots)
    uploads = portfolio.fake.calls_to("files.completeUploadExternal")
    if uploads:  # charts new to this app: numbers first, then the view with the charts
        assert len(views) == 2 and _images(first) == []
        assert all(u.params.get("channel_id") is None for u in uploads)  # private to the bot
        assert set(images) == set(portfolio.fake.state.uploads)
    onboarding = [b for b in first["blocks"] if b.get("block_id") == "home_onboarding"]
    assert "*Fairview Oncology* · Training:" in onboarding[0]["text"]["text"]


def test_opening_home_again_publishes_once_with_the_charts_already_uploaded(
    portfolio: AppServer,
) -> None:
    _open_home(portfolio, CSM)
    _published(portfolio)
    portfolio.fake.clear()
    _open_home(portfolio, CSM)
    [view] = _published(portfolio)
    assert len(_images(view)) == 2
    assert portfolio.fake.calls_to("files.getUploadURLExternal") == []


def test_a_lead_sees_every_group_and_an_export_button(portfolio: AppServer) -> None:
    _open_home(portfolio, LEAD)
    view = _published(portfolio)[0]
    assert _header(view) == "Portfolio · all 12 groups"
    with transaction(portfolio.runtime.services.sessions) as session:
        names = {escape(n) for n in session.scalars(select(PhysicianGroup.name))}
    assert set(_rows(view)) == names  # every demo group has usage, so every one has a row
    export, _ = _button(view, "export:list")
    assert export["text"]["text"] == "Export CSV"
    rows = [b for b in view["blocks"] if str(b.get("block_id", "")).startswith("home_row.")]
    assert not [b for b in rows if "_Low health" in b["text"]["text"]]  # the band says it


def test_an_admin_by_user_group_sees_every_group(portfolio: AppServer) -> None:
    _open_home(portfolio, GROUPIE)
    view = _published(portfolio)[0]
    assert _header(view) == "Portfolio · all 12 groups"
    [asked] = portfolio.fake.calls_to("usergroups.users.list")
    assert asked.params["usergroup"] == "S0ADMINS01"


def test_someone_who_owns_nothing_is_told_how_to_find_groups(portfolio: AppServer) -> None:
    _open_home(portfolio, MEMBER)
    [view] = _published(portfolio)
    assert _header(view) == "Your portfolio · 0 groups"
    assert any(b.get("block_id") == "home_empty" for b in view["blocks"])
    assert portfolio.fake.calls_to("files.getUploadURLExternal") == []


def test_the_messages_tab_publishes_nothing(portfolio: AppServer) -> None:
    _open_home(portfolio, CSM, tab="messages")
    drain(portfolio)
    assert portfolio.fake.calls_to("views.publish") == []


def test_open_alerts_and_this_weeks_meetings_show(portfolio: AppServer) -> None:
    sessions = portfolio.runtime.services.sessions
    with transaction(sessions) as session:
        redwood = session.scalar(
            select(PhysicianGroup.id).where(PhysicianGroup.name == "Redwood Pediatrics Physicians")
        )
        session.add(Alert(group_id=redwood, kind="crossing", from_band="Good",
                          to_band="Needs Attention", day=AS_OF, idempotency_key="e2e-home-1",
                          state="sent", payload={}, attempts=1, created_at=NOW))  # fmt: skip
        session.add(Activity(group_id=redwood, kind="meeting", title="E2E renewal prep",
                             occurred_at=NOW + timedelta(days=2, hours=1), duration_minutes=45,
                             attendees=[], source="e2e"))  # fmt: skip
    try:
        _open_home(portfolio, CSM)
        view = _published(portfolio)[0]
        [alert] = [b for b in view["blocks"] if str(b.get("block_id")).startswith("home_alert.")]
        assert "*Redwood Pediatrics Physicians*: Good → Needs Attention on 31 Mar" in str(alert)
        button = alert["accessory"]  # Redwood's CSM may acknowledge it
        assert button["action_id"] == "acknowledge"
        stored = {**view, "id": "V0000000003"}
        assert home_click(portfolio, stored, button, alert["block_id"], CSM).status_code == 200
        drain(portfolio)
        with transaction(sessions) as session:
            acknowledged = session.scalar(
                select(Alert.acknowledged_by).where(Alert.idempotency_key == "e2e-home-1")
            )
        assert acknowledged == CSM
    finally:
        with transaction(sessions) as session:
            session.execute(delete(Alert).where(Alert.idempotency_key == "e2e-home-1"))
            session.execute(delete(Activity).where(Activity.source == "e2e"))
    [meetings] = [b for b in view["blocks"] if b.get("block_id") == "home_meetings"]
    assert (
        "Thu 2 Apr 15:00 · *Redwood Pediatrics Physicians* · E2E renewal prep (45 min)"
        in (meetings["text"]["text"])
    )


def test_refresh_republishes_home(portfolio: AppServer) -> None:
    _open_home(portfolio, CSM)
    view = _published(portfolio)[-1]
    portfolio.fake.clear()
    refresh, block_id = _button(view, "refresh")
    stored = {**view, "id": "V0000000002"}
    assert home_click(portfolio, stored, refresh, block_id, CSM).status_code == 200
    [again] = _published(portfolio)
    assert _header(again) == "Your portfolio · 3 groups"


def test_open_on_home_sends_the_card_to_the_persons_dm(portfolio: AppServer) -> None:
    _open_home(portfolio, CSM)
    view = _published(portfolio)[0]
    portfolio.fake.clear()
    row = next(b for b in view["blocks"] if str(b.get("block_id", "")).startswith("home_row."))
    name = row["text"]["text"].split("*")[1]
    stored = {**view, "id": "V0000000002"}
    assert home_click(portfolio, stored, row["accessory"], row["block_id"], CSM).status_code == 200
    [post] = portfolio.fake.wait_for("chat.postMessage")
    drain(portfolio)
    assert post.params["channel"] == "D" + CSM[1:]
    blocks = post.json_param("blocks")
    assert blocks[0]["text"]["text"].startswith(f"{name} · ")


@pytest.mark.parametrize(("label", "callback"), [("Log ticket", "log_ticket"),
                                                 ("Log meeting", "log_meeting")])  # fmt: skip
def test_a_rows_log_button_opens_the_form_with_that_group_filled_in(
    portfolio: AppServer, label: str, callback: str
) -> None:
    _open_home(portfolio, CSM)
    view = _published(portfolio)[0]
    portfolio.fake.clear()
    ids = [str(b.get("block_id", "")) for b in view["blocks"]]
    row = view["blocks"][ids.index(next(i for i in ids if i.startswith("home_row.")))]
    name = row["text"]["text"].split("*")[1]
    [logs] = [b for b in view["blocks"] if b.get("block_id") == f"home_row_log.{_gid(row)}"]
    [button] = [e for e in logs["elements"] if e["text"]["text"] == label]
    stored = {**view, "id": "V0000000004"}
    assert home_click(portfolio, stored, button, logs["block_id"], CSM).status_code == 200
    [opened] = portfolio.fake.wait_for("views.open")
    drain(portfolio)
    form = opened.json_param("view")
    assert form["callback_id"] == callback
    [group] = [b for b in form["blocks"] if b.get("block_id") == ModalBlock.GROUP.value]
    initial = group["element"]["initial_option"]
    assert escape(initial["text"]["text"]) == name
    assert CardState.decode(initial["value"]).group_id == _gid(row)


def _gid(row: dict[str, Any]) -> int:
    return int(str(row["block_id"]).split(".")[1])
