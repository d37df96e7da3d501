"""The scoring config: shipped defaults, overrides from a file, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from csbot.errors import ConfigError
from csbot.scoring import FactorId, default_config, load_scoring_config
from csbot.scoring.config import build_config


def test_defaults_match_the_documented_formula() -> None:
    config = default_config()
    assert (config.weights.billability, config.weights.engagement, config.weights.revenue) == (
        0.4,
        0.3,
        0.3,
    )
    assert (config.bands.excellent, config.bands.good, config.bands.needs_attention) == (80, 60, 40)
    assert config.default_window_days == 30
    assert set(config.playbook) == set(FactorId), "every factor has a playbook entry"


def test_no_path_means_defaults() -> None:
    assert load_scoring_config(None) is default_config()


def test_a_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = tmp_path / "scoring.yml"
    path.write_text(
        "weights: {billability: 0.5, engagement: 0.25, revenue: 0.25}\n"
        "plans: {boutique: {documents_per_seat_per_day: 3, target_session_minutes: 12}}\n"
    )
    config = load_scoring_config(path)
    assert config.weights.billability == 0.5
    assert config.plan("Boutique").documents_per_seat_per_day == 3
    assert config.plan("growth") == default_config().plan("growth")
    assert config.bands == default_config().bands


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("weights: {billability: 0.9}\n", "weights: health weights must sum to 1, got 1.5"),
        ("bands: {good: 90}\n", "bands: band thresholds must be ordered"),
        ("weights: {billabilty: 0.4}\n", "weights.billabilty: unknown key"),
        ("factors: {renewal_soon_days: -3}\n", "factors.renewal_soon_days: Input should be"),
        ("playbook: {made_up: {strategy: x, actions: [y]}}\n", "playbook.made_up"),
        ("plans: {default: {documents_per_seat_per_day: 0}}\n", "plans.default"),
        ("weights: [1, 2]\n", "weights"),
        ("- just a list\n", "must be a mapping"),
        ("weights: {billability: 0.4\n", "not valid YAML"),
    ],
)
def test_bad_file_names_the_key_and_what_is_allowed(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "scoring.yml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="scoring config") as caught:
        load_scoring_config(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_unknown_factor_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="use one of health_band"):
        build_config({"playbook": {"made_up": {"strategy": "x", "actions": ["y"]}}})


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read scoring config"):
        load_scoring_config(tmp_path / "nope.yml")


def test_every_problem_is_named_in_one_message() -> None:
    with pytest.raises(ConfigError) as caught:
        build_config({"weights": {"billabilty": 0.4}, "bands": {"good": 90}})
    assert str(caught.value) == (
        "scoring config (given values): weights.billabilty: unknown key; bands: band thresholds "
        "must be ordered excellent > good > needs_attention, got 80, 90, 40"
    )


def test_unknown_factor_message_lists_every_factor() -> None:
    with pytest.raises(ConfigError) as caught:
        build_config({"playbook": {"made_up": {"strategy": "x", "actions": ["y"]}}}, source="s.yml")
    assert str(caught.value) == (
        "scoring config s.yml: playbook.made_up.[key]: unknown factor; use one of health_band, "
        "health_falling, active_users_falling, billability_falling, revenue_falling, "
        "open_high_priority_tickets, slow_first_response, nps_detractor, low_csat, "
        "onboarding_stalled, renewal_soon, no_cs_touch"
    )


def test_weights_may_miss_1_by_rounding_but_no_more() -> None:
    near = {"billability": 0.4, "engagement": 0.3, "revenue": 0.3000005}
    assert build_config({"weights": near}).weights.revenue == 0.3000005
    with pytest.raises(ConfigError, match="must sum to 1"):
        build_config({"weights": {**near, "revenue": 0.301}})
