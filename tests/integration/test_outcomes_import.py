"""Renewal outcomes come in through all three doors, checked like every kind, all or nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from csbot.store import models as m
from csbot.store.csv_import import import_csv
from csbot.store.ingest import IngestError
from csbot.store.sync import SyncPlan, sync_kinds
from tests.integration.fake_platform import TOKEN, FakePlatform, serving
from tests.integration.ingest_support import EXAMPLES, NOW, dump, write_csv

HEADER = "group,renewal_date,outcome,new_arr,churned_on,reason_category,reason"


@pytest.fixture
def grouped(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    import_csv(sessions, kind="groups", path=EXAMPLES / "groups.csv", now=NOW)
    return sessions


def _outcomes(sessions: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    o = m.RenewalOutcome
    stmt = select(o.renewal_date, o.outcome, o.new_arr, o.churned_on, o.reason_category,
                  o.reason, o.source).order_by(o.renewal_date)  # fmt: skip
    with sessions() as session:
        return [tuple(row) for row in session.execute(stmt)]


def test_the_example_outcomes_are_stored_with_their_source(grouped: sessionmaker[Session]) -> None:
    counts = import_csv(grouped, kind="outcomes", path=EXAMPLES / "outcomes.csv", now=NOW)
    assert (counts.read, counts.inserted) == (2, 2)
    assert _outcomes(grouped) == [
        (date(2026, 1, 31), "renewed", 96000.0, None, None, None, "import"),
        (date(2026, 4, 30), "churned", None, date(2026, 4, 30), "consolidation",
         "Acquired by a hospital system that uses another vendor", "import"),
    ]  # fmt: skip


def test_a_second_outcome_for_the_same_renewal_updates_it(
    grouped: sessionmaker[Session], tmp_path: Path
) -> None:
    import_csv(grouped, kind="outcomes", path=EXAMPLES / "outcomes.csv", now=NOW)
    path = write_csv(tmp_path / "o.csv", HEADER, ["CVP-001,2026-01-31,contracted,80000,,,"])
    counts = import_csv(grouped, kind="outcomes", path=path, now=NOW)
    assert (counts.inserted, counts.updated) == (0, 1)
    assert _outcomes(grouped)[0][:3] == (date(2026, 1, 31), "contracted", 80000.0)


def test_outcome_rules_are_checked_by_line_and_nothing_is_stored(
    grouped: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    before = dump(engine)
    rows = [
        "CVP-001,2025-01-31,renewed,90000,,,",
        "CVP-001,2026-01-31,churned,,,,",
        "CVP-001,2027-01-31,renewed,,2027-02-01,price,",
        "HPO-002,2026-04-30,churned,5000,2026-04-30,weather,",
        "CVP-001,2025-01-31,renewed,91000,,,",
    ]
    path = write_csv(tmp_path / "o.csv", HEADER, rows)
    with pytest.raises(IngestError) as err:
        import_csv(grouped, kind="outcomes", path=path, now=NOW)
    assert dump(engine) == before
    assert err.value.problems == [
        f"{path} line 3, churned_on: is required when the outcome is churned",
        f"{path} line 3, reason_category: is required when the outcome is churned",
        f"{path} line 4, new_arr: is required when the outcome is renewed",
        f"{path} line 4, churned_on: must be empty unless the outcome is churned (2027-02-01)",
        f"{path} line 4, reason_category: must be empty unless the outcome is churned ('price')",
        f"{path} line 5, reason_category: must be one of price, product, support, "
        "competitor, budget, consolidation, closure or other ('weather')",
        f"{path} line 6: same group and renewal_date as line 2",
    ]


def test_outcomes_sync_from_the_platform(grouped: sessionmaker[Session]) -> None:
    with serving(FakePlatform()) as platform:
        platform.put("outcomes", {"group": "CVP-001", "renewal_date": "2026-01-31",
                                  "outcome": "contracted", "new_arr": 72000})  # fmt: skip
        plan = SyncPlan(platform.url, TOKEN, {"outcomes": "/v1/outcomes"})
        (counts,) = sync_kinds(grouped, plan, clock=lambda: NOW, sleep=lambda s: None)
    assert counts.inserted == 1
    assert _outcomes(grouped) == [
        (date(2026, 1, 31), "contracted", 72000.0, None, None, None, "api")
    ]
