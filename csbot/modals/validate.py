"""Judging a logging modal's fields: pure functions returning {block_id: message fit to show}.

Slack shows each message under its field (`response_action: errors`), so every rule names one
block. Free text is checked for what looks like patient identifiers (dates of birth, medical
record numbers, Social Security numbers): csbot keeps only group-level data, and the message asks
to leave patient data out of Slack. The matched text is never echoed back nor logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from csbot.modals.choices import (
    CATEGORIES,
    MEETING_TYPES,
    PRIORITIES,
    STATUSES,
    Choices,
)
from csbot.modals.forms import MeetingForm, NoteForm, TicketForm
from csbot.slack.ids import ModalBlock

__all__ = [
    "MAX_LINES",
    "MAX_MEETING_MINUTES",
    "MAX_STEP",
    "MAX_SUBJECT",
    "MAX_TEXT",
    "Errors",
    "duration_minutes",
    "meeting_errors",
    "next_step_lines",
    "note_errors",
    "patient_data_kind",
    "patient_data_message",
    "ticket_errors",
]

Errors = dict[str, str]

MAX_SUBJECT = 200
MAX_TEXT = 3000  # Slack's plain_text_input limit
MAX_STEP = 300  # action_item.text
MAX_LINES = 20
MAX_MEETING_MINUTES = 8 * 60
CLOCK_SKEW = timedelta(minutes=2)  # Slack's and our clocks may disagree a little

_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"  # 03/14/1962, 14.03.62
    r"|(?:19|20)\d{2}[/.\-]\d{1,2}[/.\-]\d{1,2}"  # 1962-03-14
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?,?\s+\d{4}"  # 14 March 1962
    r"|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"  # March 14, 1962
)
_BIRTH = r"(?:\bd\.?\s?o\.?\s?b\b\.?|\bdate\s+of\s+birth\b|\bbirth\s?date\b|\bbirthday\b|\bborn\b)"
_DOB = re.compile(
    rf"{_BIRTH}.{{0,40}}?(?:{_DATE}|\b\d{{6,8}}\b)|{_DATE}.{{0,40}}?{_BIRTH}",
    re.IGNORECASE | re.DOTALL,
)
_MRN = re.compile(
    r"\b(?:mrn|medical\s+record(?:\s+(?:number|no\.?|num))?|chart\s+(?:number|no\.?))"
    r"\s*(?:number|no\.?)?\s*[:#]?\s*[a-z]{0,3}\d{5,}",
    re.IGNORECASE,
)
_SSN = re.compile(
    r"(?<![\d\-])\d{3}-\d{2}-\d{4}(?![\d\-])"
    r"|\b(?:ssn|social\s+security(?:\s+(?:number|no\.?))?)\b\D{0,5}\d{3}[\s\-]?\d{2}[\s\-]?\d{4}",
    re.IGNORECASE,
)
_DIGIT_RUN = re.compile(r"(?<![\d.,])\d{9,}(?![\d.,])")
_NPI_BEFORE = re.compile(r"\bnpi\s*[:#]?\s*$", re.IGNORECASE)


def _long_digit_run(text: str) -> bool:
    """Nine or more digits in a row, other than a provider's NPI (providers are not patients)."""
    return any(not _NPI_BEFORE.search(text[: m.start()]) for m in _DIGIT_RUN.finditer(text))


def patient_data_kind(text: str | None) -> str | None:
    """What kind of patient identifier `text` seems to hold ("a date of birth", ...), or None."""
    if not text:
        return None
    if _SSN.search(text):
        return "a Social Security number"
    if _DOB.search(text):
        return "a date of birth"
    if _MRN.search(text) or _long_digit_run(text):
        return "a medical record number"
    return None


def patient_data_message(kind: str) -> str:
    return (
        f"This looks like patient data ({kind}). Please leave patient data out of Slack: "
        "describe the issue without dates of birth, record numbers or SSNs."
    )


def _free_text(errors: Errors, fields: Iterable[tuple[ModalBlock, str | None]]) -> None:
    for block, text in fields:
        if block.value in errors or text is None:
            continue
        if len(text) > MAX_TEXT:
            errors[block.value] = f"Keep this to {MAX_TEXT:,} characters (it has {len(text):,})."
        elif kind := patient_data_kind(text):
            errors[block.value] = patient_data_message(kind)


