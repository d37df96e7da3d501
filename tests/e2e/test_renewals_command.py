"""`/cs renewals` end to end: the real app over signed HTTP, the fake Slack recording the card.

The card lists exactly the demo groups renewing in the window (read from the database here),
at-risk ones first; its horizon select redraws it in place; its buttons open the group's card
and the meeting form.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from csbot.commands.slash import WORKING_ON_RENEWALS
from csbot.slack.ids import ActionId
from csbot.store.db import transaction
from csbot.store.models import PhysicianGroup
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import (  # noqa: F401  (fixtures)
    AS_OF,
    CHANNEL,
    block,
    click,
    cs_app,
    cs_fixture,
    done,
    element,
    names_fixture,
)


def _renewing(server: AppServer, days: int) -> set[str]:
    """The groups whose renewal date is within `days` days of AS_OF, read straight from the rows."""
    with transaction(server.runtime.services.sessions) as session:
        rows = session.execute(select(PhysicianGroup.name, PhysicianGroup.renewal_date)).all()
    return {name for name, day in rows if AS_OF <= day <= AS_OF + timedelta(days=days)}


def _rows(blocks: list[dict[str, Any]]) -> list[str]:
    texts = [b["text"]["text"] for b in blocks if b["block_id"].startswith("renewal_row.")]
    return [t.split("*")[1].replace("&amp;", "&") for t in texts]


def _post_card(server: AppServer, text: str) -> dict[str, Any]:
    response = server.slash_command(text)
    assert response.json() == {"text": WORKING_ON_RENEWALS, "response_type": "ephemeral"}
    server.fake.wait_for("chat.postMessage")
    done(server)
    [message] = server.fake.messages(CHANNEL)
    return message


def test_renewals_posts_the_groups_renewing_in_the_window(cs: AppServer) -> None:
    message = _post_card(cs, "renewals")
    blocks = message["blocks"]
    assert block(blocks, "header")["text"]["text"] == "Renewals · next 120 days"
    shown = _rows(blocks)
    assert set(shown) == _renewing(cs, 120) and len(shown) == len(set(shown))
    assert "Acme Family Medicine" in shown  # the demo's Acme renews in 52 days, in Needs Attention
    texts = [b["text"]["text"] for b in blocks if b["block_id"].startswith("renewal_row.")]
    at_risk = [":red_circle:" in t or ":large_orange_circle:" in t for t in texts]
    assert at_risk[0] and at_risk == sorted(at_risk, reverse=True)  # Critical and NA first
    assert message["text"] == f"Renewals in the next 120 days: {len(shown)} groups"


def test_the_horizon_select_redraws_the_card_in_place(cs: AppServer) -> None:
    message = _post_card(cs, "renewals 90d")
    select_element, block_id = element(message["blocks"], ActionId.RENEWALS_SELECT)
    [thirty] = [o for o in select_element["options"] if o["text"]["text"] == "Next 30 days"]
    cs.fake.clear()
    click(cs, message, select_element, block_id, option=thirty)
    [update] = cs.fake.wait_for("chat.update")
    done(cs)
    assert update.params["ts"] == message["ts"]
    assert cs.fake.calls_to("chat.postMessage") == []
    [redrawn] = cs.fake.messages(CHANNEL)
    assert block(redrawn["blocks"], "header")["text"]["text"] == "Renewals · next 30 days"
    assert set(_rows(redrawn["blocks"])) == _renewing(cs, 30)


def test_open_card_posts_the_groups_card_and_log_meeting_opens_the_form(cs: AppServer) -> None:
    message = _post_card(cs, "renewals")
    buttons = next(b for b in message["blocks"] if b["block_id"].startswith("renewal_buttons."))
    opened, log, _outcome = buttons["elements"]
    [first] = _rows(message["blocks"])[:1]  # the buttons under the first row are its group's
    cs.fake.clear()
    click(cs, message, opened, buttons["block_id"])
    [post] = cs.fake.wait_for("chat.postMessage")
    done(cs)
    header = block(post.json_param("blocks"), "header")["text"]["text"]
    assert header == f"{first} · Overview"
    click(cs, message, log, buttons["block_id"])
    [form] = cs.fake.wait_for("views.open")
    done(cs)
    assert first in str(form.json_param("view"))


def test_a_renewals_word_with_a_group_is_answered_in_the_ack(cs: AppServer) -> None:
    response = cs.slash_command("renewals acme")
    body = response.json()
    assert "takes only how far ahead" in block(body["blocks"], "status")["text"]["text"]
    done(cs)
    assert cs.fake.calls == []
