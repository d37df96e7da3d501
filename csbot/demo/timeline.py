"""The demo timeline: meetings, calls, emails, notes, milestones, and a few scheduled meetings.

Columns out like `usage`. Each kind of event recurs at random gaps from the start of a
group's history; falling groups have had no meeting or call for the last 35-50 days and have
nothing booked, the others have a check-in booked within two weeks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from csbot.demo import catalog as cat
from csbot.demo.columns import GroupColumns, Ints, micros, rows_per_group, within_group
from csbot.demo.profile import Archetype, add_years
from csbot.demo.rng import Draws

Block = dict[str, Any]
A = Archetype
_KINDS = ("call", "email", "meeting", "milestone", "note")


@dataclass
class _Events:
    """Events gathered kind by kind before they are sorted into each group's timeline."""

    group: list[Ints] = field(default_factory=list)
    day: list[Ints] = field(default_factory=list)
    key: list[Ints] = field(default_factory=list)  # the draw key of the event's own values
    kind: list[str] = field(default_factory=list)
    subtype: list[str | None] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    minutes: list[int | None] = field(default_factory=list)

    def add(self, g: Ints, day: Ints, key: Ints, kind: str, subtype: str | None,
            titles: list[str], minutes: list[int | None]) -> None:  # fmt: skip
        self.group.append(g)
        self.day.append(day)
        self.key.append(key)
        self.kind += [kind] * len(g)
        self.subtype += [subtype] * len(g)
        self.title += titles
        self.minutes += minutes


