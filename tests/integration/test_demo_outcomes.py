"""`csbot demo --renewal-history YEARS`: former groups that churned, current ones that renewed,
and snapshots before each renewal with something true for the audit to find."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from csbot.cli import main
from csbot.commands.scorecheck import load_audit
from csbot.demo.outcomes import former_count
from csbot.scoring.config import default_config, load_scoring_config
from csbot.scoring.types import Band
from csbot.store import models as m
from csbot.store.demo import load_demo
from csbot.store.demo.load import PastRenewals

AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 5, 0, tzinfo=UTC)
PAST = PastRenewals(3, default_config(), NOW)


def _load(sessions: sessionmaker[Session]) -> list[tuple[object, ...]]:
    o, g = m.RenewalOutcome, m.PhysicianGroup
    with sessions.begin() as session:
        load_demo(session, groups=16, days=60, seed=7, as_of=AS_OF, past=PAST)
        stmt = (select(g.external_id, g.renewal_date, o.renewal_date, o.outcome, o.reason_category)
                .join(g, g.id == o.group_id).order_by(g.external_id, o.renewal_date))  # fmt: skip
        return [tuple(row) for row in session.execute(stmt)]


def test_former_groups_churned_at_their_last_renewal_and_current_ones_stayed(
    sessions: sessionmaker[Session],
) -> None:
    rows = _load(sessions)
    former = {f"demo-{n + 1:04d}" for n in range(16, 16 + former_count(16))}
    churned = {ext for ext, _, _, outcome, _ in rows if outcome == "churned"}
    assert churned == former  # each former group churned once; no current group ever did
    for ext, renewal_date, day, outcome, reason in rows:
        assert day < AS_OF
        if ext in former and outcome == "churned":
            assert (day, reason is not None) == (renewal_date, True)  # its last renewal
    assert _load(sessions) == rows  # a rerun replaces it with the same history


def test_the_history_has_churns_the_scores_saw_and_ones_they_missed(
    sessions: sessionmaker[Session],
) -> None:
    _load(sessions)
    checked = load_audit(sessions, horizon_days=90, window_days=30)
    cases, found = checked.audit.cases, checked.audit
    assert cases == len(_load(sessions)) and found.churns == former_count(16)
    healthy_churns = [c for c in checked.cases.cases if c.churned and c.band.rank < 2]
    assert healthy_churns and found.attention.flagged_renewed >= 1
    assert {(c.group, c.renewal_date) for c in healthy_churns} <= set(found.attention.missed)
    assert found.health is not None and found.health.value > 0.6
    assert all(c.band in Band for c in checked.cases.cases)


def test_backtest_suggests_a_file_that_recompute_runs_with(
    sessions: sessionmaker[Session], database_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with sessions.begin() as session:
        load_demo(session, groups=40, days=60, seed=7, as_of=AS_OF, past=PAST)
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    path = tmp_path / "suggested.yml"
    assert main(["backtest", "--suggest", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Suggested weights (logistic regression fitted on " in out
    assert out.splitlines()[-1] == (f"suggested config written to {path}; to use it: "
                                    f"CSBOT_SCORING_CONFIG={path} csbot recompute")  # fmt: skip
    suggested = load_scoring_config(path)
    assert suggested.weights != default_config().weights
    monkeypatch.setenv("CSBOT_SCORING_CONFIG", str(path))
    assert main(["recompute", "--date", AS_OF.isoformat(), "--no-deliver"]) == 0
    with sessions() as session:
        scored = session.scalar(select(func.count()).select_from(m.HealthSnapshot)
                                .where(m.HealthSnapshot.day == AS_OF))  # fmt: skip
    assert scored == 40
