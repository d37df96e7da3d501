"""A fake Slack Web API on 127.0.0.1 that records every call and answers like Slack.

Point the app at `fake.api_url` (CSBOT_SLACK_API_URL). Besides `/api/<method>` it serves the file
upload URLs it hands out (`/upload/v1/<file_id>`) and response URLs (`fake.response_url()`),
so `files_upload_v2` and Bolt's `respond()` work end to end. `fail(...)` injects 429s, 5xx,
`ok: false` errors and dropped connections; `hold(...)` keeps a call unanswered until released;
`wait_for(...)` blocks on a condition until the calls arrive (no sleeping).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.e2e import fakeslack_methods as methods

Answer = dict[str, Any] | Callable[["Call"], dict[str, Any]]


@dataclass(frozen=True)
class Call:
    """One request the fake received. `method` is the API method, `upload` or `response_url`."""

    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]
    body: bytes
    status: int = 200

    def json_param(self, name: str) -> Any:
        """A parameter that may arrive JSON-encoded in a form (blocks, view) or as JSON."""
        value = self.params.get(name)
        return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value

    @property
    def token(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return (
            auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else self.params.get("token")
        )


@dataclass
class Fault:
    """Answer `method` ('*' for any) with `status`/`error` for the next `times` calls, or on
    every `every`-th call; `drop` closes the connection without answering (recorded as status 0)."""

    method: str
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    times: int | None = 1
    every: int | None = None
    drop: bool = False
    seen: int = 0

    def fires(self, method: str) -> bool:
        if self.method not in ("*", method):
            return False
        self.seen += 1
        if self.every is not None:
            return self.seen % self.every == 0
        if self.times is not None and self.times > 0:
            self.times -= 1
            return True
        return False


@dataclass
class Hold:
    """A call kept unanswered by `FakeSlack.hold`: `arrived` is set when it comes in, and it is
    answered once `release()` is called (or after HOLD_SECONDS, so nothing hangs). With `every`,
    every call to the method is held until then; `wait_held(n)` waits for n of them."""

    method: str
    every: bool = False
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    held: int = 0
    _counted: threading.Condition = field(default_factory=threading.Condition)

    def release(self) -> None:
        self.released.set()

    def keep(self) -> None:
        """Hold the calling request's thread until released."""
        with self._counted:
            self.held += 1
            self._counted.notify_all()
        self.arrived.set()
        self.released.wait(HOLD_SECONDS)

    def wait_held(self, count: int, timeout: float = 30.0) -> None:
        """Block until `count` calls are being held; AssertionError if not within `timeout`."""
        with self._counted:
            if not self._counted.wait_for(lambda: self.held >= count, timeout):
                raise AssertionError(f"expected {count} held {self.method}; got {self.held}")


HOLD_SECONDS = 60


@dataclass
class State:
    """What Slack would remember: messages per channel, views, uploaded files, users."""

    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    pending_uploads: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    counter: int = 0

    def next_id(self) -> int:
        self.counter += 1
        return self.counter


