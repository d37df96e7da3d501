"""`csbot sync` against a real HTTP server on 127.0.0.1 that pages, fails and rate-limits.

Nothing sleeps: the retry sleeper is a list that records the waits asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from csbot.alerts.jobs import DailyRun
from csbot.cli import main
from csbot.config import load_settings
from csbot.errors import ConfigError
from csbot.scoring.config import default_config
from csbot.store import models as m
from csbot.store.csv_import import import_csv
from csbot.store.ingest import Counts, IngestError
from csbot.store.sync import SyncPlan, plan_from, sync_before_recompute, sync_kinds
from csbot.store.sync_http import PlatformClient, SyncError, retry_after
from tests.integration.fake_platform import TOKEN, FakePlatform, serving
from tests.integration.ingest_support import EXAMPLES, NOW, dump

T1 = datetime(2026, 6, 5, 6, 0, tzinfo=UTC)
T2 = T1 + timedelta(days=1)


def _ticket(n: int, **changes: Any) -> dict[str, Any]:
    return {"group": "CVP-001", "external_id": f"T-{n}", "subject": f"Ticket {n}",
            "category": "technical", "priority": "normal", "status": "open",
            "opened_at": "2026-06-01T10:00:00Z", **changes}  # fmt: skip


@pytest.fixture
def platform() -> Iterator[FakePlatform]:
    with serving(FakePlatform()) as fake:
        fake.put("tickets", *(_ticket(n) for n in range(1, 6)))  # 3 pages of 2, 2, 1
        yield fake


@pytest.fixture
def grouped(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    import_csv(sessions, kind="groups", path=EXAMPLES / "groups.csv", now=NOW)
    return sessions


def _sync(sessions: sessionmaker[Session], platform: FakePlatform, *kinds: str,
          at: datetime = T1, waits: list[float] | None = None) -> list[Counts]:  # fmt: skip
    plan = SyncPlan(platform.url, TOKEN, {k: f"/v1/{k}" for k in kinds or ("tickets",)})
    sleep = (waits if waits is not None else []).append
    return sync_kinds(sessions, plan, clock=lambda: at, sleep=sleep)


def _stored(sessions: sessionmaker[Session]) -> dict[str, str]:
    with sessions() as session:
        return dict(session.execute(select(m.Ticket.external_id, m.Ticket.subject)).all())


def _source(platform: FakePlatform) -> dict[str, str]:
    return {r["external_id"]: r["subject"] for _, r in platform.records["tickets"]}


def _watermark(sessions: sessionmaker[Session], kind: str = "tickets") -> datetime | None:
    with sessions() as session:
        mark = session.get(m.SyncWatermark, kind)
        return None if mark is None else mark.watermark


@pytest.mark.parametrize("style", ["next", "cursor", "link"])
def test_every_page_is_read_whichever_way_pages_link(
    grouped: sessionmaker[Session], platform: FakePlatform, style: str
) -> None:
    platform.style = style
    (counts,) = _sync(grouped, platform)
    assert (counts.read, counts.inserted) == (5, 5)
    assert _stored(grouped) == _source(platform)
    assert len(platform.requests) == 3
    assert {r.authorization for r in platform.requests} == {f"Bearer {TOKEN}"}
    assert platform.requests[0].query == {"limit": "500"}
    assert _watermark(grouped) == T1
    with grouped() as session:
        assert set(session.scalars(select(m.Ticket.source))) == {"api"}


def test_progress_counts_the_records_read_page_by_page_across_kinds(
    grouped: sessionmaker[Session], platform: FakePlatform
) -> None:
    """What `csbot sync`'s bar shows: records read so far, after each page, all kinds on."""
    platform.put("surveys", {"group": "CVP-001", "day": "2026-05-01", "kind": "nps",
                             "score": 9, "external_id": "S-1"})  # fmt: skip
    heard: list[int] = []
    plan = SyncPlan(platform.url, TOKEN, {k: f"/v1/{k}" for k in ("tickets", "surveys")})
    sync_kinds(grouped, plan, clock=lambda: T1, sleep=lambda s: None, progress=heard.append)
    assert heard == [2, 4, 5, 6]  # tickets on pages of 2, 2 and 1, then the one survey


