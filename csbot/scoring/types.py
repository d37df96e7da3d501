"""Result types of scoring: bands, component scores, reasons, trends, risk factors, churn risk.

Cards and alerts read these; fields are only ever added, never renamed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from csbot.scoring.config import FactorId, ScoringConfig

MINUS = "\u2212"  # typographic minus, as people write it


class RiskLevel(StrEnum):
    """Churn risk level; also the risk a health band implies."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very high"

    @property
    def rank(self) -> int:
        """0 for low .. 3 for very high, for sorting and comparisons."""
        return list(RiskLevel).index(self)


class Band(StrEnum):
    """Health band; `.value` is the name a person reads."""

    EXCELLENT = "Excellent"
    GOOD = "Good"
    NEEDS_ATTENTION = "Needs Attention"
    CRITICAL = "Critical"

    @property
    def rank(self) -> int:
        """0 for Excellent .. 3 for Critical: a higher rank is worse."""
        return list(Band).index(self)

    @property
    def risk_level(self) -> RiskLevel:
        return list(RiskLevel)[self.rank]

    @property
    def emoji(self) -> str:
        """A colour cue for text: green, yellow, orange, red circle."""
        return ("\U0001f7e2", "\U0001f7e1", "\U0001f7e0", "\U0001f534")[self.rank]

    @property
    def slack_emoji(self) -> str:
        return (
            ":large_green_circle:",
            ":large_yellow_circle:",
            ":large_orange_circle:",
            ":red_circle:",
        )[self.rank]

    @property
    def color(self) -> str:
        """Hex colour for charts and attachments."""
        return ("#2e7d32", "#f9a825", "#ef6c00", "#c62828")[self.rank]

    def is_worse_than(self, other: Band) -> bool:
        return self.rank > other.rank


class Component(StrEnum):
    """The three parts of health."""

    BILLABILITY = "billability"
    ENGAGEMENT = "engagement"
    REVENUE = "revenue"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def half_up(value: float, digits: int = 1) -> float:
    """Round half away from zero, as people do by hand: 8.85 shows as 8.9, not 8.8.

    The tiny nudge absorbs binary error (0.3 * 29.5 is 8.849999...).
    """
    scale = 10**digits
    return math.copysign(math.floor(abs(value) * scale + 0.5 + 1e-9) / scale, value)


def fmt(value: float, digits: int = 1) -> str:
    """`value` with `digits` decimals, rounded half up."""
    return f"{half_up(value, digits):.{digits}f}"


_PART_INDEX: dict[str, int] = {c.value: i for i, c in enumerate(Component)}


def signed(value: float, digits: int = 1) -> str:
    """'+3.1', '\u22127.6' or '\u00b10.0': signed, with a real minus sign."""
    text = fmt(abs(value), digits)
    if float(text) == 0:
        return f"\u00b1{text}"
    return ("+" if value > 0 else MINUS) + text


@dataclass(frozen=True)
class ComponentValues:
    """Plain 0-100 values of the three parts; None where the data is missing."""

    billability: float | None = None
    engagement: float | None = None
    revenue: float | None = None


@dataclass(frozen=True)
class Reason:
    """One line of "why": a component's part of the score, or a note about missing data.

    `points` of all of a score's reasons sum to the score (missing parts carry 0).
    """

    text: str
    points: float
    component: Component | None = None
    value: float | None = None
    weight: float | None = None
    delta_points: float | None = None


@dataclass(frozen=True)
class ComponentScore:
    """One part of health: its value, weight, the points it adds, and how that changed."""

    component: Component
    value: float | None
    weight: float  # as configured
    effective_weight: float  # after missing parts' weight is shared out; 0 when missing
    points: float
    previous_value: float | None = None
    previous_points: float | None = None
    note: str | None = None  # why the value is missing, or what it was scored without

    @property
    def label(self) -> str:
        return self.component.label

    @property
    def missing(self) -> bool:
        return self.value is None

    @property
    def delta_points(self) -> float | None:
        if self.previous_points is None:
            return None
        return self.points - self.previous_points

    @property
    def detail(self) -> str:
        """The arithmetic, value times weight equals points, or why the part was not scored."""
        if self.value is None:
            return f"not scored: {self.note or 'no data'}"
        weight = fmt(self.effective_weight * 100, 0)
        return f"{fmt(self.value, 0)} \u00d7 {weight}% = {fmt(self.points)} pts"

    @property
    def text(self) -> str:
        """E.g. 'Billability 81\u219262 (\u22127.6 pts)'; 'Billability 62 (24.8 pts)' alone."""
        if self.value is None:
            return f"{self.label} not scored ({self.note or 'no data'})"
        delta = self.delta_points
        if delta is None or self.previous_value is None:
            return f"{self.label} {fmt(self.value, 0)} ({fmt(self.points)} pts)"
        before, now = fmt(self.previous_value, 0), fmt(self.value, 0)
        return f"{self.label} {before}\u2192{now} ({signed(delta)} pts)"

    @property
    def reason(self) -> Reason:
        return Reason(
            text=self.text,
            points=self.points,
            component=self.component,
            value=self.value,
            weight=self.effective_weight,
            delta_points=self.delta_points,
        )


def display_score(score: float, band_floor: float | None = None) -> str:
    """One decimal, never rounded up across the band's upper edge (79.96 shows as 79.9)."""
    shown = half_up(score, 1)
    if band_floor is not None and score < band_floor <= shown:
        shown = math.floor(score * 10) / 10
    return f"{shown:.1f}"


