"""The renewal reminder rule: the nearest lead time reached, once per (group, date, lead)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from csbot.alerts.renewals import due_lead, renewal_key
from tests.examples import examples

LEADS = (120, 90, 60, 30)
RENEWAL = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("days_left", "lead"),
    [(200, None), (121, None), (120, 120), (119, 120), (91, 120), (90, 90), (61, 90),
     (60, 60), (45, 60), (30, 30), (1, 30), (0, 30), (-1, None), (-90, None)],
)  # fmt: skip
def test_the_lead_due_is_the_smallest_one_reached(days_left: int, lead: int | None) -> None:
    assert due_lead(RENEWAL, RENEWAL - timedelta(days=days_left), LEADS) == lead


def test_no_leads_means_no_reminders() -> None:
    assert due_lead(RENEWAL, RENEWAL - timedelta(days=10), ()) is None


def test_the_key_names_group_date_and_lead() -> None:
    assert renewal_key(7, RENEWAL, 60) == "7:renewal:2026-06-30:60d"
    assert renewal_key(7, RENEWAL, 60) != renewal_key(7, RENEWAL + timedelta(days=1), 60)


def _mornings(leads: set[int], first_seen: int, missed: set[int]) -> list[int]:
    """Mornings from `first_seen` days before the renewal to the day after it, except the
    `missed` ones, with the outbox's unique key: the lead times that fire, in order."""
    fired: list[int] = []
    keys: set[str] = set()
    for left in range(first_seen, -2, -1):
        if left in missed:
            continue
        lead = due_lead(RENEWAL, RENEWAL - timedelta(days=left), tuple(leads))
        if lead is not None and renewal_key(1, RENEWAL, lead) not in keys:
            keys.add(renewal_key(1, RENEWAL, lead))
            fired.append(lead)
    return fired


@settings(max_examples=examples(300), deadline=None)
@given(leads=st.sets(st.integers(1, 365), min_size=1, max_size=6), first_seen=st.integers(0, 400))
def test_every_morning_fires_the_nearest_lead_first_seen_then_each_later_one_once(
    leads: set[int], first_seen: int
) -> None:
    nearest = (
        [min(lead for lead in leads if lead >= first_seen)] if max(leads) >= first_seen else []
    )
    later = sorted((lead for lead in leads if lead < first_seen), reverse=True)
    assert _mornings(leads, first_seen, set()) == nearest + later


@settings(max_examples=examples(300), deadline=None)
@given(
    leads=st.sets(st.integers(1, 365), min_size=1, max_size=6),
    first_seen=st.integers(0, 400),
    missed=st.sets(st.integers(0, 400), max_size=60),
)
def test_missed_mornings_never_fire_a_lead_twice_or_out_of_order(
    leads: set[int], first_seen: int, missed: set[int]
) -> None:
    fired = _mornings(leads, first_seen, missed)
    assert fired == sorted(set(fired), reverse=True)  # each lead at most once, longest first
    ran = [left for left in range(first_seen, -1, -1) if left not in missed]
    if ran:  # the last morning before the renewal fired what was due then, or had fired it
        due = due_lead(RENEWAL, RENEWAL - timedelta(days=ran[-1]), tuple(leads))
        assert due is None or due in fired
    assert len(fired) <= len(ran)
