"""`POST /webhooks/{kind}`: helpdesks and the platform push tickets, surveys,
activities and renewal outcomes.

Each request is signed with the shared secret CSBOT_WEBHOOK_SECRET:

    X-Csbot-Timestamp: <Unix seconds>
    X-Csbot-Signature: v1=<hex HMAC-SHA256(secret, "v1:" + timestamp + ":" + raw body)>

A missing, stale (more than 5 minutes off) or wrong signature gets 401, before the body is read;
a body that is not JSON (or not UTF-8, or nested absurdly deep) gets 400; records that do not
validate get 422 with every reason; otherwise the records are stored (all or none, by natural
key, as CSV imports are) and the answer is 200 with what was stored. The body is one record
(a JSON object) or a list of up to 1,000.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from csbot.services import Clock, Services
from csbot.signing import WEBHOOK
from csbot.store.db import SessionFactory
from csbot.store.ingest import IngestError, ingest_records
from csbot.web import Endpoint, MalformedBody, Request, Response, Router, parse_json

log = logging.getLogger(__name__)

PATH = "/webhooks/{kind}"
KINDS = ("tickets", "surveys", "activities", "outcomes")
MAX_RECORDS = 1_000
SOURCE = "webhook"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`v1=<hex>`: the HMAC-SHA256 of `v1:{timestamp}:{body}` under the shared secret."""
    return WEBHOOK.sign(secret, timestamp, body)


def signed_headers(secret: str, body: bytes, *, timestamp: int) -> dict[str, str]:
    """The headers a sender adds (tests and example senders use this)."""
    stamp = str(timestamp)
    return {"X-Csbot-Timestamp": stamp, "X-Csbot-Signature": signature(secret, stamp, body)}


def refusal(headers: Mapping[str, str], body: bytes, *, secret: str, now: datetime) -> str | None:
    """Why the request is not authentic (for a 401), or None when it is."""
    return WEBHOOK.refusal(headers, body, secret=secret, now=now.timestamp())


def _records(body: bytes) -> list[Any] | str:
    """The records in the body, or why there are none (for a 422); MalformedBody (for a 400)
    when the body is not JSON at all."""
    parsed = parse_json(body)
    records = [parsed] if isinstance(parsed, dict) else parsed
    if not isinstance(records, list) or not records:
        return "send one record (a JSON object) or a non-empty list of them"
    if len(records) > MAX_RECORDS:
        return f"at most {MAX_RECORDS:,} records per request"
    return records


def webhook_endpoint(
    *, sessions: SessionFactory, secret: str, clock: Clock, tz: tzinfo = UTC
) -> Endpoint:
    """The `Request -> Response` function behind `POST /webhooks/{kind}`."""

    def handle(request: Request) -> Response:
        now = clock()
        reason = refusal(request.headers, request.body, secret=secret, now=now)
        if reason is not None:
            return Response.json(401, {"error": reason})
        kind = request.params.get("kind", "")
        if kind not in KINDS:
            return Response.json(404, {"error": f"no webhook for {kind[:40]!r}", "kinds": KINDS})
        try:
            records = _records(request.body)
        except MalformedBody as exc:
            log.warning("malformed webhook: %s", exc.message, extra={"kind": kind})
            return Response.json(400, {"error": f"malformed body: {exc.message}"})
        if isinstance(records, str):
            return Response.json(422, {"error": records})
        return _store(sessions, kind, records, now=now, tz=tz)

    return handle


def _store(
    sessions: SessionFactory, kind: str, records: list[Any], *, now: datetime, tz: tzinfo
) -> Response:
    try:
        counts = ingest_records(sessions, kind=kind, records=records, source=SOURCE, now=now,
                                tz=tz)  # fmt: skip
    except IngestError as exc:
        return Response.json(422, {"error": str(exc).splitlines()[0], "problems": exc.problems})
    except Exception:
        error_id = uuid.uuid4().hex[:12]
        log.exception("webhook failed", extra={"kind": kind, "error_id": error_id})
        return Response.json(500, {"error": "sorry, storing failed", "error_id": error_id})
    return Response.json(200, {"kind": kind, "stored": counts.read, "inserted": counts.inserted,
                               "updated": counts.updated, "unchanged": counts.unchanged,
                               "keys": counts.keys})  # fmt: skip


def register(router: Router, services: Services) -> bool:
    """Route `POST /webhooks/{kind}` when CSBOT_WEBHOOK_SECRET is set; True if it was."""
    secret = services.settings.webhook_secret
    if secret is None or not secret.get_secret_value():
        log.info("webhooks off: CSBOT_WEBHOOK_SECRET is not set")
        return False
    endpoint = webhook_endpoint(sessions=services.sessions, secret=secret.get_secret_value(),
                                clock=services.clock, tz=services.settings.tz)  # fmt: skip
    router.add("POST", PATH, endpoint)
    return True
