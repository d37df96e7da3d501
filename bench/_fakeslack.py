"""A minimal fake Slack for the benchmarks: the Web API on 127.0.0.1, file uploads, response
URLs, and signed requests as Slack sends them.

Only what `csbot run` calls while answering `/cs` and opening App Home, each answered with the
fields slack_sdk reads; `on(method, hook)` lets a benchmark stamp the moment a call arrives.
The tests have a fuller fake (tests/e2e/fakeslack.py) that records and checks every call; the
benchmarks keep to this one so they need nothing but csbot's own dependencies.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TEAM_ID = "T0000000001"
Params = dict[str, Any]
Hook = Callable[[Params], None]


def signed_headers(secret: str, body: bytes, content_type: str) -> dict[str, str]:
    """The headers Slack sends with `body`, signed now (slack_sdk's own signer)."""
    timestamp = str(int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }


def slash_command(text: str, *, channel: str, response_url: str, user: str) -> bytes:
    """A `/cs` body with Slack's fields, in Slack's order and form encoding."""
    fields = [
        ("token", "bench-verification-token"),
        ("team_id", TEAM_ID),
        ("team_domain", "csbot-bench"),
        ("channel_id", channel),
        ("channel_name", "customer-success"),
        ("user_id", user),
        ("user_name", "cs.manager"),
        ("command", "/cs"),
        ("text", text),
        ("api_app_id", "A0000000001"),
        ("is_enterprise_install", "false"),
        ("response_url", response_url),
        ("trigger_id", "1111111111111.0000000001.bench"),
    ]
    return urlencode(fields).encode()


def app_home_opened(user: str) -> bytes:
    """The `app_home_opened` event Slack sends when `user` opens the Home tab."""
    event = {"type": "app_home_opened", "user": user, "channel": "D" + user[1:],
             "event_ts": f"{time.time():.6f}", "tab": "home"}  # fmt: skip
    payload = {
        "token": "bench-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": "A0000000001",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{time.monotonic_ns()}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": "U0000000009", "is_bot": True}],
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def _params(handler: BaseHTTPRequestHandler, body: bytes) -> Params:
    params: Params = dict(parse_qsl(urlsplit(handler.path).query))
    if handler.headers.get("Content-Type", "").startswith(JSON) and body:
        params.update(json.loads(body))
    elif body:
        params.update(parse_qsl(body.decode(errors="replace")))
    return params


class FakeSlack:
    """`api_url` for CSBOT_SLACK_API_URL; `response_url(name)` for a command's response_url."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._hooks: dict[str, Hook] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.api_url = self.url + "/api/"

    def on(self, method: str, hook: Hook) -> None:
        self._hooks[method] = hook

    def response_url(self, name: str) -> str:
        return f"{self.url}/response/{name}"

    def start(self) -> FakeSlack:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, method: str, params: Params) -> Params:
        if method in self._hooks:
            self._hooks[method](params)
        n = next(self._ids)
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": f"{self.url}/upload/F{n}", "file_id": f"F{n}"}
        if method == "files.completeUploadExternal":
            files = json.loads(str(params.get("files") or "[]"))
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return {"ok": True, **_ANSWERS.get(method, lambda p, n: {})(params, n)}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = urlsplit(self.path).path
                answer: Params = {"ok": True}
                if path.startswith("/api/"):
                    answer = fake.answer(path.removeprefix("/api/"), _params(self, body))
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", JSON)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def _user(user_id: str) -> Params:
    profile = {"real_name": "CS Manager", "display_name": "cs.manager"}
    return {"id": user_id, "name": "cs.manager", "real_name": "CS Manager", "tz": "UTC",
            "tz_offset": 0, "profile": profile}  # fmt: skip


_ANSWERS: dict[str, Callable[[Params, int], Params]] = {
    "auth.test": lambda p, n: {"team_id": TEAM_ID, "user_id": "U0000000009", "bot_id": "B1"},
    "chat.postMessage": lambda p, n: {"channel": p.get("channel"), "ts": f"1700000000.{n:06d}"},
    "chat.update": lambda p, n: {"channel": p.get("channel"), "ts": p.get("ts")},
    "chat.postEphemeral": lambda p, n: {"message_ts": f"1700000000.{n:06d}"},
    "views.publish": lambda p, n: {"view": {"id": f"V{n}", "type": "home"}},
    "conversations.open": lambda p, n: {"channel": {"id": "D" + str(p.get("users"))[1:]}},
    "users.info": lambda p, n: {"user": _user(str(p.get("user")))},
}
