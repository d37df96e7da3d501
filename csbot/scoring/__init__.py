"""Scoring: pure functions from plain data (and a date) to numbers and the reasons for them.

No database, Slack or clock here; see DESIGN.md, "Rooms". `score_group` is the one place a
group's health, trend and churn risk come from; `health_score` and `band_for` are the formulas.
"""

from __future__ import annotations

from csbot.scoring.config import FactorId, ScoringConfig, default_config, load_scoring_config
from csbot.scoring.group import score_group, score_groups
from csbot.scoring.health import band_for, health_score
from csbot.scoring.inputs import GroupInputs, Window
from csbot.scoring.types import (
    Band,
    ChurnRisk,
    Component,
    ComponentScore,
    ComponentValues,
    GroupScore,
    HealthScore,
    Reason,
    RecommendedAction,
    RiskFactor,
    RiskLevel,
    Trend,
)

__all__ = [
    "Band",
    "ChurnRisk",
    "Component",
    "ComponentScore",
    "ComponentValues",
    "FactorId",
    "GroupInputs",
    "GroupScore",
    "HealthScore",
    "Reason",
    "RecommendedAction",
    "RiskFactor",
    "RiskLevel",
    "ScoringConfig",
    "Trend",
    "Window",
    "band_for",
    "default_config",
    "health_score",
    "load_scoring_config",
    "score_group",
    "score_groups",
]
