"""Shared by bench/ack.py and bench/answer.py: the real app in a subprocess, a fake Slack here.

`csbot run --http` runs as people start it (its own process, render pool warmed before it
serves), against a fake Slack Web API in this process (bench/_fakeslack.py), which stamps the
moment each chat.postMessage arrives. Needs only csbot's own dependencies (no tests/, no
pytest). Demo data ends today, so the app's real clock sees full windows.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from _fakeslack import FORM, FakeSlack, Params, signed_headers, slash_command

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from csbot.store.db import make_engine, session_factory, transaction, upgrade  # noqa: E402
from csbot.store.demo import load_demo  # noqa: E402
from csbot.store.groups import group_names  # noqa: E402

BOT_TOKEN = "xoxb-bench-token"
USER = "U0000000001"
SECRET = "bench-signing-secret"


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 200 values is the 198th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"p50 {percentile(ms, 50):6.1f} ms  p95 {percentile(ms, 95):6.1f} ms  "
        f"p99 {percentile(ms, 99):6.1f} ms  max {max(ms):6.1f} ms  (n={len(ms)})"
    )


@dataclass
class Bench:
    """The running app, the fake Slack, and when each channel's card arrived."""

    url: str
    fake: FakeSlack
    database_url: str
    groups: list[str]
    http: httpx.Client
    posted: dict[str, float] = field(default_factory=dict)

    def command(self, text: str, *, channel: str) -> tuple[float, float, httpx.Response]:
        """POST a signed `/cs` (answered in `channel`); (sent at, acked at, response)."""
        body = slash_command(
            text, channel=channel, response_url=self.fake.response_url(channel), user=USER
        )
        headers = signed_headers(SECRET, body, FORM)
        sent = time.perf_counter()
        response = self.http.post(self.url + "/slack/events", content=body, headers=headers)
        return sent, time.perf_counter(), response

    def wait_posted(self, channels: Sequence[str], timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while not all(c in self.posted for c in channels):
            if time.monotonic() > deadline:
                missing = [c for c in channels if c not in self.posted]
                raise SystemExit(f"{len(missing)} cards never arrived, e.g. {missing[:3]}")
            time.sleep(0.01)


def _stamp_posts(fake: FakeSlack, posted: dict[str, float]) -> None:
    def post_message(params: Params) -> None:
        posted.setdefault(str(params.get("channel")), time.perf_counter())

    fake.on("chat.postMessage", post_message)


def _load_demo(url: str, groups: int, days: int) -> list[str]:
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    with transaction(session_factory(engine)) as session:
        load_demo(session, groups=groups, days=days, seed=7, as_of=datetime.now(UTC).date())
        names = [g.name for g in group_names(session)]
    engine.dispose()
    print(f"demo: {groups} groups x {days} days in {time.perf_counter() - started:.1f} s")
    return names


def _wait_ready(url: str, proc: subprocess.Popen[bytes], http: httpx.Client) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"csbot run exited with {proc.returncode}")
        try:
            if http.get(url + "/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit("csbot run did not become ready within 60 s")


@contextmanager
def running_app(*, groups: int, days: int, port: int) -> Iterator[Bench]:
    """Demo data in a temporary SQLite file, the fake Slack, and `csbot run --http`."""
    fake = FakeSlack().start()
    posted: dict[str, float] = {}
    _stamp_posts(fake, posted)
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        names = _load_demo(database_url, groups, days)
        env = os.environ | {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "CSBOT_SLACK_API_URL": fake.api_url,
            "CSBOT_DATABASE_URL": database_url,
            "CSBOT_LOG_LEVEL": "ERROR",  # waitress warns of its queue under this load
        }
        command = [sys.executable, "-m", "csbot", "run", "--http", "--host", "127.0.0.1",
                   "--port", str(port)]  # fmt: skip
        proc = subprocess.Popen(command, env=env, cwd=tmp)
        http = httpx.Client(timeout=30, limits=httpx.Limits(max_connections=64))
        url = f"http://127.0.0.1:{port}"
        try:
            started = time.perf_counter()
            _wait_ready(url, proc, http)
            print(f"csbot run --http ready in {time.perf_counter() - started:.1f} s")
            yield Bench(url, fake, database_url, names, http, posted)
        finally:
            http.close()
            proc.terminate()
            proc.wait(timeout=30)
            fake.stop()