def test_the_next_sync_asks_only_for_changes_since_the_last(
    grouped: sessionmaker[Session], platform: FakePlatform
) -> None:
    _sync(grouped, platform)
    platform.put("tickets", _ticket(2, subject="Ticket 2, reopened"), _ticket(6), changed=T2)
    (counts,) = _sync(grouped, platform, at=T2 + timedelta(hours=1))
    assert platform.requests[-1].query == {"limit": "500", "updated_since": "2026-06-05T05:55:00Z"}
    assert (counts.read, counts.inserted, counts.updated) == (2, 1, 1)
    assert _stored(grouped) == _source(platform)
    assert _watermark(grouped) == T2 + timedelta(hours=1)


def test_rate_limits_and_server_errors_are_waited_out(
    grouped: sessionmaker[Session], platform: FakePlatform
) -> None:
    platform.fail("tickets", 2, 429, headers={"Retry-After": "7"})
    platform.fail("tickets", 2, 503)
    platform.fail("tickets", 3, 429, headers={"Retry-After": "Fri, 05 Jun 2026 06:00:30 GMT"})
    waits: list[float] = []
    (counts,) = _sync(grouped, platform, waits=waits)
    assert waits == [7.0, 1.0, 30.0]  # Retry-After as asked, else backoff; never really slept
    assert counts.inserted == 5 and _stored(grouped) == _source(platform)


def test_a_sync_failing_on_page_3_changes_nothing_and_the_rerun_is_exact(
    grouped: sessionmaker[Session], platform: FakePlatform, engine: Engine
) -> None:
    _sync(grouped, platform)
    changed = [_ticket(1, subject="One, edited"), *(_ticket(n) for n in range(7, 11))]
    platform.put("tickets", *changed, changed=T2)  # 5 changes since T1: 3 pages
    platform.fail("tickets", 3, 500, times=5)
    before, waits = dump(engine), []
    with pytest.raises(SyncError) as err:
        _sync(grouped, platform, at=T2, waits=waits)
    assert "answered 500 5 times; giving up for now; nothing of tickets was stored" in str(
        err.value
    )
    assert waits == [0.5, 1.0, 2.0, 4.0]
    assert dump(engine) == before and _watermark(grouped) == T1
    _sync(grouped, platform, at=T2)  # the failures are used up: the rerun goes through
    assert _stored(grouped) == _source(platform)
    assert _watermark(grouped) == T2


def test_an_invalid_record_on_page_3_rolls_the_kind_back_and_names_the_record(
    grouped: sessionmaker[Session], platform: FakePlatform, engine: Engine
) -> None:
    platform.put("tickets", _ticket(5, priority="p1"))
    before = dump(engine)
    with pytest.raises(IngestError) as err:
        _sync(grouped, platform)
    assert err.value.problems == [
        "tickets page 3 record 1 (external_id 'T-5'), "
        "priority: must be one of low, normal, high or urgent ('p1')"
    ]
    assert str(err.value).splitlines()[0] == "sync tickets: 1 error; nothing of it was stored"
    assert dump(engine) == before and _watermark(grouped) is None
    platform.put("tickets", _ticket(5, priority="high"))
    _sync(grouped, platform)
    assert _stored(grouped) == _source(platform)


def test_a_record_changed_while_paging_is_stored_once_as_last_seen(
    grouped: sessionmaker[Session], platform: FakePlatform
) -> None:
    platform.records["tickets"].append((T1, _ticket(1, subject="Ticket 1, as of page 3")))
    (counts,) = _sync(grouped, platform)
    assert (counts.read, counts.inserted, counts.updated) == (6, 5, 1)
    assert _stored(grouped)["T-1"] == "Ticket 1, as of page 3"


