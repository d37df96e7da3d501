"""The Slack request fixtures are what Slack sends: each README entry is a file and each file an
entry, their blocks and views parse as slack_sdk's models, and each variant has the fields that
make it that variant (an ephemeral click has no message, a Home click no channel, ...)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.e2e.slackreq import SAMPLES_DIR, Samples

JSON_FIXTURES = sorted(p.name for p in SAMPLES_DIR.glob("*.json"))
SLASH_FIXTURES = sorted(p.name for p in SAMPLES_DIR.glob("*.txt"))


def _listed() -> set[str]:
    readme = (SAMPLES_DIR / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z_]+\.(?:json|txt))` \|", readme, flags=re.MULTILINE))


def _slash(name: str) -> dict[str, str]:
    return dict(parse_qsl(Samples().slash_command_bytes(name).decode(), keep_blank_values=True))


def test_the_readme_lists_every_fixture_and_nothing_else() -> None:
    assert _listed() == set(JSON_FIXTURES) | set(SLASH_FIXTURES)


@pytest.mark.parametrize("name", JSON_FIXTURES)
def test_blocks_and_views_parse_as_slack_sdk_models(name: str) -> None:
    payload = Samples().json(name)
    views = [v for v in (payload.get("view"), payload.get("event", {}).get("view")) if v]
    for view in views:
        View(**view).validate_json()
    for block in payload.get("message", {}).get("blocks", []):
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()


def test_a_click_in_an_ephemeral_message_carries_no_message() -> None:
    payload = Samples().json("block_actions_ephemeral.json")
    assert payload["container"]["is_ephemeral"] is True
    assert "message" not in payload and payload["response_url"].startswith("https://")


def test_a_click_on_home_carries_the_view_and_no_channel_or_response_url() -> None:
    payload = Samples().json("block_actions_home.json")
    assert payload["container"] == {"type": "view", "view_id": payload["view"]["id"]}
    assert payload["view"]["type"] == "home"
    assert not {"channel", "message", "response_url"} & set(payload)


def test_a_suggestion_in_a_modal_carries_the_view() -> None:
    payload = Samples().json("block_suggestion_modal.json")
    assert payload["container"] == {"type": "view", "view_id": payload["view"]["id"]}
    assert "message" not in payload and "channel" not in payload


def test_a_command_in_a_dm_names_a_d_channel_directmessage() -> None:
    fields = _slash("slash_command_dm.txt")
    assert fields["channel_id"].startswith("D") and fields["channel_name"] == "directmessage"


def test_a_command_in_enterprise_grid_names_the_org_after_the_team() -> None:
    fields = _slash("slash_command_enterprise.txt")
    keys = list(fields)
    assert keys[keys.index("team_domain") + 1 : keys.index("channel_id")] == [
        "enterprise_id",
        "enterprise_name",
    ]
    assert fields["user_id"].startswith("W")


def test_every_command_fixture_has_slacks_fields_in_slacks_order() -> None:
    base = [k for k in _slash("slash_command.txt") if not k.startswith("enterprise_")]
    for name in SLASH_FIXTURES:
        fields = _slash(name)
        assert [k for k in fields if not k.startswith("enterprise_")] == base, name
        assert fields["command"] == "/cs" and fields["text"] == "health Acme 30d"


def test_a_first_home_open_in_enterprise_grid_has_no_view_yet() -> None:
    payload: dict[str, Any] = Samples().json("app_home_opened_enterprise.json")
    assert "view" not in payload["event"] and payload["event"]["user"].startswith("W")
    assert payload["enterprise_id"] == payload["authorizations"][0]["enterprise_id"]
