"""Logging from Slack end to end: the real app over signed HTTP, a fake Slack recording views.

Each modal opens from `/cs log`, from a card's button or from the message shortcut; the view
posted to `views.open` is checked with slack-sdk's View model; the group type-ahead answers a
real-shaped `block_suggestion`; a `view_submission` is built from the posted view, as Slack
would send it, and the stored row and the confirmation are checked. Then every validation
error, a retried submission, and the reminder the working day before a meeting.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any

import httpx
import pytest
from slack_sdk.models.views import View
from sqlalchemy import select

from csbot.commands.card import CardState
from csbot.commands.panels.base import Panel
from csbot.modals.reminders import meeting_reminders_job, remind_upcoming_meetings
from csbot.modals.views import ModalMeta
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, ModalBlock
from csbot.store.db import transaction
from csbot.store.models import ActionItem, Activity, Ticket
from csbot.store.records import GroupName
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import (  # noqa: F401  (fixtures)
    ACME,
    CHANNEL,
    NOW,
    USER,
    click,
    cs_app,
    cs_fixture,
    done,
    element,
    names_fixture,
)
from tests.e2e.slackviews import submission, suggestion

SLASH_TRIGGER = "1111111111111.0000000001.fakefakefakefakefakefakefakefak1"


def _opened(server: AppServer, count: int = 1) -> dict[str, Any]:
    """The last view the app opened, as Slack stores it (with its id), after checking what was
    posted is a view slack-sdk accepts."""
    call = server.fake.wait_for("views.open", count)[-1]
    posted = call.json_param("view")
    View(**posted).validate_json()
    bk.validate_view(posted)
    stored = list(server.fake.state.views.values())[-1]
    assert stored["private_metadata"] == posted["private_metadata"]
    return stored


def _block(view: dict[str, Any], block: ModalBlock) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block.value)


def _options(server: AppServer, payload: dict[str, Any]) -> list[dict[str, Any]]:
    response = server.interaction(payload)
    assert response.status_code == 200
    options: list[dict[str, Any]] = response.json()["options"]
    return options


def _pick_group(server: AppServer, view: dict[str, Any], typed: str, name: str) -> dict[str, Any]:
    """Type into the modal's group picker; the option whose label is `name`."""
    payload = suggestion(
        server.samples,
        view,
        block_id=ModalBlock.GROUP.value,
        action_id=ActionId.GROUP_SELECT.value,
        value=typed,
    )
    return next(o for o in _options(server, payload) if o["text"]["text"] == name)


def _submit(
    server: AppServer, view: dict[str, Any], answers: dict[str, Any], user: str = USER
) -> httpx.Response:
    return server.interaction(submission(server.samples, view, answers, user=user))


def _key(view: dict[str, Any]) -> str:
    return ModalMeta.decode(view["private_metadata"]).key


def _tickets(server: AppServer, key: str) -> list[Ticket]:
    with transaction(server.runtime.services.sessions) as session:
        return list(session.scalars(select(Ticket).where(Ticket.submission_key == key)))


def _activities(server: AppServer, key: str) -> list[Activity]:
    with transaction(server.runtime.services.sessions) as session:
        return list(session.scalars(select(Activity).where(Activity.submission_key == key)))


def _acme(names: list[GroupName]) -> GroupName:
    return next(g for g in names if g.name == ACME)


TICKET = {
    "subject": "Claims export fails for the March batch",
    "category": "billing",
    "priority": "urgent",
    "description": "Export job stops at 80%.",
}


def test_cs_log_ticket_opens_the_modal_with_the_group_filled_in(
    cs: AppServer, names: list[GroupName]
) -> None:
    response = cs.slash_command("log ticket acme")
    assert response.status_code == 200 and response.text == ""
    call = cs.fake.wait_for("views.open")[0]
    assert call.params["trigger_id"] == SLASH_TRIGGER
    view = _opened(cs)
    assert view["callback_id"] == "log_ticket"
    initial = _block(view, ModalBlock.GROUP)["element"]["initial_option"]
    assert initial["text"]["text"] == ACME
    assert CardState.decode(initial["value"]).group_id == _acme(names).id
    meta = ModalMeta.decode(view["private_metadata"])
    assert (meta.kind, meta.group_id, meta.channel) == ("ticket", _acme(names).id, CHANNEL)


def test_a_name_that_matches_nothing_opens_an_empty_picker_saying_so(cs: AppServer) -> None:
    assert cs.slash_command("log meeting zzqx").status_code == 200
    view = _opened(cs)
    assert view["callback_id"] == "log_meeting"
    assert "initial_option" not in _block(view, ModalBlock.GROUP)["element"]
    assert "No group matches “zzqx”" in _block(view, ModalBlock.NOTICE)["elements"][0]["text"]


