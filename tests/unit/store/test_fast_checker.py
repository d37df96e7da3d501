"""The usage checker vouches for the common, valid row itself (no record model built for it) and
hands every row it is not sure of to the model (None). The import's own tests show the rows
stored are the same either way; these show which rows take the fast way, each value as the
upsert takes it, and each kept row's key."""

from __future__ import annotations

from datetime import date

import pytest

from csbot.store.ingest import kind_named
from csbot.store.ingest.base import packed_day_key
from csbot.store.ingest.fast import Checker, checker_for, row_columns
from csbot.store.ingest.refs import Refs

USAGE = kind_named("usage")
HEADER = ["group", "day", "active_users", "sessions", "session_minutes", "documents_processed",
          "patients_total", "patients_billable"]  # fmt: skip
LONG = "L" * 200  # the longest group name there is
REFS = Refs(groups={"CVP-001": 7, "HPO-002": 9, "Z": 12},
            group_names={"Cedar Valley": 8, LONG: 11})  # fmt: skip
GOOD = ["CVP-001", "2026-03-16", "3", "12", "45.5", "2", "100", "60"]


def _checker(*, dates: bool = False, header: list[str] = HEADER) -> Checker:
    checker = checker_for(USAGE, header, REFS, dates=dates)
    assert checker is not None
    return checker


def _row(**cells: str) -> list[str]:
    return [cells.get(name, value) for name, value in zip(HEADER, GOOD, strict=True)]


def _one(row: list[str], *, dates: bool = False) -> dict[str, object] | None:
    checked = _checker(dates=dates).check([row])
    assert checked.columns == row_columns(USAGE)
    kept = checked.rows[0]
    return None if kept is None else dict(zip(checked.columns, kept, strict=True))


def test_a_plain_row_is_kept_as_the_upsert_takes_it_with_its_key() -> None:
    rows = [GOOD, _row(group="Cedar Valley", day="1999-12-31"), _row(group=" HPO-002 ")]
    checked = _checker().check(rows)
    assert [dict(zip(checked.columns, r, strict=True)) if r else None for r in checked.rows] == [
        {"day": "2026-03-16", "active_users": 3, "sessions": 12, "session_minutes": 45.5,
         "documents_processed": 2, "patients_total": 100, "patients_billable": 60, "group_id": 7},
        {"day": "1999-12-31", "active_users": 3, "sessions": 12, "session_minutes": 45.5,
         "documents_processed": 2, "patients_total": 100, "patients_billable": 60, "group_id": 8},
        {"day": "2026-03-16", "active_users": 3, "sessions": 12, "session_minutes": 45.5,
         "documents_processed": 2, "patients_total": 100, "patients_billable": 60, "group_id": 9},
    ]  # fmt: skip
    assert checked.keys == [packed_day_key(7, date(2026, 3, 16).toordinal()),
                            packed_day_key(8, date(1999, 12, 31).toordinal()),
                            packed_day_key(9, date(2026, 3, 16).toordinal())]  # fmt: skip


def test_days_are_dates_for_postgresql_and_iso_text_for_sqlite() -> None:
    checker = _checker(dates=True)
    for _ in range(2):  # the second time from what the checker remembers
        checked = checker.check([GOOD, _row(day="2024-02-29")])
        days = [row[0] if row else None for row in checked.rows]
        assert days == [date(2026, 3, 16), date(2024, 2, 29)]
    text = _checker(dates=False)
    for _ in range(2):
        assert [row[0] if row else None for row in text.check([GOOD]).rows] == ["2026-03-16"]


@pytest.mark.parametrize(
    "cells",
    [
        {"day": "2026-02-30"},
        {"day": "2026-3-16"},
        {"day": "20260316"},
        {"day": " 2026-03-16"},
        {"day": "2026-03-16T00"},
        {"day": ""},
        {"group": "Nobody"},
        {"group": "cvp-001"},
        {"group": ""},
        {"group": "   "},
        {"active_users": ""},
        {"active_users": "-1"},
        {"active_users": "+3"},
        {"active_users": "2000000001"},
        {"active_users": "١٢"},
        {"active_users": "1.0"},
        {"active_users": "00000000001"},
        {"session_minutes": "1e3"},
        {"session_minutes": "1.2.3"},
        {"session_minutes": "-4"},
        {"session_minutes": ""},
        {"session_minutes": "1000000000000"},
        {"session_minutes": "0" * 25},
        {"session_minutes": "٣.5"},
        {"patients_billable": "101"},
    ],
    ids=lambda cells: "-".join(f"{k}_{len(v)}" for k, v in cells.items()),
)
def test_a_row_the_checks_are_not_sure_of_goes_to_the_model(cells: dict[str, str]) -> None:
    checked = _checker().check([GOOD, _row(**cells), GOOD])
    assert [row is not None for row in checked.rows] == [True, False, True]
    assert checked.keys[1] == 0


def test_the_widest_values_each_check_vouches_for() -> None:
    widest = _one(_row(group=LONG, active_users="2000000000", session_minutes="9" * 12,
                       patients_total="0000000100", patients_billable="100"))  # fmt: skip
    assert widest is not None
    assert (widest["group_id"], widest["active_users"]) == (11, 2_000_000_000)
    shortest = _one(_row(group="Z"))  # an external id of one character
    assert shortest is not None and shortest["group_id"] == 12
    assert widest["session_minutes"] == 999_999_999_999.0
    assert (widest["patients_total"], widest["patients_billable"]) == (100, 100)
    long_minutes = _one(_row(session_minutes="0" * 22 + ".5"))  # 24 characters
    assert long_minutes is not None and long_minutes["session_minutes"] == 0.5
    assert _one(_row(session_minutes="7.")) is not None
    assert _one(_row(session_minutes=".5")) is not None
    assert _one(_row(patients_total="", patients_billable="")) is None


def test_only_a_usage_header_of_exactly_its_fields_gets_a_checker() -> None:
    assert checker_for(USAGE, list(reversed(HEADER)), REFS, dates=False) is not None
    assert checker_for(USAGE, HEADER[:-1], REFS, dates=False) is None
    assert checker_for(USAGE, [*HEADER, "extra"], REFS, dates=False) is None
    assert checker_for(kind_named("revenue"), HEADER, REFS, dates=False) is None


def test_the_columns_are_found_by_name_in_any_order() -> None:
    order = [4, 0, 7, 1, 3, 6, 2, 5]
    header = [HEADER[i] for i in order]
    checked = _checker(header=header).check([[GOOD[i] for i in order]])
    assert checked.rows == _checker().check([GOOD]).rows
