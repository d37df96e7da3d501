"""Demo rows around the numbers: feature adoption, onboarding, timeline, contacts and plans.

Pure functions like those in `demo_usage`: plain dicts out, keys = column names. Past events
lie before `as_of`; only scheduled meetings (and open due dates) lie after it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from csbot.store import demo_catalog as cat
from csbot.store.demo_profile import Archetype, GroupSpec, add_years, at, group_rng
from csbot.store.demo_profile import onboarding_schedule as schedule

Row = dict[str, Any]
A = Archetype
_QUIET = (A.DECLINING, A.COLLAPSING)  # no meeting or call logged for the last 35-50 days

_ADOPTION = {  # chance a core / an advanced feature is in use
    A.THRIVING: (1.0, 0.75), A.STEADY: (0.9, 0.3), A.DECLINING: (0.9, 0.45),
    A.COLLAPSING: (0.85, 0.3), A.ONBOARDING: (0.5, 0.0), A.SUPPORT_HEAVY: (0.8, 0.2),
    A.DETRACTOR: (0.85, 0.25),
}  # fmt: skip


def _idle_days(spec: GroupSpec, tier: str, rng: random.Random) -> int:
    """Days since a feature in use was last used: declining groups drop advanced features."""
    if spec.archetype is A.COLLAPSING:
        return rng.randint(28, 50)
    if spec.archetype is A.DECLINING and tier == "advanced":
        return rng.randint(25, 55)
    return rng.randint(0, 3)


def feature_rows(spec: GroupSpec, group_id: int, *, seed: int, as_of: date) -> list[Row]:
    """One row per catalog feature; unused features have no dates and zero uses."""
    rng = group_rng(seed, spec.index, "features")
    start = spec.contract_start + timedelta(days=7)
    rows = []
    for feature, tier in cat.FEATURES:
        row: Row = {"group_id": group_id, "feature": feature, "tier": tier,
                    "first_used": None, "last_used": None, "uses": 0}  # fmt: skip
        core, advanced = _ADOPTION[spec.archetype]
        if rng.random() < (core if tier == "core" else advanced):
            first = start + timedelta(days=rng.randint(0, max(0, min(120, (as_of - start).days))))
            last = max(first, as_of - timedelta(days=_idle_days(spec, tier, rng)))
            per_day = spec.seats * (1.5 if tier == "core" else 0.3) * rng.uniform(0.5, 1.2)
            uses = max(1, round(((last - first).days + 1) * per_day))
            row.update(first_used=first, last_used=last, uses=uses)
        rows.append(row)
    return rows


def _task_done_at(
    spec: GroupSpec, rng: random.Random, phase_no: int, due: date, as_of: date
) -> datetime | None:
    """Mature groups finished long ago; onboarding ones lag, leaving overdue items."""
    done = due + timedelta(days=rng.randint(-3, 2))
    if spec.onboarding_phase is None:
        return at(done, rng.uniform(14, 22))
    current = cat.ONBOARDING_PHASES.index(spec.onboarding_phase)
    finished = (phase_no < current and rng.random() < 0.85) or (phase_no == current and due < as_of)
    if not finished or (phase_no == current and rng.random() < 0.6):
        return None
    return at(min(done, as_of - timedelta(days=1)), rng.uniform(14, 22))


def onboarding_rows(spec: GroupSpec, group_id: int, *, seed: int, as_of: date) -> list[Row]:
    """Every phase's tasks and training modules; at least one overdue item while onboarding."""
    rng = group_rng(seed, spec.index, "onboarding")
    rows: list[Row] = []
    order = 0
    for phase_no, (phase, first, last) in enumerate(schedule(spec.contract_start)):
        items = cat.ONBOARDING_PLAN[phase][1]
        for k, (name, kind) in enumerate(items):
            due = first + timedelta(days=round((last - first).days * (k + 1) / len(items)))
            done_at = _task_done_at(spec, rng, phase_no, due, as_of)
            order += 1
            rows.append({"group_id": group_id, "phase": phase, "name": name, "kind": kind,
                         "sort_order": order, "due": due, "done_at": done_at,
                         "owner": spec.csm.slack_id if kind == "task" else None})  # fmt: skip
    if spec.onboarding_phase is not None:  # the last item before the current phase lags
        lagging = [r for r in rows if r["phase"] != spec.onboarding_phase and r["due"] < as_of]
        lagging[-1]["done_at"] = None
    return rows


def _contact(group_id: int, name: str, role: str, **extra: Any) -> Row:
    row: Row = {"group_id": group_id, "name": name, "role": role, "internal": False,
                "email": None, "phone": None, "slack_user_id": None, "primary": False}  # fmt: skip
    row.update(extra)
    return row


def _internal(group_id: int, person: cat.Person, role: str, primary: bool) -> Row:
    email = person.name.lower().replace(" ", ".") + "@" + cat.INTERNAL_DOMAIN
    return _contact(group_id, person.name, role, internal=True, email=email,
                    slack_user_id=person.slack_id, primary=primary)  # fmt: skip


