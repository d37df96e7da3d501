"""Malformed bodies at the HTTP edge: the signature is checked on the raw bytes before anything
parses them, so a stranger gets 401 without csbot reading the body, and a signed body that is not
a Slack payload gets 400 and one log line, never a 500 with a traceback."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest

from tests.e2e.conftest import SIGNING_SECRET, AppServer
from tests.e2e.slackreq import FORM, JSON

DEEP = 5_000  # deeper than Python's recursion limit (1,000): json.loads itself gives up
NESTED = 200  # parses, but deeper than any Slack payload


def _form(payload: str) -> bytes:
    return urlencode({"payload": payload}).encode()


MALFORMED = {
    "payload is not JSON": (_form("{not json"), FORM),
    "payload is a list": (_form('[{"type":"block_actions"}]'), FORM),
    "payload is a string": (_form('"block_actions"'), FORM),
    "payload nested past the limit": (_form("[" * NESTED + "]" * NESTED), FORM),
    "payload nested past the recursion limit": (_form('{"a":' * DEEP + "1" + "}" * DEEP), FORM),
    "event body is a list": (b'[{"type":"url_verification"}]', JSON),
    "event body nested too deep": (b'{"a":' * DEEP + b"1" + b"}" * DEEP, JSON),
    "event body is not JSON": (b'{"type": url_verification', JSON),
    "body is not UTF-8": (b"\xff\xfe\xfdpayload=\xc3\x28", FORM),
    "JSON body is not UTF-8": (b'{"type":"\xff\xfe"}', JSON),
}
CASES = pytest.mark.parametrize(("body", "content_type"), MALFORMED.values(), ids=MALFORMED)


def _problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Warnings and worse about the request. Not waitress's "Task queue depth is N": it says
    all its threads were busy when the request came (a loaded test machine), not what csbot
    made of the request."""
    return [r for r in caplog.records
            if r.levelno >= logging.WARNING and r.name != "waitress.queue"]  # fmt: skip


@CASES
def test_unsigned_malformed_body_is_401_without_parsing(
    app_server: AppServer, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.DEBUG)
    url = app_server.url + "/slack/events"
    response = app_server.http.post(url, content=body, headers={"Content-Type": content_type})
    assert response.status_code == 401
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info]
    assert app_server.fake.calls == []


@CASES
def test_badly_signed_malformed_body_is_401(
    app_server: AppServer, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.DEBUG)
    response = app_server.post_signed(body, content_type, secret="not-" + SIGNING_SECRET)
    assert response.status_code == 401
    assert not [r for r in caplog.records if r.exc_info]


@CASES
def test_signed_malformed_body_is_400_with_one_log_line(
    app_server: AppServer, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.DEBUG)
    response = app_server.post_signed(body, content_type)
    assert response.status_code == 400
    assert "malformed" in response.json()["error"]
    [line] = _problems(caplog)
    assert line.exc_info is None
    assert "malformed Slack request" in line.getMessage()
    assert "Traceback" not in caplog.text
    assert app_server.fake.calls == []


def test_a_well_formed_request_still_reaches_bolt(app_server: AppServer) -> None:
    challenge = {"type": "url_verification", "challenge": "c-123", "token": "t"}
    response = app_server.post_signed(json.dumps(challenge).encode(), JSON)
    assert response.status_code == 200
    assert response.json() == {"challenge": "c-123"}


def test_a_payload_within_the_depth_limit_is_accepted(app_server: AppServer) -> None:
    # as deep as real payloads go (view state, rich text) with room to spare
    value: object = "x"
    for _ in range(20):
        value = {"elements": [value]}
    payload = {"type": "block_actions", "user": {"id": "U1"}, "actions": [], "deep": value}
    response = app_server.post_signed(_form(json.dumps(payload)), FORM)
    assert response.status_code != 400
