"""The Dockerfile (parsed: there is no Docker engine here) runs csbot as a non-root user with a
health check on /healthz."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the final stage, with line continuations joined."""
    joined = text.replace("\\\n", " ")
    lines = [
        ln.strip() for ln in joined.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
    ]
    parsed = [(ln.split(None, 1)[0].upper(), ln.split(None, 1)[1]) for ln in lines]
    last_from = max(i for i, (op, _) in enumerate(parsed) if op == "FROM")
    return parsed[last_from:]


@pytest.fixture
def final_stage() -> list[tuple[str, str]]:
    return _instructions((ROOT / "Dockerfile").read_text(encoding="utf-8"))


def _last(stage: list[tuple[str, str]], op: str) -> str:
    found = [args for name, args in stage if name == op]
    assert found, f"no {op} in the final stage"
    return found[-1]


def test_runs_as_a_non_root_user(final_stage: list[tuple[str, str]]) -> None:
    user = _last(final_stage, "USER").split(":")[0]
    assert user not in {"root", "0"}


def test_healthcheck_hits_healthz(final_stage: list[tuple[str, str]]) -> None:
    check = _last(final_stage, "HEALTHCHECK")
    assert "CMD" in check
    assert "/healthz" in check


def test_default_command_is_csbot_run(final_stage: list[tuple[str, str]]) -> None:
    command = json.loads(_last(final_stage, "CMD"))
    assert command[:2] == ["csbot", "run"]
    assert "--http" in command  # so the health check has something to hit


def test_dockerignore_keeps_local_state_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".env", "*.sqlite3", ".git"} <= set(ignored)
