"""Every column of the `/cs renewals` card, end to end, for five demo groups whose renewal, ARR,
tickets, CS touches and success plans this module writes itself, so each line below is worked
out by hand from those rows (dates, counts, ARR and its share at risk) or read off the group's
own Overview card (health, band, change and churn score: the same score on another surface).

The five renew today, in 5, 33, 80 and 120 days (the window's last day); the other demo groups
a day ago, in 121 days or later, outside the default window. Acme (Needs Attention) and Pine
Ridge (Critical) come first although three Good groups renew sooner.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from csbot.cli import main
from csbot.store import models as m
from csbot.store.db import make_engine, session_factory, transaction
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import AS_OF, CHANNEL, block, cs_settings, load_demo_db, running_app
from tests.e2e.fakeslack import FakeSlack

ACME, PINE = "Acme Family Medicine", "Pine Ridge Endocrinology Physicians"
REDWOOD, PRAIRIE, MILLBROOK = (
    "Redwood Pediatrics Physicians",
    "Prairie Rheumatology",
    "Millbrook Neurology Physicians",
)
ARR = 98_765.0  # "$99k"; Pine Ridge's 4,321 shows in dollars
RENEWS = {ACME: 33, PINE: 80, REDWOOD: 0, PRAIRIE: 5, MILLBROOK: 120}
OUTSIDE = {"Highland Endocrinology Group": -1, "Evergreen Urology Specialists": 121}
# Default shares of ARR at risk per churn level (defaults.yml arr_at_risk), worked out by hand
AT_RISK_99K = {"low": "$4,938", "medium": "$15k", "high": "$35k", "very high": "$59k"}
AT_RISK_4321 = {"low": "$216", "medium": "$648", "high": "$1,512", "very high": "$2,593"}
SHARE = {"low": 0.05, "medium": 0.15, "high": 0.35, "very high": 0.60}
LEVELS = [(75.0, "very high"), (50.0, "high"), (25.0, "medium"), (0.0, "low")]  # churn_levels
BANDS = [(80.0, "Excellent"), (60.0, "Good"), (40.0, "Needs Attention"), (0.0, "Critical")]
EMOJI = {
    "Excellent": ":large_green_circle:",
    "Good": ":large_yellow_circle:",
    "Needs Attention": ":large_orange_circle:",
    "Critical": ":red_circle:",
}


def _at(days: int, hour: int = 15) -> datetime:
    return datetime.combine(AS_OF + timedelta(days=days), time(hour), tzinfo=UTC)


def _ticket(gid: int, n: int, priority: str, status: str, opened: int) -> m.Ticket:
    resolved = _at(opened + 1) if status == "resolved" else None
    return m.Ticket(
        group_id=gid, source="import", external_id=f"cols-{gid}-{n}", subject="Sync stalls",
        category="integration", priority=priority, status=status, opened_at=_at(opened),
        first_response_at=None, resolved_at=resolved,
    )  # fmt: skip


def _activity(gid: int, n: int, kind: str, days: int, hour: int = 15) -> m.Activity:
    return m.Activity(group_id=gid, kind=kind, title="Check-in", occurred_at=_at(days, hour),
                      source="import", external_id=f"cols-{gid}-{n}")  # fmt: skip


def _plan(gid: int, status: str, end: int | None) -> m.SuccessPlan:
    return m.SuccessPlan(
        group_id=gid, title="Adoption", status=status, start=AS_OF - timedelta(days=60),
        end=None if end is None else AS_OF + timedelta(days=end),
    )  # fmt: skip


def _write_rows(database_url: str) -> dict[str, int]:
    """The five groups' renewals and facts, as listed in the module's docstring."""
    engine = make_engine(database_url)
    g = m.PhysicianGroup
    try:
        with transaction(session_factory(engine)) as session:
            ids = {name: gid for name, gid in session.execute(select(g.name, g.id))}
            mine = [ids[n] for n in RENEWS]
            session.execute(update(g).values(renewal_date=AS_OF + timedelta(days=200)))
            for name, days in {**RENEWS, **OUTSIDE}.items():
                session.execute(
                    update(g)
                    .where(g.id == ids[name])
                    .values(renewal_date=AS_OF + timedelta(days=days))
                )
            session.execute(update(g).where(g.id.in_(mine)).values(arr=ARR))
            session.execute(update(g).where(g.id == ids[PINE]).values(arr=4_321.0))
            plans = select(m.SuccessPlan.id).where(m.SuccessPlan.group_id.in_(mine))
            session.execute(delete(m.Goal).where(m.Goal.plan_id.in_(plans)))
            for table in (m.SuccessPlan, m.Ticket, m.Activity):
                session.execute(delete(table).where(table.group_id.in_(mine)))
            acme, redwood, prairie = ids[ACME], ids[REDWOOD], ids[PRAIRIE]
            session.add_all([
                # Acme: two open high/urgent, one open low, one high resolved, one high
                # opened tomorrow; a meeting 12 days ago, an email since, a meeting booked
                _ticket(acme, 1, "high", "open", -20), _ticket(acme, 2, "urgent", "pending", -3),
                _ticket(acme, 3, "low", "open", -2), _ticket(acme, 4, "high", "resolved", -9),
                _ticket(acme, 5, "high", "open", 1),
                _activity(acme, 6, "meeting", -12), _activity(acme, 7, "email", -2),
                _activity(acme, 8, "meeting", 3), _plan(acme, "active", None),
                # Pine Ridge: nothing at all, and a plan on hold
                _plan(ids[PINE], "paused", None),
                # Redwood: one urgent ticket, a call this morning, a plan that ended yesterday
                _ticket(redwood, 1, "urgent", "open", -1), _activity(redwood, 2, "call", 0, 9),
                _plan(redwood, "active", -1),
                # Prairie: a note is no CS touch, a call 31 days ago is; a plan ending today
                _activity(prairie, 1, "call", -31), _activity(prairie, 2, "note", -1),
                _plan(prairie, "active", 0),
                # Millbrook: a closed ticket and a meeting last week; no plan
                _ticket(ids[MILLBROOK], 1, "urgent", "closed", -4),
                _activity(ids[MILLBROOK], 2, "meeting", -7),
            ])  # fmt: skip
            return {name: ids[name] for name in RENEWS}
    finally:
        engine.dispose()


THIRD_LINES = {
    ACME: "2 open high-priority tickets · last CS touch 19 Mar 2026 (12 days ago) · "
    "success plan active",
    PINE: "no open high-priority tickets · no CS touch on record · no active success plan",
    REDWOOD: "1 open high-priority ticket · last CS touch 31 Mar 2026 (today) · "
    "no active success plan",
    PRAIRIE: "no open high-priority tickets · last CS touch 28 Feb 2026 (31 days ago) · "
    "success plan active",
    MILLBROOK: "no open high-priority tickets · last CS touch 24 Mar 2026 (7 days ago) · "
    "no active success plan",
}
FIRST_LINES = {
    ACME: "*Acme Family Medicine* · renews *3 May 2026* (in 33 days) · $99k ARR",
    PINE: "*Pine Ridge Endocrinology Physicians* · renews *19 Jun 2026* (in 80 days) · $4,321 ARR",
    REDWOOD: "*Redwood Pediatrics Physicians* · renews *31 Mar 2026* (today) · $99k ARR",
    PRAIRIE: "*Prairie Rheumatology* · renews *5 Apr 2026* (in 5 days) · $99k ARR",
    MILLBROOK: "*Millbrook Neurology Physicians* · renews *29 Jul 2026* (in 120 days) · $99k ARR",
}


@pytest.fixture(scope="module")
def module_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, Any]]:
    fake = FakeSlack().start()
    settings = cs_settings(fake, tmp_path_factory.mktemp("renewal_cols") / "e2e.sqlite3")
    load_demo_db(settings, groups=12, days=120)
    ids = _write_rows(settings.database_url)
    with running_app(settings, fake) as app:
        yield app, ids


@pytest.fixture
def app(module_app: tuple[AppServer, dict[str, int]]) -> Iterator[AppServer]:
    server, _ = module_app
    server.fake.reset()
    yield server
    assert server.runtime.services.work.wait_idle(20)


@pytest.fixture
def ids(module_app: tuple[AppServer, dict[str, int]]) -> dict[str, int]:
    return module_app[1]


def _posted(app: AppServer, text: str) -> list[dict[str, Any]]:
    app.fake.reset()
    assert app.slash_command(text).status_code == 200
    app.fake.wait_for("chat.postMessage")
    assert app.runtime.services.work.wait_idle(20)
    [message] = app.fake.messages(CHANNEL)
    blocks: list[dict[str, Any]] = message["blocks"]
    return blocks


def _rows(blocks: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each renewal row's three lines, by group name, in the card's order."""
    out = {}
    for b in blocks:
        if b["block_id"].startswith("renewal_row."):
            lines = b["text"]["text"].split("\n")
            out[lines[0].split("*")[1]] = lines
    return out


