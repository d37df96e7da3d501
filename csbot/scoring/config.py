"""The scoring configuration: every weight, target, threshold and playbook entry.

Defaults ship as `defaults.yml`; a file named by CSBOT_SCORING_CONFIG overrides any part of it
(keys not given keep their defaults). A bad value fails at start with the key and what is allowed.
"""

from __future__ import annotations

import math
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from csbot.errors import ConfigError

_TOLERANCE = 1e-6


class FactorId(StrEnum):
    """Named churn-risk factors; each has points in `factors` and an entry in `playbook`."""

    HEALTH_BAND = "health_band"
    HEALTH_FALLING = "health_falling"
    ACTIVE_USERS_FALLING = "active_users_falling"
    BILLABILITY_FALLING = "billability_falling"
    REVENUE_FALLING = "revenue_falling"
    OPEN_HIGH_PRIORITY = "open_high_priority_tickets"
    SLOW_FIRST_RESPONSE = "slow_first_response"
    NPS_DETRACTOR = "nps_detractor"
    LOW_CSAT = "low_csat"
    ONBOARDING_STALLED = "onboarding_stalled"
    RENEWAL_SOON = "renewal_soon"
    NO_CS_TOUCH = "no_cs_touch"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_sum(parts: dict[str, float], what: str) -> None:
    total = sum(parts.values())
    if not math.isclose(total, 1.0, abs_tol=_TOLERANCE):
        listed = " + ".join(f"{k} {v:g}" for k, v in parts.items())
        raise ValueError(f"{what} must sum to 1, got {total:g} ({listed})")


