"""Who the demo groups are: archetypes, their usage curves, and each group's fixed facts.

The archetype of a demo group depends only on its position (`archetype_for(index)`), never on
the seed, so tests and other parts can find "a declining group" without asking the database.
Curves are tuned against the default health formula (0.40 billability, 0.30 engagement,
0.30 revenue) so each archetype lands in its band on a 30-day window ending on `as_of`.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

from csbot.demo import catalog as cat


class Archetype(StrEnum):
    THRIVING = "thriving"  # Excellent: high billability, engagement, growing revenue
    STEADY = "steady"  # Good, flat
    DECLINING = "declining"  # Good, then a smooth slide over ~60 days into Needs Attention
    COLLAPSING = "collapsing"  # Good until ~45 days ago, then Critical within two weeks
    ONBOARDING = "onboarding"  # contract weeks old, mid-way through phases, tasks overdue
    SUPPORT_HEAVY = "support_heavy"  # many open tickets, slow first responses, low CSAT
    DETRACTOR = "detractor"  # fine usage, but the latest NPS is 6 or below


A = Archetype
# The first seven positions hold one of each, so even `--groups 7` shows every panel.
_PATTERN = (
    A.DECLINING, A.THRIVING, A.STEADY, A.COLLAPSING, A.ONBOARDING, A.SUPPORT_HEAVY, A.DETRACTOR,
    A.THRIVING, A.STEADY, A.STEADY, A.THRIVING, A.STEADY, A.DECLINING, A.STEADY,
    A.THRIVING, A.ONBOARDING, A.SUPPORT_HEAVY, A.STEADY, A.THRIVING, A.STEADY,
)  # fmt: skip
EXTERNAL_ID_PREFIX = "demo-"


def archetype_for(index: int) -> Archetype:
    """The archetype of the demo group at 0-based position `index` (Acme is position 0)."""
    return _PATTERN[index % len(_PATTERN)]


def demo_external_id(index: int) -> str:
    """The external id of the demo group at 0-based position `index`: demo-0001, demo-0002..."""
    return f"{EXTERNAL_ID_PREFIX}{index + 1:04d}"


def index_of(external_id: str) -> int:
    """Inverse of `demo_external_id`."""
    return int(external_id.removeprefix(EXTERNAL_ID_PREFIX)) - 1


class Level(NamedTuple):
    """How a group uses the product on a weekday: the knobs the health formula reads."""

    billable: float  # share of patients billable
    active: float  # share of seats active
    docs_per_user: float  # documents per active user, for a plan expecting 8 per seat
    minutes: float  # minutes per session
    revenue: float  # monthly revenue as a share of ARR/12


HEALTHY = {
    A.THRIVING: Level(0.94, 0.95, 12.5, 29.0, 1.08),
    A.STEADY: Level(0.78, 0.70, 9.0, 22.0, 0.97),
    A.DECLINING: Level(0.83, 0.78, 10.5, 25.0, 1.0),
    A.COLLAPSING: Level(0.82, 0.72, 9.5, 23.0, 0.98),
    A.ONBOARDING: Level(0.78, 0.65, 8.5, 21.0, 0.95),
    A.SUPPORT_HEAVY: Level(0.76, 0.64, 8.5, 20.0, 0.95),
    A.DETRACTOR: Level(0.80, 0.68, 9.0, 22.0, 0.97),
}
WORST = {
    A.DECLINING: Level(0.55, 0.38, 7.0, 15.0, 0.72),
    A.COLLAPSING: Level(0.42, 0.10, 4.0, 9.0, 0.35),
    A.ONBOARDING: Level(0.62, 0.25, 5.0, 14.0, 0.95),
}
MONTHLY_GROWTH = {A.THRIVING: 0.02}


def _decline(archetype: Archetype, days_ago: int, days_live: int) -> float:
    """0 = healthy level, 1 = worst level, for a day `days_ago` before as_of."""
    if archetype is A.DECLINING:
        return min(1.0, max(0.0, (60 - days_ago) / 60))
    if archetype is A.COLLAPSING:
        return min(1.0, max(0.0, (45 - days_ago) / 14))
    if archetype is A.ONBOARDING:  # ramps up from the worst level as the group settles in
        return max(0.0, 1 - days_live / 45)
    return 0.0


@dataclass(frozen=True)
class GroupSpec:
    """The fixed facts of one demo group, from which all its rows are generated."""

    index: int
    external_id: str
    archetype: Archetype
    name: str
    slug: str
    aliases: tuple[str, ...]
    specialty: str
    region: str
    plan: str
    seats: int
    contract_start: date
    renewal_date: date
    arr: float
    csm: cat.Person
    alert_channel: str | None
    onboarding_phase: str | None
    go_live_date: date
    usage_start: date
    jitter: Level  # per-group multipliers so no two groups look the same

    @cached_property
    def _ends(self) -> tuple[Level, Level]:
        """The healthy and the worst level, with this group's jitter applied."""
        healthy = HEALTHY[self.archetype]
        worst = WORST.get(self.archetype, healthy)
        return (
            Level(*(v * j for v, j in zip(healthy, self.jitter, strict=True))),
            Level(*(v * j for v, j in zip(worst, self.jitter, strict=True))),
        )

    def level(self, days_ago: int, day: date) -> Level:
        """The group's expected level on `day`, which is `days_ago` days before as_of."""
        best, worst = self._ends
        w = _decline(self.archetype, days_ago, (day - self.contract_start).days)
        if w == 0.0:
            return best
        return Level(*(h + w * (b - h) for h, b in zip(best, worst, strict=True)))

    @property
    def docs_scale(self) -> float:
        return cat.EXPECTED_DOCS_PER_SEAT[self.plan] / 8


