"""A row of `/cs list` and App Home: name, health and change, then the most telling risk other
than the band, which the row's colour and number already show."""

from __future__ import annotations

from dataclasses import replace

from csbot.commands.listing import row_text, top_risk
from csbot.exports.export import portfolio_rows
from csbot.scoring import GroupScore, default_config, score_group
from csbot.scoring.config import FactorId
from csbot.scoring.inputs import GroupInputs, SupportFacts
from csbot.scoring.types import Band
from tests.unit.scoring.scoring_builders import STEADY_USAGE, steady

LOW = replace(STEADY_USAGE, patients_billable=100, active_users=60, documents=200)


def _scored(inputs: GroupInputs) -> GroupScore:
    return score_group(inputs, default_config())


def test_a_critical_groups_row_names_its_biggest_risk_beyond_the_band() -> None:
    score = _scored(steady(usage=LOW, support=SupportFacts(open_high_priority=2)))
    assert score.health.band is Band.CRITICAL
    ids = [f.id for f in score.churn.factors]
    assert ids[0] == FactorId.HEALTH_BAND and len(ids) > 1
    second = score.churn.factors[1]
    assert row_text(score).split("\n")[1] == f"_{second.title}: {second.evidence}_"
    assert "Low health" not in row_text(score)


def test_when_the_band_is_the_only_risk_the_row_says_what_moved_health_most() -> None:
    score = _scored(steady(usage=LOW, previous_usage=LOW))  # low, but steady and looked after
    assert [f.id for f in score.churn.factors] == [FactorId.HEALTH_BAND]
    assert top_risk(score) == score.health.reasons[0].text
    assert row_text(score).endswith(f"\n_{score.health.reasons[0].text}_")


def test_a_group_without_risk_gets_no_second_line() -> None:
    score = _scored(steady())
    assert score.churn.factors == () and top_risk(score) is None
    assert "\n" not in row_text(score)


def test_the_portfolio_csv_names_the_same_top_risk_as_the_row() -> None:
    scores = [
        _scored(replace(steady(usage=LOW, support=SupportFacts(open_high_priority=2)))),
        _scored(steady(usage=LOW, previous_usage=LOW)),
        _scored(steady()),
    ]
    rows = portfolio_rows(scores, None)
    assert [r["top_risk"] for r in rows] == [top_risk(s) or "" for s in scores]
    assert not any(r["top_risk"].startswith("Low health") for r in rows)
