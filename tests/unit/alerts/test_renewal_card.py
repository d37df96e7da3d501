"""The renewal reminder: valid Block Kit with the risk alert's buttons; renewal date, ARR, health,
band and trend, churn risk with its reasons in points, ARR at risk and the playbook; every
name escaped, the notification text included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from syrupy.assertion import SnapshotAssertion

from csbot.alerts.messages import Handled, alert_card, facts_for
from csbot.alerts.renewal_card import (
    RenewalFacts,
    posted_renewal_chart,
    renewal_card,
    renewal_chart,
    renewal_facts,
)
from csbot.commands.card import CardState
from csbot.scoring import Band, GroupScore
from csbot.scoring.config import BandThresholds
from csbot.slack import blockkit as bk
from tests.unit.alerts.alert_builders import blocks_text, falling_score
from tests.unit.scoring.scoring_builders import AS_OF

BERLIN = ZoneInfo("Europe/Berlin")
RENEWAL = AS_OF + timedelta(days=60)
NAME = "Acme & <Sons> *MD*"


def _score() -> GroupScore:
    return falling_score(NAME)


def _facts(score: GroupScore | None = None, **changes: object) -> RenewalFacts:
    facts = renewal_facts(
        1, NAME, renewal=RENEWAL, lead=60, day=AS_OF, window_days=30, arr=120_000.0,
        csm="U0CSM0001", score=score if score is not None else _score(),
    )  # fmt: skip
    return facts.model_copy(update=changes)


def test_the_reminder_says_when_how_much_and_how_the_group_is_doing() -> None:
    score = _score()
    card = renewal_card(_facts(), alert_id=41, tz=BERLIN)
    blocks = card.blocks()
    text = blocks_text(blocks)
    assert blocks[0]["text"]["text"] == f":calendar: {NAME}: renews in 60 days"
    assert "Renews *30 May 2026* (in 60 days) · *$120k* ARR\nOwner: <@U0CSM0001>" in text
    health = score.health
    assert f"*Health*\n{health.band.slack_emoji} {health.display} {health.band.value} (" in text
    assert f"*Trend*\n{score.trend.direction}" in text
    assert f"*Churn risk*\n{score.churn.level.value} (" in text
    assert "*ARR at risk*\n$" in text and "of $120k" in text
    for factor in score.churn.factors[:3]:  # the top reasons, with their points
        assert f"• {bk.escape(factor.text)}" in text and "(+" in factor.text
    assert "*Recommended actions*" in text
    assert "60-day renewal reminder" in text
    assert card.text == f"{NAME} renews on 30 May 2026, in 60 days ($120k ARR)"  # escaped when sent


def test_names_are_escaped_wherever_slack_reads_mrkdwn() -> None:
    text = blocks_text(renewal_card(_facts(), alert_id=41, tz=BERLIN).blocks())
    assert "<Sons>" not in text.replace(f":calendar: {NAME}", "")  # the header is plain text


def test_it_has_the_risk_alerts_buttons() -> None:
    blocks = renewal_card(_facts(), alert_id=41, tz=BERLIN).blocks()
    [buttons] = [b for b in blocks if b["type"] == "actions"]
    assert [e["action_id"] for e in buttons["elements"]] == [
        "open_card:1", "log_meeting", "snooze:7", "snooze:30", "acknowledge",
    ]  # fmt: skip
    assert CardState.decode(buttons["elements"][0]["value"]) == CardState(1, private=True)
    assert [e["value"] for e in buttons["elements"][2:]] == ["41", "41", "41"]


def test_acknowledged_and_snoozed_show_who_and_drop_the_acknowledge_button() -> None:
    handled = Handled(
        acknowledged_by="U0LEAD0001",
        acknowledged_at=datetime(2026, 3, 31, 8, 5, tzinfo=UTC),
        snoozed_by="U0LEAD0001",
        snoozed_until=date(2026, 4, 7),
    )
    blocks = renewal_card(_facts(), alert_id=41, tz=BERLIN, handled=handled).blocks()
    text = blocks_text(blocks)
    assert "Acknowledged by <@U0LEAD0001> on 31 Mar 2026 at 10:05 CEST" in text
    assert "until 7 Apr 2026" in text
    [buttons] = [b for b in blocks if b["type"] == "actions"]
    assert "acknowledge" not in [e["action_id"] for e in buttons["elements"]]


def test_a_group_without_usage_data_still_gets_its_reminder() -> None:
    facts = renewal_facts(
        2, "New Clinic", renewal=RENEWAL, lead=90, day=AS_OF, window_days=30, arr=50_000.0,
        csm=None, score=None,
    )  # fmt: skip
    blocks = renewal_card(facts, alert_id=5, tz=BERLIN).blocks()
    text = blocks_text(blocks)
    assert "*Health*\nno usage data yet" in text and "no CSM owner on record" in text
    assert "*Top risks*" not in text


def test_the_chart_is_the_groups_health_and_is_kept_for_redraws() -> None:
    facts = _facts()
    points = [(AS_OF - timedelta(days=d), 70.0 - d) for d in range(5, -1, -1)]
    chart = renewal_chart(facts, points, BandThresholds())
    assert chart is not None and chart.name == "health_trend"
    assert chart.kwargs["scores"] == [65.0, 66.0, 67.0, 68.0, 69.0, 70.0]
    assert renewal_chart(facts, points[:1], BandThresholds()) is None
    assert posted_renewal_chart(facts) is None
    kept = facts.model_copy(update={"chart_file_id": "F1"})
    card = renewal_card(kept, alert_id=41, tz=BERLIN, chart=posted_renewal_chart(kept))
    assert any(b.get("slack_file") == {"id": "F1"} for b in card.blocks(chart_file_id="F1"))


def test_facts_survive_the_outbox_payload() -> None:
    facts = _facts()
    assert RenewalFacts.model_validate(facts.model_dump(mode="json")) == facts


def test_a_risk_alert_flags_a_renewal_within_90_days() -> None:
    score = _score()
    facts = facts_for(
        score, kind="crossing", from_band=Band.GOOD, to_band=Band.NEEDS_ATTENTION,
        csm="U0CSM0001", renewal=RENEWAL,
    )  # fmt: skip
    headline = alert_card(facts, alert_id=3, tz=BERLIN).blocks()[1]["text"]["text"]
    assert headline.endswith("\n:calendar: *Renews 30 May 2026*, in 60 days")


def test_the_reminder_snapshot(snapshot: SnapshotAssertion) -> None:
    assert renewal_card(_facts(), alert_id=41, tz=BERLIN).blocks() == snapshot
