"""`/cs` end to end: the real app over HTTP, signed requests, a fake Slack recording what it got.

Every panel: the ack, the uploaded PNG, the posted card with its image. Then the controls
redraw in place, pickers and did-you-mean, private answers, and each way Slack can refuse.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from csbot.commands.panels import BUILDERS
from csbot.commands.panels.base import Panel
from csbot.commands.slash import WORKING_ON_LIST
from csbot.slack.ids import ActionId
from csbot.slack.matching import Ambiguous, match_groups
from csbot.store.records import GroupName, fold
from tests.e2e.conftest import SIGNING_SECRET, AppServer
from tests.e2e.cs_fixtures import (  # noqa: F401  (fixtures)
    ACME,
    AS_OF,
    CHANNEL,
    PNG,
    USER,
    block,
    click,
    cs_app,
    cs_fixture,
    done,
    element,
    names_fixture,
)
from tests.e2e.fakeslack import Call
from tests.e2e.slackreq import FORM

PANELS = list(BUILDERS)
CHARTLESS = {Panel.CONTACTS}  # a directory of people: its builder draws no chart


def _posted(server: AppServer, count: int = 1) -> list[Call]:
    posts = server.fake.wait_for("chat.postMessage", count)
    done(server)
    return posts


def _card(server: AppServer, text: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Type `/cs <text>`, wait for the card; (the stored message, its blocks)."""
    assert server.slash_command(text).status_code == 200
    _posted(server)
    [message] = server.fake.messages(CHANNEL)
    return message, message["blocks"]


def _header(blocks: list[dict[str, Any]]) -> str:
    return str(block(blocks, "header")["text"]["text"])


def _primary(blocks: list[dict[str, Any]]) -> str:
    [button] = [b for b in block(blocks, "panels")["elements"] if b.get("style") == "primary"]
    return str(button["action_id"])


def _chart_file(blocks: list[dict[str, Any]]) -> str:
    return str(block(blocks, "chart")["slack_file"]["id"])


@pytest.mark.parametrize("panel", PANELS, ids=[p.value for p in PANELS])
def test_every_panel_posts_its_card_with_the_chart_uploaded_privately(
    cs: AppServer, panel: Panel
) -> None:
    response = cs.slash_command(f"{panel.value} Acme 30d")
    assert response.status_code == 200
    assert response.text == ""  # acked at once, nothing heavy before it
    [post] = _posted(cs)
    assert post.params["channel"] == CHANNEL
    [message] = cs.fake.messages(CHANNEL)
    blocks = message["blocks"]
    assert _header(blocks).startswith(f"{ACME} · ")
    assert _primary(blocks) == f"panel:{panel.value}"
    if panel in CHARTLESS:
        assert [b for b in blocks if b["type"] == "image"] == [] and cs.fake.state.uploads == {}
    else:
        file_id = _chart_file(blocks)
        assert cs.fake.state.uploads[file_id].startswith(PNG)
        [complete] = cs.fake.calls_to("files.completeUploadExternal")
        assert complete.params.get("channel_id") is None  # the bot's own until the card shows it
    assert "30 days to 31 Mar 2026" in json.dumps(block(blocks, "context"))


def test_a_panel_button_redraws_the_same_message(cs: AppServer) -> None:
    message, blocks = _card(cs, "Acme")
    button, block_id = element(blocks, "panel:health")
    cs.fake.clear()
    assert click(cs, message, button, block_id).status_code == 200
    [update] = cs.fake.wait_for("chat.update")
    done(cs)
    assert update.params["ts"] == message["ts"] and update.params["channel"] == CHANNEL
    assert cs.fake.calls_to("chat.postMessage") == []
    [redrawn] = cs.fake.messages(CHANNEL)
    assert _header(redrawn["blocks"]) == f"{ACME} · Health"
    new_file = _chart_file(redrawn["blocks"])
    assert new_file != _chart_file(blocks) and cs.fake.state.uploads[new_file].startswith(PNG)


def test_the_window_select_redraws_in_place_with_the_new_window(cs: AppServer) -> None:
    message, blocks = _card(cs, "health Acme")
    select, block_id = element(blocks, ActionId.WINDOW_SELECT)
    [ninety] = [o for o in select["options"] if o["text"]["text"] == "90 days"]
    cs.fake.clear()
    click(cs, message, select, block_id, option=ninety)
    cs.fake.wait_for("chat.update")
    done(cs)
    [redrawn] = cs.fake.messages(CHANNEL)
    assert "90 days to 31 Mar 2026" in json.dumps(block(redrawn["blocks"], "context"))
    window = element(redrawn["blocks"], ActionId.WINDOW_SELECT)[0]
    assert window["initial_option"]["text"]["text"] == "90 days"
    assert cs.fake.calls_to("chat.postMessage") == []


