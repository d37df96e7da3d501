"""The health panel: parts, what each move cost, and the risk factors that come with it."""

from __future__ import annotations

from panel_fixtures import acme, score, section

from csbot.commands.panels import health


def test_risk_factors_are_listed_with_evidence_and_points_most_first() -> None:
    group_score = score(acme())
    lines = section(health.build(acme(), group_score), "Risk factors").splitlines()
    top = group_score.churn.factors[0]
    assert lines[0] == f"• *{top.title}* (+{top.points:.0f}): {top.evidence}"
    assert len(lines) == min(5, len(group_score.churn.factors)) + (
        1 if len(group_score.churn.factors) > 5 else 0
    )


def test_reasons_come_before_risk_factors() -> None:
    view = health.build(acme(), score(acme()))
    headings = [heading for heading, _ in view.sections]
    assert headings.index("What moved and what it cost") < headings.index("Risk factors")
