"""The score audit on six renewals whose figures are worked out by hand below."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from csbot.scoring.audit import (
    BOOTSTRAP_SEED,
    AuditCase,
    Flag,
    auc_with_interval,
    audit,
    resampled_aucs,
)
from csbot.scoring.config import FactorId
from csbot.scoring.types import Band, RiskLevel

NA, CR, GOOD, EXC = Band.NEEDS_ATTENTION, Band.CRITICAL, Band.GOOD, Band.EXCELLENT
NPS = frozenset({FactorId.NPS_DETRACTOR})


def _case(group: str, churned: bool, score: float, band: Band, risk: float, level: RiskLevel,
          billability: float | None, factors: frozenset[FactorId] = frozenset()
          ) -> AuditCase:  # fmt: skip
    return AuditCase(group, date(2025, 3, 1), churned, score, (billability, 50.0, None), band,
                     risk, level, factors)  # fmt: skip


CASES = [
    _case("A", True, 35, CR, 70, RiskLevel.HIGH, 30, NPS),
    _case("B", True, 55, NA, 40, RiskLevel.MEDIUM, 60, NPS),
    _case("C", True, 82, EXC, 25, RiskLevel.MEDIUM, None),  # churned while healthy
    _case("D", False, 45, NA, 55, RiskLevel.HIGH, 50, NPS),
    _case("E", False, 70, GOOD, 20, RiskLevel.LOW, 80),
    _case("F", False, 90, EXC, 5, RiskLevel.LOW, 90),
]


def test_aucs_count_the_pairs_a_score_orders_rightly() -> None:
    found = audit(CASES, horizon_days=90)
    assert (found.cases, found.churns, found.renewals, found.few_churns) == (6, 3, 3, True)
    # 9 churned x renewed pairs. Health (lower means churn): A beats D, E, F; B beats E, F;
    # C beats F -> 6/9. Churn risk (higher means churn): A 3, B 2 (E, F), C 2 (E, F) -> 7/9.
    # Band rank: A 3; B ties D and beats E, F -> 2.5; C ties F -> 0.5 -> 6/9.
    assert found.health is not None and found.churn_risk is not None and found.band is not None
    assert found.health.value == pytest.approx(6 / 9)
    assert found.churn_risk.value == pytest.approx(7 / 9)
    assert found.band.value == pytest.approx(6 / 9)
    # the ROC curves `csbot backtest` draws, each named with its AUC
    assert [name for name, _, _ in found.curves] == [
        "health score (AUC 0.67)",
        "churn risk (AUC 0.78)",
    ]
    assert all(len(fpr) == len(tpr) > 2 for _, fpr, tpr in found.curves)
    for auc in (found.health, found.churn_risk, found.band):
        assert 0.0 <= auc.low <= auc.value <= auc.high <= 1.0
        assert auc.low < auc.high  # six cases: a wide interval


def test_flags_give_precision_recall_and_name_the_churns_they_missed() -> None:
    found = audit(CASES, horizon_days=90)
    # Needs Attention or worse: A, B, D flagged; A and B churned; C churned unflagged.
    attention = found.attention
    assert (attention.flagged, attention.precision, attention.recall) == (3, 2 / 3, 2 / 3)
    assert (attention.missed, attention.flagged_renewed) == (((("C", date(2025, 3, 1))),), 1)
    # Churn risk high or worse: A and D flagged; only A churned; B and C missed.
    high = found.high_risk
    assert (high.flagged, high.precision, high.recall, high.flagged_renewed) == (2, 0.5, 1 / 3, 1)
    assert [g for g, _ in high.missed] == ["B", "C"]


def test_components_and_factors_say_how_far_they_separated_the_outcomes() -> None:
    found = audit(CASES, horizon_days=90)
    billability = next(s for s in found.components if s.name == "billability")
    # Known billability: churned A 30, B 60; renewed D 50, E 80, F 90. Lower means churn:
    # A beats all 3, B beats E and F -> 5/6.
    assert (billability.churned, billability.renewed) == (45.0, pytest.approx(220 / 3))
    assert billability.auc == pytest.approx(5 / 6)
    revenue = next(s for s in found.components if s.name == "revenue")
    assert revenue.auc is None  # no case has it
    nps = next(s for s in found.factors if s.name == FactorId.NPS_DETRACTOR.value)
    # Fired for 2 of 3 churned, 1 of 3 renewed; pairs: A and B tie D, beat E and F (2.5 each),
    # C ties E and F (0.5 each) -> 6/9.
    assert (nps.churned, nps.renewed) == (pytest.approx(2 / 3), pytest.approx(1 / 3))
    assert nps.auc == pytest.approx(6 / 9)
    assert found.factors[0] is nps  # the factor that separated best comes first


def test_one_outcome_only_gives_no_auc_and_the_same_cases_the_same_interval() -> None:
    renewed_only = audit([c for c in CASES if not c.churned], horizon_days=90)
    assert renewed_only.health is None and renewed_only.attention.recall == 0.0
    assert audit(CASES, horizon_days=90) == audit(CASES, horizon_days=90)


def test_the_bootstraps_aucs_are_scikit_learns() -> None:
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 2, size=(50, 40)).astype(bool)
    scores = rng.integers(0, 6, size=(50, 40)).astype(float)  # many ties
    found = resampled_aucs(labels, scores)
    for row, value in enumerate(found):
        assert value == pytest.approx(roc_auc_score(labels[row], scores[row]))


def test_no_renewals_flag_nothing() -> None:
    found = audit([], horizon_days=90)
    assert (found.cases, found.churns, found.health) == (0, 0, None)
    assert found.attention == Flag("Needs Attention or worse", 0, 0.0, 0.0, (), 0)
    assert found.high_risk == Flag("churn risk high or worse", 0, 0.0, 0.0, (), 0)


def test_missed_churns_are_listed_by_renewal_date_then_group() -> None:
    def churned(group: str, day: date) -> AuditCase:
        return AuditCase(group, day, True, 90.0, (90.0, 90.0, 90.0), EXC, 5.0, RiskLevel.LOW,
                         frozenset())  # fmt: skip

    jan, feb = date(2025, 1, 1), date(2025, 2, 1)
    cases = [churned("Z", jan), churned("A", feb), churned("B", jan), CASES[-1]]
    attention = audit(cases, horizon_days=90).attention
    assert attention.label == "Needs Attention or worse"
    assert attention.missed == (("B", jan), ("Z", jan), ("A", feb))
    # nothing flagged: no precision to speak of, and none of the churns caught
    assert (attention.flagged, attention.precision, attention.recall) == (0, 0.0, 0.0)


def test_the_interval_is_the_middle_95_percent_of_seeded_resamples() -> None:
    made = np.random.default_rng(7)
    labels = made.integers(0, 2, size=60).astype(bool)
    scores = made.normal(size=60) + labels  # churns score a little higher
    found = auc_with_interval(labels, scores, rounds=200)
    picks = np.random.default_rng(BOOTSTRAP_SEED).integers(0, 60, size=(200, 60))
    aucs = [roc_auc_score(labels[p], scores[p]) for p in picks if 0 < labels[p].sum() < len(p)]
    assert found is not None and found.value == pytest.approx(roc_auc_score(labels, scores))
    assert (found.low, found.high) == pytest.approx(tuple(np.percentile(aucs, [2.5, 97.5])))