def contact_rows(spec: GroupSpec, group_id: int, *, seed: int) -> list[Row]:
    """3-5 of the group's people (fictional, 555 numbers) and our CSM, support engineer and AE."""
    rng = group_rng(seed, spec.index, "contacts")
    roles = ("Practice Manager", *rng.sample(cat.GROUP_ROLES[1:], rng.randint(2, 4)))
    domain = spec.slug[:40] + ".example.com"
    rows, used = [], set()
    for role in roles:
        first, last = rng.choice(cat.FIRST_NAMES), rng.choice(cat.LAST_NAMES)
        while f"{first} {last}" in used:
            first, last = rng.choice(cat.FIRST_NAMES), rng.choice(cat.LAST_NAMES)
        used.add(f"{first} {last}")
        phone = f"({rng.choice(cat.AREA_CODES)}) 555-01{rng.randint(0, 99):02d}"
        rows.append(_contact(group_id, f"{first} {last}", role, primary=role == roles[0],
                             email=f"{first}.{last}@{domain}".lower(), phone=phone))  # fmt: skip
    rows.append(_internal(group_id, spec.csm, "Customer Success Manager", True))
    rows.append(_internal(group_id, rng.choice(cat.SUPPORT_ENGINEERS), "Support Engineer", False))
    rows.append(_internal(group_id, rng.choice(cat.ACCOUNT_EXECUTIVES), "Account Executive", False))
    return rows


def _every(rng: random.Random, first: date, last: date, gap: tuple[int, int]) -> list[date]:
    """Days from near `first` to before `last`, `gap` days apart (randomly within the range)."""
    day, out = first + timedelta(days=rng.randint(0, gap[1])), []
    while day < last:
        out.append(day)
        day += timedelta(days=rng.randint(*gap))
    return out


Event = tuple[date, str, str | None, str, int | None]  # day, kind, subtype, title, minutes


def _past_events(spec: GroupSpec, rng: random.Random, as_of: date) -> list[Event]:
    """What was logged in the history, before `as_of`."""
    s, e, ev = spec.usage_start, as_of, list[Event]()
    for day in _every(rng, s, e, (26, 35)):
        ev.append((day, "meeting", "check-in", "Monthly check-in", 30))
    for day in _every(rng, s, e, (85, 95)):
        ev.append((day, "meeting", "qbr", "Quarterly business review", 60))
    call_gap = (5, 9) if spec.archetype is A.SUPPORT_HEAVY else (10, 20)
    for day in _every(rng, s, e, call_gap):
        ev.append((day, "call", "follow-up", rng.choice(cat.CALL_TITLES), rng.choice((15, 20, 30))))
    if spec.onboarding_phase is not None:
        for day in _every(rng, s, e, (7, 7)):
            ev.append((day, "call", "onboarding", "Weekly onboarding sync", 30))
    for day in _every(rng, s, e, (5, 10)):
        ev.append((day, "email", None, rng.choice(cat.EMAIL_TITLES), None))
    for day in _every(rng, s, e, (20, 40)):
        ev.append((day, "note", None, rng.choice(cat.NOTE_TITLES), None))
    milestones = [(spec.contract_start, "Contract signed"), (spec.go_live_date, "Went live")]
    for years in range(1, 5):
        milestones.append((add_years(spec.contract_start, years), "Renewed for another year"))
    ev += [(d, "milestone", None, t, None) for d, t in milestones if s <= d < e]
    quiet = rng.randint(35, 50) if spec.archetype in _QUIET else 0
    return [x for x in ev if x[1] not in ("meeting", "call") or (as_of - x[0]).days > quiet]


def _scheduled(spec: GroupSpec, rng: random.Random, as_of: date) -> list[Event]:
    """Meetings booked after `as_of`; none for groups that have gone quiet."""
    if spec.archetype in _QUIET:
        return []
    check_in = as_of + timedelta(days=rng.randint(1, 14))
    ev: list[Event] = [(check_in, "meeting", "check-in", "Monthly check-in", 30)]
    if spec.onboarding_phase is not None:
        review = spec.go_live_date - timedelta(days=3)
        ev.append((review, "meeting", "go-live", "Go-live readiness review", 45))
    elif rng.random() < 0.5:
        qbr = as_of + timedelta(days=rng.randint(15, 45))
        ev.append((qbr, "meeting", "qbr", "Quarterly business review", 60))
    return ev


def activity_rows(
    spec: GroupSpec, group_id: int, people: list[str], *, seed: int, as_of: date
) -> list[Row]:
    """The timeline: meetings, calls, emails, notes, milestones, and a few scheduled meetings."""
    rng = group_rng(seed, spec.index, "activity")
    events = sorted(_past_events(spec, rng, as_of) + _scheduled(spec, rng, as_of))
    rows = []
    for n, (day, kind, subtype, title, minutes) in enumerate(events, start=1):
        attendees = [spec.csm.name, *rng.sample(people, min(len(people), rng.randint(1, 2)))]
        rows.append({"group_id": group_id, "kind": kind, "subtype": subtype, "title": title,
                     "occurred_at": at(day, rng.uniform(14, 21)), "duration_minutes": minutes,
                     "organizer": spec.csm.slack_id, "attendees": attendees,
                     "notes": None if kind == "milestone" else f"{title} with {attendees[-1]}.",
                     "source": "demo", "external_id": f"{spec.external_id}-A{n:05d}",
                     "submission_key": None, "reminded_at": None})  # fmt: skip
    return rows
