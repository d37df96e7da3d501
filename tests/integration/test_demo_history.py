"""The snapshot history `csbot demo` writes from its generated rows is what the recompute,
reading them back from the store, writes for the same days (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from csbot.demo.columns import GroupColumns
from csbot.demo.profile import group_specs
from csbot.scoring.batch import BatchInputs, score_batch
from csbot.scoring.config import ScoringConfig, build_config, default_config
from csbot.store.batch_loading import Chunk, load_batch
from csbot.store.demo import load_demo
from csbot.store.demo.history import Generated, History, day_inputs
from csbot.store.demo.load import generate
from csbot.store.models import HealthSnapshot, PhysicianGroup
from csbot.store.recompute import recompute

AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 5, 0, tzinfo=UTC)
# Another window and other weights: the history must follow the running config.
MOVED = build_config(
    {
        "default_window_days": 14,
        "weights": {"billability": 0.2, "engagement": 0.5, "revenue": 0.3},
        "factors": {"no_cs_touch_days": 20, "slow_first_response_hours": 4},
    }
)


def _rows(session: Session) -> dict[tuple[int, date], tuple[object, ...]]:
    s = HealthSnapshot
    stmt = select(s.group_id, s.day, s.score, s.billability, s.engagement, s.revenue, s.band,
                  s.churn_risk, s.churn_level, s.arr_at_risk, s.factors)  # fmt: skip
    return {(r[0], r[1]): tuple(r[2:]) for r in session.execute(stmt)}


def _same(got: tuple[object, ...], expected: tuple[object, ...]) -> None:
    for a, b in zip(got, expected, strict=True):
        if isinstance(a, float) and isinstance(b, float):
            assert a == pytest.approx(b, rel=1e-9, abs=1e-9)
        else:
            assert a == b


@pytest.mark.parametrize("config", [default_config(), MOVED], ids=["defaults", "moved"])
def test_the_demo_history_is_what_the_recompute_stores(
    sessions: sessionmaker[Session], config: object
) -> None:
    assert config is default_config() or config is MOVED
    history = History.before(AS_OF, 6, config=config, computed_at=NOW)  # type: ignore[arg-type]
    with sessions.begin() as session:
        counts = load_demo(session, groups=16, days=120, seed=7, as_of=AS_OF, history=history)
        written = _rows(session)
    assert counts["health_snapshot"] == len(written) == 16 * 6
    assert {day for _, day in written} == {AS_OF - timedelta(days=d) for d in range(1, 7)}
    for day in history.days:
        with sessions.begin() as session:
            recompute(session, as_of=day, computed_at=NOW, config=config)  # type: ignore[arg-type]
    with sessions() as session:
        recomputed = _rows(session)
    assert set(recomputed) == set(written)
    for key, row in written.items():
        _same(row, recomputed[key])


def _generated(session: Session, *, groups: int, days: int) -> Generated:
    """The demo rows as the generator made them (it is pure: the same seed, the same rows)."""
    specs = group_specs(groups=groups, seed=7, as_of=AS_OF, days=days)
    ids = dict(session.execute(select(PhysicianGroup.external_id, PhysicianGroup.id)).all())
    made, *_ = generate(GroupColumns.of(specs, [ids[s.external_id] for s in specs]), seed=7,
                        as_of=AS_OF)  # fmt: skip
    return made


@pytest.mark.parametrize("config", [default_config(), MOVED], ids=["defaults", "moved"])
def test_each_days_inputs_are_what_the_recompute_loads(
    sessions: sessionmaker[Session], config: ScoringConfig
) -> None:
    """Fact by fact, not only the scores: usage of both windows, tickets, surveys, onboarding,
    the last touch and the contract's days, for days spread over the history."""
    with sessions.begin() as session:
        load_demo(session, groups=21, days=200, seed=7, as_of=AS_OF)
    with sessions() as session:
        made = _generated(session, groups=21, days=200)
        for back in (1, 9, 33, 70, 140):
            day = AS_OF - timedelta(days=back)
            ids, loaded = load_batch(session, as_of=day, window_days=config.default_window_days,
                                     chunk=Chunk(), rules=config.factors)  # fmt: skip
            ours = day_inputs(made, day, config)
            assert ids.tolist() == made.groups.ids.tolist()
            _same_inputs(ours, loaded, f"{back} days back")
            np.testing.assert_allclose(score_batch(ours, config).parts,
                                       score_batch(loaded, config).parts, rtol=1e-12)  # fmt: skip


def _same_inputs(got: BatchInputs, expected: BatchInputs, when: str) -> None:
    for name in ("as_of", "seats", "arr", "onboarding_open", "onboarding_overdue",
                 "onboarding_last_done_ago", "contract_start_ago", "renewal_in",
                 "last_touch_ago"):  # fmt: skip
        np.testing.assert_array_equal(
            getattr(got, name), getattr(expected, name), f"{when}: {name}"
        )
    for part in ("usage", "previous_usage", "support"):
        for name, column in vars(getattr(got, part)).items():
            # SQLite works out hours from julianday, which keeps times to the millisecond
            hours = 1e-6 if name == "first_response_median" else 0.0
            np.testing.assert_allclose(column, getattr(getattr(expected, part), name), rtol=1e-9,
                                       atol=hours, err_msg=f"{when}: {part}.{name}")  # fmt: skip
    assert got.plans == expected.plans
