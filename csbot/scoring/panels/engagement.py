"""Engagement panel: active users, sessions, session length, documents, feature adoption."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from csbot.scoring.panel_inputs import PanelData, UsageDay
from csbot.scoring.panels._common import Change, DayPoint, share, week_start
from csbot.scoring.types import fmt


@dataclass(frozen=True)
class WeekPoint:
    """One calendar week (Monday first) of the window."""

    week: date  # the Monday
    avg_daily_active_users: float
    sessions: int
    documents: int
    session_minutes: float


@dataclass(frozen=True)
class EngagementMetrics:
    window_days: int
    seats: int
    daily_active_users: tuple[DayPoint, ...]  # the window, days with data, oldest first
    daily_sessions: tuple[DayPoint, ...]
    weekly: tuple[WeekPoint, ...]
    active_users: Change  # average daily active users
    peak_daily_active_users: int
    sessions: Change
    avg_session_minutes: Change
    documents: Change
    seat_utilization_pct: float | None  # average daily active users / seats
    features_used: int  # used in the window
    features_total: int
    insights: tuple[str, ...]

    @property
    def feature_adoption_pct(self) -> float | None:
        return share(self.features_used, self.features_total)


def _split(data: PanelData) -> tuple[list[UsageDay], list[UsageDay]]:
    window, before = data.window, data.window.previous()
    now = [u for u in data.usage if window.contains(u.day)]
    earlier = [u for u in data.usage if before.contains(u.day)]
    return sorted(now, key=lambda u: u.day), earlier


def _avg_users(days: list[UsageDay]) -> float | None:
    return sum(u.active_users for u in days) / len(days) if days else None


def _avg_minutes(days: list[UsageDay]) -> float | None:
    sessions = sum(u.sessions for u in days)
    return sum(u.session_minutes for u in days) / sessions if sessions else None


def _total(days: list[UsageDay], field: str) -> float | None:
    return float(sum(getattr(u, field) for u in days)) if days else None


def _weekly(days: list[UsageDay]) -> tuple[WeekPoint, ...]:
    weeks: dict[date, list[UsageDay]] = defaultdict(list)
    for u in days:
        weeks[week_start(u.day)].append(u)
    return tuple(
        WeekPoint(
            week=monday,
            avg_daily_active_users=sum(u.active_users for u in rows) / len(rows),
            sessions=sum(u.sessions for u in rows),
            documents=sum(u.documents for u in rows),
            session_minutes=sum(u.session_minutes for u in rows),
        )
        for monday, rows in weeks.items()
    )


def _insights(m: EngagementMetrics) -> tuple[str, ...]:
    days = m.window_days
    named = [
        ("Active users a day", m.active_users, 1),
        ("Sessions", m.sessions, 0),
        ("Minutes a session", m.avg_session_minutes, 1),
        ("Documents processed", m.documents, 0),
    ]
    moved = [(abs(c.pct), what, c, d) for what, c, d in named if c.pct is not None]
    out = []
    if moved:
        _, what, change, digits = max(moved, key=lambda t: t[0])
        out.append(change.text(what, days, digits) + " \u2014 the biggest change")
    if m.seat_utilization_pct is not None and m.seats:
        idle = max(0, round(m.seats - (m.active_users.current or 0)))
        if m.seat_utilization_pct < 60 and idle:
            out.append(
                f"Seat use {fmt(m.seat_utilization_pct, 0)}%: {idle} of {m.seats} seats "
                "idle on an average day"
            )
    if m.features_total:
        out.append(f"{m.features_used} of {m.features_total} features used in the last {days} days")
    return tuple(out)


def engagement_metrics(data: PanelData) -> EngagementMetrics:
    """The engagement panel's numbers and series for `data.window`."""
    now, before = _split(data)
    window = data.window
    users = Change(_avg_users(now), _avg_users(before))
    used = [f for f in data.features if f.last_used is not None and f.last_used >= window.start]
    seats = data.profile.seats
    metrics = EngagementMetrics(
        window_days=window.days,
        seats=seats,
        daily_active_users=tuple(DayPoint(u.day, u.active_users) for u in now),
        daily_sessions=tuple(DayPoint(u.day, u.sessions) for u in now),
        weekly=_weekly(now),
        active_users=users,
        peak_daily_active_users=max((u.active_users for u in now), default=0),
        sessions=Change(_total(now, "sessions"), _total(before, "sessions")),
        avg_session_minutes=Change(_avg_minutes(now), _avg_minutes(before)),
        documents=Change(_total(now, "documents"), _total(before, "documents")),
        seat_utilization_pct=share(users.current, seats) if users.current is not None else None,
        features_used=len(used),
        features_total=len(data.features),
        insights=(),
    )
    return replace(metrics, insights=_insights(metrics))
