"""The record base class: validated fields, cross-field checks and the row it becomes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict

Row = dict[str, Any]
Check = tuple[str, str, Any]
"""A failed cross-field check: (column, what is wrong, the value to show)."""


class UnknownRef(Exception):
    """A reference (group, plan, goal) names nothing in the database."""

    def __init__(self, column: str, message: str, value: Any) -> None:
        super().__init__(message)
        self.column, self.message, self.value = column, message, value


class Resolver(Protocol):
    """Turns references into ids; see `csbot.store.ingest.refs.Refs`."""

    def resolve(self, column: str, ref: str, value: str) -> int: ...

    def goal_group(self, goal_id: int) -> int: ...


class Record(BaseModel):
    """One record of a kind. Fields are the CSV columns and the JSON fields, nothing more."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    REFS: ClassVar[dict[str, tuple[str, str]]] = {"group": ("group", "group_id")}
    """record field -> (what it refers to, the table column that holds the id)."""

    def checks(self) -> Iterator[Check]:
        """Rules across fields (dates in order, billable within total); none by default."""
        return iter(())

    def row(self, refs: Resolver) -> Row:
        """The table row: the fields, with references replaced by ids."""
        row = self.model_dump()
        for field, (ref, column) in self.REFS.items():
            value = row.pop(field)
            row[column] = None if value is None else refs.resolve(field, ref, value)
        return row


def after(later: Any, earlier: Any, later_name: str, earlier_name: str) -> Iterator[Check]:
    """A check that `later` is not before `earlier` when both are given."""
    if later is not None and earlier is not None and later < earlier:
        yield later_name, f"is before {earlier_name} ({earlier.isoformat()})", later.isoformat()


def packed_day_key(group_id: int, day: int) -> int:
    """A (group id, day ordinal) key as one int: a million usage keys in ~60 MB, not ~150 MB."""
    return (group_id << 32) | day
