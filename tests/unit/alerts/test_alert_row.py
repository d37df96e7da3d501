"""The outbox row a crossing writes: the band it came from, the CSM to mention, and the renewal
date, flagged from the alert's own day to `renewal_soon_days` after it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from csbot.alerts.crossing import AlertPolicy, Crossing, Decision, Kind
from csbot.alerts.jobs import _new_alert, policy_for
from csbot.config import load_settings
from csbot.scoring import Band
from csbot.store.outbox import GroupTarget
from tests.unit.alerts.alert_builders import falling_score

DAY = date(2026, 3, 31)


def _row(kind: Kind, renewal: date | None, within: int = 90) -> dict[str, object]:
    score = falling_score("Acme")
    crossing = Crossing(7, kind, Band.GOOD, score.health.band, DAY, score.health.display)
    target = GroupTarget(7, "Acme", "U0CSM0001", "Central", "C0ALERTS01", renewal)
    alert = _new_alert(Decision(7, crossing, score.health.band), score, target, within)
    assert (alert.group_id, alert.kind, alert.day) == (7, kind.value, DAY)
    assert (alert.from_band, alert.to_band) == ("Good", score.health.band.value)
    return alert.payload


def test_the_row_names_the_band_before_and_the_csm() -> None:
    payload = _row(Kind.CROSSING, None)
    assert (payload["from_band"], payload["csm"], payload["renewal_date"]) == (
        "Good", "U0CSM0001", None,
    )  # fmt: skip


@pytest.mark.parametrize(("days", "flagged"), [(-1, False), (0, True), (1, True), (89, True),
                                               (90, True), (91, False)])  # fmt: skip
def test_the_renewal_is_flagged_from_the_alert_day_to_renewal_soon_days_after(
    days: int, flagged: bool
) -> None:
    renewal = DAY + timedelta(days=days)
    payload = _row(Kind.CROSSING, renewal)
    assert payload["renewal_date"] == (renewal.isoformat() if flagged else None)


def test_a_recovery_flags_no_renewal() -> None:
    assert _row(Kind.RECOVERED, DAY + timedelta(days=10))["renewal_date"] is None


def test_the_alert_policy_comes_from_csbot_alert_margin_and_days() -> None:
    settings = load_settings(_env_file=None, CSBOT_ALERT_MARGIN="5", CSBOT_ALERT_DAYS="3")
    assert policy_for(settings) == AlertPolicy(margin=5.0, consecutive_days=3)
