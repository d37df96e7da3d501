"""Each churn-risk factor at its threshold, with the evidence a card shows word for word."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from batch_checks import assert_same
from scoring_builders import AS_OF, STEADY_USAGE, steady

from csbot.scoring import FactorId, RiskLevel, default_config, score_group
from csbot.scoring.batch import BatchInputs, score_batch
from csbot.scoring.config import ScoringConfig, build_config
from csbot.scoring.inputs import (
    GroupInputs,
    MonthAmount,
    OnboardingFacts,
    SupportFacts,
    UsageTotals,
    Window,
)
from csbot.scoring.types import RiskFactor


def _factors(inputs: GroupInputs, config: ScoringConfig | None = None) -> dict[str, RiskFactor]:
    """The factors that fired; batch scoring (the daily recompute) must agree at each edge."""
    config = config or default_config()
    scored = score_group(inputs, config)
    assert_same(score_batch(BatchInputs.of([inputs]), config), 0, scored)
    return {f.id: f for f in scored.churn.factors}


def _evidence(inputs: GroupInputs, factor: FactorId) -> str | None:
    found = _factors(inputs).get(factor)
    return found.evidence if found else None


def test_active_users_falling_from_a_fifth() -> None:
    before = replace(STEADY_USAGE, active_users=300)  # 10 a day, now 8: down 20%
    assert _evidence(steady(previous_usage=before), FactorId.ACTIVE_USERS_FALLING) == (
        "Average daily active users 10.0\u21928.0 (\u221220%)"
    )
    slightly = replace(STEADY_USAGE, active_users=299)
    assert _evidence(steady(previous_usage=slightly), FactorId.ACTIVE_USERS_FALLING) is None
    nobody = replace(STEADY_USAGE, active_users=0)
    assert _evidence(steady(previous_usage=nobody), FactorId.ACTIVE_USERS_FALLING) is None


def test_billability_and_health_falling_from_their_drops() -> None:
    before = replace(STEADY_USAGE, patients_billable=900)  # 90% then, 80% now: 4 points of health
    inputs = steady(previous_usage=before)
    assert _evidence(inputs, FactorId.BILLABILITY_FALLING) == (
        "Billability 90%\u219280% (\u221210 points)"
    )
    assert _evidence(inputs, FactorId.HEALTH_FALLING) is None
    config = build_config({"factors": {"health_falling_drop": 4}})
    assert _factors(inputs, config)[FactorId.HEALTH_FALLING].evidence == (
        "Health fell 4.0 points against the previous 30 days"
    )
    less = steady(previous_usage=replace(STEADY_USAGE, patients_billable=899))
    assert _evidence(less, FactorId.BILLABILITY_FALLING) is None


def test_revenue_falling_shows_both_windows() -> None:
    months = (MonthAmount(date(2025, 12, 1), 10_000.0), MonthAmount(date(2026, 1, 1), 8_000.0))
    inputs = steady(window=Window(date(2026, 1, 31), 31), revenue_months=months)
    assert _evidence(inputs, FactorId.REVENUE_FALLING) == (
        "Revenue $10,000\u2192$8,000 (\u221220% a month) against the previous 31 days"
    )


def test_revenue_falling_from_its_percentage() -> None:
    months = (MonthAmount(date(2025, 12, 1), 10_000.0), MonthAmount(date(2026, 1, 1), 7_500.0))
    inputs = steady(window=Window(date(2026, 1, 31), 31), revenue_months=months)
    for pct, fires in ((25, True), (26, False)):
        config = build_config({"factors": {"revenue_falling_pct": pct}})
        assert (FactorId.REVENUE_FALLING in _factors(inputs, config)) is fires


def test_support_factors_at_their_edges() -> None:
    def evidence(factor: FactorId, **support: object) -> str | None:
        return _evidence(steady(support=SupportFacts(**support)), factor)  # type: ignore[arg-type]

    assert evidence(FactorId.OPEN_HIGH_PRIORITY, open_high_priority=1) == (
        "1 open high/urgent ticket"
    )
    assert evidence(FactorId.SLOW_FIRST_RESPONSE, first_response_hours=(24.0, 25.0)) == (
        "Median first response 25 h over 2 tickets (target 24 h)"
    )
    assert evidence(FactorId.SLOW_FIRST_RESPONSE, first_response_hours=(24.0,)) is None
    assert evidence(FactorId.NPS_DETRACTOR, latest_nps=6) == "Latest NPS response 6/10"
    assert evidence(FactorId.LOW_CSAT, csat_average=3.4, csat_count=1) == (
        "CSAT 3.4/5 over 1 response (below 3.5)"
    )


def test_onboarding_stalled_by_overdue_tasks_or_idle_days() -> None:
    def evidence(facts: OnboardingFacts, started: date = date(2024, 1, 1)) -> str | None:
        profile = replace(steady().profile, contract_start=started)
        return _evidence(steady(onboarding=facts, profile=profile), FactorId.ONBOARDING_STALLED)

    recent = AS_OF - timedelta(days=3)
    assert evidence(OnboardingFacts(total=3, overdue=1, last_done=recent)) == (
        "1 of 3 open tasks overdue"
    )
    assert evidence(OnboardingFacts(total=2, done=1, overdue=1, last_done=recent)) == (
        "The only open task overdue"
    )
    assert evidence(OnboardingFacts(total=4, done=1, overdue=3, last_done=recent)) == (
        "All 3 open tasks overdue"
    )
    assert evidence(OnboardingFacts(total=3), AS_OF - timedelta(days=14)) == (
        "No task done since the contract start in 14 days"
    )
    assert evidence(OnboardingFacts(total=3), AS_OF - timedelta(days=13)) is None
    idle = OnboardingFacts(total=3, done=1, last_done=AS_OF - timedelta(days=14))
    assert evidence(idle) == "No task done in 14 days"
    assert evidence(OnboardingFacts(total=3, done=3, overdue=1)) is None  # all done
    assert evidence(OnboardingFacts(total=3), started=None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("days", "evidence"),
    [
        (0, "Renews 2026-03-31, in 0 days"),
        (90, "Renews 2026-06-29, in 90 days"),
        (91, None),
        (-1, None),
    ],
)
def test_renewal_soon_from_today_to_its_days(days: int, evidence: str | None) -> None:
    profile = replace(steady().profile, renewal_date=AS_OF + timedelta(days=days))
    assert _evidence(steady(profile=profile), FactorId.RENEWAL_SOON) == evidence


def test_no_cs_touch_from_its_days_or_never() -> None:
    assert _evidence(steady(last_touch=None), FactorId.NO_CS_TOUCH) == "No meeting or call logged"
    assert _evidence(steady(last_touch=AS_OF - timedelta(days=30)), FactorId.NO_CS_TOUCH) == (
        "No meeting or call in 30 days (last 2026-03-01)"
    )


def test_a_critical_group_says_so() -> None:
    poor = replace(STEADY_USAGE, patients_billable=0, active_users=0, documents=0)
    found = _factors(steady(usage=poor, previous_usage=poor, revenue_months=()))
    band = found[FactorId.HEALTH_BAND]
    # billability 0; engagement only from 10 of 20 minutes: 20 x 0.5 = 10; no revenue, so
    # health = (0.4 x 0 + 0.3 x 10) / 0.7 = 4.3
    assert (band.title, band.evidence, band.points) == ("Low health", "Health 4.3 is Critical", 30)


@pytest.mark.parametrize(
    ("points", "level", "share"),
    [
        (24, RiskLevel.LOW, 0.05),
        (25, RiskLevel.MEDIUM, 0.15),
        (50, RiskLevel.HIGH, 0.35),
        (74, RiskLevel.HIGH, 0.35),
        (75, RiskLevel.VERY_HIGH, 0.60),
    ],
)
def test_churn_levels_start_at_their_edges(points: int, level: RiskLevel, share: float) -> None:
    config = build_config({"factors": {"nps_detractor_points": points}})
    churn = score_group(steady(support=SupportFacts(latest_nps=0)), config).churn
    assert (churn.score, churn.level) == (points, level)
    assert churn.arr_at_risk == 120_000 * share


def test_arr_at_risk_is_rounded_to_cents_and_actions_follow_the_top_factors() -> None:
    profile = replace(steady().profile, arr=1_000.555)
    inputs = steady(profile=profile, support=SupportFacts(latest_nps=0, open_high_priority=2))
    churn = score_group(inputs, build_config({"recommended_actions": 1})).churn
    assert churn.arr_at_risk == 50.03  # 5% of 1,000.555
    assert [f.id for f in churn.factors] == [FactorId.OPEN_HIGH_PRIORITY, FactorId.NPS_DETRACTOR]
    playbook = default_config().playbook[FactorId.OPEN_HIGH_PRIORITY]
    assert [(a.factor_id, a.strategy, a.actions) for a in churn.actions] == [
        (FactorId.OPEN_HIGH_PRIORITY, playbook.strategy, playbook.actions)
    ]


def test_a_fall_needs_both_windows() -> None:
    no_patients_before = replace(STEADY_USAGE, patients_total=0, patients_billable=0)
    assert _evidence(steady(previous_usage=no_patients_before), FactorId.BILLABILITY_FALLING) is (
        None
    )
    quiet_now = steady(usage=UsageTotals(), previous_usage=STEADY_USAGE)
    assert _evidence(quiet_now, FactorId.ACTIVE_USERS_FALLING) is None


def test_a_factor_worth_no_points_is_not_listed() -> None:
    soon = replace(steady().profile, renewal_date=AS_OF + timedelta(days=10))
    inputs = steady(profile=soon)
    for points, listed in ((0, False), (1, True)):
        config = build_config({"factors": {"renewal_soon_points": points}})
        assert (FactorId.RENEWAL_SOON in _factors(inputs, config)) is listed
