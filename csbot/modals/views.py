"""The logging modals as Block Kit views: pure builders, checked by `blockkit.validate_view`.

The group picker is the same external select as the card's (ActionId.GROUP_SELECT, answered by
the `/cs` type-ahead), so its option values are card states; `group_id_of` reads either those
or a bare id. Dates and times use Slack's datetimepicker, which shows a UNIX time in each
person's own time zone, so "now" needs no time-zone guessing. `private_metadata` carries a
small JSON (`ModalMeta`): the kind, the group when known, where it was opened, and the key
that makes a retried or double-clicked submission store once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from csbot.commands.card import CardState
from csbot.errors import InputError
from csbot.modals.choices import CATEGORIES, MEETING_TYPES, PRIORITIES, STATUSES, Choices
from csbot.modals.validate import MAX_SUBJECT, MAX_TEXT
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, CallbackId, ModalBlock

__all__ = [
    "PRIVACY_LINE",
    "STEPS_DUE_DAYS",
    "GroupChoice",
    "Kind",
    "ModalMeta",
    "group_id_of",
    "group_option",
    "meeting_view",
    "note_view",
    "ticket_view",
]

Kind = Literal["ticket", "meeting", "note"]
STEPS_DUE_DAYS = 7
PRIVACY_LINE = (
    ":lock: Keep patient data out of Slack: no patient names, dates of birth, MRNs or SSNs."
)
CALLBACKS: dict[str, CallbackId] = {
    "ticket": CallbackId.LOG_TICKET,
    "meeting": CallbackId.LOG_MEETING,
    "note": CallbackId.LOG_NOTE,
}


class ModalMeta(BaseModel):
    """What a modal remembers between opening and submit (Slack's `private_metadata`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: Kind
    key: str = Field(min_length=8, max_length=64)  # the submission key
    group_id: int | None = None
    channel: str | None = Field(default=None, max_length=32)  # where it was opened
    message_ts: str | None = Field(default=None, max_length=32)  # the shortcut's message

    def encode(self) -> str:
        return self.model_dump_json(exclude_none=True)

    @classmethod
    def decode(cls, text: str) -> ModalMeta:
        try:
            return cls.model_validate_json(text or "{}")
        except ValidationError:
            raise InputError(
                "This form is from an older csbot; close it and open it again."
            ) from None


class GroupChoice(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    name: str


def group_option(group: GroupChoice) -> dict[str, Any]:
    """The option the `/cs` type-ahead would offer for this group (a card state value)."""
    return bk.option(group.name, CardState(group.id).encode())


def group_id_of(value: str | None) -> int | None:
    """The group id in a group option's value (a card state, or a bare id); None if neither."""
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        return CardState.decode(value).group_id
    except InputError:
        return None


def _input(
    block: ModalBlock,
    label: str,
    element: dict[str, Any],
    *,
    optional: bool = False,
    hint: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "input",
        "block_id": block.value,
        "label": bk.plain(label, 2000),
        "element": element,
        "optional": optional,
    }
    if hint:
        out["hint"] = bk.plain(hint, 2000)
    return out


def _text_input(
    block: ModalBlock,
    *,
    multiline: bool = False,
    max_length: int = MAX_TEXT,
    initial: str | None = None,
    placeholder: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": block.value,
        "multiline": multiline,
        "max_length": max_length,
    }
    if initial:
        element["initial_value"] = bk.truncate(initial, max_length)
    if placeholder:
        element["placeholder"] = bk.plain(placeholder, 150)
    return element


def _select(block: ModalBlock, choices: Choices, *, initial: str | None = None) -> dict[str, Any]:
    options = [bk.option(label, value) for value, label in choices]
    chosen = next((o for o in options if o["value"] == initial), None)
    return bk.static_select(block.value, options, placeholder="Choose", initial=chosen)


def _when(block: ModalBlock, at: datetime) -> dict[str, Any]:
    return {
        "type": "datetimepicker",
        "action_id": block.value,
        "initial_date_time": int(at.timestamp()),
    }


def _group_block(group: GroupChoice | None) -> dict[str, Any]:
    element = bk.external_select(
        ActionId.GROUP_SELECT.value,
        placeholder="Type part of the group's name",
        initial=group_option(group) if group else None,
        min_query_length=0,
    )
    return _input(ModalBlock.GROUP, "Physician group", element)


def _modal(
    meta: ModalMeta, title: str, blocks: Sequence[dict[str, Any]], notice: str | None
) -> dict[str, Any]:
    head = [bk.context(notice, block_id=ModalBlock.NOTICE.value)] if notice else []
    view = {
        "type": "modal",
        "callback_id": CALLBACKS[meta.kind].value,
        "title": bk.plain(title, 24),
        "submit": bk.plain("Log it", 24),
        "close": bk.plain("Cancel", 24),
        "private_metadata": meta.encode(),
        "blocks": [*head, *blocks, bk.context(PRIVACY_LINE)],
    }
    bk.validate_view(view)
    return view


def ticket_view(
    *, meta: ModalMeta, group: GroupChoice | None, now: datetime, notice: str | None = None
) -> dict[str, Any]:
    """The "Log a support ticket" modal; opened at defaults to `now`."""
    blocks = [
        _group_block(group),
        _input(
            ModalBlock.SUBJECT,
            "Subject",
            _text_input(ModalBlock.SUBJECT, max_length=MAX_SUBJECT, placeholder="What went wrong"),
        ),
        _input(ModalBlock.CATEGORY, "Category", _select(ModalBlock.CATEGORY, CATEGORIES)),
        _input(
            ModalBlock.PRIORITY,
            "Priority",
            _select(ModalBlock.PRIORITY, PRIORITIES, initial="normal"),
        ),
        _input(ModalBlock.STATUS, "Status", _select(ModalBlock.STATUS, STATUSES, initial="open")),
        _input(ModalBlock.OPENED_AT, "Opened at", _when(ModalBlock.OPENED_AT, now)),
        _input(
            ModalBlock.DESCRIPTION,
            "Description",
            _text_input(ModalBlock.DESCRIPTION, multiline=True),
            optional=True,
        ),
    ]
    return _modal(meta, "Log a support ticket", blocks, notice)


def meeting_view(
    *,
    meta: ModalMeta,
    group: GroupChoice | None,
    now: datetime,
    today: date,
    user_id: str,
    notice: str | None = None,
) -> dict[str, Any]:
    """The "Log a meeting" modal: past meetings happened, future ones are scheduled."""
    blocks = [_group_block(group), *_meeting_blocks(now, user_id), *_next_steps(user_id, today)]
    return _modal(meta, "Log a meeting", blocks, notice)


def _meeting_blocks(now: datetime, user_id: str) -> list[dict[str, Any]]:
    """What the meeting was: type, when, how long, who came, notes."""
    return [
        _input(
            ModalBlock.MEETING_TYPE, "Meeting type", _select(ModalBlock.MEETING_TYPE, MEETING_TYPES)
        ),
        _input(
            ModalBlock.STARTS_AT,
            "Date and time",
            _when(ModalBlock.STARTS_AT, now),
            hint="In the past: it happened. In the future: it is scheduled, and you get a "
            "reminder the working day before.",
        ),
        _input(ModalBlock.DURATION, "Duration (minutes)", _duration()),
        _input(
            ModalBlock.ATTENDEES,
            "Attendees from Slack",
            {
                "type": "multi_users_select",
                "action_id": ModalBlock.ATTENDEES.value,
                "initial_users": [user_id],
                "placeholder": bk.plain("Choose people", 150),
            },
            optional=True,
        ),
        _input(ModalBlock.CONTACTS, "Attendees from the group", _contacts(), optional=True),
        _input(
            ModalBlock.NOTES, "Notes", _text_input(ModalBlock.NOTES, multiline=True), optional=True
        ),
    ]


def _next_steps(user_id: str, today: date) -> list[dict[str, Any]]:
    """What comes of it: next steps (action items), their owner and due day."""
    return [
        _input(
            ModalBlock.NEXT_STEPS,
            "Next steps",
            _text_input(ModalBlock.NEXT_STEPS, multiline=True),
            optional=True,
            hint="One per line; each becomes an action item for the owner below.",
        ),
        _input(
            ModalBlock.STEPS_OWNER,
            "Owner of the next steps",
            {
                "type": "users_select",
                "action_id": ModalBlock.STEPS_OWNER.value,
                "initial_user": user_id,
            },
            optional=True,
        ),
        _input(
            ModalBlock.STEPS_DUE,
            "Next steps due",
            {
                "type": "datepicker",
                "action_id": ModalBlock.STEPS_DUE.value,
                "initial_date": (today + timedelta(days=STEPS_DUE_DAYS)).isoformat(),
            },
            optional=True,
        ),
    ]


def _duration() -> dict[str, Any]:
    return {
        "type": "number_input",
        "action_id": ModalBlock.DURATION.value,
        "is_decimal_allowed": False,
        "initial_value": "30",
        "min_value": "1",
    }


def _contacts() -> dict[str, Any]:
    return {
        "type": "multi_external_select",
        "action_id": ActionId.CONTACT_SELECT.value,
        "placeholder": bk.plain("The group's people", 150),
        "min_query_length": 0,
    }


def note_view(
    *, meta: ModalMeta, group: GroupChoice | None, text: str, notice: str | None = None
) -> dict[str, Any]:
    """The "Log a CS note" modal, with the message's text as the note (cut to fit)."""
    blocks = [
        _group_block(group),
        _input(ModalBlock.NOTE, "Note", _text_input(ModalBlock.NOTE, multiline=True, initial=text)),
    ]
    return _modal(meta, "Log a CS note", blocks, notice)
