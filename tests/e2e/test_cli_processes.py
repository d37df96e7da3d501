"""`csbot` commands as separate processes, the way people and cron run them: into a pipe whose
reader has gone, and two at once on one SQLite database."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from csbot.store.db import make_engine, session_factory, transaction
from csbot.store.models import Alert
from tests.e2e.cli_run import csbot_command, run_csbot, user_env
from tests.e2e.fakeslack import FakeSlack

ASK = ["ask", "/cs health Acme 30d"]


@pytest.fixture
def demo_env(fake_slack: FakeSlack, tmp_path: Path) -> dict[str, str]:
    """A user's environment over a fresh demo database (5 groups), alerts to one channel."""
    env = user_env(
        fake_slack,
        f"sqlite:///{tmp_path / 'csbot.sqlite3'}",
        tmp_path,
        CSBOT_DEFAULT_CHANNEL="C0000000001",
    )
    run_csbot(["demo", "--groups", "5", "--days", "60"], env)
    return env


def test_a_reader_that_stopped_reading_ends_csbot_quietly(demo_env: dict[str, str]) -> None:
    """`csbot ask … | head`, with the reader gone before csbot writes: no traceback, the exit
    status of a process ended by SIGPIPE, as `cat` or `seq` give."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [*csbot_command(), *ASK],
            env=demo_env,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write)
    assert (done.returncode, _not_info(done.stderr)) == (141, [])


def test_head_gets_its_lines_and_csbot_says_nothing(demo_env: dict[str, str]) -> None:
    """The shell pipeline itself: `head -n 2` prints the card's first lines, csbot's stderr
    says nothing (beyond INFO log lines) whether or not it was still writing when head left."""
    command = " ".join(f"'{part}'" for part in [*csbot_command(), *ASK])
    done = subprocess.run(
        ["bash", "-c", f"{command} 2>csbot.err | head -n 2"],
        env=demo_env,
        cwd=demo_env["HOME"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.startswith("Acme Family Medicine")
    assert len(done.stdout.splitlines()) == 2
    assert _not_info((Path(demo_env["HOME"]) / "csbot.err").read_text()) == []


def _not_info(stderr: str) -> list[str]:
    """What csbot wrote to stderr besides INFO log lines (matplotlib's first-run font cache)."""
    return [line for line in stderr.splitlines() if " INFO " not in line]


def _alerts(database_url: str) -> list[tuple[int, str, str | None]]:
    engine = make_engine(database_url)
    try:
        with transaction(session_factory(engine)) as session:
            rows = session.execute(select(Alert.id, Alert.state, Alert.slack_ts).order_by(Alert.id))
            return [(alert_id, state, ts) for alert_id, state, ts in rows]
    finally:
        engine.dispose()


def test_two_deliver_at_once_post_every_alert_once(
    demo_env: dict[str, str], fake_slack: FakeSlack
) -> None:
    """The second `csbot deliver` starts while the first is posting: it waits for the database
    (SQLite's busy timeout), then refuses in one line; each alert is posted once."""
    run_csbot(["recompute", "--no-deliver"], demo_env)
    pending = _alerts(demo_env["CSBOT_DATABASE_URL"])
    assert pending and {state for _, state, _ in pending} == {"pending"}
    held = fake_slack.hold("chat.postMessage")
    deliver = [*csbot_command(), "deliver"]
    with subprocess.Popen(deliver, env=demo_env, stdout=subprocess.PIPE, text=True) as first:
        try:
            assert held.arrived.wait(60), "the first deliver never posted"
            second = subprocess.run(
                deliver, env=demo_env, capture_output=True, text=True, timeout=90
            )
        finally:
            held.release()
        out, _ = first.communicate(timeout=90)
    assert first.returncode == 0 and f"{len(pending)} alerts posted" in out
    refusal = _not_info(second.stderr)
    assert second.returncode == 1 and len(refusal) == 1, second.stderr
    assert refusal[0].startswith("csbot: the SQLite database at sqlite:///")
    assert "another csbot process is writing to it" in refusal[0]
    posts = fake_slack.calls_to("chat.postMessage")
    assert len(posts) == len(pending) == len({p.params["text"] for p in posts})
    assert [
        (alert_id, state) for alert_id, state, _ in _alerts(demo_env["CSBOT_DATABASE_URL"])
    ] == [(alert_id, "sent") for alert_id, _, _ in pending]