@dataclass(frozen=True)
class HealthScore:
    """Health 0-100 with its band, parts and reasons. `score` is unrounded; show `display`."""

    score: float
    band: Band
    components: tuple[ComponentScore, ...]  # always billability, engagement, revenue
    previous_score: float | None = None
    previous_band: Band | None = None
    missing: tuple[str, ...] = ()  # what data was missing, e.g. "Revenue (no revenue yet)"
    next_band_floor: float | None = None  # lower edge of the band above, for display

    @property
    def display(self) -> str:
        return display_score(self.score, self.next_band_floor)

    @property
    def has_data(self) -> bool:
        """False when no part could be scored: the score is then 0 and means 'no data yet'."""
        return any(c.value is not None for c in self.components)

    @property
    def risk_level(self) -> RiskLevel:
        return self.band.risk_level

    @property
    def change(self) -> float | None:
        if self.previous_score is None:
            return None
        return self.score - self.previous_score

    def component(self, which: Component | str) -> ComponentScore:
        """One part by name; `components` always holds billability, engagement, revenue."""
        return self.components[_PART_INDEX[which]]

    @property
    def billability(self) -> ComponentScore:
        return self.components[0]

    @property
    def engagement(self) -> ComponentScore:
        return self.components[1]

    @property
    def revenue(self) -> ComponentScore:
        return self.components[2]

    @property
    def points(self) -> dict[Component, float]:
        return {c.component: c.points for c in self.components}

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """Component reasons, biggest move first; their points sum to `score`."""
        return tuple(c.reason for c in _by_movement(self.components))

    @property
    def summary(self) -> str:
        """'Health fell 12.4 points: ' then each part's text, biggest move first."""
        parts = ", ".join(c.text for c in _by_movement(self.components) if not c.missing)
        change = self.change
        if change is None:
            head = f"Health {self.display} ({self.band.value})"
        elif half_up(change, 1) == 0:
            head = f"Health held at {self.display}"
        else:
            verb = "rose" if change > 0 else "fell"
            head = f"Health {verb} {fmt(abs(change))} points"
        text = f"{head}: {parts}." if parts else f"{head}."
        if self.missing:
            text += " Missing: " + "; ".join(self.missing) + "."
        return text


def _by_movement(components: tuple[ComponentScore, ...]) -> list[ComponentScore]:
    return sorted(components, key=lambda c: (c.missing, -abs(c.delta_points or 0.0)))


@dataclass(frozen=True)
class Trend:
    """How health moves: change against the previous window and the snapshots' slope."""

    change: float | None  # points of health against the previous equal window
    slope_per_day: float | None  # least-squares slope of daily snapshots; None under 2 points
    snapshots: int = 0  # how many daily scores the slope used
    window_days: int = 30

    @property
    def direction(self) -> str:
        """'rising', 'falling' or 'flat' (under 0.1 pt/day, or unknown)."""
        slope = self.slope_per_day
        if slope is None or abs(slope) < 0.1:
            return "flat"
        return "rising" if slope > 0 else "falling"

    @property
    def text(self) -> str:
        parts = []
        if self.change is not None:
            parts.append(f"{signed(self.change)} pts vs previous {self.window_days}d")
        if self.slope_per_day is not None:
            parts.append(f"{signed(self.slope_per_day, 2)} pts/day over {self.snapshots} days")
        return ", ".join(parts) if parts else "no history yet"


@dataclass(frozen=True)
class RiskFactor:
    """A named reason a group may churn, with the evidence and the points it adds."""

    id: str  # a FactorId value
    title: str
    evidence: str
    points: float

    @property
    def text(self) -> str:
        return f"{self.title}: {self.evidence} (+{fmt(self.points, 0)})"


@dataclass(frozen=True)
class RecommendedAction:
    """A playbook entry chosen because of a factor."""

    factor_id: str
    strategy: str
    actions: tuple[str, ...]


@dataclass(frozen=True)
class ChurnRisk:
    """Churn risk 0-100 from factor points, its level and the ARR that puts at risk."""

    score: float
    level: RiskLevel
    arr: float
    arr_at_risk: float
    factors: tuple[RiskFactor, ...] = ()  # most points first
    actions: tuple[RecommendedAction, ...] = ()

    @property
    def top(self) -> tuple[RiskFactor, ...]:
        """The three factors that explain most of the risk: the 'why'."""
        return self.factors[:3]

    @property
    def beyond_band(self) -> tuple[RiskFactor, ...]:
        """The factors other than the health band itself, which a band shown beside them
        already says ("Low health: Health 26.4 is Critical"); most points first."""
        return tuple(f for f in self.factors if f.id != FactorId.HEALTH_BAND)


@dataclass(frozen=True)
class GroupScore:
    """Everything scoring says about one group on one day for one window.

    `config` is the scoring config it was computed under: whatever shows the score (band
    zones, a churn what-if, a panel's thresholds) reads its rules from here, so it cannot
    show rules other than the ones behind the number beside it.
    """

    group_id: int
    name: str
    as_of: date
    window_days: int
    health: HealthScore
    trend: Trend
    churn: ChurnRisk
    config: ScoringConfig = field(repr=False)
    notes: tuple[str, ...] = field(default=())
