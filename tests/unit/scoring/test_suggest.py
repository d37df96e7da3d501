"""Suggested weights: fitted on earlier renewals only, judged on later ones beside the current
config, and a complete config CSBOT_SCORING_CONFIG accepts."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from csbot.scoring.audit import AuditCase
from csbot.scoring.config import FactorId, build_config, default_config
from csbot.scoring.suggest import suggest, suggested_data
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
    config = build_config(suggested_data(default_config(), found.overrides))
    assert config.weights.engagement == found.weights["engagement"][1]
    assert config.factors.no_cs_touch_days == default_config().factors.no_cs_touch_days
    assert config.playbook == default_config().playbook


def test_too_few_outcomes_say_so() -> None:
    found = suggest(_cases(12), default_config(), horizon_days=90)
    assert isinstance(found, str) and "needs 4 churns and 4 renewals" in found
