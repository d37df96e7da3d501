"""`POST /webhooks/{kind}`: signed pushes of tickets, surveys and activities, all or nothing.

Most tests call the route as a WSGI application (csbot.web's Router, as the app mounts it);
one serves it over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from csbot.config import load_settings
from csbot.scoring.config import default_config
from csbot.server import HttpServer
from csbot.services import Services
from csbot.store import models as m
from csbot.store.csv_import import import_csv
from csbot.web import Router
from csbot.webhooks import PATH, register, signed_headers, webhook_endpoint
from tests.integration.ingest_support import EXAMPLES, NOW, dump
from tests.unit.test_webhook_signing import SECRET as EXAMPLE_SECRET
from tests.unit.test_webhook_signing import TICKET, VECTORS

SECRET = "webhook-secret-do-not-log"
STAMP = int(NOW.timestamp())


def _ticket(n: int = 1, **changes: Any) -> dict[str, Any]:
    return {"group": "CVP-001", "external_id": f"HD-{n}", "subject": "ERA import stopped",
            "category": "data", "priority": "high", "status": "open",
            "opened_at": "2026-06-05T09:00:00Z", **changes}  # fmt: skip


@pytest.fixture
def router(sessions: sessionmaker[Session]) -> Router:
    import_csv(sessions, kind="groups", path=EXAMPLES / "groups.csv", now=NOW)
    router = Router()
    router.add("POST", PATH, webhook_endpoint(sessions=sessions, secret=SECRET, clock=lambda: NOW))
    return router


def _post(router: Router, kind: str, payload: Any, *, headers: dict[str, str] | None = None,
          body: bytes | None = None, stamp: int = STAMP) -> tuple[int, Any]:  # fmt: skip
    raw = json.dumps(payload).encode() if body is None else body
    sent = signed_headers(SECRET, raw, timestamp=stamp) if headers is None else headers
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": f"/webhooks/{kind}",
               "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(raw)),
               "wsgi.input": io.BytesIO(raw),
               **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in sent.items()}}  # fmt: skip
    status: list[str] = []
    chunks = router(environ, lambda s, h, exc=None: status.append(s))  # type: ignore[arg-type,misc]
    return int(status[0].split()[0]), json.loads(b"".join(chunks))


def test_a_signed_ticket_is_stored_and_answered_with_its_key(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    status, answer = _post(router, "tickets", _ticket())
    assert status == 200
    assert answer == {
        "kind": "tickets",
        "stored": 1,
        "inserted": 1,
        "updated": 0,
        "unchanged": 0,
        "keys": [{"source": "webhook", "external_id": "HD-1"}],
    }
    with sessions() as session:
        ticket = session.scalars(select(m.Ticket)).one()
    assert (ticket.source, ticket.subject, ticket.status) == (
        "webhook",
        "ERA import stopped",
        "open",
    )


def test_the_same_push_twice_changes_nothing_and_a_change_updates(
    router: Router, engine: Engine
) -> None:
    _post(router, "tickets", [_ticket(1), _ticket(2, source="Zendesk")])
    before = dump(engine)
    status, answer = _post(router, "tickets", [_ticket(1), _ticket(2, source="zendesk")])
    assert (status, answer["unchanged"], answer["inserted"]) == (200, 2, 0)
    assert dump(engine) == before
    _, answer = _post(
        router, "tickets", _ticket(1, status="resolved", resolved_at="2026-06-05T11:00:00Z")
    )
    assert (answer["updated"], answer["inserted"]) == (1, 0)


@pytest.mark.parametrize(("kind", "record"), [
    ("surveys", {"group": "Harbor Point Orthopedics", "external_id": "S-1", "day": "2026-06-04",
                 "kind": "csat", "score": 4}),
    ("activities", {"group": "HPO-002", "external_id": "EV-1", "kind": "call",
                    "title": "Weekly onboarding sync", "occurred_at": "2026-06-04T17:00:00Z",
                    "attendees": ["Lee Okafor"]}),
])  # fmt: skip
def test_surveys_and_activities_arrive_the_same_way(
    router: Router, kind: str, record: dict[str, Any]
) -> None:
    status, answer = _post(router, kind, record)
    assert (status, answer["inserted"]) == (200, 1)


@pytest.mark.parametrize(("headers", "stamp", "reason"), [
    ({}, STAMP, "unsigned: send X-Csbot-Timestamp and X-Csbot-Signature"),
    (None, STAMP - 301, "stale: X-Csbot-Timestamp is more than 5 minutes from now"),
    (None, STAMP + 301, "stale: X-Csbot-Timestamp is more than 5 minutes from now"),
    ({"X-Csbot-Timestamp": "yesterday", "X-Csbot-Signature": "v1=00"}, STAMP,
     "X-Csbot-Timestamp must be Unix seconds"),
    ({"X-Csbot-Timestamp": str(STAMP), "X-Csbot-Signature": "v1=" + "0" * 64}, STAMP,
     "the signature does not match the body and timestamp"),
])  # fmt: skip
def test_unsigned_stale_or_forged_requests_get_401_and_change_nothing(
    router: Router, engine: Engine, headers: dict[str, str] | None, stamp: int, reason: str
) -> None:
    before = dump(engine)
    status, answer = _post(router, "tickets", _ticket(), headers=headers, stamp=stamp)
    assert status == 401 and answer["error"].startswith(reason)
    assert dump(engine) == before


def test_a_sender_signing_as_the_readme_shows_is_stored(sessions: sessionmaker[Session]) -> None:
    """The README's vector, signed by openssl, not by csbot: the route takes it at that time."""
    import_csv(sessions, kind="groups", path=EXAMPLES / "groups.csv", now=NOW)
    endpoint = webhook_endpoint(sessions=sessions, secret=EXAMPLE_SECRET, clock=lambda: NOW)
    router = Router()
    router.add("POST", PATH, endpoint)
    headers = {"X-Csbot-Timestamp": str(STAMP), "X-Csbot-Signature": "v1=" + VECTORS[0][1]}
    status, answer = _post(router, "tickets", None, headers=headers, body=TICKET)
    assert (status, answer["inserted"], answer["keys"]) == (
        200, 1, [{"source": "zendesk", "external_id": "HD-7"}]
    )  # fmt: skip


