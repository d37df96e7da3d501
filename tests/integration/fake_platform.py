"""A customer platform's REST API on 127.0.0.1 for the sync tests: pages, fails, rate-limits.

`records[kind]` is the source of truth, each with the time it last changed (sent nowhere:
`updated_since` filters on it). `fail(kind, page, status, times, headers)` makes that page
answer `status` the next `times` requests. Pages link on by `next` URL, `next_cursor` or a
`Link` header, as `style` says.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = "platform-token-1"
OLD = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Request:
    path: str
    query: dict[str, str]
    authorization: str | None


@dataclass
class FakePlatform:
    page_size: int = 2
    style: str = "next"  # next / cursor / link / elsewhere (a next link to another host)
    records: dict[str, list[tuple[datetime, dict[str, Any]]]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    failures: dict[tuple[str, int], list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    url: str = ""

    def put(self, kind: str, *records: dict[str, Any], changed: datetime = OLD) -> None:
        """Add or replace records (by external_id, else by their whole key) in the source."""
        rows = self.records.setdefault(kind, [])
        for record in records:
            key = record.get("external_id") or (record.get("group"), record.get("day"))
            rows[:] = [
                (t, r)
                for t, r in rows
                if (r.get("external_id") or (r.get("group"), r.get("day"))) != key
            ]
            rows.append((changed, record))

    def fail(self, kind: str, page: int, status: int, *, times: int = 1,
             headers: dict[str, str] | None = None) -> None:  # fmt: skip
        self.failures.setdefault((kind, page), []).extend([(status, headers or {})] * times)

    def answer(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        kind = path.rsplit("/", 1)[-1]
        offset = int(query.get("cursor") or query.get("offset") or 0)
        page = offset // self.page_size + 1
        queued = self.failures.get((kind, page))
        if queued:
            status, headers = queued.pop(0)
            return status, headers, {"error": "injected"}
        since = query.get("updated_since")
        rows = [r for t, r in self.records.get(kind, [])
                if since is None or t >= datetime.fromisoformat(since)]  # fmt: skip
        body: dict[str, Any] = {"data": rows[offset : offset + self.page_size]}
        more = offset + self.page_size < len(rows)
        return 200, *self._link(body, path, query, offset + self.page_size, more)

    def _link(self, body: dict[str, Any], path: str, query: dict[str, str], offset: int,
              more: bool) -> tuple[dict[str, str], Any]:  # fmt: skip
        if not more:
            return {}, body
        rest = "&".join(f"{k}={v}" for k, v in query.items() if k not in ("offset", "cursor"))
        link = f"{path}?{rest}&offset={offset}"
        if self.style == "cursor":
            body["next_cursor"] = str(offset)
        elif self.style == "link":
            return {"Link": f'<{self.url}{link}>; rel="next"'}, body
        elif self.style == "elsewhere":
            body["next"] = f"http://evil.example{link}"
        else:
            body["next"] = link
        return {}, body


def _handler(platform: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            auth = self.headers.get("Authorization")
            platform.requests.append(Request(parts.path, query, auth))
            if auth != f"Bearer {TOKEN}":
                status, headers, body = 401, {}, {"error": "unauthorized"}
            else:
                status, headers, body = platform.answer(parts.path, query)
            payload = json.dumps(body).encode()
            self.send_response(status)
            for name, value in {**headers, "Content-Type": "application/json"}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serving(platform: FakePlatform) -> Iterator[FakePlatform]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(platform))
    platform.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
