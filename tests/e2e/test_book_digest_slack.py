"""The weekly book-of-business digest reaching Slack (the fake Web API on loopback): a small book
written row by row (tests/e2e/book_fixtures.py), every number below worked out by hand from it.
Each CSM gets a DM about their groups, each team channel and the default channel one message;
each recipient once a week through the outbox, whatever Slack does in between."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from csbot.alerts.book_run import run_book_digest
from csbot.cli import main
from csbot.config import Settings
from csbot.services import Services
from csbot.store import models as m
from csbot.store.db import make_engine, session_factory, transaction, upgrade
from tests.e2e.book_fixtures import CSM1, CSM2, CSM3, DAY, DEFAULT, EAST, NOW, write_book
from tests.e2e.fakeslack import Call, FakeSlack
from tests.integration.alert_support import Clock, alert_settings, make_services

ORANGE, RED, YELLOW = ":large_orange_circle:", ":red_circle:", ":large_yellow_circle:"


@pytest.fixture
def settings(fake_slack: FakeSlack, tmp_path: Path) -> Settings:
    return alert_settings(
        f"sqlite:///{tmp_path / 'book.sqlite3'}", fake_slack.api_url,
        CSBOT_DEFAULT_CHANNEL=DEFAULT, CSBOT_TEAM_CHANNELS=f'{{"East": "{EAST}"}}',
    )  # fmt: skip


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def services(settings: Settings, clock: Clock) -> Iterator[Services]:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    built = make_services(settings, session_factory(engine), clock)
    with transaction(built.sessions) as session:
        write_book(session)
    yield built
    built.close()
    engine.dispose()


def _posts(fake: FakeSlack) -> dict[str, Call]:
    """The digests Slack accepted, by channel (a DM's channel is D + the user id's tail)."""
    posts = [c for c in fake.calls_to("chat.postMessage") if c.status == 200]
    by_channel = {str(c.params["channel"]): c for c in posts}
    assert len(by_channel) == len(posts), "a recipient got two digests"
    return by_channel


def _dm(user: str) -> str:
    return "D" + user[1:]


def _texts(call: Call) -> list[str]:
    """Each section's text and each context line, in order."""
    out = []
    for block in call.json_param("blocks"):
        if block["type"] in ("section", "header"):
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out.extend(e["text"] for e in block["elements"])
    return out


def _image(call: Call) -> dict[str, Any]:
    [image] = [b for b in call.json_param("blocks") if b["type"] == "image"]
    return image


def test_each_csm_gets_their_groups_week_with_hand_computed_numbers(
    services: Services, fake_slack: FakeSlack
) -> None:
    run = run_book_digest(services, day=DAY)
    assert (run.recipients, run.new) == (5, 5)
    posts = _posts(fake_slack)
    assert set(posts) == {_dm(CSM1), _dm(CSM2), _dm(CSM3), EAST, DEFAULT}
    assert _texts(posts[_dm(CSM1)])[:-1] == [
        "Your book of business · week to 30 Mar 2026",
        "*Your groups* · 2 groups · 1 changed band · 1 new alert, 0 waiting for acknowledgement"
        " · 1 renewal in the next 90 days ($120k ARR) · 1 without a CS touch in 30 days",
        f"*Changed band this week*\n{ORANGE} *Alder Clinic*: Good → Needs Attention "
        "(health 56.4) · Billability 80→60 (\u22128.0 pts)",
        f"*New alerts*\n{ORANGE} *Alder Clinic*: Good → Needs Attention on 28 Mar 2026",
        "*Renewing in the next 90 days*\n• *Alder Clinic* · 19 Apr 2026 (in 20 days) · "
        f"$120k ARR · {ORANGE} 56.4",
        "*No CS touch in 30 days*\n• *Alder Clinic* · last 18 Feb 2026 (40 days ago)",
    ]
    assert _image(posts[_dm(CSM1)])["alt_text"] == (
        "Groups per band now: 1 Excellent, 0 Good, 1 Needs Attention, 0 Critical; "
        "a week before: 1 Excellent, 1 Good, 0 Needs Attention, 0 Critical"
    )
    assert posts[_dm(CSM1)].params["text"] == (
        "Your book of business · week to 30 Mar 2026: 1 group changed band, 1 new alert, "
        "1 renewal in the next 90 days"
    )


def test_the_default_channel_gets_the_groups_no_team_channel_covers(
    services: Services, fake_slack: FakeSlack
) -> None:
    run_book_digest(services, day=DAY)
    texts = _texts(_posts(fake_slack)[DEFAULT])
    assert texts[:-1] == [
        "Book of business · week to 30 Mar 2026",
        "*Groups without a team channel* · 2 groups · 1 changed band · 1 new alert, 1 waiting "
        "for acknowledgement · 2 renewals in the next 90 days ($240k ARR) · 1 without a CS "
        "touch in 30 days",
        f"*Changed band this week*\n{ORANGE} *Cedar Health*: Critical → Needs Attention "
        "(health 45.0) · Billability 30→45 (+6.0 pts)",
        "*New alerts*\n:calendar: *Cedar Health*: 60-day renewal reminder on 30 Mar 2026 · "
        "acknowledged",
        f"*Still waiting for acknowledgement*\n{RED} *Cedar Health*: Needs Attention → "
        "Critical on 10 Mar 2026",
        "*Renewing in the next 90 days*\n"
        f"• *Dogwood Clinic* · 4 Apr 2026 (in 5 days) · $120k ARR · {YELLOW} 65.0\n"
        f"• *Cedar Health* · 29 May 2026 (in 60 days) · $120k ARR · {ORANGE} 45.0",
        "*No CS touch in 30 days*\n• *Cedar Health* · none on record",
    ]
    assert _image(_posts(fake_slack)[DEFAULT])["alt_text"] == (
        "Groups per band now: 0 Excellent, 1 Good, 1 Needs Attention, 0 Critical; "
        "a week before: 0 Excellent, 0 Good, 0 Needs Attention, 1 Critical"
    )