def test_the_group_picker_offers_matches_and_switches_group(
    cs: AppServer, names: list[GroupName]
) -> None:
    message, blocks = _card(cs, "health Acme")
    picker, block_id = element(blocks, ActionId.GROUP_SELECT)
    other = next(g for g in names if g.name != ACME)
    suggestion = cs.samples.json("block_suggestion.json")
    suggestion.update(action_id=picker["action_id"], block_id=block_id, value=other.name[:6])
    options = cs.interaction(suggestion).json()["options"]
    [chosen] = [o for o in options if o["text"]["text"] == other.name]
    cs.fake.clear()
    click(cs, message, picker, block_id, option=chosen)
    cs.fake.wait_for("chat.update")
    done(cs)
    [redrawn] = cs.fake.messages(CHANNEL)
    assert _header(redrawn["blocks"]) == f"{other.name} · Health"


def _ambiguous_word(names: list[GroupName]) -> str:
    words = {w for g in names for w in fold(g.name).split() if len(w) > 4}
    return next(w for w in sorted(words) if isinstance(match_groups(w, names), Ambiguous))


def test_several_matches_offer_buttons_and_a_pick_posts_the_card(
    cs: AppServer, names: list[GroupName]
) -> None:
    word = _ambiguous_word(names)
    cs.slash_command(f"revenue {word}")
    [reply] = cs.fake.wait_for("response_url")
    done(cs)
    assert reply.params["response_type"] == "ephemeral"
    assert "Which one did you mean?" in reply.params["text"]
    buttons = block(reply.params["blocks"], "pick_group")["elements"]
    assert len(buttons) >= 2 and cs.fake.calls_to("chat.postMessage") == []
    cs.fake.clear()
    click(cs, {}, buttons[1], "pick_group", ephemeral=True)
    _posted(cs)
    [message] = cs.fake.messages(CHANNEL)
    assert _header(message["blocks"]) == f"{buttons[1]['text']['text']} · Revenue"
    assert {"delete_original": True} in [c.params for c in cs.fake.calls_to("response_url")]


def test_an_unknown_group_gets_did_you_mean_and_no_card(cs: AppServer) -> None:
    cs.slash_command("health Acne")
    [reply] = cs.fake.wait_for("response_url")
    done(cs)
    assert "No group matches “Acne”. Did you mean *Acme Family Medicine*?" in reply.params["text"]
    assert cs.fake.calls_to("chat.postMessage") == []


def test_private_sends_the_card_to_a_dm(cs: AppServer) -> None:
    cs.slash_command("Acme private")
    [opened] = cs.fake.wait_for("conversations.open")
    [post] = _posted(cs)
    assert opened.params["users"] == USER
    assert post.params["channel"] == "D" + USER[1:]
    assert cs.fake.messages(CHANNEL) == []


def test_a_channel_without_the_bot_gets_the_card_through_the_response_url(cs: AppServer) -> None:
    cs.fake.fail("chat.postMessage", error="not_in_channel")
    cs.slash_command("health Acme")
    [reply] = cs.fake.wait_for("response_url")
    done(cs)
    assert reply.params["response_type"] == "ephemeral"
    assert _header(reply.params["blocks"]) == f"{ACME} · Health"
    assert "/invite @csbot" in json.dumps(reply.params["blocks"])
    assert cs.fake.messages(CHANNEL) == []


def test_a_rate_limited_post_waits_and_posts_once(cs: AppServer) -> None:
    cs.fake.fail("chat.postMessage", status=429, retry_after=0)
    cs.slash_command("Acme")
    posts = _posted(cs, 2)
    assert [p.status for p in posts] == [429, 200]
    assert len(cs.fake.messages(CHANNEL)) == 1
    assert cs.fake.calls_to("response_url") == []


def test_slack_failing_for_good_is_told_in_plain_words(cs: AppServer) -> None:
    cs.fake.fail("chat.postMessage", status=500, times=3)
    cs.slash_command("Acme")
    [reply] = cs.fake.wait_for("response_url")
    done(cs)
    assert reply.params["text"].startswith(":warning: Slack had a problem (internal_error)")
    assert cs.fake.messages(CHANNEL) == []


