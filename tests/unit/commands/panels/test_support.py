"""The support panel: ticket counts and times, open tickets, surveys, escalation, Log buttons."""

from __future__ import annotations

from datetime import date

from panel_fixtures import acme, all_text, blocks, brand_new, chart_png, facts, score, section
from syrupy.assertion import SnapshotAssertion

from csbot.commands.panels import support
from csbot.commands.panels.base import Panel


def test_headline_and_facts() -> None:
    view = support.build(acme(), score(acme()))
    assert view.headline == (
        "*2 open tickets* (1 high priority) · 4 tickets opened in 30 days · "
        "first response 4 h median"
    )
    got = facts(view)
    assert got["Open now"] == "2 (1 high priority)"
    # answered after 2, 4 and 30 hours; resolved after 48 and 24 hours
    assert got["First response"] == "4 h median · p90 25 h"
    assert got["Resolution"] == "36 h median · p90 46 h"
    assert got["NPS"] == "0 (2 responses)"
    assert got["CSAT"] == "3.5/5 (2 responses)"
    assert view.log_buttons


def test_open_tickets_most_urgent_first_with_subjects_escaped() -> None:
    view = support.build(acme(), score(acme()))
    assert section(view, "Open tickets").splitlines() == [
        "• *High* · Claims stuck in queue · billing · open, 6 days old",
        "• *Low* · Export to CSV &lt;broken&gt; · technical · in progress, 11 days old",
    ]
    breakdown = section(view, "Breakdown")
    assert "Opened by priority: high 1 · normal 2 · low 1" in breakdown
    assert "Opened by category: technical 2 · billing 1 · training 1" in breakdown
    assert "1 promoter and 1 detractor of 2 responses" in section(view, "Satisfaction")


def test_next_steps_name_the_ticket_to_escalate() -> None:
    view = support.build(acme(), score(acme()))
    assert view.actions == (
        "Escalate “Claims stuck in queue” (high, open 6 days) to the support lead today",
        "*Close the loop with the detractor*: Call the respondent within 48 hours to hear "
        "the issue",
        "Ask support why one in ten first responses takes over 25 h",
    )


def test_chart_stacks_weeks_by_category_and_renders() -> None:
    view = support.build(acme(), score(acme()))
    assert view.chart is not None and view.chart.name == "tickets_by_week"
    kwargs = view.chart.kwargs
    assert kwargs["weeks"] == [date(2026, 3, d) for d in (2, 9, 16, 23, 30)]
    assert kwargs["by_category"] == {
        "Technical": [0.0, 1.0, 1.0, 0.0, 0.0],
        "Billing": [0.0, 0.0, 0.0, 1.0, 0.0],
        "Training": [1.0, 0.0, 0.0, 0.0, 0.0],
    }
    assert "4 in all, most of them technical (2); 2 open now" in view.chart.alt_text
    chart_png(view)


def test_card_frames_and_matches_the_snapshot(snapshot: SnapshotAssertion) -> None:
    out = blocks(Panel.SUPPORT, support.build(acme(), score(acme())), score(acme()))
    assert "Export to CSV &lt;broken&gt;" in all_text(out)
    assert out == snapshot


def test_a_brand_new_group_has_no_tickets_yet() -> None:
    data = brand_new()
    view = support.build(data, score(data))
    assert view.headline == "No tickets in the last 30 days"
    assert view.chart is None
    assert facts(view)["Open now"] == "0"
    text = all_text(blocks(Panel.SUPPORT, view, score(data)))
    assert "No open tickets." in text and "No survey responses" in text
