"""Timeline panel: what happened with the account in the window, what is booked, milestones.

Counts are per kind (meeting, call, email, note, milestone); "touches" are the kinds the
churn factor counts (the config's `touch_kinds`: meetings and calls by default), so the timeline
and the risk agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from csbot.scoring.config import FactorRules
from csbot.scoring.panel_inputs import ActivityEntry, PanelData
from csbot.scoring.panels._common import Change, Count, plural

KIND_ORDER = ("meeting", "call", "email", "note", "milestone")


@dataclass(frozen=True)
class TimelineEvent:
    """An activity as the panels show it: no notes, only what it was and when."""

    when: datetime
    kind: str
    title: str
    subtype: str | None = None
    duration_minutes: int | None = None
    organizer: str | None = None
    attendees: tuple[str, ...] = ()
    upcoming: bool = False  # after the window's last day

    @property
    def day(self) -> date:
        return self.when.date()


@dataclass(frozen=True)
class TimelineMetrics:
    window_days: int
    by_kind: tuple[Count, ...]  # happened in the window, in KIND_ORDER
    touches: Change  # meetings and calls, this window against the previous one
    touch_minutes: int  # booked minutes of the window's meetings and calls
    last_touch: date | None
    days_since_touch: int | None
    events: tuple[TimelineEvent, ...]  # the window and what is booked after it, oldest first
    recent: tuple[TimelineEvent, ...]  # happened in the window, newest first
    upcoming: tuple[TimelineEvent, ...]  # booked after the window's end, soonest first
    milestones: tuple[TimelineEvent, ...]  # any date, oldest first
    insights: tuple[str, ...]

    @property
    def total(self) -> int:
        """Activities of any kind in the window."""
        return sum(c.count for c in self.by_kind)


def event_of(entry: ActivityEntry, as_of: date) -> TimelineEvent:
    return TimelineEvent(
        when=entry.occurred_at,
        kind=entry.kind,
        title=entry.title,
        subtype=entry.subtype,
        duration_minutes=entry.duration_minutes,
        organizer=entry.organizer,
        attendees=entry.attendees,
        upcoming=entry.occurred_at.date() > as_of,
    )


def events_of(data: PanelData, *, lookahead_days: int = 30) -> list[TimelineEvent]:
    """Every loaded activity up to `lookahead_days` after the window, oldest first."""
    as_of = data.window.as_of
    until = as_of + timedelta(days=lookahead_days)
    events = (event_of(a, as_of) for a in data.activities if a.occurred_at.date() <= until)
    return sorted(events, key=lambda e: e.when)


def _by_kind(events: list[TimelineEvent]) -> tuple[Count, ...]:
    counted = Counter(e.kind for e in events)
    kinds = [k for k in KIND_ORDER if k in counted] + sorted(set(counted) - set(KIND_ORDER))
    return tuple(Count(k, counted[k]) for k in kinds)


def _touches(events: list[TimelineEvent], rules: FactorRules) -> list[TimelineEvent]:
    """The CS touches: activities of the kinds the churn factor counts (`touch_kinds`)."""
    return [e for e in events if e.kind in rules.touch_kinds]


def _last_touch(data: PanelData, past: list[TimelineEvent], rules: FactorRules) -> date | None:
    """The later of the scoring input (all history) and what the loaded rows show."""
    days = [e.day for e in _touches(past, rules)]
    if data.inputs.last_touch is not None:
        days.append(data.inputs.last_touch)
    return max(days, default=None)


def _insights(m: TimelineMetrics, rules: FactorRules) -> tuple[str, ...]:
    out = []
    if m.touches.previous:
        out.append(m.touches.text("Meetings and calls", m.window_days, 0))
    if m.days_since_touch is None:
        out.append("No meeting or call on record")
    elif m.days_since_touch >= rules.no_cs_touch_days:
        out.append(f"No meeting or call for {m.days_since_touch} days")
    if m.upcoming:
        first = m.upcoming[0]
        out.append(f"Next: {first.title} on {first.day.day} {first.day:%b}")
    else:
        out.append("Nothing booked in the coming weeks")
    return tuple(out)


def timeline_metrics(
    data: PanelData, rules: FactorRules, *, lookahead_days: int = 30, recent: int = 8
) -> TimelineMetrics:
    """The timeline panel at the window's end; upcoming covers `lookahead_days` after it. What
    counts as a CS touch, and how long without one is worth saying, come from `rules`."""
    window = data.window
    events = events_of(data, lookahead_days=lookahead_days)
    now = [e for e in events if window.contains(e.day)]
    before = [e for e in events if window.previous().contains(e.day)]
    past = [e for e in events if not e.upcoming]
    last = _last_touch(data, past, rules)
    metrics = TimelineMetrics(
        window_days=window.days,
        by_kind=_by_kind(now),
        touches=Change(float(len(_touches(now, rules))), float(len(_touches(before, rules)))),
        touch_minutes=sum(e.duration_minutes or 0 for e in _touches(now, rules)),
        last_touch=last,
        days_since_touch=(window.as_of - last).days if last is not None else None,
        events=tuple(e for e in events if e.upcoming or window.contains(e.day)),
        recent=tuple(reversed(now))[:recent],
        upcoming=tuple(e for e in events if e.upcoming),
        milestones=tuple(e for e in events if e.kind == "milestone"),
        insights=(),
    )
    return replace(metrics, insights=_insights(metrics, rules))


def count_text(counts: tuple[Count, ...]) -> str:
    """'2 meetings, 1 call, 4 emails' (milestones as they are named)."""
    return ", ".join(plural(c.count, c.name) for c in counts) or "nothing"
