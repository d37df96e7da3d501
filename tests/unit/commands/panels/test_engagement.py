"""The engagement panel: usage against the previous window, by week, features, next steps."""

from __future__ import annotations

from panel_fixtures import (
    AS_OF,
    acme,
    all_text,
    blocks,
    brand_new,
    chart_png,
    facts,
    score,
    section,
)
from syrupy.assertion import SnapshotAssertion

from csbot.commands.panels import engagement
from csbot.commands.panels.base import Panel


def test_headline_and_facts_compare_with_the_previous_window() -> None:
    data = acme()
    view = engagement.build(data, score(data))
    assert view.headline == (
        "*6.0 active users a day* · \u221240% vs previous 30 days · 50% of 12 seats"
    )
    got = facts(view)
    assert got["Active users a day"] == "6.0 (\u221240%)"
    assert got["Sessions"] == "300 (\u00b10%)"
    assert got["Seat use"] == "50% of 12 seats"
    assert got["Features used"] == "2 of 5"
    assert got["Days with usage"] == "30 of 30"


def test_insights_weeks_and_features() -> None:
    view = engagement.build(acme(), score(acme()))
    moved = section(view, "What moved")
    assert moved.startswith("• Active users a day down 40% against the previous 30 days")
    assert "6 of 12 seats idle" in moved
    weeks = section(view, "Activity by week").splitlines()
    assert weeks[0] == "• Week of 30 Mar: 6.0 users a day · 20 sessions · 80 documents"
    assert len(weeks) == 5
    features = section(view, "Feature adoption")
    assert "Used in the last 30 days: Charge capture, Document upload" in features
    assert "Not used lately: Denial analytics, Eligibility check, Forecasting" in features


def test_next_steps_come_from_the_playbook_and_the_metrics_without_repeats() -> None:
    view = engagement.build(acme(), score(acme()))
    assert view.actions == (
        "*Re-engage users*: Share the list of inactive seats with the practice manager",
        "Ask the practice manager what changed: active users fell 40%",
        "Demo Eligibility check to the team: a core feature nobody uses",
    )


def test_chart_is_daily_users_and_sessions_and_renders() -> None:
    view = engagement.build(acme(), score(acme()))
    assert view.chart is not None and view.chart.name == "active_users_sessions"
    kwargs = view.chart.kwargs
    assert len(kwargs["days"]) == 30 and kwargs["days"][-1] == AS_OF
    assert set(kwargs["active_users"]) == {6} and set(kwargs["sessions"]) == {10}
    assert "6.0 users a day on average" in view.chart.alt_text
    assert "300 sessions" in view.chart.alt_text
    chart_png(view)
    assert len(view.export_rows) == 30


def test_card_frames_and_matches_the_snapshot(snapshot: SnapshotAssertion) -> None:
    data = acme()
    out = blocks(Panel.ENGAGEMENT, engagement.build(data, score(data)), score(data))
    assert "Acme Family Practice · Engagement" in all_text(out)
    assert out == snapshot


def test_a_brand_new_group_gets_a_card_that_says_there_is_no_usage() -> None:
    data = brand_new()
    view = engagement.build(data, score(data))
    assert view.headline == "No usage recorded in the last 30 days"
    assert view.chart is None and view.facts == ()
    assert "No feature usage recorded." in all_text(blocks(Panel.ENGAGEMENT, view, score(data)))
    assert view.actions == (
        "Check that the group's users can sign in: no usage recorded in the window",
    )
