"""Alert messages: valid Block Kit, what a CS manager reads, buttons with the right ids, and
how acknowledging and snoozing show."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from syrupy.assertion import SnapshotAssertion

from csbot.alerts.messages import (
    AlertFacts,
    Handled,
    alert_card,
    facts_for,
    health_chart,
    posted_chart,
    recovered_message,
)
from csbot.commands.card import CardState
from csbot.scoring import Band, GroupScore
from csbot.scoring.config import BandThresholds
from csbot.slack import blockkit as bk
from tests.unit.alerts.alert_builders import blocks_text, falling_score

BERLIN = ZoneInfo("Europe/Berlin")


def _falling() -> GroupScore:
    return falling_score("Acme & Sons")


def _facts(**changes: object) -> AlertFacts:
    score = _falling()
    facts = facts_for(
        score, kind="crossing", from_band=Band.GOOD, to_band=score.health.band, csm="U0CSM0001"
    )
    return facts.model_copy(update=changes)


def test_facts_carry_the_score_the_reasons_and_the_money() -> None:
    score = _falling()
    facts = _facts()
    assert facts.to_band is Band.NEEDS_ATTENTION
    assert facts.score == score.health.display
    assert facts.change == score.health.change
    assert len(facts.reasons) == 3
    assert all("pts" in r for r in facts.reasons)
    assert facts.arr_at_risk == score.churn.arr_at_risk
    assert facts.actions and facts.actions[0].startswith("*")
    assert not any("is Needs Attention" in r for r in facts.risks)  # the band is the header
    assert AlertFacts.model_validate(facts.model_dump(mode="json")) == facts  # the payload


def test_the_alert_says_what_happened_to_whom_and_why() -> None:
    facts = _facts()
    card = alert_card(facts, alert_id=42, tz=BERLIN)
    blocks = card.blocks()
    text = blocks_text(blocks)
    assert blocks[0]["text"]["text"] == ":large_orange_circle: Acme & Sons: Needs Attention"
    assert "*Good → Needs Attention*" in text
    assert f"Health *{facts.score}*" in text
    assert "pts vs previous 30 days" in text
    assert "<@U0CSM0001>" in text
    assert "Acme &amp; Sons" not in blocks[0]["text"]["text"]  # plain text is not escaped
    assert "*ARR at risk*" in text and "*Churn risk*" in text
    for reason in facts.reasons:
        assert bk.escape(reason) in text
    assert "*Recommended actions*" in text
    assert card.text == f"Acme & Sons is now Needs Attention (health {facts.score})"


def test_the_buttons_open_the_card_log_a_meeting_snooze_and_acknowledge() -> None:
    facts = _facts()
    blocks = alert_card(facts, alert_id=42, tz=BERLIN).blocks()
    buttons = next(b for b in blocks if b["type"] == "actions")["elements"]
    ids = [(b["action_id"], b["value"]) for b in buttons]
    card = CardState(facts.group_id, window_days=30, private=True).encode()
    assert ids == [
        (f"open_card:{facts.group_id}", card),
        ("log_meeting", card),
        ("snooze:7", "42"),
        ("snooze:30", "42"),
        ("acknowledge", "42"),
    ]


def test_acknowledged_and_snoozed_alerts_say_by_whom_and_drop_the_acknowledge_button() -> None:
    handled = Handled(
        acknowledged_by="U0000000001",
        acknowledged_at=datetime(2026, 3, 21, 8, 5, tzinfo=UTC),
        snoozed_by="U0000000002",
        snoozed_until=date(2026, 3, 28),
    )
    blocks = alert_card(_facts(), alert_id=42, tz=BERLIN, handled=handled).blocks()
    text = blocks_text(blocks)
    assert "Acknowledged by <@U0000000001> on 21 Mar 2026 at 09:05 CET" in text
    assert "Snoozed by <@U0000000002>: no new alerts for this group until 28 Mar 2026" in text
    buttons = next(b for b in blocks if b["type"] == "actions")["elements"]
    assert "acknowledge" not in [b["action_id"] for b in buttons]


def test_a_first_alert_without_a_known_band_and_without_an_owner() -> None:
    text = blocks_text(alert_card(_facts(from_band=None, csm=None), alert_id=1, tz=BERLIN).blocks())
    assert "*Now Needs Attention*" in text
    assert "no CSM owner on record" in text


def test_the_chart_is_placed_once_uploaded_and_kept_on_redraw() -> None:
    facts = _facts()
    points = [(date(2026, 3, d), 70.0 - d) for d in range(1, 31)]
    chart = health_chart(facts, points, BandThresholds())
    assert chart is not None
    assert chart.kwargs["thresholds"]["Good"] == 60
    assert health_chart(facts, points[:1], BandThresholds()) is None
    card = alert_card(facts, alert_id=1, tz=BERLIN, chart=chart)
    images = [b for b in card.blocks(chart_file_id="F1") if b["type"] == "image"]
    assert images[0]["slack_file"] == {"id": "F1"}
    assert posted_chart(facts) is None
    kept = posted_chart(_facts(chart_file_id="F1"))
    redrawn = alert_card(facts, alert_id=1, tz=BERLIN, chart=kept)
    assert any(b["type"] == "image" for b in redrawn.blocks(chart_file_id="F1"))


def test_recovered_note() -> None:
    facts = _facts(kind="recovered", from_band=Band.CRITICAL, to_band=Band.GOOD, score="64.2")
    text, blocks = recovered_message(facts)
    assert text == "Acme & Sons recovered: Critical → Good (health 64.2)"
    assert "*Acme &amp; Sons recovered*: Critical → Good · Health *64.2*" in blocks_text(blocks)


def test_the_alert_reads_as_before(snapshot: SnapshotAssertion) -> None:
    facts = _facts(day=date(2026, 3, 21))
    assert alert_card(facts, alert_id=42, tz=BERLIN).blocks() == snapshot
