"""The audit trail on SQLite and PostgreSQL: rows written with their write (or not at all), read
back by group and date, and shown by `csbot audit`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from csbot.cli import main
from csbot.store.audit import DETAIL_TEXT, AuditAction, list_audit, record
from csbot.store.db import transaction
from csbot.store.models import Audit, PhysicianGroup, Ticket

T0 = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)


def _group(session: Session, name: str) -> int:
    group = PhysicianGroup(
        name=name,
        slug=name.lower().replace(" ", "-"),
        aliases=[],
        specialty="Family medicine",
        region="East",
        plan="growth",
        seats=10,
        contract_start=date(2025, 1, 1),
        renewal_date=date(2027, 1, 1),
        arr=120_000.0,
        created_at=T0,
    )
    session.add(group)
    session.flush()
    return group.id


@pytest.fixture
def groups(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with transaction(sessions) as session:
        return _group(session, "Acme Family Medicine"), _group(session, "Birch Pediatrics")


def _ticket(session: Session, group_id: int) -> Ticket:
    ticket = Ticket(
        group_id=group_id,
        source="slack",
        subject="Billing export fails",
        category="billing",
        priority="high",
        status="open",
        opened_at=T0,
        created_by="U0000000001",
    )
    session.add(ticket)
    session.flush()
    return ticket


def test_a_row_is_written_with_its_write_and_read_back(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    acme, _ = groups
    with transaction(sessions) as session:
        ticket = _ticket(session, acme)
        written = record(
            session,
            actor="U0000000001",
            action=AuditAction.TICKET,
            group_id=acme,
            at=T0,
            detail={"ticket_id": ticket.id, "priority": "high"},
        )
    with transaction(sessions) as session:
        [entry] = list_audit(session)
    assert entry == written
    assert (entry.actor, entry.action, entry.group_id) == ("U0000000001", "ticket", acme)
    assert entry.group_name == "Acme Family Medicine"
    assert entry.at == T0
    assert entry.detail == {"ticket_id": ticket.id, "priority": "high"}


def test_a_write_that_rolls_back_leaves_no_audit_row(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    acme, _ = groups
    with pytest.raises(RuntimeError), transaction(sessions) as session:
        _ticket(session, acme)
        record(session, actor="U1", action=AuditAction.TICKET, group_id=acme, at=T0)
        raise RuntimeError("the ticket's write failed after the audit row was added")
    with transaction(sessions) as session:
        assert list_audit(session) == []
        assert session.scalar(select(func.count()).select_from(Ticket)) == 0


def test_filtered_by_group_and_since_newest_first(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    acme, birch = groups
    with transaction(sessions) as session:
        for hours, gid, action in [
            (0, acme, AuditAction.MEETING),
            (1, birch, AuditAction.ACKNOWLEDGE),
            (24, acme, AuditAction.EXPORT),
            (48, None, AuditAction.EXPORT),
        ]:
            at = T0 + timedelta(hours=hours)
            record(session, actor="U1", action=action, group_id=gid, at=at)
    with transaction(sessions) as session:
        everything = list_audit(session)
        of_acme = list_audit(session, group_id=acme)
        recent = list_audit(session, since=T0 + timedelta(hours=1))
        newest = list_audit(session, limit=1)
    assert [e.action for e in everything] == ["export", "export", "acknowledge", "meeting"]
    assert [(e.action, e.group_id) for e in of_acme] == [("export", acme), ("meeting", acme)]
    assert [e.at for e in recent] == [T0 + timedelta(hours=h) for h in (48, 24, 1)]
    assert [e.group_name for e in newest] == [None]


def test_the_trail_outlives_a_deleted_group(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    acme, _ = groups
    with transaction(sessions) as session:
        record(session, actor="U1", action=AuditAction.NOTE, group_id=acme, at=T0)
    with transaction(sessions) as session:
        session.execute(delete(PhysicianGroup).where(PhysicianGroup.id == acme))
    with transaction(sessions) as session:
        [entry] = list_audit(session)
        assert session.scalar(select(func.count()).select_from(Audit)) == 1
    assert (entry.group_id, entry.group_name) == (None, "Acme Family Medicine")


def test_detail_holds_short_scalars_only(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    acme, _ = groups
    with transaction(sessions) as session:
        entry = record(
            session,
            actor="U1",
            action=AuditAction.SNOOZE,
            group_id=acme,
            at=T0,
            detail={"until": "2026-04-07", "reason": "x" * 1000},
        )
        assert entry.detail["reason"] == "x" * DETAIL_TEXT
        with pytest.raises(TypeError, match="must be a scalar"):
            record(
                session,
                actor="U1",
                action=AuditAction.SNOOZE,
                group_id=acme,
                at=T0,
                detail={"attendees": ["a", "b"]},  # type: ignore[dict-item]
            )


def test_csbot_audit_prints_the_trail_of_one_group_since_a_day(
    sessions: sessionmaker[Session],
    groups: tuple[int, int],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    acme, birch = groups
    with transaction(sessions) as session:
        record(session, actor="U0OLD0001", action=AuditAction.NOTE, group_id=acme, at=T0)
        later = T0 + timedelta(days=1)
        record(
            session,
            actor="U0000000001",
            action=AuditAction.EXPORT,
            group_id=acme,
            at=later,
            detail={"panel": "health", "window_days": 30},
        )
        record(session, actor="U0000000002", action=AuditAction.ACKNOWLEDGE, group_id=birch,
               at=later)  # fmt: skip
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("CSBOT_TIMEZONE", "Europe/Berlin")
    assert main(["audit", "--group", "acme", "--since", "2026-03-31"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["when", "who", "what", "group", "detail"]
    assert len(lines) == 2
    assert lines[1].split() == [
        "2026-03-31",
        "11:00",  # 09:00 UTC in Berlin summer time
        "U0000000001",
        "export",
        "Acme",
        "Family",
        "Medicine",
        "panel=health",
        "window_days=30",
    ]


def test_csbot_audit_says_so_when_nothing_or_no_such_group(
    sessions: sessionmaker[Session],
    groups: tuple[int, int],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    assert main(["audit"]) == 0
    assert capsys.readouterr().out == "no audit entries.\n"
    assert main(["audit", "--group", "Zebra Clinic"]) == 1
    assert "No group matches “Zebra Clinic”" in capsys.readouterr().err
