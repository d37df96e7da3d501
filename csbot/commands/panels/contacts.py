"""The contacts panel: the group's people and our team with one-click email and phone links,
who was reached lately, and the meetings booked. No chart: a directory is not a number.

Links are built only from values that look like what they claim to be; anything else shows as
escaped text, so a stored value can never inject a link or a mention. People are named, never
mentioned: a Slack mention would notify them whenever anyone opened the card.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from csbot.commands.panels import _text as t
from csbot.commands.panels._steps import steps
from csbot.commands.panels.base import Fact, PanelView
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.panels import ContactMetrics, contact_metrics, plural
from csbot.scoring.panels.contacts import ContactStatus
from csbot.scoring.panels.timeline import TimelineEvent
from csbot.scoring.types import GroupScore

__all__ = ["build", "email_link", "phone_link"]

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?[0-9 ().-]{7,25}")


def email_link(email: str) -> str:
    """'<mailto:a@b.example|email>', or the escaped text when it is not an address."""
    email = email.strip()
    if _EMAIL.fullmatch(email) and len(email) <= 200:
        return f"<mailto:{email}|email>"
    return t.clip(email, 60)


def phone_link(phone: str) -> str:
    """'<tel:4155550101|(415) 555-0101>', or the escaped text when it is not a number."""
    phone = " ".join(phone.split())
    digits = re.sub(r"[^0-9+]", "", phone)
    if _PHONE.fullmatch(phone) and 7 <= len(digits.lstrip("+")) <= 16:
        return f"<tel:{digits}|{phone}>"
    return t.clip(phone, 40)


def _links(p: ContactStatus) -> list[str]:
    links = []
    if p.email:
        links.append(email_link(p.email))
    if p.phone:
        links.append(phone_link(p.phone))
    return links


def _person(p: ContactStatus, as_of_label: str) -> str:
    name = f"*{t.clip(p.name, 60)}*" + (" (primary)" if p.primary else "")
    parts = [name, t.clip(p.role, 60), *_links(p)]
    if not p.internal:
        parts.append(as_of_label)
    return " · ".join(parts)


def _last(p: ContactStatus) -> str:
    text = f"last contact {t.short_day(p.last_contact)}" if p.last_contact else "no contact yet"
    return text + (f", meeting {t.short_day(p.next_meeting)}" if p.next_meeting else "")


def _event(e: TimelineEvent, names: Mapping[str, str]) -> str:
    who = ", ".join(t.who(a, names) for a in e.attendees[:4])
    more = f" +{len(e.attendees) - 4}" if len(e.attendees) > 4 else ""
    parts = [t.short_day(e.day), e.kind.capitalize(), t.clip(e.title, 70)]
    return " · ".join(parts + ([who + more] if who else []))


def _facts(m: ContactMetrics) -> tuple[Fact, ...]:
    primary, csm = m.primary, m.csm
    reached = len(m.people) - len(m.not_reached)
    last = max((p.last_contact for p in m.people if p.last_contact), default=None)
    nxt = m.upcoming[0] if m.upcoming else None
    return (
        Fact("Primary contact", _name_role(primary) if primary else "none named"),
        Fact("Our CSM", _name_role(csm, role=False) if csm else "none assigned"),
        Fact("People at the group", str(len(m.people))),
        Fact("Our team", str(len(m.team))),
        Fact(f"Reached, {m.window_days} days", f"{reached} of {len(m.people)}"),
        Fact("Last contact", t.day(last, none="none on record")),
        Fact(
            "Next meeting",
            f"{t.short_day(nxt.day)} · {t.clip(nxt.title, 40)}" if nxt else "none booked",
        ),
    )


def _name_role(p: ContactStatus, *, role: bool = True) -> str:
    return t.clip(p.name, 60) + (f", {t.clip(p.role, 40)}" if role else "")


def _derived(m: ContactMetrics) -> list[str]:
    if not m.people and not m.team:
        return ["Add the group's practice manager and our CSM as contacts"]
    out = []
    if m.people and m.primary is None:
        out.append("Name a primary contact at the group")
    for p in [p for p in m.not_reached if p.next_meeting is None][:2]:
        since = f"since {t.short_day(p.last_contact)}" if p.last_contact else "on record"
        out.append(f"Reach out to {_name_role(p)}: no contact {since}")
    if not m.upcoming and m.people:
        who = m.primary or m.people[0]
        out.append(f"Book the next meeting with {t.clip(who.name, 60)}")
    if not m.team:
        out.append("Assign a CSM to this group")
    return out


def _headline(m: ContactMetrics) -> str:
    if not m.people and not m.team:
        return "No contacts on record"
    text = f"*{plural(len(m.people), 'person', 'people')} at the group*"
    if m.primary:
        text += f" · primary {_name_role(m.primary)}"
    if m.csm:
        text += f" · CSM {t.clip(m.csm.name, 60)}"
    return text


def _sections(m: ContactMetrics, names: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    if not m.people and not m.team:
        return (("People", "No contacts on record yet."),)
    people = [_person(p, _last(p)) for p in m.people]
    team = [_person(p, "") for p in m.team]
    quiet = f"None in the last {m.window_days} days."
    return (
        ("What stands out", t.bullets([t.clip(i, 300) for i in m.insights], empty="Nothing.")),
        ("The group's people", t.bullets(people, limit=8, empty="None on record.")),
        ("Our team", t.bullets(team, limit=8, empty="No one assigned.")),
        ("Recent communications", t.bullets([_event(e, names) for e in m.recent], empty=quiet)),
        (
            "Upcoming meetings",
            t.bullets([_event(e, names) for e in m.upcoming], empty="None booked."),
        ),
    )


def build(data: PanelData, score: GroupScore) -> PanelView:
    """People with quick-contact links, recent communications, booked meetings, gaps."""
    m = contact_metrics(data)
    return PanelView(
        title="Contacts",
        headline=_headline(m),
        facts=_facts(m) if m.people or m.team else (),
        sections=_sections(m, t.names_by_slack_id(data.contacts)),
        actions=steps(_derived(m)),
        chart=None,
        log_buttons=True,
        export_rows=tuple(
            {
                "name": p.name,
                "role": p.role,
                "internal": p.internal,
                "primary": p.primary,
                "last_contact": p.last_contact,
            }
            for p in (*m.people, *m.team)
        ),
    )
