"""The card frame: valid Block Kit inside Slack's limits, the header and headline a person reads,
controls that carry their state, and the context line in the configured time zone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from syrupy.assertion import SnapshotAssertion

from csbot.commands.card import CardState, frame
from csbot.commands.panels import BUILDERS, health, overview
from csbot.commands.panels.base import Fact, Panel, PanelView
from csbot.errors import InputError
from csbot.scoring import GroupScore, score_group
from csbot.scoring.config import default_config
from csbot.scoring.inputs import GroupProfile, UsageTotals
from csbot.scoring.panel_inputs import PanelData, UsageDay
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, BlockId
from csbot.slack.message import Card
from csbot.slack.render import ChartSpec
from tests.unit.scoring.scoring_builders import AS_OF, STEADY_USAGE, steady

BERLIN = ZoneInfo("Europe/Berlin")
COMPUTED = datetime(2026, 3, 31, 12, 5, tzinfo=UTC)  # 14:05 CEST
CHART = ChartSpec("health_trend", {"days": [], "scores": [], "thresholds": {}}, "Health trend")


def _score(name: str = "Steady Clinic") -> GroupScore:
    """Steady this window; busier the window before, so health fell and the card says by how
    much."""
    busier = replace(STEADY_USAGE, patients_billable=950, documents=2400)
    inputs = steady(previous_usage=busier)
    return score_group(
        replace(inputs, profile=replace(inputs.profile, name=name)), default_config()
    )


def _view(**changes: Any) -> PanelView:
    base = PanelView(
        title="Health",
        headline="",
        facts=(Fact("ARR", "$120k"), Fact("Seats", "10")),
        sections=(("What moved", "• Billability 95→80 (\u22126.0 pts)"),),
        actions=("Call the practice manager",),
        chart=CHART,
    )
    return replace(base, **changes)


def _card(view: PanelView | None = None, state: CardState | None = None, **kw: Any) -> Card:
    state = state or CardState(1, Panel.HEALTH, 30)
    return frame(
        view or _view(),
        state=state,
        score=kw.get("score") or _score(),
        data_as_of=kw.get("data_as_of", date(2026, 3, 30)),
        computed_at=COMPUTED,
        tz=BERLIN,
    )


def _block(blocks: list[dict[str, Any]], block_id: str) -> dict[str, Any]:
    return next(b for b in blocks if str(b.get("block_id", "")).split(".")[0] == block_id)


def _texts(block: dict[str, Any]) -> list[str]:
    return [e["text"] for e in block["elements"]]


def test_card_blocks_are_valid_with_and_without_the_chart() -> None:
    card = _card()
    without = card.blocks()
    with_chart = card.blocks(chart_file_id="F0000000042")
    bk.validate_message(card.text, without)
    bk.validate_message(card.text, with_chart)
    assert len(with_chart) == len(without) + 1
    image = _block(with_chart, BlockId.CHART)
    assert image["slack_file"] == {"id": "F0000000042"}
    assert image["alt_text"] == "Health trend"


def test_each_upload_gets_its_own_image_block_id() -> None:
    card = _card()
    first = _block(card.blocks(chart_file_id="F1"), BlockId.CHART)["block_id"]
    second = _block(card.blocks(chart_file_id="F2"), BlockId.CHART)["block_id"]
    assert first != second


def test_header_names_group_and_panel_within_150_characters() -> None:
    assert _block(_card().blocks(), BlockId.HEADER)["text"]["text"] == "Steady Clinic · Health"
    long = _card(score=_score("Acme " * 60))
    header = _block(long.blocks(), BlockId.HEADER)["text"]["text"]
    assert len(header) <= 150 and header.endswith("…")


def test_notification_text_names_group_panel_and_health_once() -> None:
    score = _score()
    health = f"{score.health.display} ({score.health.band.value})"
    assert _card(score=score).text == f"Steady Clinic · Health {health}"
    engagement = _card(_view(title="Engagement"), CardState(1, Panel.ENGAGEMENT, 30), score=score)
    assert engagement.text == f"Steady Clinic · Engagement: health {health}"


def test_headline_shows_score_band_emoji_and_signed_change() -> None:
    score = _score()
    text = _block(_card(score=score).blocks(), BlockId.HEADLINE)["text"]["text"]
    assert score.health.change is not None and score.health.change < 0
    assert text.startswith(f"{score.health.band.slack_emoji} *Health {score.health.display}*")
    assert score.health.band.value in text
    assert "\u2212" in text and "pts vs previous 30 days" in text


def test_headline_says_when_there_is_no_data() -> None:
    empty = score_group(steady(usage=UsageTotals(), previous_usage=UsageTotals(),
                               revenue_months=()), default_config())  # fmt: skip
    text = _block(_card(score=empty).blocks(), BlockId.HEADLINE)["text"]["text"]
    assert "No usage data yet" in text


def test_controls_start_on_the_current_group_and_window() -> None:
    controls = _block(_card().blocks(), BlockId.CONTROLS)
    group, window = controls["elements"]
    assert group["type"] == "external_select" and group["action_id"] == ActionId.GROUP_SELECT
    assert group["initial_option"]["text"]["text"] == "Steady Clinic"
    assert CardState.decode(group["initial_option"]["value"]) == CardState(1, Panel.HEALTH, 30)
    assert [o["text"]["text"] for o in window["options"]] == ["7 days", "30 days", "90 days"]
    assert window["initial_option"]["text"]["text"] == "30 days"
    days = [CardState.decode(o["value"]).window_days for o in window["options"]]
    assert days == [7, 30, 90]


def test_an_unusual_window_shows_as_its_own_option() -> None:
    controls = _block(_card(state=CardState(1, Panel.HEALTH, 42)).blocks(), BlockId.CONTROLS)
    window = controls["elements"][1]
    labels = [o["text"]["text"] for o in window["options"]]
    assert labels == ["7 days", "30 days", "6 weeks", "90 days"]
    assert window["initial_option"]["text"]["text"] == "6 weeks"


def test_controls_block_id_changes_with_the_state() -> None:
    """Slack keeps a select's old choice across chat.update unless its block is new."""
    one = _block(_card(state=CardState(1, Panel.HEALTH, 30)).blocks(), BlockId.CONTROLS)
    two = _block(_card(state=CardState(1, Panel.HEALTH, 90)).blocks(), BlockId.CONTROLS)
    assert one["block_id"] != two["block_id"]


