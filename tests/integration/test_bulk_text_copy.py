"""copy_columns' text path (columns binary COPY cannot take: names, times): UTC times are stored
as the instants given whatever the session's time zone, a column of the wrong length is refused
with nothing stored, and a row PostgreSQL refuses names the COPY that carried it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from csbot.store.bulk import copy_columns
from csbot.store.db import transaction
from csbot.store.models import Base, PhysicianGroup

GROUPS = Base.metadata.tables["physician_group"]
MADE = [datetime(2026, 3, 16, 9, 30, tzinfo=UTC), datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC)]


def _micros(when: datetime) -> int:
    return int((when - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * 1_000_000


def _groups(names: list[str], *, seats: object = None) -> dict[str, object]:
    return {
        "name": names, "slug": names, "aliases": ["[]"] * len(names), "specialty": "x",
        "region": "x", "plan": "growth",
        "seats": np.array([5] * len(names)) if seats is None else seats,
        "contract_start": np.array([date(2025, 3, 1).toordinal()] * len(names)),
        "renewal_date": np.array([date(2027, 3, 1).toordinal()] * len(names)),
        "arr": np.array([1000.0] * len(names)),
        "created_at": np.array([_micros(t) for t in MADE[: len(names)]]),
    }  # fmt: skip


def test_times_are_the_utc_instants_given_whatever_the_sessions_time_zone(
    sessions: sessionmaker[Session],
) -> None:
    with transaction(sessions) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SET LOCAL TimeZone = 'America/New_York'"))
        copy_columns(session, GROUPS, _groups(["a", "b"]), rows=2)
    with transaction(sessions) as session:
        made = session.scalars(select(PhysicianGroup.created_at).order_by(PhysicianGroup.name))
        assert list(made) == MADE


def test_a_column_of_the_wrong_length_is_refused_and_nothing_stored(
    sessions: sessionmaker[Session],
) -> None:
    with pytest.raises(ValueError), transaction(sessions) as session:
        copy_columns(session, GROUPS, _groups(["a", "b"], seats=[5, 6, 7]), rows=2)
    with transaction(sessions) as session:
        assert session.scalar(select(func.count()).select_from(PhysicianGroup)) == 0


def test_a_row_postgresql_refuses_names_the_copy_that_carried_it(
    sessions: sessionmaker[Session],
) -> None:
    if sessions.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SQLite has no COPY; its INSERTs are SQLAlchemy's own errors")
    with pytest.raises(DBAPIError, match="out of range") as err, transaction(sessions) as session:
        copy_columns(session, GROUPS, _groups(["a"], seats=[2**40]), rows=1)
    assert str(err.value.statement).startswith("COPY physician_group (")
