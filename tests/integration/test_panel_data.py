"""load_panel_data: one group's rows for the panels, bounded by the window, on both stores."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from recompute_seed import AS_OF, seed
from sqlalchemy.orm import Session, sessionmaker

from csbot.errors import NotFoundError
from csbot.scoring import score_group
from csbot.scoring.config import default_config
from csbot.scoring.panels import support_metrics
from csbot.store.loading import load_scoring_inputs
from csbot.store.panel_data import load_panel_data
from csbot.store.recompute import recompute


def test_panel_data_holds_the_groups_rows_for_the_window(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        ids = seed(session)
        recompute(
            session,
            as_of=AS_OF,
            computed_at=datetime(2026, 4, 1, tzinfo=UTC),
            config=default_config(),
        )
    with sessions() as session:
        data = load_panel_data(
            session,
            group_id=ids["alpha"],
            window_days=30,
            as_of=AS_OF,
            rules=default_config().factors,
        )
        alone = load_scoring_inputs(
            session,
            as_of=AS_OF,
            window_days=30,
            group_ids=[ids["alpha"]],
            rules=default_config().factors,
        )
    assert data.profile.name == "Alpha Clinic"
    assert len(data.usage) == 60  # window and previous window; not the day after as_of
    assert data.usage[-1].day == AS_OF
    assert {e.month for e in data.revenue} == {date(2025, 12, 1)} | {
        date(2026, m, 1) for m in (1, 2, 3)
    }
    assert len(data.tickets) == 5
    assert [(s.day, s.kind) for s in data.surveys][-1] == (date(2026, 3, 4), "csat")
    assert len(data.tasks) == 3 and data.tasks[0].name == "Kickoff call held"
    assert [s.day for s in data.snapshots] == [AS_OF]
    assert data.inputs == alone[ids["alpha"]]
    assert score_group(data.inputs, default_config()).health.score == pytest.approx(74.0)
    support = support_metrics(data, default_config().factors)
    assert (support.opened, support.open_now) == (5, 3)


def test_unknown_group_is_not_found(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, pytest.raises(NotFoundError, match="no physician group"):
        load_panel_data(
            session, group_id=999, window_days=30, as_of=AS_OF, rules=default_config().factors
        )
