"""Entries logged from Slack, on SQLite and PostgreSQL: stored once per submission key (retries,
double clicks, two at the same moment), all of a meeting or none of it, and reminder claims."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from csbot.store.entries import (
    NewActionItem,
    NewActivity,
    NewTicket,
    claim_reminder,
    contact_names,
    find_group,
    group_for_channel,
    release_reminder,
    store_activity,
    store_ticket,
    upcoming_meetings,
)
from csbot.store.models import ActionItem, Activity, Contact, PhysicianGroup, Ticket

NOW = datetime(2026, 3, 31, 14, 0, tzinfo=UTC)


def _group(session: Session, name: str, channel: str | None = None) -> int:
    group = PhysicianGroup(
        name=name,
        slug=name.lower().replace(" ", "-"),
        aliases=[],
        specialty="Family Medicine",
        region="West",
        plan="growth",
        seats=10,
        contract_start=date(2025, 1, 1),
        renewal_date=date(2026, 12, 31),
        arr=100000,
        alert_channel=channel,
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    session.add(group)
    session.flush()
    return group.id


@pytest.fixture
def gid(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        return _group(session, "Acme Family Medicine", channel="C-ACME")


def _ticket(gid: int, key: str = "key-ticket-1") -> NewTicket:
    return NewTicket(
        group_id=gid,
        subject="Claims export fails",
        category="billing",
        priority="urgent",
        status="open",
        opened_at=NOW - timedelta(hours=2),
        created_by="U1",
        submission_key=key,
    )


def _meeting(gid: int, key: str = "key-meeting-1", **changes: object) -> NewActivity:
    fields: dict[str, object] = dict(
        group_id=gid,
        kind="meeting",
        title="QBR",
        subtype="qbr",
        occurred_at=NOW + timedelta(days=1),
        organizer="U1",
        submission_key=key,
        duration_minutes=60,
        attendees=("<@U2>", "Dana Lee"),
        notes="Went well",
        action_items=(
            NewActionItem("Send the A/R report", "U2", date(2026, 4, 7)),
            NewActionItem("Book training", "U2", date(2026, 4, 7)),
        ),
    )
    fields.update(changes)
    return NewActivity(**fields)  # type: ignore[arg-type]


def _count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_ticket_is_stored_once_per_submission_key(
    sessions: sessionmaker[Session], gid: int
) -> None:
    with sessions.begin() as session:
        first = store_ticket(session, submission=_ticket(gid))
    with sessions.begin() as session:
        again = store_ticket(session, submission=_ticket(gid))
    assert first.created and not again.created and again.id == first.id
    with sessions() as session:
        row = session.get_one(Ticket, first.id)
        assert (row.source, row.created_by, row.priority) == ("slack", "U1", "urgent")
        assert row.opened_at == NOW - timedelta(hours=2)
    assert _count(sessions, Ticket) == 1


def test_a_meeting_and_its_action_items_are_stored_once(
    sessions: sessionmaker[Session], gid: int
) -> None:
    for _ in range(3):
        with sessions.begin() as session:
            stored = store_activity(session, submission=_meeting(gid))
    assert not stored.created
    assert (_count(sessions, Activity), _count(sessions, ActionItem)) == (1, 2)
    with sessions() as session:
        meeting = session.get_one(Activity, stored.id)
        assert meeting.attendees == ["<@U2>", "Dana Lee"] and meeting.source == "slack"
        items = session.scalars(select(ActionItem).order_by(ActionItem.id)).all()
        assert [(i.text, i.owner, i.due, i.activity_id) for i in items] == [
            ("Send the A/R report", "U2", date(2026, 4, 7), stored.id),
            ("Book training", "U2", date(2026, 4, 7), stored.id),
        ]


def test_a_meeting_whose_action_item_fails_is_not_stored_at_all(
    sessions: sessionmaker[Session], gid: int
) -> None:
    bad = _meeting(gid, action_items=(NewActionItem(None, "U2", None),))  # type: ignore[arg-type]
    with pytest.raises(IntegrityError), sessions.begin() as session:
        store_activity(session, submission=bad)
    assert (_count(sessions, Activity), _count(sessions, ActionItem)) == (0, 0)


def test_two_submissions_at_the_same_moment_store_one_row(
    sessions: sessionmaker[Session], gid: int
) -> None:
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def submit() -> None:
        barrier.wait()
        with sessions.begin() as session:
            results.append(store_activity(session, submission=_meeting(gid, key="same")).created)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [False, True]
    assert (_count(sessions, Activity), _count(sessions, ActionItem)) == (1, 2)


def test_group_look_ups(sessions: sessionmaker[Session], gid: int) -> None:
    with sessions.begin() as session:
        other = _group(session, "Lakeside Cardiology", channel="C-SHARED")
        _group(session, "Lakeside Pediatrics", channel="C-SHARED")
        session.add_all(
            [
                Contact(group_id=gid, name="Dana Lee", role="Practice manager", primary=True),
                Contact(group_id=gid, name="Sam Ortiz", role="Billing lead"),
                Contact(group_id=gid, name="Our CSM", role="CSM", internal=True),
                Contact(group_id=other, name="Dana Fox", role="Champion"),
            ]
        )
    with sessions() as session:
        group = find_group(session, group_id=gid)
        assert group is not None and group.name == "Acme Family Medicine"
        assert find_group(session, group_id=999_999) is None
        assert group_for_channel(session, channel="C-ACME") == group
        assert group_for_channel(session, channel="C-SHARED") is None  # two groups share it
        assert [n for _, n, _ in contact_names(session, group_id=gid)] == ["Dana Lee", "Sam Ortiz"]
        assert [n for _, n, _ in contact_names(session, group_id=gid, query="sam")] == ["Sam Ortiz"]


def test_reminders_are_claimed_once_and_can_be_given_back(
    sessions: sessionmaker[Session], gid: int
) -> None:
    with sessions.begin() as session:
        soon = store_activity(session, submission=_meeting(gid, key="soon")).id
        store_activity(
            session, submission=_meeting(gid, key="later", occurred_at=NOW + timedelta(days=9))
        )
        store_activity(session, submission=_meeting(gid, key="note", kind="note"))
    window = {"start": NOW + timedelta(hours=10), "end": NOW + timedelta(days=2)}
    with sessions() as session:
        [due] = upcoming_meetings(session, **window)
    assert (due.id, due.group_name, due.organizer) == (soon, "Acme Family Medicine", "U1")
    with sessions.begin() as session:
        assert claim_reminder(session, activity_id=soon, at=NOW)
    with sessions.begin() as session:
        assert not claim_reminder(session, activity_id=soon, at=NOW)
    with sessions() as session:
        assert upcoming_meetings(session, **window) == []
    with sessions.begin() as session:
        release_reminder(session, activity_id=soon)
    with sessions() as session:
        assert [m.id for m in upcoming_meetings(session, **window)] == [soon]
