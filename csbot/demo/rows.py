"""Demo rows around the numbers: feature adoption, onboarding, contacts and the timeline.

Pure functions like those in `usage`: columns out (days as ordinals, times as
microseconds; -1 for none). Past events lie before `as_of`; only scheduled meetings (and open
due dates) lie after it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from csbot.demo import catalog as cat
from csbot.demo.columns import ARCHETYPES, GroupColumns, Ints, micros, rows_per_group
from csbot.demo.profile import Archetype
from csbot.demo.rng import Draws

Block = dict[str, Any]
A = Archetype

_ADOPTION = {  # chance a core / an advanced feature is in use
    A.THRIVING: (1.0, 0.75), A.STEADY: (0.9, 0.3), A.DECLINING: (0.9, 0.45),
    A.COLLAPSING: (0.85, 0.3), A.ONBOARDING: (0.5, 0.0), A.SUPPORT_HEAVY: (0.8, 0.2),
    A.DETRACTOR: (0.85, 0.25),
}  # fmt: skip


def _grid(groups: GroupColumns, width: int) -> tuple[Ints, Ints]:
    """Every (group, column) pair of a groups x `width` grid, group-major."""
    g = np.repeat(np.arange(len(groups), dtype=np.int64), width)
    return g, np.tile(np.arange(width, dtype=np.int64), len(groups))


def feature_rows(groups: GroupColumns, *, seed: int, as_of: date) -> Block:
    """One row per catalog feature; unused features have no dates and zero uses."""
    draws, end = Draws(seed, "features"), as_of.toordinal()
    g, f = _grid(groups, len(cat.FEATURES))
    index, kind = groups.index[g], groups.archetype[g]
    advanced = np.array([tier == "advanced" for _, tier in cat.FEATURES])[f]
    chance = np.array([_ADOPTION[a] for a in ARCHETYPES])[kind, advanced.astype(np.int64)]
    used = draws.random(index, f, 0) < chance
    start = groups.contract_start[g] + 7
    first = start + draws.integers(0, np.maximum(0, np.minimum(120, end - start)), index, f, 1)
    idle = draws.integers(0, 3, index, f, 2)
    idle = np.where(
        groups.isa(A.DECLINING)[g] & advanced, draws.integers(25, 55, index, f, 2), idle
    )
    idle = np.where(groups.isa(A.COLLAPSING)[g], draws.integers(28, 50, index, f, 2), idle)
    last = np.maximum(first, end - idle)
    per_day = groups.seats[g] * np.where(advanced, 0.3, 1.5) * draws.uniform(0.5, 1.2, index, f, 3)
    uses = np.maximum(1, np.rint((last - first + 1) * per_day)).astype(np.int64)
    return {
        "group_id": groups.ids[g],
        "feature": [cat.FEATURES[x][0] for x in f.tolist()],
        "tier": np.where(advanced, "advanced", "core").tolist(),
        "first_used": np.where(used, first, -1),
        "last_used": np.where(used, last, -1),
        "uses": np.where(used, uses, 0),
    }


_ITEMS = [
    (phase_no, phase, name, kind, k, len(cat.ONBOARDING_PLAN[phase][1]))
    for phase_no, phase in enumerate(cat.ONBOARDING_PHASES)
    for k, (name, kind) in enumerate(cat.ONBOARDING_PLAN[phase][1])
]
_PHASE_START = np.cumsum([0] + [cat.ONBOARDING_PLAN[p][0] for p in cat.ONBOARDING_PHASES])


def onboarding_rows(groups: GroupColumns, *, seed: int, as_of: date) -> Block:
    """Every phase's tasks and training modules; at least one overdue item while onboarding."""
    draws, end = Draws(seed, "onboarding"), as_of.toordinal()
    g, item = _grid(groups, len(_ITEMS))
    index = groups.index[g]
    phase_no, k, count = (np.array([it[j] for it in _ITEMS])[item] for j in (0, 4, 5))
    length = np.array([cat.ONBOARDING_PLAN[p][0] for p in cat.ONBOARDING_PHASES])[phase_no]
    first = groups.contract_start[g] + _PHASE_START[phase_no]
    due = first + np.rint((length - 1) * (k + 1) / count).astype(np.int64)
    done = due + draws.integers(-3, 2, index, item, 0)
    hour = draws.uniform(14, 22, index, item, 1)
    current = groups.phase[g]
    live = current < 0
    finished = ((phase_no < current) & (draws.random(index, item, 2) < 0.85)) | (
        (phase_no == current) & (due < end)
    )
    open_now = ~finished | ((phase_no == current) & (draws.random(index, item, 3) < 0.6))
    done_at = np.where(live, micros(done, hour), micros(np.minimum(done, end - 1), hour))
    done_at = np.where(~live & open_now, -1, done_at)
    lagging = ~live & (phase_no != current) & (due < end)  # the last of these lags behind
    last_lagging = lagging & ~np.r_[lagging[1:] & (g[1:] == g[:-1]), False]
    done_at = np.where(last_lagging, -1, done_at)
    kinds = [_ITEMS[x][3] for x in item.tolist()]
    csm = [groups.specs[x].csm.slack_id for x in g.tolist()]
    return {
        "group_id": groups.ids[g],
        "phase": [_ITEMS[x][1] for x in item.tolist()],
        "name": [_ITEMS[x][2] for x in item.tolist()],
        "kind": kinds,
        "sort_order": item + 1,
        "due": due,
        "done_at": done_at,
        "owner": [c if kind == "task" else None for c, kind in zip(csm, kinds, strict=True)],
    }


