"""Chunks handed to the upsert, on PostgreSQL written one chunk behind the reading.

The PostgreSQL upsert mostly waits on the server, so a writer thread does it (psycopg releases
the GIL) while the reader checks the next chunk; one chunk in flight bounds memory, and the
reader touches the connection only after waiting for it. SQLite writes in the reading thread:
its driver takes the GIL back row by row, which a busy reader would hold up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from csbot.store.ingest.upsert import Written

__all__ = ["ChunkWriter", "Lines", "Upsert"]

Lines = tuple[int, int]  # the first and last record (line) number of a chunk


class Upsert(Protocol):  # what ChunkWriter needs of csbot.store.ingest.upsert.Upserter
    @property
    def postgres(self) -> bool: ...

    def write(self, rows: Sequence[tuple[Any, ...]]) -> Written: ...


class ChunkWriter:
    """Upserts chunks in order, adds up their counts, names in `refused` the chunk whose write
    raised; `close` it, whatever happened, before the transaction ends."""

    def __init__(self, upserter: Upsert, *, background: bool) -> None:
        self._upserter = upserter
        threaded = background and upserter.postgres
        self._pool = ThreadPoolExecutor(1, "csbot-ingest-writer") if threaded else None
        self._pending: tuple[Future[Written], Lines] | None = None
        self.inserted = self.updated = self.unchanged = 0
        self.refused: Lines | None = None

    def submit(self, rows: Sequence[tuple[Any, ...]], lines: Lines) -> None:
        """Write `rows` (now, or in the writer thread once the chunk before is written)."""
        self.wait()
        if self._pool is None:
            self._add(lambda: self._upserter.write(rows), lines)
        else:
            self._pending = (self._pool.submit(self._upserter.write, rows), lines)

    def wait(self) -> None:
        """Until the chunk in flight is written; its error, if it had one, raised here."""
        if pending := self._pending:
            self._pending = None
            self._add(pending[0].result, pending[1])

    def close(self) -> None:
        """Let the chunk in flight end (its outcome no longer matters) and stop the thread."""
        if self._pool is not None:  # its shutdown runs the chunk submitted, then joins it
            self._pool.shutdown(wait=True)

    def _add(self, write: Callable[[], Written], lines: Lines) -> None:
        try:
            written = write()
        except BaseException:
            self.refused = lines
            raise
        self.inserted += written.inserted
        self.updated += written.updated
        self.unchanged += written.unchanged
