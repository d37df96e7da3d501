"""Scoring: pure functions from plain data (and a date) to numbers and the reasons for them.

No database, Slack or clock here; see DESIGN.md, "Rooms".
"""

from __future__ import annotations

from csbot.scoring.config import FactorId, ScoringConfig, default_config, load_scoring_config
from csbot.scoring.health import band_for, health_score
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
    "GroupScore",
    "HealthScore",
    "Reason",
    "RecommendedAction",
    "RiskFactor",
    "RiskLevel",
    "ScoringConfig",
    "Trend",
    "band_for",
    "default_config",
    "health_score",
    "load_scoring_config",
]
