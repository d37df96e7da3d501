"""`csbot` as a person runs it: the installed command in a child process with only the
environment a user sets, talking to the fake Slack; requests signed as Slack signs them.

`csbot_run(env, fake)` starts `csbot run --http` on a free loopback port and yields once the
server says it is listening; everything the process prints (stdout and stderr) is kept in
`log_text()` for tests that read the log, and `wait_for_line(text)` waits for a line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.e2e.fakeslack import FakeSlack
from tests.e2e.slackreq import (
    FORM,
    Samples,
    interaction_body,
    signed_headers,
    with_response_url,
)

START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def csbot_command() -> list[str]:
    """The `csbot` script installed beside this Python (the venv's), as a user calls it."""
    script = Path(sys.executable).with_name("csbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "csbot"]


def user_env(fake: FakeSlack, database_url: str, home: Path, **more: str) -> dict[str, str]:
    """What a user sets to run csbot over HTTP: tokens, signing secret, database, the Slack API
    base (the fake's), and nothing else but PATH and HOME."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "CSBOT_DATABASE_URL": database_url,
        "CSBOT_SLACK_API_URL": fake.api_url,
        **more,
    }


def run_csbot(argv: list[str], env: dict[str, str], timeout: float = 120) -> str:
    """Run a one-shot `csbot` command; its output, after checking it succeeded."""
    done = subprocess.run(
        [*csbot_command(), *argv], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@dataclass
class RunningCsbot:
    """A `csbot run --http` child process and a signed-request client for it."""

    proc: subprocess.Popen[str]
    port: int
    fake: FakeSlack
    secret: str
    http: httpx.Client
    samples: Samples = field(default_factory=Samples)
    lines: list[str] = field(default_factory=list)
    logged: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        with self.logged:
            return "".join(self.lines)

    def wait_for_line(self, text: str, timeout: float = 30) -> None:
        """Block until a line of the log contains `text` (AssertionError with the log if not)."""
        with self.logged:
            if not self.logged.wait_for(lambda: any(text in line for line in self.lines), timeout):
                raise AssertionError(f"no {text!r} in the log:\n" + "".join(self.lines))

    def post_signed(
        self, body: bytes, content_type: str = FORM, *, timeout: float | None = None
    ) -> httpx.Response:
        headers = signed_headers(self.secret, body, content_type)
        wait = httpx.USE_CLIENT_DEFAULT if timeout is None else timeout
        url = f"{self.url}/slack/events"
        return self.http.post(url, content=body, headers=headers, timeout=wait)

    def slash_command(self, text: str, **fields: str) -> httpx.Response:
        fields.setdefault("response_url", self.fake.response_url("command"))
        return self.post_signed(self.samples.slash_command(text, **fields))

    def interaction(
        self, payload: dict[str, Any], response_url: str | None = None
    ) -> httpx.Response:
        url = response_url or self.fake.response_url("interaction")
        return self.post_signed(interaction_body(with_response_url(payload, url)))


def _read_output(running: RunningCsbot, ready: threading.Event) -> None:
    assert running.proc.stdout is not None
    for line in running.proc.stdout:
        with running.logged:
            running.lines.append(line)
            running.logged.notify_all()
        if "listening on" in line:
            ready.set()
    ready.set()  # the process ended: stop waiting for it


@contextmanager
def csbot_run(env: dict[str, str], fake: FakeSlack) -> Iterator[RunningCsbot]:
    """`csbot run --http` on a free port; stopped with SIGTERM (and must exit 0) afterwards."""
    port = free_port()
    command = [*csbot_command(), "run", "--http", "--port", str(port), "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: render workers included in a kill
    )
    watchdog = threading.Timer(START_SECONDS * 5, _kill_group, args=(proc,))  # never hang CI
    watchdog.start()
    running = RunningCsbot(proc, port, fake, env["SLACK_SIGNING_SECRET"], httpx.Client(timeout=20))
    ready = threading.Event()
    reader = threading.Thread(target=_read_output, args=(running, ready), daemon=True)
    reader.start()
    try:
        assert ready.wait(START_SECONDS), "csbot run did not start in time"
        assert proc.poll() is None, "csbot run stopped:\n" + running.log_text()
        yield running
        if proc.returncode is None:  # unless the test stopped it itself
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0, running.log_text()
    finally:
        watchdog.cancel()
        running.http.close()
        _kill_group(proc)
        proc.wait(timeout=10)
        reader.join(timeout=10)  # every writer of the pipe is gone: it ends
        if proc.stdout is not None:
            proc.stdout.close()


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """SIGKILL csbot and every process it started (its render workers hold the output pipe)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
