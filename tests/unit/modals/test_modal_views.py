"""The logging modals: valid Block Kit (slack-sdk's View plus Slack's limits), fields people
need, the group filled in when known, and metadata that survives the round trip."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from slack_sdk.models.views import View

from csbot.commands.card import CardState
from csbot.commands.panels.base import Panel
from csbot.errors import InputError
from csbot.modals.views import (
    GroupChoice,
    ModalMeta,
    group_id_of,
    meeting_view,
    note_view,
    ticket_view,
)
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, CallbackId, ModalBlock

NOW = datetime(2026, 3, 31, 14, 5, tzinfo=UTC)
ACME = GroupChoice(id=7, name="Acme Family Medicine")


def _meta(kind: str, **fields: Any) -> ModalMeta:
    return ModalMeta.model_validate({"kind": kind, "key": "k" * 32, **fields})


def _block(view: dict[str, Any], block: ModalBlock) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block.value)


def _views() -> list[dict[str, Any]]:
    return [
        ticket_view(meta=_meta("ticket"), group=None, now=NOW),
        meeting_view(meta=_meta("meeting"), group=ACME, now=NOW, today=NOW.date(), user_id="U1"),
        note_view(meta=_meta("note"), group=None, text="Practice manager mentioned staffing"),
    ]


@pytest.mark.parametrize("view", _views(), ids=["ticket", "meeting", "note"])
def test_each_modal_is_a_valid_slack_view(view: dict[str, Any]) -> None:
    bk.validate_view(view)
    parsed = View(**view)
    parsed.validate_json()
    assert parsed.to_dict()["blocks"] == view["blocks"]
    assert view["submit"]["text"] and view["close"]["text"]
    group = _block(view, ModalBlock.GROUP)["element"]
    assert group["type"] == "external_select"
    assert group["action_id"] == ActionId.GROUP_SELECT.value
    assert "patient data" in view["blocks"][-1]["elements"][0]["text"]


def test_ticket_modal_has_every_field_with_the_issue_s_choices() -> None:
    view = ticket_view(meta=_meta("ticket"), group=None, now=NOW)
    assert view["callback_id"] == CallbackId.LOG_TICKET.value
    ids = [b.get("block_id") for b in view["blocks"] if b["type"] == "input"]
    assert ids == ["group", "subject", "category", "priority", "status", "opened_at", "description"]

    def values(block: ModalBlock) -> list[str]:
        return [o["value"] for o in _block(view, block)["element"]["options"]]

    assert values(ModalBlock.CATEGORY) == ["billing", "technical", "training", "data", "other"]
    assert values(ModalBlock.PRIORITY) == ["low", "normal", "high", "urgent"]
    assert values(ModalBlock.STATUS) == ["open", "pending", "resolved"]
    assert _block(view, ModalBlock.PRIORITY)["element"]["initial_option"]["value"] == "normal"
    opened = _block(view, ModalBlock.OPENED_AT)["element"]
    assert opened == {
        "type": "datetimepicker",
        "action_id": "opened_at",
        "initial_date_time": int(NOW.timestamp()),
    }
    assert _block(view, ModalBlock.DESCRIPTION)["optional"] is True
    assert _block(view, ModalBlock.SUBJECT)["element"]["max_length"] == 200
    assert "initial_option" not in _block(view, ModalBlock.GROUP)["element"]


def test_a_known_group_is_pre_filled_as_the_type_ahead_would_offer_it() -> None:
    view = ticket_view(meta=_meta("ticket", group_id=ACME.id), group=ACME, now=NOW)
    initial = _block(view, ModalBlock.GROUP)["element"]["initial_option"]
    assert initial["text"]["text"] == ACME.name
    assert group_id_of(initial["value"]) == ACME.id
    assert CardState.decode(initial["value"]) == CardState(ACME.id)


def test_meeting_modal_defaults_and_fields() -> None:
    view = meeting_view(
        meta=_meta("meeting"), group=ACME, now=NOW, today=date(2026, 3, 31), user_id="U1"
    )
    assert view["callback_id"] == CallbackId.LOG_MEETING.value
    types = [o["value"] for o in _block(view, ModalBlock.MEETING_TYPE)["element"]["options"]]
    assert types == ["check-in", "qbr", "training", "onboarding", "escalation"]
    assert _block(view, ModalBlock.STARTS_AT)["element"]["initial_date_time"] == int(
        NOW.timestamp()
    )
    assert _block(view, ModalBlock.DURATION)["element"]["type"] == "number_input"
    assert _block(view, ModalBlock.ATTENDEES)["element"]["initial_users"] == ["U1"]
    contacts = _block(view, ModalBlock.CONTACTS)["element"]
    assert contacts["type"] == "multi_external_select"
    assert contacts["action_id"] == ActionId.CONTACT_SELECT.value
    assert _block(view, ModalBlock.STEPS_OWNER)["element"]["initial_user"] == "U1"
    assert _block(view, ModalBlock.STEPS_DUE)["element"]["initial_date"] == "2026-04-07"


def test_note_modal_pre_fills_the_message_cut_to_slack_s_limit() -> None:
    view = note_view(meta=_meta("note"), group=ACME, text="word " * 1000)
    assert view["callback_id"] == CallbackId.LOG_NOTE.value
    note = _block(view, ModalBlock.NOTE)["element"]
    assert note["multiline"] is True
    assert len(note["initial_value"]) <= 3000 and note["initial_value"].endswith("…")


def test_a_notice_says_why_the_group_is_empty() -> None:
    view = ticket_view(meta=_meta("ticket"), group=None, now=NOW, notice="No group matches “zz”.")
    assert view["blocks"][0]["block_id"] == ModalBlock.NOTICE.value
    assert "zz" in view["blocks"][0]["elements"][0]["text"]


def test_metadata_round_trips_and_stays_small() -> None:
    meta = _meta("note", group_id=7, channel="C0000000001", message_ts="1700000480.000300")
    view = note_view(meta=meta, group=ACME, text="hello")
    assert len(view["private_metadata"]) < 200
    assert ModalMeta.decode(view["private_metadata"]) == meta


@pytest.mark.parametrize("text", ["", "not json", '{"kind": "invoice", "key": "kkkkkkkkkk"}'])
def test_metadata_csbot_did_not_write_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="open it again"):
        ModalMeta.decode(text)


@pytest.mark.parametrize(
    ("value", "group_id"),
    [
        ("42", 42),
        ("42.support.30", 42),
        (CardState(5, Panel.TIMELINE).encode(), 5),
        ("", None),
        (None, None),
        ("acme", None),
        ("1.nopanel.30", None),
    ],
)
def test_group_id_of_reads_card_states_and_bare_ids(
    value: str | None, group_id: int | None
) -> None:
    assert group_id_of(value) == group_id
