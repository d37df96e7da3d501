"""The timeline panel: the account's meetings, calls, emails, notes and milestones in the window,
what is booked next, and how contact compares with the window before. The chart puts every
activity on a time axis, one row per kind; the card has the Log buttons.

Only titles reach the card, never an activity's notes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from csbot.commands.panels import _text as t
from csbot.commands.panels._steps import playbook, steps
from csbot.commands.panels.base import Fact, PanelView
from csbot.scoring.config import FactorId
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.panels import plural
from csbot.scoring.panels.timeline import (
    TimelineEvent,
    TimelineMetrics,
    count_text,
    timeline_metrics,
)
from csbot.scoring.types import GroupScore
from csbot.slack.render import ChartSpec

__all__ = ["build"]


def _kind(e: TimelineEvent) -> str:
    kind = e.kind.capitalize()
    return f"{kind} ({t.clip(e.subtype, 30)})" if e.subtype else kind


def _line(e: TimelineEvent) -> str:
    parts = [t.short_day(e.day), _kind(e), t.clip(e.title, 80)]
    if e.duration_minutes:
        parts.append(f"{e.duration_minutes} min")
    if e.attendees:
        parts.append(plural(len(e.attendees), "attendee"))
    return " · ".join(parts)


def _milestone(e: TimelineEvent) -> str:
    planned = "planned " if e.upcoming else ""
    return f"{planned}{t.day(e.day)} · {t.clip(e.title, 80)}"


def _facts(m: TimelineMetrics, as_of: date) -> tuple[Fact, ...]:
    counts = {c.name: c.count for c in m.by_kind}
    before = m.touches.previous
    touches = f"{t.count(m.touches.current or 0)}"
    if before is not None:
        touches += f" ({t.count(before)} the {m.window_days} days before)"
    nxt = m.upcoming[0] if m.upcoming else None
    return (
        Fact("Meetings", str(counts.get("meeting", 0))),
        Fact("Calls", str(counts.get("call", 0))),
        Fact("Emails", str(counts.get("email", 0))),
        Fact("Notes", str(counts.get("note", 0))),
        Fact("Meetings and calls", touches),
        Fact("Time in meetings and calls", t.hours(m.touch_minutes / 60)),
        Fact("Last CS touch", t.days_ago(m.last_touch, as_of)),
        Fact("Next booked", f"{t.days_ago(nxt.day, as_of)}" if nxt else "nothing booked"),
        Fact("Milestones", str(len([e for e in m.milestones if not e.upcoming]))),
    )


def _derived(
    m: TimelineMetrics, data: PanelData, score: GroupScore, *, quiet_step: bool
) -> list[str]:
    """`quiet_step`: the playbook has no step for a quiet account, so say one here. Quiet and
    renewing soon mean what the churn factors mean by them (the score's config)."""
    out, rules, as_of = [], score.config.factors, score.as_of
    quiet = m.days_since_touch is None or m.days_since_touch >= rules.no_cs_touch_days
    if quiet_step and quiet:
        since = f"for {m.days_since_touch} days" if m.days_since_touch is not None else "on record"
        out.append(f"Book a check-in call this week: no meeting or call {since}")
    if not m.upcoming:
        out.append("Book the next check-in: nothing is on the calendar")
    renewal = data.profile.renewal_date
    reviews = [e for e in m.upcoming if e.subtype in ("qbr", "renewal")]
    if renewal and 0 <= (renewal - as_of).days <= rules.renewal_soon_days and not reviews:
        out.append(f"Book a renewal review before {t.day(renewal)}")
    return out


def _actions(m: TimelineMetrics, data: PanelData, score: GroupScore) -> tuple[str, ...]:
    first = playbook(score, FactorId.NO_CS_TOUCH)
    return steps(first, _derived(m, data, score, quiet_step=not first))


def _booked(n: int) -> str:
    return f"{plural(n, 'activity', 'activities')} booked" if n else "nothing booked"


def _chart(m: TimelineMetrics, score: GroupScore) -> ChartSpec | None:
    if not m.events:
        return None
    booked = len(m.upcoming)
    return ChartSpec(
        name="timeline",
        kwargs={
            "events": [(e.when, e.kind, " ".join(e.title.split())) for e in m.events],
            "now": datetime.combine(score.as_of, time(23, 59), tzinfo=UTC),  # all of today past
            "title": f"Account timeline, last {m.window_days} days and what is booked",
        },
        alt_text=f"Timeline of {score.name}: {count_text(m.by_kind)} in the last "
        f"{m.window_days} days, and {_booked(booked)}",
        title="Account timeline",
    )


def _headline(m: TimelineMetrics, as_of: date) -> str:
    if not m.total:
        text = f"*No activity logged in the last {m.window_days} days*"
    else:
        text = f"*{plural(m.total, 'activity', 'activities')} in {m.window_days} days*"
    text += f" · last CS touch {t.days_ago(m.last_touch, as_of)}"
    if m.upcoming:
        nxt = m.upcoming[0]
        text += f" · next: {t.clip(nxt.title, 60)} on {t.short_day(nxt.day)}"
    return text


def _rows(m: TimelineMetrics) -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "when": e.when,
            "kind": e.kind,
            "subtype": e.subtype,
            "title": e.title,
            "minutes": e.duration_minutes,
            "upcoming": e.upcoming,
        }
        for e in m.events
    )


def build(data: PanelData, score: GroupScore) -> PanelView:
    """Activity in the window, what is booked, milestones, and when to get in touch."""
    rules = score.config.factors
    m = timeline_metrics(data, rules, recent=len(data.activities))  # the card says "and N more"
    as_of = data.window.as_of
    insights = [t.clip(i, 300) for i in m.insights]
    return PanelView(
        title="Timeline",
        headline=_headline(m, as_of),
        facts=_facts(m, as_of),
        sections=(
            ("What moved", t.bullets(insights)),
            (
                "Recent activity",
                t.bullets(
                    [_line(e) for e in m.recent],
                    limit=8,
                    empty=f"Nothing logged in the last {m.window_days} days.",
                ),
            ),
            ("Coming up", t.bullets([_line(e) for e in m.upcoming], empty="Nothing booked.")),
            (
                "Milestones",
                t.bullets(
                    [_milestone(e) for e in reversed(m.milestones)],
                    empty="No milestones on record.",
                ),
            ),
        ),
        actions=_actions(m, data, score),
        chart=_chart(m, score),
        log_buttons=True,
        export_rows=_rows(m),
    )
