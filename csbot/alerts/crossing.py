"""Band crossings with noise control: pure rules, no store, no Slack, no clock.

A day's scores are compared with the band last *alerted* for each group (its alert state), not
with yesterday's snapshot, so a group that slides a little further every day is alerted once.

- Worse: into Needs Attention or Critical (or from Needs Attention to Critical) raises an alert
  when the score is at least `margin` points inside the new band (Needs Attention needs
  score <= 60 - margin) on each of the last `consecutive_days` days.
- Better: back to Good or better, with the same margin (score >= 60 + margin), is a recovery:
  a short note in the alert's thread, and the state starts over. Critical -> Needs Attention
  (score >= 40 + margin) posts nothing; it only lowers the state, so a relapse alerts again.
- Snoozed groups get no worse-alerts until the snooze ends; the state then still holds the old
  band, so a group that is still worse is alerted on the first day after. Recoveries are not
  held back: they are good news, and they reset the state so the next slide alerts.
- Nothing alerted yet counts as Good (as does a state made only by a snooze): the first run
  alerts every group already inside Needs Attention or Critical, once. The alert names the
  band it came from only when that is known: yesterday's snapshot in a better band
  ("Excellent -> Critical"), or else (looked up by the job for the few groups alerted,
  csbot.alerts.jobs) the latest better band in its last 30 days of snapshots. A group in that
  band all along, or with no snapshot before, reads "Now Critical" rather than an invented
  "Good -> Critical".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from csbot.scoring.config import BandThresholds
from csbot.scoring.health import band_for
from csbot.scoring.types import Band

__all__ = [
    "ALERTING",
    "AlertPolicy",
    "Crossing",
    "Decision",
    "Kind",
    "PriorState",
    "decide",
    "decide_all",
]

ALERTING = (Band.NEEDS_ATTENTION, Band.CRITICAL)


class Kind(StrEnum):
    """What an outbox row announces."""

    CROSSING = "crossing"
    RECOVERED = "recovered"
    RENEWAL = "renewal"  # a renewal reminder (csbot.alerts.renewals)


@dataclass(frozen=True)
class AlertPolicy:
    """The noise-control knobs (CSBOT_ALERT_MARGIN, CSBOT_ALERT_DAYS)."""

    margin: float = 2.0
    consecutive_days: int = 1

    def __post_init__(self) -> None:
        if self.margin < 0 or self.consecutive_days < 1:
            raise ValueError("an alert policy needs margin >= 0 and consecutive_days >= 1")


class PriorState(Protocol):
    """What detection reads of a group's alert state (csbot.store.outbox.StateRow has it)."""

    @property
    def band(self) -> Band: ...

    @property
    def snoozed_until(self) -> date | None: ...

    @property
    def last_alert_id(self) -> int | None: ...


@dataclass(frozen=True)
class Crossing:
    """A change worth telling people about: one outbox row."""

    group_id: int
    kind: Kind
    from_band: Band | None  # the band last alerted (or known) before this one
    to_band: Band
    day: date
    score: float


@dataclass(frozen=True)
class Decision:
    """A group's outcome for the day: the alert to write (if any) and the band to remember
    as alerted (None: leave the state as it is)."""

    group_id: int
    crossing: Crossing | None = None
    new_band: Band | None = None


def _upper(band: Band, edges: BandThresholds) -> float:
    return edges.good if band is Band.NEEDS_ATTENTION else edges.needs_attention


def _lower(band: Band, edges: BandThresholds) -> float:
    return edges.good if band is Band.GOOD else edges.needs_attention


def worse_band(score: float, alerted: Band, edges: BandThresholds, margin: float) -> Band | None:
    """The worst alerting band, worse than `alerted`, that `score` is `margin` inside."""
    for band in (Band.CRITICAL, Band.NEEDS_ATTENTION):
        upper = _upper(band, edges)
        if band.is_worse_than(alerted) and score < upper and score <= upper - margin:
            return band
    return None


def better_band(score: float, alerted: Band, edges: BandThresholds, margin: float) -> Band | None:
    """Good, or Needs Attention (from Critical), when `score` is `margin` inside it."""
    for band in (Band.GOOD, Band.NEEDS_ATTENTION):
        if alerted.is_worse_than(band) and score >= _lower(band, edges) + margin:
            return band
    return None


def _snoozed(state: PriorState | None, day: date) -> bool:
    until = state.snoozed_until if state is not None else None
    return until is not None and day < until


def _alerted_before(state: PriorState | None) -> bool:
    """Whether the state's band was alerted: a snooze from a renewal reminder gives a group
    never band-alerted a Good state (csbot.store.alert_state.snooze) but no band alert."""
    return state is not None and state.last_alert_id is not None


def _last_known(previous: Band | None, worse: Band) -> Band | None:
    """Where a never-alerted group came from: yesterday's band when that was better (e.g.
    Excellent straight to Critical); None when not known (no snapshot before, or already that
    bad yesterday, as on csbot's first run for a group that has been Critical for weeks)."""
    return previous if previous is not None and worse.is_worse_than(previous) else None


def decide(
    group_id: int,
    *,
    day: date,
    recent: Sequence[float],
    state: PriorState | None,
    previous_band: Band | None,
    edges: BandThresholds,
    policy: AlertPolicy,
) -> Decision:
    """One group's decision for `day`. `recent` holds its daily scores ending with `day`'s,
    oldest first; fewer than `policy.consecutive_days` of them decide nothing yet."""
    days = policy.consecutive_days
    if len(recent) < days:
        return Decision(group_id)
    window = recent[-days:]
    today = window[-1]
    alerted = state.band if state is not None else Band.GOOD
    worse = worse_band(max(window), alerted, edges, policy.margin)
    if worse is not None:
        if _snoozed(state, day):
            return Decision(group_id)
        was = alerted if _alerted_before(state) else _last_known(previous_band, worse)
        return Decision(group_id, Crossing(group_id, Kind.CROSSING, was, worse, day, today), worse)
    better = better_band(min(window), alerted, edges, policy.margin)
    if better is Band.GOOD:
        now = band_for(today, edges)
        return Decision(group_id, Crossing(group_id, Kind.RECOVERED, alerted, now, day, today), now)
    return Decision(group_id, None, better)


def decide_all(
    recent: Mapping[int, Sequence[float]],
    *,
    day: date,
    states: Mapping[int, PriorState],
    previous_bands: Mapping[int, Band],
    edges: BandThresholds,
    policy: AlertPolicy,
) -> list[Decision]:
    """`decide` for every group with scores; only decisions that change something.

    A group without a state counts as Good, so unless its best score of the window is below
    Good's edge, `decide` has nothing to say (no worse band, and nothing is better than Good):
    such groups, most of them on a first run over 10,000, are passed over without a call."""
    days = policy.consecutive_days
    out = []
    for group_id in sorted(recent):
        scores = recent[group_id]
        state = states.get(group_id)
        if state is None and (len(scores) < days or max(scores[-days:]) >= edges.good):
            continue
        decision = decide(
            group_id,
            day=day,
            recent=scores,
            state=state,
            previous_band=previous_bands.get(group_id),
            edges=edges,
            policy=policy,
        )
        if decision.crossing is not None or decision.new_band is not None:
            out.append(decision)
    return out
