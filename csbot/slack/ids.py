"""Every action_id, block_id and callback_id csbot puts into Slack, in one place.

Elements that repeat inside one block (panel buttons, pick-group buttons) need distinct
action_ids, so they get a suffix: `action_id(ActionId.PANEL, "health")` -> "panel:health".
Listeners match the whole family with `action_pattern(ActionId.PANEL)`.
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = [
    "SEPARATOR",
    "ActionId",
    "BlockId",
    "CallbackId",
    "HomeBlock",
    "ModalBlock",
    "action_id",
    "action_pattern",
    "split_action_id",
]

SEPARATOR = ":"


class ActionId(StrEnum):
    """Interactive elements. Members marked "family" take a suffix via action_id()."""

    PANEL = "panel"  # family: panel:<Panel value>
    WINDOW_SELECT = "window_select"
    GROUP_SELECT = "group_select"  # external select, options from the type-ahead
    CONTACT_SELECT = "contact_select"  # multi external select of the chosen group's contacts
    PICK_GROUP = "pick_group"  # family: pick_group:<group id>
    LOG_TICKET = "log_ticket"
    LOG_MEETING = "log_meeting"
    OPEN_CARD = "open_card"  # family in lists: open_card:<group id>
    SNOOZE = "snooze"
    ACKNOWLEDGE = "acknowledge"
    EXPORT = "export"
    REFRESH = "refresh"
    LIST_BAND_SELECT = "list_band_select"
    RENEWALS_SELECT = "renewals_select"  # the horizon of /cs renewals
    RECORD_OUTCOME = "record_outcome"  # family in renewals: record_outcome:<group id>
    HELP = "help"


class BlockId(StrEnum):
    """Blocks whose content a handler reads back or replaces."""

    HEADER = "header"
    HEADLINE = "headline"  # score, band, change under the header
    CONTROLS = "controls"  # group picker + window select
    PANELS = "panels"  # panel buttons (actions blocks hold at most 25 elements)
    PANELS_MORE = "panels_more"
    FACTS = "facts"
    CHART = "chart"
    REASONS = "reasons"
    ACTIONS = "actions"
    PICK_GROUP = "pick_group"
    HELP = "help"
    STATUS = "status"  # "working on it" / error line
    CONTEXT = "context"  # window, data as of, computed at
    LIST_FILTER = "list_filter"  # band select on /cs list
    LIST_ROW = "list_row"  # family in lists: list_row.<n>
    LOG = "log"  # "Log ticket" / "Log meeting" buttons on a card
    RENEWALS_FILTER = "renewals_filter"  # horizon select on /cs renewals
    RENEWAL_ROW = "renewal_row"  # family: renewal_row.<group id>
    RENEWAL_BUTTONS = "renewal_buttons"  # family: renewal_buttons.<group id>


class CallbackId(StrEnum):
    """Shortcuts and modal views."""

    LOG_CS_NOTE = "log_cs_note"  # message shortcut
    LOG_TICKET = "log_ticket"  # modal
    LOG_MEETING = "log_meeting"  # modal
    LOG_NOTE = "log_note"  # modal
    RECORD_OUTCOME = "record_outcome"  # modal


class HomeBlock(StrEnum):
    """App Home's own sections; families take ".<id>" (header, buttons and charts use BlockId)."""

    ALERTS = "home_alerts"
    ALERT = "home_alert"  # family: home_alert.<alert id>
    MEETINGS = "home_meetings"
    ONBOARDING = "home_onboarding"
    RENEWALS = "home_renewals"
    BAND = "home_band"  # family: home_band.<list word>
    ROW = "home_row"  # family: home_row.<group id>
    ROW_LOG = "home_row_log"  # family: home_row_log.<group id>: that group's Log buttons
    MORE = "home_more"  # family: home_more.<list word>
    EMPTY = "home_empty"
    FOOTER = "home_footer"


class ModalBlock(StrEnum):
    """Blocks of the logging modals. An input's action_id is its block's value, except the
    group picker (ActionId.GROUP_SELECT) and the contacts picker (ActionId.CONTACT_SELECT),
    whose options come from the type-ahead listeners."""

    NOTICE = "notice"  # context line, e.g. "no group matches …"
    GROUP = "group"
    SUBJECT = "subject"
    CATEGORY = "category"
    PRIORITY = "priority"
    STATUS = "status"
    OPENED_AT = "opened_at"
    DESCRIPTION = "description"
    MEETING_TYPE = "meeting_type"
    STARTS_AT = "starts_at"
    DURATION = "duration"
    ATTENDEES = "attendees"  # Slack users
    CONTACTS = "contacts"  # the group's contacts
    NOTES = "notes"
    NEXT_STEPS = "next_steps"
    STEPS_OWNER = "steps_owner"
    STEPS_DUE = "steps_due"
    NOTE = "note"
    OUTCOME = "outcome"  # the renewal outcome modal's fields: named as the outcomes kind's
    RENEWAL_DATE = "renewal_date"
    NEW_ARR = "new_arr"
    CHURNED_ON = "churned_on"
    REASON_CATEGORY = "reason_category"
    REASON = "reason"


def action_id(base: ActionId, suffix: object) -> str:
    """`base:suffix`, e.g. "panel:health" or "pick_group:42"."""
    return f"{base.value}{SEPARATOR}{suffix}"


def action_pattern(base: ActionId) -> re.Pattern[str]:
    """Matches the bare id and every suffixed one, for `app.action(action_pattern(...))`."""
    return re.compile(rf"^{re.escape(base.value)}(?:{SEPARATOR}.*)?$")


def split_action_id(value: str) -> tuple[ActionId, str | None]:
    """("panel", "health") from "panel:health"; raises ValueError for an id csbot never sent."""
    base, sep, suffix = value.partition(SEPARATOR)
    return ActionId(base), (suffix if sep else None)
