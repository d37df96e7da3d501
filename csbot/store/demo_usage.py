"""Demo rows for what the health score reads: daily usage, revenue, tickets and surveys.

Pure functions: a `GroupSpec`, the group's database id and `as_of` in, plain dicts out (one
per row, keys = column names), ready for a bulk insert. No timestamp lies on or after `as_of`.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from typing import Any

from csbot.store import demo_catalog as cat
from csbot.store.demo_profile import Archetype, GroupSpec, at, group_rng

Row = dict[str, Any]
A = Archetype

_ACTIVE_BY_WEEKDAY = (1.0, 1.0, 1.0, 1.0, 0.95, 0.3, 0.1)
_PATIENTS_BY_WEEKDAY = (1.0, 1.0, 1.0, 1.0, 0.9, 0.25, 0.05)
_PATIENTS_PER_SEAT = 11


def usage_rows(spec: GroupSpec, group_id: int, *, seed: int, as_of: date) -> list[Row]:
    """One row per day from the group's first day in the history to `as_of`, weekday-aware."""
    rng = group_rng(seed, spec.index, "usage")
    u, seats, first = rng.uniform, spec.seats, spec.usage_start
    n = (as_of - first).days
    rows = []
    for i in range(n + 1):
        day = first + timedelta(days=i)
        lvl = spec.level(n - i, day)
        wd = day.weekday()
        active = min(seats, round(seats * lvl.active * _ACTIVE_BY_WEEKDAY[wd] * u(0.9, 1.1)))
        sessions = round(active * u(1.8, 2.6))
        patients = round(seats * _PATIENTS_PER_SEAT * _PATIENTS_BY_WEEKDAY[wd] * u(0.85, 1.15))
        docs = active * lvl.docs_per_user * spec.docs_scale * u(0.85, 1.15)
        rows.append(
            {
                "group_id": group_id,
                "day": day,
                "active_users": active,
                "sessions": sessions,
                "session_minutes": round(sessions * lvl.minutes * u(0.9, 1.1), 1),
                "documents_processed": round(docs),
                "patients_total": patients,
                "patients_billable": min(patients, round(patients * lvl.billable * u(0.97, 1.03))),
            }
        )
    return rows


def _months(first: date, last: date) -> list[date]:
    month, out = first.replace(day=1), []
    while month <= last:
        out.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def _days_in(month: date) -> int:
    return ((month + timedelta(days=32)).replace(day=1) - month).days


def revenue_rows(spec: GroupSpec, group_id: int, *, seed: int, as_of: date) -> list[Row]:
    """Monthly amounts per service type; the current month holds its full (booked) amount."""
    rng = group_rng(seed, spec.index, "revenue")
    growth = 1 + {A.THRIVING: 0.02}.get(spec.archetype, 0.0)
    months = _months(spec.usage_start, as_of)
    rows = []
    for k, month in enumerate(months):
        mid = month + timedelta(days=14)
        lvl = spec.level(max(0, (as_of - mid).days), mid)
        live = _days_in(month) - max(0, (spec.contract_start - month).days)
        share_of_month = min(1.0, live / _days_in(month))
        base = spec.arr / 12 * lvl.revenue * share_of_month * growth ** (k - len(months) + 1)
        for service, share in cat.PLAN_REVENUE_MIX[spec.plan]:
            amount = round(base * share * rng.uniform(0.98, 1.02), 2)
            rows.append(
                {"group_id": group_id, "month": month, "service_type": service, "amount": amount}
            )
    return rows


_TICKETS_PER_WEEK = {
    A.THRIVING: 0.5, A.STEADY: 1.0, A.DECLINING: 1.0, A.COLLAPSING: 1.2,
    A.ONBOARDING: 2.0, A.SUPPORT_HEAVY: 4.5, A.DETRACTOR: 1.5,
}  # fmt: skip
_PRIORITY_SPEED = {"low": 1.5, "normal": 1.0, "high": 0.6, "urgent": 0.3}
_CSAT = {
    A.THRIVING: (4, 5, 5, 5), A.STEADY: (3, 4, 4, 5), A.DECLINING: (2, 3, 3, 4),
    A.COLLAPSING: (1, 2, 3), A.ONBOARDING: (4, 4, 5), A.SUPPORT_HEAVY: (1, 2, 2, 3),
    A.DETRACTOR: (3, 4, 4, 5),
}  # fmt: skip


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _weekly_rate(spec: GroupSpec, days_ago: int) -> float:
    rate = _TICKETS_PER_WEEK[spec.archetype] * min(2.5, 0.6 + spec.seats / 60)
    if spec.archetype in (A.DECLINING, A.COLLAPSING) and days_ago < 60:
        rate *= 1.8
    return rate


