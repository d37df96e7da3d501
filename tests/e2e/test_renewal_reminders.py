"""Renewal reminders reaching Slack: a quarter of mornings replayed under freezegun against the
fake Slack Web API, through 429s, 500s and a week of Slack refusing posts, then `csbot deliver`:
every lead time posted once per group and renewal date, none lost, none twice."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select, update

from csbot.alerts.jobs import run_daily
from csbot.cli import main
from csbot.config import Settings
from csbot.services import Services, utc_now
from csbot.slack import blockkit as bk
from csbot.store import models as m
from csbot.store.db import transaction
from csbot.store.demo import load_demo
from tests.e2e.fakeslack import Call, FakeSlack
from tests.integration.alert_support import (
    DEFAULT_CHANNEL,
    alert_settings,
    days,
    own_services,
)

START, END = date(2026, 1, 1), date(2026, 3, 31)
SLACK_DOWN = (date(2026, 1, 28), date(2026, 2, 3))  # chat.postMessage answers 503 all week
GONE_AGAIN = date(2026, 3, 30)  # and from here to the quarter's end
NAME = "Zephyr & <Sons> Clinic"
# Renewal dates by demo position, and the reminders each gets: (lead, the morning it is due)
RENEWS = {0: START + timedelta(days=119), 1: START + timedelta(days=50)}
DUE = {
    0: [(120, date(2026, 1, 1)), (90, date(2026, 1, 30)), (60, date(2026, 3, 1)),
        (30, date(2026, 3, 31))],
    1: [(60, date(2026, 1, 1)), (30, date(2026, 1, 21))],
}  # fmt: skip


@pytest.fixture
def settings(fake_slack: FakeSlack, tmp_path: Path) -> Settings:
    return alert_settings(f"sqlite:///{tmp_path / 'renewals.sqlite3'}", fake_slack.api_url)


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def services(settings: Settings, waits: list[float]) -> Iterator[Services]:
    with own_services(settings, utc_now, sleep=waits.append, migrate=True) as built:
        yield built


@pytest.fixture
def ids(services: Services) -> list[int]:
    """Seven demo groups; the first two renew as above (the first renamed to need escaping),
    the others after the quarter's lead times."""
    with transaction(services.sessions) as session:
        load_demo(session, groups=7, days=150, seed=7, as_of=END)
        gids = list(
            session.scalars(select(m.PhysicianGroup.id).order_by(m.PhysicianGroup.external_id))
        )
        g = m.PhysicianGroup
        session.execute(update(g).values(renewal_date=START + timedelta(days=400)))
        for position, renewal in RENEWS.items():
            session.execute(update(g).where(g.id == gids[position]).values(renewal_date=renewal))
        session.execute(update(g).where(g.id == gids[0]).values(name=NAME))
    return gids


def _reminders_posted(fake: FakeSlack) -> list[Call]:
    """The renewal reminders Slack accepted."""
    return [
        c for c in fake.calls_to("chat.postMessage")
        if c.status == 200 and " renews on " in str(c.params["text"])
    ]  # fmt: skip


def _mrkdwn(node: object) -> list[str]:
    """Every mrkdwn text in blocks: where Slack would read <...> as a link or mention."""
    if isinstance(node, list):
        return [t for item in node for t in _mrkdwn(item)]
    if not isinstance(node, dict):
        return []
    own = [str(node["text"])] if node.get("type") == "mrkdwn" else []
    return own + [t for value in node.values() for t in _mrkdwn(value)]


def _mornings(services: Services, fake: FakeSlack, *, outages: bool = True) -> list[Call]:
    """Every morning of the quarter as the scheduler fires it; with `outages`, Slack refuses
    every post for a week, and again on the last two mornings. The reminders Slack accepted."""
    accepted: list[Call] = []
    for day in days(START, END):
        if outages and day in (SLACK_DOWN[0], GONE_AGAIN):
            fake.fail("chat.postMessage", status=503, times=10_000)
        with freeze_time(datetime.combine(day, time(6), tzinfo=UTC)):
            run_daily(services)
        if outages and day == SLACK_DOWN[1]:
            accepted += _reminders_posted(fake)
            fake.reset()
            fake.fail("*", status=429, retry_after=2, every=3, times=None)
    return accepted + _reminders_posted(fake)


