"""Health: the weighted sum of billability, engagement and revenue, its band and reasons.

A part with no data is left out and its weight shared among the parts that have data, so a
new group gets a score from what it has plus a note saying what was missing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from itertools import pairwise
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


def band_crossings(
    points: Sequence[tuple[date, float]], edges: BandThresholds
) -> list[tuple[date, Band]]:
    """The days a daily health series entered another band, with the band entered."""
    bands = [(day, band_for(score, edges)) for day, score in points]
    return [(day, band) for (_, was), (day, band) in pairwise(bands) if band is not was]


def band_floors(edges: BandThresholds) -> dict[str, float]:
    """Each band's lower edge by the name a person reads, Critical from 0: a chart's zones."""
    return {
        Band.EXCELLENT.value: edges.excellent,
        Band.GOOD.value: edges.good,
        Band.NEEDS_ATTENTION.value: edges.needs_attention,
        Band.CRITICAL.value: 0.0,
    }


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


# The parts in a fixed order; plain tuples keep scoring 10,000 groups fast (Enum lookups are not).
_PARTS = (Component.BILLABILITY, Component.ENGAGEMENT, Component.REVENUE)
_Triple = tuple[float | None, float | None, float | None]


def _triple(values: ComponentValues | None) -> _Triple:
    if values is None:
        return (None, None, None)
    return (values.billability, values.engagement, values.revenue)


def _effective_weights(values: _Triple, weights: tuple[float, ...]) -> tuple[float, ...]:
    """Configured weights, with the weight of missing parts shared out in proportion."""
    kept = [0.0 if v is None else w for v, w in zip(values, weights, strict=True)]
    total = kept[0] + kept[1] + kept[2]
    return (kept[0] / total, kept[1] / total, kept[2] / total) if total > 0 else (0.0, 0.0, 0.0)


def _points(values: _Triple, effective: tuple[float, ...]) -> tuple[float | None, ...]:
    return tuple(None if v is None else v * e for v, e in zip(values, effective, strict=True))


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
    values, before_values = (billability, engagement, revenue), _triple(previous)
    for part, value, old in zip(_PARTS, values, before_values, strict=True):
        _check_value(part.value, value)
        _check_value(f"previous {part.value}", old)
    configured = (w.billability, w.engagement, w.revenue)
    components = _components(values, before_values, configured, notes or {})
    score = sum(c.points for c in components)
    previous_score = _previous_score(tuple(c.previous_points for c in components))
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


def _components(
    values: _Triple,
    before_values: _Triple,
    configured: tuple[float, ...],
    notes: Mapping[Component, str],
) -> tuple[ComponentScore, ...]:
    """Each part's points now and over the previous window; a missing part's weight goes to
    the parts that have data (`_effective_weights`)."""
    effective = _effective_weights(values, configured)
    current = _points(values, effective)
    before = _points(before_values, _effective_weights(before_values, configured))
    return tuple(
        ComponentScore(
            component=_PARTS[i],
            value=values[i],
            weight=configured[i],
            effective_weight=effective[i],
            points=current[i] or 0.0,
            previous_value=before_values[i],
            previous_points=before[i],
            note=notes.get(_PARTS[i]) or ("no data" if values[i] is None else None),
        )
        for i in range(3)
    )


def _previous_score(points: tuple[float | None, ...]) -> float | None:
    known = [p for p in points if p is not None]
    return sum(known) if known else None
