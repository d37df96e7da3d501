"""Timeline and contacts metrics on a hand-built group, against numbers worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from scoring_builders import AS_OF, steady

from csbot.scoring.config import default_config
from csbot.scoring.panel_inputs import ActivityEntry, ContactEntry, PanelData
from csbot.scoring.panels._common import Change, Count
from csbot.scoring.panels.contacts import contact_metrics
from csbot.scoring.panels.timeline import count_text, events_of, timeline_metrics


def ago(days: int, hour: int = 15) -> datetime:
    day = AS_OF - timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


RULES = default_config().factors
ACTIVITIES = (
    ActivityEntry("milestone", "Contract signed", ago(800)),
    ActivityEntry("meeting", "Quarterly business review", ago(50), "qbr", 60),  # previous window
    ActivityEntry("call", "Billing follow-up", ago(40), "follow-up", 20),
    ActivityEntry("call", "Claims question", ago(35), "follow-up", 15),
    ActivityEntry("email", "Release notes", ago(12), attendees=("Ana Diaz",)),
    ActivityEntry("note", "Internal note", ago(9), has_notes=True),
    ActivityEntry(
        "meeting", "Monthly check-in", ago(6), "check-in", 30, "U0CSM", ("Cara Lin", "ana  DIAZ")
    ),
    ActivityEntry("milestone", "Went live", ago(2)),
    ActivityEntry(
        "meeting",
        "Quarterly business review",
        ago(-9),
        "qbr",
        60,
        "U0CSM",
        ("Cara Lin", "Ben Okafor"),
    ),
    ActivityEntry("meeting", "Far away", ago(-45)),  # beyond the lookahead
)
CONTACTS = (
    ContactEntry("Ana Diaz", "Practice Manager", email="ana@alpha.example.com", primary=True),
    ContactEntry("Ben Okafor", "Physician Lead", phone="(415) 555-0101"),
    ContactEntry("Dee Park", "Billing Lead"),
    ContactEntry(
        "Cara Lin", "Customer Success Manager", internal=True, slack_user_id="U0CSM", primary=True
    ),
    ContactEntry("Eli Moss", "Support Engineer", internal=True),
)


def data(**changes: object) -> PanelData:
    inputs = steady(last_touch=None)
    values: dict[str, object] = {
        "profile": inputs.profile,
        "window": inputs.window,
        "inputs": inputs,
        "activities": ACTIVITIES,
        "contacts": CONTACTS,
    }
    values.update(changes)
    return PanelData(**values)  # type: ignore[arg-type]


def test_timeline_counts_the_window_by_kind_and_compares_touches() -> None:
    m = timeline_metrics(data(), RULES)
    assert m.by_kind == (
        Count("meeting", 1),
        Count("email", 1),
        Count("note", 1),
        Count("milestone", 1),
    )
    assert m.total == 4
    assert count_text(m.by_kind) == "1 meeting, 1 email, 1 note, 1 milestone"
    # meetings and calls: 1 in the window, 3 in the previous 30 days
    assert m.touches == Change(1.0, 3.0)
    assert m.touch_minutes == 30
    assert (m.last_touch, m.days_since_touch) == (AS_OF - timedelta(days=6), 6)


def test_timeline_lists_recent_upcoming_and_every_milestone() -> None:
    m = timeline_metrics(data(), RULES, recent=2)
    assert [e.title for e in m.recent] == ["Went live", "Monthly check-in"]
    assert [(e.title, e.upcoming) for e in m.upcoming] == [("Quarterly business review", True)]
    assert [e.title for e in m.milestones] == ["Contract signed", "Went live"]
    assert [e.title for e in m.events] == [
        "Release notes", "Internal note", "Monthly check-in", "Went live",
        "Quarterly business review",
    ]  # fmt: skip
    assert m.insights == (
        "Meetings and calls down 67% against the previous 30 days (3\u21921)",
        "Next: Quarterly business review on 9 Apr",
    )


def test_timeline_takes_the_later_of_the_scoring_last_touch_and_its_rows() -> None:
    later = steady(last_touch=AS_OF - timedelta(days=1))
    assert timeline_metrics(data(inputs=later), RULES).days_since_touch == 1
    earlier = steady(last_touch=AS_OF - timedelta(days=90))
    assert timeline_metrics(data(inputs=earlier), RULES).days_since_touch == 6


def test_timeline_of_a_quiet_group_says_so() -> None:
    old = (ActivityEntry("call", "Last call", ago(45)),)
    m = timeline_metrics(
        data(activities=old, inputs=steady(last_touch=AS_OF - timedelta(45))), RULES
    )
    assert m.total == 0 and m.recent == () and m.upcoming == ()
    assert m.insights == (
        "Meetings and calls down 100% against the previous 30 days (1\u21920)",
        "No meeting or call for 45 days",
        "Nothing booked in the coming weeks",
    )
    empty = timeline_metrics(data(activities=()), RULES)
    assert empty.insights == ("No meeting or call on record", "Nothing booked in the coming weeks")
    assert empty.days_since_touch is None and empty.by_kind == ()


def test_contacts_split_people_and_team_and_match_attendees_by_name() -> None:
    m = contact_metrics(data())
    assert [p.name for p in m.people] == ["Ana Diaz", "Ben Okafor", "Dee Park"]
    assert [p.name for p in m.team] == ["Cara Lin", "Eli Moss"]
    assert m.primary is not None and m.primary.name == "Ana Diaz"
    assert m.csm is not None and m.csm.slack_user_id == "U0CSM"
    ana, ben, dee = m.people
    assert (ana.last_contact, ana.contacts_in_window) == (AS_OF - timedelta(days=6), 2)
    assert (ben.last_contact, ben.next_meeting) == (None, AS_OF + timedelta(days=9))
    assert m.team[0].contacts_in_window == 1  # organised the check-in
    assert [p.name for p in m.not_reached] == ["Ben Okafor", "Dee Park"]
    assert dee.next_meeting is None


def test_contacts_recent_communications_and_what_is_booked() -> None:
    m = contact_metrics(data())
    assert [e.title for e in m.recent] == ["Monthly check-in", "Release notes"]
    assert [e.title for e in m.upcoming] == ["Quarterly business review"]
    assert m.insights == ("2 of 3 people at the group not reached in the last 30 days",)


def test_contacts_insights_name_what_is_missing() -> None:
    assert contact_metrics(data(contacts=(), activities=())).insights == ("No contacts on record",)
    unnamed = tuple(replace(c, primary=False) for c in CONTACTS if not c.internal)
    m = contact_metrics(data(contacts=unnamed, activities=()))
    assert m.insights == (
        "No primary contact named at the group",
        "3 of 3 people at the group not reached in the last 30 days",
        "No one on our side is assigned to this group",
        "No meeting booked",
    )


def test_contacts_one_person_not_reached_is_one_person() -> None:
    alone = (ContactEntry("Dee Park", "Billing Lead", primary=True), CONTACTS[3])
    m = contact_metrics(data(contacts=alone))
    assert m.insights == ("1 of 1 person at the group not reached in the last 30 days",)


def test_contacts_are_ordered_by_name_a_word_at_a_time() -> None:
    names = ("Benjamin Fox", "Ben Okafor", "ben  Adams")
    m = contact_metrics(data(contacts=tuple(ContactEntry(n, "Staff") for n in names)))
    assert [p.name for p in m.people] == ["ben  Adams", "Ben Okafor", "Benjamin Fox"]


def test_contacts_a_booked_email_is_no_meeting() -> None:
    booked = (ActivityEntry("email", "Renewal quote", ago(-3), attendees=("Ana Diaz",)),)
    m = contact_metrics(data(activities=booked))
    assert m.upcoming == ()
    assert m.people[0].name == "Ana Diaz" and m.people[0].next_meeting is None
    assert m.insights[-1] == "No meeting booked"


def test_contacts_look_ahead_and_list_recent_as_far_as_asked() -> None:
    # "Far away" is 45 days ahead: beyond the default 30-day lookahead, within 60.
    assert [e.title for e in contact_metrics(data()).upcoming] == ["Quarterly business review"]
    wide = contact_metrics(data(), lookahead_days=60)
    assert [e.title for e in wide.upcoming] == ["Quarterly business review", "Far away"]
    edge = (ActivityEntry("call", "Edge", ago(-30)), ActivityEntry("call", "Past it", ago(-31)))
    assert [e.title for e in contact_metrics(data(activities=edge)).upcoming] == ["Edge"]
    calls = tuple(ActivityEntry("call", f"Call {d}", ago(d)) for d in range(1, 8))
    recent = contact_metrics(data(activities=calls)).recent
    assert [e.title for e in recent] == ["Call 1", "Call 2", "Call 3", "Call 4", "Call 5"]


def test_timeline_looks_ahead_30_days_unless_asked_and_lists_eight_recent() -> None:
    ahead = tuple(ActivityEntry("meeting", f"In {d}", ago(-d)) for d in (30, 31, 45))
    assert [e.title for e in timeline_metrics(data(activities=ahead), RULES).upcoming] == ["In 30"]
    wide = timeline_metrics(data(activities=ahead), RULES, lookahead_days=45)
    assert [e.title for e in wide.upcoming] == ["In 30", "In 31", "In 45"]
    notes = tuple(ActivityEntry("note", f"Note {d}", ago(d)) for d in range(1, 11))
    recent = timeline_metrics(data(activities=notes), RULES).recent
    assert [e.title for e in recent] == [f"Note {d}" for d in range(1, 9)]


def test_timeline_counts_calls_without_a_length_as_no_minutes() -> None:
    calls = (
        ActivityEntry("call", "Quick call", ago(3)),
        ActivityEntry("call", "Review", ago(2), duration_minutes=25),
    )
    assert timeline_metrics(data(activities=calls), RULES).touch_minutes == 25


def test_timeline_says_when_the_last_touch_is_as_old_as_the_rule() -> None:
    rule = RULES.no_cs_touch_days
    touched = (ActivityEntry("call", "Last call", ago(rule)),)
    m = timeline_metrics(data(activities=touched, inputs=steady(last_touch=None)), RULES)
    assert m.days_since_touch == rule
    assert f"No meeting or call for {rule} days" in m.insights


def test_an_event_today_is_past_and_keeps_its_organizer() -> None:
    today = (ActivityEntry("meeting", "Today", ago(0), organizer="U0CSM"),)
    (event,) = events_of(data(activities=today))
    assert (event.upcoming, event.organizer) == (False, "U0CSM")
    ahead = tuple(ActivityEntry("call", f"In {d}", ago(-d)) for d in (30, 31))
    assert [e.title for e in events_of(data(activities=ahead))] == ["In 30"]
