"""Recording a renewal outcome from Slack: the group card's button opens the form, bad answers
go back onto their fields and change nothing, a renewal rolls the renewal date on."""

from __future__ import annotations

from typing import Any

import httpx
from slack_sdk.models.views import View
from sqlalchemy import delete, select

from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId
from csbot.store.db import transaction
from csbot.store.models import Audit, PhysicianGroup, RenewalOutcome
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import (  # noqa: F401  (fixtures)
    ACME,
    CHANNEL,
    USER,
    click,
    cs_app,
    cs_fixture,
    done,
    element,
    names_fixture,
)
from tests.e2e.slackviews import submission


def _open_form(server: AppServer) -> dict[str, Any]:
    server.slash_command("acme")
    server.fake.wait_for("chat.postMessage")
    done(server)
    [message] = server.fake.messages(CHANNEL)
    button, block_id = element(message["blocks"], ActionId.RECORD_OUTCOME.value)
    assert button["text"]["text"] == "Record renewal outcome"
    click(server, message, button, block_id)
    posted = server.fake.wait_for("views.open")[-1].json_param("view")
    View(**posted).validate_json()
    bk.validate_view(posted)
    return list(server.fake.state.views.values())[-1]


def _submit(server: AppServer, view: dict[str, Any], answers: dict[str, Any]) -> httpx.Response:
    return server.interaction(submission(server.samples, view, answers, user=USER))


def _acme(server: AppServer) -> tuple[Any, Any]:
    with transaction(server.runtime.services.sessions) as session:
        g = session.scalars(select(PhysicianGroup).where(PhysicianGroup.name == ACME)).one()
        return g.renewal_date, g.arr


def _stored(server: AppServer) -> list[tuple[Any, ...]]:
    o = RenewalOutcome
    with transaction(server.runtime.services.sessions) as session:
        stmt = select(o.renewal_date, o.outcome, o.new_arr, o.churned_on, o.reason, o.source)
        return [tuple(r) for r in session.execute(stmt)]


def _forget(server: AppServer, renewal: Any, arr: Any) -> None:
    with transaction(server.runtime.services.sessions) as session:
        session.execute(delete(RenewalOutcome))
        session.execute(delete(Audit).where(Audit.action == "outcome"))
        group = session.scalars(select(PhysicianGroup).where(PhysicianGroup.name == ACME)).one()
        group.renewal_date, group.arr = renewal, arr


def test_a_churn_without_its_date_is_refused_on_the_field(cs: AppServer) -> None:
    view = _open_form(cs)
    before = _acme(cs)
    response = _submit(cs, view, {"outcome": "churned", "reason": "<!channel> left us"})
    assert response.json() == {"response_action": "errors", "errors": {
        "churned_on": "is required when the outcome is churned",
        "reason_category": "is required when the outcome is churned"}}  # fmt: skip
    assert _stored(cs) == [] and _acme(cs) == before


def test_a_renewal_is_stored_sets_arr_and_rolls_the_renewal_date_on(cs: AppServer) -> None:
    view = _open_form(cs)
    renewal, arr = _acme(cs)
    try:
        response = _submit(cs, view, {"outcome": "renewed", "new_arr": "64000"})
        assert response.status_code == 200 and response.text == ""
        done(cs)
        assert _stored(cs) == [(renewal, "renewed", 64000.0, None, None, "slack")]
        assert _acme(cs) == (renewal.replace(year=renewal.year + 1), 64000.0)
        [dm] = cs.fake.calls_to("chat.postMessage")[-1:]
        assert dm.params["channel"] == USER
        assert dm.params["text"] == (
            f"Recorded: *{ACME}* renewed at the renewal of {renewal}; "
            f"next renewal {renewal.replace(year=renewal.year + 1)}."
        )
    finally:
        _forget(cs, renewal, arr)
