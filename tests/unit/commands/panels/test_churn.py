"""The churn-risk panel: score, level and ARR at risk; factors with evidence; predicted impact of
the playbook's plan; the plan by week."""

from __future__ import annotations

from dataclasses import replace

from panel_fixtures import acme, all_text, blocks, brand_new, chart_png, facts, score, section
from syrupy.assertion import SnapshotAssertion

from csbot.commands.panels import churn
from csbot.commands.panels.base import Panel
from csbot.scoring.types import ChurnRisk, RiskLevel


def test_headline_and_facts_state_the_risk_and_the_money() -> None:
    view = churn.build(acme(), score(acme()))
    assert view.headline == "*Churn risk 55* · high · $42,000 ARR at risk"
    got = facts(view)
    assert got["Risk score"] == "55/100 · high"
    assert got["ARR at risk"] == "$42,000 (35%)"
    assert got["Renewal"] == "15 May (in 45 days)"
    assert got["Last CS touch"] == "25 Mar (6 days ago)"
    assert got["After the plan"] == "20/100 · low"


def test_every_factor_with_its_evidence_and_points() -> None:
    lines = section(churn.build(acme(), score(acme())), "Risk factors").splitlines()
    assert lines[0] == (
        "• *Active users falling* (+15): Average daily active users 10.0→6.0 (\u221240%)"
    )
    assert len(lines) == 5
    assert lines[-1] == "• *Renewal coming up* (+10): Renews 2026-05-15, in 45 days"


def test_predicted_impact_and_the_plan_come_from_the_playbook() -> None:
    view = churn.build(acme(), score(acme()))
    assert section(view, "Predicted impact") == (
        "The plan below addresses 3 factors: risk 55 (high) → 20 (low), "
        "ARR at risk $42,000 → $6,000."
    )
    assert section(view, "Retention strategies").splitlines()[0] == (
        "• *Re-engage users* — for Active users falling (+15)"
    )
    assert view.actions[:3] == (
        "*This week*: Share the list of inactive seats with the practice manager",
        "*This week*: Escalate open high-priority tickets to the support lead today",
        "*This week*: Call the respondent within 48 hours to hear the issue",
    )
    assert (
        view.actions[3] == "*Within 30 days*: Offer a 30-minute refresher training for lapsed users"
    )


def test_chart_is_the_factor_points_and_renders() -> None:
    view = churn.build(acme(), score(acme()))
    assert view.chart is not None and view.chart.name == "churn_factors"
    assert view.chart.kwargs["names"][0] == "Active users falling"
    assert view.chart.kwargs["points"] == [15.0, 10.0, 10.0, 10.0, 10.0]
    assert view.chart.alt_text.startswith(
        "Churn risk of Acme Family Practice is 55 of 100 (high) from 5 factors: "
        "Active users falling +15"
    )
    chart_png(view)


def test_card_frames_and_matches_the_snapshot(snapshot: SnapshotAssertion) -> None:
    out = blocks(Panel.CHURN, churn.build(acme(), score(acme())), score(acme()))
    assert "Acme Family Practice · Churn risk" in all_text(out)
    assert out == snapshot


def test_a_brand_new_group_is_only_missing_a_first_touch() -> None:
    data = brand_new()
    view = churn.build(data, score(data))
    assert view.headline == "*Churn risk 5* · low · $1,500 ARR at risk"
    assert facts(view)["Renewal"] == "30 Mar 2027 (in 364 days)"
    assert "No meeting or call logged" in section(view, "Risk factors")
    blocks(Panel.CHURN, view, score(data))


def test_no_factors_means_no_chart_and_nothing_to_do() -> None:
    data = brand_new()
    calm = replace(score(data), churn=ChurnRisk(0.0, RiskLevel.LOW, 30_000.0, 1_500.0))
    view = churn.build(data, calm)
    assert view.chart is None and view.actions == ()
    assert section(view, "Risk factors") == "No risk factors in this window."
    assert section(view, "Predicted impact") == (
        "Nothing to act on: no risk factors in this window."
    )
    assert "After the plan" not in facts(view)
    blocks(Panel.CHURN, view, calm)
