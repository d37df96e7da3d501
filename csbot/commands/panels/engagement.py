"""The engagement panel: who uses the product, how much, and which features, against the
previous window. The chart is the daily active users and sessions."""

from __future__ import annotations

from datetime import date

from csbot.commands.panels import _text as t
from csbot.commands.panels._steps import playbook, steps
from csbot.commands.panels.base import Fact, PanelView
from csbot.scoring.config import FactorId
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.panels import Change, EngagementMetrics, engagement_metrics
from csbot.scoring.types import GroupScore, fmt
from csbot.slack.render import ChartSpec

__all__ = ["build"]

FALLING_PCT = -20.0  # a drop this steep gets its own next step


def _changed(change: Change, value: str) -> str:
    return f"{value} ({t.signed_pct(change.pct)})" if change.pct is not None else value


def _facts(m: EngagementMetrics, data: PanelData) -> tuple[Fact, ...]:
    users, minutes = m.active_users, m.avg_session_minutes
    days = len(m.daily_active_users)
    return (
        Fact("Active users a day", _changed(users, fmt(users.current or 0, 1))),
        Fact("Busiest day", t.count(m.peak_daily_active_users) + " users"),
        Fact("Sessions", _changed(m.sessions, t.count(m.sessions.current or 0))),
        Fact("Minutes a session", _changed(minutes, fmt(minutes.current or 0, 1))),
        Fact("Documents", _changed(m.documents, t.count(m.documents.current or 0))),
        Fact("Seat use", f"{t.pct(m.seat_utilization_pct)} of {m.seats} seats"),
        Fact("Features used", f"{m.features_used} of {m.features_total}"),
        Fact("Days with usage", f"{days} of {data.window.days}"),
    )


def _weeks(m: EngagementMetrics) -> str:
    """Newest week first: what the activity timeline looks like in numbers."""
    lines = [
        f"Week of {t.short_day(w.week)}: {fmt(w.avg_daily_active_users, 1)} users a day · "
        f"{t.count(w.sessions)} sessions · {t.count(w.documents)} documents"
        for w in sorted(m.weekly, key=lambda w: w.week, reverse=True)
    ]
    return t.bullets(lines, limit=6, empty="No usage recorded.")


def _features(data: PanelData) -> str:
    start = data.window.start
    used = sorted(f.feature for f in data.features if f.last_used and f.last_used >= start)
    idle = sorted(f.feature for f in data.features if f.feature not in used)
    if not data.features:
        return "No feature usage recorded."
    lines = [f"Used in the last {data.window.days} days: {_names(used)}"]
    if idle:
        lines.append(f"Not used lately: {_names(idle)}")
    return t.body("\n".join(lines))


def _names(names: list[str], limit: int = 6) -> str:
    shown = ", ".join(t.clip(n, 40) for n in names[:limit]) or "none"
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _derived(m: EngagementMetrics, data: PanelData) -> list[str]:
    if not m.daily_active_users:
        return ["Check that the group's users can sign in: no usage recorded in the window"]
    out = []
    if m.active_users.pct is not None and m.active_users.pct <= FALLING_PCT:
        fell = fmt(-m.active_users.pct, 0)
        out.append(f"Ask the practice manager what changed: active users fell {fell}%")
    if m.seat_utilization_pct is not None and m.seat_utilization_pct < 60:
        out.append("Share the list of inactive seats with the practice manager")
    idle_core = sorted(f.feature for f in data.features if f.tier == "core" and not f.uses)
    if idle_core:
        out.append(f"Demo {t.clip(idle_core[0], 40)} to the team: a core feature nobody uses")
    return out


def _chart(m: EngagementMetrics, score: GroupScore) -> ChartSpec | None:
    if not m.daily_active_users:
        return None
    users = m.active_users.current or 0
    return ChartSpec(
        name="active_users_sessions",
        kwargs={
            "days": [p.day for p in m.daily_active_users],
            "active_users": [p.value for p in m.daily_active_users],
            "sessions": [p.value for p in m.daily_sessions],
            "title": f"Active users and sessions, last {m.window_days} days",
        },
        alt_text=f"Daily active users and sessions of {score.name} over "
        f"{len(m.daily_active_users)} days: {fmt(users, 1)} users a day on average, peak "
        f"{m.peak_daily_active_users}, {t.count(m.sessions.current or 0)} sessions in all",
        title="Active users and sessions",
    )


def _headline(m: EngagementMetrics) -> str:
    if not m.daily_active_users:
        return f"No usage recorded in the last {m.window_days} days"
    text = f"*{fmt(m.active_users.current or 0, 1)} active users a day*"
    if m.active_users.pct is not None:
        text += f" · {t.signed_pct(m.active_users.pct)} vs previous {m.window_days} days"
    if m.seat_utilization_pct is not None:
        text += f" · {t.pct(m.seat_utilization_pct)} of {m.seats} seats"
    return text


def _rows(m: EngagementMetrics) -> tuple[dict[str, date | float], ...]:
    return tuple(
        {"day": u.day, "active_users": u.value, "sessions": s.value}
        for u, s in zip(m.daily_active_users, m.daily_sessions, strict=True)
    )


def build(data: PanelData, score: GroupScore) -> PanelView:
    """Usage against the previous window, week by week, features, and what to do about a drop."""
    m = engagement_metrics(data)
    insights = [t.clip(i, 300) for i in m.insights]
    return PanelView(
        title="Engagement",
        headline=_headline(m),
        facts=_facts(m, data) if m.daily_active_users else (),
        sections=(
            ("What moved", t.bullets(insights, empty="No usage to compare yet.")),
            ("Activity by week", _weeks(m)),
            ("Feature adoption", _features(data)),
        ),
        actions=steps(playbook(score, FactorId.ACTIVE_USERS_FALLING), _derived(m, data)),
        chart=_chart(m, score),
        export_rows=_rows(m),
    )
