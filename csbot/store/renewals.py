"""What the renewals card, its CSV, App Home and the renewal reminders read beyond scoring
inputs: which groups renew in a date range, and which of them have a success plan running.
One set-based query each."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from csbot.store._query import for_groups
from csbot.store.models import PhysicianGroup, SuccessPlan

__all__ = ["RenewalTarget", "active_plan_group_ids", "renewal_targets", "renewing_group_ids"]


@dataclass(frozen=True)
class RenewalTarget:
    """What a renewal reminder needs of a group beyond its score."""

    group_id: int
    name: str
    renewal_date: date
    arr: float
    csm_owner: str | None


def renewing_group_ids(
    session: Session, *, start: date, end: date, group_ids: Collection[int] | None = None
) -> list[int]:
    """Groups (of `group_ids`, None: all) whose renewal date is from `start` to `end`."""
    g = PhysicianGroup
    stmt = select(g.id).where(g.renewal_date >= start, g.renewal_date <= end)
    return list(session.scalars(for_groups(stmt, g.id, group_ids).order_by(g.id)))


def active_plan_group_ids(
    session: Session, *, as_of: date, group_ids: Collection[int] | None = None
) -> set[int]:
    """Groups with an active success plan running on `as_of` (started, not ended)."""
    p = SuccessPlan
    stmt = select(p.group_id).where(
        p.status == "active", p.start <= as_of, or_(p.end.is_(None), p.end >= as_of)
    )
    return set(session.scalars(for_groups(stmt, p.group_id, group_ids).distinct()))


def renewal_targets(session: Session, *, start: date, end: date) -> list[RenewalTarget]:
    """Every group renewing from `start` to `end`, by id."""
    g = PhysicianGroup
    stmt = (
        select(g.id, g.name, g.renewal_date, g.arr, g.csm_owner)
        .where(g.renewal_date >= start, g.renewal_date <= end)
        .order_by(g.id)
    )
    return [RenewalTarget(*row) for row in session.execute(stmt)]
