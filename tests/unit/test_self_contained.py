"""The suite stands alone: no file of the repository reads anything beside the checkout (the
workspace's ../shared folder), so a clone anywhere runs every test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("csbot", "tests", "bench", "scripts", "examples", ".ci")
TOP = ("pyproject.toml", "Dockerfile", "manifest.yml")
OUTSIDE = re.compile(r"""\.\./shared|["']shared["']|shared/(?:slack-samples|reference)""")


def _files() -> list[Path]:
    found = [ROOT / name for name in TOP if (ROOT / name).is_file()]
    for folder in FOLDERS:
        found += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix != ".pyc"]
    return sorted(p for p in found if p != Path(__file__).resolve())


def _outside(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in OUTSIDE.finditer(text)]


def test_the_scan_sees_the_code_and_the_tests() -> None:
    names = {str(p.relative_to(ROOT)) for p in _files()}
    assert {"csbot/app.py", "tests/e2e/slackreq.py", "bench/answer.py", ".ci/run"} <= names


def test_no_file_reads_beside_the_checkout() -> None:
    assert [hit for path in _files() for hit in _outside(path)] == []


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_benchmarks_need_neither_the_tests_nor_pytest() -> None:
    bench = sorted((ROOT / "bench").glob("*.py"))
    assert len(bench) >= 6
    assert {p.name: _imported(p) & {"tests", "pytest"} for p in bench} == {
        p.name: set() for p in bench
    }
