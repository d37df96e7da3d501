"""Recommended next steps: the churn playbook's, where a panel's own factor fired, then the
panel's steps derived from its metrics; no step twice, at most five."""

from __future__ import annotations

from collections.abc import Iterable

from csbot.commands.panels.overview import recommended
from csbot.scoring.types import GroupScore

MAX_STEPS = 5


def playbook(score: GroupScore, *factor_ids: str) -> tuple[str, ...]:
    """The playbook's first step for each of these factors that scoring recommended."""
    return recommended(tuple(a for a in score.churn.actions if a.factor_id in factor_ids))


def steps(*groups: Iterable[str], limit: int = MAX_STEPS) -> tuple[str, ...]:
    """The groups' steps in order, each once (a playbook step and the same derived step count
    as one: the first is kept)."""
    chosen: dict[str, str] = {}
    for step in (s for group in groups for s in group):
        chosen.setdefault(step.rpartition("*: ")[2].casefold(), step)
    return tuple(chosen.values())[:limit]
