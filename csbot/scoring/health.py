"""Health: the weighted sum of billability, engagement and revenue, its band and reasons.

A part with no data is left out and its weight shared among the parts that have data, so a
new group gets a score from what it has plus a note saying what was missing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from csbot.scoring.config import BandThresholds, HealthWeights
from csbot.scoring.types import Band, Component, ComponentScore, ComponentValues, HealthScore

_M = TypeVar("_M", bound=BaseModel)


def _coerce(model: type[_M], given: _M | Mapping[str, float] | None, what: str) -> _M:
    """Accept a config model or a plain mapping; a bad one raises ValueError saying why."""
    if given is None:
        return model()
    if isinstance(given, model):
        return given
    try:
        return model.model_validate(dict(given))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            message = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = f"unknown key; allowed: {', '.join(model.model_fields)}"
            problems.append(f"{key}: {message}" if key else message)
        raise ValueError(f"bad {what}: " + "; ".join(problems)) from None


def band_for(score: float, thresholds: BandThresholds | Mapping[str, float] | None = None) -> Band:
    """The band a score falls in; a score on an edge belongs to the band above (80 is Excellent)."""
    edges = _coerce(BandThresholds, thresholds, "band thresholds")
    if math.isnan(score):
        raise ValueError("score must be a number, got NaN")
    if score >= edges.excellent:
        return Band.EXCELLENT
    if score >= edges.good:
        return Band.GOOD
    if score >= edges.needs_attention:
        return Band.NEEDS_ATTENTION
    return Band.CRITICAL


def _next_floor(band: Band, edges: BandThresholds) -> float | None:
    return {
        Band.GOOD: edges.excellent,
        Band.NEEDS_ATTENTION: edges.good,
        Band.CRITICAL: edges.needs_attention,
    }.get(band)


def _check_value(name: str, value: float | None) -> None:
    if value is None:
        return
    if not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= 100:
        raise ValueError(f"{name} must be a number within 0-100, got {value!r}")


def _effective_weights(values: ComponentValues, weights: HealthWeights) -> dict[Component, float]:
    """Configured weights, with the weight of missing parts shared out in proportion."""
    present = {c: getattr(weights, c.value) for c in Component if values.get(c) is not None}
    total = sum(present.values())
    return {c: (present[c] / total if c in present and total > 0 else 0.0) for c in Component}


def _points(values: ComponentValues, weights: HealthWeights) -> dict[Component, float | None]:
    effective = _effective_weights(values, weights)
    return {c: (None if (v := values.get(c)) is None else v * effective[c]) for c in Component}


def health_score(
    billability: float | None,
    engagement: float | None,
    revenue: float | None,
    *,
    previous: ComponentValues | None = None,
    weights: HealthWeights | Mapping[str, float] | None = None,
    bands: BandThresholds | Mapping[str, float] | None = None,
    notes: Mapping[Component, str] | None = None,
) -> HealthScore:
    """Health 0-100 from its parts (each 0-100, None when missing), with band and reasons.

    `previous` holds the parts over the previous equal window, for changes and the summary;
    `notes` says why a part is missing, or what it was scored without (e.g. no seats).
    Bad weights, bands or values raise ValueError saying which.
    """
    w = _coerce(HealthWeights, weights, "health weights")
    edges = _coerce(BandThresholds, bands, "band thresholds")
    values = ComponentValues(billability, engagement, revenue)
    for c in Component:
        _check_value(c.value, values.get(c))
        _check_value(f"previous {c.value}", previous.get(c) if previous else None)
    notes = notes or {}
    current = _points(values, w)
    before = _points(previous, w) if previous is not None else dict.fromkeys(Component)
    effective = _effective_weights(values, w)
    components = tuple(
        ComponentScore(
            component=c,
            value=values.get(c),
            weight=getattr(w, c.value),
            effective_weight=effective[c],
            points=current[c] or 0.0,
            previous_value=previous.get(c) if previous else None,
            previous_points=before[c],
            note=notes.get(c) or ("no data" if values.get(c) is None else None),
        )
        for c in Component
    )
    score = sum(c.points for c in components)
    previous_score = _previous_score(before)
    band = band_for(score, edges)
    return HealthScore(
        score=score,
        band=band,
        components=components,
        previous_score=previous_score,
        previous_band=None if previous_score is None else band_for(previous_score, edges),
        missing=tuple(f"{c.label} ({c.note})" for c in components if c.note),
        next_band_floor=_next_floor(band, edges),
    )


def _previous_score(points: Mapping[Component, float | None]) -> float | None:
    known = [p for p in points.values() if p is not None]
    return sum(known) if known else None
