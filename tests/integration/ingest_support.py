"""Helpers for the import, sync and webhook tests: example files and whole-database dumps."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, select

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOW = datetime(2026, 6, 5, 12, 0, tzinfo=UTC)


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (as the database has them, not as the models say), sorted."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for name, table in sorted(meta.tables.items())
        }


def write_csv(path: Path, header: str, rows: list[str], *, encoding: str = "utf-8") -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path
