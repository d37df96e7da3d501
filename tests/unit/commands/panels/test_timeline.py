"""The timeline panel: activity by kind, recent and booked events, milestones, no notes."""

from __future__ import annotations

from datetime import UTC, datetime

from panel_fixtures import (
    ACTIVITIES,
    acme,
    ago,
    all_text,
    blocks,
    brand_new,
    chart_png,
    facts,
    score,
    section,
)
from syrupy.assertion import SnapshotAssertion

from csbot.commands.panels import timeline
from csbot.commands.panels.base import Panel
from csbot.scoring.panel_inputs import ActivityEntry


def test_headline_and_activity_summary() -> None:
    view = timeline.build(acme(), score(acme()))
    assert view.headline == (
        "*4 activities in 30 days* · last CS touch 25 Mar (6 days ago) · "
        "next: Go-live readiness review on 9 Apr"
    )
    got = facts(view)
    assert (got["Meetings"], got["Calls"], got["Emails"], got["Notes"]) == ("1", "0", "1", "1")
    assert got["Meetings and calls"] == "1 (3 the 30 days before)"
    assert got["Time in meetings and calls"] == "0.5 h"
    assert got["Next booked"] == "9 Apr (in 9 days)"
    assert view.log_buttons


def test_recent_upcoming_and_milestones() -> None:
    view = timeline.build(acme(), score(acme()))
    assert section(view, "What moved").splitlines()[0] == (
        "• Meetings and calls down 67% against the previous 30 days (3→1)"
    )
    assert section(view, "Recent activity").splitlines()[:2] == [
        "• 29 Mar · Milestone · Training started",
        "• 25 Mar · Meeting (check-in) · Monthly check-in · 30 min · 2 attendees",
    ]
    assert section(view, "Coming up") == (
        "• 9 Apr · Meeting (go-live) · Go-live readiness review · 45 min · 2 attendees"
    )
    assert section(view, "Milestones").splitlines() == [
        "• 29 Mar 2026 · Training started",
        "• 15 Jan 2024 · Contract signed",
    ]
    assert view.actions == ("Book a renewal review before 15 May 2026",)


def test_titles_are_escaped_and_long_ones_cut() -> None:
    odd = ActivityEntry("call", "Call <@U123> & " + "very " * 40 + "long", ago(1))
    view = timeline.build(acme(activities=(*ACTIVITIES, odd)), score(acme()))
    first = section(view, "Recent activity").splitlines()[0]
    assert first.startswith("• 30 Mar · Call · Call &lt;@U123&gt; &amp; very")
    assert first.endswith("…") and len(first) < 120


def test_chart_shows_the_window_and_what_is_booked_and_renders() -> None:
    view = timeline.build(acme(), score(acme()))
    assert view.chart is not None and view.chart.name == "timeline"
    events = view.chart.kwargs["events"]
    assert [label for _, _, label in events] == [
        "Release notes", "Internal note", "Monthly check-in", "Training started",
        "Go-live readiness review",
    ]  # fmt: skip
    assert view.chart.kwargs["now"] == datetime(2026, 3, 31, 23, 59, tzinfo=UTC)
    assert view.chart.alt_text == (
        "Timeline of Acme Family Practice: 1 meeting, 1 email, 1 note, 1 milestone in the "
        "last 30 days, and 1 activity booked"
    )
    chart_png(view)


def test_card_frames_and_matches_the_snapshot(snapshot: SnapshotAssertion) -> None:
    out = blocks(Panel.TIMELINE, timeline.build(acme(), score(acme())), score(acme()))
    assert "Go-live readiness review" in all_text(out)
    assert out == snapshot


def test_a_brand_new_group_is_told_to_book_a_first_check_in() -> None:
    data = brand_new()
    view = timeline.build(data, score(data))
    assert view.headline == (
        "*No activity logged in the last 30 days* · last CS touch none on record"
    )
    assert view.chart is None
    assert view.actions == (
        "*Re-establish regular contact*: Schedule a check-in call this week",
        "Book the next check-in: nothing is on the calendar",
    )
    text = all_text(blocks(Panel.TIMELINE, view, score(data)))
    assert "Nothing logged in the last 30 days." in text


def test_a_chart_of_only_booked_events_says_nothing_happened_in_the_window() -> None:
    booked = (ActivityEntry("meeting", "Quarterly review", ago(-9)),)
    data = acme(activities=booked)
    view = timeline.build(data, score(data))
    assert view.chart is not None
    assert view.chart.alt_text == (
        "Timeline of Acme Family Practice: nothing in the last 30 days, and 1 activity booked"
    )