def test_the_team_channel_hears_about_its_teams_whole_book(
    services: Services, fake_slack: FakeSlack
) -> None:
    run_book_digest(services, day=DAY)
    with transaction(services.sessions) as session:
        row = session.scalars(select(m.Alert).where(m.Alert.channel == EAST)).one()
    assert (row.kind, row.group_id, row.state) == ("digest", None, "sent")
    assert row.payload["bands_now"] == {
        "Excellent": 1,
        "Good": 1,
        "Needs Attention": 1,
        "Critical": 0,
    }
    assert row.payload["bands_before"] == {
        "Excellent": 1,
        "Good": 2,
        "Needs Attention": 0,
        "Critical": 0,
    }
    assert _texts(_posts(fake_slack)[EAST])[1].startswith("*East* · 3 groups · 1 changed band")


def test_a_quiet_week_is_one_line(services: Services, fake_slack: FakeSlack) -> None:
    run_book_digest(services, day=DAY)
    quiet = _posts(fake_slack)[_dm(CSM3)]
    assert len(quiet.json_param("blocks")) == 1
    assert quiet.params["text"] == (
        "Your book of business · week to 30 Mar 2026 (Your groups): a quiet week: no band "
        "changes, no open alerts, no renewals in the next 90 days, and every group had a CS "
        "touch in the last 30 days."
    )


def test_once_per_recipient_and_week(
    services: Services, fake_slack: FakeSlack, clock: Clock
) -> None:
    run_book_digest(services, day=DAY)
    fake_slack.clear()
    assert run_book_digest(services, day=DAY).new == 0  # the same Monday again
    thursday = DAY + timedelta(days=3)
    clock.now = datetime.combine(thursday, time(9), tzinfo=NOW.tzinfo)
    assert run_book_digest(services, day=thursday).new == 0  # later in the same week
    assert fake_slack.calls_to("chat.postMessage") == []
    assert run_book_digest(services, day=DAY + timedelta(days=7)).new == 5  # next Monday


def test_a_dm_slack_refused_waits_in_the_outbox_and_csbot_deliver_posts_it_once(
    services: Services,
    fake_slack: FakeSlack,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_slack.fail("conversations.open", status=503, times=10_000)  # no DM can be opened
    fake_slack.fail("*", status=429, retry_after=1, every=3, times=None)
    run = run_book_digest(services, day=DAY)
    assert run.delivered is not None and (run.delivered.sent, run.delivered.failed) == (2, 3)
    assert set(_posts(fake_slack)) == {EAST, DEFAULT}
    fake_slack.reset()
    for name, value in {"CSBOT_DATABASE_URL": settings.database_url,
                        "SLACK_BOT_TOKEN": "xoxb-alerts-test",
                        "CSBOT_SLACK_API_URL": fake_slack.api_url}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    assert main(["alerts", "--pending"]) == 0
    listed = capsys.readouterr().out
    assert f"book digest to {CSM2}" in listed and "slack: " in listed
    assert main(["deliver"]) == 0
    assert capsys.readouterr().out.strip() == "3 alerts posted"
    assert set(_posts(fake_slack)) == {_dm(CSM1), _dm(CSM2), _dm(CSM3)}
    fake_slack.clear()
    assert main(["deliver"]) == 0 and fake_slack.calls_to("chat.postMessage") == []


def test_a_dry_run_prints_every_digest_and_writes_nothing(
    services: Services,
    fake_slack: FakeSlack,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CSBOT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CSBOT_DEFAULT_CHANNEL", DEFAULT)
    monkeypatch.setenv("CSBOT_TEAM_CHANNELS", f'{{"East": "{EAST}"}}')
    with freeze_time(NOW):
        assert main(["digest", "--kind", "book", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"--- DM {CSM1} ---" in out and f"--- {EAST} ---" in out
    assert "Alder Clinic: Good → Needs Attention (health 56.4)" in out
    assert "would go to 5 recipient(s)" in out
    assert fake_slack.calls == []
    with transaction(services.sessions) as session:
        assert session.scalars(select(m.Alert).where(m.Alert.kind == "digest")).all() == []


def test_no_snapshots_yet_means_no_band_chart(services: Services, fake_slack: FakeSlack) -> None:
    with transaction(services.sessions) as session:
        session.execute(m.HealthSnapshot.__table__.delete())
    run_book_digest(services, day=date(2026, 3, 30))
    post = _posts(fake_slack)[_dm(CSM1)]
    assert [b for b in post.json_param("blocks") if b["type"] == "image"] == []
    renewals = "*Renewing in the next 90 days*\n• *Alder Clinic* · 19 Apr 2026 (in 20 days) · "
    assert renewals + "$120k ARR · no score" in _texts(post)
