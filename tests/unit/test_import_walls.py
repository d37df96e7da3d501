"""The rooms of DESIGN.md keep their walls: a module may import only what its room allows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "csbot"

# room -> top-level modules it must never import
FORBIDDEN = {
    "scoring": {
        "sqlalchemy",
        "alembic",
        "slack_bolt",
        "slack_sdk",
        "httpx",
        "apscheduler",
        "matplotlib",
        "csbot.store",
        "csbot.commands",
        "csbot.alerts",
        "csbot.app",
    },
    "store": {
        "slack_bolt",
        "slack_sdk",
        "matplotlib",
        "apscheduler",
        "csbot.commands",
        "csbot.alerts",
        "csbot.app",
    },
    "commands": {"apscheduler", "csbot.alerts", "csbot.app"},
    "alerts": {"csbot.app"},
}
SQLALCHEMY_ONLY_IN = {"store"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _crosses(name: str, banned: str) -> bool:
    return name == banned or name.startswith(banned + ".")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_stays_in_its_room(path: Path) -> None:
    room = path.relative_to(PACKAGE).parts[0]
    imports = _imports(path)
    banned = set(FORBIDDEN.get(room, set()))
    if room not in SQLALCHEMY_ONLY_IN:
        banned |= {"sqlalchemy", "alembic"}
    crossed = sorted(n for n in imports for b in banned if _crosses(n, b))
    assert not crossed, f"{path.relative_to(PACKAGE)} imports {crossed}, outside its room"
