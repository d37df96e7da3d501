"""Helpers for the import, sync and webhook tests: example files and whole-database dumps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, select

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOW = datetime(2026, 6, 5, 12, 0, tzinfo=UTC)
USAGE_HEADER = ("group,day,active_users,sessions,session_minutes,documents_processed,"
                "patients_total,patients_billable")  # fmt: skip


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


def usage_rows(count: int, group: str = "CVP-001") -> list[str]:
    """Usage rows of one group on consecutive days from 2020-01-01, each one CSV line."""
    start = date(2020, 1, 1)
    return [f"{group},{start + timedelta(days=n)},5,9,30.5,12,40,{n % 40}" for n in range(count)]


def refuse_sessions(engine: Engine, value: int) -> None:
    """Make the database itself refuse a usage row with this many sessions."""
    refuse(engine, "daily_usage", "sessions", value, name=f"no_{value}_sessions")


def refuse(engine: Engine, table: str, column: str, value: int | str, *, name: str) -> None:
    """Make the database itself refuse a row of `table` whose `column` is `value`: a check
    constraint on PostgreSQL, a trigger on SQLite (which cannot add a constraint)."""
    literal = f"'{value}'" if isinstance(value, str) else str(value)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            ddl = f"ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} <> {literal})"
        else:
            ddl = (
                f"CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN "
                f"NEW.{column} = {literal} BEGIN SELECT RAISE(ABORT, '{name}'); END"
            )
        conn.exec_driver_sql(ddl)