def test_a_quarter_of_reminders_through_slack_faults_posts_each_once(
    services: Services,
    fake_slack: FakeSlack,
    ids: list[int],
    waits: list[float],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_slack.fail("*", status=429, retry_after=2, every=3, times=None)
    fake_slack.fail("*", status=500, every=4, times=None)
    accepted = _mornings(services, fake_slack)
    assert 2.0 in waits  # Retry-After honoured through the injected sleep, never for real

    with transaction(services.sessions) as session:
        rows = session.scalars(
            select(m.Alert).where(m.Alert.kind == "renewal").order_by(m.Alert.id)
        ).all()
    expected = [(ids[p], RENEWS[p].isoformat(), lead, day) for p in DUE for lead, day in DUE[p]]
    got = [(a.group_id, a.payload["renewal_date"], a.payload["lead_days"], a.day) for a in rows]
    assert sorted(got) == sorted(expected)
    [late] = [a for a in rows if a.day == date(2026, 1, 30)]  # group 0's 90 days: Slack was down
    assert late.state == "sent" and late.attempts == 6  # five mornings refused, then posted
    [last] = [a for a in rows if a.day == END]  # group 0's 30 days: still waiting
    assert last.state == "pending" and last.last_error == "slack: internal_error"

    monkeypatch.setenv("CSBOT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-alerts-test")
    monkeypatch.setenv("CSBOT_SLACK_API_URL", fake_slack.api_url)
    monkeypatch.setenv("CSBOT_DEFAULT_CHANNEL", DEFAULT_CHANNEL)
    fake_slack.reset()
    assert main(["deliver"]) == 0  # what was still pending goes now
    assert capsys.readouterr().out.strip().endswith("posted")
    [posted] = _reminders_posted(fake_slack)
    assert str(posted.params["text"]).startswith(
        f"{bk.escape(NAME)} renews on 30 Apr 2026, in 30 days"
    )
    texts = Counter(str(c.params["text"]) for c in [*accepted, posted])
    assert sum(texts.values()) == len(expected) and max(texts.values()) == 1  # each once

    with transaction(services.sessions) as session:
        states = set(session.scalars(select(m.Alert.state).where(m.Alert.kind == "renewal")))
    assert states == {"sent"}
    fake_slack.clear()
    assert main(["deliver"]) == 0
    assert fake_slack.calls_to("chat.postMessage") == []  # nothing left, nothing twice


def test_each_reminder_reads_right_and_is_escaped(
    services: Services, fake_slack: FakeSlack, ids: list[int]
) -> None:
    posts = _mornings(services, fake_slack, outages=False)
    texts = Counter(str(c.params["text"]) for c in posts)
    assert max(texts.values()) == 1 and len(posts) == sum(len(d) for d in DUE.values())
    zephyr = [c for c in posts if str(c.params["text"]).startswith("Zephyr")]
    assert [str(c.params["text"]).split(" (")[0] for c in zephyr] == [
        f"{bk.escape(NAME)} renews on 30 Apr 2026, in {lead} days" for lead in (119, 90, 60, 30)
    ]
    last = zephyr[-1].json_param("blocks")
    bk.validate_message(str(zephyr[-1].params["text"]), last)
    body = json.dumps(last, ensure_ascii=False)
    assert "Renews *30 Apr 2026* (in 30 days)" in body and "30-day renewal reminder" in body
    assert "*Health*" in body and "*Churn risk*" in body and "*ARR at risk*" in body
    assert '"slack_file": {"id": "F' in body  # the health chart, uploaded privately
    assert not [t for t in _mrkdwn(last) if "<Sons>" in t]  # plain text (header, alt) may
    [buttons] = [b for b in last if b["type"] == "actions"]
    assert [e["action_id"] for e in buttons["elements"]] == [
        f"open_card:{ids[0]}", "log_meeting", "snooze:7", "snooze:30", "acknowledge",
    ]  # fmt: skip
