"""Modal validation: each rule puts its message on the right field, and the patient-data
heuristics catch identifiers without flagging ordinary CS text (and never echo what matched)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csbot.modals.forms import (
    MeetingForm,
    NoteForm,
    TicketForm,
    read_meeting,
    read_note,
    read_ticket,
)
from csbot.modals.validate import (
    meeting_errors,
    next_step_lines,
    note_errors,
    patient_data_kind,
    ticket_errors,
)

NOW = datetime(2026, 3, 31, 14, 0, tzinfo=UTC)
TODAY = NOW.date()


def _ticket(**changes: Any) -> TicketForm:
    base = TicketForm(
        group="7.overview.30",
        subject="Claims export fails",
        category="billing",
        priority="high",
        status="open",
        opened_at=NOW - timedelta(hours=1),
    )
    return base.model_copy(update=changes)


def _meeting(**changes: Any) -> MeetingForm:
    base = MeetingForm(
        group="7",
        meeting_type="qbr",
        starts_at=NOW,
        duration="60",
        next_steps="Send the A/R report\nBook training",
        steps_due=TODAY,
    )
    return base.model_copy(update=changes)


def test_a_good_ticket_meeting_and_note_have_no_errors() -> None:
    assert ticket_errors(_ticket(), now=NOW) == {}
    assert meeting_errors(_meeting(), today=TODAY) == {}
    assert note_errors(NoteForm(group="7", note="Champion asked about new features")) == {}


@pytest.mark.parametrize(
    ("changes", "block", "words"),
    [
        ({"group": None}, "group", "Pick the physician group"),
        ({"subject": "   "}, "subject", "subject"),
        ({"subject": "x" * 201}, "subject", "200 characters (it has 201)"),
        ({"category": "sales"}, "category", "category"),
        ({"priority": None}, "priority", "priority"),
        ({"status": "closed"}, "status", "status"),
        ({"opened_at": None}, "opened_at", "Pick the date"),
        ({"opened_at": NOW + timedelta(hours=1)}, "opened_at", "in the future"),
        ({"description": "x" * 3001}, "description", "3,000 characters"),
    ],
)
def test_each_ticket_rule_names_its_field(changes: dict[str, Any], block: str, words: str) -> None:
    errors = ticket_errors(_ticket(**changes), now=NOW)
    assert list(errors) == [block]
    assert words in errors[block]


def test_a_subject_of_exactly_200_characters_and_a_time_just_now_are_fine() -> None:
    assert (
        ticket_errors(_ticket(subject="x" * 200, opened_at=NOW + timedelta(seconds=30)), now=NOW)
        == {}
    )


@pytest.mark.parametrize(
    ("changes", "block", "words"),
    [
        ({"meeting_type": "lunch"}, "meeting_type", "meeting type"),
        ({"starts_at": None}, "starts_at", "date and time"),
        ({"duration": "481"}, "duration", "at most 8 hours"),
        ({"duration": "0"}, "duration", "whole minutes"),
        ({"duration": "1.5"}, "duration", "whole minutes"),
        ({"duration": None}, "duration", "whole minutes"),
        ({"steps_due": TODAY - timedelta(days=1)}, "steps_due", "has passed"),
        ({"steps_due": None}, "steps_due", "Pick when"),
        ({"next_steps": "\n".join(["step"] * 21)}, "next_steps", "at most 20"),
        ({"next_steps": "x" * 301}, "next_steps", "300 characters"),
        ({"notes": "Discussed MRN 00123456 issue"}, "notes", "leave patient data out of Slack"),
    ],
)
def test_each_meeting_rule_names_its_field(changes: dict[str, Any], block: str, words: str) -> None:
    errors = meeting_errors(_meeting(**changes), today=TODAY)
    assert list(errors) == [block]
    assert words in errors[block]


def test_eight_hours_exactly_and_no_next_steps_without_a_due_date_are_fine() -> None:
    assert meeting_errors(_meeting(duration="480"), today=TODAY) == {}
    assert meeting_errors(_meeting(next_steps=None, steps_due=None), today=TODAY) == {}
    past = _meeting(next_steps=None, steps_due=TODAY - timedelta(days=3))
    assert meeting_errors(past, today=TODAY) == {}  # a due date for no steps is not used


def test_note_rules() -> None:
    assert note_errors(NoteForm(group=None, note="x")) == {"group": "Pick the physician group."}
    assert list(note_errors(NoteForm(group="7", note="  "))) == ["note"]
    errors = note_errors(NoteForm(group="7", note="Pt DOB 03/14/1962 called"))
    assert "leave patient data out of Slack" in errors["note"]


def test_next_steps_are_lines_without_bullets() -> None:
    text = "- Send report\n\n • Book training \n* Call back"
    assert next_step_lines(text) == ["Send report", "Book training", "Call back"]


PATIENT_DATA = [
    ("DOB 03/14/1962", "a date of birth"),
    ("d.o.b: 14.03.62", "a date of birth"),
    ("born 14 March 1962", "a date of birth"),
    ("Patient born on 1962-03-14", "a date of birth"),
    ("date of birth: March 14, 1962", "a date of birth"),
    ("03/14/1962 is her birthday", "a date of birth"),
    ("MRN: 1234567", "a medical record number"),
    ("mrn#0012345", "a medical record number"),
    ("Medical record number 8812345 shows twice", "a medical record number"),
    ("chart no. 884422", "a medical record number"),
    ("account 123456789012 duplicated", "a medical record number"),
    ("SSN 123-45-6789", "a Social Security number"),
    ("his number is 123-45-6789", "a Social Security number"),
    ("social security number 123 45 6789", "a Social Security number"),
]
ORDINARY = [
    "Claims export fails for March batch",
    "Meeting on 2026-03-14 to review denials",
    "Due 14 March 2026",
    "Add NPI 1234567890 to the account",
    "Fee schedule update for 2026",
    "Call the office at 555-123-4567",
    "Ticket 12345 reopened",
    "The practice was born in 2019 from a merger",
    "Invoice total 1,250,000.00 for Q1",
    "ERA 835 files not importing",
    "Version 3.14.159 released",
]


@pytest.mark.parametrize(("text", "kind"), PATIENT_DATA)
def test_patient_identifiers_are_recognised(text: str, kind: str) -> None:
    assert patient_data_kind(text) == kind


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_cs_text_is_not_flagged(text: str) -> None:
    assert patient_data_kind(text) is None


@pytest.mark.parametrize("text", [t for t, _ in PATIENT_DATA])
def test_the_message_never_repeats_what_matched(text: str) -> None:
    errors = ticket_errors(_ticket(description=f"Context: {text}"), now=NOW)
    message = errors["description"]
    assert "leave patient data out of Slack" in message
    digits = [part for part in text.split() if any(ch.isdigit() for ch in part)]
    assert not any(part in message for part in digits)


@given(st.text(max_size=300))
def test_the_heuristics_take_any_text(text: str) -> None:
    assert patient_data_kind(text) in (
        None,
        "a date of birth",
        "a medical record number",
        "a Social Security number",
    )


def test_forms_read_slack_s_state_shapes() -> None:
    values = {
        "group": {
            "group_select": {
                "type": "external_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "A"},
                    "value": "7.overview.30",
                },
            }
        },
        "subject": {"subject": {"type": "plain_text_input", "value": "  Export fails "}},
        "priority": {
            "priority": {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": "H"}, "value": "high"},
            }
        },
        "opened_at": {"opened_at": {"type": "datetimepicker", "selected_date_time": 1774965600}},
        "description": {"description": {"type": "plain_text_input", "value": None}},
    }
    form = read_ticket(values)
    assert form.group == "7.overview.30" and form.subject == "Export fails"
    assert form.priority == "high" and form.category is None and form.description is None
    assert form.opened_at == datetime(2026, 3, 31, 14, 0, tzinfo=UTC)


def test_meeting_and_note_forms_read_users_dates_and_options() -> None:
    values = {
        "attendees": {"attendees": {"type": "multi_users_select", "selected_users": ["U1", "U2"]}},
        "contacts": {
            "contact_select": {
                "type": "multi_external_select",
                "selected_options": [{"value": "3"}, {"value": "9"}],
            }
        },
        "steps_owner": {"steps_owner": {"type": "users_select", "selected_user": "U2"}},
        "steps_due": {"steps_due": {"type": "datepicker", "selected_date": "2026-04-07"}},
        "duration": {"duration": {"type": "number_input", "value": "45"}},
    }
    form = read_meeting(values)
    assert form.attendees == ("U1", "U2") and form.contacts == ("3", "9")
    assert form.steps_owner == "U2" and form.steps_due == date(2026, 4, 7)
    assert form.duration == "45" and form.group is None
    assert read_note({"note": {"note": {"type": "plain_text_input", "value": "hi"}}}).note == "hi"


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"opened_at": "x"},
        {"opened_at": {"opened_at": {"selected_date_time": "soon"}}},
        {"steps_due": {"steps_due": {"selected_date": "2026-13-45"}}},
        {"group": {"group_select": 3}},
    ],
)
def test_forms_take_forged_shapes_without_raising(values: dict[str, Any]) -> None:
    read_ticket(values)
    read_meeting(values)
    read_note(values)
