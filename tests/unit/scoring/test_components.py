"""Billability, engagement and revenue, each against numbers worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from csbot.scoring.components import (
    Part,
    billability,
    engagement,
    revenue,
    revenue_figures,
    window_revenue,
)
from csbot.scoring.config import EngagementWeights, PlanTargets, RevenueWeights
from csbot.scoring.inputs import MonthAmount, UsageTotals, Window

TARGETS = PlanTargets(documents_per_seat_per_day=8, target_session_minutes=20)
USAGE = UsageTotals(
    days=30,
    active_users=240,  # 8 a day
    sessions=300,
    session_minutes=3000.0,  # 10 minutes a session
    documents=1200,
    patients_total=1000,
    patients_billable=620,
)


def test_billability_is_billable_over_active_patients() -> None:
    assert billability(USAGE).value == pytest.approx(62.0)


def test_billability_without_patients_is_missing_with_a_reason() -> None:
    part = billability(UsageTotals(days=30, active_users=30))
    assert part.value is None
    assert part.note == "no active patients in the window"


def test_engagement_by_the_formula() -> None:
    # users 8/10 = 0.8; documents 1200 / (8 x 10 seats x 30 days) = 0.5; minutes 10/20 = 0.5
    part = engagement(USAGE, seats=10, targets=TARGETS, weights=EngagementWeights())
    assert part.value == pytest.approx(100 * (0.5 * 0.8 + 0.3 * 0.5 + 0.2 * 0.5))
    assert part.value == pytest.approx(65.0)
    assert part.note is None


def test_engagement_caps_each_ratio_at_one() -> None:
    busy = UsageTotals(
        days=1, active_users=50, sessions=10, session_minutes=900.0, documents=10_000
    )
    part = engagement(busy, seats=10, targets=TARGETS, weights=EngagementWeights())
    assert part.value == pytest.approx(100.0)


def test_engagement_without_seats_uses_session_length_and_says_so() -> None:
    part = engagement(USAGE, seats=0, targets=TARGETS, weights=EngagementWeights())
    assert part.value == pytest.approx(50.0)  # 10 of 20 target minutes
    assert part.note == "no seats on record; scored on session length only"


def test_engagement_without_usage_rows_is_missing() -> None:
    part = engagement(UsageTotals(), seats=10, targets=TARGETS, weights=EngagementWeights())
    assert part.value is None
    assert part.note == "no usage recorded in the window"


def test_engagement_with_rows_but_no_sessions_is_zero_not_missing() -> None:
    idle = UsageTotals(days=30)
    part = engagement(idle, seats=10, targets=TARGETS, weights=EngagementWeights())
    assert part.value == 0.0


def test_window_revenue_spreads_each_month_over_its_days() -> None:
    months = (MonthAmount(date(2026, 2, 1), 28_000.0),)  # February 2026: 28 days, 1000/day
    got = window_revenue(months, Window(date(2026, 2, 14), 14))
    assert got is not None
    assert got.amount == pytest.approx(14_000.0)
    assert got.covered_days == 14
    assert got.months == pytest.approx(0.5)
    assert window_revenue(months, Window(date(2026, 1, 31), 30)) is None


JAN_DEC = (MonthAmount(date(2025, 12, 1), 31_000.0), MonthAmount(date(2026, 1, 1), 28_520.0))


def test_revenue_by_the_formula() -> None:
    # January: 28,520 against December's 31,000: growth -8% -> 50 - 2.5*8 = 30 points.
    # Target: ARR 372,000 -> 31,000 a month; attainment 28,520/31,000 = 92%.
    figures = revenue_figures(JAN_DEC, Window(date(2026, 1, 31), 31), arr=372_000, targets=TARGETS)
    assert figures.growth_pct == pytest.approx(-8.0)
    assert figures.attainment_pct == pytest.approx(92.0)
    part = revenue(figures, weights=RevenueWeights())
    assert part.value == pytest.approx(0.5 * 92 + 0.5 * 30)
    assert part.note is None


def test_revenue_attainment_is_capped_at_100_and_growth_clamped() -> None:
    months = (MonthAmount(date(2025, 12, 1), 3_100.0), MonthAmount(date(2026, 1, 1), 62_000.0))
    figures = revenue_figures(months, Window(date(2026, 1, 31), 31), arr=372_000, targets=TARGETS)
    assert revenue(figures, weights=RevenueWeights()).value == pytest.approx(100.0)


def test_flat_monthly_revenue_is_flat_across_short_months() -> None:
    months = tuple(MonthAmount(date(2026, m, 1), 10_000.0) for m in (1, 2, 3))
    figures = revenue_figures(months, Window(date(2026, 3, 31), 30), arr=120_000, targets=TARGETS)
    assert figures.growth_pct == pytest.approx(0.0)
    assert figures.attainment_pct == pytest.approx(100.0)


def test_no_previous_revenue_counts_as_zero_growth() -> None:
    months = (MonthAmount(date(2026, 1, 1), 31_000.0),)
    figures = revenue_figures(months, Window(date(2026, 1, 31), 31), arr=372_000, targets=TARGETS)
    part = revenue(figures, weights=RevenueWeights())
    assert figures.growth_pct is None
    assert part.value == pytest.approx(0.5 * 100 + 0.5 * 50)
    assert part.note == "no previous revenue; growth counted as 0%"


def test_a_month_not_yet_booked_is_neither_zero_revenue_nor_a_miss() -> None:
    # Window 20 Jan - 18 Feb, February not booked: 12/31 of January against 12/31 of a
    # month's target.
    months = (MonthAmount(date(2026, 1, 1), 31_000.0),)
    figures = revenue_figures(months, Window(date(2026, 2, 18), 30), arr=372_000, targets=TARGETS)
    assert figures.attainment_pct == pytest.approx(100.0)


def test_plan_revenue_target_overrides_arr() -> None:
    targets = PlanTargets(
        documents_per_seat_per_day=8, target_session_minutes=20, monthly_revenue_target=5_000
    )
    months = (MonthAmount(date(2026, 1, 1), 31_000.0),)
    figures = revenue_figures(months, Window(date(2026, 1, 31), 31), arr=0, targets=targets)
    assert figures.target == pytest.approx(5_000)


def test_revenue_missing_and_growth_only_cases() -> None:
    nothing = revenue_figures((), Window(date(2026, 1, 31), 30), arr=100_000, targets=TARGETS)
    part = revenue(nothing, weights=RevenueWeights())
    assert part.value is None
    assert part.note == "no revenue recorded yet"
    no_arr = revenue_figures(JAN_DEC, Window(date(2026, 1, 31), 31), arr=0, targets=TARGETS)
    part = revenue(no_arr, weights=RevenueWeights())
    assert part.value == pytest.approx(30.0)
    assert part.note == "no ARR or revenue target; scored on growth only"


def test_billability_of_a_single_patient() -> None:
    one = UsageTotals(days=1, patients_total=1, patients_billable=1)
    assert billability(one).value == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # each ratio over its target alone counts as 1: users 0.8, documents 0.5, minutes 0.5
        ({"session_minutes": 12_000.0}, 100 * (0.5 * 0.8 + 0.3 * 0.5 + 0.2 * 1)),  # 40 minutes
        ({"active_users": 600}, 100 * (0.5 * 1 + 0.3 * 0.5 + 0.2 * 0.5)),  # 20 users, 10 seats
        ({"documents": 4_800}, 100 * (0.5 * 0.8 + 0.3 * 1 + 0.2 * 0.5)),  # twice the expected
    ],
    ids=["minutes", "users", "documents"],
)
def test_engagement_caps_a_ratio_over_target_at_one(
    changes: dict[str, float], expected: float
) -> None:
    usage = replace(USAGE, **changes)
    part = engagement(usage, seats=10, targets=TARGETS, weights=EngagementWeights())
    assert part.value == pytest.approx(expected)


def test_engagement_of_a_one_seat_group_counts_its_seat() -> None:
    # 8 users and 5x the documents on one seat: both capped; 10 of 20 minutes
    part = engagement(USAGE, seats=1, targets=TARGETS, weights=EngagementWeights())
    assert part.value == pytest.approx(100 * (0.5 + 0.3 + 0.2 * 0.5))


def test_engagement_without_seats_and_no_weight_on_minutes_is_missing() -> None:
    weights = EngagementWeights(active_users=0.7, documents=0.3, session_minutes=0.0)
    part = engagement(USAGE, seats=0, targets=TARGETS, weights=weights)
    assert part == Part(None, "no engagement measure has weight for this group")


def test_revenue_over_target_counts_as_100_with_flat_growth() -> None:
    months = (MonthAmount(date(2025, 12, 1), 46_500.0), MonthAmount(date(2026, 1, 1), 46_500.0))
    figures = revenue_figures(months, Window(date(2026, 1, 31), 31), arr=372_000, targets=TARGETS)
    assert figures.attainment_pct == pytest.approx(150.0)
    assert revenue(figures, weights=RevenueWeights()).value == pytest.approx(0.5 * 100 + 0.5 * 50)


def test_revenue_target_from_any_positive_arr_and_growth_from_any_previous_revenue() -> None:
    window = Window(date(2026, 1, 31), 31)
    months = (MonthAmount(date(2025, 12, 1), 1.0), MonthAmount(date(2026, 1, 1), 2.0))
    figures = revenue_figures(months, window, arr=12, targets=TARGETS)
    assert figures.target == pytest.approx(1.0)  # $1 a month
    assert figures.growth_pct == pytest.approx(100.0)
    assert revenue_figures(months, window, arr=0, targets=TARGETS).target is None


def test_window_revenue_counts_its_first_and_last_days_in_any_month_order() -> None:
    # 31 January to 1 March: one day of January and of March, all of February
    months = (
        MonthAmount(date(2026, 4, 1), 99_000.0),
        MonthAmount(date(2026, 3, 1), 31_000.0),
        MonthAmount(date(2026, 2, 1), 28_000.0),
        MonthAmount(date(2026, 1, 1), 31_000.0),
    )
    got = window_revenue(months, Window(date(2026, 3, 1), 30))
    assert got is not None
    assert got.amount == pytest.approx(1_000 + 28_000 + 1_000)
    assert got.covered_days == 30
    assert got.months == pytest.approx(1 + 2 / 31)
