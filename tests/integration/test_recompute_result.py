"""What a recompute reports and how it walks the groups, on SQLite and PostgreSQL: the chunks
it loads (every group in id order, at most `chunk_groups` at a time), the groups it skips in
any chunk, the previous bands of the groups it was given, the seconds of each phase, and the
line it logs."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import pytest
from recompute_seed import AS_OF, NOW, group, seed, statements, stored, usage
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

import csbot.store.recompute as recompute_module
from csbot.scoring import Band, default_config
from csbot.scoring.batch import BatchInputs
from csbot.store.batch_loading import Chunk
from csbot.store.recompute import chunks, explain, recompute

CONFIG = default_config()
PHASES = {"prepare", "load", "score", "write"}


def _five(session: Session) -> list[int]:
    """Five groups, named so that no index on a name reads them in id order; the second and
    fourth have no data yet. On PostgreSQL the first is then updated, which moves its row to
    the end of the table, so an unordered scan reads it last."""
    groups = [group(name) for name in ("Echo", "Delta", "Charlie", "Bravo", "Alpha")]
    session.add_all(groups)
    session.flush()
    ids = [g.id for g in groups]
    for gid in ids[0::2]:
        session.add_all(usage(gid, 30))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("UPDATE physician_group SET seats = seats WHERE id = :id"),
                        {"id": ids[0]})  # fmt: skip
    return ids


def test_chunks_name_every_group_in_id_order_and_one_chunk_reads_them_all(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        ids = _five(session)
    a, b, c, d, e = ids
    with sessions() as session:
        assert list(chunks(session, None, 5)) == [Chunk()]  # as many groups as fit: no filter
        assert list(chunks(session, None, 2)) == [
            Chunk(ids=(a, b), whole=True), Chunk(ids=(c, d), whole=True),
            Chunk(ids=(e,), whole=True),
        ]  # fmt: skip
        assert list(chunks(session, [e, a, c, c], 2)) == [Chunk(ids=(a, c)), Chunk(ids=(e,))]
        assert list(chunks(session, [], 2)) == []


def test_a_recompute_in_chunks_scores_at_most_a_chunk_at_once_and_skips_from_each(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Groups without data in the first and the second chunk are both skipped; the snapshots
    stored are those of one chunk of every group."""
    with sessions.begin() as session:
        a, b, c, d, e = _five(session)
    with sessions.begin() as session:
        whole = recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG)
        before = stored(session)
    sizes: list[int] = []
    score_batch = recompute_module.score_batch

    def counted(inputs: BatchInputs, config: Any) -> Any:
        sizes.append(len(inputs.seats))
        return score_batch(inputs, config)

    monkeypatch.setattr(recompute_module, "score_batch", counted)
    with sessions.begin() as session:
        result = recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG, chunk_groups=2)
        assert stored(session) == before
    assert sizes == [2, 2, 1]
    assert result.skipped == whole.skipped == (b, d)
    assert list(result.scored.group_ids) == list(whole.scored.group_ids) == [a, c, e]
    assert result.scored.scores == whole.scored.scores


def test_a_recompute_of_no_groups_changes_nothing(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        seed(session)
        recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG)
        before = stored(session)
    with sessions.begin() as session:
        result = recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG, group_ids=[])
        assert stored(session) == before and len(before) == 2
    assert (len(result.scored), result.skipped, result.previous_bands) == (0, (), {})


def test_previous_bands_are_those_of_the_groups_recomputed(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        ids = seed(session)
        recompute(session, as_of=AS_OF - timedelta(days=1), computed_at=NOW, config=CONFIG)
    alpha, gamma = ids["alpha"], ids["gamma"]
    with sessions.begin() as session:
        some = recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG, group_ids=[gamma])
    with sessions.begin() as session:
        every = recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG)
    assert set(every.previous_bands) == {alpha, gamma}
    assert some.previous_bands == {gamma: every.previous_bands[gamma]}
    assert all(isinstance(band, Band) for band in every.previous_bands.values())


def test_explain_scores_only_the_groups_asked_for(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        ids = seed(session)
    with sessions() as session:
        explained = explain(session, day=AS_OF, window_days=30, group_ids=[ids["gamma"]],
                            config=CONFIG)  # fmt: skip
        assert list(explained) == [ids["gamma"]]
        assert explain(session, day=AS_OF, window_days=30, group_ids=[], config=CONFIG) == {}


@pytest.mark.parametrize("window_days", [None, 7])
def test_a_recompute_reports_its_window_and_the_seconds_of_each_phase_and_logs_them(
    sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture, window_days: int | None
) -> None:
    """The phases add up to no more than the whole, which is no more than the caller saw;
    the log line carries the same figures, to the millisecond."""
    with sessions.begin() as session:
        seed(session)
    caplog.set_level(logging.DEBUG, "csbot.store.recompute")
    with sessions.begin() as session:
        started = time.perf_counter()
        result = recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG,
                           window_days=window_days)  # fmt: skip
        seen = time.perf_counter() - started
    days = window_days or CONFIG.default_window_days
    assert result.window_days == days and result.day == AS_OF
    assert set(result.phases) == PHASES
    assert all(s > 0 for s in result.phases.values())
    assert sum(result.phases.values()) <= result.seconds <= seen
    [line] = [r for r in caplog.records if r.getMessage() == "recomputed"]
    logged = {key: getattr(line, key) for key in ("day", "window_days", "groups", "seconds")}
    assert logged == {"day": "2026-03-31", "window_days": days, "groups": 2,
                      "seconds": round(result.seconds, 3)}  # fmt: skip
    for phase, seconds in result.phases.items():
        assert getattr(line, f"{phase}_seconds") == round(seconds, 3)
    assert result.text.endswith(f"; {result.seconds:.2f} s")


def test_a_recompute_on_sqlite_logs_the_tables_it_analysed_first(
    engine: Engine, sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    with sessions.begin() as session:
        seed(session)
    caplog.set_level(logging.DEBUG, "csbot.store.recompute")
    for _ in range(2):
        with sessions.begin() as session:
            recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG)
    lines = [r for r in caplog.records if r.getMessage() == "planner statistics refreshed first"]
    if engine.dialect.name == "postgresql":  # autovacuum keeps PostgreSQL's
        assert lines == []
        return
    first, second = (line.tables.split(", ") for line in lines)
    assert {"physician_group", "daily_usage", "ticket", "survey"} <= set(first)
    assert "health_snapshot" not in first  # empty when the first recompute began
    assert second == ["health_snapshot"]  # the rest were analysed by the first


def test_the_first_chunk_is_loaded_before_the_day_is_cleared(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    """The loader's queries are started before the day is prepared (on PostgreSQL, on the
    workers while the session prepares); on one connection they run first."""
    with sessions.begin() as session:
        seed(session)
    with statements(engine) as ran, sessions.begin() as session:
        recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG, workers=0)
    sql = [statement for _, statement in ran]
    loaded = next(i for i, s in enumerate(sql) if "FROM daily_usage" in s)
    cleared = next(i for i, s in enumerate(sql) if s.startswith("DELETE FROM health"))
    assert loaded < cleared
