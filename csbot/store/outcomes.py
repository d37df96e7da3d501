"""Renewal outcomes read back for the score audit: each recorded renewal with the snapshot
taken the horizon before it, in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from csbot.scoring.audit import AuditCase
from csbot.scoring.config import FactorId
from csbot.scoring.types import Band, RiskLevel
from csbot.store.audit import AuditAction, record
from csbot.store.ingest import KINDS, Ingest, IngestError, Problem
from csbot.store.models import HealthSnapshot, PhysicianGroup, RenewalOutcome

__all__ = ["SNAPSHOT_SLACK_DAYS", "Cases", "Recorded", "audit_cases", "record_outcome"]

SNAPSHOT_SLACK_DAYS = 14
"""A renewal is held to its latest snapshot from `horizon` to `horizon + 14` days before it, so
a day or two without a recompute does not lose the case."""
_FACTORS = {f.value: f for f in FactorId}


@dataclass(frozen=True)
class Cases:
    """The renewals the audit can use, and how many recorded ones had no snapshot to use."""

    cases: tuple[AuditCase, ...]
    without_snapshot: int
    first: date | None  # earliest and latest renewal among the cases
    last: date | None


def _days_between(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return cast(later - earlier, Integer)


def _case(row: Any) -> AuditCase:
    factors = frozenset(_FACTORS[f["id"]] for f in row.factors or () if f.get("id") in _FACTORS)
    return AuditCase(
        group=row.name,
        renewal_date=row.renewal_date,
        churned=row.outcome == "churned",
        score=float(row.score),
        parts=(row.billability, row.engagement, row.revenue),
        band=Band(row.band),
        churn_risk=float(row.churn_risk or 0.0),
        churn_level=RiskLevel(row.churn_level or RiskLevel.LOW.value),
        factors=factors,
    )


def audit_cases(
    session: Session, *, horizon_days: int, window_days: int, before: date | None = None
) -> Cases:
    """Every recorded renewal (renewing before `before`, None: all) with its group's latest
    `window_days` snapshot from `horizon_days` to `horizon_days + SNAPSHOT_SLACK_DAYS` before
    it; by renewal date, then group."""
    o, s, g = RenewalOutcome, HealthSnapshot, PhysicianGroup
    gap = _days_between(session, o.renewal_date, s.day)
    ranked = (
        select(o.id.label("outcome_id"), s.group_id, s.day,
               func.row_number().over(partition_by=o.id, order_by=s.day.desc()).label("n"))
        .join(s, (s.group_id == o.group_id) & (s.window_days == window_days))
        .where(gap.between(horizon_days, horizon_days + SNAPSHOT_SLACK_DAYS))
    )  # fmt: skip
    if before is not None:
        ranked = ranked.where(o.renewal_date < before)
    pick = ranked.subquery()
    stmt = (
        select(g.name, o.renewal_date, o.outcome, s.score, s.billability, s.engagement,
               s.revenue, s.band, s.churn_risk, s.churn_level, s.factors)
        .join(pick, pick.c.outcome_id == o.id)
        .join(g, g.id == o.group_id)
        .join(s, (s.group_id == pick.c.group_id) & (s.day == pick.c.day)
              & (s.window_days == window_days))
        .where(pick.c.n == 1)
        .order_by(o.renewal_date, g.name)
    )  # fmt: skip
    cases = tuple(_case(row) for row in session.execute(stmt))
    recorded = select(func.count()).select_from(o)
    if before is not None:
        recorded = recorded.where(o.renewal_date < before)
    total = int(session.scalar(recorded) or 0)
    dates = [c.renewal_date for c in cases]
    return Cases(cases, total - len(cases), min(dates, default=None), max(dates, default=None))


@dataclass(frozen=True)
class Recorded:
    """A renewal outcome stored from Slack, and the group's renewal date after it."""

    group: str
    outcome: str
    renewal_date: date
    next_renewal: date


def record_outcome(
    session: Session, *, group_id: int, fields: dict[str, Any], now: datetime, actor: str
) -> Recorded | list[Problem]:
    """Store one renewal's outcome through the `outcomes` kind (the same checks as an import),
    in the caller's transaction; renewed or contracted also sets the group's ARR and rolls its
    renewal date a year past the one recorded. The problems, naming fields, otherwise."""
    group = session.get(PhysicianGroup, group_id)
    if group is None:
        return [Problem("form", None, "That group is not in csbot (any more).")]
    ingest = Ingest(session, KINDS["outcomes"], now=now, source="slack")
    ingest.add({**fields, "group": group.name}, where="form", n=1)
    try:
        ingest.finish("form")
    except IngestError:
        return ingest.problems
    day = date.fromisoformat(str(fields["renewal_date"]))
    if fields["outcome"] != "churned":
        group.arr = round(float(fields["new_arr"]), 2)
        if day >= group.renewal_date:
            group.renewal_date = add_years(day, 1)
    record(session, actor=actor, action=AuditAction.OUTCOME, group_id=group_id, at=now,
           detail={"outcome": str(fields["outcome"]), "renewal_date": day.isoformat()})  # fmt: skip
    return Recorded(group.name, str(fields["outcome"]), day, group.renewal_date)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
