"""A submitted logging modal: read its fields, judge them, store the entry in one transaction.

`submit_view` returns `Rejected` (field errors for `response_action: errors`) or `Logged`
(what was stored, for the confirmation). Nothing is stored unless every field is fine, and the
modal's submission key makes a retry or a double click find the first row instead of a second.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from csbot.commands.panels.base import Panel
from csbot.modals.choices import MEETING_TYPES, label_of
from csbot.modals.forms import read_meeting, read_note, read_ticket
from csbot.modals.validate import (
    Errors,
    duration_minutes,
    meeting_errors,
    next_step_lines,
    note_errors,
    ticket_errors,
)
from csbot.modals.views import Kind, ModalMeta, group_id_of
from csbot.slack import blockkit as bk
from csbot.slack.ids import ModalBlock
from csbot.store.audit import AuditAction, Scalar, record
from csbot.store.db import DbSession, SessionFactory, transaction
from csbot.store.entries import (
    GroupRef,
    NewActionItem,
    NewActivity,
    NewTicket,
    Stored,
    contact_names,
    find_group,
    store_activity,
    store_ticket,
)

__all__ = ["Logged", "Rejected", "submit_view"]

log = logging.getLogger(__name__)

NOTE_TITLE = 120
UNKNOWN_GROUP = "That group is not in csbot (any more); pick one from the list."
UNKNOWN_CONTACT = "Pick the group's people from the list."


@dataclass(frozen=True)
class Rejected:
    errors: Errors


@dataclass(frozen=True)
class Logged:
    """What was stored. `created` False: this submission had been stored before (a retry)."""

    kind: Kind
    group: GroupRef
    stored: Stored
    meta: ModalMeta
    when: datetime  # opened at / meeting time / note time, UTC
    details: tuple[tuple[str, str], ...] = ()  # label, value (plain, unescaped)
    title: str = ""
    action_items: int = 0
    scheduled: bool = False

    @property
    def panel(self) -> Panel:
        """The card that shows the new entry."""
        return Panel.SUPPORT if self.kind == "ticket" else Panel.TIMELINE


def submit_view(
    sessions: SessionFactory, *, view: Mapping[str, Any], user_id: str, now: datetime, today: date
) -> Logged | Rejected:
    """Judge and store a submitted modal; `now` is aware, `today` in csbot's time zone."""
    meta = ModalMeta.decode(str(view.get("private_metadata") or ""))
    values = (view.get("state") or {}).get("values") or {}
    with transaction(sessions) as session:
        if meta.kind == "ticket":
            return _ticket(session, values, meta, user_id=user_id, now=now)
        if meta.kind == "meeting":
            return _meeting(session, values, meta, user_id=user_id, now=now, today=today)
        return _note(session, values, meta, user_id=user_id, now=now)


def _group(session: DbSession, value: str | None, errors: Errors) -> GroupRef | None:
    """The chosen group, or an error on the group field when it is not a real one."""
    if value is None:
        return None
    group_id = group_id_of(value)
    group = find_group(session, group_id=group_id) if group_id is not None else None
    if group is None:
        errors.setdefault(ModalBlock.GROUP.value, UNKNOWN_GROUP)
    return group


def _ticket(
    session: DbSession, values: Mapping[str, Any], meta: ModalMeta, *, user_id: str, now: datetime
) -> Logged | Rejected:
    form = read_ticket(values)
    errors = ticket_errors(form, now=now)
    group = _group(session, form.group, errors)
    if errors or group is None:
        return Rejected(errors)
    assert form.opened_at and form.category and form.priority and form.status
    resolved = max(now, form.opened_at) if form.status == "resolved" else None
    ticket = NewTicket(
        group_id=group.id,
        subject=form.subject.strip(),
        category=form.category,
        priority=form.priority,
        status=form.status,
        opened_at=form.opened_at,
        created_by=user_id,
        submission_key=meta.key,
        description=form.description,
        resolved_at=resolved,
    )
    stored = store_ticket(session, submission=ticket)
    _trail(session, AuditAction.TICKET, stored, group, user_id, now, priority=form.priority)
    details = (("Priority", form.priority), ("Category", form.category), ("Status", form.status))
    return Logged("ticket", group, stored, meta, form.opened_at, details, ticket.subject)


