"""What the set-based loaders share: UTC day ends and the optional filter to some groups."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select

__all__ = ["day_end", "for_groups"]


def day_end(day: date) -> datetime:
    """The first instant after `day` (UTC): datetimes before it belong to `day` or earlier."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


_S = TypeVar("_S", bound="Select[*tuple[Any, ...]]")


def for_groups(stmt: _S, column: Any, group_ids: Collection[int] | None) -> _S:
    """Limit a statement to some groups; None means every group."""
    return stmt if group_ids is None else stmt.where(column.in_(list(group_ids)))
