"""load_panel_data's activities and contacts: the timeline's range, notes kept out, on both
stores."""

from __future__ import annotations

from datetime import date, timedelta

from recompute_seed import AS_OF, at, group
from sqlalchemy.orm import Session, sessionmaker

from csbot.scoring.config import default_config
from csbot.scoring.panel_inputs import ActivityEntry, ContactEntry
from csbot.store.models import Activity, Contact
from csbot.store.panel_data import load_panel_data


def _activity(group_id: int, day: date, kind: str, title: str, **extra: object) -> Activity:
    return Activity(group_id=group_id, kind=kind, title=title, occurred_at=at(day), **extra)


def _seed(session: Session) -> tuple[int, int]:
    mine, other = group("Alpha Clinic"), group("Beta Clinic")
    session.add_all([mine, other])
    session.flush()
    gid = mine.id
    session.add_all(
        [
            _activity(gid, date(2024, 6, 1), "milestone", "Went live"),  # long ago, kept
            _activity(gid, date(2025, 12, 1), "meeting", "Too old"),  # before the previous window
            _activity(gid, date(2026, 2, 10), "call", "Previous window call"),
            _activity(gid, AS_OF - timedelta(days=3), "meeting", "Monthly check-in",
                      subtype="check-in", duration_minutes=30, organizer="U012AB3CD",
                      attendees=["Ana Diaz", "Ben Okafor"], notes="Talked about the backlog."),
            _activity(gid, AS_OF + timedelta(days=20), "meeting", "Quarterly business review"),
            _activity(gid, AS_OF + timedelta(days=45), "meeting", "Beyond the lookahead"),
            _activity(other.id, AS_OF, "call", "Another group's call"),
            Contact(group_id=gid, name="Ben Okafor", role="Physician Lead"),
            Contact(group_id=gid, name="Ana Diaz", role="Practice Manager", primary=True,
                    email="ana.diaz@alpha.example.com", phone="(415) 555-0101"),
            Contact(group_id=gid, name="Cara Lin", role="Customer Success Manager", internal=True,
                    slack_user_id="U012AB3CD", primary=True),
            Contact(group_id=other.id, name="Dan Wu", role="Practice Manager"),
        ]
    )  # fmt: skip
    return gid, other.id


def test_activities_cover_both_windows_and_the_lookahead_without_notes(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        gid, _ = _seed(session)
    with sessions() as session:
        data = load_panel_data(
            session, group_id=gid, window_days=30, as_of=AS_OF, rules=default_config().factors
        )
    assert [a.title for a in data.activities] == [
        "Went live",
        "Previous window call",
        "Monthly check-in",
        "Quarterly business review",
    ]
    check_in = data.activities[2]
    assert check_in == ActivityEntry(
        kind="meeting",
        title="Monthly check-in",
        occurred_at=check_in.occurred_at,
        subtype="check-in",
        duration_minutes=30,
        organizer="U012AB3CD",
        attendees=("Ana Diaz", "Ben Okafor"),
        has_notes=True,
    )
    assert check_in.occurred_at.date() == AS_OF - timedelta(days=3)
    assert not any(a.has_notes for a in data.activities if a is not check_in)


def test_contacts_are_the_groups_people_then_the_team_primary_first(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        gid, other = _seed(session)
    with sessions() as session:
        data = load_panel_data(
            session, group_id=gid, window_days=30, as_of=AS_OF, rules=default_config().factors
        )
        empty = load_panel_data(
            session, group_id=other, window_days=7, as_of=AS_OF, rules=default_config().factors
        )
    assert [(c.name, c.internal, c.primary) for c in data.contacts] == [
        ("Ana Diaz", False, True),
        ("Ben Okafor", False, False),
        ("Cara Lin", True, True),
    ]
    assert data.contacts[0] == ContactEntry(
        "Ana Diaz", "Practice Manager", False, "ana.diaz@alpha.example.com", "(415) 555-0101",
        None, True,
    )  # fmt: skip
    assert [c.name for c in empty.contacts] == ["Dan Wu"]
    assert [a.title for a in empty.activities] == ["Another group's call"]
