"""`POST /slack/events` as csbot's endpoint answers it (csbot.slack.endpoint), in front of a real,
offline Bolt app: why a request is refused (401), why a signed body is malformed (400), and
that only a well-formed signed request reaches Bolt, whose answer goes back unchanged."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from freezegun import freeze_time
from slack_bolt import Ack, App
from slack_bolt.authorization import AuthorizeResult

from csbot.signing import SLACK
from csbot.slack.endpoint import slack_endpoint
from csbot.web import Request, Response

SECRET = "slack-http-test-secret"
STAMP = 1_700_000_000
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    """Bolt checks the signature again, against the (frozen) wall clock."""
    with freeze_time(datetime.fromtimestamp(STAMP, UTC)):
        yield


@pytest.fixture
def seen() -> list[str]:
    return []


@pytest.fixture
def app(seen: list[str]) -> App:
    offline = AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-offline",
                              bot_user_id="U0BOT", bot_id="B0BOT")  # fmt: skip
    bolt = App(signing_secret=SECRET, authorize=lambda **_: offline)

    @bolt.command("/cs")
    def command(ack: Ack, body: dict[str, Any]) -> None:
        seen.append(body["text"])
        ack("on it")

    return bolt


def _post(
    app: App, body: bytes, content_type: str | None, *, headers: dict[str, str] | None = None
) -> Response:
    if headers is None:
        headers = {
            "x-slack-request-timestamp": str(STAMP),
            "x-slack-signature": SLACK.sign(SECRET, str(STAMP), body),
        }
    if content_type is not None:
        headers = {"content-type": content_type, **headers}
    request = Request(
        method="POST", path="/slack/events", params={}, query="", headers=headers, body=body
    )
    return slack_endpoint(app, secret=SECRET, now=lambda: float(STAMP))(request)


def _form(**fields: str) -> bytes:
    return urlencode(fields).encode()


def _error(response: Response) -> tuple[int, str]:
    return response.status, json.loads(response.body)["error"]


def test_a_signed_command_reaches_bolt_and_its_answer_comes_back(app: App, seen: list[str]) -> None:
    response = _post(app, _form(command="/cs", text="health Acme", team_id="T1"), FORM)
    assert seen == ["health Acme"]
    assert response.status == 200
    assert response.body == b"on it"
    assert response.headers["content-type"].startswith("text/plain")


def test_url_verification_is_answered_as_json(app: App) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-123"}).encode()
    response = _post(app, body, JSON)
    assert json.loads(response.body) == {"challenge": "c-123"}
    assert response.headers["content-type"].startswith("application/json")


def test_a_signed_json_body_without_a_content_type_is_read_by_its_shape(app: App) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-456"}).encode()
    response = _post(app, body, None)
    assert (response.status, json.loads(response.body)) == (200, {"challenge": "c-456"})


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "unsigned: send X-Slack-Request-Timestamp and X-Slack-Signature"),
        (
            {"x-slack-request-timestamp": str(STAMP - 301), "x-slack-signature": "v0=00"},
            "stale: X-Slack-Request-Timestamp is more than 5 minutes from now; check the clock",
        ),
        (
            {"x-slack-request-timestamp": str(STAMP), "x-slack-signature": "v0=" + "0" * 64},
            "the signature does not match the body and timestamp",
        ),
    ],
)
def test_a_refused_request_says_why_and_never_reaches_bolt(
    app: App,
    seen: list[str],
    caplog: pytest.LogCaptureFixture,
    headers: dict[str, str],
    reason: str,
) -> None:
    caplog.set_level(logging.INFO, logger="csbot.slack.endpoint")
    response = _post(app, _form(command="/cs", text="health Acme"), FORM, headers=headers)
    assert _error(response) == (401, reason)
    assert seen == []
    assert [r.getMessage() for r in caplog.records] == [f"refused a Slack request: {reason}"]


NOT_AN_OBJECT = "{} is a JSON {}, not an object"


def _payload_of(value: str, kind: str) -> tuple[bytes, str, str]:
    return _form(payload=value), FORM, NOT_AN_OBJECT.format("the payload", kind)


MALFORMED = {
    "JSON body, an array": (b"[1]", JSON, NOT_AN_OBJECT.format("the body", "array")),
    "JSON body with a charset, a string":
        (b'"x"', JSON + "; charset=utf-8", NOT_AN_OBJECT.format("the body", "string")),
    "JSON-looking body sent as a form": (b"{not json", FORM,
        "not JSON (Expecting property name enclosed in double quotes at character 1)"),
    "payload, a boolean": _payload_of("true", "boolean"),
    "payload, a number": _payload_of("42", "number or null"),
    "payload, null": _payload_of("null", "number or null"),
    "payload, an array": _payload_of("[]", "array"),
    "payload, empty": (_form(payload=""), FORM, "not JSON (Expecting value at character 0)"),
    "form body, not UTF-8": (b"payload=\xc3\x28", FORM, "the body is not UTF-8"),
    "event Bolt cannot read": (b'{"type": "event_callback", "authorizations": "T1"}', JSON,
        "Bolt cannot read it (AttributeError)"),
}  # fmt: skip


@pytest.mark.parametrize(("body", "content_type", "why"), MALFORMED.values(), ids=MALFORMED)
def test_a_signed_malformed_body_is_400_with_one_warning(
    app: App,
    seen: list[str],
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
    why: str,
) -> None:
    caplog.set_level(logging.INFO, logger="csbot.slack.endpoint")
    response = _post(app, body, content_type)
    assert _error(response) == (400, f"malformed Slack request: {why}")
    assert seen == []
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"malformed Slack request: {why}")
    ]
