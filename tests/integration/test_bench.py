"""A benchmark runs as a person runs it: `python bench/answer.py` in its own process, with the
tests and pytest out of reach (as in the venv scripts/demo.sh makes), and prints its figures.
Small sizes: this checks that it works, not how fast."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Runs the benchmark as a script with `tests` and `pytest` made unimportable.
WITHOUT_TESTS = """
import runpy, sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("tests", "pytest"):
            raise ModuleNotFoundError(f"{name} is not installed for benchmarks")
sys.meta_path.insert(0, Refuse())
sys.argv = sys.argv[1:]
sys.path[0] = str(__import__("pathlib").Path(sys.argv[0]).parent)
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_answer_benchmark_runs_without_the_tests(tmp_path: Path) -> None:
    script = str(ROOT / "bench" / "answer.py")
    args = ["--commands", "2", "--groups", "3", "--days", "30", "--port", str(_free_port())]
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_TESTS, script, *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert any(line.startswith("answer (health, 30 days of data): p50") for line in lines)
    assert any(line.startswith("answer / bare render at p95: ") for line in lines)


def test_detect_benchmark_runs_without_the_tests(tmp_path: Path) -> None:
    script = str(ROOT / "bench" / "detect.py")
    args = ["--groups", "60", "--days", "40", "--history", "5", "--repeat", "2"]
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_TESTS, script, *args],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("the daily job's detection of 2026-03-31 on a first run")
    header, row = lines[1].split(), lines[2].split()
    assert header[:4] == ["store", "groups", "crossings", "reminders"]
    assert row[:2] == ["sqlite", "60"] and int(row[2]) + int(row[3]) > 0