def test_kinds_sync_in_order_and_a_failure_keeps_the_earlier_ones(
    sessions: sessionmaker[Session], platform: FakePlatform
) -> None:
    group = {"external_id": "CVP-001", "name": "Cedar Valley Pediatrics", "specialty": "Peds",
             "region": "Midwest", "plan": "growth", "seats": 24, "contract_start": "2025-02-01",
             "renewal_date": "2027-01-31", "arr": 96000}  # fmt: skip
    platform.put("groups", group)
    platform.put("tickets", _ticket(9, group="HPO-002"))
    with pytest.raises(IngestError) as err:
        _sync(sessions, platform, "groups", "tickets")
    assert str(err.value).splitlines()[0] == (
        "sync tickets: 1 error; nothing of it was stored (groups synced before)"
    )
    assert "group: no group has this external_id or exact name" in err.value.problems[0]
    assert _watermark(sessions, "groups") == T1 and _watermark(sessions) is None


@pytest.mark.parametrize(("setup", "message"), [
    ({"style": "elsewhere"}, "links its next page to another host (evil.example); not sending"),
    ({"retry_after": "3600"}, "asked to wait 3600 s (Retry-After); try again later"),
])  # fmt: skip
def test_refusals_end_the_sync_without_waiting(
    grouped: sessionmaker[Session], platform: FakePlatform, setup: dict[str, str], message: str
) -> None:
    platform.style = setup.get("style", "next")
    if "retry_after" in setup:
        platform.fail("tickets", 1, 429, headers={"Retry-After": setup["retry_after"]})
    waits: list[float] = []
    with pytest.raises(SyncError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _sync(grouped, platform, waits=waits)
    assert waits == [] and _stored(grouped) == {}


def test_a_wrong_token_is_named(grouped: sessionmaker[Session], platform: FakePlatform) -> None:
    plan = SyncPlan(platform.url, "wrong", {"tickets": "/v1/tickets"})
    with pytest.raises(SyncError, match=r"refused CSBOT_SYNC_TOKEN \(401\)"):
        sync_kinds(grouped, plan, clock=lambda: T1, sleep=lambda s: None)
    assert len(platform.requests) == 1


def test_timeouts_are_retried_with_backoff() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) < 3:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, json={"data": [{"n": 1}]})

    waits: list[float] = []
    with PlatformClient("http://platform.test", "t", timeout=1, sleep=waits.append,
                        transport=httpx.MockTransport(handler)) as client:  # fmt: skip
        pages = list(client.pages("/v1/tickets", {}))
    assert [p.records for p in pages] == [[{"n": 1}]] and waits == [0.5, 1.0]


def test_retry_after_reads_seconds_and_dates() -> None:
    def wait(value: str) -> float | None:
        return retry_after(httpx.Response(429, headers={"Retry-After": value}), T1)

    assert wait("12") == 12.0
    assert wait("Fri, 05 Jun 2026 06:01:00 GMT") == 60.0
    assert wait("Fri, 05 Jun 2026 05:00:00 GMT") == 0.0
    assert wait("soon") is None


def test_the_plan_comes_from_settings_and_names_bad_variables() -> None:
    with pytest.raises(ConfigError, match="CSBOT_SYNC_URL is not set"):
        plan_from(load_settings())
    settings = load_settings(sync_url="https://api.example.com/", sync_kinds="groups, tickets",
                             sync_endpoints={"tickets": "/helpdesk/tickets"})  # fmt: skip
    plan = plan_from(settings)
    assert plan.base_url == "https://api.example.com"
    assert plan.paths == {"groups": "/v1/groups", "tickets": "/helpdesk/tickets"}
    assert list(plan_from(settings, ["usage"]).paths) == ["usage"]
    with pytest.raises(ConfigError, match="CSBOT_SYNC_KINDS: ticket is not a record kind"):
        plan_from(load_settings(sync_url="https://a.example", sync_kinds="ticket"))
    with pytest.raises(ConfigError, match="CSBOT_SYNC_ENDPOINTS: ticket is not a record kind"):
        plan_from(load_settings(sync_url="https://a.example", sync_endpoints={"ticket": "/t"}))


def test_the_daily_job_syncs_first_only_when_asked(
    grouped: sessionmaker[Session], platform: FakePlatform
) -> None:
    off = load_settings(sync_url=platform.url, sync_token=TOKEN, sync_kinds="tickets")
    assert sync_before_recompute(off, grouped, clock=lambda: T1) is False
    assert platform.requests == []
    on = off.model_copy(update={"sync_before_recompute": True})
    assert sync_before_recompute(on, grouped, clock=lambda: T1) is True
    assert _stored(grouped) == _source(platform)


