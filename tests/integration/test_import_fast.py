"""Usage rows checked a column at a time are stored exactly as the record model would store
them, and every row the fast checks do not vouch for gets the model's own problems."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from ingest_support import EXAMPLES, NOW, write_csv
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from csbot.store.csv_import import import_csv
from csbot.store.ingest import IngestError, kind_named
from csbot.store.ingest.fast import row_columns
from csbot.store.ingest.pipeline import validate
from csbot.store.ingest.refs import Refs
from csbot.store.ingest.upsert import Upserter, Written
from csbot.store.models import DailyUsage

HEADER = "group,day,active_users,sessions,session_minutes,documents_processed,patients_total,"\
         "patients_billable"  # fmt: skip
USAGE = kind_named("usage")
# Values the model accepts that a plain-digits check does not: they take the model's path.
ODD = ["007", " 12", "12 ", "+3", "1_000", "12.0", "0"]
ODD_MINUTES = ["1e3", ".5", "5.", "007.50", " 4.5", "12", "4_0.5"]


def _rows(count: int) -> list[list[str]]:
    start, rows = date(2025, 1, 1), []
    for n in range(count):
        total = 100 + n % 13
        count_cell = ODD[n % len(ODD)] if n % 5 == 0 else str(10 + n % 9)
        minutes = ODD_MINUTES[n % len(ODD_MINUTES)] if n % 7 == 0 else f"{300 + n % 97}.25"
        group = (" CVP-001 ", "Cedar Valley Pediatrics", "HPO-002")[n % 3]
        rows.append([group, str(start + timedelta(days=n)), count_cell, str(20 + n % 5), minutes,
                     str(n % 50), str(total), str(total - n % 11)])  # fmt: skip
    return rows


def _stored(engine: Engine) -> dict[tuple[int, date], dict[str, Any]]:
    with Session(engine) as session:
        return {
            (u.group_id, u.day): {c: getattr(u, c) for c in row_columns(USAGE)}
            for u in session.scalars(select(DailyUsage))
        }


def _expected(sessions: sessionmaker[Session], rows: list[list[str]]) -> dict[Any, Any]:
    """What the record model makes of each row, straight from `validate` and `Record.row`."""
    header = HEADER.split(",")
    with sessions() as session:
        refs = Refs.load(session, USAGE)
    out = {}
    for n, values in enumerate(rows, start=2):
        record, problems = validate(USAGE, dict(zip(header, values, strict=True)), where=f"{n}")
        assert record is not None, problems
        row = record.row(refs)
        assert list(row) == row_columns(USAGE)
        out[(row["group_id"], row["day"])] = row
    return out


def test_stored_rows_are_what_the_model_makes_of_them(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    import_csv(sessions, kind="groups", path=EXAMPLES / "groups.csv", now=NOW)
    rows = _rows(12_345)  # several batches and chunks
    path = write_csv(tmp_path / "u.csv", HEADER, [",".join(r) for r in rows])
    counts = import_csv(sessions, kind="usage", path=path, now=NOW)
    assert (counts.read, counts.inserted) == (12_345, 12_345)
    assert _stored(engine) == _expected(sessions, rows)
    again = import_csv(sessions, kind="usage", path=path, now=NOW)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 12_345)
    rows[100][2], rows[5000][7] = "99", "0"
    write_csv(path, HEADER, [",".join(r) for r in rows])
    changed = import_csv(sessions, kind="usage", path=path, now=NOW)
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 2, 12_343)
    assert _stored(engine) == _expected(sessions, rows)


def test_new_days_after_stored_ones_are_inserted_and_the_stored_ones_upserted(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    """The next export repeats the last 1,000 stored days (one of them changed) and adds 13,000
    new ones: on PostgreSQL a chunk of only new days is COPYed in, one holding stored days is
    upserted, and the counts and rows are the same on both stores."""
    import_csv(sessions, kind="groups", path=EXAMPLES / "groups.csv", now=NOW)
    rows = _rows(25_000)
    first = write_csv(tmp_path / "first.csv", HEADER, [",".join(r) for r in rows[:12_000]])
    import_csv(sessions, kind="usage", path=first, now=NOW)
    rows[11_990][3] = "99"
    later = write_csv(tmp_path / "later.csv", HEADER, [",".join(r) for r in rows[11_000:]])
    counts = import_csv(sessions, kind="usage", path=later, now=NOW)
    assert (counts.inserted, counts.updated, counts.unchanged) == (13_000, 1, 999)
    assert _stored(engine) == _expected(sessions, rows)


def test_a_file_of_new_changed_and_unchanged_rows_counts_each(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    """In one file, rows stored before (one of them changed) and rows new to the table, over
    several chunks: each counted as what happened to it, on either store."""
    import_csv(sessions, kind="groups", path=EXAMPLES / "groups.csv", now=NOW)
    rows = _rows(6_000)
    path = write_csv(tmp_path / "u.csv", HEADER, [",".join(r) for r in rows[::2]])
    assert import_csv(sessions, kind="usage", path=path, now=NOW).inserted == 3_000
    rows[10][3] = "99"  # a row stored before, changed
    write_csv(path, HEADER, [",".join(r) for r in rows])
    counts = import_csv(sessions, kind="usage", path=path, now=NOW)
    assert (counts.inserted, counts.updated, counts.unchanged) == (3_000, 1, 2_999)
    assert _stored(engine) == _expected(sessions, rows)


def test_new_rows_among_stored_days_are_all_counted_new(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    """A file none of whose rows is stored, though a stored row lies among its days: every row
    counted inserted (SQLite counts the chunk's stored keys first; none here)."""
    import_csv(sessions, kind="groups", path=EXAMPLES / "groups.csv", now=NOW)
    rows = _rows(30)
    first = write_csv(tmp_path / "first.csv", HEADER, [",".join(rows[15])])
    import_csv(sessions, kind="usage", path=first, now=NOW)
    later = write_csv(tmp_path / "later.csv", HEADER,
                      [",".join(r) for n, r in enumerate(rows) if n != 15])  # fmt: skip
    counts = import_csv(sessions, kind="usage", path=later, now=NOW)
    assert (counts.inserted, counts.updated, counts.unchanged) == (29, 0, 0)
    assert _stored(engine) == _expected(sessions, rows)


def test_an_empty_chunk_writes_nothing_and_counts_nothing(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert Upserter(session, USAGE, row_columns(USAGE)).write([]) == Written(0, 0, 0)


BAD = [
    ("", "is required"), ("-1", None), ("١٢", None), ("abc", None), ("2000000001", None),
    ("1.5", None), ("99999999999999999999", None),
]  # fmt: skip


# plain ASCII ids: mutmut cannot select a test by an id holding escapes such as '\u0661'
BAD_IDS = ["blank", "negative", "arabic_digits", "letters", "over_the_limit", "fraction", "huge"]


@pytest.mark.parametrize(("cell", "_"), BAD, ids=BAD_IDS)
def test_a_bad_cell_gets_the_models_own_problem_on_its_line(
    sessions: sessionmaker[Session], tmp_path: Path, cell: str, _: object
) -> None:
    import_csv(sessions, kind="groups", path=EXAMPLES / "groups.csv", now=NOW)
    rows = _rows(6_000)
    for n in (17, 5_555):  # one in each of two batches
        rows[n][5] = cell
    rows[3_000][7] = str(int(rows[3_000][6]) + 1)  # billable above total
    rows[4_000][0] = "Cedar Valley Pediatric"  # nobody
    path = write_csv(tmp_path / "u.csv", HEADER, [",".join(r) for r in rows])
    header = HEADER.split(",")
    expected = []
    for n, values in enumerate(rows, start=2):
        where = f"{path} line {n}"
        record, problems = validate(USAGE, dict(zip(header, values, strict=True)), where=where)
        expected += [str(p) for p in problems]
        if record is not None and n == 4_002:
            hint = "did you mean 'Cedar Valley Pediatrics'? ('Cedar Valley Pediatric')"
            expected.append(f"{where}, group: no group has this external_id or exact name; {hint}")
    with pytest.raises(IngestError) as err:
        import_csv(sessions, kind="usage", path=path, now=NOW)
    assert err.value.problems == expected
    with sessions() as session:
        assert session.scalar(select(DailyUsage.group_id).limit(1)) is None
