"""Adoption panel: core and advanced features adopted, the journey, what to recommend next."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from csbot.scoring.panel_inputs import FeatureEntry, PanelData
from csbot.scoring.panels._common import Count, plural, share
from csbot.scoring.types import fmt

HEAVY_USE = 50  # uses at which a feature counts as part of the routine


@dataclass(frozen=True)
class FeatureStatus:
    feature: str
    tier: str  # core / advanced
    adopted: bool  # ever used by the window's end
    active: bool  # used in the window
    first_used: date | None
    last_used: date | None
    uses: int


@dataclass(frozen=True)
class Milestone:
    name: str
    day: date | None
    reached: bool


@dataclass(frozen=True)
class AdoptionMetrics:
    core_adopted: int
    core_total: int
    advanced_adopted: int
    advanced_total: int
    features: tuple[FeatureStatus, ...]  # core first, then by name
    funnel: tuple[Count, ...]  # available, tried, used in the window, used routinely
    milestones: tuple[Milestone, ...]
    recommendations: tuple[FeatureStatus, ...]  # not adopted (core first), then lapsed
    projected_impact: str
    insights: tuple[str, ...]

    @property
    def core_adopted_pct(self) -> float | None:
        return share(self.core_adopted, self.core_total)

    @property
    def advanced_adopted_pct(self) -> float | None:
        return share(self.advanced_adopted, self.advanced_total)

    @property
    def adopted_pct(self) -> float | None:
        return share(
            self.core_adopted + self.advanced_adopted, self.core_total + self.advanced_total
        )


def _status(f: FeatureEntry, start: date, end: date) -> FeatureStatus:
    adopted = f.first_used is not None and f.first_used <= end and f.uses > 0
    active = adopted and f.last_used is not None and start <= f.last_used
    return FeatureStatus(f.feature, f.tier, adopted, active, f.first_used, f.last_used, f.uses)


def _when_all(features: list[FeatureStatus]) -> date | None:
    if not features or not all(f.adopted and f.first_used for f in features):
        return None
    return max(f.first_used for f in features if f.first_used)


def _milestones(data: PanelData, features: list[FeatureStatus]) -> tuple[Milestone, ...]:
    core = [f for f in features if f.tier == "core"]
    advanced = [f for f in features if f.tier == "advanced"]
    firsts = [f.first_used for f in features if f.adopted and f.first_used]
    first_advanced = [f.first_used for f in advanced if f.adopted and f.first_used]
    as_of = data.window.as_of
    steps = [
        ("Contract signed", data.profile.contract_start),
        ("Went live", data.profile.go_live_date),
        ("First feature used", min(firsts, default=None)),
        ("All core features adopted", _when_all(core)),
        ("First advanced feature", min(first_advanced, default=None)),
        ("All advanced features adopted", _when_all(advanced)),
    ]
    return tuple(Milestone(name, day, day is not None and day <= as_of) for name, day in steps)


def _recommend(features: list[FeatureStatus]) -> tuple[FeatureStatus, ...]:
    unused = [f for f in features if not f.adopted]
    lapsed = [f for f in features if f.adopted and not f.active]
    order = {"core": 0, "advanced": 1}
    unused.sort(key=lambda f: (order.get(f.tier, 2), f.feature))
    return tuple(unused + lapsed)[:5]


def _impact(features: list[FeatureStatus], picks: tuple[FeatureStatus, ...]) -> str:
    if not features:
        return "No feature usage recorded yet."
    now = sum(1 for f in features if f.adopted)
    gain = sum(1 for f in picks if not f.adopted)
    if not gain:
        return "Every feature is adopted; keep lapsed ones in use."
    before, after = 100 * now / len(features), 100 * (now + gain) / len(features)
    return (
        f"Adopting the {plural(gain, 'recommended feature')} would lift adoption from "
        f"{fmt(before, 0)}% to {fmt(after, 0)}%."
    )


def _insights(m: AdoptionMetrics) -> tuple[str, ...]:
    out = []
    if m.core_total:
        out.append(f"Core features: {m.core_adopted} of {m.core_total} adopted")
    if m.advanced_total:
        out.append(f"Advanced features: {m.advanced_adopted} of {m.advanced_total} adopted")
    lapsed = [f.feature for f in m.features if f.adopted and not f.active]
    if lapsed:
        out.append(f"Not used lately: {', '.join(lapsed[:3])}")
    return tuple(out)


def adoption_metrics(data: PanelData) -> AdoptionMetrics:
    """The adoption panel's numbers, journey and recommendations at the window's end."""
    window = data.window
    features = sorted(
        (_status(f, window.start, window.as_of) for f in data.features),
        key=lambda f: (f.tier != "core", f.feature),
    )
    core = [f for f in features if f.tier == "core"]
    advanced = [f for f in features if f.tier == "advanced"]
    picks = _recommend(features)
    metrics = AdoptionMetrics(
        core_adopted=sum(f.adopted for f in core),
        core_total=len(core),
        advanced_adopted=sum(f.adopted for f in advanced),
        advanced_total=len(advanced),
        features=tuple(features),
        funnel=(
            Count("Available", len(features)),
            Count("Tried", sum(f.adopted for f in features)),
            Count(f"Used in the last {window.days} days", sum(f.active for f in features)),
            Count(f"Used {HEAVY_USE}+ times", sum(f.uses >= HEAVY_USE for f in features)),
        ),
        milestones=_milestones(data, features),
        recommendations=picks,
        projected_impact=_impact(features, picks),
        insights=(),
    )
    return replace(metrics, insights=_insights(metrics))
