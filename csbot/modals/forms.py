"""What a person typed into a logging modal, read out of Slack's `view.state.values`.

`state.values` is keyed block_id -> action_id -> {type, value...}, its shape depending on the
element (samples README). These readers only take values out and type them; judging them is
csbot.modals.validate's job, so a forged payload gets the same field errors as a typo.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from csbot.slack.ids import ActionId, ModalBlock

__all__ = ["MeetingForm", "NoteForm", "TicketForm", "read_meeting", "read_note", "read_ticket"]

Values = Mapping[str, Any]


class _Form(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TicketForm(_Form):
    group: str | None = None  # the group option's value
    subject: str = ""
    category: str | None = None
    priority: str | None = None
    status: str | None = None
    opened_at: datetime | None = None
    description: str | None = None


class MeetingForm(_Form):
    group: str | None = None
    meeting_type: str | None = None
    starts_at: datetime | None = None
    duration: str | None = None  # number_input sends text
    attendees: tuple[str, ...] = ()  # Slack user ids
    contacts: tuple[str, ...] = ()  # contact option values (ids)
    notes: str | None = None
    next_steps: str | None = None
    steps_owner: str | None = None
    steps_due: date | None = None


class NoteForm(_Form):
    group: str | None = None
    note: str = ""


def _state(values: Values, block: ModalBlock, action: str | None = None) -> Mapping[str, Any]:
    by_action = values.get(block.value)
    if not isinstance(by_action, Mapping):
        return {}
    state = by_action.get(action or block.value)
    return state if isinstance(state, Mapping) else {}


def _text(values: Values, block: ModalBlock) -> str | None:
    value = _state(values, block).get("value")
    return (value.strip() or None) if isinstance(value, str) else None


def _option(values: Values, block: ModalBlock, action: str | None = None) -> str | None:
    chosen = _state(values, block, action).get("selected_option")
    value = chosen.get("value") if isinstance(chosen, Mapping) else None
    return str(value) if value is not None else None


def _options(values: Values, block: ModalBlock, action: str) -> tuple[str, ...]:
    chosen = _state(values, block, action).get("selected_options") or []
    return tuple(str(o["value"]) for o in chosen if isinstance(o, Mapping) and "value" in o)


def _when(values: Values, block: ModalBlock) -> datetime | None:
    stamp = _state(values, block).get("selected_date_time")
    if isinstance(stamp, bool) or not isinstance(stamp, int | float | str):
        return None
    try:
        return datetime.fromtimestamp(int(stamp), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _day(values: Values, block: ModalBlock) -> date | None:
    text = _state(values, block).get("selected_date")
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _users(values: Values, block: ModalBlock) -> tuple[str, ...]:
    users = _state(values, block).get("selected_users") or []
    return tuple(str(u) for u in users if isinstance(u, str))


def _user(values: Values, block: ModalBlock) -> str | None:
    user = _state(values, block).get("selected_user")
    return user if isinstance(user, str) and user else None


def _group(values: Values) -> str | None:
    return _option(values, ModalBlock.GROUP, ActionId.GROUP_SELECT.value)


def read_ticket(values: Values) -> TicketForm:
    return TicketForm(
        group=_group(values),
        subject=_text(values, ModalBlock.SUBJECT) or "",
        category=_option(values, ModalBlock.CATEGORY),
        priority=_option(values, ModalBlock.PRIORITY),
        status=_option(values, ModalBlock.STATUS),
        opened_at=_when(values, ModalBlock.OPENED_AT),
        description=_text(values, ModalBlock.DESCRIPTION),
    )


def read_meeting(values: Values) -> MeetingForm:
    return MeetingForm(
        group=_group(values),
        meeting_type=_option(values, ModalBlock.MEETING_TYPE),
        starts_at=_when(values, ModalBlock.STARTS_AT),
        duration=_text(values, ModalBlock.DURATION),
        attendees=_users(values, ModalBlock.ATTENDEES),
        contacts=_options(values, ModalBlock.CONTACTS, ActionId.CONTACT_SELECT.value),
        notes=_text(values, ModalBlock.NOTES),
        next_steps=_text(values, ModalBlock.NEXT_STEPS),
        steps_owner=_user(values, ModalBlock.STEPS_OWNER),
        steps_due=_day(values, ModalBlock.STEPS_DUE),
    )


def read_note(values: Values) -> NoteForm:
    return NoteForm(group=_group(values), note=_text(values, ModalBlock.NOTE) or "")