class HealthWeights(_Model):
    """Weights of the three parts of health; they sum to 1."""

    billability: float = Field(default=0.40, ge=0, le=1)
    engagement: float = Field(default=0.30, ge=0, le=1)
    revenue: float = Field(default=0.30, ge=0, le=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> Self:
        _check_sum(self.model_dump(), "health weights")
        return self


class EngagementWeights(_Model):
    active_users: float = Field(default=0.5, ge=0, le=1)
    documents: float = Field(default=0.3, ge=0, le=1)
    session_minutes: float = Field(default=0.2, ge=0, le=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> Self:
        _check_sum(self.model_dump(), "engagement weights")
        return self


class RevenueWeights(_Model):
    """Revenue = attainment·min(100, revenue/target·100) + growth·clamp(50 + slope·growth%)."""

    attainment: float = Field(default=0.5, ge=0, le=1)
    growth: float = Field(default=0.5, ge=0, le=1)
    points_per_growth_pct: float = Field(default=2.5, gt=0)

    @model_validator(mode="after")
    def _sums_to_one(self) -> Self:
        _check_sum({"attainment": self.attainment, "growth": self.growth}, "revenue weights")
        return self


class BandThresholds(_Model):
    """Lower edges of the bands; Critical is everything below `needs_attention`."""

    excellent: float = Field(default=80, ge=0, le=100)
    good: float = Field(default=60, ge=0, le=100)
    needs_attention: float = Field(default=40, ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.excellent > self.good > self.needs_attention:
            raise ValueError(
                "band thresholds must be ordered excellent > good > needs_attention, got "
                f"{self.excellent:g}, {self.good:g}, {self.needs_attention:g}"
            )
        return self


class PlanTargets(_Model):
    """What full engagement and full revenue look like for a plan."""

    documents_per_seat_per_day: float = Field(gt=0)
    target_session_minutes: float = Field(gt=0)
    # Revenue target per month; when unset, the group's ARR / 12 is the target.
    monthly_revenue_target: float | None = Field(default=None, gt=0)


class FactorRules(_Model):
    """Points each churn factor adds, and the thresholds that trigger it."""

    critical_points: float = Field(default=30, ge=0)
    needs_attention_points: float = Field(default=15, ge=0)
    health_falling_points: float = Field(default=15, ge=0)
    health_falling_drop: float = Field(default=10, gt=0)  # points of health over the window
    active_users_falling_points: float = Field(default=15, ge=0)
    active_users_falling_pct: float = Field(default=20, gt=0, le=100)
    billability_falling_points: float = Field(default=10, ge=0)
    billability_falling_drop: float = Field(default=10, gt=0)  # points of billability
    revenue_falling_points: float = Field(default=10, ge=0)
    revenue_falling_pct: float = Field(default=10, gt=0, le=100)
    open_high_priority_points: float = Field(default=10, ge=0)
    high_priorities: tuple[str, ...] = ("high", "urgent")
    slow_first_response_points: float = Field(default=5, ge=0)
    slow_first_response_hours: float = Field(default=24, gt=0)
    nps_detractor_points: float = Field(default=10, ge=0)
    nps_detractor_max: int = Field(default=6, ge=0, le=10)
    low_csat_points: float = Field(default=10, ge=0)
    low_csat_below: float = Field(default=3.5, ge=1, le=5)
    survey_lookback_days: int = Field(default=180, ge=1)
    onboarding_stalled_points: float = Field(default=10, ge=0)
    onboarding_stalled_days: int = Field(default=14, ge=1)
    renewal_soon_points: float = Field(default=10, ge=0)
    renewal_soon_days: int = Field(default=90, ge=1)
    no_cs_touch_points: float = Field(default=5, ge=0)
    no_cs_touch_days: int = Field(default=30, ge=1)
    touch_kinds: tuple[str, ...] = ("meeting", "call")


class ChurnLevels(_Model):
    """Lower edges of the churn levels (low is below `medium`) and the score cap."""

    medium: float = Field(default=25, ge=0, le=100)
    high: float = Field(default=50, ge=0, le=100)
    very_high: float = Field(default=75, ge=0, le=100)
    cap: float = Field(default=100, gt=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.very_high > self.high > self.medium:
            raise ValueError(
                "churn levels must be ordered very_high > high > medium, got "
                f"{self.very_high:g}, {self.high:g}, {self.medium:g}"
            )
        return self


class ArrAtRisk(_Model):
    """Share of ARR counted as at risk at each churn level (the predicted impact)."""

    low: float = Field(default=0.05, ge=0, le=1)
    medium: float = Field(default=0.15, ge=0, le=1)
    high: float = Field(default=0.35, ge=0, le=1)
    very_high: float = Field(default=0.60, ge=0, le=1)


class PlaybookEntry(_Model):
    strategy: str = Field(min_length=1)
    actions: tuple[str, ...] = Field(min_length=1)


class ScoringConfig(_Model):
    """The whole scoring configuration."""

    default_window_days: int = Field(default=30, ge=1, le=365)
    weights: HealthWeights = Field(default_factory=HealthWeights)
    engagement: EngagementWeights = Field(default_factory=EngagementWeights)
    revenue: RevenueWeights = Field(default_factory=RevenueWeights)
    bands: BandThresholds = Field(default_factory=BandThresholds)
    plans: dict[str, PlanTargets]
    factors: FactorRules = Field(default_factory=FactorRules)
    churn_levels: ChurnLevels = Field(default_factory=ChurnLevels)
    arr_at_risk: ArrAtRisk = Field(default_factory=ArrAtRisk)
    playbook: dict[FactorId, PlaybookEntry] = Field(default_factory=dict)
    recommended_actions: int = Field(default=3, ge=0, le=12)

    @model_validator(mode="after")
    def _has_default_plan(self) -> Self:
        if "default" not in self.plans:
            raise ValueError("plans must include a 'default' entry for groups on other plans")
        return self

    def plan(self, name: str | None) -> PlanTargets:
        """The targets for a plan, or the default plan's."""
        return self.plans.get((name or "").lower(), self.plans["default"])


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(exc: ValidationError, source: str) -> str:
    problems = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        elif err["type"] == "enum":
            message = f"unknown factor; use one of {', '.join(f.value for f in FactorId)}"
        problems.append(f"{key}: {message}")
    return f"scoring config {source}: " + "; ".join(problems)


def _read_yaml(text: str, source: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"scoring config {source} is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"scoring config {source} must be a mapping of keys to values")
    return data


@lru_cache(maxsize=1)
def _default_data() -> dict[str, Any]:
    text = resources.files("csbot.scoring").joinpath("defaults.yml").read_text(encoding="utf-8")
    return _read_yaml(text, "defaults.yml")


def build_config(overrides: dict[str, Any] | None = None, *, source: str = "") -> ScoringConfig:
    """Defaults with `overrides` merged in; a bad value raises ConfigError naming the key."""
    data = _merge(_default_data(), overrides or {})
    try:
        return ScoringConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source or "(given values)")) from None


@lru_cache(maxsize=1)
def default_config() -> ScoringConfig:
    return build_config(source="defaults.yml")


def load_scoring_config(path: Path | None = None) -> ScoringConfig:
    """The config from `path` (e.g. Settings.scoring_config) over the defaults; None: defaults."""
    if path is None:
        return default_config()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read scoring config {path}: {exc.strerror}") from None
    return build_config(_read_yaml(text, str(path)), source=str(path))
