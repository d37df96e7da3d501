"""Health score and bands, against hand-computed numbers."""

from __future__ import annotations

from datetime import date

import pytest

from csbot.scoring import Band, Component, ComponentValues, RiskLevel, band_for, health_score
from csbot.scoring.config import BandThresholds
from csbot.scoring.health import band_crossings, band_floors
from csbot.scoring.types import Trend


def test_example_from_the_issue() -> None:
    result = health_score(billability=90, engagement=70, revenue=50)
    assert result.score == 72.0
    assert result.band is Band.GOOD
    assert result.band.value == "Good"
    assert result.points == {
        Component.BILLABILITY: 36.0,
        Component.ENGAGEMENT: 21.0,
        Component.REVENUE: 15.0,
    }
    assert result.display == "72.0"


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, Band.EXCELLENT),
        (80, Band.EXCELLENT),
        (79.99, Band.GOOD),
        (60, Band.GOOD),
        (59.99, Band.NEEDS_ATTENTION),
        (40, Band.NEEDS_ATTENTION),
        (39.99, Band.CRITICAL),
        (0, Band.CRITICAL),
    ],
)
def test_band_edges(score: float, band: Band) -> None:
    assert band_for(score) is band


def test_bands_carry_risk_level_and_cue() -> None:
    assert [b.risk_level for b in Band] == [
        RiskLevel.LOW,
        RiskLevel.MEDIUM,
        RiskLevel.HIGH,
        RiskLevel.VERY_HIGH,
    ]
    assert RiskLevel.VERY_HIGH.value == "very high"
    assert Band.CRITICAL.emoji == "\U0001f534"
    assert Band.CRITICAL.is_worse_than(Band.NEEDS_ATTENTION)


def test_custom_weights_and_bands() -> None:
    result = health_score(
        100, 0, 50, weights={"billability": 0.5, "engagement": 0.25, "revenue": 0.25}
    )
    assert result.score == pytest.approx(62.5)
    assert band_for(62.5, {"excellent": 90, "good": 70, "needs_attention": 50}) is (
        Band.NEEDS_ATTENTION
    )


