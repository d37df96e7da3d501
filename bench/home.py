"""Benchmark App Home: signed `app_home_opened` in -> `views.publish` received, 200-group portfolio.

`csbot run --http` in its own process against the fake Slack (as bench/answer.py), demo groups
all owned by one CSM, with daily snapshots so the trend chart has history. The first open
renders and uploads the two portfolio charts (numbers are published first, then the view with
the charts); later opens find the charts uploaded and publish once. A lead's Home (every
group) is timed the same way. Budget: < 1 s to views.publish.

    .venv/bin/python bench/home.py
    .venv/bin/python bench/home.py --groups 200 --opens 50
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from _fakeslack import JSON, FakeSlack, Params, app_home_opened, signed_headers
from _slackbench import BOT_TOKEN, SECRET, _load_demo, _wait_ready, summary
from sqlalchemy import update

from csbot.scoring.config import default_config
from csbot.store.db import make_engine, session_factory, transaction
from csbot.store.models import PhysicianGroup
from csbot.store.recompute import recompute

CSM = "U0BENCHCSM"
LEAD = "U0BENCHLEAD"


@dataclass
class HomeBench:
    url: str
    http: httpx.Client
    published: list[tuple[str, float, bool]] = field(default_factory=list)  # user, at, charts

    def open_home(self, user: str, *, publishes: int) -> tuple[float, float]:
        """(seconds to the first views.publish, seconds to the last of `publishes`)."""
        seen = len(self.published)
        body = app_home_opened(user)
        sent = time.perf_counter()
        response = self.http.post(
            self.url + "/slack/events", content=body, headers=signed_headers(SECRET, body, JSON)
        )
        assert response.status_code == 200, response.text
        deadline = time.monotonic() + 60
        while len(self.published) < seen + publishes:
            if time.monotonic() > deadline:
                raise SystemExit(f"expected {publishes} views.publish for {user}")
            time.sleep(0.002)
        mine = self.published[seen:]
        return mine[0][1] - sent, mine[-1][1] - sent


def _prepare(database_url: str, *, groups: int, days: int, history: int) -> None:
    _load_demo(database_url, groups, days)
    engine = make_engine(database_url)
    started = time.perf_counter()
    with transaction(session_factory(engine)) as session:
        session.execute(update(PhysicianGroup).values(csm_owner=CSM))
    today = datetime.now(UTC).date()
    for back in range(history, 0, -1):
        with transaction(session_factory(engine)) as session:
            recompute(
                session,
                as_of=today - timedelta(days=back),
                computed_at=datetime.now(UTC),
                config=default_config(),
            )
    engine.dispose()
    print(f"{history} days of snapshots in {time.perf_counter() - started:.1f} s")


def _stamp(fake: FakeSlack, published: list[tuple[str, float, bool]]) -> None:
    def views_publish(params: Params) -> None:
        view = params.get("view") or {}
        view = json.loads(view) if isinstance(view, str) else view
        charts = any(b.get("type") == "image" for b in view.get("blocks", []))
        published.append((str(params.get("user_id")), time.perf_counter(), charts))

    fake.on("views.publish", views_publish)


@contextmanager
def running_app(*, groups: int, days: int, history: int, port: int) -> Iterator[HomeBench]:
    fake = FakeSlack().start()
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        _prepare(database_url, groups=groups, days=days, history=history)
        env = os.environ | {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "CSBOT_SLACK_API_URL": fake.api_url,
            "CSBOT_DATABASE_URL": database_url,
            "CSBOT_LEADS": LEAD,
            "CSBOT_LOG_LEVEL": "ERROR",
        }
        command = [
            sys.executable,
            "-m",
            "csbot",
            "run",
            "--http",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ]
        proc = subprocess.Popen(command, env=env, cwd=tmp)
        http = httpx.Client(timeout=30)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(url, proc, http)
            bench = HomeBench(url, http)
            _stamp(fake, bench.published)
            yield bench
        finally:
            http.close()
            proc.terminate()
            proc.wait(timeout=30)
            fake.stop()


def _timed(bench: HomeBench, user: str, opens: int) -> tuple[float, float, list[float]]:
    cold_numbers, cold_charts = bench.open_home(user, publishes=2)
    warm = [bench.open_home(user, publishes=1)[0] for _ in range(opens)]
    return cold_numbers, cold_charts, warm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--history", type=int, default=30, help="days of snapshots")
    parser.add_argument("--opens", type=int, default=40)
    parser.add_argument("--port", type=int, default=38413)
    args = parser.parse_args()
    with running_app(
        groups=args.groups, days=args.days, history=args.history, port=args.port
    ) as bench:
        for who, user in (("CSM", CSM), ("lead", LEAD)):
            numbers, charts, warm = _timed(bench, user, args.opens)
            print(
                f"{who}, {args.groups} groups, first open: numbers published in "
                f"{numbers * 1000:.0f} ms, with charts in {charts * 1000:.0f} ms"
            )
            print(f"{who}, {args.groups} groups, app_home_opened -> views.publish: {summary(warm)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