def _overview(app: AppServer, name: str) -> tuple[str, dict[str, str]]:
    """The group's Overview card: its headline and its facts by label. (Clicking Open card and
    Log meeting: tests/e2e/test_renewals_command.py.)"""
    blocks = _posted(app, f'"{name}"')
    facts = {}
    for field in block(blocks, "facts")["fields"]:
        label, value = field["text"].split("\n", 1)
        facts[label.strip("*")] = value
    return block(blocks, "headline")["text"]["text"], facts


def test_the_card_lists_the_window_at_risk_first_then_soonest(app: AppServer) -> None:
    blocks = _posted(app, "renewals")
    assert block(blocks, "header")["text"]["text"] == "Renewals · next 120 days"
    assert list(_rows(blocks)) == [ACME, PINE, REDWOOD, PRAIRIE, MILLBROOK]


def test_each_row_reads_its_date_arr_tickets_touch_and_plan(app: AppServer) -> None:
    rows = _rows(_posted(app, "renewals"))
    assert {name: lines[0] for name, lines in rows.items()} == FIRST_LINES
    assert {name: lines[2] for name, lines in rows.items()} == THIRD_LINES


def test_each_rows_health_and_churn_are_the_groups_own(app: AppServer) -> None:
    rows = _rows(_posted(app, "renewals"))
    at_risk_total = 0.0
    for name, lines in rows.items():
        headline, facts = _overview(app, name)
        health, band, change = headline.split("\n")[0].split(" · ")[:3]
        value = float(health.split("*Health ")[1].rstrip("*"))
        assert band == next(b for floor, b in BANDS if value >= floor)  # the band's floors
        level, score = facts["Churn risk"].removesuffix("/100)").split(" (")
        assert level == next(lv for floor, lv in LEVELS if float(score) >= floor)
        money = (AT_RISK_4321 if name == PINE else AT_RISK_99K)[level]
        assert facts["ARR at risk"] == money
        points = change.removesuffix(" pts vs previous 30 days")
        assert lines[1] == (
            f"{EMOJI[band]} Health *{value:.1f}* {band} ({points}) · churn risk {level} "
            f"({score}/100) · *{money} at risk*"
        )
        at_risk_total += (4_321.0 if name == PINE else ARR) * SHARE[level]
    summary = block(_posted(app, "renewals"), "headline")["text"]["text"]
    assert summary.startswith("*5 groups* renew in the next 120 days · $399k ARR · *$")
    assert summary.endswith(" at risk* · 2 in Needs Attention or Critical")
    assert summary.split("*$")[1].split(" at risk")[0] == f"{at_risk_total / 1000:.0f}k"


