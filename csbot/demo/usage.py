"""Demo rows for what the health score reads: daily usage, revenue, tickets and surveys.

Pure functions of a batch's `GroupColumns`, the seed and `as_of`: each returns a table's rows
as columns (name -> numpy array or list; days as ordinals, times as microseconds), ready for a
bulk insert. No timestamp lies on or after `as_of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from csbot.demo import catalog as cat
from csbot.demo.columns import (
    ARCHETYPES,
    GroupColumns,
    Ints,
    micros,
    rows_per_group,
    within_group,
)
from csbot.demo.profile import Archetype
from csbot.demo.rng import Draws

Block = dict[str, Any]
A = Archetype

_ACTIVE_BY_WEEKDAY = np.array((1.0, 1.0, 1.0, 1.0, 0.95, 0.3, 0.1))
_PATIENTS_BY_WEEKDAY = np.array((1.0, 1.0, 1.0, 1.0, 0.9, 0.25, 0.05))
_PATIENTS_PER_SEAT = 11
BILLABLE, ACTIVE, DOCS, MINUTES, REVENUE = range(5)  # the fields of a Level


def weekday(day: Ints) -> Ints:
    """date.weekday() of ordinals: Monday 0 (ordinal 1, 1 January of year 1, was a Monday)."""
    return np.asarray((day - 1) % 7)


def usage_rows(groups: GroupColumns, *, seed: int, as_of: date) -> Block:
    """One row per day from each group's first day in the history to `as_of`, weekday-aware."""
    end = as_of.toordinal()
    g, i = rows_per_group(end - groups.usage_start + 1)
    day = groups.usage_start[g] + i
    lvl = groups.level(g, end - day, day)
    key, r = groups.index[g], Draws(seed, "usage")
    seats, wd = groups.seats[g], weekday(day)
    raw_active = seats * lvl[:, ACTIVE] * _ACTIVE_BY_WEEKDAY[wd] * r.uniform(0.9, 1.1, key, day, 0)
    active = np.minimum(seats, np.rint(raw_active))
    sessions = np.rint(active * r.uniform(1.8, 2.6, key, day, 1))
    patients = np.rint(seats * _PATIENTS_PER_SEAT * _PATIENTS_BY_WEEKDAY[wd]
                       * r.uniform(0.85, 1.15, key, day, 2))  # fmt: skip
    docs = active * lvl[:, DOCS] * groups.docs_scale[g] * r.uniform(0.85, 1.15, key, day, 3)
    minutes = np.round(sessions * lvl[:, MINUTES] * r.uniform(0.9, 1.1, key, day, 4), 1)
    billable = np.rint(patients * lvl[:, BILLABLE] * r.uniform(0.97, 1.03, key, day, 5))
    return {
        "group_id": groups.ids[g],
        "day": day,
        "active_users": active.astype(np.int64),
        "sessions": sessions.astype(np.int64),
        "session_minutes": minutes,
        "documents_processed": np.rint(docs).astype(np.int64),
        "patients_total": patients.astype(np.int64),
        "patients_billable": np.minimum(patients, billable).astype(np.int64),
    }


def _month_index(day: Ints) -> Ints:
    """Months since year 0 of day ordinals (year * 12 + month - 1)."""
    dates = (day - date(1970, 1, 1).toordinal()).astype("datetime64[D]")
    return np.asarray(dates.astype("datetime64[M]").astype(np.int64) + 1970 * 12)


def _month_first(index: Ints) -> Ints:
    months = (index - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]")
    return np.asarray(months.astype(np.int64) + date(1970, 1, 1).toordinal())


def revenue_rows(groups: GroupColumns, *, seed: int, as_of: date) -> Block:
    """Monthly amounts per service type; the current month holds its full (booked) amount."""
    end = as_of.toordinal()
    first_month = _month_index(groups.usage_start)
    count = _month_index(np.array([end]))[0] - first_month + 1
    g, k = rows_per_group(count)
    month = _month_first(first_month[g] + k)
    length = _month_first(first_month[g] + k + 1) - month
    mid = month + 14
    lvl = groups.level(g, np.maximum(0, end - mid), mid)
    live = length - np.maximum(0, groups.contract_start[g] - month)
    growth = np.where(groups.isa(A.THRIVING)[g], 1.02, 1.0) ** (k - count[g] + 1)
    base = groups.arr[g] / 12 * lvl[:, REVENUE]
    base = base * np.minimum(1.0, live / length) * growth
    plans = [groups.specs[x].plan for x in g.tolist()]
    mixes = [cat.PLAN_REVENUE_MIX[p] for p in plans]
    row, service = rows_per_group([len(m) for m in mixes])
    share = np.array([mixes[r][s][1] for r, s in zip(row.tolist(), service.tolist(), strict=True)])
    jitter = Draws(seed, "revenue").uniform(0.98, 1.02, groups.index[g][row], k[row], service)
    return {
        "group_id": groups.ids[g][row],
        "month": month[row],
        "service_type": [
            mixes[r][s][0] for r, s in zip(row.tolist(), service.tolist(), strict=True)
        ],
        "amount": np.round(base[row] * share * jitter, 2),
    }