def test_band_floors_name_each_band_with_its_configured_lower_edge() -> None:
    edges = BandThresholds(excellent=90, good=70, needs_attention=50)
    assert band_floors(edges) == {
        "Excellent": 90,
        "Good": 70,
        "Needs Attention": 50,
        "Critical": 0.0,
    }
    for name, floor in band_floors(edges).items():
        assert band_for(floor, edges).value == name


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": {"billability": 0.5, "engagement": 0.3, "revenue": 0.3}}, "sum to 1"),
        ({"weights": {"billabilty": 0.4}}, "billabilty: unknown key"),
        ({"weights": {"billability": -0.2, "engagement": 0.6, "revenue": 0.6}}, "billability"),
        ({"bands": {"excellent": 50, "good": 60, "needs_attention": 40}}, "ordered"),
    ],
)
def test_bad_config_says_which(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        health_score(50, 50, 50, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ((120, 50, 50), "billability"),
        ((50, -1, 50), "engagement"),
        ((50, 50, float("nan")), "revenue"),
    ],
)
def test_component_outside_range_is_refused(values: tuple[float, ...], name: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must be a number within 0-100"):
        health_score(*values)


def test_band_for_rejects_nan() -> None:
    with pytest.raises(ValueError) as caught:
        band_for(float("nan"))
    assert str(caught.value) == "score must be a number, got NaN"


def test_every_bad_key_is_named_in_one_message() -> None:
    with pytest.raises(ValueError) as caught:
        health_score(50, 50, 50, weights={"billabilty": 0.4, "revenu": 0.3})
    allowed = "allowed: billability, engagement, revenue"
    assert str(caught.value) == (
        f"bad health weights: billabilty: unknown key; {allowed}; revenu: unknown key; {allowed}"
    )


def test_reasons_and_summary_explain_a_fall() -> None:
    result = health_score(62, 55, 59, previous=ComponentValues(81, 70, 60))
    assert result.previous_score == pytest.approx(0.4 * 81 + 0.3 * 70 + 0.3 * 60)
    assert result.change == pytest.approx(-12.4)
    assert result.previous_band is Band.GOOD
    assert result.band is Band.NEEDS_ATTENTION
    assert result.billability.delta_points == pytest.approx(-7.6)
    assert result.summary == (
        "Health fell 12.4 points: Billability 81\u219262 (\u22127.6 pts), "
        "Engagement 70\u219255 (\u22124.5 pts), Revenue 60\u219259 (\u22120.3 pts)."
    )
    assert sum(r.points for r in result.reasons) == pytest.approx(result.score)
    assert result.reasons[0].component is Component.BILLABILITY
    assert result.reasons[0].weight == pytest.approx(0.4)


def test_no_previous_window_gives_a_plain_summary() -> None:
    result = health_score(90, 70, 50)
    assert result.change is None
    assert result.summary == (
        "Health 72.0 (Good): Billability 90 (36.0 pts), Engagement 70 (21.0 pts), "
        "Revenue 50 (15.0 pts)."
    )


def test_missing_part_is_reweighted_and_explained() -> None:
    result = health_score(
        None, 60, 30, notes={Component.BILLABILITY: "no active patients in the window"}
    )
    # engagement and revenue share the whole weight, 0.3/0.6 each
    assert result.score == pytest.approx(45.0)
    assert result.billability.missing
    assert result.billability.points == 0
    assert result.engagement.effective_weight == pytest.approx(0.5)
    assert [c.weight for c in result.components] == [0.4, 0.3, 0.3]  # as configured
    assert result.missing == ("Billability (no active patients in the window)",)
    assert "Missing: Billability (no active patients in the window)." in result.summary
    assert result.has_data


def test_no_data_at_all_is_flagged_not_silent() -> None:
    result = health_score(None, None, None)
    assert result.score == 0
    assert not result.has_data
    assert [c.effective_weight for c in result.components] == [0.0, 0.0, 0.0]
    assert result.missing == (
        "Billability (no data)",
        "Engagement (no data)",
        "Revenue (no data)",
    )
    assert "Missing:" in result.summary


def test_display_never_rounds_into_the_band_above() -> None:
    result = health_score(79.96, 79.96, 79.96)
    assert result.band is Band.GOOD
    assert result.display == "79.9"
    assert health_score(72.04, 72.04, 72.04).display == "72.0"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"weights": {"billabilty": 0.4}},
            "bad health weights: billabilty: unknown key; allowed: billability, engagement, "
            "revenue",
        ),
        (
            {"weights": {"billability": 0.5, "engagement": 0.3, "revenue": 0.3}},
            "bad health weights: health weights must sum to 1, got 1.1 (billability 0.5 + "
            "engagement 0.3 + revenue 0.3)",
        ),
        (
            {"bands": {"excellent": 50, "good": 60, "needs_attention": 40}},
            "bad band thresholds: band thresholds must be ordered excellent > good > "
            "needs_attention, got 50, 60, 40",
        ),
    ],
)
def test_bad_config_message_word_for_word(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        health_score(50, 50, 50, **kwargs)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_values_are_checked_word_for_word_and_the_range_is_inclusive() -> None:
    with pytest.raises(ValueError) as caught:
        health_score(50, 50, 50, previous=ComponentValues(50, 50, 101))
    assert str(caught.value) == "previous revenue must be a number within 0-100, got 101"
    with pytest.raises(ValueError) as caught:
        health_score(50, 100.5, 50)
    assert str(caught.value) == "engagement must be a number within 0-100, got 100.5"
    edges = health_score(0, 100, 0, previous=ComponentValues(100, 0, None))
    assert edges.score == pytest.approx(30.0)
    assert edges.previous_score == pytest.approx(100 * 0.4 / 0.7)


@pytest.mark.parametrize(
    ("values", "band", "floor"),
    [
        ((90, 90, 90), Band.EXCELLENT, None),
        ((70, 70, 70), Band.GOOD, 80),
        ((50, 50, 50), Band.NEEDS_ATTENTION, 60),
        ((10, 10, 10), Band.CRITICAL, 40),
    ],
)
def test_next_band_floor_is_the_edge_of_the_band_above(
    values: tuple[float, float, float], band: Band, floor: float | None
) -> None:
    result = health_score(*values)
    assert result.band is band
    assert result.next_band_floor == floor


def test_band_crossings_name_each_day_a_band_was_entered() -> None:
    days = [date(2026, 3, d) for d in range(1, 7)]
    points = list(zip(days, [85.0, 80.0, 79.9, 75.0, 39.0, 60.0], strict=True))
    assert band_crossings(points, BandThresholds()) == [
        (days[2], Band.GOOD),
        (days[4], Band.CRITICAL),
        (days[5], Band.GOOD),
    ]
    assert band_crossings(points[:1], BandThresholds()) == []


def test_previous_band_uses_the_configured_edges() -> None:
    edges = {"excellent": 90, "good": 70, "needs_attention": 50}
    result = health_score(60, 60, 60, previous=ComponentValues(85, 85, 85), bands=edges)
    assert (result.previous_band, result.band) == (Band.GOOD, Band.NEEDS_ATTENTION)
    # with the default edges the same windows read Excellent, then Good
    plain = health_score(60, 60, 60, previous=ComponentValues(85, 85, 85))
    assert (plain.previous_band, plain.band) == (Band.EXCELLENT, Band.GOOD)


def test_parts_are_listed_by_how_far_they_moved_and_a_small_rise_is_signed_plus() -> None:
    # revenue has no earlier value: it has no move and comes after even a small one
    result = health_score(50, 50, 50, previous=ComponentValues(34, 20, None))
    assert result.summary == (
        "Health rose 22.0 points: Engagement 20\u219250 (+6.4 pts), "
        "Billability 34\u219250 (+0.6 pts), Revenue 50 (15.0 pts)."
    )


def test_trend_text_signs_the_change_and_the_slope_to_two_decimals() -> None:
    assert Trend(change=-3.04, slope_per_day=0.126, snapshots=12).text == (
        "\u22123.0 pts vs previous 30d, +0.13 pts/day over 12 days"
    )
    assert Trend(change=None, slope_per_day=None).text == "no history yet"


def test_band_for_names_bad_thresholds_and_health_refuses_what_is_not_a_number() -> None:
    with pytest.raises(ValueError) as caught:
        band_for(50, {"excellent": 50, "good": 60, "needs_attention": 40})
    assert str(caught.value).startswith("bad band thresholds: band thresholds must be ordered")
    with pytest.raises(ValueError) as caught:
        health_score("50", 50, 50)  # type: ignore[arg-type]
    assert str(caught.value) == "billability must be a number within 0-100, got '50'"
