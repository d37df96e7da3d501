"""The HTTP server's limits: idle connections cannot starve csbot, and bodies have a size limit.

Load here is bounded and on loopback only: 200 idle connections, a handful of requests.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from csbot.app import http_limits
from csbot.config import load_settings
from csbot.server import HttpLimits, HttpServer
from csbot.web import Router, health_endpoint
from tests.e2e.cli_run import csbot_run, user_env
from tests.e2e.conftest import AppServer
from tests.e2e.fakeslack import FakeSlack

IDLE_CONNECTIONS = 200


@contextmanager
def _idle_connections(port: int, count: int) -> Iterator[list[socket.socket]]:
    """`count` TCP connections to csbot that never send a byte, closed on exit."""
    with ExitStack() as stack:
        held = []
        for _ in range(count):
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=5))
            held.append(sock)
        yield held


def test_200_idle_connections_do_not_stop_healthz_or_a_signed_cs(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = user_env(fake_slack, f"sqlite:///{tmp_path / 'flood.sqlite3'}", tmp_path)
    with csbot_run(env, fake_slack) as csbot:
        with _idle_connections(csbot.port, IDLE_CONNECTIONS):
            health = httpx.get(csbot.url + "/healthz", timeout=1)
            answer = csbot.post_signed(csbot.samples.slash_command("help"), timeout=1)
        assert health.status_code == 200
        assert health.json() == {"status": "ok"}
        assert answer.status_code == 200
        assert answer.json()["response_type"] == "ephemeral"
        assert "/cs help" in answer.json()["text"]  # the help, answered in the ack


@contextmanager
def _serving(limits: HttpLimits) -> Iterator[HttpServer]:
    router = Router()
    router.add("GET", "/healthz", health_endpoint(lambda: None))
    server = HttpServer(router, host="127.0.0.1", port=0, limits=limits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop()
        thread.join(timeout=10)


def test_the_defaults_are_the_settings_defaults() -> None:
    assert http_limits(load_settings()) == HttpLimits()
    limits = http_limits(
        load_settings(
            CSBOT_HTTP_CONNECTIONS="20",
            CSBOT_HTTP_IDLE_TIMEOUT="2",
            CSBOT_HTTP_MAX_BODY="65536",
            CSBOT_HTTP_THREADS="3",
        )
    )
    assert limits == HttpLimits(threads=3, connections=20, idle_timeout=2, max_body=65536)


def test_idle_connections_are_closed_after_the_idle_timeout_and_csbot_answers_again() -> None:
    with (
        _serving(HttpLimits(connections=10, idle_timeout=1)) as server,
        _idle_connections(server.port, 10) as idle,
    ):
        # all 10 connections are taken; this one waits in the backlog until they time out
        health = httpx.get(f"http://127.0.0.1:{server.port}/healthz", timeout=30)
        closed_by_csbot = [sock.recv(1) for sock in idle]
    assert health.status_code == 200
    assert closed_by_csbot == [b""] * 10


def test_a_body_over_the_limit_is_refused_before_it_is_read() -> None:
    with (
        _serving(HttpLimits(max_body=64 * 1024)) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock,
    ):
        sock.sendall(b"POST /healthz HTTP/1.1\r\nHost: csbot\r\nContent-Length: 65537\r\n\r\n")
        status_line = sock.makefile("rb").readline()
    assert status_line.startswith(b"HTTP/1.1 413 ")


def test_by_default_a_body_over_one_mebibyte_is_refused(app_server: AppServer) -> None:
    port = int(app_server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: csbot\r\n"
                     b"Content-Length: 1048577\r\n\r\n")  # fmt: skip
        status_line = sock.makefile("rb").readline()
    assert status_line.startswith(b"HTTP/1.1 413 ")
