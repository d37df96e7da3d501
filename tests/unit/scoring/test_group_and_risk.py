"""A whole group scored: health with reasons, trend, risk factors, churn risk and actions."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from scoring_builders import AS_OF, STEADY_USAGE, steady

from csbot.scoring import Band, FactorId, RiskLevel, default_config, score_group, score_groups
from csbot.scoring.config import build_config
from csbot.scoring.inputs import (
    GroupInputs,
    GroupProfile,
    OnboardingFacts,
    SlopeSums,
    SupportFacts,
    UsageTotals,
    Window,
)
from csbot.scoring.trend import slope, slope_of
from csbot.scoring.types import signed


def _ids(inputs: GroupInputs) -> list[str]:
    return [f.id for f in score_group(inputs, default_config()).churn.factors]


def test_steady_group_scores_by_hand() -> None:
    # billability 80, engagement 65 (see test_components), revenue on target and flat:
    # 0.5*100 + 0.5*50 = 75. Health = 0.4*80 + 0.3*65 + 0.3*75 = 74.
    result = score_group(steady(), default_config())
    assert result.health.billability.value == pytest.approx(80)
    assert result.health.engagement.value == pytest.approx(65)
    assert result.health.revenue.value == pytest.approx(75)
    assert result.health.score == pytest.approx(74.0)
    assert result.health.band is Band.GOOD
    assert result.health.change == pytest.approx(0.0)
    assert result.health.summary.startswith("Health held at 74.0: ")
    assert result.churn.score == 0
    assert result.churn.level is RiskLevel.LOW
    assert result.churn.arr_at_risk == pytest.approx(120_000 * 0.05)
    assert result.churn.factors == ()


def test_a_falling_group_explains_itself() -> None:
    worse = UsageTotals(
        days=30,
        active_users=120,
        sessions=150,
        session_minutes=1200.0,
        documents=600,
        patients_total=1000,
        patients_billable=500,
    )
    result = score_group(steady(usage=worse), default_config())
    # billability 50 (-30 -> -12 pts); engagement 100*(0.5*0.4 + 0.3*0.25 + 0.2*0.4) = 35.5
    health = result.health
    assert health.engagement.value == pytest.approx(35.5)
    assert health.score == pytest.approx(0.4 * 50 + 0.3 * 35.5 + 0.3 * 75)
    assert health.change == pytest.approx(-(12 + 0.3 * 29.5))
    assert health.summary.startswith(
        "Health fell 20.9 points: Billability 80\u219250 (\u221212.0 pts), "
        "Engagement 65\u219236 (\u22128.9 pts), Revenue 75\u219275 (\u00b10.0 pts)."
    )
    assert _ids(steady(usage=worse)) == [
        FactorId.HEALTH_BAND,  # 53.2 is Needs Attention: 15
        FactorId.HEALTH_FALLING,  # 15
        FactorId.ACTIVE_USERS_FALLING,  # 8 -> 4 a day: 15
        FactorId.BILLABILITY_FALLING,  # 80 -> 50: 10
    ]
    churn = result.churn
    assert churn.score == 55
    assert churn.level is RiskLevel.HIGH
    assert churn.arr_at_risk == pytest.approx(120_000 * 0.35)
    assert churn.top == churn.factors[:3]
    assert [a.factor_id for a in churn.actions] == [f.id for f in churn.factors[:3]]
    assert churn.factors[2].evidence == "Average daily active users 8.0\u21924.0 (\u221250%)"


def test_support_onboarding_renewal_and_touch_factors() -> None:
    inputs = steady(
        profile=GroupProfile(
            id=1,
            name="X",
            plan="growth",
            seats=10,
            arr=120_000.0,
            renewal_date=date(2026, 5, 15),
            contract_start=date(2026, 1, 1),
        ),
        support=SupportFacts(
            open_high_priority=2,
            first_response_hours=(30.0, 20.0, 40.0),
            latest_nps=4,
            latest_nps_day=date(2026, 3, 2),
            csat_average=3.2,
            csat_count=5,
        ),
        onboarding=OnboardingFacts(total=10, done=6, overdue=2, last_done=date(2026, 3, 1)),
        last_touch=date(2026, 2, 1),
    )
    factors = {f.id: f for f in score_group(inputs, default_config()).churn.factors}
    assert factors[FactorId.OPEN_HIGH_PRIORITY].evidence == "2 open high/urgent tickets"
    assert factors[FactorId.SLOW_FIRST_RESPONSE].evidence == (
        "Median first response 30 h over 3 tickets (target 24 h)"
    )
    assert factors[FactorId.NPS_DETRACTOR].evidence == "Latest NPS response 4/10 on 2026-03-02"
    assert factors[FactorId.LOW_CSAT].evidence == "CSAT 3.2/5 over 5 responses (below 3.5)"
    assert factors[FactorId.ONBOARDING_STALLED].evidence == (
        "2 of 4 open tasks overdue; no task done in 30 days"
    )
    assert factors[FactorId.RENEWAL_SOON].evidence == "Renews 2026-05-15, in 45 days"
    assert (
        factors[FactorId.NO_CS_TOUCH].evidence == "No meeting or call in 58 days (last 2026-02-01)"
    )
    churn = score_group(inputs, default_config()).churn
    assert churn.score == 10 + 5 + 10 + 10 + 10 + 10 + 5
    assert churn.level is RiskLevel.HIGH  # 50 <= 60 < 75


def test_factors_stay_quiet_below_their_thresholds() -> None:
    inputs = steady(
        support=SupportFacts(first_response_hours=(24.0, 2.0), latest_nps=7, csat_average=3.5),
        onboarding=OnboardingFacts(total=5, done=4, overdue=0, last_done=date(2026, 3, 20)),
        last_touch=date(2026, 3, 2),  # 29 days ago
    )
    assert _ids(inputs) == []


def test_churn_score_is_capped() -> None:
    config = build_config({"factors": {"nps_detractor_points": 95, "low_csat_points": 95}})
    inputs = steady(support=SupportFacts(latest_nps=0, csat_average=1.0, csat_count=1))
    churn = score_group(inputs, config).churn
    assert churn.score == 100
    assert churn.level is RiskLevel.VERY_HIGH


def test_group_with_no_data_gets_a_flagged_score_and_no_band_factor() -> None:
    empty = GroupInputs(profile=GroupProfile(id=9, name="New Group"), window=Window(AS_OF, 30))
    result = score_group(empty, default_config())
    assert not result.health.has_data
    assert result.health.score == 0
    assert "Billability (no active patients in the window)" in result.health.missing
    assert "Revenue (no revenue recorded yet)" in result.health.missing
    assert FactorId.HEALTH_BAND not in [f.id for f in result.churn.factors]
    assert result.trend.slope_per_day is None


def test_group_with_usage_but_no_revenue_is_scored_from_what_it_has() -> None:
    result = score_group(steady(revenue_months=()), default_config())
    # billability 80 and engagement 65 share the weight 0.4:0.3
    assert result.health.score == pytest.approx((0.4 * 80 + 0.3 * 65) / 0.7)
    assert result.health.missing == ("Revenue (no revenue recorded yet)",)


def test_slope_from_snapshots_and_today() -> None:
    # 10 days before today at 80 falling 1 point a day to 71 yesterday, today 70
    history = SlopeSums.of([(-d, 70.0 + d) for d in range(1, 11)])
    assert slope(history) == pytest.approx(-1.0)
    result = score_group(replace(steady(), history=history), default_config())
    assert result.trend.snapshots == 11
    assert result.trend.slope_per_day is not None and result.trend.slope_per_day < 0
    assert slope_of([(date(2026, 1, 1), 50.0), (date(2026, 1, 3), 54.0)]) == pytest.approx(2.0)
    assert slope_of([(date(2026, 1, 1), 50.0)]) is None
    assert slope(SlopeSums()) is None


def test_previous_window_uses_its_own_usage() -> None:
    before = replace(STEADY_USAGE, patients_billable=900)
    result = score_group(steady(previous_usage=before), default_config())
    assert result.health.billability.previous_value == pytest.approx(90)
    assert result.health.previous_score == pytest.approx(74.0 + 4.0)


def test_unknown_plan_uses_default_targets() -> None:
    inputs = steady(profile=replace(steady().profile, plan="Platinum"))
    assert default_config().plan("Platinum") == default_config().plans["default"]
    assert score_group(inputs, default_config()).health.engagement.value == pytest.approx(65)


def test_score_groups_scores_each_group_under_its_id() -> None:
    config = build_config({"bands": {"good": 75}})  # 74 is Needs Attention here
    scores = score_groups({7: steady(), 9: steady(revenue_months=())}, config)
    assert sorted(scores) == [7, 9]
    assert scores[7].health.score == pytest.approx(74.0)
    assert scores[7].health.band is Band.NEEDS_ATTENTION
    assert scores[9].health.score == pytest.approx((0.4 * 80 + 0.3 * 65) / 0.7)


def test_a_point_added_to_slope_sums_is_as_if_it_had_been_there() -> None:
    history = [(-3.0, 70.0), (-1.0, 64.0)]
    for x, y in ((0.0, 0.0), (2.0, 55.0), (-2.0, 61.5)):
        assert SlopeSums.of(history).plus(x, y) == SlopeSums.of([*history, (x, y)])


def test_a_groups_trend_carries_its_change_and_window() -> None:
    group = steady(window=Window(AS_OF, 7), history=SlopeSums.of([(-2.0, 60.0), (-1.0, 61.0)]))
    scored = score_group(group, default_config())
    assert scored.trend.change == scored.health.change
    assert scored.trend.window_days == 7
    assert scored.trend.text.startswith(f"{signed(scored.health.change or 0)} pts vs previous 7d")


def test_no_slope_from_snapshots_of_one_day_and_a_window_is_1_to_365_days() -> None:
    assert slope(SlopeSums.of([(-1.0, 60.0), (-1.0, 70.0)])) is None
    with pytest.raises(ValueError) as caught:
        Window(AS_OF, 0)
    assert str(caught.value) == "window must be 1-365 days, got 0"
