"""Logging from Slack with csbot started as the README says: `csbot demo`, then `csbot run --http`
with default settings (log level INFO), against the fake Slack. A ticket, a meeting and a
"Log as CS note" note each go the whole way: slash command or shortcut, `views.open`, a signed
`view_submission`, the row in the database, the confirmation in Slack.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from csbot.store.db import make_engine, session_factory, transaction
from csbot.store.models import Activity, PhysicianGroup, Ticket
from tests.e2e.cli_forms import ACME, USER, log_meeting, log_note, log_ticket
from tests.e2e.cli_run import csbot_run, run_csbot, user_env
from tests.e2e.fakeslack import FakeSlack

SUBJECT = "Claims export stops at 80% for the March batch"
MEETING_NOTES = "Reviewed denials with the practice manager."
NOTE = "Practice manager mentioned staffing changes in billing"


def test_a_ticket_a_meeting_and_a_note_are_stored_through_csbot_run(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'csbot.sqlite3'}"
    env = user_env(fake_slack, database_url, tmp_path)
    run_csbot(["demo", "--groups", "5", "--days", "60"], env)
    with csbot_run(env, fake_slack) as csbot:
        keys = (
            log_ticket(csbot, subject=SUBJECT),
            log_meeting(csbot, notes=MEETING_NOTES),
            log_note(csbot, text=NOTE),
        )
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
