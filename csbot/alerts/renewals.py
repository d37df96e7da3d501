"""Renewal reminders: at each lead time (CSBOT_RENEWAL_LEADS, default 120, 90, 60 and 30 days)
before a group's renewal date, its alert channel gets one message.

The rule is stateless: on a day, the lead time due for a group is the smallest lead that is at
least its days left (none before the longest lead or once the date has passed). Only that one
is written to the outbox, under the key (group, renewal date, lead), so

- each lead time fires once per renewal date: re-runs, catch-ups and a second replica write
  nothing new, and delivery retries what Slack refused, like any alert;
- a group first seen already past some lead times gets only the nearest one, and a missed
  week of mornings sends the nearest one, never a backlog;
- a renewal date moved by an import, a sync, a webhook or a recorded renewal has keys of its
  own: its lead times start afresh.

A snoozed group gets no reminder until its snooze ends; the nearest lead time then goes out.
Detection runs in the daily job's transaction, beside the crossings (csbot.alerts.jobs), and
stays cheap however many groups are due (a first run reminds every group within the longest
lead): the reminder's full score of its day (reasons, trend, playbook) is added when it is
delivered (csbot.alerts.delivery), one group at a time, and kept in the row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

import numpy as np

from csbot.alerts.crossing import Kind
from csbot.alerts.renewal_card import renewal_facts
from csbot.scoring.batch import BANDS
from csbot.services import Services
from csbot.store.alert_state import StateRow
from csbot.store.db import DbSession
from csbot.store.outbox import NewAlert, known_keys, write_alerts
from csbot.store.recompute import RecomputeResult
from csbot.store.renewals import RenewalTarget, renewal_targets

__all__ = ["detect_renewals", "due_lead", "renewal_key"]

NO_DATA = "no data"


def due_lead(renewal: date, day: date, leads: Sequence[int]) -> int | None:
    """The nearest lead time reached on `day`: the smallest lead >= days left (>= 0)."""
    left = (renewal - day).days
    reached = [lead for lead in leads if lead >= left]
    return min(reached) if reached and left >= 0 else None


def renewal_key(group_id: int, renewal: date, lead: int) -> str:
    """The outbox key: one reminder per group, renewal date and lead time."""
    return f"{group_id}:{Kind.RENEWAL}:{renewal.isoformat()}:{lead}d"


def _snoozed(state: StateRow | None, day: date) -> bool:
    return state is not None and state.snoozed_until is not None and day < state.snoozed_until


def _due(
    targets: Sequence[RenewalTarget],
    states: Mapping[int, StateRow],
    day: date,
    leads: Sequence[int],
) -> dict[str, tuple[RenewalTarget, int]]:
    due = {}
    for target in targets:
        lead = due_lead(target.renewal_date, day, leads)
        if lead is not None and not _snoozed(states.get(target.group_id), day):
            due[renewal_key(target.group_id, target.renewal_date, lead)] = (target, lead)
    return due


def _bands(result: RecomputeResult, group_ids: Sequence[int]) -> list[str]:
    """Each group's band on the day (NO_DATA when not scored), looked up in one searchsorted
    over the day's columns rather than one per group."""
    scored = result.scored
    if not group_ids or not len(scored):
        return [NO_DATA] * len(group_ids)
    ids = np.asarray(group_ids, dtype=np.int64)
    at = np.minimum(np.searchsorted(scored.group_ids, ids), len(scored) - 1)
    found = (scored.group_ids[at] == ids).tolist()
    names = [band.value for band in BANDS]
    return [names[b] if hit else NO_DATA
            for b, hit in zip(scored.band[at].tolist(), found, strict=True)]  # fmt: skip


def _alert(key: str, target: RenewalTarget, lead: int, band: str, result: RecomputeResult
           ) -> NewAlert:  # fmt: skip
    facts = renewal_facts(
        target.group_id, target.name, renewal=target.renewal_date, lead=lead, day=result.day,
        window_days=result.window_days, arr=target.arr, csm=target.csm_owner,
    )  # fmt: skip
    return NewAlert(target.group_id, Kind.RENEWAL.value, None, band, result.day,
                    facts.model_dump(mode="json"), unique=key)  # fmt: skip


def detect_renewals(
    session: DbSession,
    services: Services,
    result: RecomputeResult,
    *,
    now: datetime,
    states: Mapping[int, StateRow],
) -> int:
    """Write the day's due renewal reminders to the outbox; returns how many are new. Runs in
    the caller's transaction, after the day's snapshots; `states` are the alert states the
    crossings were decided on (only their snoozes are read, which saving states keeps)."""
    leads = services.settings.renewal_lead_days
    if not leads:
        return 0
    day = result.day
    targets = renewal_targets(session, start=day, end=day + timedelta(days=max(leads)))
    due = _due(targets, states, day, leads)
    written = known_keys(session, due)
    todo = [(key, target, lead) for key, (target, lead) in due.items() if key not in written]
    bands = _bands(result, [target.group_id for _, target, _ in todo])
    alerts = [_alert(key, t, lead, band, result)
              for (key, t, lead), band in zip(todo, bands, strict=True)]  # fmt: skip
    _, added = write_alerts(session, alerts, created_at=now)
    return added
