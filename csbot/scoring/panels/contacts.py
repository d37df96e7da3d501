"""Contacts panel: the group's people and our team, who we have spoken to lately, what is booked.

A person counts as reached when they attended a meeting or call, or were on an email, in the
window; attendees are matched to contacts by name (case and spacing ignored).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from csbot.scoring.panel_inputs import ContactEntry, PanelData
from csbot.scoring.panels._common import plural
from csbot.scoring.panels.timeline import TimelineEvent, events_of

COMMUNICATION_KINDS = ("meeting", "call", "email")


@dataclass(frozen=True)
class ContactStatus:
    name: str
    role: str
    internal: bool
    primary: bool
    email: str | None
    phone: str | None
    slack_user_id: str | None
    last_contact: date | None  # latest communication they were part of, up to the window's end
    contacts_in_window: int
    next_meeting: date | None


@dataclass(frozen=True)
class ContactMetrics:
    window_days: int
    people: tuple[ContactStatus, ...]  # the group's, primary first, then by name
    team: tuple[ContactStatus, ...]  # ours, primary (the CSM) first, then by name
    recent: tuple[TimelineEvent, ...]  # meetings, calls and emails in the window, newest first
    upcoming: tuple[TimelineEvent, ...]  # meetings and calls booked, soonest first
    not_reached: tuple[ContactStatus, ...]  # the group's people with nothing in the window
    insights: tuple[str, ...]

    @property
    def primary(self) -> ContactStatus | None:
        return next((p for p in self.people if p.primary), None)

    @property
    def csm(self) -> ContactStatus | None:
        """Our primary person for the group: the internal contact marked primary."""
        return next((p for p in self.team if p.primary), None)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _involved(contact: ContactEntry, event: TimelineEvent) -> bool:
    names = {_key(a) for a in event.attendees}
    if _key(contact.name) in names:
        return True
    return contact.slack_user_id is not None and event.organizer == contact.slack_user_id


def _status(contact: ContactEntry, talks: list[TimelineEvent], data: PanelData) -> ContactStatus:
    mine = [e for e in talks if _involved(contact, e)]
    past = [e.day for e in mine if not e.upcoming]
    booked = [e.day for e in mine if e.upcoming and e.kind != "email"]
    return ContactStatus(
        name=contact.name,
        role=contact.role,
        internal=contact.internal,
        primary=contact.primary,
        email=contact.email,
        phone=contact.phone,
        slack_user_id=contact.slack_user_id,
        last_contact=max(past, default=None),
        contacts_in_window=sum(1 for d in past if data.window.contains(d)),
        next_meeting=min(booked, default=None),
    )


def _ordered(people: list[ContactStatus]) -> tuple[ContactStatus, ...]:
    return tuple(sorted(people, key=lambda p: (not p.primary, _key(p.name))))


def _insights(m: ContactMetrics) -> tuple[str, ...]:
    if not m.people and not m.team:
        return ("No contacts on record",)
    out = []
    if m.people and m.primary is None:
        out.append("No primary contact named at the group")
    if m.not_reached:
        out.append(
            f"{len(m.not_reached)} of {plural(len(m.people), 'person', 'people')} at the group "
            f"not reached in the last {m.window_days} days"
        )
    if not m.team:
        out.append("No one on our side is assigned to this group")
    if not m.upcoming:
        out.append("No meeting booked")
    return tuple(out)


def contact_metrics(
    data: PanelData, *, lookahead_days: int = 30, recent: int = 5
) -> ContactMetrics:
    """The contacts panel at the window's end."""
    events = events_of(data, lookahead_days=lookahead_days)
    talks = [e for e in events if e.kind in COMMUNICATION_KINDS]
    statuses = [_status(c, talks, data) for c in data.contacts]
    people = _ordered([s for s in statuses if not s.internal])
    in_window = [e for e in talks if not e.upcoming and data.window.contains(e.day)]
    metrics = ContactMetrics(
        window_days=data.window.days,
        people=people,
        team=_ordered([s for s in statuses if s.internal]),
        recent=tuple(reversed(in_window))[:recent],
        upcoming=tuple(e for e in talks if e.upcoming and e.kind != "email"),
        not_reached=tuple(p for p in people if not p.contacts_in_window),
        insights=(),
    )
    return replace(metrics, insights=_insights(metrics))