def test_a_body_changed_after_signing_is_refused(router: Router) -> None:
    headers = signed_headers(SECRET, json.dumps(_ticket()).encode(), timestamp=STAMP)
    status, answer = _post(router, "tickets", _ticket(subject="Changed"), headers=headers)
    assert (status, answer["error"]) == (401, "the signature does not match the body and timestamp")


def test_invalid_records_get_422_with_every_reason_and_nothing_is_stored(
    router: Router, engine: Engine
) -> None:
    before = dump(engine)
    bad = [_ticket(1), _ticket(2, priority="p1", patient="x"), _ticket(3, group="Nobody")]
    status, answer = _post(router, "tickets", bad)
    assert status == 422
    assert answer["error"] == "request: 3 errors; nothing was stored"
    assert answer["problems"] == [
        "record 2, priority: must be one of low, normal, high or urgent ('p1')",
        "record 2, patient: is not a known field ('x')",
        "record 3, group: no group has this external_id or exact name ('Nobody')",
    ]
    assert dump(engine) == before


def test_a_listed_record_that_is_not_an_object_is_named_and_nothing_is_stored(
    router: Router, engine: Engine
) -> None:
    before = dump(engine)
    status, answer = _post(router, "tickets", [_ticket(1), "HD-2", 7, _ticket(4)])
    assert (status, answer["error"]) == (422, "request: 2 errors; nothing was stored")
    assert answer["problems"] == [
        "record 2: is not an object with fields",
        "record 3: is not an object with fields",
    ]
    assert dump(engine) == before