def test_a_file_slack_does_not_know_yet_is_retried(cs: AppServer) -> None:
    cs.fake.fail("chat.postMessage", error="invalid_blocks")
    cs.slash_command("Acme")
    posts = _posted(cs, 2)
    assert [p.status for p in posts] == [200, 200]
    [message] = cs.fake.messages(CHANNEL)
    assert cs.fake.state.uploads[_chart_file(message["blocks"])].startswith(PNG)


def test_a_click_on_an_ephemeral_card_answers_through_its_response_url(cs: AppServer) -> None:
    cs.fake.fail("chat.postMessage", error="not_in_channel")
    cs.slash_command("Acme")
    [reply] = cs.fake.wait_for("response_url")
    done(cs)
    button, block_id = element(reply.params["blocks"], "panel:support")
    cs.fake.clear()
    click(cs, {}, button, block_id, ephemeral=True)
    [redrawn] = cs.fake.wait_for("response_url")
    done(cs)
    assert redrawn.params["replace_original"] is True
    assert _primary(redrawn.params["blocks"]) == "panel:support"
    assert cs.fake.calls_to("chat.update") == []


def test_list_posts_the_portfolio_and_its_band_filter_redraws_it(cs: AppServer) -> None:
    response = cs.slash_command("list")
    assert response.json() == {"text": WORKING_ON_LIST, "response_type": "ephemeral"}
    _posted(cs)
    [message] = cs.fake.messages(CHANNEL)
    blocks = message["blocks"]
    assert _header(blocks) == "Portfolio · all groups"
    rows = [b for b in blocks if str(b.get("block_id", "")).startswith("list_row.")]
    assert len(rows) == 12
    select, block_id = element(blocks, ActionId.LIST_BAND_SELECT)
    [critical] = [o for o in select["options"] if o["text"]["text"] == "Critical"]
    cs.fake.clear()
    click(cs, message, select, block_id, option=critical)
    cs.fake.wait_for("chat.update")
    done(cs)
    [redrawn] = cs.fake.messages(CHANNEL)
    assert _header(redrawn["blocks"]) == "Portfolio · Critical"
    shown = [b for b in redrawn["blocks"] if str(b.get("block_id", "")).startswith("list_row.")]
    assert 1 <= len(shown) < 12
    assert all(":red_circle:" in b["text"]["text"] for b in shown)


def test_list_rows_name_a_risk_beyond_the_band_they_already_show(cs: AppServer) -> None:
    """The row's colour and number are its band; its second line says what else is wrong."""
    _, blocks = _card(cs, "list")
    rows = [b["text"]["text"] for b in blocks if str(b.get("block_id")).startswith("list_row.")]
    risks = [r.split("\n")[1] for r in rows if "\n" in r]
    critical = [r for r in rows if r.startswith(":red_circle:")]
    assert critical and all("\n" in r for r in critical)  # every Critical group says why
    assert risks and not [r for r in risks if r.startswith("_Low health")]
    assert "_Health falling: Health fell " in "\n".join(risks)


def test_open_on_a_list_row_posts_that_groups_card(cs: AppServer) -> None:
    message, blocks = _card(cs, "list")
    row = next(b for b in blocks if str(b.get("block_id", "")).startswith("list_row."))
    cs.fake.clear()
    click(cs, message, row["accessory"], row["block_id"])
    [post] = _posted(cs)
    name = row["text"]["text"].split("*")[1]
    assert _header(post.json_param("blocks")) == f"{name.replace('&amp;', '&')} · Overview"


@pytest.mark.parametrize(
    ("text", "reason"),
    [("help", None), ("", None), ("health", "Which group?"), ("Acme 3x", None),
     ("list nope", "is not a band")],
)  # fmt: skip
def test_help_and_mistakes_are_answered_in_the_ack(
    cs: AppServer, text: str, reason: str | None
) -> None:
    response = cs.slash_command(text)
    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert block(body["blocks"], "help")["text"]["text"] == "csbot: /cs commands"
    if reason:
        assert reason in block(body["blocks"], "status")["text"]["text"]
    done(cs)
    assert cs.fake.calls == []


def test_bad_signatures_and_stale_requests_get_401_and_post_nothing(cs: AppServer) -> None:
    body = cs.samples.slash_command("health Acme", response_url=cs.fake.response_url())
    assert cs.post_signed(body, FORM, secret="not-" + SIGNING_SECRET).status_code == 401
    assert cs.post_signed(body, FORM, timestamp=1_000_000_000).status_code == 401
    done(cs)
    assert cs.fake.calls == []
