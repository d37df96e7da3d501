"""Properties every health score keeps, whatever the inputs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csbot.scoring import Band, ComponentValues, band_for, health_score

part = st.floats(min_value=0, max_value=100, allow_nan=False)
maybe_part = st.one_of(st.none(), part)


@st.composite
def weights(draw: st.DrawFn) -> dict[str, float]:
    a = draw(st.floats(min_value=0.01, max_value=1))
    b = draw(st.floats(min_value=0.01, max_value=1))
    c = draw(st.floats(min_value=0.01, max_value=1))
    total = a + b + c
    return {"billability": a / total, "engagement": b / total, "revenue": c / total}


@given(maybe_part, maybe_part, maybe_part, weights())
def test_health_stays_within_0_and_100(
    b: float | None, e: float | None, r: float | None, w: dict[str, float]
) -> None:
    result = health_score(b, e, r, weights=w)
    assert 0 <= result.score <= 100 + 1e-9


@given(maybe_part, maybe_part, maybe_part, maybe_part, maybe_part, maybe_part)
def test_reasons_points_sum_to_the_score(
    b: float | None,
    e: float | None,
    r: float | None,
    pb: float | None,
    pe: float | None,
    pr: float | None,
) -> None:
    result = health_score(b, e, r, previous=ComponentValues(pb, pe, pr))
    assert sum(reason.points for reason in result.reasons) == pytest.approx(result.score)
    if (
        result.previous_score is not None
        and all(c.delta_points is not None for c in result.components if not c.missing)
        and all(c.missing == (c.previous_value is None) for c in result.components)
    ):
        deltas = sum(c.delta_points or 0.0 for c in result.components)
        assert deltas == pytest.approx(result.score - result.previous_score, abs=1e-9)


@given(part, part, part, st.floats(min_value=0, max_value=100), st.sampled_from([0, 1, 2]))
def test_health_is_monotone_in_each_component(
    b: float, e: float, r: float, bump: float, which: int
) -> None:
    values = [b, e, r]
    higher = list(values)
    higher[which] = min(100.0, values[which] + bump)
    assert health_score(*higher).score >= health_score(*values).score - 1e-9


@given(st.floats(min_value=0, max_value=100))
def test_band_matches_the_thresholds(score: float) -> None:
    band = band_for(score)
    expected = (
        Band.EXCELLENT
        if score >= 80
        else Band.GOOD
        if score >= 60
        else Band.NEEDS_ATTENTION
        if score >= 40
        else Band.CRITICAL
    )
    assert band is expected


@given(part, part, part)
def test_display_agrees_with_the_band(b: float, e: float, r: float) -> None:
    result = health_score(b, e, r)
    assert band_for(float(result.display)) is result.band