def _meeting(
    session: DbSession,
    values: Mapping[str, Any],
    meta: ModalMeta,
    *,
    user_id: str,
    now: datetime,
    today: date,
) -> Logged | Rejected:
    form = read_meeting(values)
    errors = meeting_errors(form, today=today)
    group = _group(session, form.group, errors)
    people = _contacts(session, group, form.contacts, errors) if group else []
    if errors or group is None:
        return Rejected(errors)
    assert form.meeting_type and form.starts_at
    owner = form.steps_owner or user_id
    items = tuple(
        NewActionItem(line, owner, form.steps_due) for line in next_step_lines(form.next_steps)
    )
    title = label_of(MEETING_TYPES, form.meeting_type)
    meeting = NewActivity(
        group_id=group.id,
        kind="meeting",
        subtype=form.meeting_type,
        title=title,
        occurred_at=form.starts_at,
        organizer=user_id,
        submission_key=meta.key,
        duration_minutes=duration_minutes(form.duration),
        attendees=(*(f"<@{u}>" for u in form.attendees), *people),
        notes=form.notes,
        action_items=items,
    )
    stored = store_activity(session, submission=meeting)
    _trail(session, AuditAction.MEETING, stored, group, user_id, now, type=form.meeting_type)
    details = (("Duration", f"{meeting.duration_minutes} min"),)
    scheduled = form.starts_at > now
    return Logged(
        "meeting", group, stored, meta, form.starts_at, details, title, len(items), scheduled
    )


def _contacts(
    session: DbSession, group: GroupRef, chosen: tuple[str, ...], errors: Errors
) -> list[str]:
    """Names of the chosen contacts; an error when one is not this group's."""
    if not chosen:
        return []
    known = {str(cid): name for cid, name, _ in contact_names(session, group_id=group.id)}
    if any(c not in known for c in chosen):
        errors.setdefault(ModalBlock.CONTACTS.value, UNKNOWN_CONTACT)
        return []
    return [known[c] for c in chosen]


def _note(
    session: DbSession, values: Mapping[str, Any], meta: ModalMeta, *, user_id: str, now: datetime
) -> Logged | Rejected:
    form = read_note(values)
    errors = note_errors(form)
    group = _group(session, form.group, errors)
    if errors or group is None:
        return Rejected(errors)
    text = form.note.strip()
    title = bk.truncate(text.splitlines()[0], NOTE_TITLE)
    when = _message_time(meta.message_ts) or now
    note = NewActivity(
        group_id=group.id,
        kind="note",
        title=title,
        occurred_at=when,
        organizer=user_id,
        submission_key=meta.key,
        notes=text,
    )
    stored = store_activity(session, submission=note)
    _trail(session, AuditAction.NOTE, stored, group, user_id, now)
    return Logged("note", group, stored, meta, when, (), title)


def _message_time(ts: str | None) -> datetime | None:
    """When a Slack message was posted, from its ts ("1700000480.000300")."""
    try:
        return datetime.fromtimestamp(float(ts), UTC) if ts else None
    except (ValueError, OverflowError, OSError):
        return None


def _trail(
    session: DbSession,
    action: AuditAction,
    stored: Stored,
    group: GroupRef,
    user_id: str,
    now: datetime,
    **detail: Scalar,
) -> None:
    """Log it, and write the audit row in the same transaction (only the first time)."""
    log.info(
        "logged from slack",
        extra={
            "kind": action.value,
            "id": stored.id,
            "first_time": stored.created,  # `created` is a LogRecord attribute: it would raise
            "group": group.id,
            "user": user_id,
        },
    )
    if stored.created:
        record(
            session,
            actor=user_id,
            action=action,
            group_id=group.id,
            at=now,
            detail={f"{action.value}_id": stored.id, **detail},
        )
