"""manifest.yml makes a working csbot app in one paste: valid, complete, no wider than needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NEEDED_BOT_SCOPES = {
    "commands",
    "chat:write",
    "chat:write.public",
    "files:write",
    "users:read",
    "im:write",
    "usergroups:read",
}


@pytest.fixture
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    return data


def test_validates_against_slacks_schema(manifest: dict[str, Any]) -> None:
    schema_path = ROOT / "tests" / "fixtures" / "slack-manifest.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(manifest)]
    assert errors == []


def test_cs_command_with_usage_hint(manifest: dict[str, Any]) -> None:
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/cs"
    assert "<group>" in command["usage_hint"]


def test_bot_scopes_are_exactly_what_csbot_uses(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]
    assert set(scopes["bot"]) == NEEDED_BOT_SCOPES
    assert len(scopes["bot"]) == len(NEEDED_BOT_SCOPES)
    assert "user" not in scopes


def test_interactivity_socket_mode_and_app_home(manifest: dict[str, Any]) -> None:
    settings, features = manifest["settings"], manifest["features"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert settings["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert features["app_home"]["home_tab_enabled"] is True
    assert features["bot_user"]["display_name"]


def test_log_as_cs_note_message_shortcut(manifest: dict[str, Any]) -> None:
    [shortcut] = manifest["features"]["shortcuts"]
    assert shortcut == shortcut | {
        "name": "Log as CS note",
        "type": "message",
        "callback_id": "log_cs_note",
    }
