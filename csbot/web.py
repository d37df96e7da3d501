"""csbot's HTTP edge: a tiny WSGI router, its request and response types, and strict JSON.

Routes are `(method, path template)`; a template segment in braces (`/webhooks/{kind}`) matches
one path segment and reaches the endpoint as `request.params["kind"]`. Unknown paths get 404, a
known path with the wrong method 405. The server that runs it is csbot.server; the Slack route
is csbot.slack.endpoint.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from csbot.errors import InputError

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

PARAMS_KEY = "csbot.path_params"
MAX_JSON_DEPTH = 64
"""Deeper than any Slack payload or webhook record (view state and rich text reach about 12)."""


class MalformedBody(InputError):
    """A body that is not what the route takes: answered 400 and logged in one line."""


def parse_json(body: bytes | str) -> Any:
    """The JSON value in a UTF-8 body, or MalformedBody saying why not (never a traceback)."""
    try:
        value = json.loads(body if isinstance(body, str) else body.decode("utf-8"))
    except UnicodeDecodeError:
        raise MalformedBody("the body is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise MalformedBody(f"not JSON ({exc.msg} at character {exc.pos})") from None
    except RecursionError:
        raise MalformedBody(f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    if _deeper_than(value, MAX_JSON_DEPTH):
        raise MalformedBody(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            if depth >= limit:
                return True
            stack.extend((child, depth + 1) for child in item)
    return False


@dataclass(frozen=True)
class Request:
    """An HTTP request as an endpoint sees it: the raw body, lower-case header names."""

    method: str
    path: str
    params: Mapping[str, str]
    query: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any) -> Response:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls(status, body, {"content-type": "application/json"})


Endpoint = Callable[[Request], Response]


def _status_line(status: int) -> str:
    return f"{status} {HTTPStatus(status).phrase}"


def _headers(environ: WSGIEnvironment) -> dict[str, str]:
    found = {
        key[5:].lower().replace("_", "-"): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            found[key.lower().replace("_", "-")] = str(environ[key])
    return found


def _read_request(environ: WSGIEnvironment) -> Request:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return Request(
        method=environ.get("REQUEST_METHOD", "GET"),
        path=environ.get("PATH_INFO", ""),
        params=environ.get(PARAMS_KEY, {}),
        query=environ.get("QUERY_STRING", ""),
        headers=_headers(environ),
        body=environ["wsgi.input"].read(length) if length else b"",
    )


def endpoint_app(endpoint: Endpoint) -> WSGIApplication:
    """Wrap a `Request -> Response` function as a WSGI application."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        response = endpoint(_read_request(environ))
        headers = [*response.headers.items(), ("content-length", str(len(response.body)))]
        start_response(_status_line(response.status), headers)
        return [response.body]

    return app


@dataclass(frozen=True)
class _Route:
    method: str
    parts: tuple[str, ...]
    app: WSGIApplication

    def match(self, parts: list[str]) -> dict[str, str] | None:
        if len(parts) != len(self.parts):
            return None
        params: dict[str, str] = {}
        for want, got in zip(self.parts, parts, strict=True):
            if want.startswith("{") and want.endswith("}"):
                if not got:
                    return None
                params[want[1:-1]] = got
            elif want != got:
                return None
        return params


class Router:
    """A WSGI application dispatching on method and path template."""

    def __init__(self) -> None:
        self._routes: list[_Route] = []

    def mount(self, method: str, template: str, app: WSGIApplication) -> None:
        """Route to a whole WSGI application (e.g. Bolt's `SlackRequestHandler`)."""
        self._routes.append(_Route(method.upper(), tuple(template.split("/")), app))

    def add(self, method: str, template: str, endpoint: Endpoint) -> None:
        """Route to a small `Request -> Response` function."""
        self.mount(method, template, endpoint_app(endpoint))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        parts = str(environ.get("PATH_INFO", "")).split("/")
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        allowed: list[str] = []
        for route in self._routes:
            params = route.match(parts)
            if params is None:
                continue
            if route.method != method:
                allowed.append(route.method)
                continue
            environ[PARAMS_KEY] = params
            return route.app(environ, start_response)
        if allowed:
            return _plain(start_response, 405, [("allow", ", ".join(sorted(set(allowed))))])
        return _plain(start_response, 404, [])


def _plain(start_response: StartResponse, status: int, extra: list[tuple[str, str]]) -> list[bytes]:
    body = HTTPStatus(status).phrase.encode()
    headers = [("content-type", "text/plain; charset=utf-8"), ("content-length", str(len(body)))]
    start_response(_status_line(status), headers + extra)
    return [body]


def health_endpoint(check: Callable[[], None]) -> Endpoint:
    """`GET /healthz`: 200 when `check` passes, 503 (without details, which are logged) if not."""

    def healthz(request: Request) -> Response:
        try:
            check()
        except Exception:
            log.exception("health check failed")
            return Response.json(503, {"status": "unavailable"})
        return Response.json(200, {"status": "ok"})

    return healthz
