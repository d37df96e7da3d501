"""`/cs scorecheck` end to end: the real app over signed HTTP, the fake Slack recording the card.

Six demo groups get the six renewals of tests/unit/scoring/test_score_audit.py (figures worked
out by hand there), two years before the demo's day so no other card sees their snapshots.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete

from csbot.commands.slash import WORKING_ON_SCORECHECK
from csbot.store import models as m
from csbot.store.db import transaction
from csbot.store.records import GroupName
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import (  # noqa: F401  (fixtures)
    AS_OF,
    CHANNEL,
    block,
    cs_app,
    cs_fixture,
    done,
    names_fixture,
)

RENEWAL = AS_OF - timedelta(days=730)
AT = datetime(2024, 1, 1, tzinfo=UTC)
SIX = [  # churned, score, band, churn risk, level
    (True, 35, "Critical", 70, "high"), (True, 55, "Needs Attention", 40, "medium"),
    (True, 82, "Excellent", 25, "medium"), (False, 45, "Needs Attention", 55, "high"),
    (False, 70, "Good", 20, "low"), (False, 90, "Excellent", 5, "low"),
]  # fmt: skip


def _record(server: AppServer, names: list[GroupName]) -> list[str]:
    """The six renewals on the first six demo groups; their names in order."""
    with transaction(server.runtime.services.sessions) as session:
        for group, (churned, score, band, risk, level) in zip(names, SIX, strict=False):
            session.add(m.RenewalOutcome(
                group_id=group.id, renewal_date=RENEWAL, source="test", recorded_at=AT,
                outcome="churned" if churned else "renewed", new_arr=None if churned else 1.0,
                churned_on=RENEWAL if churned else None,
                reason_category="price" if churned else None))  # fmt: skip
            session.add(m.HealthSnapshot(
                group_id=group.id, day=RENEWAL - timedelta(days=90), window_days=30, score=score,
                billability=score, engagement=score, revenue=score, band=band, churn_risk=risk,
                churn_level=level, arr_at_risk=0.0, factors=[], computed_at=AT))  # fmt: skip
    return [g.name for g in names[:6]]


def _forget(server: AppServer) -> None:
    with transaction(server.runtime.services.sessions) as session:
        session.execute(delete(m.RenewalOutcome))
        session.execute(
            delete(m.HealthSnapshot).where(m.HealthSnapshot.day < AS_OF - timedelta(days=400))
        )


def _text(b: dict[str, Any]) -> str:
    if "text" in b:
        return str(b["text"]["text"])
    return " ".join(f["text"] for f in b.get("fields") or b["elements"])


def test_scorecheck_posts_the_audit_with_its_chart(cs: AppServer, names: list[GroupName]) -> None:
    shown = _record(cs, names)
    try:
        response = cs.slash_command("scorecheck 90d")
        assert response.json() == {"text": WORKING_ON_SCORECHECK, "response_type": "ephemeral"}
        cs.fake.wait_for("chat.postMessage")
        done(cs)
    finally:
        _forget(cs)
    [message] = cs.fake.messages(CHANNEL)
    blocks = message["blocks"]
    assert block(blocks, "header")["text"]["text"] == "Score check · 90 days before renewal"
    assert message["text"] == "Score check: 6 renewals, 3 churned"
    facts = _text(block(blocks, "facts"))
    assert "*Health score AUC*\n0.67 (95% interval" in facts
    assert "*Churn risk AUC*\n0.78 (95% interval" in facts
    attention = _text(block(blocks, "status_flag0"))
    assert attention.startswith("*Needs Attention or worse: 3 flagged, precision 67%, recall 67%")
    healthy_churn = shown[2].replace("&", "&amp;")
    assert attention.endswith(f"Churned but not flagged (1): {healthy_churn} ({RENEWAL})")
    assert "Fewer than 20 churns" in _text(block(blocks, "status_few"))
    assert any(b["type"] == "image" for b in blocks)  # the ROC chart, uploaded


def test_without_outcomes_it_says_how_to_record_them(cs: AppServer) -> None:
    cs.slash_command("scorecheck")
    cs.fake.wait_for("chat.postMessage")
    done(cs)
    [message] = cs.fake.messages(CHANNEL)
    assert _text(block(message["blocks"], "headline")).startswith(
        "No renewal outcome is recorded yet. Record them with the Record renewal outcome button"
    )


def test_a_bad_horizon_is_answered_in_the_ack(cs: AppServer) -> None:
    response = cs.slash_command("scorecheck soon please")
    assert "`/cs scorecheck` takes only how long before each renewal" in str(response.json())
    assert cs.fake.calls_to("chat.postMessage") == []
