"""The demo groups' fixed facts as numpy columns, for generating their rows a column at a time.

`GroupColumns.of` turns `GroupSpec`s into arrays (one element per group); `rows_per_group`
and `spread` lay out a variable number of rows per group; `level` is `GroupSpec.level` for
many (group, day) pairs at once. Times are microseconds since 1970, days ordinals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from csbot.demo import catalog as cat
from csbot.demo.profile import HEALTHY, WORST, Archetype, GroupSpec
from csbot.scoring.batch.layout import micros, rows_per_group, within_group

Ints: TypeAlias = npt.NDArray[np.int64]
Floats: TypeAlias = npt.NDArray[np.float64]
Bools: TypeAlias = npt.NDArray[np.bool_]

__all__ = ["ARCHETYPES", "GroupColumns", "Ints", "micros", "rows_per_group", "within_group"]

ARCHETYPES: tuple[Archetype, ...] = tuple(Archetype)


@dataclass(frozen=True)
class GroupColumns:
    """Per-group columns of a batch of demo groups (position g in every array)."""

    specs: tuple[GroupSpec, ...]
    ids: Ints  # database ids
    index: Ints  # position among all demo groups: the key of every random draw
    archetype: Ints  # into ARCHETYPES
    seats: Floats
    arr: Floats
    docs_scale: Floats
    contract_start: Ints
    renewal: Ints
    usage_start: Ints
    go_live: Ints
    phase: Ints  # onboarding phase (into cat.ONBOARDING_PHASES), -1 when live
    best: Floats  # (groups, 5): the healthy Level with the group's jitter
    worst: Floats

    @classmethod
    def of(cls, specs: Sequence[GroupSpec], ids: Sequence[int]) -> GroupColumns:
        def ints(values: list[int]) -> Ints:
            return np.array(values, dtype=np.int64)

        best = [[v * j for v, j in zip(HEALTHY[s.archetype], s.jitter, strict=True)] for s in specs]
        worst = [
            [v * j for v, j in zip(WORST.get(s.archetype, HEALTHY[s.archetype]), s.jitter,
                                   strict=True)]
            for s in specs
        ]  # fmt: skip
        return cls(
            specs=tuple(specs),
            ids=ints(list(ids)),
            index=ints([s.index for s in specs]),
            archetype=ints([ARCHETYPES.index(s.archetype) for s in specs]),
            seats=np.array([s.seats for s in specs], dtype=np.float64),
            arr=np.array([s.arr for s in specs], dtype=np.float64),
            docs_scale=np.array([s.docs_scale for s in specs], dtype=np.float64),
            contract_start=ints([s.contract_start.toordinal() for s in specs]),
            renewal=ints([s.renewal_date.toordinal() for s in specs]),
            usage_start=ints([s.usage_start.toordinal() for s in specs]),
            go_live=ints([s.go_live_date.toordinal() for s in specs]),
            phase=ints([_phase(s) for s in specs]),
            best=np.array(best, dtype=np.float64).reshape(len(specs), 5),
            worst=np.array(worst, dtype=np.float64).reshape(len(specs), 5),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def isa(self, *kinds: Archetype) -> Bools:
        """Per group: is it one of these archetypes?"""
        return np.isin(self.archetype, [ARCHETYPES.index(k) for k in kinds])

    def level(self, group: Ints, days_ago: Ints, day: Ints) -> Floats:
        """GroupSpec.level for rows of groups `group` on days `day`: shape (rows, 5)."""
        kind = self.archetype[group]
        live = day - self.contract_start[group]
        w = np.zeros(len(group))
        w = np.where(kind == _DECLINING, np.clip((60 - days_ago) / 60, 0.0, 1.0), w)
        w = np.where(kind == _COLLAPSING, np.clip((45 - days_ago) / 14, 0.0, 1.0), w)
        w = np.where(kind == _ONBOARDING, np.maximum(0.0, 1 - live / 45), w)
        best, worst = self.best[group], self.worst[group]
        return np.asarray(best + w[:, None] * (worst - best))


_DECLINING = ARCHETYPES.index(Archetype.DECLINING)
_COLLAPSING = ARCHETYPES.index(Archetype.COLLAPSING)
_ONBOARDING = ARCHETYPES.index(Archetype.ONBOARDING)


def _phase(spec: GroupSpec) -> int:
    phase = spec.onboarding_phase
    return -1 if phase is None else cat.ONBOARDING_PHASES.index(phase)