class FakeSlack:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._calls: list[Call] = []
        self._faults: list[Fault] = []
        self._answers: dict[str, Answer] = {}
        self._holds: list[Hold] = []
        self.state = State()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # lifecycle -------------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._release_holds()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, name: str = "1") -> str:
        """A response URL on this fake; what is POSTed there is recorded as `response_url`."""
        return f"{self.url}/response/{name}"

    # what tests read ---------------------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def reset(self) -> None:
        """Forget calls, faults, custom answers and state: a fresh Slack for the next test
        (when one app serves several tests)."""
        with self._lock:
            self._calls.clear()
            self._faults.clear()
            self._answers.clear()
            self._release_holds()
            self.state = State()

    def _release_holds(self) -> None:
        for hold in self._holds:
            hold.release()
        self._holds.clear()

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10.0,
        where: Callable[[Call], bool] = lambda call: True,
    ) -> list[Call]:
        """Block until `count` calls to `method` (that `where` accepts) arrived; AssertionError
        naming what did if not."""

        def matching() -> list[Call]:
            return [c for c in self._calls if c.method == method and where(c)]

        with self._lock:
            if not self._lock.wait_for(lambda: len(matching()) >= count, timeout):
                seen = [c.method for c in self._calls]
                raise AssertionError(f"expected {count} x {method} within {timeout}s; got {seen}")
            return matching()

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages now in `channel` as Slack would show them (after updates and deletes)."""
        with self._lock:
            return [dict(m) for m in self.state.messages.get(channel, [])]

    # what tests set --------------------------------------------------------------------------
    def fail(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
        every: int | None = None,
        drop: bool = False,
    ) -> None:
        """E.g. `fail("chat.postMessage", status=429, retry_after=0, times=2)`,
        `fail("chat.postMessage", error="not_in_channel")`, `fail("*", status=500, every=3)`,
        `fail("chat.postMessage", drop=True)` (the connection closes with no answer)."""
        if status == 200 and error is None:
            error = "internal_error"
        with self._lock:
            self._faults.append(Fault(method, status, error, retry_after, times, every, drop))

    def answer(self, method: str, answer: Answer) -> None:
        """Answer `method` with this body (or this function of the call) instead of the default."""
        with self._lock:
            self._answers[method] = answer

    def hold(self, method: str, *, every: bool = False) -> Hold:
        """Keep the next call to `method` waiting: e.g. to start a second process while the
        first is in the middle of posting. `every`: all calls to it, until released (e.g. to
        keep csbot's work threads busy while a test stops it)."""
        hold = Hold(method, every)
        with self._lock:
            self._holds.append(hold)
        return hold

    def add_user(self, user_id: str, **fields: Any) -> None:
        with self._lock:
            self.state.users[user_id] = {"id": user_id, **fields}

    # serving ---------------------------------------------------------------------------------
    def handle(self, call: Call) -> tuple[int, dict[str, str], bytes] | None:
        """The answer to `call`; None: drop the connection without one."""
        with self._lock:
            hold = next((h for h in self._holds if h.method == call.method), None)
            if hold is not None and not hold.every:
                self._holds.remove(hold)
        if hold is not None:
            hold.keep()
        with self._lock:
            fault = next((f for f in self._faults if f.fires(call.method)), None)
            if fault is not None and fault.drop:
                self._calls.append(_with_status(call, 0))
                self._lock.notify_all()
                return None
            if fault is not None:
                status, headers, body = _fault_answer(fault)
            else:
                status, headers, body = self._answer(call)
            self._calls.append(_with_status(call, status))
            self._lock.notify_all()
        return status, headers, body

    def _answer(self, call: Call) -> tuple[int, dict[str, str], bytes]:
        if call.method == "upload":
            return methods.upload(self.state, call)
        if call.method == "response_url":
            return 200, {"Content-Type": "text/plain"}, b"ok"
        custom = self._answers.get(call.method)
        if custom is not None:
            payload = custom(call) if callable(custom) else custom
        else:
            payload = methods.api(self.state, call, base_url=self.url)
        return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()


def _with_status(call: Call, status: int) -> Call:
    return Call(call.method, call.path, call.params, call.headers, call.body, status)


def _fault_answer(fault: Fault) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/json"}
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after)
    error = fault.error or ("ratelimited" if fault.status == 429 else "internal_error")
    return fault.status, headers, json.dumps({"ok": False, "error": error}).encode()


def _parse(path: str, headers: dict[str, str], body: bytes) -> tuple[str, dict[str, Any]]:
    url = urlsplit(path)
    params: dict[str, Any] = {k: v[0] for k, v in parse_qs(url.query).items()}
    if url.path.startswith("/upload/"):
        return "upload", params
    if url.path.startswith("/response/"):
        return "response_url", json.loads(body or b"{}")
    content_type = headers.get("content-type", "")
    if content_type.startswith("application/json"):
        params.update(json.loads(body or b"{}"))
    elif content_type.startswith("application/x-www-form-urlencoded"):
        form = parse_qs(body.decode(), keep_blank_values=True)
        params.update({k: v[0] if len(v) == 1 else v for k, v in form.items()})
    return url.path.removeprefix("/api/"), params


def _handler_for(fake: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            method, params = _parse(self.path, headers, body)
            answer = fake.handle(Call(method, self.path, params, headers, body))
            if answer is None:
                self.close_connection = True
                return
            status, out_headers, out = answer
            self.send_response(status)
            for name, value in out_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