def _ticket_days(spec: GroupSpec, rng: random.Random, as_of: date) -> list[date]:
    """Days tickets were opened on, mostly weekdays, all before `as_of`."""
    out, week = [], spec.usage_start
    while week < as_of:
        for _ in range(_poisson(rng, _weekly_rate(spec, (as_of - week).days))):
            day = week + timedelta(days=rng.randint(0, 6))
            if day.weekday() >= 5 and rng.random() < 0.8:
                day -= timedelta(days=day.weekday() - 4)
            if spec.usage_start <= day < as_of:
                out.append(day)
        week += timedelta(days=7)
    return sorted(out)


def _response_times(spec: GroupSpec, rng: random.Random, priority: str) -> tuple[float, float]:
    """Hours to first response, and hours from then to resolution."""
    if spec.archetype is A.SUPPORT_HEAVY:
        return rng.uniform(20, 90), rng.uniform(48, 480)
    return rng.uniform(0.2, 6) * _PRIORITY_SPEED[priority], rng.uniform(2, 96)


def _ticket(spec: GroupSpec, rng: random.Random, day: date, cutoff: datetime) -> Row:
    subject, category = rng.choice(cat.TICKET_SUBJECTS)
    priority = rng.choices(cat.PRIORITIES, weights=(25, 50, 20, 5))[0]
    opened = at(day, rng.uniform(13, 22))
    to_first, to_resolve = _response_times(spec, rng, priority)
    stuck = rng.random() < (0.25 if spec.archetype is A.SUPPORT_HEAVY else 0.02)
    responded = opened + timedelta(hours=to_first)
    resolved: datetime | None = responded + timedelta(hours=to_resolve)
    if stuck or (resolved is not None and resolved >= cutoff):
        resolved = None
    first = responded if responded < cutoff else None
    status = "resolved" if resolved else ("pending" if first and rng.random() < 0.5 else "open")
    return {
        "subject": subject, "category": category, "priority": priority, "status": status,
        "opened_at": opened, "first_response_at": first, "resolved_at": resolved,
        "description": f"Demo ticket about {category}; no patient details.",
        "source": "demo", "created_by": None, "submission_key": None,
    }  # fmt: skip


def ticket_rows(spec: GroupSpec, group_id: int, *, seed: int, as_of: date) -> list[Row]:
    rng = group_rng(seed, spec.index, "tickets")
    cutoff = at(as_of, 0)
    rows = []
    for n, day in enumerate(_ticket_days(spec, rng, as_of), start=1):
        row = _ticket(spec, rng, day, cutoff)
        row.update(group_id=group_id, external_id=f"{spec.external_id}-T{n:05d}")
        rows.append(row)
    return rows


_NPS = {  # (latest, earlier) score choices
    A.THRIVING: ((9, 10, 10), (8, 9, 10)), A.STEADY: ((7, 8, 9), (7, 8, 9)),
    A.DECLINING: ((5, 6), (7, 8, 9)), A.COLLAPSING: ((2, 3, 4), (6, 7, 8)),
    A.ONBOARDING: ((8, 9), (8, 9)), A.SUPPORT_HEAVY: ((5, 6, 7), (6, 7, 8)),
    A.DETRACTOR: ((2, 3, 4, 5, 6), (4, 5, 6, 7)),
}  # fmt: skip


def _survey(group_id: int, day: date, kind: str, score: int, external_id: str) -> Row:
    return {"group_id": group_id, "day": day, "kind": kind, "score": score,
            "source": "demo", "external_id": external_id}  # fmt: skip


def survey_rows(
    spec: GroupSpec, group_id: int, tickets: list[Row], *, seed: int, as_of: date
) -> list[Row]:
    """Quarterly NPS (the latest within ~6 weeks of as_of) and CSAT after some resolved tickets."""
    rng = group_rng(seed, spec.index, "surveys")
    latest, earlier = _NPS[spec.archetype]
    span = (as_of - spec.usage_start).days
    rows, days_ago, k = [], rng.randint(1, max(1, min(40, span))), 0
    while days_ago <= span:
        score = rng.choice(latest if k == 0 else earlier)
        day = as_of - timedelta(days=days_ago)
        rows.append(_survey(group_id, day, "nps", score, f"{spec.external_id}-N{k + 1:03d}"))
        days_ago, k = days_ago + rng.randint(84, 98), k + 1
    for ticket in tickets:
        if ticket["resolved_at"] is not None and rng.random() < 0.45:
            day = min(as_of, ticket["resolved_at"].date() + timedelta(days=rng.randint(0, 2)))
            score = rng.choice(_CSAT[spec.archetype])
            rows.append(_survey(group_id, day, "csat", score, ticket["external_id"] + "-C"))
    return rows
