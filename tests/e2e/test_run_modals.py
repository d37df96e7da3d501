"""Logging from Slack with csbot started as the README says: `csbot demo`, then `csbot run --http`
with default settings (log level INFO), against the fake Slack. A ticket, a meeting and a
"Log as CS note" note each go the whole way: slash command or shortcut, `views.open`, a signed
`view_submission`, the row in the database, the confirmation in Slack.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from csbot.commands.ids import ActionId, ModalBlock
from csbot.commands.modals.views import ModalMeta
from csbot.store.db import make_engine, session_factory, transaction
from csbot.store.models import Activity, PhysicianGroup, Ticket
from tests.e2e.cli_run import RunningCsbot, csbot_run, run_csbot, user_env
from tests.e2e.fakeslack import FakeSlack
from tests.e2e.slackviews import submission, suggestion

ACME = "Acme Family Medicine"
USER = "U0000000001"  # the samples' user
SUBJECT = "Claims export stops at 80% for the March batch"
MEETING_NOTES = "Reviewed denials with the practice manager."
NOTE = "Practice manager mentioned staffing changes in billing"


def _opened(csbot: RunningCsbot, count: int) -> dict[str, Any]:
    """The view the app opened with its `count`-th views.open, as the fake Slack stored it."""
    csbot.fake.wait_for("views.open", count, timeout=30)
    return list(csbot.fake.state.views.values())[count - 1]


def _submit(csbot: RunningCsbot, view: dict[str, Any], answers: dict[str, Any]) -> str:
    """Submit the modal as Slack would; its submission key. The modal must close (empty 200)."""
    response = csbot.interaction(submission(csbot.samples, view, answers, user=USER))
    assert (response.status_code, response.text) == (200, ""), response.text
    return ModalMeta.decode(view["private_metadata"]).key


def _confirmation(csbot: RunningCsbot, count: int) -> str:
    """The text of the `count`-th private confirmation, after checking who got it where."""
    call = csbot.fake.wait_for("chat.postEphemeral", count, timeout=30)[count - 1]
    assert (call.params["channel"], call.params["user"]) == ("C0000000001", USER)
    return str(call.json_param("blocks")[0]["text"]["text"])


def _log_ticket(csbot: RunningCsbot) -> str:
    assert csbot.slash_command(f"log ticket {ACME}").status_code == 200
    view = _opened(csbot, 1)
    answers = {"subject": SUBJECT, "category": "billing", "priority": "urgent"}
    key = _submit(csbot, view, answers)
    assert SUBJECT in _confirmation(csbot, 1)
    return key


def _log_meeting(csbot: RunningCsbot) -> str:
    assert csbot.slash_command(f"log meeting {ACME}").status_code == 200
    view = _opened(csbot, 2)
    key = _submit(csbot, view, {"meeting_type": "qbr", "duration": "45", "notes": MEETING_NOTES})
    assert "QBR" in _confirmation(csbot, 2)
    return key


def _log_note(csbot: RunningCsbot) -> str:
    payload = csbot.samples.json("message_action.json")
    payload["callback_id"] = "log_cs_note"
    payload["message"].update(text=NOTE, blocks=[])
    assert csbot.interaction(payload).status_code == 200
    view = _opened(csbot, 3)
    typed = suggestion(
        csbot.samples,
        view,
        block_id=ModalBlock.GROUP.value,
        action_id=ActionId.GROUP_SELECT.value,
        value="acme",
    )
    options = csbot.interaction(typed).json()["options"]
    acme = next(o for o in options if o["text"]["text"] == ACME)
    key = _submit(csbot, view, {"group": acme})
    assert ACME in _confirmation(csbot, 3)
    return key


def test_a_ticket_a_meeting_and_a_note_are_stored_through_csbot_run(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'csbot.sqlite3'}"
    env = user_env(fake_slack, database_url, tmp_path)
    run_csbot(["demo", "--groups", "5", "--days", "60"], env)
    with csbot_run(env, fake_slack) as csbot:
        keys = _log_ticket(csbot), _log_meeting(csbot), _log_note(csbot)
        log_text = csbot.log_text()
    assert "went wrong" not in log_text and "Traceback" not in log_text, log_text
    engine = make_engine(database_url)
    try:
        with transaction(session_factory(engine)) as session:
            acme = session.scalars(select(PhysicianGroup.id).where(PhysicianGroup.name == ACME))
            group_id = acme.one()
            ticket = session.scalars(select(Ticket).where(Ticket.submission_key == keys[0])).one()
            activities = session.scalars(
                select(Activity).where(Activity.submission_key.in_(keys[1:]))
            ).all()
            found = {a.kind: (a.group_id, a.notes, a.organizer) for a in activities}
    finally:
        engine.dispose()
    assert (ticket.group_id, ticket.subject, ticket.priority, ticket.created_by) == (
        group_id,
        SUBJECT,
        "urgent",
        USER,
    )
    assert found == {
        "meeting": (group_id, MEETING_NOTES, USER),
        "note": (group_id, NOTE, USER),
    }
