"""The success-plans panel: goals by plan with progress and pace, action items, what to chase."""

from __future__ import annotations

from panel_fixtures import acme, all_text, blocks, brand_new, chart_png, facts, score, section
from syrupy.assertion import SnapshotAssertion

from csbot.commands.panels import plans
from csbot.commands.panels.base import Panel


def test_headline_and_facts() -> None:
    view = plans.build(acme(), score(acme()))
    # billability 70 -> 76 of 85 is 40% of the way; first response 24 -> 10 h of 8 h is 88%
    assert view.headline == (
        "*Goals 64% of the way on average* · 1 goal behind · 1 action item overdue"
    )
    got = facts(view)
    assert got["On track"] == "1 of 2"
    assert (got["Open action items"], got["Done"], got["Overdue"]) == ("2", "1", "1")
    assert got["Next due"] == "10 Apr 2026"


def test_goals_under_their_plan_with_metric_pace_and_owner() -> None:
    view = plans.build(acme(), score(acme()))
    lines = section(view, "Initiatives and goals").splitlines()
    assert lines[0] == "_2026 growth plan_"
    assert lines[1] == (
        "• *Raise billability* (billable share): 76%, from 70% toward 85% · 40% of the way · "
        "*behind* · Ana Diaz · due 30 Jun 2026"
    )
    assert "10 h, from 24 h toward 8 h · 88% of the way · on track" in lines[2]
    assert section(view, "Overdue action items") == (
        "• Send the billability report · Cara Lin · *11 days overdue* · for Raise billability"
    )
    # owners stored as Slack ids: a contact's name when we know it, else the id, never a mention
    assert section(view, "Coming up") == (
        "• Book refresher training · a Slack user (U0AE42) · due 10 Apr"
    )
    assert view.actions == (
        "Review “Raise billability” with Ana Diaz: 40% of the way, behind pace",
        "Chase “Send the billability report” (Cara Lin, 11 days overdue)",
    )


def test_chart_is_goal_progress_bars_and_renders() -> None:
    view = plans.build(acme(), score(acme()))
    assert view.chart is not None and view.chart.name == "onboarding_progress"
    assert view.chart.kwargs["phases"] == ["Raise billability", "Faster first response"]
    assert [round(p) for p in view.chart.kwargs["percent_done"]] == [40, 88]
    assert view.chart.kwargs["axis_label"] == "Of the way from baseline to target"
    assert view.chart.alt_text.endswith("Raise billability 40%, Faster first response 88%")
    chart_png(view)


def test_card_frames_and_matches_the_snapshot(snapshot: SnapshotAssertion) -> None:
    out = blocks(Panel.PLANS, plans.build(acme(), score(acme())), score(acme()))
    assert "Acme Family Practice · Success plans" in all_text(out)
    assert out == snapshot


def test_a_group_without_a_plan_is_asked_for_one() -> None:
    data = brand_new()
    view = plans.build(data, score(data))
    assert view.headline == "No success plan on record"
    assert view.chart is None and view.facts == ()
    assert view.sections == (("Plans", "No success plan on record yet."),)
    assert view.actions == (
        "Draft a success plan with the practice manager: goals, owners and dates",
    )
    blocks(Panel.PLANS, view, score(data))