def group_rng(seed: int, index: int, part: str) -> random.Random:
    """An independent stream per group and table, so one table's tweak never shifts another's."""
    return random.Random(f"csbot-demo:{seed}:{index}:{part}")


def at(day: date, hour: float) -> datetime:
    """A UTC datetime on `day` at a fractional hour."""
    return datetime.combine(day, time(0), UTC) + timedelta(hours=hour)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _names(seed: int) -> list[tuple[str, str, str]]:
    """Every (place, specialty, form) combination, in a seed-fixed order."""
    combos = [(p, s, f) for p in cat.PLACES for s in cat.SPECIALTIES for f in cat.ORG_FORMS]
    random.Random(f"csbot-demo-names:{seed}").shuffle(combos)
    return combos


def _identity(index: int, combos: list[tuple[str, str, str]]) -> tuple[str, tuple[str, ...], str]:
    """Name, aliases and specialty; unique for any number of groups (a round number if needed)."""
    if index == 0:
        return cat.ACME_NAME, cat.ACME_ALIASES, cat.ACME_SPECIALTY
    place, specialty, form = combos[(index - 1) % len(combos)]
    rounds = (index - 1) // len(combos)
    name = " ".join(w for w in (place, specialty, form) if w) + (f" {rounds + 1}" if rounds else "")
    acronym = "".join(w[0] for w in name.split() if w[0].isalpha()).upper()
    aliases = (acronym, f"{place} {specialty}") if form and not rounds else (acronym,)
    return name, aliases, specialty


# Days from as_of to each later group's renewal, in turn: every renewal lead time (120, 90,
# 60, 30 days) and the renewals card have groups to show, even with `--groups 7`.
RENEWAL_SPREAD = (104, 76, 23, 300, 41, 160, 13, 88, 117, 200, 57, 270, 28, 330, 95, 240)


def _contract(index: int, arch: Archetype, as_of: date, rng: random.Random) -> tuple[date, date]:
    """Contract start and next renewal; Acme renews within two months, the others are spread
    over the year ahead (RENEWAL_SPREAD), onboarding groups a year after their start."""
    if index == 0:
        return add_years(as_of + timedelta(days=52), -2), as_of + timedelta(days=52)
    if arch is A.ONBOARDING:
        start = as_of - timedelta(days=rng.randint(28, 46))
        return start, add_years(start, 1)
    renewal = as_of + timedelta(days=RENEWAL_SPREAD[(index - 1) % len(RENEWAL_SPREAD)])
    return add_years(renewal, -rng.randint(2, 4)), renewal


def onboarding_schedule(start: date) -> list[tuple[str, date, date]]:
    """(phase, first day, last day) for an onboarding that begins on `start`."""
    out, day = [], start
    for phase in cat.ONBOARDING_PHASES:
        length = cat.ONBOARDING_PLAN[phase][0]
        out.append((phase, day, day + timedelta(days=length - 1)))
        day += timedelta(days=length)
    return out


def _phase_on(start: date, as_of: date) -> str | None:
    for phase, first, last in onboarding_schedule(start):
        if first <= as_of <= last:
            return phase
    return None


def group_spec(index: int, *, seed: int, as_of: date, history_start: date,
               combos: list[tuple[str, str, str]]) -> GroupSpec:  # fmt: skip
    rng = group_rng(seed, index, "group")
    arch = archetype_for(index)
    name, aliases, specialty = _identity(index, combos)
    plan = "growth" if index == 0 else rng.choices(cat.PLANS, weights=(35, 45, 20))[0]
    seats = rng.randint(*cat.PLAN_SEATS[plan])
    start, renewal = _contract(index, arch, as_of, rng)
    csm = cat.CSMS[rng.randrange(len(cat.CSMS))]
    channel = None if rng.random() < 0.25 else cat.TEAM_CHANNELS[csm.team]
    onboarding = arch is A.ONBOARDING
    return GroupSpec(
        index=index, external_id=demo_external_id(index), archetype=arch, name=name,
        slug=slugify(name), aliases=aliases, specialty=specialty,
        region=rng.choice(cat.REGIONS), plan=plan, seats=seats, contract_start=start,
        renewal_date=renewal, arr=round(seats * cat.PLAN_SEAT_PRICE[plan] * rng.uniform(0.9, 1.1)),
        csm=csm, alert_channel=channel,
        onboarding_phase=_phase_on(start, as_of) if onboarding else None,
        go_live_date=onboarding_schedule(start)[-1][2],
        usage_start=max(history_start, start),
        jitter=Level(rng.uniform(0.98, 1.02), rng.uniform(0.96, 1.04), rng.uniform(0.95, 1.05),
                     rng.uniform(0.95, 1.05), rng.uniform(0.98, 1.02)),
    )  # fmt: skip


def group_specs(*, groups: int, seed: int, as_of: date, days: int) -> list[GroupSpec]:
    """The facts of `groups` demo groups for a history of `days` days ending on `as_of`."""
    combos = _names(seed)
    history_start = as_of - timedelta(days=days - 1)
    return [
        group_spec(i, seed=seed, as_of=as_of, history_start=history_start, combos=combos)
        for i in range(groups)
    ]
