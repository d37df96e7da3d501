"""Block Kit builders stay inside Slack's limits; the checks name the block and limit that fail."""

from __future__ import annotations

import re
from typing import Any

import pytest

from csbot.commands.help import help_blocks, help_text
from csbot.commands.panels.base import Panel
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, BlockId, action_id, action_pattern, split_action_id


def test_truncate_cuts_at_a_word_with_an_ellipsis() -> None:
    text = "word " * 100
    cut = bk.truncate(text, 75)
    assert len(cut) <= 75 and cut.endswith("word…")
    assert bk.truncate("short", 75) == "short"


def test_truncate_never_leaves_half_an_entity_or_link() -> None:
    assert bk.truncate("x" * 10 + "&amp;rest", 14) == "x" * 10 + "…"
    assert bk.truncate("see <https://example.com|here> now", 20) == "see…"


def test_escape_blocks_mentions_and_links() -> None:
    assert bk.escape("A & B <!channel>") == "A &amp; B &lt;!channel&gt;"


def test_escaping_twice_changes_nothing_more() -> None:
    once = bk.escape("Smith & Jones <@U0HOSTILE>")
    assert isinstance(once, bk.Mrkdwn)
    assert bk.escape(once) == once == "Smith &amp; Jones &lt;@U0HOSTILE&gt;"
    assert bk.escape(bk.Mrkdwn("<@U0CSM0001> & co")) == "<@U0CSM0001> & co"  # csbot's own


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("U0CSM0001", "<@U0CSM0001>"),
        (" W0ENTERPRISE1 ", "<@W0ENTERPRISE1>"),
        ("S0LEADS01", "<!subteam^S0LEADS01>"),
        ("<@U0HOSTILE>", "&lt;@U0HOSTILE&gt;"),
        ("U0X>|<!channel", "U0X&gt;|&lt;!channel"),
        ("Dana Reyes", "Dana Reyes"),
        ("u0lower01", "u0lower01"),
    ],
)
def test_mention_is_live_only_for_a_slack_id(given: str, shown: str) -> None:
    assert bk.mention(given) == shown


def test_message_escapes_the_fallback_once_and_keeps_the_blocks() -> None:
    blocks = [_section("*Acme &amp; Sons*")]
    assert bk.message("Acme & Sons <!here>", blocks) == {
        "text": "Acme &amp; Sons &lt;!here&gt;",
        "blocks": blocks,
    }
    assert bk.message(bk.Mrkdwn("ask <@U0LEAD0001>")) == {"text": "ask <@U0LEAD0001>"}


def test_builders_keep_long_text_inside_the_limits() -> None:
    long = "Acme Family Medicine " * 300
    blocks = [
        bk.header(long),
        bk.section(long, fields=[long] * 10),
        bk.context(long),
        bk.actions(bk.button(long, "b1", value="v"), bk.button("Go", "b2", style="primary")),
        bk.divider(),
        bk.image(long, image_url="https://example.com/c.png", title=long),
        bk.image("chart", slack_file_id="F123"),
    ]
    bk.validate_blocks(blocks)
    assert len(blocks[0]["text"]["text"]) <= 150
    assert blocks[0]["text"]["text"].endswith("Medicine…")
    assert len(blocks[3]["elements"][0]["text"]["text"]) <= 75


def test_field_sections_split_facts_ten_to_a_section() -> None:
    blocks = bk.field_sections([(f"Fact {i}", str(i)) for i in range(23)], block_id="facts")
    assert [len(b["fields"]) for b in blocks] == [10, 10, 3]
    assert [b["block_id"] for b in blocks] == ["facts", "facts_1", "facts_2"]
    assert blocks[0]["fields"][0]["text"] == "*Fact 0*\n0"
    bk.validate_blocks(blocks)


def test_selects_validate() -> None:
    options = [bk.option("30 days", "30"), bk.option("7 days", "7")]
    controls = bk.actions(
        bk.static_select("window", options, placeholder="Window", initial=options[0]),
        bk.external_select("group", placeholder="Pick a group"),
        block_id="controls",
    )
    bk.validate_blocks([controls])


def test_count_limits_in_builders_are_errors() -> None:
    with pytest.raises(ValueError, match="at most 10 fields"):
        bk.section(fields=["x"] * 11)
    with pytest.raises(ValueError, match="1 to 10 elements"):
        bk.context(*["x"] * 11)
    with pytest.raises(ValueError, match="1 to 100 options"):
        bk.static_select("s", [bk.option(str(i), str(i)) for i in range(101)], placeholder="p")
    with pytest.raises(ValueError, match="exactly one"):
        bk.image("chart")


def _section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


