"""`csbot run` stopping: SIGTERM after a burst of `/cs`, and SIGKILL, on real subprocesses.

Slack's chart upload is held (the fake leaves it unanswered) so csbot's work threads are busy
when the signal comes, whatever the machine's speed. Load is bounded and on loopback only.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from csbot.server import HttpServer
from csbot.slack.workqueue import RESTARTING_MESSAGE
from csbot.web import Request, Response, Router
from tests.e2e.cli_run import RunningCsbot, csbot_run, user_env
from tests.e2e.cs_fixtures import cs_settings, load_demo_db
from tests.e2e.fakeslack import FakeSlack

BURST = 200
CONCURRENCY = 20
WORKERS = 4  # CSBOT_WORK_WORKERS' default: the jobs that are running when SIGTERM comes
UPLOAD = "files.getUploadURLExternal"


def _children(pid: int) -> set[int]:
    """Every process descended from `pid`, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _still_running(pids: set[int], timeout: float) -> set[int]:
    """Wait (on pidfds, no polling) up to `timeout` s for `pids` to exit; returns those left."""
    fds = {}
    for pid in pids:
        try:
            fds[os.pidfd_open(pid)] = pid
        except ProcessLookupError:
            continue  # already gone
    try:
        left = set(fds)
        while left:
            ready, _, _ = select.select(list(left), [], [], timeout)
            if not ready:
                break
            left -= set(ready)
        return {fds[fd] for fd in left}
    finally:
        for fd in fds:
            os.close(fd)


@pytest.fixture
def demo_db(fake_slack: FakeSlack, tmp_path: Path) -> tuple[dict[str, str], str]:
    """What a user sets to run csbot on a small demo database; a group to ask for."""
    database = tmp_path / "shutdown.sqlite3"
    [group, *_] = load_demo_db(cs_settings(fake_slack, database), groups=3, days=40)
    return user_env(fake_slack, f"sqlite:///{database}", tmp_path), group.name


def _burst(csbot: RunningCsbot, group: str) -> list[int]:
    def one(n: int) -> int:
        text, url = f"health {group}", csbot.fake.response_url(str(n))
        return csbot.slash_command(text, user_id=f"U{n:010d}", response_url=url).status_code

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        return list(pool.map(one, range(BURST)))


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def test_sigterm_after_a_burst_stops_in_time_and_tells_everyone_whose_card_will_not_come(
    fake_slack: FakeSlack, demo_db: tuple[dict[str, str], str]
) -> None:
    env, group = demo_db
    upload = fake_slack.hold(UPLOAD, every=True)
    with csbot_run(env, fake_slack) as csbot:
        assert _burst(csbot, group) == [200] * BURST  # every /cs acked
        upload.wait_held(WORKERS)  # the work threads are busy, the rest of the burst queued
        family = _children(csbot.proc.pid)
        csbot.proc.send_signal(signal.SIGTERM)
        csbot.wait_for_line("stopped accepting connections")
        assert _refused(csbot.port)
        notices = fake_slack.wait_for("response_url", BURST - WORKERS, timeout=30)
        upload.release()  # Slack answers again: the running cards finish inside the grace
        assert csbot.proc.wait(timeout=30) == 0
        assert _still_running(family, timeout=10) == set()  # before the harness kills the group
    cards = fake_slack.calls_to("chat.postMessage")
    assert len(cards) == WORKERS
    assert len({call.path for call in notices}) == BURST - WORKERS  # one each, to the person
    assert {(c.params["text"], c.params["response_type"]) for c in notices} == {
        (RESTARTING_MESSAGE, "ephemeral")
    }


def test_sigterm_gives_up_on_stuck_work_after_the_grace_and_tells_those_people_too(
    fake_slack: FakeSlack, demo_db: tuple[dict[str, str], str]
) -> None:
    env, group = demo_db
    upload = fake_slack.hold(UPLOAD, every=True)  # never released: Slack hangs past the grace
    with csbot_run({**env, "CSBOT_SHUTDOWN_GRACE": "3"}, fake_slack) as csbot:
        assert _burst(csbot, group) == [200] * BURST
        upload.wait_held(WORKERS)
        family = _children(csbot.proc.pid)
        csbot.proc.send_signal(signal.SIGTERM)
        assert csbot.proc.wait(timeout=20) == 0
        assert _still_running(family, timeout=10) == set()
    notices = fake_slack.calls_to("response_url")
    assert len({call.path for call in notices}) == BURST  # the 4 running ones told as well
    assert fake_slack.calls_to("chat.postMessage") == []


def test_killed_csbot_leaves_no_render_worker_behind(fake_slack: FakeSlack, tmp_path: Path) -> None:
    env = user_env(fake_slack, f"sqlite:///{tmp_path / 'killed.sqlite3'}", tmp_path)
    with csbot_run(env, fake_slack) as csbot:
        family = _children(csbot.proc.pid)
        assert len(family) >= 2  # the render pool's forkserver and its workers, at least
        csbot.proc.send_signal(signal.SIGKILL)
        assert csbot.proc.wait(timeout=10) == -signal.SIGKILL
        assert _still_running(family, timeout=15) == set()


def test_a_request_in_flight_is_answered_while_new_connections_are_refused() -> None:
    entered, release = threading.Event(), threading.Event()

    def slow(request: Request) -> Response:
        entered.set()
        release.wait(10)
        return Response.json(200, {"done": True})

    router = Router()
    router.add("GET", "/slow", slow)
    server = HttpServer(router, host="127.0.0.1", port=0)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    with (
        ThreadPoolExecutor(1) as pool,
        socket.create_connection(("127.0.0.1", server.port)) as idle,
    ):
        answer = pool.submit(httpx.get, f"http://127.0.0.1:{server.port}/slow", timeout=10)
        assert entered.wait(10)
        server.stop()
        idle.settimeout(10)
        assert idle.recv(1) == b""  # idle connections close once the listening socket has
        assert _refused(server.port)
        release.set()
        assert answer.result().json() == {"done": True}
    serving.join(10)
    assert not serving.is_alive()
