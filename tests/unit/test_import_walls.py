"""The rooms of DESIGN.md keep their walls: what each room may import, no import circle, and no
room holding more than 30 % of the code.

A room is a package under csbot/ (scoring, demo, store, slack, commands, alerts, home, modals,
exports) or a top-level module. Every import counts, inside functions too: a deferred import
still makes the one module need the other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "csbot"
MIGRATIONS = PACKAGE / "store" / "migrations"

SURFACES = {"commands", "alerts", "home", "modals", "exports"}
# what every surface may use: the shared rooms and the small top-level modules
_SHARED = {"slack", "store", "scoring", "services", "config", "errors", "lifecycle", "progress"}
# the card builders of `/cs`, which other surfaces reuse to show the same card
_CARD = {"csbot.commands.card", "csbot.commands.panels", "csbot.commands.charts"}
_LISTS = {"csbot.commands.listing", "csbot.commands.renewals"}  # the list and renewals cards

# room -> rooms it may import (its own is always allowed); a dotted name allows that module
MAY_IMPORT: dict[str, set[str]] = {
    "scoring": {"errors"},
    "demo": {"scoring"},  # the demo generator: numpy columns, no database
    "store": {"scoring", "demo", "errors", "config", "progress"},
    "slack": {"store", "scoring", "config", "errors", "signing", "web"},
    "services": {"slack", "store", "scoring", "config"},
    "commands": _SHARED,
    "alerts": _SHARED | _CARD,
    "modals": _SHARED | _CARD,
    "home": _SHARED | _CARD | _LISTS,
    "exports": _SHARED | _CARD | _LISTS,
    "webhooks": {"services", "signing", "store", "web", "errors"},
    "config": {"errors"},
    "logs": {"config"},
    "lifecycle": {"config", "errors"},
    "web": {"errors"},
    "errors": set(),
    "progress": set(),
    "signing": set(),
    "server": set(),
}
# the composition: they wire every room together
SEE_EVERYTHING = {"app", "cli", "scheduler", "__main__", "__init__"}

# Crossings still to remove, each named so the list can only shrink: the test fails on a new
# crossing and on one listed here that is gone.
LEFT: dict[tuple[str, str], str] = {
    ("csbot.slack.render", "csbot.commands.charts"): (
        "the render workers draw the charts; the main process never imports them"
    ),
    ("csbot.exports.export", "csbot.commands.pipeline"): "exports load and score as /cs does",
    ("csbot.exports.jobs", "csbot.commands.pipeline"): "MAX_PICKS",
    ("csbot.exports.jobs", "csbot.commands.grammar"): "the parsed /cs export request",
}

# third-party packages -> the rooms that may import them
LIBRARIES = {
    "sqlalchemy": {"store"},
    "alembic": {"store"},
    "matplotlib": {"commands", "exports"},  # commands/charts, the report's summary page
    "apscheduler": {"scheduler"},
    "slack_bolt": {"slack", "commands", "alerts", "home", "modals", "exports", "app"},
    "slack_sdk": {"slack", "commands", "alerts", "home", "modals", "exports", "app", "services"},
}
MAX_ROOM_SHARE = 0.30


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if MIGRATIONS not in p.parents)


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _room(name: str) -> str:
    return name.split(".")[1] if "." in name else "__init__"


@cache
def _known() -> frozenset[str]:
    return frozenset(_name(p) for p in _modules())


@cache
def _imports(path: Path) -> tuple[str, ...]:
    """Every module this one imports: csbot modules by full name, others as written."""
    return tuple(_import_names(path))


def _import_names(path: Path) -> Iterator[str]:
    package = _name(path) if path.name == "__init__.py" else _name(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield sub if sub in _known() else base


def _owner(name: str) -> str:
    """The csbot module a dotted import name belongs to (`csbot.commands.charts` for
    `csbot.commands.charts._base` only if that is not a module itself)."""
    while name not in _known() and "." in name:
        name = name.rpartition(".")[0]
    return name


def _allowed(importer: str, imported: str) -> bool:
    room, target = _room(importer), _room(imported)
    if room == target or room in SEE_EVERYTHING:
        return True
    allowed = MAY_IMPORT[room]
    return target in allowed or any(
        imported == a or imported.startswith(a + ".") for a in allowed if "." in a
    )


def _crossings() -> set[tuple[str, str]]:
    found = set()
    for path in _modules():
        importer = _name(path)
        for name in _imports(path):
            if name.startswith("csbot.") and not _allowed(importer, _owner(name)):
                found.add((importer, _owner(name)))
    return found


def _covers(left: tuple[str, str], crossing: tuple[str, str]) -> bool:
    (importer, target), (i, t) = left, crossing
    return importer == i and (t == target or t.startswith(target + "."))


def test_every_room_has_its_rules() -> None:
    rooms = {_room(_name(p)) for p in _modules()}
    assert rooms - SEE_EVERYTHING - set(MAY_IMPORT) == set()


def test_rooms_import_only_what_they_may() -> None:
    crossed = sorted(c for c in _crossings() if not any(_covers(left, c) for left in LEFT))
    assert not crossed, f"imports outside their room (DESIGN.md, Rooms): {crossed}"


def test_the_crossings_left_are_still_there() -> None:
    """Remove an entry from LEFT once its crossing is gone, so the list tells the truth."""
    crossings = _crossings()
    gone = [left for left in LEFT if not any(_covers(left, c) for c in crossings)]
    assert not gone, f"no longer crossing, remove from LEFT: {gone}"


def test_alerts_use_only_the_card_builders_of_commands() -> None:
    used = {
        _owner(n)
        for p in (PACKAGE / "alerts").rglob("*.py")
        for n in _imports(p)
        if n.startswith("csbot.commands")
    }
    stray = sorted(m for m in used if not any(m == c or m.startswith(c + ".") for c in _CARD))
    assert not stray, f"alerts import {stray} from csbot.commands"


@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_libraries_stay_in_their_rooms(library: str) -> None:
    users = sorted(
        _name(p)
        for p in _modules()
        if _room(_name(p)) not in LIBRARIES[library]
        and any(n == library or n.startswith(library + ".") for n in _imports(p))
    )
    assert not users, f"{library} imported outside {sorted(LIBRARIES[library])}: {users}"


def test_no_import_circle() -> None:
    """Tarjan's strongly connected components over every csbot import (a package's own
    `__init__` importing its modules is not a circle: Python runs it first anyway)."""
    graph = {
        _name(p): {
            _owner(n) for n in _imports(p) if n.startswith("csbot.") and _owner(n) != _name(p)
        }
        for p in _modules()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                circles.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not circles, f"modules that import each other: {circles}"


def test_no_room_holds_more_than_30_percent_of_the_code() -> None:
    lines: dict[str, int] = {}
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        count = sum(1 for line in text.splitlines() if line.strip())
        lines[_room(_name(path))] = lines.get(_room(_name(path)), 0) + count
    total = sum(lines.values())
    over = {room: f"{n / total:.0%}" for room, n in lines.items() if n / total > MAX_ROOM_SHARE}
    assert not over, f"rooms over {MAX_ROOM_SHARE:.0%} of csbot's non-blank lines: {over}"
