"""Batch scoring gives score_group's numbers, case by case, for any group and config."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csbot.scoring import score_group
from csbot.scoring.batch import BatchInputs, score_batch
from csbot.scoring.config import ScoringConfig, build_config, default_config
from csbot.scoring.inputs import GroupInputs, SlopeSums, UsageTotals
from tests.examples import examples
from tests.unit.scoring.batch_checks import assert_same
from tests.unit.scoring.group_strategies import group_inputs
from tests.unit.scoring.scoring_builders import MONTHS, steady

# Good from 70, every factor worth double, a plan with its own revenue target, other weights.
MOVED = build_config(
    {
        "weights": {"billability": 0.5, "engagement": 0.2, "revenue": 0.3},
        "engagement": {"active_users": 0.6, "documents": 0.1, "session_minutes": 0.3},
        "revenue": {"attainment": 0.7, "growth": 0.3, "points_per_growth_pct": 4},
        "bands": {"excellent": 85, "good": 70, "needs_attention": 45},
        "plans": {"growth": {"documents_per_seat_per_day": 3, "target_session_minutes": 12,
                             "monthly_revenue_target": 9000}},
        "factors": {"critical_points": 60, "needs_attention_points": 30, "no_cs_touch_points": 10,
                    "renewal_soon_points": 0, "renewal_soon_days": 200},
        "churn_levels": {"medium": 20, "high": 40, "very_high": 60, "cap": 90},
    }
)  # fmt: skip


def _check(inputs: list[GroupInputs], config: ScoringConfig) -> None:
    scores = score_batch(BatchInputs.of(inputs), config)
    assert len(scores) == len(inputs)
    for i, one in enumerate(inputs):
        assert_same(scores, i, score_group(one, config))


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(group_inputs(days=30), min_size=1, max_size=8))
def test_batch_matches_score_group_for_any_groups(inputs: list[GroupInputs]) -> None:
    _check(inputs, default_config())


@settings(max_examples=examples(100), deadline=None)
@given(group_inputs())
def test_batch_matches_score_group_for_any_window(one: GroupInputs) -> None:
    _check([one], default_config())


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(group_inputs(days=30), min_size=1, max_size=4))
def test_batch_scores_with_the_running_config_not_the_defaults(inputs: list[GroupInputs]) -> None:
    _check(inputs, MOVED)


def test_the_config_changes_the_batch_numbers() -> None:
    """A guard that the batch reads its config: the moved one gives other bands and points."""
    one = steady(last_touch=None)
    default = score_batch(BatchInputs.of([one]), default_config())
    moved = score_batch(BatchInputs.of([one]), MOVED)
    assert default.score[0] != moved.score[0]
    assert not np.array_equal(default.factors, moved.factors)


@pytest.mark.parametrize(
    "changes",
    [
        {"usage": UsageTotals(), "previous_usage": UsageTotals(), "revenue_months": ()},
        {"profile": replace(steady().profile, seats=0)},
        {"usage": UsageTotals(30, 10**6, 1, 10**7, 10**8, 5, 5)},
        {"usage": UsageTotals(30, 240, 0, 0.0, 1200, 0, 0)},
        {"profile": replace(steady().profile, arr=0.0, plan="unknown")},
        {"profile": replace(steady().profile, seats=1)},
        {"revenue_months": MONTHS[-1:]},
        {
            "usage": UsageTotals(),
            "previous_usage": UsageTotals(),
            "revenue_months": (),
            "history": SlopeSums.of([(-2, 60.0), (-1, 55.0)]),
        },
    ],
    ids=[
        "no data",
        "zero seats",
        "over every target",
        "no sessions or patients",
        "no ARR",
        "one seat",
        "revenue in the window only",
        "history but no data today",
    ],
)
def test_batch_matches_score_group_at_the_edges(changes: dict[str, object]) -> None:
    _check([steady(**changes)], default_config())


def test_an_empty_batch_scores_nothing() -> None:
    assert len(score_batch(BatchInputs.of([]), default_config())) == 0


def test_one_batch_holds_one_window_length() -> None:
    with pytest.raises(ValueError, match="one window length per batch"):
        BatchInputs.of([steady(), replace(steady(), window=replace(steady().window, days=7))])
