"""Panels read their rules from the score they show (`GroupScore.config`): under a config unlike
the built-in one, each panel says what that config says, as the score beside it does."""

from __future__ import annotations

from datetime import timedelta

from csbot.commands.panels import churn, onboarding, overview, revenue, support, timeline
from csbot.scoring import GroupScore, score_group
from csbot.scoring.config import ScoringConfig, build_config, default_config
from csbot.scoring.health import band_floors
from csbot.scoring.panel_inputs import PanelData, SnapshotEntry
from tests.unit.commands.panels.panel_fixtures import AS_OF, acme, facts, section

CONFIG = build_config(
    {
        "bands": {"good": 75},
        "factors": {
            "high_priorities": ["urgent"],
            "survey_lookback_days": 14,
            "onboarding_stalled_days": 20,
            "no_cs_touch_days": 5,
            "touch_kinds": ["meeting"],
        },
        "churn_levels": {"medium": 40},
        "plans": {"growth": {"monthly_revenue_target": 20_000}},
    }
)


def _scored(config: ScoringConfig, data: PanelData | None = None) -> tuple[PanelData, GroupScore]:
    data = data or acme()
    return data, score_group(data.inputs, config)


def test_the_overview_trend_is_shaded_with_the_scores_own_bands() -> None:
    history = tuple(SnapshotEntry(AS_OF - timedelta(days=n), 70.0, "Good") for n in range(5, 0, -1))
    for config in (default_config(), CONFIG):
        view = overview.build(*_scored(config, acme(snapshots=history)))
        assert view.chart is not None and view.chart.name == "health_trend"
        assert view.chart.kwargs["thresholds"] == band_floors(config.bands)
    assert band_floors(CONFIG.bands)["Good"] == 75


def test_churn_after_the_plan_uses_the_scores_churn_levels() -> None:
    data, score = _scored(CONFIG)
    assert facts(churn.build(data, score))["After the plan"] == "35/100 · low"
    # the built-in levels would call 35 medium (medium starts at 25 there, at 40 here)
    assert default_config().churn_levels.medium <= 35 < CONFIG.churn_levels.medium


def test_support_counts_high_priority_and_surveys_as_the_rules_do() -> None:
    built_in = support.build(*_scored(default_config()))
    configured = support.build(*_scored(CONFIG))
    assert facts(built_in)["Open now"] == "2 (1 high priority)"
    assert facts(configured)["Open now"] == "2"  # only urgent counts as high here
    assert "NPS" in section(built_in, "Satisfaction")
    assert section(configured, "Satisfaction") == "No survey responses in the last 14 days."


def test_onboarding_calls_a_stall_after_the_rules_days() -> None:
    said = "Nothing completed for 19 days"
    assert said in section(onboarding.build(*_scored(default_config())), "Progress")
    assert said not in section(onboarding.build(*_scored(CONFIG)), "Progress")


def test_timeline_counts_touches_and_quiet_days_as_the_rules_do() -> None:
    built_in = timeline.build(*_scored(default_config()))
    configured = timeline.build(*_scored(CONFIG))
    assert "No meeting or call for" not in section(built_in, "What moved")
    assert "No meeting or call for 6 days" in section(configured, "What moved")
    assert facts(built_in)["Meetings and calls"] != facts(configured)["Meetings and calls"]


def test_revenue_attainment_is_against_the_configured_plan_target() -> None:
    built_in = facts(revenue.build(*_scored(default_config())))
    configured = facts(revenue.build(*_scored(CONFIG)))
    assert built_in["Target attainment"] != configured["Target attainment"]