_TICKETS_PER_WEEK = {
    A.THRIVING: 0.5, A.STEADY: 1.0, A.DECLINING: 1.0, A.COLLAPSING: 1.2,
    A.ONBOARDING: 2.0, A.SUPPORT_HEAVY: 4.5, A.DETRACTOR: 1.5,
}  # fmt: skip
_PRIORITY_SPEED = np.array([{"low": 1.5, "normal": 1.0, "high": 0.6, "urgent": 0.3}[p]
                            for p in cat.PRIORITIES])  # fmt: skip
_HOUR_US = 3_600_000_000


def _ticket_days(groups: GroupColumns, draws: Draws, end: int) -> tuple[Ints, Ints, Ints]:
    """(group, day, draw key) of every ticket: weekly Poisson counts, mostly on weekdays."""
    g, week_no = rows_per_group(np.maximum(0, (end - groups.usage_start + 6) // 7))
    week = groups.usage_start[g] + 7 * week_no
    rate = np.array([_TICKETS_PER_WEEK[a] for a in ARCHETYPES])[groups.archetype[g]]
    rate = rate * np.minimum(2.5, 0.6 + groups.seats[g] / 60)
    rate = np.where(groups.isa(A.DECLINING, A.COLLAPSING)[g] & (end - week < 60), rate * 1.8, rate)
    per_week = draws.poisson(rate, groups.index[g], week_no, 99)
    w, j = rows_per_group(per_week)
    g, key = g[w], week_no[w] * 64 + j
    day = week[w] + draws.integers(0, 6, groups.index[g], key, 0)
    wd = weekday(day)
    day = np.where((wd >= 5) & (draws.random(groups.index[g], key, 1) < 0.8), day - (wd - 4), day)
    keep = (groups.usage_start[g] <= day) & (day < end)
    order = np.lexsort((key[keep], day[keep], g[keep]))
    return g[keep][order], day[keep][order], key[keep][order]


def ticket_rows(groups: GroupColumns, *, seed: int, as_of: date) -> Block:
    """Tickets with priorities, first responses and resolutions; support-heavy groups wait.
    `_group` and `_number` (not columns) say whose ticket each is and which of its tickets."""
    draws, end = Draws(seed, "tickets"), as_of.toordinal()
    g, day, key = _ticket_days(groups, draws, end)
    index = groups.index[g]
    subject = draws.choice(cat.TICKET_SUBJECTS, index, key, 2)
    priority = draws.weighted((25, 50, 20, 5), index, key, 3)
    opened = micros(day, draws.uniform(13, 22, index, key, 4))
    heavy = groups.isa(A.SUPPORT_HEAVY)[g]
    quick = draws.uniform(0.2, 6, index, key, 5) * _PRIORITY_SPEED[priority]
    to_first = np.where(heavy, draws.uniform(20, 90, index, key, 5), quick)
    to_resolve = np.where(heavy, draws.uniform(48, 480, index, key, 6),
                          draws.uniform(2, 96, index, key, 6))  # fmt: skip
    stuck = draws.random(index, key, 7) < np.where(heavy, 0.25, 0.02)
    cutoff = micros(end, 0)
    responded = opened + np.rint(to_first * _HOUR_US).astype(np.int64)
    resolved = responded + np.rint(to_resolve * _HOUR_US).astype(np.int64)
    resolved = np.where(stuck | (resolved >= cutoff), -1, resolved)
    first = np.where(responded < cutoff, responded, -1)
    pending = (first >= 0) & (draws.random(index, key, 8) < 0.5)
    status = np.where(resolved >= 0, "resolved", np.where(pending, "pending", "open"))
    _, number = rows_per_group(np.bincount(g, minlength=len(groups)))
    categories = [cat.TICKET_SUBJECTS[s][1] for s in subject.tolist()]
    return {
        "group_id": groups.ids[g], "source": "demo",
        "external_id": [f"{groups.specs[x].external_id}-T{n + 1:05d}"
                        for x, n in zip(g.tolist(), number.tolist(), strict=True)],
        "subject": [cat.TICKET_SUBJECTS[s][0] for s in subject.tolist()],
        "description": [f"Demo ticket about {c}; no patient details." for c in categories],
        "category": categories, "priority": [cat.PRIORITIES[p] for p in priority.tolist()],
        "status": status.tolist(), "opened_at": opened, "first_response_at": first,
        "resolved_at": resolved, "_group": g, "_number": number,
    }  # fmt: skip


_NPS = {  # (latest, earlier) score choices
    A.THRIVING: ((9, 10, 10), (8, 9, 10)), A.STEADY: ((7, 8, 9), (7, 8, 9)),
    A.DECLINING: ((5, 6), (7, 8, 9)), A.COLLAPSING: ((2, 3, 4), (6, 7, 8)),
    A.ONBOARDING: ((8, 9), (8, 9)), A.SUPPORT_HEAVY: ((5, 6, 7), (6, 7, 8)),
    A.DETRACTOR: ((2, 3, 4, 5, 6), (4, 5, 6, 7)),
}  # fmt: skip
_CSAT = {
    A.THRIVING: (4, 5, 5, 5), A.STEADY: (3, 4, 4, 5), A.DECLINING: (2, 3, 3, 4),
    A.COLLAPSING: (1, 2, 3), A.ONBOARDING: (4, 4, 5), A.SUPPORT_HEAVY: (1, 2, 2, 3),
    A.DETRACTOR: (3, 4, 4, 5),
}  # fmt: skip


def _pick(table: dict[Archetype, tuple[int, ...]], kind: Ints, u: np.ndarray) -> Ints:
    """A choice from each row's archetype's options, by the uniform `u`."""
    options = [table[a] for a in ARCHETYPES]
    sizes = np.array([len(o) for o in options])
    padded = np.array([list(o) + [0] * (sizes.max() - len(o)) for o in options])
    return np.asarray(padded[kind, np.floor(u * sizes[kind]).astype(np.int64)])


def survey_rows(groups: GroupColumns, tickets: Block, *, seed: int, as_of: date) -> Block:
    """Quarterly NPS (the latest within ~6 weeks of as_of) and CSAT after some resolved tickets."""
    draws, end = Draws(seed, "surveys"), as_of.toordinal()
    span = end - groups.usage_start
    g, k = rows_per_group(span // 84 + 2)
    index = groups.index[g]
    first = draws.integers(1, np.maximum(1, np.minimum(40, span[g])), index, 0, 0)
    ago = within_group(g, np.where(k == 0, first, draws.integers(84, 98, index, k, 1)))
    keep = ago <= span[g]
    options = [_NPS[a] for a in ARCHETYPES]
    latest = _pick({a: o[0] for a, o in zip(ARCHETYPES, options, strict=True)},
                   groups.archetype[g], draws.random(index, k, 2))  # fmt: skip
    earlier = _pick({a: o[1] for a, o in zip(ARCHETYPES, options, strict=True)},
                    groups.archetype[g], draws.random(index, k, 2))  # fmt: skip
    nps = _Surveys(g[keep], (end - ago)[keep], np.where(k == 0, latest, earlier)[keep],
                   [f"{groups.specs[x].external_id}-N{n + 1:03d}"
                    for x, n in zip(g[keep].tolist(), k[keep].tolist(), strict=True)])  # fmt: skip
    csat = _csat(groups, tickets, draws, end)
    return {
        "group_id": groups.ids[np.concatenate((nps.group, csat.group))],
        "day": np.concatenate((nps.day, csat.day)),
        "kind": ["nps"] * len(nps.group) + ["csat"] * len(csat.group),
        "score": np.concatenate((nps.score, csat.score)),
        "source": "demo",
        "external_id": nps.external_id + csat.external_id,
    }


@dataclass(frozen=True)
class _Surveys:
    group: Ints
    day: Ints
    score: Ints
    external_id: list[str]


def _csat(groups: GroupColumns, tickets: Block, draws: Draws, end: int) -> _Surveys:
    g, n = tickets["_group"], tickets["_number"]
    resolved = tickets["resolved_at"]
    chosen = (resolved >= 0) & (draws.random(groups.index[g], n, 3) < 0.45)
    g, n, resolved = g[chosen], n[chosen], resolved[chosen]
    done_day = resolved // 86_400_000_000 + date(1970, 1, 1).toordinal()
    day = np.minimum(end, done_day + draws.integers(0, 2, groups.index[g], n, 4))
    score = _pick(_CSAT, groups.archetype[g], draws.random(groups.index[g], n, 5))
    external = [tickets["external_id"][i] + "-C" for i in np.flatnonzero(chosen).tolist()]
    return _Surveys(g, day, score, external)