def _choice(
    errors: Errors, block: ModalBlock, value: str | None, allowed: Choices, what: str
) -> None:
    if value is None or value not in dict(allowed):
        errors[block.value] = f"Pick {what} from the list."


def ticket_errors(form: TicketForm, *, now: datetime) -> Errors:
    """Everything wrong with a ticket, by block; empty when it can be stored."""
    errors: Errors = {}
    if form.group is None:
        errors[ModalBlock.GROUP.value] = "Pick the physician group."
    subject = form.subject.strip()
    if not subject:
        errors[ModalBlock.SUBJECT.value] = "Give the ticket a subject."
    elif len(subject) > MAX_SUBJECT:
        errors[ModalBlock.SUBJECT.value] = (
            f"Keep the subject to {MAX_SUBJECT} characters (it has {len(subject)})."
        )
    _choice(errors, ModalBlock.CATEGORY, form.category, CATEGORIES, "a category")
    _choice(errors, ModalBlock.PRIORITY, form.priority, PRIORITIES, "a priority")
    _choice(errors, ModalBlock.STATUS, form.status, STATUSES, "a status")
    if form.opened_at is None:
        errors[ModalBlock.OPENED_AT.value] = "Pick the date and time the ticket was opened."
    elif form.opened_at > now + CLOCK_SKEW:
        errors[ModalBlock.OPENED_AT.value] = (
            "A ticket cannot be opened in the future; pick a time up to now."
        )
    _free_text(errors, [(ModalBlock.SUBJECT, subject), (ModalBlock.DESCRIPTION, form.description)])
    return errors


def duration_minutes(text: str | None) -> int | None:
    """Whole minutes typed into the duration field, or None if it is not a whole number."""
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        return None


def next_step_lines(text: str | None) -> list[str]:
    """Each non-empty line of "next steps", without list bullets: one action item each."""
    lines = (line.strip().lstrip("-*•·").strip() for line in (text or "").splitlines())
    return [line for line in lines if line]


def meeting_errors(form: MeetingForm, *, today: date) -> Errors:
    """Everything wrong with a meeting, by block; `today` in csbot's time zone."""
    errors: Errors = {}
    if form.group is None:
        errors[ModalBlock.GROUP.value] = "Pick the physician group."
    _choice(errors, ModalBlock.MEETING_TYPE, form.meeting_type, MEETING_TYPES, "a meeting type")
    if form.starts_at is None:
        errors[ModalBlock.STARTS_AT.value] = "Pick the date and time of the meeting."
    minutes = duration_minutes(form.duration)
    if minutes is None or minutes < 1:
        errors[ModalBlock.DURATION.value] = "Give the duration in whole minutes, e.g. 30."
    elif minutes > MAX_MEETING_MINUTES:
        errors[ModalBlock.DURATION.value] = (
            f"A meeting can last at most 8 hours ({MAX_MEETING_MINUTES} minutes)."
        )
    _next_steps(errors, form, today)
    _free_text(errors, [(ModalBlock.NOTES, form.notes), (ModalBlock.NEXT_STEPS, form.next_steps)])
    return errors


def _next_steps(errors: Errors, form: MeetingForm, today: date) -> None:
    lines = next_step_lines(form.next_steps)
    if not lines:
        return
    block = ModalBlock.NEXT_STEPS.value
    if len(lines) > MAX_LINES:
        errors[block] = f"Give at most {MAX_LINES} next steps, one per line."
    elif any(len(line) > MAX_STEP for line in lines):
        errors[block] = f"Keep each next step to {MAX_STEP} characters, one per line."
    if form.steps_due is None:
        errors[ModalBlock.STEPS_DUE.value] = "Pick when the next steps are due."
    elif form.steps_due < today:
        errors[ModalBlock.STEPS_DUE.value] = "That due date has passed; pick today or later."


def note_errors(form: NoteForm) -> Errors:
    """Everything wrong with a CS note, by block."""
    errors: Errors = {}
    if form.group is None:
        errors[ModalBlock.GROUP.value] = "Pick the physician group."
    if not form.note.strip():
        errors[ModalBlock.NOTE.value] = "Write the note."
    _free_text(errors, [(ModalBlock.NOTE, form.note)])
    return errors