@pytest.mark.parametrize(("body", "reason"), [
    (b"[]", "send one record (a JSON object) or a non-empty list of them"),
    (b'"HD-1"', "send one record (a JSON object) or a non-empty list of them"),
    (json.dumps([_ticket(n) for n in range(1001)]).encode(), "at most 1,000 records per request"),
])  # fmt: skip
def test_a_body_without_records_gets_422(router: Router, body: bytes, reason: str) -> None:
    assert _post(router, "tickets", None, body=body) == (422, {"error": reason})


@pytest.mark.parametrize(("body", "reason"), [
    (b"{not json", "not JSON (Expecting property name enclosed in double quotes at character 1)"),
    (b'{"subject": "\xff"}', "the body is not UTF-8"),
    (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "JSON nested deeper than 64 levels"),
    (b"[" * 65 + b"]" * 65, "JSON nested deeper than 64 levels"),
])  # fmt: skip
def test_a_malformed_body_gets_400_and_one_log_line(
    router: Router, body: bytes, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert _post(router, "tickets", None, body=body) == (
        400,
        {"error": f"malformed body: {reason}"},
    )
    [line] = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert line.exc_info is None and line.getMessage() == f"malformed webhook: {reason}"


def test_an_unsigned_malformed_body_is_refused_unread(router: Router) -> None:
    body = b'{"a":' * 100_000 + b"\xff" + b"}" * 100_000
    status, answer = _post(router, "tickets", None, body=body, headers={})
    assert (status, answer["error"]) == (
        401,
        "unsigned: send X-Csbot-Timestamp and X-Csbot-Signature",
    )


def test_other_kinds_have_no_webhook(router: Router) -> None:
    status, answer = _post(router, "usage", {"group": "CVP-001"})
    assert status == 404 and answer["kinds"] == ["tickets", "surveys", "activities", "outcomes"]


@pytest.fixture
def services(sessions: sessionmaker[Session]) -> Iterator[Services]:
    settings = load_settings(CSBOT_WEBHOOK_SECRET=SECRET)
    built = Services(settings=settings, sessions=sessions, client=WebClient(token="xoxb-none"),
                     scoring=default_config(),
                     clock=lambda: datetime.now(UTC))  # fmt: skip
    yield built
    built.close()


def test_the_route_exists_only_with_a_secret(services: Services) -> None:
    def status(router: Router) -> str:
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/webhooks/tickets"}
        seen: list[str] = []
        router(environ, lambda s, h, exc=None: seen.append(s))  # type: ignore[arg-type,misc]
        return seen[0]

    without, with_secret = Router(), Router()
    assert register(without, dataclasses.replace(services, settings=load_settings())) is False
    assert register(with_secret, services) is True
    assert status(without) == "404 Not Found"
    assert status(with_secret) == "401 Unauthorized"


def test_a_push_over_real_http(services: Services, sessions: sessionmaker[Session]) -> None:
    import_csv(sessions, kind="groups", path=EXAMPLES / "groups.csv", now=NOW)
    router = Router()
    register(router, services)
    server = HttpServer(router, host="127.0.0.1", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    body = json.dumps(_ticket()).encode()
    now = int(datetime.now(UTC).timestamp())
    try:
        response = httpx.post(
            f"http://127.0.0.1:{server.port}/webhooks/tickets",
            content=body,
            headers=signed_headers(SECRET, body, timestamp=now),
            timeout=10,
        )
        stale = httpx.post(
            f"http://127.0.0.1:{server.port}/webhooks/tickets",
            content=body,
            headers=signed_headers(SECRET, body, timestamp=now - 3600),
            timeout=10,
        )
    finally:
        server.stop()
        thread.join(timeout=10)
    assert response.status_code == 200 and response.json()["inserted"] == 1
    assert stale.status_code == 401


def test_exactly_1000_records_are_taken(router: Router) -> None:
    status, answer = _post(router, "tickets", [_ticket(n) for n in range(1000)])
    assert (status, answer["inserted"]) == (200, 1000)


def test_an_unknown_kind_is_named_shortened_in_the_404(router: Router) -> None:
    assert _post(router, "usage", {"group": "CVP-001"}) == (
        404,
        {
            "error": "no webhook for 'usage'",
            "kinds": ["tickets", "surveys", "activities", "outcomes"],
        },
    )
    _, answer = _post(router, "x" * 60, {"group": "CVP-001"})
    assert answer["error"] == f"no webhook for {'x' * 40!r}"


def test_a_malformed_body_is_logged_with_its_kind(
    router: Router, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="csbot.webhooks")
    _post(router, "surveys", None, body=b"{not json")
    [line] = caplog.records
    assert (line.levelname, getattr(line, "kind", None)) == ("WARNING", "surveys")


def test_times_without_an_offset_are_read_in_csbots_time_zone(
    services: Services, sessions: sessionmaker[Session]
) -> None:
    import_csv(sessions, kind="groups", path=EXAMPLES / "groups.csv", now=NOW)
    settings = load_settings(CSBOT_WEBHOOK_SECRET=SECRET, CSBOT_TIMEZONE="America/New_York")
    router = Router()
    register(router, dataclasses.replace(services, settings=settings, clock=lambda: NOW))
    status, _ = _post(router, "tickets", _ticket(opened_at="2026-06-05T09:00:00"))
    with sessions() as session:
        opened = session.scalars(select(m.Ticket.opened_at)).one()
    assert status == 200
    assert opened.replace(tzinfo=UTC) == datetime(2026, 6, 5, 13, 0, tzinfo=UTC)


def test_a_store_failure_is_500_with_an_error_id_that_the_log_shares(
    router: Router, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE ticket"))  # the database breaks under csbot
    caplog.set_level(logging.INFO, logger="csbot.webhooks")
    status, answer = _post(router, "tickets", _ticket())
    assert status == 500 and set(answer) == {"error", "error_id"}
    assert answer["error"] == "sorry, storing failed"
    assert re.fullmatch(r"[0-9a-f]{12}", answer["error_id"])
    [line] = caplog.records
    assert (line.levelname, line.getMessage(), line.exc_info is not None) == (
        "ERROR",
        "webhook failed",
        True,
    )
    assert (getattr(line, "kind", None), getattr(line, "error_id", None)) == (
        "tickets",
        answer["error_id"],
    )


def test_without_a_secret_the_log_says_webhooks_are_off(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="csbot.webhooks")
    register(Router(), dataclasses.replace(services, settings=load_settings()))
    assert [r.getMessage() for r in caplog.records] == [
        "webhooks off: CSBOT_WEBHOOK_SECRET is not set"
    ]


def test_a_renewal_outcome_is_pushed_and_a_bad_one_named(
    router: Router, sessions: sessionmaker[Session]
) -> None:
    good = {
        "group": "CVP-001",
        "renewal_date": "2026-01-31",
        "outcome": "churned",
        "churned_on": "2026-02-02",
        "reason_category": "price",
        "reason": "Cheaper rival",
    }
    bad = {**good, "renewal_date": "2025-01-31", "churned_on": None}  # fmt: skip
    status, answer = _post(router, "outcomes", [good, bad])
    assert status == 422
    assert "record 2, churned_on: is required when the outcome is churned" in answer["problems"]
    status, answer = _post(router, "outcomes", good)
    assert (status, answer["inserted"]) == (200, 1)
    with sessions() as session:
        stored = session.scalars(select(m.RenewalOutcome)).one()
    assert (stored.outcome, stored.churned_on.isoformat(), stored.source) == (
        "churned",
        "2026-02-02",
        "webhook",
    )
