"""ChunkWriter: chunks written in order, at most one in flight (so memory stays bounded by two
chunks), in a writer thread only for PostgreSQL, and a failed write named by its lines."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import pytest

from csbot.store.ingest.upsert import Written
from csbot.store.ingest.writer import ChunkWriter


class _Upserter:
    """Records each write: its rows, its thread, and which writes had ended when it began."""

    def __init__(self, *, postgres: bool, fail_at: int | None = None) -> None:
        self.postgres = postgres
        self.fail_at = fail_at
        self.started: list[tuple[int, str, int]] = []  # (chunk, thread name, writes ended)
        self.ended: list[int] = []

    def write(self, rows: Sequence[tuple[Any, ...]]) -> Written:
        chunk = len(self.started)
        self.started.append((chunk, threading.current_thread().name, len(self.ended)))
        if chunk == self.fail_at:
            raise RuntimeError("refused")
        self.ended.append(chunk)
        return Written(inserted=len(rows) - 1, updated=1, unchanged=0)


def _chunk(n: int) -> list[tuple[Any, ...]]:
    return [(n, k) for k in range(3)]


@pytest.mark.parametrize("postgres", [True, False])
def test_chunks_are_written_in_order_one_at_a_time_and_counted(postgres: bool) -> None:
    upserter = _Upserter(postgres=postgres)
    writer = ChunkWriter(upserter, background=True)
    try:
        for n in range(5):
            writer.submit(_chunk(n), (3 * n + 2, 3 * n + 4))
            # when submit returns, every chunk before this one is written: one in flight
            assert upserter.ended[:n] == list(range(n))
        writer.wait()
    finally:
        writer.close()
    assert upserter.ended == [0, 1, 2, 3, 4]
    assert [ended for _, _, ended in upserter.started] == [0, 1, 2, 3, 4]
    threads = {name for _, name, _ in upserter.started}
    main = threading.current_thread().name
    assert threads == ({"csbot-ingest-writer_0"} if postgres else {main})
    assert (writer.inserted, writer.updated, writer.unchanged) == (10, 5, 0)
    assert writer.refused is None


@pytest.mark.parametrize("postgres", [True, False])
def test_a_failed_write_is_raised_to_the_reader_with_its_lines(postgres: bool) -> None:
    upserter = _Upserter(postgres=postgres, fail_at=1)
    writer = ChunkWriter(upserter, background=True)
    try:
        writer.submit(_chunk(0), (2, 4))
        with pytest.raises(RuntimeError, match="refused"):
            writer.submit(_chunk(1), (5, 7))
            writer.submit(_chunk(2), (8, 10))  # on PostgreSQL the failure shows here
    finally:
        writer.close()
    assert writer.refused == (5, 7)
    assert upserter.ended == [0]
    assert len(upserter.started) == 2  # nothing was written after the failure


def test_close_waits_for_the_chunk_in_flight_and_ends_the_thread() -> None:
    gate = threading.Event()

    class _Slow(_Upserter):
        def write(self, rows: Sequence[tuple[Any, ...]]) -> Written:
            gate.wait()
            return super().write(rows)

    upserter = _Slow(postgres=True)
    writer = ChunkWriter(upserter, background=True)
    writer.submit(_chunk(0), (2, 4))
    assert upserter.ended == []  # still in flight: the reader was not held up
    gate.set()
    writer.close()
    assert upserter.ended == [0]
    assert not [t for t in threading.enumerate() if t.name.startswith("csbot-ingest-writer")]
