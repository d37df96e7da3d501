"""copy_columns stores columns exactly as given: many-row INSERTs on SQLite (full statements and
the rest), PostgreSQL's binary COPY for fixed-width columns, text where binary cannot hold a
value. A value too big for its column is refused, never stored wrapped around; a fraction for
an integer column or a day is refused, never stored cut off."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from csbot.store.bulk import copy_columns
from csbot.store.db import transaction
from csbot.store.models import Base, DailyUsage, PhysicianGroup

USAGE = Base.metadata.tables["daily_usage"]
FIRST = date(1999, 12, 1)  # before PostgreSQL's day 0 (1 January 2000)


def _group(session: Session) -> int:
    group = PhysicianGroup(name="acme", slug="acme", specialty="x", region="x", plan="growth",
                           seats=5, contract_start=date(2025, 3, 1), renewal_date=date(2027, 3, 1),
                           arr=1000.0, created_at=datetime(2026, 3, 1, tzinfo=UTC))  # fmt: skip
    session.add(group)
    session.flush()
    return group.id


def _usage(group_id: int, rows: int, *, users: np.ndarray | None = None) -> dict[str, object]:
    n = np.arange(rows)
    return {
        "group_id": np.full(rows, group_id),
        "day": FIRST.toordinal() + n,
        "active_users": n % 7 if users is None else users,
        "sessions": n * 3,
        "session_minutes": n / 10 + 0.05,
        "documents_processed": np.full(rows, 2**31 - 1),
        "patients_total": -n,
        "patients_billable": n // 2,
    }


def _stored(session: Session) -> list[tuple[object, ...]]:
    u = DailyUsage
    found = session.execute(select(u.day, u.active_users, u.sessions, u.session_minutes,
                                   u.documents_processed, u.patients_total,
                                   u.patients_billable).order_by(u.day))  # fmt: skip
    return [tuple(row) for row in found]


@pytest.mark.parametrize("rows", [1, 124, 300])  # SQLite: one INSERT of 124 rows is full
def test_columns_are_stored_as_given(sessions: sessionmaker[Session], rows: int) -> None:
    with transaction(sessions) as session:
        copy_columns(session, USAGE, _usage(_group(session), rows), rows=rows)
    with transaction(sessions) as session:
        assert _stored(session) == [
            (FIRST + timedelta(days=n), n % 7, n * 3, n / 10 + 0.05, 2**31 - 1, -n, n // 2)
            for n in range(rows)
        ]


def test_a_value_too_big_for_its_column_is_never_stored_wrapped(
    sessions: sessionmaker[Session],
) -> None:
    users = np.array([1, 2**31, 3])
    postgres = sessions.kw["bind"].dialect.name == "postgresql"
    with transaction(sessions) as session:
        block = _usage(_group(session), 3, users=users)
        if postgres:  # integer is 4 bytes there: the server refuses it, nothing is written
            with pytest.raises(DBAPIError, match="out of range"):
                copy_columns(session, USAGE, block, rows=3)
            return
        copy_columns(session, USAGE, block, rows=3)
    with transaction(sessions) as session:  # SQLite's integers hold 8 bytes
        assert [row[1] for row in _stored(session)] == [1, 2**31, 3]


@pytest.mark.parametrize("column", ["active_users", "day"])
def test_a_fraction_for_an_integer_column_or_a_day_is_never_stored_cut_off(
    sessions: sessionmaker[Session], column: str
) -> None:
    postgres = sessions.kw["bind"].dialect.name == "postgresql"
    with transaction(sessions) as session:
        block = _usage(_group(session), 3)
        given = block[column] = np.asarray(block[column]) + np.array([0.0, 1.5, 0.0])
        if column == "day":  # a day is written from whole ordinals, on either store
            with pytest.raises(ValueError, match=r"day ordinal must be a whole number, not \d+\.5"):
                copy_columns(session, USAGE, block, rows=3)
            return
        if postgres:  # text COPY refuses "1.5" for an integer; binary would store 1
            with pytest.raises(DBAPIError, match="invalid input syntax for type integer"):
                copy_columns(session, USAGE, block, rows=3)
            return
        copy_columns(session, USAGE, block, rows=3)
    with transaction(sessions) as session:  # SQLite keeps the fraction a column cannot hold
        assert [row[1] for row in _stored(session)] == list(given)