def test_each_rows_buttons_carry_its_group(app: AppServer, ids: dict[str, int]) -> None:
    blocks = _posted(app, "renewals")
    order = [b["block_id"] for b in blocks if b["block_id"].startswith("renewal_")]
    expected = []
    for name in [ACME, PINE, REDWOOD, PRAIRIE, MILLBROOK]:
        gid = ids[name]
        expected += [f"renewal_row.{gid}", f"renewal_buttons.{gid}"]
        [buttons] = [b for b in blocks if b["block_id"] == f"renewal_buttons.{gid}"]
        labels = [(e["text"]["text"], e["action_id"]) for e in buttons["elements"]]
        assert labels == [("Open card", f"open_card:{gid}"), ("Log meeting", f"log_meeting:{gid}"),
                          ("Record outcome", f"record_outcome:{gid}")]  # fmt: skip
    assert order == expected


@pytest.mark.parametrize(
    ("text", "header", "shown"),
    [
        ("renewals 17w", "Renewals · next 17 weeks", [ACME, PINE, REDWOOD, PRAIRIE]),
        ("renewals 5d", "Renewals · next 5 days", [REDWOOD, PRAIRIE]),
        ("renewals 365", "Renewals · next 365 days", None),
    ],
)
def test_the_window_in_days_or_weeks(
    app: AppServer, text: str, header: str, shown: list[str] | None
) -> None:
    blocks = _posted(app, text)
    assert block(blocks, "header")["text"]["text"] == header
    if shown is not None:
        assert list(_rows(blocks)) == shown
    else:  # a year ahead: every demo group but the one that renewed yesterday
        assert len(_rows(blocks)) == 11 and "Highland Endocrinology Group" not in _rows(blocks)


def test_a_window_past_a_year_is_refused_in_the_ack_and_nothing_is_posted(app: AppServer) -> None:
    body = app.slash_command("renewals 53w").json()
    assert body["response_type"] == "ephemeral"
    said = block(body["blocks"], "status")["text"]["text"]
    assert "“53w” is outside 1 to 365 days." in said
    assert "`/cs renewals` looks 120 days ahead by default" in said
    assert app.runtime.services.work.wait_idle(20)
    assert app.fake.calls == []


def test_csbot_ask_renewals_prints_the_same_rows(
    app: AppServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CSBOT_DATABASE_URL", app.settings.database_url)
    capsys.readouterr()
    assert main(["ask", "renewals 17w", "--date", AS_OF.isoformat()]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Renewals · next 17 weeks"
    shown = [FIRST_LINES[n].replace("*", "") for n in (ACME, PINE, REDWOOD, PRAIRIE)]
    assert [line for line in lines if " · renews " in line] == shown
    for name in (ACME, PINE, REDWOOD, PRAIRIE):
        assert lines[lines.index(FIRST_LINES[name].replace("*", "")) + 2] == THIRD_LINES[name]
