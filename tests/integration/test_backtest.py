"""`csbot backtest` on six renewals whose figures are worked out by hand
(tests/unit/scoring/test_score_audit.py has the same six), read from the store as it runs."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from csbot.commands.backtest import run_backtest
from csbot.config import load_settings
from csbot.store import models as m

RENEWAL = date(2025, 3, 1)
AT = datetime(2025, 3, 1, tzinfo=UTC)
# name, churned, score, band, churn risk, level, billability, NPS detractor fired
SIX = [
    ("A", True, 35, "Critical", 70, "high", 30, True),
    ("B", True, 55, "Needs Attention", 40, "medium", 60, True),
    ("C", True, 82, "Excellent", 25, "medium", None, False),
    ("D", False, 45, "Needs Attention", 55, "high", 50, True),
    ("E", False, 70, "Good", 20, "low", 80, False),
    ("F", False, 90, "Excellent", 5, "low", 90, False),
]  # fmt: skip


def _snapshot(group_id: int, back: int, score: float, band: str, risk: float, level: str,
              billability: float | None, nps: bool) -> m.HealthSnapshot:  # fmt: skip
    factors = [{"id": "nps_detractor", "title": "NPS detractor", "points": 10}] if nps else []
    return m.HealthSnapshot(group_id=group_id, day=RENEWAL - timedelta(days=back), window_days=30,
                            score=score, billability=billability, engagement=50.0, revenue=None,
                            band=band, churn_risk=risk, churn_level=level, arr_at_risk=0.0,
                            factors=factors, computed_at=AT)  # fmt: skip


def _seed(session: Session) -> None:
    seven = [*SIX, ("G", True, 0, "Critical", 90, "very high", 0, True)]
    for name, churned, score, band, risk, level, bill, nps in seven:
        group = m.PhysicianGroup(name=name, slug=name.lower(), specialty="x", region="x",
                                 plan="growth", seats=5, contract_start=date(2023, 3, 1),
                                 renewal_date=RENEWAL, arr=1000.0, created_at=AT)  # fmt: skip
        session.add(group)
        session.flush()
        session.add(m.RenewalOutcome(
            group_id=group.id, renewal_date=RENEWAL, outcome="churned" if churned else "renewed",
            new_arr=None if churned else 1000.0, churned_on=RENEWAL if churned else None,
            reason_category="price" if churned else None, source="test", recorded_at=AT,
        ))  # fmt: skip
        if name == "G":  # only a snapshot too long before: not a case
            session.add(_snapshot(group.id, 90 + 15, score, band, risk, level, bill, nps))
            continue
        # The one 90 days before counts; one closer to the renewal and one older do not.
        session.add(_snapshot(group.id, 90, score, band, risk, level, bill, nps))
        session.add(_snapshot(group.id, 60, 100 - score, band, 0, "low", 10, not nps))
        session.add(_snapshot(group.id, 97, 100 - score, band, 0, "low", 10, not nps))


def test_the_backtest_prints_the_hand_worked_figures(
    sessions: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        _seed(session)
    out, chart = io.StringIO(), tmp_path / "roc.png"
    settings = load_settings(_env_file=None, CSBOT_DATABASE_URL=database_url)
    assert run_backtest(settings, horizon_days=90, chart=chart, out=out) == 0
    text = out.getvalue()
    assert text.startswith(
        "6 renewals 2025-03-01 to 2025-03-01 held to the snapshot 90 days before each (up to 14 "
        "days earlier when that day has none): 3 churned, 3 renewed or contracted (recorded "
        "renewals without a snapshot: 1).\nFewer than 20 churns: these figures mean little yet"
    )
    lines = text.splitlines()
    assert lines[4].startswith("  health score  0.67 (95% interval ")
    assert lines[5].startswith("  band          0.67 (95% interval ")
    assert lines[6].startswith("  churn risk    0.78 (95% interval ")
    assert lines[8:12] == [
        "Needs Attention or worse: 3 flagged, precision 67%, recall 67%; 1 of them renewed",
        "  churned but not flagged (1): C (2025-03-01)",
        "churn risk high or worse: 2 flagged, precision 50%, recall 33%; 1 of them renewed",
        "  churned but not flagged (2): B (2025-03-01), C (2025-03-01)",
    ]
    assert "  billability: churned 45, renewed 73, AUC 0.83" in lines
    assert "  nps detractor: churned 67%, renewed 33%, AUC 0.67" in lines
    assert chart.read_bytes().startswith(b"\x89PNG") and lines[-1] == f"chart written to {chart}"


def test_with_no_outcomes_it_says_how_to_record_them(database_url: str) -> None:
    out = io.StringIO()
    settings = load_settings(_env_file=None, CSBOT_DATABASE_URL=database_url)
    run_backtest(settings, horizon_days=30, out=out)
    assert out.getvalue() == (
        "No renewal outcome is recorded yet. Record them with the Record renewal outcome button "
        "on a group's card or on `/cs renewals`, with `csbot import outcomes FILE`, with csbot "
        "sync or with POST /webhooks/outcomes.\n"
    )


def test_with_outcomes_but_no_snapshot_that_early_it_says_so(
    sessions: sessionmaker[Session], database_url: str
) -> None:
    with sessions.begin() as session:
        _seed(session)
    out = io.StringIO()
    settings = load_settings(_env_file=None, CSBOT_DATABASE_URL=database_url)
    assert run_backtest(settings, horizon_days=200, out=out) == 0
    assert out.getvalue() == (
        "None of the 7 recorded renewals has a snapshot 200 days before it (up to 14 days "
        "earlier), so there is nothing to check yet: snapshots start with csbot's first daily "
        "recompute. A shorter horizon may find some.\n"
    )
