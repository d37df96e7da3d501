"""`csbot demo`: load deterministic demo physician groups, replacing earlier demo data.

The same seed, size and `as_of` always give the same rows, so tests and benchmarks can rely on
them. Which group plays which part is fixed by position: see `archetype_for` and
`demo_groups_by_archetype`.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TextIO

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from csbot.config import Settings
from csbot.demo.ahead import made_ahead, spare_core
from csbot.demo.profile import Archetype, archetype_for, demo_external_id, index_of
from csbot.errors import StoreError
from csbot.progress import progress_bar
from csbot.scoring.config import load_scoring_config
from csbot.store.db import (
    describe_url,
    make_engine,
    rollback_journal,
    session_factory,
    transaction,
    upgrade,
)
from csbot.store.demo import load
from csbot.store.demo.history import History
from csbot.store.demo.load import (
    TABLES,
    PastRenewals,
    delete_demo_rows,
    demo_groups_by_archetype,
    load_demo,
)

log = logging.getLogger(__name__)

__all__ = [
    "TABLES",
    "Archetype",
    "archetype_for",
    "delete_demo_rows",
    "demo_external_id",
    "demo_groups_by_archetype",
    "index_of",
    "load_demo",
    "run_demo",
]


def summary(counts: dict[str, int], *, where: str, as_of: date, days: int, seed: int,
            seconds: float) -> str:  # fmt: skip
    """What `csbot demo` prints: what was loaded where, the rows per table on two lines, and
    what to try next."""
    total = sum(counts.values())
    rate = total / max(seconds, 1e-9)
    tables = [f"{n:,} {table}" for table, n in counts.items() if table != "physician_group"]
    half = (len(tables) + 1) // 2
    return "\n".join(
        [
            f"demo: {counts['physician_group']:,} groups, {days} days to {as_of.isoformat()} "
            f"(seed {seed}) loaded into {where}",
            "  " + ", ".join(tables[:half]),
            "  " + ", ".join(tables[half:]),
            f"  {total:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)",
        ]
    )


def _analyze(engine: Engine, tables: Iterable[str]) -> None:
    """Fresh planner statistics for the tables just loaded, on PostgreSQL: the daily job that
    follows plans its joins from them (stale ones turned the previous bands' look-up into a
    runaway nested loop), and autovacuum may not have got there yet. On SQLite the demo's own
    daily run analyses them (csbot.store.statistics).

    A sample of 3,000 rows a table (statistics target 10, not 100) gives those plans their
    row counts and spreads in a tenth of the time; autovacuum analyses a table again with the
    full target once a tenth of its rows have changed."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL default_statistics_target = 10")
            conn.exec_driver_sql(f"ANALYZE {', '.join(tables)}")


def run_demo(
    settings: Settings, *, groups: int, days: int, seed: int, as_of: date | None = None,
    history_days: int = 0, renewal_years: int = 0, out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:  # fmt: skip
    """The `csbot demo` command: upgrade the schema, load demo data (and `history_days` days of
    daily snapshots before `as_of`, scored with the running config, and `renewal_years` years
    of renewal outcomes), print a summary.

    "Today" is read here, once, in the configured time zone unless `as_of` is given.
    """
    out, err = out or sys.stdout, err or sys.stderr
    as_of = as_of or datetime.now(settings.tz).date()
    engine = make_engine(settings.database_url)
    config = load_scoring_config(settings.scoring_config)
    history = History.before(as_of, min(history_days, days - 1), config=config,
                             computed_at=datetime.now(UTC))  # fmt: skip
    past = PastRenewals(renewal_years, config, history.computed_at) if renewal_years else None
    # on PostgreSQL the server's work on the rows keeps the second core busy already
    process = engine.dialect.name == "sqlite" and groups > load.BATCH_GROUPS and spare_core()
    try:
        with made_ahead(load.__name__, process=process) as ahead:
            upgrade(engine)
            started = time.perf_counter()
            with (
                progress_bar("demo", total=groups, unit="groups", stream=err) as tick,
                rollback_journal(engine, empty="physician_group") as bind,
                transaction(session_factory(bind)) as session,
            ):
                counts = load_demo(session, groups=groups, days=days, seed=seed, as_of=as_of,
                                   progress=lambda done, _: tick(done),
                                   history=history if history.days else None,
                                   past=past, ahead=ahead)  # fmt: skip
        _analyze(engine, counts)
        seconds = time.perf_counter() - started
    except SQLAlchemyError as exc:
        raise StoreError(
            f"loading demo data failed and nothing was changed: {exc.__class__.__name__}: "
            f"{str(getattr(exc, 'orig', exc)).splitlines()[0]}"
        ) from None
    finally:
        engine.dispose()
    log.debug(
        "demo loaded", extra={"groups": groups, "days": days, "seed": seed, "seconds": seconds}
    )
    where = describe_url(settings.database_url)
    text = summary(counts, where=where, as_of=as_of, days=days, seed=seed, seconds=seconds)
    print(text, file=out)
    return 0
