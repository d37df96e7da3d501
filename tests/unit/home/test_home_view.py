"""App Home for a CSM and for a lead: valid for slack-sdk's View model, inside Slack's 100 blocks,
groups by band worst first with score, change and top risk, and buttons that carry their state."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.views import View
from syrupy.assertion import SnapshotAssertion

from csbot.commands.card import CardState
from csbot.commands.listing import ListState
from csbot.commands.panels.base import Panel
from csbot.home.model import AlertLine, MeetingLine, OnboardingLine, Portfolio
from csbot.home.view import MAX_HOME_BLOCKS, home_charts, home_view
from csbot.scoring import GroupScore, score_group
from csbot.scoring.config import default_config
from csbot.scoring.inputs import UsageTotals
from csbot.scoring.trend import mean_health_trend
from csbot.scoring.types import Band
from csbot.slack.ids import ActionId
from csbot.slack.render import ChartSpec
from tests.unit.scoring.scoring_builders import AS_OF, STEADY_USAGE, steady

NOW = datetime(2026, 3, 31, 14, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
# (patients billable, active users, documents) -> Excellent 89.5, Good 74.0, Good 62.0,
# Needs Attention 50.0, Critical 33.3
LEVELS = {
    "excellent": (1000, 300, 2400),
    "good": (800, 240, 1200),
    "falling": (500, 240, 1200),
    "attention": (200, 240, 1200),
    "critical": (100, 60, 200),
}


def _score(gid: int, name: str, level: str) -> GroupScore:
    billable, users, docs = LEVELS[level]
    usage = replace(STEADY_USAGE, patients_billable=billable, active_users=users, documents=docs)
    inputs = steady(usage=usage)
    return score_group(
        replace(inputs, profile=replace(inputs.profile, id=gid, name=name)), default_config()
    )


def _empty(gid: int, name: str) -> GroupScore:
    inputs = steady(usage=UsageTotals(), previous_usage=UsageTotals(), revenue_months=())
    return score_group(
        replace(inputs, profile=replace(inputs.profile, id=gid, name=name)), default_config()
    )


CSM_SCORES = (
    _score(1, "Alder Clinic", "good"),
    _score(2, "Birch Pediatrics", "critical"),
    _score(3, "Cedar Health", "falling"),
    _score(4, "Dogwood & Sons <MD>", "attention"),
    _empty(5, "Elm Startup"),
)
ALERT = AlertLine(7, 2, "Birch Pediatrics", Band.NEEDS_ATTENTION, Band.CRITICAL, AS_OF)
MEETING = MeetingLine(
    3, "Cedar Health", "Quarterly business review", datetime(2026, 4, 2, 15, 0, tzinfo=UTC), 60
)
ONBOARDING = OnboardingLine(1, "Alder Clinic", "Training", 12, 20, 3)


def _portfolio(**changes: Any) -> Portfolio:
    base = Portfolio(
        user_id="U0CSM0001",
        scores=CSM_SCORES,
        as_of=AS_OF,
        computed_at=NOW,
        bands=default_config().bands,
        alerts=(ALERT,),
        alerts_total=1,
        meetings=(MEETING,),
        meetings_total=1,
        onboarding=(ONBOARDING,),
        trend=((date(2026, 3, 29), 55.0), (date(2026, 3, 30), 54.0), (AS_OF, 53.0)),
    )
    return replace(base, **changes)


def _lead(**changes: Any) -> Portfolio:
    return _portfolio(everyone=True, can_export=True, can_acknowledge=True, **changes)


def _blocks(view: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    return [b for b in view["blocks"] if str(b.get("block_id", "")).split(".")[0] == prefix]


def _text(block: dict[str, Any]) -> str:
    return str(block["text"]["text"])


def _elements(view: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for b in view["blocks"]:
        out += b.get("elements", []) if b["type"] == "actions" else []
        out += [b["accessory"]] if "accessory" in b else []
    return out


def _valid(view: dict[str, Any]) -> None:
    View(**view).validate_json()
    assert view["type"] == "home"
    assert len(view["blocks"]) <= MAX_HOME_BLOCKS


def test_csm_home_lists_their_groups_by_band_worst_first() -> None:
    view = home_view(_portfolio(), tz=NEW_YORK)
    _valid(view)
    assert view["blocks"][0]["text"]["text"] == "Your portfolio · 5 groups"
    bands = [_text(b) for b in _blocks(view, "home_band")]
    assert bands == [
        ":red_circle: *Critical* · 1",
        ":large_orange_circle: *Needs Attention* · 1",
        ":large_yellow_circle: *Good* · 2",
    ]
    rows = [_text(b) for b in _blocks(view, "home_row")]
    assert [r.split("*")[1] for r in rows] == [
        "Birch Pediatrics",
        "Dogwood &amp; Sons &lt;MD&gt;",
        "Cedar Health",
        "Alder Clinic",
    ]
    assert rows[0] == (
        "*Birch Pediatrics*  33.3 · \u221240.8 pts\n"
        "_Health falling: Health fell 40.8 points against the previous 30 days_"
    )  # the band is the row's colour and number; the row names what else is wrong
    assert "1 group without usage data yet" in str(_blocks(view, "home_footer"))


def test_open_buttons_send_the_groups_card_to_the_persons_dm() -> None:
    view = home_view(_portfolio(), tz=NEW_YORK)
    opens = [e for e in _elements(view) if e["action_id"].startswith("open_card:")]
    assert {e["action_id"] for e in opens} >= {f"open_card:{g}" for g in (1, 2, 3, 4)}
    for e in opens:
        state = CardState.decode(e["value"])
        assert (state.panel, state.window_days, state.private) == (Panel.OVERVIEW, 30, True)
        assert e["action_id"] == f"open_card:{state.group_id}"


def test_a_csm_can_refresh_and_log_but_not_export_or_acknowledge() -> None:
    view = home_view(_portfolio(), tz=NEW_YORK)
    [actions] = _blocks(view, "actions")
    assert [e["action_id"] for e in actions["elements"]] == ["refresh", "log_ticket", "log_meeting"]
    [alert] = _blocks(view, "home_alert")
    assert _text(alert) == (
        ":red_circle: *Birch Pediatrics*: Needs Attention \u2192 Critical on 31 Mar"
    )
    assert alert["accessory"]["action_id"] == "open_card:2"


def test_lead_home_shows_every_group_with_export_and_acknowledge() -> None:
    view = home_view(_lead(), tz=NEW_YORK)
    _valid(view)
    assert view["blocks"][0]["text"]["text"] == "Portfolio · all 5 groups"
    [actions] = _blocks(view, "actions")
    export = actions["elements"][-1]
    assert export["action_id"] == f"{ActionId.EXPORT}:list"
    assert ListState.decode(export["value"]) == ListState(None, 30, private=True)
    [alert] = _blocks(view, "home_alert")
    assert (alert["accessory"]["action_id"], alert["accessory"]["value"]) == ("acknowledge", "7")


def test_an_alert_with_no_known_band_before_reads_now_its_band() -> None:
    """A first alert whose band before is unknown (csbot.alerts.crossing) is no invented move."""
    moved = home_view(_lead(), tz=NEW_YORK)
    first = home_view(_lead(alerts=(replace(ALERT, from_band=None),)), tz=NEW_YORK)
    _valid(first)
    [was] = _blocks(moved, "home_alert")
    [now] = _blocks(first, "home_alert")
    assert "*Birch Pediatrics*: Needs Attention → Critical on " in _text(was)
    assert "*Birch Pediatrics*: now Critical on " in _text(now) and "→" not in _text(now)


def test_meetings_in_the_configured_zone_and_onboarding_progress() -> None:
    view = home_view(_portfolio(meetings_total=14), tz=NEW_YORK)
    [meetings] = _blocks(view, "home_meetings")
    assert _text(meetings) == (
        "*Meetings this week*\n"
        "• Thu 2 Apr 11:00 · *Cedar Health* · Quarterly business review (60 min)\n"
        "_and 13 more_"
    )
    [onboarding] = _blocks(view, "home_onboarding")
    assert _text(onboarding) == (
        "*Onboarding*\n• *Alder Clinic* · Training: 12 of 20 tasks (60%), 3 overdue"
    )


def _big(n: int) -> tuple[GroupScore, ...]:
    levels = list(LEVELS)
    return tuple(_score(i, f"Group {i:03d}", levels[i % len(levels)]) for i in range(1, n + 1))


def test_a_big_portfolio_fits_100_blocks_and_points_to_cs_list() -> None:
    scores = _big(300)
    alerts = tuple(replace(ALERT, id=i) for i in range(1, 9))
    meetings = (MEETING,) * 10
    view = home_view(
        _lead(scores=scores, alerts=alerts, alerts_total=40, meetings=meetings, meetings_total=25),
        tz=NEW_YORK,
    )
    _valid(view)
    assert MAX_HOME_BLOCKS - 2 <= len(view["blocks"]) <= MAX_HOME_BLOCKS  # rows use the room
    headings = [_text(b) for b in _blocks(view, "home_band")]
    assert [h.split(" · ")[1] for h in headings] == ["60", "60", "120", "60"]
    more = [b["elements"][0]["text"] for b in _blocks(view, "home_more")]
    assert more[0] == "and 35 more in the alert channels"
    assert "and 60 more: `/cs list excellent`" in more
    assert any("`/cs list good`" in m for m in more)
    shown = [int(_text(b).split("*")[1].split()[1]) for b in _blocks(view, "home_row")]
    worst = sorted(
        (s for s in scores if s.health.band is Band.CRITICAL),
        key=lambda s: (s.health.score, s.health.change or 0.0, s.name),
    )
    assert shown == [s.group_id for s in worst[: len(shown)]]  # the worst groups are shown
    assert len(shown) >= 30 and len(_blocks(view, "home_row_log")) == len(shown)


def test_an_empty_portfolio_says_how_to_find_groups() -> None:
    view = home_view(
        _portfolio(scores=(), alerts=(), meetings=(), onboarding=()), tz=ZoneInfo("UTC")
    )
    _valid(view)
    assert view["blocks"][0]["text"]["text"] == "Your portfolio · 0 groups"
    [empty] = _blocks(view, "home_empty")
    assert "`/cs list` shows every group" in _text(empty)
    assert home_charts(_portfolio(scores=())) == []


def test_portfolio_charts_are_distribution_and_trend() -> None:
    dist, trend = home_charts(_portfolio())
    assert dist.name == "health_distribution"
    assert dist.kwargs["band_counts"] == {
        "Excellent": 0,
        "Good": 2,
        "Needs Attention": 1,
        "Critical": 1,
    }
    assert trend.name == "health_trend"
    assert trend.kwargs["scores"] == [55.0, 54.0, 53.0]
    assert trend.kwargs["thresholds"]["Good"] == 60
    assert [c.name for c in home_charts(_portfolio(trend=((AS_OF, 53.0),)))] == [
        "health_distribution"
    ]


def test_uploaded_charts_show_as_slack_file_images() -> None:
    specs = home_charts(_portfolio())
    files = list(zip(specs, ["F0000000001", "F0000000002"], strict=True))
    view = home_view(_portfolio(), tz=NEW_YORK, chart_files=files)
    _valid(view)
    images = [b for b in view["blocks"] if b["type"] == "image"]
    assert [i["slack_file"] for i in images] == [{"id": "F0000000001"}, {"id": "F0000000002"}]
    assert images[0]["alt_text"].startswith("Groups per band: 0 Excellent, 2 Good")


@pytest.mark.parametrize("lead", [False, True], ids=["csm", "lead"])
def test_home_as_a_person_reads_it(lead: bool, snapshot: SnapshotAssertion) -> None:
    chart = ChartSpec("health_distribution", {}, "Groups per band", "Health distribution")
    view = home_view(
        _lead() if lead else _portfolio(), tz=NEW_YORK, chart_files=[(chart, "F0000000001")]
    )
    assert view == snapshot


def test_mean_health_trend_ends_with_the_mean_of_todays_scored_groups() -> None:
    before = [(AS_OF - timedelta(days=2), 50.0), (AS_OF - timedelta(days=1), 55.0)]
    scored = [s for s in CSM_SCORES if s.health.has_data]
    today = sum(s.health.score for s in scored) / len(scored)
    assert mean_health_trend(before, CSM_SCORES, AS_OF) == [*before, (AS_OF, today)]
    # a group without data is no zero in the mean, and no group with data means no point today
    assert mean_health_trend(before, [_empty(9, "New")], AS_OF) == before
