"""The audit trail: one row per write made from Slack, in the same transaction as the write.

    with transaction(sessions) as session:
        ticket = ...add the ticket...
        audit.record(session, actor=user_id, action=AuditAction.TICKET, group_id=gid,
                     detail={"ticket_id": ticket.id}, at=now)

If the write rolls back, so does its audit row, and the other way round. `detail` holds ids and
short labels only (never free text a person typed, never patient-level data); long strings are
cut to DETAIL_TEXT characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csbot.store.models import Audit, PhysicianGroup

__all__ = ["DETAIL_TEXT", "AuditAction", "AuditEntry", "list_audit", "record"]

DETAIL_TEXT = 200
Scalar = str | int | float | bool | None


class AuditAction(StrEnum):
    """What was done; the value is stored and shown by `csbot audit`."""

    TICKET = "ticket"
    MEETING = "meeting"
    NOTE = "note"
    ACKNOWLEDGE = "acknowledge"
    SNOOZE = "snooze"
    EXPORT = "export"
    OUTCOME = "outcome"  # a renewal outcome recorded


@dataclass(frozen=True)
class AuditEntry:
    """One audit row as plain data."""

    id: int
    at: datetime
    actor: str
    action: str
    group_id: int | None
    group_name: str | None
    detail: dict[str, Any] = field(default_factory=dict)


def _clean(detail: Mapping[str, Scalar] | None) -> dict[str, Scalar]:
    """Flat scalars only; long text cut, so a trail row never carries a whole message."""
    out: dict[str, Scalar] = {}
    for key, value in (detail or {}).items():
        if not isinstance(value, str | int | float | bool | type(None)):
            raise TypeError(f"audit detail {key!r} must be a scalar, not {type(value).__name__}")
        out[str(key)] = value[:DETAIL_TEXT] if isinstance(value, str) else value
    return out


def record(
    session: Session,
    *,
    actor: str,
    action: AuditAction,
    group_id: int | None,
    at: datetime,
    detail: Mapping[str, Scalar] | None = None,
) -> AuditEntry:
    """Add an audit row to the caller's transaction; it commits or rolls back with the write."""
    name = None
    if group_id is not None:
        name = session.scalar(select(PhysicianGroup.name).where(PhysicianGroup.id == group_id))
    row = Audit(
        at=at,
        actor=actor,
        action=action.value,
        group_id=group_id,
        group_name=name,
        detail=_clean(detail),
    )
    session.add(row)
    session.flush()
    return _entry(row)


def _entry(row: Audit) -> AuditEntry:
    return AuditEntry(
        row.id, row.at, row.actor, row.action, row.group_id, row.group_name, dict(row.detail)
    )


def list_audit(
    session: Session,
    *,
    group_id: int | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Audit rows, newest first: of one group and/or from `since` on (inclusive)."""
    stmt = select(Audit).order_by(Audit.at.desc(), Audit.id.desc())
    if group_id is not None:
        stmt = stmt.where(Audit.group_id == group_id)
    if since is not None:
        stmt = stmt.where(Audit.at >= since)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [_entry(row) for row in session.scalars(stmt)]
