"""The renewals card: who renews in the window, at-risk groups first and soonest first within,
every number a CSM checks, buttons that carry their group, valid Block Kit, escaped names."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from syrupy.assertion import SnapshotAssertion

from csbot.commands.card import CardState
from csbot.commands.panels.base import Panel
from csbot.commands.renewals import (
    MAX_ROWS,
    RenewalRow,
    RenewalsState,
    renewal_csv_rows,
    renewal_rows,
    renewals_card,
)
from csbot.errors import InputError
from csbot.scoring import default_config, score_groups
from csbot.scoring.inputs import GroupInputs, SupportFacts
from tests.unit.scoring.scoring_builders import AS_OF, STEADY_USAGE, steady

NOW = datetime(2026, 3, 31, 14, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")
# (patients billable, active users, documents): Good 74.0, Needs Attention 50.0, Critical 33.3
LEVELS = {"good": (800, 240, 1200), "attention": (200, 240, 1200), "critical": (100, 60, 200)}


def _inputs(gid: int, name: str, level: str, renews_in: int, **changes: Any) -> GroupInputs:
    billable, users, docs = LEVELS[level]
    usage = replace(STEADY_USAGE, patients_billable=billable, active_users=users, documents=docs)
    base = steady(usage=usage)
    profile = replace(
        base.profile, id=gid, name=name, renewal_date=AS_OF + timedelta(days=renews_in)
    )
    return replace(base, profile=profile, **changes)


GROUPS = {
    1: _inputs(1, "Alder Clinic", "good", 10),
    2: _inputs(2, "Birch Pediatrics", "critical", 80, support=SupportFacts(open_high_priority=2)),
    3: _inputs(3, "Cedar Health", "attention", 30, last_touch=None),
    4: _inputs(4, "Dogwood & Sons <MD>", "good", 5),
    5: _inputs(5, "Elm Family Practice", "good", 200),  # outside 120 days
    6: _inputs(6, "Fir Clinic", "critical", -3),  # renewed three days ago: not coming up
}


def _rows(days: int = 120, plans: set[int] | None = None) -> list[RenewalRow]:
    scores = score_groups(GROUPS, default_config())
    return renewal_rows(GROUPS, scores, as_of=AS_OF, days=days, plans=plans or {2})


def _card(rows: list[RenewalRow], state: RenewalsState | None = None) -> list[dict[str, Any]]:
    card = renewals_card(
        rows, state=state or RenewalsState(), as_of=AS_OF, computed_at=NOW, tz=UTC_ZONE,
        window_days=30,
    )  # fmt: skip
    return card.blocks()  # validated against slack-sdk's models and Slack's limits


def _rows_of(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b.get("block_id", "").startswith("renewal_row.")]


def test_at_risk_groups_come_first_then_the_soonest() -> None:
    rows = _rows()
    assert [r.name for r in rows] == [
        "Cedar Health",  # Needs Attention, 30 days
        "Birch Pediatrics",  # Critical, 80 days
        "Dogwood & Sons <MD>",  # Good, 5 days
        "Alder Clinic",  # Good, 10 days
    ]
    assert [r.days_left for r in rows] == [30, 80, 5, 10]
    assert [r.name for r in _rows(days=10)] == ["Dogwood & Sons <MD>", "Alder Clinic"]


def test_each_row_shows_date_arr_health_risk_tickets_touch_and_plan() -> None:
    blocks = _card(_rows())
    texts = _rows_of(blocks)
    birch = texts[1].split("\n")
    assert birch[0] == "*Birch Pediatrics* · renews *19 Jun 2026* (in 80 days) · $120k ARR"
    assert birch[1].startswith(":red_circle: Health *33.3* Critical (")
    assert "churn risk" in birch[1] and "at risk*" in birch[1]
    assert birch[2] == (
        "2 open high-priority tickets · last CS touch 20 Mar 2026 (11 days ago) · "
        "success plan active"
    )
    cedar = texts[0].split("\n")[2]
    assert cedar == "no open high-priority tickets · no CS touch on record · no active success plan"
    assert texts[2].startswith("*Dogwood &amp; Sons &lt;MD&gt;* · renews")


def test_buttons_open_the_card_log_a_meeting_and_record_the_outcome_for_their_group() -> None:
    blocks = _card(_rows(), RenewalsState(90, private=True))
    buttons = [b for b in blocks if b.get("block_id", "").startswith("renewal_buttons.")]
    assert [b["block_id"] for b in buttons] == [f"renewal_buttons.{g}" for g in (3, 2, 4, 1)]
    for block in buttons:
        gid = int(block["block_id"].split(".")[1])
        opened, log, outcome = block["elements"]
        assert (opened["action_id"], log["action_id"]) == (f"open_card:{gid}", f"log_meeting:{gid}")
        assert outcome["action_id"] == f"record_outcome:{gid}"
        assert CardState.decode(opened["value"]) == CardState(gid, Panel.OVERVIEW, 30, True)
        assert log["value"] == opened["value"] == outcome["value"]


def test_the_horizon_select_and_export_carry_the_state() -> None:
    blocks = _card(_rows(days=45), RenewalsState(45))
    [select_block] = [b for b in blocks if b["block_id"].startswith("renewals_filter.")]
    select, export = select_block["elements"]
    values = [o["value"] for o in select["options"]]
    assert [RenewalsState.decode(v).days for v in values] == [30, 45, 60, 90, 120, 180, 365]
    assert select["initial_option"]["value"] == "renewals.45"
    assert (export["action_id"], export["value"]) == ("export:renewals", "renewals.45")
    assert blocks[0]["text"]["text"] == "Renewals · next 45 days"
    # Dogwood and Alder are at low risk (5% of $120k each), Cedar at high (35%): $54k
    assert [r.score.churn.level.value for r in _rows(days=45)] == ["high", "low", "low"]
    assert blocks[1]["text"]["text"] == (
        "*3 groups* renew in the next 45 days · $360k ARR · *$54k at risk* · "
        "1 in Needs Attention or Critical"
    )


def test_no_renewals_say_so() -> None:
    blocks = _card([], RenewalsState(7))
    assert any(
        b.get("text", {}).get("text") == "No group renews in the next 7 days." for b in blocks
    )


def test_more_rows_than_fit_point_to_the_csv() -> None:
    many = {g: _inputs(g, f"Group {g:02d}", "good", g) for g in range(1, 31)}
    rows = renewal_rows(many, score_groups(many, default_config()), as_of=AS_OF, days=120)
    blocks = _card(rows)
    assert len(_rows_of(blocks)) == MAX_ROWS and len(blocks) <= 50
    assert "and 10 more: `/cs export renewals 120d`" in str(blocks[-1])


def test_csv_rows_hold_the_cards_numbers_in_its_order() -> None:
    rows = renewal_csv_rows(_rows())
    assert [r["group"] for r in rows] == [
        "Cedar Health", "Birch Pediatrics", "Dogwood & Sons <MD>", "Alder Clinic",
    ]  # fmt: skip
    birch = rows[1]
    assert (birch["renewal_date"], birch["days_left"], birch["arr"]) == (
        date(2026, 6, 19),
        80,
        120_000.0,
    )
    assert (birch["band"], birch["health"], birch["open_high_priority_tickets"]) == (
        "Critical",
        33.3,
        2,
    )
    assert (birch["last_cs_touch"], birch["success_plan_active"]) == (date(2026, 3, 20), True)
    assert rows[0]["last_cs_touch"] is None and rows[0]["success_plan_active"] is False


@pytest.mark.parametrize("state", [RenewalsState(), RenewalsState(30, private=True)])
def test_the_state_round_trips(state: RenewalsState) -> None:
    assert RenewalsState.decode(state.encode()) == state


@pytest.mark.parametrize(
    "value", ["", "renewals", "renewals.0", "renewals.400", "list.30", "x.y.p"]
)
def test_a_forged_state_is_refused(value: str) -> None:
    with pytest.raises(InputError):
        RenewalsState.decode(value)


def test_the_card_snapshot(snapshot: SnapshotAssertion) -> None:
    assert _card(_rows()) == snapshot
