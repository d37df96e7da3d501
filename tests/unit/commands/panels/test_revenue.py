"""The revenue panel: totals and run rates, by service and month, opportunities, next steps."""

from __future__ import annotations

from datetime import date

from panel_fixtures import acme, all_text, blocks, brand_new, chart_png, facts, score, section
from syrupy.assertion import SnapshotAssertion

from csbot.commands.panels import revenue
from csbot.commands.panels.base import Panel


def test_headline_and_facts_in_dollars() -> None:
    view = revenue.build(acme(), score(acme()))
    # March's $8,000 over 30 of its 31 days; MRR is that per month, ARR twelve months of it
    assert view.headline == (
        "*$7,742 revenue in 30 days* · MRR \u22121% vs previous 30 days · ARR run rate $96,000"
    )
    got = facts(view)
    assert got["MRR"] == "$8,000 (\u22121%)"
    assert got["Contract ARR"] == "$120,000"
    assert got["Target attainment"] == "80%"
    assert got["Six-month trend"] == "shrinking"
    assert got["Largest service"] == "Billing (75%)"


def test_sections_break_revenue_down_and_name_opportunities() -> None:
    view = revenue.build(acme(), score(acme()))
    assert section(view, "By service type") == "• Billing: $5,806 (75%)\n• Coding: $1,935 (25%)"
    months = section(view, "By month").splitlines()
    assert months[:3] == ["• Mar 2026: $8,000", "• Feb 2026: $8,000", "• Jan 2026: $10,000"]
    assert months[-1] == "_…and 6 more_"
    chances = section(view, "Growth opportunities")
    assert "6 of 12 seats unused on an average day" in chances
    assert "Denial analytics" in chances
    assert "shrinking over the last six months" in section(view, "What moved")
    assert view.actions == (
        "Review billing gaps with the billing lead: revenue is at 80% of target",
        "Walk through the monthly revenue trend at the next check-in",
    )


def test_chart_stacks_twelve_months_by_service_and_renders() -> None:
    view = revenue.build(acme(), score(acme()))
    assert view.chart is not None and view.chart.name == "revenue_by_month"
    kwargs = view.chart.kwargs
    assert kwargs["months"][0] == date(2025, 4, 1) and len(kwargs["months"]) == 12
    assert kwargs["by_service"]["Billing"][-3:] == [8000.0, 6000.0, 6000.0]
    assert kwargs["by_service"]["Coding"] == [2000.0] * 12
    assert "from $10,000 in Apr 2025 to $8,000 in Mar 2026" in view.chart.alt_text
    chart_png(view)


def test_card_frames_and_matches_the_snapshot(snapshot: SnapshotAssertion) -> None:
    out = blocks(Panel.REVENUE, revenue.build(acme(), score(acme())), score(acme()))
    assert "*Target attainment*\n80%" in all_text(out)
    assert out == snapshot


def test_a_brand_new_group_has_no_revenue_yet() -> None:
    data = brand_new()
    view = revenue.build(data, score(data))
    assert view.headline == "No revenue booked in the last 30 days"
    assert facts(view)["Contract ARR"] == "$30,000"
    assert facts(view)["Six-month trend"] == "no history"
    assert view.chart is None
    assert "No revenue booked in this window." in all_text(blocks(Panel.REVENUE, view, score(data)))
    assert view.actions == (
        "Check that billing data reaches csbot: no revenue booked in the window",
    )
