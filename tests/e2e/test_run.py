"""`csbot run` as people start it: the real CLI, its error messages, and no secrets in its logs."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from csbot.app import http_server, run
from csbot.cli import main
from csbot.config import Settings, load_settings
from csbot.errors import ConfigError
from tests.e2e.conftest import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET
from tests.e2e.fakeslack import FakeSlack
from tests.e2e.slackreq import JSON, event_body, signed_headers

SECRETS = (BOT_TOKEN, SIGNING_SECRET, APP_TOKEN)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _csbot() -> list[str]:
    script = Path(sys.executable).with_name("csbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "csbot"]


def _run_env(fake_slack: FakeSlack, tmp_path: Path) -> dict[str, str]:
    """A correct set-up: Slack credentials, the fake Slack's API and a database file."""
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "CSBOT_SLACK_API_URL": fake_slack.api_url,
        "CSBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
    }


def test_cli_run_http_serves_healthz_and_stops_on_sigterm(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    port = _free_port()
    env = _run_env(fake_slack, tmp_path)
    command = [*_csbot(), "-v", "run", "--http", "--port", str(port), "--host", "127.0.0.1"]
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as proc:
        log_text = _serve_healthz_then_terminate(proc, port)
    assert " DEBUG csbot." in log_text  # debug logging was on, so the check below means something
    assert not [s for s in SECRETS if s in log_text]
    assert [c.method for c in fake_slack.calls] == ["auth.test"]


def test_a_correct_set_up_starts_and_stops_without_a_warning(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """Default settings, as an admin runs it: nothing at WARNING or above for a set-up that is
    right (a warning on every start teaches people to ignore warnings)."""
    port = _free_port()
    env = _run_env(fake_slack, tmp_path)
    command = [*_csbot(), "run", "--http", "--port", str(port), "--host", "127.0.0.1"]
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as proc:
        log_text = _serve_healthz_then_terminate(proc, port)
    assert " INFO csbot.server listening on " in log_text
    levels = ("WARNING", "ERROR", "CRITICAL")
    assert [line for line in log_text.splitlines() if any(f" {lv} " in line for lv in levels)] == []


def _serve_healthz_then_terminate(proc: subprocess.Popen[str], port: int) -> str:
    watchdog = threading.Timer(60, proc.kill)
    watchdog.start()
    try:
        assert proc.stderr is not None
        log_lines = []
        for line in proc.stderr:  # wait for the server's own "listening" line, not a timer
            log_lines.append(line)
            if "listening on" in line:
                break
        response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        proc.send_signal(signal.SIGTERM)
        log_lines.append(proc.stderr.read())
        assert proc.wait(timeout=30) == 0
    finally:
        watchdog.cancel()
        proc.kill()
    return "".join(log_lines)


@pytest.mark.parametrize(
    ("argv", "env", "named"),
    [
        (["run", "--http"], {}, ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]),
        (["run", "--http"], {"SLACK_BOT_TOKEN": BOT_TOKEN}, ["SLACK_SIGNING_SECRET"]),
        (["run"], {}, ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "--http"]),
        (["run"], {"SLACK_BOT_TOKEN": BOT_TOKEN}, ["SLACK_APP_TOKEN"]),
    ],
)
def test_run_without_credentials_says_what_is_missing(
    argv: list[str],
    env: dict[str, str],
    named: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert all(name in err for name in named), err
    assert "csbot demo" in err
    assert 'csbot ask "/cs health Acme 30d"' in err
    assert BOT_TOKEN not in err


def test_bot_token_in_app_token_slot_is_refused(e2e_settings: Settings) -> None:
    settings = e2e_settings.model_copy(update={"slack_app_token": e2e_settings.slack_bot_token})
    with pytest.raises(ConfigError, match="xapp-"):
        run(settings, http=False, port=3000, host="127.0.0.1")


def test_rejected_bot_token_is_a_clear_error(e2e_settings: Settings, fake_slack: FakeSlack) -> None:
    fake_slack.fail("auth.test", error="invalid_auth")
    with pytest.raises(ConfigError, match=r"Slack rejected SLACK_BOT_TOKEN \(invalid_auth\)"):
        http_server(e2e_settings, host="127.0.0.1", port=0)


def test_socket_mode_asks_slack_for_a_connection_with_the_app_token(
    e2e_settings: Settings, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = load_settings(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        CSBOT_SLACK_API_URL=fake_slack.api_url,
        CSBOT_DATABASE_URL=e2e_settings.database_url,
    )
    fake_slack.fail("apps.connections.open", error="invalid_auth")
    with pytest.raises(ConfigError, match="Slack refused the Socket Mode connection"):
        run(settings, http=False, port=3000, host="127.0.0.1")
    [connect] = fake_slack.calls_to("apps.connections.open")
    assert connect.token == APP_TOKEN
    assert not [s for s in SECRETS if s in caplog.text]


def test_startup_and_requests_never_log_secrets(
    e2e_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server, runtime = http_server(e2e_settings, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        body = event_body({"type": "url_verification", "challenge": "c", "token": "t"})
        headers = signed_headers(SIGNING_SECRET, body, JSON)
        url = f"http://127.0.0.1:{server.port}/slack/events"
        assert httpx.post(url, content=body, headers=headers).status_code == 200
    finally:
        server.stop()
        thread.join(timeout=10)
        runtime.close()
    assert "auth.test" in caplog.text
    assert not [s for s in SECRETS if s in caplog.text]