def test_a_ticket_is_stored_confirmed_and_on_the_support_card(
    cs: AppServer, names: list[GroupName]
) -> None:
    cs.slash_command("log ticket")
    view = _opened(cs)
    acme = _pick_group(cs, view, "acme fam", ACME)
    response = _submit(cs, view, {"group": acme, **TICKET})
    assert response.status_code == 200 and response.text == ""  # the modal closes
    [ticket] = _tickets(cs, _key(view))
    assert (ticket.group_id, ticket.source, ticket.created_by) == (_acme(names).id, "slack", USER)
    assert (ticket.subject, ticket.category, ticket.priority, ticket.status) == (
        TICKET["subject"],
        "billing",
        "urgent",
        "open",
    )
    assert ticket.opened_at == NOW and ticket.description == TICKET["description"]

    [confirm] = cs.fake.wait_for("chat.postEphemeral")
    assert (confirm.params["channel"], confirm.params["user"]) == (CHANNEL, USER)
    blocks = confirm.json_param("blocks")
    assert TICKET["subject"] in blocks[0]["text"]["text"]
    button, block_id = element(blocks, ActionId.OPEN_CARD.value)
    assert CardState.decode(button["value"]) == CardState(_acme(names).id, Panel.SUPPORT)

    done(cs)
    click(cs, {"ts": None, "blocks": blocks}, button, block_id, ephemeral=True)
    [post] = cs.fake.wait_for("chat.postMessage")
    card = json.dumps(post.json_param("blocks"), ensure_ascii=False)
    assert f"{ACME} · Support" in card and TICKET["subject"] in card


