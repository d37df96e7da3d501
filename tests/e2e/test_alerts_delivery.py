"""Alerts reaching Slack: a month of mornings replayed under freezegun against the fake Slack
Web API, with and without faults, and the digest of the demo's onboarding groups."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from csbot.alerts.digest import run_digest
from csbot.alerts.jobs import run_daily
from csbot.cli import main
from csbot.config import Settings
from csbot.scoring.config import default_config
from csbot.scoring.panels.onboarding import onboarding_metrics
from csbot.scoring.types import fmt
from csbot.services import Services, utc_now
from csbot.store import models as m
from csbot.store.db import transaction
from csbot.store.demo import Archetype
from csbot.store.panel_data import load_panel_data
from tests.e2e.fakeslack import Call, FakeSlack
from tests.integration.alert_support import (
    AS_OF,
    DEFAULT_CHANNEL,
    START,
    alert_settings,
    days,
    load_demo_groups,
    own_services,
)

MORNING = time(6, 0)
ACME_DAY = date(2026, 3, 21)  # the demo's slide first reaches 58 (60 minus the margin)


@pytest.fixture
def settings(fake_slack: FakeSlack, tmp_path: Path) -> Settings:
    return alert_settings(f"sqlite:///{tmp_path / 'alerts.sqlite3'}", fake_slack.api_url)


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def services(settings: Settings, waits: list[float]) -> Iterator[Services]:
    with own_services(settings, utc_now, sleep=waits.append, migrate=True) as built:
        yield built


@pytest.fixture
def groups(services: Services) -> dict[Archetype, list[int]]:
    return load_demo_groups(services.sessions)


def _mornings(services: Services, start: date, end: date) -> None:
    """Every morning from `start` to `end`, as the scheduler would fire, with time frozen."""
    for day in days(start, end):
        with freeze_time(datetime.combine(day, MORNING, tzinfo=UTC)):
            run_daily(services)


def _posted(fake: FakeSlack) -> list[Call]:
    """The messages Slack accepted (a faulted call left nothing behind)."""
    return [c for c in fake.calls_to("chat.postMessage") if c.status == 200]


def _names(services: Services) -> dict[int, str]:
    with transaction(services.sessions) as session:
        return dict(session.execute(select(m.PhysicianGroup.id, m.PhysicianGroup.name)).all())


def _alerts(services: Services) -> list[m.Alert]:
    with transaction(services.sessions) as session:
        return list(session.scalars(select(m.Alert).order_by(m.Alert.id)))


def test_a_month_of_mornings_posts_each_crossing_once_with_its_reasons(
    services: Services, fake_slack: FakeSlack, groups: dict[Archetype, list[int]]
) -> None:
    _mornings(services, START, AS_OF)
    names = _names(services)
    acme, collapsing = groups[Archetype.DECLINING][0], groups[Archetype.COLLAPSING][0]
    posts = _posted(fake_slack)
    texts = [str(c.params["text"]).split(" (")[0] for c in posts]
    texts = [t for t in texts if " renews on " not in t]  # renewal reminders: their own tests
    assert [t for t in texts if t.startswith(names[acme])] == [
        "Acme Family Medicine is now Needs Attention"
    ]
    assert [t for t in texts if t.startswith(names[collapsing])] == [
        f"{names[collapsing]} is now Needs Attention",
        f"{names[collapsing]} is now Critical",
    ]
    alerts = _alerts(services)
    assert len(posts) == len(alerts)
    assert {a.state for a in alerts} == {"sent"}

    acme_alert = next(a for a in alerts if a.group_id == acme and a.kind == "crossing")
    assert acme_alert.day == ACME_DAY
    post = next(c for c in posts if str(c.params["text"]).startswith("Acme Family Medicine is"))
    body = json.dumps(post.json_param("blocks"), ensure_ascii=False)
    assert "Good → Needs Attention" in body
    soon = (date(2026, 5, 22) - ACME_DAY).days  # the demo's Acme renews 52 days after AS_OF
    assert f":calendar: *Renews 22 May 2026*, in {soon} days" in body  # within 90 days: flagged
    assert "Owner: <@U0CSM" in body
    assert "*Why*" in body and "pts" in body and "*Recommended actions*" in body
    assert '"slack_file": {"id": "F' in body  # the health chart, uploaded privately
    assert (post.params["channel"], str(post.params.get("thread_ts") or "")) == (
        acme_alert.channel,
        "",
    )

    # the onboarding group's dip and recovery: the note goes into its alert's thread
    recovered = [a for a in alerts if a.kind == "recovered"]
    for alert in recovered:
        crossing = next(a for a in alerts if a.group_id == alert.group_id and a.kind == "crossing")
        assert (alert.channel, alert.thread_ts) == (crossing.channel, crossing.slack_ts)

    # re-running any morning posts nothing new
    before = len(fake_slack.calls)
    _mornings(services, ACME_DAY, ACME_DAY)
    _mornings(services, AS_OF, AS_OF)
    assert all(c.method != "chat.postMessage" for c in fake_slack.calls[before:])


def test_429s_and_500s_on_a_third_of_the_calls_still_deliver_each_alert_once(
    services: Services,
    fake_slack: FakeSlack,
    groups: dict[Archetype, list[int]],
    waits: list[float],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_slack.fail("*", status=429, retry_after=2, every=3, times=None)
    fake_slack.fail("*", status=500, every=3, times=None)
    _mornings(services, START, ACME_DAY - timedelta(days=1))
    fake_slack.fail("chat.postMessage", status=503, times=100)  # down on Acme's morning
    _mornings(services, ACME_DAY, ACME_DAY)
    assert 2.0 in waits  # Retry-After honoured, through the injected sleep, never for real
    alerts = _alerts(services)
    (pending,) = [a for a in alerts if a.state == "pending"]
    assert pending.group_id == groups[Archetype.DECLINING][0]
    assert pending.last_error and pending.attempts >= 1
    posted_before = _posted(fake_slack)
    assert len(posted_before) == len(alerts) - 1

    fake_slack.reset()  # Slack is well again: `csbot deliver` posts what is left
    env = {
        "CSBOT_DATABASE_URL": settings.database_url,
        "SLACK_BOT_TOKEN": "xoxb-alerts-test",
        "CSBOT_SLACK_API_URL": fake_slack.api_url,
        "CSBOT_DEFAULT_CHANNEL": DEFAULT_CHANNEL,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["alerts", "--pending"]) == 0
    (listed,) = capsys.readouterr().out.splitlines()
    assert f"#{pending.id} {ACME_DAY} pending crossing  Acme Family Medicine: Good -> " in listed
    assert "slack: " in listed  # why it is still waiting
    assert main(["deliver"]) == 0
    assert capsys.readouterr().out.strip() == "1 alert posted"
    (late,) = _posted(fake_slack)
    assert str(late.params["text"]).startswith("Acme Family Medicine is now Needs Attention")
    alerts = _alerts(services)
    assert {a.state for a in alerts} == {"sent"}
    texts = Counter(str(c.params["text"]) for c in [*posted_before, late])
    assert max(texts.values()) == 1  # nothing posted twice
    assert main(["deliver"]) == 0  # and nothing left to post
    assert len(_posted(fake_slack)) == 1


MONDAY = date(2026, 3, 30)


def test_the_digest_shows_each_onboarding_group_as_its_panel_does(
    services: Services, fake_slack: FakeSlack
) -> None:
    groups = load_demo_groups(services.sessions, groups=20)
    onboarding = groups[Archetype.ONBOARDING]
    assert len(onboarding) == 2
    with freeze_time(datetime.combine(MONDAY, time(9), tzinfo=UTC)):
        run = run_digest(services)
    names = _names(services)
    posts = {str(c.params["channel"]): c for c in _posted(fake_slack)}
    assert set(run.channels) == set(posts)
    for gid in onboarding:
        with transaction(services.sessions) as session:
            data = load_panel_data(
                session, group_id=gid, window_days=7, as_of=MONDAY, rules=default_config().factors
            )
            group = session.get(m.PhysicianGroup, gid)
            assert group is not None
            channel = group.alert_channel or DEFAULT_CHANNEL
        metrics = onboarding_metrics(data, stalled_days=14)
        text = json.dumps(posts[channel].json_param("blocks"), ensure_ascii=False)
        assert f"*{names[gid]}*" in text
        assert f"{fmt(metrics.pct_done or 0, 0)}% done" in text
        for phase in metrics.phases:
            assert f"{phase.phase} {fmt(phase.pct_done, 0)}%" in text
        assert f"{len(metrics.overdue)} overdue" in text
        assert "this week:" in text
        assert '"slack_file": {"id": "F' in text  # the progress chart
    busy = {names[g] for g in onboarding}
    quiet = [c for c in posts.values() if not any(n in str(c.params["text"]) for n in busy)]
    for call in quiet:  # channels with no onboarding group say so in one line
        assert str(call.params["text"]).endswith("No groups in onboarding this week.")
        assert len(call.json_param("blocks")) == 1
    assert run_digest(services, day=MONDAY).skipped == "already posted today"


def test_an_empty_week_says_so_and_a_dry_run_posts_nothing(
    services: Services,
    fake_slack: FakeSlack,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    load_demo_groups(services.sessions, groups=4)  # no onboarding group among the first four
    monkeypatch.setenv("CSBOT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CSBOT_DEFAULT_CHANNEL", DEFAULT_CHANNEL)
    assert main(["digest", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"--- {DEFAULT_CHANNEL} ---" in out and "No groups in onboarding this week." in out
    assert "would go to 1 channel(s)" in out
    assert fake_slack.calls == []
    run_digest(services, day=MONDAY)
    (post,) = _posted(fake_slack)
    assert post.params["text"] == (
        "Onboarding digest · week to 30 Mar 2026: No groups in onboarding this week."
    )
