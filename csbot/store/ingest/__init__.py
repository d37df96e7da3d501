"""Real data in: record kinds with natural keys, validated, written all-or-nothing, idempotently.

The CSV importer (`csbot.store.csv_import`), the HTTP sync (`csbot.store.sync`) and the webhooks
(`csbot.webhooks`) all feed records through `Ingest`, so a record means the same thing and is
checked the same way whichever door it came through.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo

from csbot.store.db import SessionFactory, transaction
from csbot.store.ingest.kinds import KINDS, Kind, kind_named
from csbot.store.ingest.pipeline import Counts, Ingest, TooManyErrors
from csbot.store.ingest.problems import IngestError, Problem

__all__ = [
    "KINDS",
    "Counts",
    "Ingest",
    "IngestError",
    "Kind",
    "Problem",
    "TooManyErrors",
    "ingest_records",
    "kind_named",
]


def ingest_records(
    sessions: SessionFactory, *, kind: str, records: Iterable[object], source: str, now: datetime,
    tz: tzinfo = UTC, subject: str = "request",
) -> Counts:  # fmt: skip
    """Store a small batch of JSON records in one transaction (webhooks): all of them or none.

    Problems are named `record N` (from 1); the counts carry the stored records' keys.
    """
    with transaction(sessions) as session:
        ingest = Ingest(session, kind_named(kind), now=now, tz=tz, source=source, keep_keys=True,
                        describe=lambda n: f"record {n}")  # fmt: skip
        try:
            for n, raw in enumerate(records, start=1):
                ingest.add(raw, where=f"record {n}", n=n)
        except TooManyErrors:
            pass
        return ingest.finish(subject, outcome="nothing was stored")