def test_one_button_per_panel_and_the_current_one_is_primary() -> None:
    buttons = _block(_card().blocks(), BlockId.PANELS)["elements"]
    assert [b["text"]["text"] for b in buttons] == [p.label for p in Panel]
    assert [b["action_id"] for b in buttons] == [f"panel:{p.value}" for p in Panel]
    assert [b.get("style") for b in buttons if b.get("style")] == ["primary"]
    assert buttons[list(Panel).index(Panel.HEALTH)]["style"] == "primary"
    states = [CardState.decode(b["value"]) for b in buttons]
    assert states == [CardState(1, panel, 30) for panel in Panel]


def test_private_state_survives_every_control() -> None:
    blocks = _card(state=CardState(1, Panel.HEALTH, 30, private=True)).blocks()
    values = [b["value"] for b in _block(blocks, BlockId.PANELS)["elements"]]
    values += [o["value"] for o in _block(blocks, BlockId.CONTROLS)["elements"][1]["options"]]
    assert all(CardState.decode(v).private for v in values)


def test_facts_reasons_actions_then_the_context_line() -> None:
    blocks = _card().blocks(chart_file_id="F1")
    kinds = [str(b.get("block_id", "")).split(".")[0] for b in blocks]
    assert kinds == ["header", "headline", "controls", "panels", "facts", "chart", "reasons",
                     "actions", "log", "context"]  # fmt: skip
    facts = _block(blocks, BlockId.FACTS)["fields"]
    assert [f["text"] for f in facts] == ["*ARR*\n$120k", "*Seats*\n10"]
    assert _block(blocks, BlockId.REASONS)["text"]["text"].startswith("*What moved*\n")
    assert "• Call the practice manager" in _block(blocks, BlockId.ACTIONS)["text"]["text"]
    assert _texts(_block(blocks, BlockId.CONTEXT)) == [
        "30 days to 31 Mar 2026",
        "data as of 30 Mar 2026",
        "computed at 14:05 CEST",
    ]


def test_context_says_when_there_is_no_usage_at_all() -> None:
    context = _block(_card(data_as_of=None).blocks(), BlockId.CONTEXT)
    assert "no usage data yet" in _texts(context)


def test_limits_hold_for_a_panel_that_says_too_much() -> None:
    view = _view(
        facts=tuple(Fact(f"Fact {n}", "x" * 3000) for n in range(14)),
        sections=tuple((f"Part {n}", "word " * 1000) for n in range(60)),
        actions=tuple("do this " * 50 for _ in range(40)),
    )
    blocks = _card(view).blocks(chart_file_id="F1")
    assert len(blocks) <= 50
    assert len(_block(blocks, BlockId.FACTS)["fields"]) == 10
    bk.validate_message("x", blocks)


def test_card_state_round_trips_and_rejects_what_csbot_never_wrote() -> None:
    state = CardState(42, Panel.CHURN, 90, private=True)
    assert state.encode() == "42.churn.90.p"
    assert CardState.decode(state.encode()) == state
    for junk in ("", "42", "x.health.30", "42.nope.30", "42.health.0", "42.health.999"):
        with pytest.raises(InputError):
            CardState.decode(junk)


def _panel_data(score: GroupScore) -> PanelData:
    inputs = steady()
    usage = tuple(UsageDay(date(2026, 3, d), 8, 10, 100.0, 40, 33, 27) for d in range(2, 32))
    profile = GroupProfile(1, "Steady Clinic", "growth", 10, 120_000.0, date(2027, 1, 1))
    return PanelData(profile=profile, window=inputs.window, inputs=inputs, usage=usage)


@pytest.mark.parametrize("module", [overview, health], ids=["overview", "health"])
def test_my_panels_frame_into_a_card_a_person_can_read(
    module: Any, snapshot: SnapshotAssertion
) -> None:
    score = _score()
    view = module.build(_panel_data(score), score)
    panel = Panel(module.__name__.rsplit(".", 1)[1])
    card = frame(view, state=CardState(1, panel, 30), score=score, data_as_of=AS_OF,
                 computed_at=COMPUTED, tz=BERLIN)  # fmt: skip
    assert view.chart is not None
    assert card.blocks(chart_file_id="F0000000001") == snapshot


def test_every_panel_has_a_builder() -> None:
    assert list(BUILDERS) == list(Panel)
