"""CI insists on what production uses: `.ci/run` refuses to run without PostgreSQL, the README's
test command checks lint, format and types before the tests, and a laptop without PostgreSQL
still runs the suite with the PostgreSQL tests skipped, saying why."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# one store test: it runs on SQLite, and on PostgreSQL when one is given
STORE_TEST = ["tests/integration/test_store_schema.py", "-k", "upgrade_creates_every_model_table"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port  # closed again: nothing listens there


def _env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "CSBOT_TEST_"))}
    return keep | extra


def test_ci_fails_in_one_line_when_postgresql_does_not_answer() -> None:
    port = _closed_port()
    done = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run")],
        env=_env(PGHOST="127.0.0.1", PGPORT=str(port), PGCONNECT_TIMEOUT="5"),
        capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""  # the tests never started
    [line] = done.stderr.splitlines()
    expected = "PostgreSQL does not answer" if shutil.which("psql") else "psql is not installed"
    assert line.startswith("ci: FAILED: ") and expected in line
    assert f"postgres@127.0.0.1:{port}" in line


def _pytest(**extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *STORE_TEST]
    return subprocess.run(
        command, cwd=ROOT, env=_env(**extra), capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip


def test_without_postgresql_its_tests_skip_and_say_why() -> None:
    done = _pytest()
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 passed" in done.stdout and "1 skipped" in done.stdout
    assert "PostgreSQL not configured: set CSBOT_TEST_POSTGRES_URL" in done.stdout


def test_when_postgresql_is_required_its_absence_fails_the_run() -> None:
    done = _pytest(CSBOT_TEST_REQUIRE_POSTGRES="1")
    assert done.returncode == 1
    assert "1 passed" in done.stdout and "1 error" in done.stdout
    assert "CSBOT_TEST_REQUIRE_POSTGRES=1 but PostgreSQL not configured" in done.stdout


def _stub_checkout(tmp_path: Path, failing: str = "") -> Path:
    """scripts/test.sh beside a .venv whose tools only record how they were called; the one
    whose arguments start with `failing` exits 1."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "test.sh", tmp_path / "scripts" / "test.sh")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for tool in ("python", "ruff", "mypy"):
        script = bin_dir / tool
        script.write_text(
            "#!/usr/bin/env bash\n"
            f'echo "{tool} $*" >> "{tmp_path}/calls"\n'
            f'case "{tool} $*" in "{failing}"*) [ -n "{failing}" ] && exit 1;; esac\n'
            "exit 0\n"
        )
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return tmp_path


def _run_test_sh(checkout: Path, *args: str) -> tuple[int, list[str]]:
    done = subprocess.run(
        ["bash", str(checkout / "scripts" / "test.sh"), *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    calls = [c.strip() for c in (checkout / "calls").read_text().splitlines()]
    return done.returncode, calls


def test_the_test_command_checks_lint_format_and_types_then_runs_pytest(tmp_path: Path) -> None:
    code, calls = _run_test_sh(_stub_checkout(tmp_path), "-k", "health")
    assert code == 0
    assert calls == [
        "python -m pip install --quiet --disable-pip-version-check -e .[dev]",
        "ruff check .",
        "ruff format --check .",
        "mypy",
        "python -m pytest -k health",
    ]


def test_a_format_failure_stops_the_test_command_before_the_tests(tmp_path: Path) -> None:
    code, calls = _run_test_sh(_stub_checkout(tmp_path, failing="ruff format"))
    assert code != 0
    assert calls[-1] == "ruff format --check ." and not any("pytest" in c for c in calls)