@pytest.mark.parametrize(
    ("blocks", "problem"),
    [
        ([_section("x" * 3001)],
         r"block 0 \(section.*section text has 3001 characters; the limit is 3000"),
        ([_section("ok"), {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
         r"block 1 \(header.*header text has 151 characters; the limit is 150"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
         "11 fields; the limit is 10"),
        ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}],
         "field 0 text has 2001 characters"),
        ([{"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "b" * 76},
             "action_id": "a"}]}],
         "button text has 76 characters; the limit is 75"),
        ([{"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "b"},
             "action_id": "a" * 256}]}],
         "action_id has 256 characters"),
        ([{"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "b"}, "action_id": "a",
             "value": "v" * 2001}]}],
         "button value has 2001 characters"),
        ([{"type": "actions", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "b"}, "action_id": "same"},
            {"type": "button", "text": {"type": "plain_text", "text": "c"}, "action_id": "same"}]}],
         "action_ids repeat"),
        ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
         "11 context elements"),
        ([_section("a", block_id="x"), _section("b", block_id="x")], "block 1.*block_id repeats"),
        ([_section("")], "text object is empty"),
        ([{"type": "sectoin", "text": {"type": "mrkdwn", "text": "x"}}], "unknown block type"),
        ([_section("x", txt="typo")], r"unknown keys \['txt'\]"),
        ([{"type": "image", "alt_text": "chart"}], "needs image_url or slack_file"),
        ([{"type": "section"}], "needs text or fields"),
        ([_section("x")] * 51, "51 blocks; the limit is 50"),
        ([], "at least one block"),
    ],
)  # fmt: skip
def test_validate_blocks_names_the_block_and_the_limit(
    blocks: list[dict[str, Any]], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        bk.validate_blocks(blocks)


def test_select_option_limits() -> None:
    options = [
        {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in range(101)
    ]
    select = {"type": "static_select", "action_id": "s", "options": options,
              "placeholder": {"type": "plain_text", "text": "p"}}  # fmt: skip
    with pytest.raises(ValueError, match="101 options"):
        bk.validate_blocks([{"type": "actions", "elements": [select]}])
    long_value = {"text": {"type": "plain_text", "text": "x"}, "value": "v" * 151}
    with pytest.raises(ValueError, match="option value has 151 characters"):
        bk.validate_blocks([{"type": "actions", "elements": [{**select, "options": [long_value]}]}])


def test_modals_and_home_allow_a_hundred_blocks() -> None:
    blocks = [_section(str(i)) for i in range(100)]
    bk.validate_blocks(blocks, surface="modal")
    bk.validate_view({"type": "home", "blocks": blocks})
    with pytest.raises(ValueError, match="101 blocks"):
        bk.validate_blocks([*blocks, _section("x")], surface="home")


def test_validate_view_checks_the_view_too() -> None:
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Log a meeting"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [_section("x")],
    }
    bk.validate_view(modal)
    with pytest.raises(ValueError, match="title"):
        bk.validate_view({**modal, "title": {"type": "plain_text", "text": "t" * 25}})
    with pytest.raises(ValueError, match="needs a title"):
        bk.validate_view({k: v for k, v in modal.items() if k != "title"})
    with pytest.raises(ValueError, match="type must be"):
        bk.validate_view({**modal, "type": "message"})


def test_validate_message_checks_the_text_fallback() -> None:
    bk.validate_message("Acme: Good", [_section("x")])
    with pytest.raises(ValueError, match="text fallback is empty"):
        bk.validate_message(" ", [_section("x")])
    with pytest.raises(ValueError, match="text fallback has 40001 characters"):
        bk.validate_message("x" * 40_001, [_section("x")])


def test_help_card_lists_every_panel_alias_and_example() -> None:
    blocks = help_blocks()
    bk.validate_message(help_text(), blocks)
    text = str(blocks)
    for panel in Panel:
        assert f"`{panel.value}`" in text
        for alias in panel.aliases:
            assert f"`{alias}`" in text
    for example in ("/cs health Acme 90d", "/cs list critical", "/cs log meeting Acme", "private"):
        assert example in text


def test_help_card_shows_the_reason_escaped() -> None:
    blocks = help_blocks("No group “<!channel>”.")
    bk.validate_blocks(blocks)
    assert blocks[1]["block_id"] == BlockId.STATUS
    assert blocks[1]["text"]["text"] == ":warning: No group “&lt;!channel&gt;”."


def test_action_id_families() -> None:
    panel_id = action_id(ActionId.PANEL, Panel.HEALTH)
    assert panel_id == "panel:health"
    assert split_action_id(panel_id) == (ActionId.PANEL, "health")
    assert split_action_id("refresh") == (ActionId.REFRESH, None)
    pattern = action_pattern(ActionId.PANEL)
    assert pattern.match("panel:health") and pattern.match("panel")
    assert not pattern.match("panelx") and not pattern.match("pick_group:1")
    assert isinstance(pattern, re.Pattern)
    with pytest.raises(ValueError):
        split_action_id("nope:1")