def test_a_retried_or_double_clicked_submission_stores_one_row(cs: AppServer) -> None:
    cs.slash_command("log ticket acme")
    view = _opened(cs)
    payload = submission(cs.samples, view, {**TICKET, "priority": "low"}, user=USER)
    assert cs.interaction(payload).status_code == 200
    codes: list[int] = []

    def again() -> None:
        codes.append(cs.interaction(payload).status_code)

    threads = [threading.Thread(target=again) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert codes == [200, 200]
    assert len(_tickets(cs, _key(view))) == 1
    done(cs)
    assert len(cs.fake.calls_to("chat.postEphemeral")) == 1  # one confirmation too


TICKET_ERRORS = [
    ({"group": "999999"}, "group", "pick one from the list"),
    ({"group": "abc"}, "group", "pick one from the list"),
    ({"subject": ""}, "subject", "subject"),
    ({"subject": "x" * 201}, "subject", "200 characters"),
    ({"opened_at": NOW + timedelta(days=1)}, "opened_at", "in the future"),
    (
        {"description": "Patient MRN: 00482913 cannot be billed"},
        "description",
        "leave patient data out of Slack",
    ),
    ({"subject": "Claim for DOB 03/14/1962 rejected"}, "subject", "leave patient data out"),
    ({"description": "SSN 123-45-6789 on the claim"}, "description", "patient data"),
]


@pytest.mark.parametrize(("answers", "block", "words"), TICKET_ERRORS)
def test_each_ticket_error_is_shown_on_its_field_and_nothing_is_stored(
    cs: AppServer, answers: dict[str, Any], block: str, words: str
) -> None:
    cs.slash_command("log ticket acme")
    view = _opened(cs)
    response = _submit(cs, view, {**TICKET, **answers})
    assert response.status_code == 200
    body = response.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == [block] and words in body["errors"][block]
    assert "00482913" not in body["errors"][block] and "1962" not in body["errors"][block]
    assert _tickets(cs, _key(view)) == []
    done(cs)
    assert cs.fake.calls_to("chat.postEphemeral") == []


MEETING = {
    "meeting_type": "qbr",
    "duration": "60",
    "notes": "Reviewed denials.",
    "next_steps": "Send the A/R report\n- Book refresher training",
}


@pytest.mark.parametrize(
    ("answers", "block", "words"),
    [
        ({"duration": "481"}, "duration", "at most 8 hours"),
        ({"steps_due": NOW.date() - timedelta(days=1)}, "steps_due", "has passed"),
        ({"notes": "born 14 March 1962, chart no. 884422"}, "notes", "patient data"),
    ],
)
def test_each_meeting_error_is_shown_on_its_field_and_nothing_is_stored(
    cs: AppServer, answers: dict[str, Any], block: str, words: str
) -> None:
    cs.slash_command("log meeting acme")
    view = _opened(cs)
    response = _submit(cs, view, {**MEETING, **answers})
    body = response.json()
    assert body == {"response_action": "errors", "errors": {block: body["errors"][block]}}
    assert words in body["errors"][block]
    assert _activities(cs, _key(view)) == []


def test_a_meeting_from_a_card_button_is_stored_with_its_action_items_and_reminded(
    cs: AppServer, names: list[GroupName]
) -> None:
    organiser = "U0000000042"
    cs.slash_command("support acme")
    cs.fake.wait_for("chat.postMessage")
    done(cs)
    message = cs.fake.messages(CHANNEL)[-1]
    button, block_id = element(message["blocks"], ActionId.LOG_MEETING.value)
    click(cs, message, button, block_id)
    view = _opened(cs)
    assert view["callback_id"] == "log_meeting"
    assert _block(view, ModalBlock.GROUP)["element"]["initial_option"]["text"]["text"] == ACME

    people = _options(
        cs,
        suggestion(
            cs.samples,
            view,
            block_id=ModalBlock.CONTACTS.value,
            action_id=ActionId.CONTACT_SELECT.value,
            value="",
        ),
    )
    assert people, "the group's contacts are offered"
    starts = NOW + timedelta(days=1, hours=1)  # Wednesday 15:00: scheduled
    answers = {
        **MEETING,
        "starts_at": starts,
        "attendees": ["U0000000002"],
        "contacts": people[:1],
        "steps_owner": organiser,
    }
    response = _submit(cs, view, answers, user=organiser)
    assert response.status_code == 200 and response.text == ""

    [meeting] = _activities(cs, _key(view))
    assert (meeting.kind, meeting.subtype, meeting.title) == ("meeting", "qbr", "QBR")
    assert (meeting.occurred_at, meeting.duration_minutes, meeting.organizer) == (
        starts,
        60,
        organiser,
    )
    contact = people[0]["text"]["text"].split(" · ")[0]
    assert meeting.attendees == ["<@U0000000002>", contact]
    with transaction(cs.runtime.services.sessions) as session:
        items = session.scalars(select(ActionItem).where(ActionItem.activity_id == meeting.id))
        assert sorted((i.text, i.owner, i.due) for i in items) == [
            ("Book refresher training", organiser, NOW.date() + timedelta(days=7)),
            ("Send the A/R report", organiser, NOW.date() + timedelta(days=7)),
        ]
    [confirm] = cs.fake.wait_for("chat.postEphemeral")
    blocks = confirm.json_param("blocks")
    assert "Scheduled a QBR" in blocks[0]["text"]["text"]
    done(cs)
    button, block_id = element(blocks, ActionId.OPEN_CARD.value)
    click(cs, {"ts": None, "blocks": blocks}, button, block_id, ephemeral=True)
    timeline = cs.fake.wait_for("chat.postMessage", 2)[-1]  # after the support card
    card = json.dumps(timeline.json_param("blocks"), ensure_ascii=False)
    assert f"{ACME} · Timeline" in card
    assert "*Coming up*" in card and "Meeting (qbr) · QBR · 60 min · 2 attendees" in card

    done(cs)
    _reminders_reach_the_organiser_once(cs, organiser)


def _reminders_reach_the_organiser_once(cs: AppServer, organiser: str) -> None:
    """Tuesday's run DMs the organiser of Wednesday's meeting; a refused DM is tried again."""
    dm_channel = "D" + organiser[1:]
    services = cs.runtime.services
    cs.fake.reset()
    cs.fake.fail("chat.postMessage", error="channel_not_found", times=1000)
    remind_upcoming_meetings(services, now=NOW)  # Slack refuses every DM: claims given back
    cs.fake.reset()
    remind_upcoming_meetings(services, now=NOW + timedelta(minutes=5))
    dms = [c for c in cs.fake.calls_to("chat.postMessage") if c.params["channel"] == dm_channel]
    assert len(dms) == 1 and "QBR" in dms[0].params["text"] and ACME in dms[0].params["text"]
    assert "<!date^" in dms[0].json_param("blocks")[0]["text"]["text"]
    meeting_reminders_job(services)  # the scheduled job, on the app's clock
    dms = [c for c in cs.fake.calls_to("chat.postMessage") if c.params["channel"] == dm_channel]
    assert len(dms) == 1  # reminded once


def test_the_message_shortcut_turns_a_message_into_a_cs_note(
    cs: AppServer, names: list[GroupName]
) -> None:
    payload = cs.samples.json("message_action.json")
    payload["callback_id"] = "log_cs_note"
    assert cs.interaction(payload).status_code == 200
    view = _opened(cs)
    assert view["callback_id"] == "log_note"
    note_input = _block(view, ModalBlock.NOTE)["element"]
    assert note_input["initial_value"] == "Call with <@U0000000002> went well"
    acme = _pick_group(cs, view, "acme", ACME)
    text = "Practice manager mentioned staffing changes"
    assert _submit(cs, view, {"group": acme, "note": text}).status_code == 200
    [note] = _activities(cs, _key(view))
    assert (note.kind, note.group_id, note.notes, note.organizer) == (
        "note",
        _acme(names).id,
        text,
        USER,
    )
    assert note.occurred_at.timestamp() == pytest.approx(1700000480.0003)
    [confirm] = cs.fake.wait_for("chat.postEphemeral")
    assert confirm.params["channel"] == CHANNEL
    button, _ = element(confirm.json_param("blocks"), ActionId.OPEN_CARD.value)
    assert CardState.decode(button["value"]).panel is Panel.TIMELINE


def test_without_access_to_the_channel_the_confirmation_comes_by_dm(cs: AppServer) -> None:
    cs.fake.fail("chat.postEphemeral", error="channel_not_found")
    cs.slash_command("log ticket acme")
    view = _opened(cs)
    assert _submit(cs, view, {**TICKET, "priority": "normal"}).status_code == 200
    [dm] = cs.fake.wait_for("chat.postMessage")
    assert dm.params["channel"] == "D0000000001"
    assert cs.fake.calls_to("conversations.open")[0].params["users"] == USER
