"""The HTTP router: exact and templated paths, 404/405, and a health check that can fail."""

from __future__ import annotations

import io
import json
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest

from csbot.web import MalformedBody, Request, Response, Router, health_endpoint, parse_json


def _call(
    app: Router, method: str, path: str, body: bytes = b""
) -> tuple[str, dict[str, str], bytes]:
    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path}
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["HTTP_X_KIND"] = "demo"
    setup_testing_defaults(environ)
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"], seen["headers"] = status, dict(headers)
        return None

    out = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], out


def _echo(request: Request) -> Response:
    return Response.json(
        202,
        {
            "kind": request.params["kind"],
            "body": request.body.decode(),
            "h": request.headers["x-kind"],
        },
    )


def test_templated_route_passes_params_and_raw_body() -> None:
    router = Router()
    router.add("POST", "/webhooks/{kind}", _echo)
    status, headers, body = _call(router, "POST", "/webhooks/usage", b"a=1")
    assert status == "202 Accepted"
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"kind": "usage", "body": "a=1", "h": "demo"}


def test_unknown_paths_404_and_wrong_methods_405() -> None:
    router = Router()
    router.add("POST", "/webhooks/{kind}", _echo)
    assert _call(router, "POST", "/webhooks/")[0].startswith("404")
    assert _call(router, "POST", "/webhooks/a/b")[0].startswith("404")
    status, headers, _ = _call(router, "GET", "/webhooks/usage")
    assert status == "405 Method Not Allowed"
    assert headers["allow"] == "POST"


def test_health_is_503_without_details_when_the_check_fails() -> None:
    def broken() -> None:
        raise RuntimeError("db password is hunter2")

    router = Router()
    router.add("GET", "/healthz", health_endpoint(broken))
    status, _, body = _call(router, "GET", "/healthz")
    assert status == "503 Service Unavailable"
    assert json.loads(body) == {"status": "unavailable"}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\xff", "the body is not UTF-8"),
        (b"{", "not JSON (Expecting property name enclosed in double quotes at character 1)"),
        (b"[" * 65 + b"]" * 65, "JSON nested deeper than 64 levels"),
        (b'{"a":' * 64 + b"[]" + b"}" * 64, "JSON nested deeper than 64 levels"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON nested deeper than 64 levels"),
    ],
)
def test_parse_json_says_why_a_body_is_malformed(body: bytes, reason: str) -> None:
    with pytest.raises(MalformedBody) as caught:
        parse_json(body)
    assert caught.value.message == reason


def test_parse_json_takes_64_levels() -> None:
    assert parse_json(b"[" * 64 + b"]" * 64) == _nested(64)
    assert parse_json('{"a":' * 63 + '"é"' + "}" * 63) is not None


def _nested(levels: int) -> list[object]:
    value: list[object] = []
    for _ in range(levels - 1):
        value = [value]
    return value
