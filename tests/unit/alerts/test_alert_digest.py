"""The onboarding digest's numbers and message, and where alerts and digests are routed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from csbot.alerts.delivery import channel_for
from csbot.alerts.digest import EMPTY, digest_card, digest_cards, progress_of
from csbot.config import load_settings
from csbot.scoring.inputs import GroupProfile
from csbot.scoring.panel_inputs import TaskEntry
from csbot.store.onboarding import OnboardingGroup
from csbot.store.outbox import GroupTarget

MONDAY = date(2026, 3, 30)
PHASES = ("Kickoff", "Data migration", "Configuration")


def _done(days_ago: int) -> datetime:
    return datetime.combine(MONDAY - timedelta(days=days_ago), datetime.min.time(), UTC)


def _group(
    *done_days_ago: int | None, go_live_in: int = 40, channel: str | None = "C0TEAM", gid: int = 1
) -> OnboardingGroup:
    """Six tasks, two per phase, done the given days ago (None: open) in order."""
    tasks = []
    for n in range(6):
        ago = done_days_ago[n] if n < len(done_days_ago) else None
        tasks.append(
            TaskEntry(
                phase=PHASES[n // 2],
                name=f"Task {n + 1}",
                sort_order=n,
                due=MONDAY - timedelta(days=10 - 3 * n),
                done_at=_done(ago) if ago is not None else None,
            )
        )
    profile = GroupProfile(
        gid,
        f"Clinic {gid}",
        contract_start=MONDAY - timedelta(days=40),
        onboarding_phase="Data migration",
        go_live_date=MONDAY + timedelta(days=go_live_in),
    )
    target = GroupTarget(gid, profile.name, "U0CSM0001", "Team East", channel)
    return OnboardingGroup(profile, target, tuple(tasks))


def test_progress_counts_the_week_the_overdue_and_the_phases() -> None:
    progress = progress_of(_group(20, 3, 6), as_of=MONDAY, stalled_after=14)
    assert progress.done_this_week == 2  # 3 and 6 days ago; 20 days ago is older
    assert [round(p.pct_done) for p in progress.metrics.phases] == [100, 50, 0]
    assert round(progress.pct_done) == 50
    assert [t.name for t in progress.metrics.overdue] == ["Task 4"]  # due 1 day ago, open
    assert progress.stalled_days is None
    assert progress.go_live is None  # 40 days away


def test_a_group_with_nothing_done_for_two_weeks_is_stalled_and_near_go_lives_show() -> None:
    stalled = progress_of(_group(30, 16, go_live_in=10), as_of=MONDAY, stalled_after=14)
    assert stalled.stalled_days == 16
    assert stalled.go_live == MONDAY + timedelta(days=10)
    untouched = progress_of(_group(), as_of=MONDAY, stalled_after=14)
    assert untouched.stalled_days == 40  # nothing done since the contract began
    finished = progress_of(_group(30, 30, 30, 30, 30, 30), as_of=MONDAY, stalled_after=14)
    assert finished.stalled_days is None  # complete is not stalled


def test_the_digest_message_and_its_empty_week() -> None:
    groups = [
        progress_of(_group(20, 3, 6), as_of=MONDAY, stalled_after=14),
        progress_of(_group(30, 16, go_live_in=10, gid=2), as_of=MONDAY, stalled_after=14),
    ]
    card = digest_card(groups, as_of=MONDAY)
    blocks = card.blocks(chart_file_id="F1")  # validated against Slack's models and limits
    text = "\n".join(str(b.get("text", {}).get("text", "")) for b in blocks)
    assert blocks[0]["text"]["text"] == "Onboarding digest · week to 30 Mar 2026"
    assert "*2 groups onboarding* · 2 tasks completed this week" in text
    assert "*Clinic 1* · <@U0CSM0001> · Data migration · 50% done" in text
    assert "Kickoff 100% · Data migration 50% · Configuration 0%" in text
    assert ":warning: stalled 16 days" in text
    assert ":rocket: go-live 9 Apr 2026 (in 10 days)" in text
    assert card.chart is not None and card.chart.kwargs["phases"] == ["Clinic 1", "Clinic 2"]
    assert any(b["type"] == "image" for b in blocks)
    empty = digest_card([], as_of=MONDAY)
    assert [b["type"] for b in empty.blocks()] == ["section"]
    assert empty.text.endswith(EMPTY)


def test_each_channel_gets_its_groups_and_configured_ones_hear_an_empty_week() -> None:
    settings = load_settings(
        _env_file=None,
        CSBOT_DEFAULT_CHANNEL="C0DEFAULT",
        CSBOT_TEAM_CHANNELS='{"Team East": "C0EAST", "Team West": "C0WEST"}',
    )
    routed = [
        ("C0EAST", progress_of(_group(3), as_of=MONDAY, stalled_after=14)),
        (None, progress_of(_group(3, gid=2), as_of=MONDAY, stalled_after=14)),
    ]
    cards = digest_cards(routed, settings=settings, as_of=MONDAY)
    assert sorted(cards) == ["C0DEFAULT", "C0EAST", "C0WEST"]
    assert "Clinic 1" in cards["C0EAST"].text
    assert cards["C0WEST"].text.endswith(EMPTY) and cards["C0DEFAULT"].text.endswith(EMPTY)


def test_routing_prefers_the_groups_channel_then_its_team_then_the_default() -> None:
    settings = load_settings(
        _env_file=None,
        CSBOT_DEFAULT_CHANNEL="C0DEFAULT",
        CSBOT_TEAM_CHANNELS='{"Team East": "C0EAST"}',
    )
    target = GroupTarget(1, "Clinic", "U0CSM0001", "Team East", "C0OWN")
    assert channel_for(target, settings) == "C0OWN"
    assert channel_for(replace(target, alert_channel=None), settings) == "C0EAST"
    other_team = replace(target, alert_channel=None, csm_team="Team West")
    assert channel_for(other_team, settings) == "C0DEFAULT"
    bare = load_settings(_env_file=None)
    assert channel_for(replace(target, alert_channel=None), bare) is None