def test_the_cli_prints_a_line_per_kind_or_the_errors(
    database_url: str, platform: FakePlatform, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("CSBOT_SYNC_URL", platform.url)
    monkeypatch.setenv("CSBOT_SYNC_TOKEN", TOKEN)
    assert main(["sync", "tickets"]) == 1  # no groups yet
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "csbot: sync tickets: 2 errors; nothing of it was stored"  # page 1 only
    assert err[1].startswith("tickets page 1 record 1 (external_id 'T-1'), group:")
    assert main(["import", "groups", str(EXAMPLES / "groups.csv")]) == 0
    assert main(["sync", "tickets"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "sync tickets: 5 read, 5 inserted, 0 updated, 0 unchanged"
    )


def _daily_run(grouped: sessionmaker[Session], platform: FakePlatform, token: str = TOKEN
               ) -> DailyRun:  # fmt: skip
    """The daily run on T1's day with CSBOT_SYNC_BEFORE_RECOMPUTE, syncing tickets first."""
    from slack_sdk import WebClient

    from csbot.alerts.jobs import run_daily
    from csbot.services import Services

    settings = load_settings(sync_url=platform.url, sync_token=token, sync_kinds="tickets",
                             sync_before_recompute=True)  # fmt: skip
    services = Services(settings=settings, sessions=grouped, client=WebClient(token="xoxb-x"),
                        scoring=default_config(), clock=lambda: T1)  # fmt: skip
    try:
        return run_daily(services, day=T1.date(), deliver=False)
    finally:
        services.close()


@pytest.mark.parametrize("token", [TOKEN, "wrong"])
def test_the_daily_run_syncs_before_it_recomputes(
    grouped: sessionmaker[Session], platform: FakePlatform, token: str
) -> None:
    run = _daily_run(grouped, platform, token)
    assert run.ran and run.days == (T1.date(),)  # a failed sync does not stop the recompute
    assert _stored(grouped) == (_source(platform) if token == TOKEN else {})


def test_a_failed_sync_before_the_daily_run_logs_its_first_four_lines(
    grouped: sessionmaker[Session], platform: FakePlatform, caplog: pytest.LogCaptureFixture
) -> None:
    platform.page_size = 10
    platform.put("tickets", *(_ticket(n, priority="p1") for n in range(1, 6)))
    caplog.set_level(logging.WARNING, logger="csbot.alerts.jobs")
    run = _daily_run(grouped, platform)
    assert run.days == (T1.date(),) and _stored(grouped) == {}
    bad = "priority: must be one of low, normal, high or urgent ('p1')"
    said = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "csbot.alerts.jobs"]
    assert said == [(logging.WARNING, "sync before the daily run failed: "
                     "sync tickets: 5 errors; nothing of it was stored; "
                     f"tickets page 1 record 1 (external_id 'T-1'), {bad}; "
                     f"tickets page 1 record 2 (external_id 'T-2'), {bad}; "
                     f"tickets page 1 record 3 (external_id 'T-3'), {bad}")]  # fmt: skip


@pytest.mark.parametrize(("answer", "message"), [
    (httpx.Response(404), "does not exist (404); check CSBOT_SYNC_URL and CSBOT_SYNC_ENDPOINTS"),
    (httpx.Response(400, text="bad since"), "answered 400: bad since"),
    (httpx.Response(200, text="<html>"), 'is not JSON with a "data" list'),
    (httpx.Response(200, json={"items": []}), 'is not JSON with a "data" list'),
])  # fmt: skip
def test_answers_that_are_no_pages_are_named(answer: httpx.Response, message: str) -> None:
    transport = httpx.MockTransport(lambda request: answer)
    client = PlatformClient("http://platform.test", "t", timeout=1, transport=transport)
    with client, pytest.raises(SyncError) as err:
        list(client.pages("/v1/tickets", {}))
    assert str(err.value).startswith("http://platform.test/v1/tickets") and message in str(
        err.value
    )
