"""Recompute: every group's scores for a day, loaded and scored over columns, in chunks.

Each chunk of groups is loaded in a few set-based queries (csbot.store.batch_loading), scored
at once (csbot.scoring.batch) and written in bulk, so memory stays bounded however many groups
there are. The caller owns the transaction, so the alerts can write their outbox rows in the
same one, comparing `RecomputeResult.previous_bands` with the new bands; `explain` gives the
full `score_group` result (reasons, evidence, playbook) for the few groups an alert shows.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csbot.scoring.batch import BANDS, score_batch
from csbot.scoring.batch.day import DayScores
from csbot.scoring.batch.inputs import Floats
from csbot.scoring.config import ScoringConfig
from csbot.scoring.group import score_groups
from csbot.scoring.types import Band, GroupScore
from csbot.store.batch_loading import Chunk, start_batch
from csbot.store.loading import load_scoring_inputs
from csbot.store.models import PhysicianGroup
from csbot.store.shared_snapshot import WORKERS, shared_snapshot
from csbot.store.snapshot_write import clear_snapshots, write_batch
from csbot.store.snapshots import previous_bands
from csbot.store.statistics import refresh_statistics

__all__ = ["CHUNK_GROUPS", "DayScores", "RecomputeResult", "chunks", "explain", "recompute"]

log = logging.getLogger(__name__)

CHUNK_GROUPS = 100_000
"""Groups loaded and scored at once: bounds memory (a full chunk adds about 160 MB at the
peak). Fewer chunks are faster on PostgreSQL, which scans each table once per chunk."""


@dataclass(frozen=True)
class RecomputeResult:
    """What one day's recompute did."""

    day: date
    window_days: int
    scored: DayScores  # groups with data, now stored as snapshots
    skipped: tuple[int, ...] = ()  # groups with no data at all yet: nothing to store
    previous_bands: dict[int, Band] = field(default_factory=dict)  # latest earlier snapshot
    seconds: float = 0.0
    # seconds in each phase: statistics, previous bands and clearing the day; loading, scoring,
    # writing
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def band_counts(self) -> dict[Band, int]:
        counts = Counter(self.scored.band.tolist())
        return {band: counts.get(i, 0) for i, band in enumerate(BANDS)}

    @property
    def text(self) -> str:
        """One line for the CLI and logs."""
        bands = ", ".join(f"{n:,} {band.value}" for band, n in self.band_counts.items())
        scored = len(self.scored)
        line = f"{self.day.isoformat()} ({self.window_days}d): {scored:,} groups scored"
        line += f" ({bands})" if scored else ""
        if self.skipped:
            line += f"; {len(self.skipped):,} without data yet"
        return f"{line}; {self.seconds:.2f} s"


def chunks(session: Session, group_ids: Collection[int] | None, size: int = CHUNK_GROUPS
           ) -> Iterator[Chunk]:  # fmt: skip
    """Every group (or `group_ids`) in chunks of `size` ids, ascending; one chunk of every
    group (no filter at all) when they fit."""
    whole = group_ids is None
    if group_ids is None:
        # Counted first: reading 10,000 ids only to learn they fit took 0.02 s.
        if (session.scalar(select(func.count()).select_from(PhysicianGroup)) or 0) <= size:
            yield Chunk()
            return
        wanted = list(session.scalars(select(PhysicianGroup.id).order_by(PhysicianGroup.id)))
    else:
        wanted = sorted(set(group_ids))
    for start in range(0, len(wanted), size):
        yield Chunk(ids=tuple(wanted[start : start + size]), whole=whole)


def recompute(
    session: Session,
    *,
    as_of: date,
    computed_at: datetime,
    config: ScoringConfig,
    window_days: int | None = None,
    group_ids: Collection[int] | None = None,
    chunk_groups: int = CHUNK_GROUPS,
    workers: int = WORKERS,
) -> RecomputeResult:
    """Score every group (or `group_ids`) for `as_of` under `config` (the running one,
    `Services.scoring`), `chunk_groups` at a time, and replace that day's snapshots.

    On PostgreSQL, in a transaction that has written nothing yet, `workers` extra connections
    load each chunk, the first while the day is prepared (csbot.store.shared_snapshot)."""
    started = time.perf_counter()
    days = window_days or config.default_window_days
    clock = _PhaseClock()
    with clock("prepare"):
        analysed = refresh_statistics(session.connection())
    with shared_snapshot(session, workers) as run:
        loads = (start_batch(session, as_of=as_of, window_days=days, chunk=chunk,
                             rules=config.factors, run=run)
                 for chunk in chunks(session, group_ids, chunk_groups))  # fmt: skip
        with clock("load"):
            first = next(loads, None)  # started now, so the workers load while we prepare
        with clock("prepare"):
            before = previous_bands(session, before=as_of, window_days=days, group_ids=group_ids)
            clear_snapshots(session, day=as_of, window_days=days, group_ids=group_ids)
        kept: list[tuple[np.ndarray, Floats, np.ndarray]] = []
        skipped: list[int] = []
        for loaded in chain([first] if first else [], loads):
            with clock("load"):
                ids, inputs = loaded()
            with clock("score"):
                scores = score_batch(inputs, config)
            with clock("write"):
                write_batch(session, ids, scores, days=[as_of] * len(ids), window_days=days,
                            computed_at=computed_at)  # fmt: skip
            has = scores.has_data
            kept.append((ids[has], scores.score[has], scores.band[has]))
            skipped += ids[~has].tolist()
    result = RecomputeResult(
        day=as_of,
        window_days=days,
        scored=DayScores.joined(kept),
        skipped=tuple(skipped),
        previous_bands=before,
        seconds=time.perf_counter() - started,
        phases=clock.seconds,
    )
    context = {"day": as_of.isoformat(), "window_days": days, "groups": len(result.scored)}
    timing = {f"{name}_seconds": round(s, 3) for name, s in clock.seconds.items()}
    if analysed:
        log.debug("planner statistics refreshed first", extra={"tables": ", ".join(analysed)})
    log.debug("recomputed", extra={**context, "seconds": round(result.seconds, 3), **timing})
    return result


class _PhaseClock:
    """Adds up the seconds spent in each phase over all chunks."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {"prepare": 0.0, "load": 0.0, "score": 0.0, "write": 0.0}

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] += time.perf_counter() - started


def explain(
    session: Session,
    *,
    day: date,
    window_days: int,
    group_ids: Collection[int],
    config: ScoringConfig,
) -> Mapping[int, GroupScore]:
    """`score_group` for a few groups on `day`: the reasons, evidence and playbook an alert or
    card shows, from the same numbers the recompute stored."""
    if not group_ids:
        return {}
    inputs = load_scoring_inputs(session, as_of=day, window_days=window_days,
                                 group_ids=group_ids, rules=config.factors)  # fmt: skip
    return score_groups(inputs, config)