def _every(groups: GroupColumns, draws: Draws, slot: int, start: Ints, end: int,
           gap: tuple[Ints, Ints]) -> tuple[Ints, Ints, Ints]:  # fmt: skip
    """(group, day, number) of events from near `start` to before `end`, `gap` days apart."""
    low, high = gap
    g, k = rows_per_group(np.maximum(0, (end - start) // low + 2))
    index = groups.index[g]
    step = np.where(k == 0, draws.integers(0, high[g], index, slot, k),
                    draws.integers(low[g], high[g], index, slot, k))  # fmt: skip
    day = start[g] + within_group(g, step)
    keep = day < end
    return g[keep], day[keep], k[keep]


def _recurring(groups: GroupColumns, draws: Draws, events: _Events, end: int) -> None:
    n, start = len(groups), groups.usage_start
    heavy = groups.isa(A.SUPPORT_HEAVY)

    def gap(low: int | Ints, high: int | Ints) -> tuple[Ints, Ints]:
        return np.broadcast_to(low, n).astype(np.int64), np.broadcast_to(high, n).astype(np.int64)

    def pick(options: tuple[Any, ...], g: Ints, k: Ints, slot: int) -> list[Any]:
        return [options[i] for i in draws.choice(options, groups.index[g], slot, k, 1).tolist()]

    kinds = [
        (1, "meeting", "check-in", ("Monthly check-in",), (30,), gap(26, 35), None),
        (2, "meeting", "qbr", ("Quarterly business review",), (60,), gap(85, 95), None),
        (3, "call", "follow-up", cat.CALL_TITLES, (15, 20, 30),
         gap(np.where(heavy, 5, 10), np.where(heavy, 9, 20)), None),
        (4, "call", "onboarding", ("Weekly onboarding sync",), (30,), gap(7, 7), groups.phase >= 0),
        (5, "email", None, cat.EMAIL_TITLES, (None,), gap(5, 10), None),
        (6, "note", None, cat.NOTE_TITLES, (None,), gap(20, 40), None),
    ]  # fmt: skip
    for slot, kind, subtype, titles, minutes, gaps, only in kinds:
        g, day, k = _every(groups, draws, slot, start, end, gaps)
        if only is not None:
            g, day, k = g[only[g]], day[only[g]], k[only[g]]
        events.add(g, day, slot * 100_000 + k, kind, subtype, pick(titles, g, k, slot),
                   pick(minutes, g, k, slot + 10))  # fmt: skip


def _milestones(groups: GroupColumns, events: _Events, end: int) -> None:
    rows: list[tuple[int, int, int, str]] = []
    for position, spec in enumerate(groups.specs):
        marks = [(spec.contract_start, "Contract signed"), (spec.go_live_date, "Went live")]
        marks += [
            (add_years(spec.contract_start, y), "Renewed for another year") for y in (1, 2, 3, 4)
        ]
        rows += [(position, d.toordinal(), 900_000 + n, t) for n, (d, t) in enumerate(marks)
                 if spec.usage_start <= d and d.toordinal() < end]  # fmt: skip
    g, day, key = (np.array([r[i] for r in rows], dtype=np.int64) for i in range(3))
    titles = [r[3] for r in rows]
    events.add(g, day, key, "milestone", None, titles, [None] * len(titles))


def _scheduled(groups: GroupColumns, draws: Draws, events: _Events, end: int) -> None:
    """Meetings booked after `as_of`; none for groups that have gone quiet."""
    active = np.flatnonzero(~groups.isa(A.DECLINING, A.COLLAPSING))
    index = groups.index[active]
    check_in = end + draws.integers(1, 14, index, 7, 0)
    events.add(active, check_in, np.full(len(active), 800_000), "meeting", "check-in",
               ["Monthly check-in"] * len(active), [30] * len(active))  # fmt: skip
    onboarding = active[groups.phase[active] >= 0]
    events.add(onboarding, groups.go_live[onboarding] - 3, np.full(len(onboarding), 800_001),
               "meeting", "go-live", ["Go-live readiness review"] * len(onboarding),
               [45] * len(onboarding))  # fmt: skip
    live = active[(groups.phase[active] < 0) & (draws.random(index, 7, 1) < 0.5)]
    qbr = end + draws.integers(15, 45, groups.index[live], 7, 2)
    events.add(live, qbr, np.full(len(live), 800_002), "meeting", "qbr",
               ["Quarterly business review"] * len(live), [60] * len(live))  # fmt: skip


def activity_rows(groups: GroupColumns, people: list[list[str]], *, seed: int,
                  as_of: date) -> Block:  # fmt: skip
    """The timeline of each group in the batch; `people` are its contacts' names."""
    draws, end, events = Draws(seed, "activity"), as_of.toordinal(), _Events()
    _recurring(groups, draws, events, end)
    _milestones(groups, events, end)
    _scheduled(groups, draws, events, end)
    g, day, key = (np.concatenate(c) for c in (events.group, events.day, events.key))
    quiet = draws.integers(35, 50, groups.index, 8, 0)
    talk = np.isin(np.array(events.kind), ("meeting", "call"))
    silent = groups.isa(A.DECLINING, A.COLLAPSING)[g] & talk & (day < end) & (end - day <= quiet[g])
    kind_code = np.array([_KINDS.index(k) for k in events.kind])
    ranked = np.lexsort((key, kind_code, day, g))
    order = ranked[~silent[ranked]]
    return _rows(groups, events, people, draws, order, g, day, key)


def _rows(groups: GroupColumns, events: _Events, people: list[list[str]], draws: Draws,
          order: Ints, g: Ints, day: Ints, key: Ints) -> Block:  # fmt: skip
    g, day, key = g[order], day[order], key[order]
    index = groups.index[g]
    _, number = rows_per_group(np.bincount(g, minlength=len(groups)))
    picked = order.tolist()
    kinds = [events.kind[i] for i in picked]
    attendees, last = _attendees(groups, people, draws, g, index, key)
    return {
        "group_id": groups.ids[g],
        "kind": kinds,
        "subtype": [events.subtype[i] for i in picked],
        "title": [events.title[i] for i in picked],
        "occurred_at": micros(day, draws.uniform(14, 21, index, key, 23)),
        "duration_minutes": [events.minutes[i] for i in picked],
        "organizer": [groups.specs[x].csm.slack_id for x in g.tolist()],
        "attendees": attendees,
        "notes": [None if kind == "milestone" else f"{events.title[i]} with {who}."
                  for kind, i, who in zip(kinds, picked, last, strict=True)],
        "source": "demo",
        "external_id": [f"{groups.specs[x].external_id}-A{n + 1:05d}"
                        for x, n in zip(g.tolist(), number.tolist(), strict=True)],
    }  # fmt: skip


def _attendees(groups: GroupColumns, people: list[list[str]], draws: Draws, g: Ints,
               index: Ints, key: Ints) -> tuple[list[str], list[str]]:  # fmt: skip
    """Each event's attendees as JSON (the group's CSM, then one or two of its people) and the
    last of them: picked a column at a time from all the batch's people in one flat list."""
    sizes = np.array([len(names) for names in people], dtype=np.int64)
    first = np.cumsum(sizes) - sizes
    quoted = [json.dumps(name) for names in people for name in names]
    flat = [name for names in people for name in names]
    size = sizes[g]
    one = (draws.random(index, key, 21) * size).astype(np.int64)
    other = (one + 1 + (draws.random(index, key, 22) * (size - 1)).astype(np.int64)) % np.maximum(
        size, 1
    )
    two = (draws.integers(1, 2, index, key, 20) == 2) & (size > 1)
    at_one, at_other = (first[g] + one).tolist(), (first[g] + other).tolist()
    csm = [json.dumps(spec.csm.name) for spec in groups.specs]
    attendees = [
        f"[{csm[x]}, {quoted[a]}, {quoted[b]}]" if both else f"[{csm[x]}, {quoted[a]}]"
        for x, a, b, both in zip(g.tolist(), at_one, at_other, two.tolist(), strict=True)
    ]
    last = [flat[b] if both else flat[a]
            for a, b, both in zip(at_one, at_other, two.tolist(), strict=True)]  # fmt: skip
    return attendees, last
