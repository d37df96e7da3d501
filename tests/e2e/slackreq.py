"""Requests exactly as Slack sends them, signed, built from the fixtures in tests/fixtures/slack.

Signing follows Slack's docs (tests/fixtures/slack/README.md): `v0=` + HMAC-SHA256(secret,
"v0:{timestamp}:" + raw body), computed over the very bytes that are sent.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "slack"
SLASH_COMMAND = "slash_command.txt"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """Slack's request signature for these exact body bytes."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, body: bytes, content_type: str, *, timestamp: int | None = None
) -> dict[str, str]:
    """Headers Slack sends with `body`; `timestamp` defaults to now (frozen now under freezegun)."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(secret, ts, body),
    }


def form_body(fields: Mapping[str, str] | list[tuple[str, str]]) -> bytes:
    """Slack's form encoding: spaces as `+`, everything but A-Z a-z 0-9 - . _ ~ percent-encoded."""
    return urlencode(fields).encode()


def interaction_body(payload: Mapping[str, Any]) -> bytes:
    """An interactivity request body: one form field `payload` holding compact JSON."""
    return form_body({"payload": json.dumps(payload, separators=(",", ":"))})


def event_body(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


class Samples:
    """The Slack request fixtures (tests/fixtures/slack, listed in its README); each call returns
    a fresh copy. A missing fixture is an error, never a skip."""

    def __init__(self, directory: Path = SAMPLES_DIR) -> None:
        self.directory = directory

    def _path(self, name: str) -> Path:
        path = self.directory / name
        if not path.is_file():
            raise FileNotFoundError(f"no Slack fixture {name} in {self.directory}")
        return path

    def json(self, name: str) -> dict[str, Any]:
        """A payload by file name, e.g. `samples.json("block_actions_button.json")`."""
        data: dict[str, Any] = json.loads(self._path(name).read_text(encoding="utf-8"))
        return copy.deepcopy(data)

    def slash_command_bytes(self, sample: str = SLASH_COMMAND) -> bytes:
        """A slash command body as Slack sends it: `slash_command.txt` (a public channel),
        `slash_command_dm.txt` or `slash_command_enterprise.txt`."""
        return self._path(sample).read_bytes()

    def slash_command(self, text: str, *, sample: str = SLASH_COMMAND, **fields: str) -> bytes:
        """A `/cs` body (from `sample`) with `text` and any other field (channel_id, user_id,
        response_url, command, ...) replaced, keeping Slack's field order and encoding."""
        pairs = parse_qsl(self.slash_command_bytes(sample).decode(), keep_blank_values=True)
        wanted = {"text": text, **fields}
        unknown = set(wanted) - {key for key, _ in pairs}
        if unknown:
            raise KeyError(f"{sample} has no field(s) {sorted(unknown)}")
        return form_body([(key, wanted.get(key, value)) for key, value in pairs])


def with_response_url(payload: dict[str, Any], url: str) -> dict[str, Any]:
    """Point every response URL in an interaction payload at `url` (the fake Slack's)."""
    if "response_url" in payload:
        payload["response_url"] = url
    if payload.get("response_urls"):
        for item in payload["response_urls"]:
            item["response_url"] = url
    return payload
