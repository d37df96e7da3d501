"""A long import writes its chunks in a writer thread on PostgreSQL (in the reading thread on
SQLite): whichever side fails, and wherever in the file, nothing is kept and the message names
the line (or the chunk of lines the database refused)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from csbot.errors import StoreError
from csbot.store.csv_import import import_csv
from csbot.store.ingest import IngestError
from csbot.store.ingest.pipeline import CHUNK_ROWS
from tests.integration import ingest_support as support

ROWS = 3 * CHUNK_ROWS + 500  # three whole chunks, then a short one written at the end
LAST = ROWS - 1


def _writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("csbot-ingest-writer")]


def _chunk_lines(index: int) -> tuple[int, int]:
    """The lines of the chunk holding row `index` (line = index + 2, after the header)."""
    first = index // CHUNK_ROWS * CHUNK_ROWS
    return first + 2, min(first + CHUNK_ROWS, ROWS) + 1


@pytest.fixture
def groups(sessions: sessionmaker[Session]) -> None:
    import_csv(sessions, kind="groups", path=support.EXAMPLES / "groups.csv", now=support.NOW)


@pytest.mark.usefixtures("groups")
@pytest.mark.parametrize("bad", [2 * CHUNK_ROWS + 7, LAST], ids=["a middle chunk", "the last"])
def test_a_chunk_the_database_refuses_later_in_the_file_is_named_by_its_lines(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path, bad: int
) -> None:
    """Earlier chunks are already written (on PostgreSQL by the writer thread, while the
    reader went on): all of them are rolled back, and the message names the refused chunk."""
    support.refuse_sessions(engine, 777)
    before = support.dump(engine)
    rows = support.usage_rows(ROWS)
    rows[bad] = rows[bad].replace(",5,9,", ",5,777,")  # passes every check of csbot's own
    path = support.write_csv(tmp_path / "usage.csv", support.USAGE_HEADER, rows)
    with pytest.raises(StoreError) as err:
        import_csv(sessions, kind="usage", path=path, now=support.NOW)
    first, last = _chunk_lines(bad)
    assert str(err.value).startswith(f"{path} lines {first}-{last}: the database refused the "
                                     "import, nothing was imported: ")  # fmt: skip
    assert "no_777_sessions" in str(err.value)  # what the database said
    assert support.dump(engine) == before
    assert _writer_threads() == []


@pytest.mark.usefixtures("groups")
def test_a_refused_chunk_is_reported_before_a_bad_row_read_after_it(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    """The database's refusal of an earlier chunk is what the import says, as when the chunk
    is written before the next one is read."""
    support.refuse_sessions(engine, 777)
    before = support.dump(engine)
    rows = support.usage_rows(ROWS)
    rows[CHUNK_ROWS + 3] = rows[CHUNK_ROWS + 3].replace(",5,9,", ",5,777,")
    rows[LAST] = rows[LAST].rsplit(",", 1)[0] + ",41"  # billable 41 > total 40
    path = support.write_csv(tmp_path / "usage.csv", support.USAGE_HEADER, rows)
    with pytest.raises(StoreError) as err:
        import_csv(sessions, kind="usage", path=path, now=support.NOW)
    assert str(err.value).startswith(f"{path} lines {CHUNK_ROWS + 2}-{2 * CHUNK_ROWS + 1}: ")
    assert support.dump(engine) == before


@pytest.mark.usefixtures("groups")
def test_a_bad_row_in_the_last_batch_keeps_nothing_of_the_chunks_written_before(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    before = support.dump(engine)
    rows = support.usage_rows(ROWS)
    rows[LAST] = rows[LAST].rsplit(",", 1)[0] + ",41"
    path = support.write_csv(tmp_path / "usage.csv", support.USAGE_HEADER, rows)
    with pytest.raises(IngestError) as err:
        import_csv(sessions, kind="usage", path=path, now=support.NOW)
    assert err.value.problems == [
        f"{path} line {LAST + 2}, patients_billable: must not exceed patients_total (40) (41)"
    ]
    assert support.dump(engine) == before
    assert _writer_threads() == []


class _Stop(Exception):
    """Raised by the progress callback, as a Ctrl-C would interrupt the reading thread."""


@pytest.mark.usefixtures("groups")
def test_an_import_stopped_while_reading_keeps_nothing_and_leaves_no_thread(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    before = support.dump(engine)
    path = support.write_csv(tmp_path / "usage.csv", support.USAGE_HEADER, support.usage_rows(ROWS))
    ticks: list[int] = []

    def progress(_done: int, _size: int, rows: int) -> None:
        ticks.append(rows)
        if rows >= 2 * CHUNK_ROWS + 5_000:  # two chunks handed to the writer by now
            raise _Stop

    with pytest.raises(_Stop):
        import_csv(sessions, kind="usage", path=path, now=support.NOW, progress=progress)
    assert ticks[-1] == 2 * CHUNK_ROWS + 5_000
    assert support.dump(engine) == before
    assert _writer_threads() == []
    counts = import_csv(
        sessions, kind="usage", path=path, now=support.NOW
    )  # the connection is sound
    assert (counts.read, counts.inserted) == (ROWS, ROWS)


@pytest.mark.usefixtures("groups")
def test_a_value_postgresql_refuses_while_copying_a_chunk_in_is_named_by_its_lines(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    """PostgreSQL's COPY refuses what csbot's checks pass (text with a NUL character), and
    says so through the driver itself: still the database's refusal, named by the chunk."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no COPY and stores the NUL; its refusals are tested above")
    before = support.dump(engine)
    rows = [f"CVP-001,Feature {n},core,,,{n}" for n in range(ROWS)]
    bad = 2 * CHUNK_ROWS + 7
    rows[bad] = rows[bad].replace("Feature", "Fea\x00ture")
    path = support.write_csv(tmp_path / "features.csv", "group,feature,tier,first_used,"
                             "last_used,uses", rows)  # fmt: skip
    with pytest.raises(StoreError) as err:
        import_csv(sessions, kind="features", path=path, now=support.NOW)
    first, last = _chunk_lines(bad)
    assert str(err.value) == (f"{path} lines {first}-{last}: the database refused the import, "
                              "nothing was imported: PostgreSQL text fields cannot contain NUL "
                              "(0x00) bytes")  # fmt: skip
    assert support.dump(engine) == before
    assert _writer_threads() == []
