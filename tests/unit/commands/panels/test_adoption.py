"""The adoption panel: core and advanced uptake, the journey, recommendations and impact."""

from __future__ import annotations

from panel_fixtures import acme, all_text, blocks, brand_new, chart_png, facts, score, section
from syrupy.assertion import SnapshotAssertion

from csbot.commands.panels import adoption
from csbot.commands.panels.base import Panel


def test_headline_and_facts_split_core_and_advanced() -> None:
    view = adoption.build(acme(), score(acme()))
    assert view.headline == "*60% of features adopted* · core 2 of 3 · advanced 1 of 2"
    got = facts(view)
    assert got["Adopted"] == "3 of 5 (60%)"
    assert got["Core"] == "2 of 3 (67%)"
    assert got["Used in the last 30 days"] == "2"
    assert got["Milestones"] == "3 of 6 reached"
    assert got["Next milestone"] == "Went live"
    assert got["Most used"] == "Charge capture (900)"


def test_features_journey_and_recommendations() -> None:
    view = adoption.build(acme(), score(acme()))
    tiers = section(view, "Core and advanced features").splitlines()
    assert tiers[0].startswith("*Core*: Charge capture (900 uses) · Document upload (400 uses)")
    assert tiers[1].endswith("Forecasting (not used since 1 Dec 2025)")
    journey = section(view, "Adoption journey").splitlines()
    assert journey[:2] == ["✓ Contract signed · 15 Jan 2024", "○ Went live · planned 20 Apr 2026"]
    assert section(view, "Recommended next features").splitlines()[0] == (
        "• Eligibility check (core): not adopted"
    )
    assert section(view, "Projected impact") == (
        "Adopting the 2 recommended features would lift adoption from 60% to 100%."
    )
    assert view.actions == (
        "Demo Eligibility check to the practice manager (core, not adopted yet)",
        "Demo Denial analytics to the practice manager (advanced, not adopted yet)",
        "Ask why Forecasting stopped: last used 1 Dec 2025",
    )


def test_chart_is_the_funnel_and_renders() -> None:
    view = adoption.build(acme(), score(acme()))
    assert view.chart is not None and view.chart.name == "adoption_funnel"
    assert view.chart.kwargs["stages"][:2] == ["Available", "Tried"]
    assert view.chart.kwargs["counts"] == [5.0, 3.0, 2.0, 2.0]
    assert view.chart.alt_text == (
        "Feature adoption of Acme Family Practice: 5 available, 3 tried, "
        "2 used in the last 30 days, 2 used 50+ times"
    )
    chart_png(view)


def test_card_frames_and_matches_the_snapshot(snapshot: SnapshotAssertion) -> None:
    out = blocks(Panel.ADOPTION, adoption.build(acme(), score(acme())), score(acme()))
    assert "Projected impact" in all_text(out)
    assert out == snapshot


def test_a_brand_new_group_has_used_nothing_yet() -> None:
    data = brand_new()
    view = adoption.build(data, score(data))
    assert view.headline == "No feature usage recorded yet"
    assert view.chart is None
    assert facts(view)["Adopted"] == "none on record"
    assert "No features on record." in all_text(blocks(Panel.ADOPTION, view, score(data)))
    assert view.actions == (
        "Walk the practice manager through the core features and agree which to start with",
    )
