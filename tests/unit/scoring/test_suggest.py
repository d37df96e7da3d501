"""Suggested weights: fitted on earlier renewals only, judged on later ones beside the current
config, and a complete config CSBOT_SCORING_CONFIG accepts."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import yaml

from csbot.scoring.audit import AuditCase
from csbot.scoring.config import FactorId, build_config, default_config
from csbot.scoring.suggest import rescored, suggest, suggested_data
from csbot.scoring.types import Band, RiskLevel


def _cases(n: int = 90) -> list[AuditCase]:
    """Churn follows engagement (and no CS touch); billability is noise, revenue a little."""
    rng = np.random.default_rng(5)
    out = []
    for i in range(n):
        engagement = float(rng.uniform(20, 95))
        churned = engagement < 50
        touch = (
            frozenset({FactorId.NO_CS_TOUCH}) if churned == (rng.random() < 0.8) else frozenset()
        )
        parts = (float(rng.uniform(40, 95)), engagement, float(rng.uniform(40, 90)))
        out.append(AuditCase(f"G{i}", date(2023, 1, 1) + timedelta(days=10 * i), churned, 0.0,
                             parts, Band.GOOD, 0.0, RiskLevel.LOW, touch))  # fmt: skip
    return out


def test_weights_follow_what_foretold_churn_in_the_earlier_renewals() -> None:
    found = suggest(_cases(), default_config(), horizon_days=90)
    assert not isinstance(found, str)
    assert found.train[1] < found.test[0]  # trained strictly before the period it is judged on
    assert found.train[2] + found.test[2] == 90
    weights = {k: new for k, (_, new) in found.weights.items()}
    assert weights["engagement"] > 0.5 > weights["billability"]
    assert sum(weights.values()) == 1.0
    points = {k: new for k, (_, new) in found.points.items()}
    assert points["no_cs_touch_points"] == max(points.values())
    assert found.current.health and found.suggested.health
    assert found.suggested.health.value > found.current.health.value
    assert found.suggested.churn_risk is not None


def test_the_suggestion_is_a_complete_config_that_loads() -> None:
    found = suggest(_cases(), default_config(), horizon_days=90)
    assert not isinstance(found, str)
    # written as the YAML file `csbot backtest --suggest FILE` saves, and read back
    written = yaml.safe_dump(suggested_data(default_config(), found.overrides))
    config = build_config(yaml.safe_load(written))
    assert config.weights.engagement == found.weights["engagement"][1]
    assert config.factors.no_cs_touch_days == default_config().factors.no_cs_touch_days
    assert config.playbook == default_config().playbook


def test_too_few_outcomes_say_so() -> None:
    found = suggest(_cases(12), default_config(), horizon_days=90)
    assert isinstance(found, str) and "needs 4 churns and 4 renewals" in found


def _mixed_cases(n: int = 90) -> list[AuditCase]:
    """Churn follows engagement and, less surely, a Critical band and no CS touch; low CSAT is
    seen only at groups that renewed; a fifth of the groups have no revenue figure."""
    rng = np.random.default_rng(5)
    out = []
    for i in range(n):
        engagement = float(rng.uniform(20, 95))
        churned = engagement < 50
        factors = {FactorId.NO_CS_TOUCH} if churned == (rng.random() < 0.8) else set()
        if not churned and rng.random() < 0.5:
            factors.add(FactorId.LOW_CSAT)
        band = Band.CRITICAL if churned == (rng.random() < 0.7) else Band.NEEDS_ATTENTION
        if band is Band.NEEDS_ATTENTION and rng.random() < 0.5:
            band = Band.GOOD
        revenue = None if i % 5 == 0 else float(rng.uniform(40, 90))
        parts = (float(rng.uniform(40, 95)), engagement, revenue)
        out.append(AuditCase(f"G{i}", date(2023, 1, 1) + timedelta(days=10 * i), churned, 0.0,
                             parts, band, 0.0, RiskLevel.LOW, frozenset(factors)))  # fmt: skip
    return out


def test_the_earlier_two_thirds_train_and_points_keep_the_configs_total() -> None:
    cases = _mixed_cases()
    found = suggest(cases, default_config(), horizon_days=90)
    assert not isinstance(found, str)
    first, last = cases[:60], cases[60:]
    assert found.train == (cases[0].renewal_date, cases[59].renewal_date, 60,
                           sum(c.churned for c in first))  # fmt: skip
    assert found.test == (cases[60].renewal_date, cases[89].renewal_date, 30,
                          sum(c.churned for c in last))  # fmt: skip
    weights = {k: new for k, (_, new) in found.weights.items()}
    assert all(round(w, 2) == w for w in weights.values()) and sum(weights.values()) == 1.0
    assert weights["engagement"] >= 0.9  # churn followed engagement; the rest is noise
    points = {k: new for k, (_, new) in found.points.items()}
    current = {k: now for k, (now, _) in found.points.items()}
    assert sum(points.values()) == sum(current.values()) == 155  # in whole points
    assert all(p == round(p) for p in points.values())
    assert points["critical_points"] > points["needs_attention_points"]
    assert points["low_csat_points"] == 0  # seen only where groups renewed
    never = [k for k in points if k not in ("critical_points", "needs_attention_points",
                                             "no_cs_touch_points", "low_csat_points")]  # fmt: skip
    assert [points[k] for k in never] == [0.0] * len(never)
    # both configs are judged on the later third, at the horizon asked for
    assert (found.current.horizon_days, found.suggested.horizon_days) == (90, 90)
    assert found.current.cases == found.suggested.cases == 30


def _outcomes(train: str, test: str) -> list[AuditCase]:
    """One case a renewal, 'c' churned and 'r' renewed, the earlier ones training."""
    flags = [f == "c" for f in train + test]
    return [
        AuditCase(f"G{i}", date(2024, 1, 1) + timedelta(days=i), churned, 0.0,
                  (60.0, 30.0 if churned else 80.0, 60.0), Band.GOOD, 0.0, RiskLevel.LOW,
                  frozenset({FactorId.NO_CS_TOUCH}) if churned else frozenset())
        for i, churned in enumerate(flags)
    ]  # fmt: skip


def test_four_churns_and_four_renewals_on_each_side_are_enough() -> None:
    just_enough = _outcomes("cccc" + "r" * 12, "ccccrrrr")
    assert not isinstance(suggest(just_enough, default_config(), horizon_days=90), str)
    three_renewals_later = _outcomes("cccc" + "r" * 12, "cccccrrr")
    assert isinstance(suggest(three_renewals_later, default_config(), horizon_days=90), str)
    three_churns_earlier = _outcomes("ccc" + "r" * 13, "ccccrrrr")
    assert isinstance(suggest(three_churns_earlier, default_config(), horizon_days=90), str)


def test_rescored_cases_carry_the_configs_score_band_risk_and_factors() -> None:
    # recorded under another config: Excellent and very high risk; the parts say otherwise
    case = AuditCase("G1", date(2025, 1, 1), True, 99.0, (50.0, 50.0, 50.0), Band.EXCELLENT,
                     90.0, RiskLevel.VERY_HIGH, frozenset({FactorId.NO_CS_TOUCH}))  # fmt: skip
    (again,) = rescored([case], default_config())
    assert (again.score, again.band) == (50.0, Band.NEEDS_ATTENTION)
    # Needs Attention (15 points) and no CS touch (5)
    assert (again.churn_risk, again.churn_level) == (20.0, RiskLevel.LOW)
    assert again.factors == {FactorId.HEALTH_BAND, FactorId.NO_CS_TOUCH}

    def with_touch_points(points: int) -> AuditCase:
        overrides = {"factors": {"no_cs_touch_points": points}}
        return rescored([case], build_config(suggested_data(default_config(), overrides)))[0]

    assert with_touch_points(1).factors == {FactorId.HEALTH_BAND, FactorId.NO_CS_TOUCH}
    assert with_touch_points(0).factors == {FactorId.HEALTH_BAND}  # no points: it adds nothing
    assert rescored([], default_config()) == []
