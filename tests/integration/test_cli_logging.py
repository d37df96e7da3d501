"""The `csbot` command's logging set-up, in this process: it leaves a configured logging alone."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from csbot.cli import main


@pytest.mark.parametrize("argv", [["db", "upgrade"], ["-v", "db", "upgrade"]])
def test_a_command_run_under_a_configured_logging_keeps_every_level(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pytest logs at DEBUG so every log call executes; `csbot` run in-process must not turn
    any logger down (the test after it would then skip its log calls)."""
    monkeypatch.setenv("CSBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'csbot.sqlite3'}")
    monkeypatch.setenv("CSBOT_LOG_LEVEL", "WARNING")
    handlers = list(logging.getLogger().handlers)
    assert main(argv) == 0
    assert logging.getLogger().handlers == handlers
    for name in ("csbot", "csbot.store.db", "alembic.runtime.migration", "slack_sdk", "httpx"):
        assert logging.getLogger(name).isEnabledFor(logging.DEBUG), name