def contact_rows(groups: GroupColumns, *, seed: int) -> tuple[Block, list[list[str]]]:
    """3-5 of each group's people (fictional, 555 numbers) and our CSM, support engineer and AE;
    also each group's people's names, for the timeline and the plans."""
    draws, n = Draws(seed, "contacts"), len(groups)
    others = len(cat.GROUP_ROLES) - 1
    order = np.argsort(draws.random(groups.index[:, None], np.arange(others)[None, :], 0), axis=1)
    count = 1 + draws.integers(2, 4, groups.index, 0, 1)
    g, slot = rows_per_group(count)
    index = groups.index[g]
    role = np.where(slot == 0, 0, 1 + order[g, np.maximum(slot - 1, 0)])
    first, last = _distinct_names(draws, g, index, slot)
    area = draws.choice(cat.AREA_CODES, index, slot, 4)
    line = draws.integers(0, 99, index, slot, 5)
    rows: list[tuple[Any, ...]] = []
    people: list[list[str]] = [[] for _ in range(n)]
    for x, r, f, la, ac, ln in zip(g.tolist(), role.tolist(), first.tolist(), last.tolist(),
                                    area.tolist(), line.tolist(), strict=True):  # fmt: skip
        spec = groups.specs[x]
        full = f"{cat.FIRST_NAMES[f]} {cat.LAST_NAMES[la]}"
        email = f"{cat.FIRST_NAMES[f]}.{cat.LAST_NAMES[la]}@{spec.slug[:40]}.example.com".lower()
        phone = f"({cat.AREA_CODES[ac]}) 555-01{ln:02d}"
        rows.append(
            (int(groups.ids[x]), full, cat.GROUP_ROLES[r], False, email, phone, None, r == 0)
        )
        people[x].append(full)
    support = draws.choice(cat.SUPPORT_ENGINEERS, groups.index, 0, 6).tolist()
    sales = draws.choice(cat.ACCOUNT_EXECUTIVES, groups.index, 0, 7).tolist()
    for x, spec in enumerate(groups.specs):
        gid = int(groups.ids[x])
        rows.append(_internal(gid, spec.csm, "Customer Success Manager", True))
        rows.append(_internal(gid, cat.SUPPORT_ENGINEERS[support[x]],
                              "Support Engineer", False))  # fmt: skip
        rows.append(_internal(gid, cat.ACCOUNT_EXECUTIVES[sales[x]],
                              "Account Executive", False))  # fmt: skip
    names = ("group_id", "name", "role", "internal", "email", "phone", "slack_user_id", "primary")
    columns = list(zip(*rows, strict=True))
    block = {name: list(values) for name, values in zip(names, columns, strict=True)}
    return block, people


def _distinct_names(draws: Draws, g: Ints, index: Ints, slot: Ints) -> tuple[Ints, Ints]:
    """First and last name (indexes) of each contact; a name twice in one group is drawn again."""
    first = draws.choice(cat.FIRST_NAMES, index, slot, 2)
    last = draws.choice(cat.LAST_NAMES, index, slot, 3)
    for attempt in range(1, 50):
        pairs = g * 10_000 + first * len(cat.LAST_NAMES) + last
        again = np.ones(len(g), dtype=np.bool_)
        again[np.unique(pairs, return_index=True)[1]] = False
        if not again.any():
            break
        first = np.where(again, draws.choice(cat.FIRST_NAMES, index, slot, 2, attempt), first)
        last = np.where(again, draws.choice(cat.LAST_NAMES, index, slot, 3, attempt), last)
    return first, last


def _internal(gid: int, person: cat.Person, role: str, primary: bool) -> tuple[Any, ...]:
    email = person.name.lower().replace(" ", ".") + "@" + cat.INTERNAL_DOMAIN
    return (gid, person.name, role, True, email, None, person.slack_id, primary)
