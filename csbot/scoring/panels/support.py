"""Support panel: tickets by status, priority and category; response times; NPS and CSAT."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from csbot.scoring.config import FactorRules
from csbot.scoring.panel_inputs import PanelData, TicketEntry
from csbot.scoring.panels._common import Count, day_end, percentile, plural, share, week_start
from csbot.scoring.types import fmt

CLOSED_STATUSES = ("resolved", "closed")
PRIORITY_ORDER = ("urgent", "high", "normal", "low")


@dataclass(frozen=True)
class WeekCategoryCount:
    week: date  # the Monday
    category: str
    count: int


@dataclass(frozen=True)
class OpenTicket:
    id: int
    subject: str
    priority: str
    status: str
    category: str
    age_days: int


@dataclass(frozen=True)
class SupportMetrics:
    window_days: int
    opened: int  # in the window
    resolved: int  # in the window
    open_now: int  # at the window's end
    open_by_status: tuple[Count, ...]
    open_by_priority: tuple[Count, ...]
    by_priority: tuple[Count, ...]  # opened in the window
    by_category: tuple[Count, ...]  # opened in the window, most first
    weekly_by_category: tuple[WeekCategoryCount, ...]  # opened per week, for a stacked chart
    first_response_median_h: float | None
    first_response_p90_h: float | None
    resolution_median_h: float | None
    resolution_p90_h: float | None
    nps: float | None  # % promoters (9-10) minus % detractors (0-6)
    nps_responses: int
    promoters: int
    detractors: int
    csat: float | None  # average, 1-5
    csat_responses: int
    oldest_open: tuple[OpenTicket, ...]  # most urgent first, then oldest
    insights: tuple[str, ...]


def _is_open(t: TicketEntry, end: datetime) -> bool:
    if t.opened_at >= end:
        return False
    if t.resolved_at is not None:
        return t.resolved_at >= end
    return t.status not in CLOSED_STATUSES


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else max(0.0, (end - start).total_seconds() / 3600)


def _counts(values: list[str], order: tuple[str, ...] = ()) -> tuple[Count, ...]:
    counted = Counter(values)
    rank = {name: i for i, name in enumerate(order)}
    keys = sorted(counted, key=lambda k: (rank.get(k, len(rank)), -counted[k], k))
    return tuple(Count(k, counted[k]) for k in keys)


def _nps(scores: list[int]) -> tuple[float | None, int, int]:
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    value = share(promoters - detractors, len(scores))
    return value, promoters, detractors


def _oldest(tickets: list[TicketEntry], end: datetime) -> tuple[OpenTicket, ...]:
    rank = {p: i for i, p in enumerate(PRIORITY_ORDER)}
    ordered = sorted(tickets, key=lambda t: (rank.get(t.priority, len(rank)), t.opened_at))
    return tuple(
        OpenTicket(
            t.id, t.subject, t.priority, _open_status(t), t.category, (end - t.opened_at).days
        )
        for t in ordered[:5]
    )


def _open_status(t: TicketEntry) -> str:
    """Its status while open: a ticket closed since then was 'open' at the window's end."""
    return "open" if t.status in CLOSED_STATUSES else t.status


def _insights(m: SupportMetrics, rules: FactorRules) -> tuple[str, ...]:
    out = []
    urgent = sum(c.count for c in m.open_by_priority if c.name in rules.high_priorities)
    if urgent:
        out.append(f"{plural(urgent, 'high-priority ticket')} open")
    if m.first_response_median_h is not None:
        p90 = fmt(m.first_response_p90_h or 0, 0)
        out.append(f"Median first response {fmt(m.first_response_median_h)} h (p90 {p90} h)")
    if m.by_category:  # some tickets were opened
        top = m.by_category[0]
        out.append(f"Most tickets are {top.name} ({fmt(100 * top.count / m.opened, 0)}%)")
    if m.nps is not None:
        out.append(f"NPS {fmt(m.nps, 0)} from {plural(m.nps_responses, 'response')}")
    if m.csat is not None:
        out.append(f"CSAT {fmt(m.csat)}/5 from {plural(m.csat_responses, 'response')}")
    return tuple(out)


def support_metrics(data: PanelData, rules: FactorRules) -> SupportMetrics:
    """The support panel's numbers and series; surveys count over the rules' lookback and the
    rules' high priorities are what the insights call high-priority (as the churn factor does)."""
    window = data.window
    start, end = day_end(window.start - timedelta(days=1)), day_end(window.as_of)
    opened = [t for t in data.tickets if start <= t.opened_at < end]
    resolved = [t for t in data.tickets if t.resolved_at and start <= t.resolved_at < end]
    still_open = [t for t in data.tickets if _is_open(t, end)]
    first = [h for t in opened if (h := _hours(t.opened_at, t.first_response_at)) is not None]
    resolution = [h for t in resolved if (h := _hours(t.opened_at, t.resolved_at)) is not None]
    since = window.as_of - timedelta(days=rules.survey_lookback_days)
    surveys = [s for s in data.surveys if since <= s.day <= window.as_of]
    nps, promoters, detractors = _nps([s.score for s in surveys if s.kind == "nps"])
    csat = [s.score for s in surveys if s.kind == "csat"]
    weekly = Counter((week_start(t.opened_at.date()), t.category) for t in opened)
    metrics = SupportMetrics(
        window_days=window.days,
        opened=len(opened),
        resolved=len(resolved),
        open_now=len(still_open),
        open_by_status=_counts([_open_status(t) for t in still_open]),
        open_by_priority=_counts([t.priority for t in still_open], PRIORITY_ORDER),
        by_priority=_counts([t.priority for t in opened], PRIORITY_ORDER),
        by_category=_counts([t.category for t in opened]),
        weekly_by_category=tuple(
            WeekCategoryCount(week, category, n) for (week, category), n in sorted(weekly.items())
        ),
        first_response_median_h=percentile(first, 50),
        first_response_p90_h=percentile(first, 90),
        resolution_median_h=percentile(resolution, 50),
        resolution_p90_h=percentile(resolution, 90),
        nps=nps,
        nps_responses=sum(1 for s in surveys if s.kind == "nps"),
        promoters=promoters,
        detractors=detractors,
        csat=sum(csat) / len(csat) if csat else None,
        csat_responses=len(csat),
        oldest_open=_oldest(still_open, end),
        insights=(),
    )
    return replace(metrics, insights=_insights(metrics, rules))
