"""Hand-built store rows for the loader and recompute tests (dates around 31 March 2026), and
what those tests read back: the day's snapshots, the SQL a recompute ran."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from csbot.store.models import (
    Activity,
    DailyUsage,
    HealthSnapshot,
    OnboardingTask,
    PhysicianGroup,
    Revenue,
    Survey,
    Ticket,
)

AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)  # the morning after AS_OF: when its run computes


def stored(session: Session) -> dict[int, tuple[Any, ...]]:
    """Every column but the id of each group's snapshot for AS_OF, by group."""
    s = HealthSnapshot
    columns = [c for c in s.__table__.c if c.name != "id"]
    rows = session.execute(select(*columns).where(s.day == AS_OF)).all()
    return {row.group_id: tuple(row) for row in rows}


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, str]]]:
    """The SQL the engine runs inside the block, in order, each with its thread's name."""
    ran: list[tuple[str, str]] = []

    def seen(*args: Any) -> None:
        ran.append((threading.current_thread().name, args[2]))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield ran
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def group(name: str, **extra: object) -> PhysicianGroup:
    values: dict[str, object] = {
        "name": name,
        "slug": name.lower().replace(" ", "-"),
        "specialty": "Family Medicine",
        "region": "West",
        "plan": "growth",
        "seats": 10,
        "contract_start": date(2025, 1, 1),
        "renewal_date": date(2027, 1, 1),
        "arr": 120_000,
        "created_at": at(date(2025, 1, 1)),
    }
    values.update(extra)
    return PhysicianGroup(**values)


def usage(group_id: int, days: int, *, users: int = 8, last: date = AS_OF) -> list[DailyUsage]:
    """`days` days of identical usage ending on `last`."""
    return [
        DailyUsage(
            group_id=group_id,
            day=last - timedelta(days=i),
            active_users=users,
            sessions=10,
            session_minutes=100.0,
            documents_processed=40,
            patients_total=30,
            patients_billable=24,
        )
        for i in range(days)
    ]


def ticket(group_id: int, opened: date, priority: str, **extra: object) -> Ticket:
    values: dict[str, object] = {
        "group_id": group_id,
        "source": "import",
        "subject": "Claims export fails",
        "category": "technical",
        "priority": priority,
        "status": "open",
        "opened_at": at(opened),
    }
    values.update(extra)
    return Ticket(**values)


def seed(session: Session) -> dict[str, int]:
    """Alpha has a bit of everything, Beta nothing, Gamma usage only. Returns ids by name."""
    alpha, beta, gamma = group("Alpha Clinic"), group("Beta Clinic"), group("Gamma Clinic")
    session.add_all([alpha, beta, gamma])
    session.flush()
    a = alpha.id
    session.add_all(usage(a, 60) + usage(a, 1, users=99, last=AS_OF + timedelta(days=1)))
    session.add_all(usage(gamma.id, 10, users=2))
    session.add_all(
        Revenue(group_id=a, month=date(2026, m, 1), service_type=kind, amount=amount)
        for m in (1, 2, 3)
        for kind, amount in (("Professional billing", 7_000), ("Coding", 3_000))
    )
    session.add(Revenue(group_id=a, month=date(2025, 12, 1), service_type="Coding", amount=1))
    session.add_all(
        [
            ticket(a, date(2026, 3, 10), "high", first_response_at=at(date(2026, 3, 11), 15)),
            ticket(
                a,
                date(2026, 3, 5),
                "urgent",
                status="resolved",
                first_response_at=at(date(2026, 3, 5), 10),
                resolved_at=at(date(2026, 3, 6)),
            ),
            ticket(
                a,
                date(2026, 3, 20),
                "high",
                status="resolved",
                first_response_at=at(date(2026, 3, 20), 11),
                resolved_at=at(date(2026, 4, 2)),
            ),
            ticket(a, date(2026, 3, 21), "normal"),
            ticket(a, date(2026, 3, 22), "high", status="closed"),
        ]
    )
    session.add_all(
        [
            Survey(group_id=a, day=date(2026, 1, 10), kind="nps", score=9),
            Survey(group_id=a, day=date(2026, 3, 1), kind="nps", score=5),
            Survey(group_id=a, day=date(2026, 4, 2), kind="nps", score=10),
            Survey(group_id=a, day=date(2026, 3, 3), kind="csat", score=3),
            Survey(group_id=a, day=date(2026, 3, 4), kind="csat", score=4),
        ]
    )
    session.add_all(
        [
            OnboardingTask(
                group_id=a,
                phase="Kickoff",
                name="Kickoff call held",
                due=date(2026, 2, 20),
                done_at=at(date(2026, 3, 1)),
            ),
            OnboardingTask(
                group_id=a,
                phase="Training",
                name="Claims basics",
                kind="module",
                due=date(2026, 3, 15),
            ),
            OnboardingTask(group_id=a, phase="Go-live", name="Cut-over", due=date(2026, 4, 30)),
        ]
    )
    session.add_all(
        [
            Activity(
                group_id=a,
                kind="meeting",
                title="Monthly check-in",
                occurred_at=at(date(2026, 3, 10)),
            ),
            Activity(
                group_id=a, kind="call", title="Renewal planning", occurred_at=at(date(2026, 4, 5))
            ),
            Activity(
                group_id=a,
                kind="email",
                title="Sent usage summary",
                occurred_at=at(date(2026, 3, 30)),
            ),
        ]
    )
    session.flush()
    return {"alpha": a, "beta": beta.id, "gamma": gamma.id}
