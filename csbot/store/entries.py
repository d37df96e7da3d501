"""Writes from Slack's logging modals: tickets, meetings and notes, each stored exactly once.

Every submission carries a key (the modal's submission key). The row is inserted with
`ON CONFLICT (submission_key) DO NOTHING`, so a Slack retry or a double click finds the first
row instead of adding a second, and a meeting's action items are written only with the meeting
that owns them. The caller owns the transaction: all of a submission or none of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from csbot.store.dialect import insert_for
from csbot.store.models import ActionItem, Activity, Base, Contact, PhysicianGroup, Ticket
from csbot.store.records import fold

__all__ = [
    "SLACK_SOURCE",
    "GroupRef",
    "NewActionItem",
    "NewActivity",
    "NewTicket",
    "Stored",
    "UpcomingMeeting",
    "claim_reminder",
    "contact_names",
    "find_group",
    "group_for_channel",
    "release_reminder",
    "store_activity",
    "store_ticket",
    "upcoming_meetings",
]

SLACK_SOURCE = "slack"


@dataclass(frozen=True)
class GroupRef:
    id: int
    name: str


@dataclass(frozen=True)
class NewTicket:
    """A ticket as a person logged it in Slack (times are aware, UTC or not)."""

    group_id: int
    subject: str
    category: str
    priority: str
    status: str
    opened_at: datetime
    created_by: str
    submission_key: str
    description: str | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class NewActionItem:
    text: str
    owner: str | None
    due: date | None


@dataclass(frozen=True)
class NewActivity:
    """A meeting (past or scheduled) or a note, with the action items it produced."""

    group_id: int
    kind: str  # meeting / note
    title: str
    occurred_at: datetime
    organizer: str
    submission_key: str
    subtype: str | None = None
    duration_minutes: int | None = None
    attendees: tuple[str, ...] = ()
    notes: str | None = None
    action_items: tuple[NewActionItem, ...] = field(default=())


@dataclass(frozen=True)
class Stored:
    """The row's id; `created` is False when this submission had been stored already."""

    id: int
    created: bool


def _insert_once(session: Session, table: Table, row: dict[str, Any]) -> int | None:
    """Insert unless a row with this submission_key exists; the new id, or None."""
    stmt = (
        insert_for(session, table)
        .values(row)
        .on_conflict_do_nothing(index_elements=["submission_key"])
        .returning(table.c.id)
    )
    new_id = session.execute(stmt).scalar_one_or_none()
    return None if new_id is None else int(new_id)


def _existing(session: Session, table: Table, key: str) -> int:
    return int(
        session.execute(select(table.c.id).where(table.c.submission_key == key)).scalar_one()
    )


def store_ticket(session: Session, *, submission: NewTicket) -> Stored:
    """Store a ticket logged in Slack, once per submission key."""
    s = submission
    row = {
        "group_id": s.group_id,
        "source": SLACK_SOURCE,
        "submission_key": s.submission_key,
        "subject": s.subject,
        "description": s.description,
        "category": s.category,
        "priority": s.priority,
        "status": s.status,
        "opened_at": s.opened_at,
        "resolved_at": s.resolved_at,
        "created_by": s.created_by,
    }
    table = Base.metadata.tables[Ticket.__tablename__]
    new_id = _insert_once(session, table, row)
    if new_id is None:
        return Stored(_existing(session, table, s.submission_key), created=False)
    return Stored(new_id, created=True)


def store_activity(session: Session, *, submission: NewActivity) -> Stored:
    """Store a meeting or note and its action items, once per submission key."""
    s = submission
    row = {
        "group_id": s.group_id,
        "kind": s.kind,
        "subtype": s.subtype,
        "title": s.title,
        "occurred_at": s.occurred_at,
        "duration_minutes": s.duration_minutes,
        "organizer": s.organizer,
        "attendees": list(s.attendees),
        "notes": s.notes,
        "source": SLACK_SOURCE,
        "submission_key": s.submission_key,
    }
    table = Base.metadata.tables[Activity.__tablename__]
    new_id = _insert_once(session, table, row)
    if new_id is None:
        return Stored(_existing(session, table, s.submission_key), created=False)
    if s.action_items:
        items = [
            {
                "group_id": s.group_id,
                "activity_id": new_id,
                "text": i.text,
                "owner": i.owner,
                "due": i.due,
            }
            for i in s.action_items
        ]
        session.execute(insert(Base.metadata.tables[ActionItem.__tablename__]), items)
    return Stored(new_id, created=True)


def find_group(session: Session, *, group_id: int) -> GroupRef | None:
    """The group with this id, or None (a forged or deleted id)."""
    name = session.execute(
        select(PhysicianGroup.name).where(PhysicianGroup.id == group_id)
    ).scalar_one_or_none()
    return None if name is None else GroupRef(group_id, name)


def group_for_channel(session: Session, *, channel: str) -> GroupRef | None:
    """The one group whose alert channel this is; None when none or several share it."""
    rows = session.execute(
        select(PhysicianGroup.id, PhysicianGroup.name)
        .where(PhysicianGroup.alert_channel == channel)
        .limit(2)
    ).all()
    return GroupRef(rows[0][0], rows[0][1]) if len(rows) == 1 else None


def contact_names(
    session: Session, *, group_id: int, query: str = "", limit: int = 100
) -> list[tuple[int, str, str]]:
    """The group's own people (not our team) as (id, name, role), filtered by typed words."""
    rows = session.execute(
        select(Contact.id, Contact.name, Contact.role)
        .where(Contact.group_id == group_id, Contact.internal.is_(False))
        .order_by(Contact.primary.desc(), Contact.name)
    ).all()
    words = fold(query).split()
    hits = [(cid, name, role) for cid, name, role in rows if all(w in fold(name) for w in words)]
    return hits[: max(0, limit)]


@dataclass(frozen=True)
class UpcomingMeeting:
    id: int
    group_id: int
    group_name: str
    title: str
    occurred_at: datetime
    organizer: str


def upcoming_meetings(
    session: Session, *, start: datetime, end: datetime
) -> Sequence[UpcomingMeeting]:
    """Meetings in [start, end) with an organiser and no reminder sent yet."""
    a = Activity
    rows = session.execute(
        select(a.id, a.group_id, PhysicianGroup.name, a.title, a.occurred_at, a.organizer)
        .join(PhysicianGroup, PhysicianGroup.id == a.group_id)
        .where(
            a.kind == "meeting",
            a.reminded_at.is_(None),
            a.organizer.is_not(None),
            a.occurred_at >= start,
            a.occurred_at < end,
        )
        .order_by(a.occurred_at, a.id)
    )
    return [
        UpcomingMeeting(aid, gid, name, title, at, organizer or "")
        for aid, gid, name, title, at, organizer in rows
    ]


def claim_reminder(session: Session, *, activity_id: int, at: datetime) -> bool:
    """Mark the reminder as sent unless someone (another replica) already did; True if ours."""
    result = session.execute(
        update(Activity)
        .where(Activity.id == activity_id, Activity.reminded_at.is_(None))
        .values(reminded_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def release_reminder(session: Session, *, activity_id: int) -> None:
    """Undo a claim whose DM could not be sent, so the next run tries again."""
    session.execute(
        update(Activity)
        .where(Activity.id == activity_id)
        .values(reminded_at=None)
        .execution_options(synchronize_session=False)
    )
