"""`POST /slack/events`: Slack's signature is checked on the raw bytes before anything parses them.

Bolt's WSGI adapter parses a body before Bolt checks its signature, so anyone could make it
raise (a 500 and a long traceback per request). Here a request that is unsigned, badly signed or
stale gets 401 without its body being read as text; a signed body that is not a Slack payload
(not UTF-8, a `payload` that is not a JSON object, JSON nested deeper than any payload) gets 400
and one log line. Only then does Bolt see it (and check the signature again, as it always does).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltRequest, BoltResponse

from csbot.signing import SLACK
from csbot.web import Endpoint, MalformedBody, Request, Response, parse_json

__all__ = ["slack_endpoint"]

log = logging.getLogger(__name__)

Now = Callable[[], float]
"""Unix time; the signature's freshness is judged by the wall clock, as Bolt's own check is."""


def slack_endpoint(app: App, *, secret: str, now: Now = time.time) -> Endpoint:
    """The `Request -> Response` function behind `POST /slack/events`."""

    def handle(request: Request) -> Response:
        reason = SLACK.refusal(request.headers, request.body, secret=secret, now=now())
        if reason is not None:
            log.info("refused a Slack request: %s", reason)
            return Response.json(401, {"error": reason})
        try:
            bolt_request = _bolt_request(request)
        except MalformedBody as exc:
            log.warning("malformed Slack request: %s", exc.message)
            return Response.json(400, {"error": f"malformed Slack request: {exc.message}"})
        return _response(app.dispatch(bolt_request))

    return handle


def _bolt_request(request: Request) -> BoltRequest:
    """The request as Bolt takes it, once the body is known to be one Bolt can read."""
    text = _text(request.body)
    _check_payload(text, request.headers.get("content-type", ""))
    try:
        return BoltRequest(body=text, query=request.query, headers=dict(request.headers))
    except (ValueError, TypeError, AttributeError, KeyError) as exc:  # shapes Bolt cannot read
        raise MalformedBody(f"Bolt cannot read it ({exc.__class__.__name__})") from None


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedBody("the body is not UTF-8") from None


def _check_payload(text: str, content_type: str) -> None:
    """What Bolt will parse (a JSON body, or a form's `payload` field) is one JSON object."""
    if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
        _object(text, "the body")
        return
    payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
    if payload is not None:
        _object(payload, "the payload")


def _object(text: str, what: str) -> dict[str, Any]:
    value = parse_json(text)
    if not isinstance(value, dict):
        raise MalformedBody(f"{what} is a JSON {_kind(value)}, not an object")
    return value


def _kind(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean"}.get(type(value), "number or null")


def _response(bolt: BoltResponse) -> Response:
    headers: Mapping[str, str] = bolt.first_headers_without_set_cookie()
    return Response(bolt.status, bolt.body.encode(), headers)
