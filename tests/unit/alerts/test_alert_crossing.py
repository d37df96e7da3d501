"""Crossing rules: alert once per band, margins against flapping, N days, snooze, recovery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csbot.alerts.crossing import AlertPolicy, Decision, Kind, decide, decide_all
from csbot.scoring.config import BandThresholds
from csbot.scoring.health import band_for
from csbot.scoring.types import Band

EDGES = BandThresholds()  # Excellent 80, Good 60, Needs Attention 40
DAY = date(2026, 3, 21)
G, NA, CR, EX = Band.GOOD, Band.NEEDS_ATTENTION, Band.CRITICAL, Band.EXCELLENT


@dataclass(frozen=True)
class State:
    band: Band
    snoozed_until: date | None = None
    last_alert_id: int | None = 1  # None: made by a snooze, never band-alerted


def _decide(
    scores: list[float],
    state: State | None = None,
    *,
    previous: Band | None = None,
    margin: float = 2.0,
    days: int = 1,
    day: date = DAY,
) -> Decision:
    policy = AlertPolicy(margin=margin, consecutive_days=days)
    return decide(
        7, day=day, recent=scores, state=state, previous_band=previous, edges=EDGES, policy=policy
    )


def _replay(scores: list[float], *, margin: float = 2.0, days: int = 1) -> list[tuple[str, Band]]:
    """Feed scores day by day, carrying the state as the job does; the alerts posted."""
    state: State | None = None
    posted = []
    for n in range(len(scores)):
        decision = _decide(scores[: n + 1], state, margin=margin, days=days)
        if decision.crossing is not None:
            posted.append((decision.crossing.kind.value, decision.crossing.to_band))
        if decision.new_band is not None:
            state = State(decision.new_band)
    return posted


def test_a_slide_into_needs_attention_alerts_once_inside_the_margin() -> None:
    assert _decide([59.0]).crossing is None  # Needs Attention, but within 2 points of 60
    decision = _decide([57.9], previous=G)
    assert decision.crossing is not None
    assert decision.crossing.kind is Kind.CROSSING
    assert (decision.crossing.from_band, decision.crossing.to_band) == (G, NA)
    assert decision.crossing.score == 57.9
    assert decision.new_band is NA


def test_the_margin_edge_itself_counts() -> None:
    assert _decide([58.0]).new_band is NA
    assert _decide([38.0], State(NA)).new_band is CR
    assert _decide([38.01], State(NA)).crossing is None


def test_zero_margin_uses_the_band_edges() -> None:
    assert _decide([60.0], margin=0).crossing is None  # 60 is Good
    assert _decide([59.99], margin=0).new_band is NA


def test_a_declining_group_alerts_at_needs_attention_then_at_critical_only() -> None:
    scores = [70 - 1.5 * n for n in range(30)]  # 70 down to 26.5
    assert _replay(scores) == [("crossing", NA), ("crossing", CR)]


def test_flapping_around_a_threshold_within_the_margin_posts_nothing() -> None:
    assert _replay([61.0, 59.1, 60.4, 58.5, 61.9, 59.0, 60.0, 58.1] * 4) == []


def test_flapping_after_an_alert_needs_the_margin_both_ways() -> None:
    # alerted at 57; back to 61 (< 62) and down again: no recovery, no second alert
    assert _replay([57.0, 61.0, 57.0, 61.5, 56.0]) == [("crossing", NA)]
    # a real recovery (>= 62) and a real relapse alert again
    assert _replay([57.0, 62.0, 57.0]) == [
        ("crossing", NA),
        ("recovered", G),
        ("crossing", NA),
    ]


def test_recovery_names_the_band_it_recovered_to() -> None:
    decision = _decide([85.0], State(CR))
    assert decision.crossing is not None
    assert decision.crossing.kind is Kind.RECOVERED
    assert (decision.crossing.from_band, decision.crossing.to_band) == (CR, EX)
    assert decision.crossing.group_id == 7  # the recovery note goes to this group's channel
    assert decision.new_band is EX


def test_critical_improving_to_needs_attention_posts_nothing_but_a_relapse_alerts() -> None:
    improved = _decide([45.0], State(CR))
    assert improved.crossing is None
    assert improved.new_band is NA
    assert _decide([41.0], State(CR)) == Decision(7)  # inside the margin: state unchanged
    assert _replay([30.0, 45.0, 35.0]) == [("crossing", CR), ("crossing", CR)]


def test_a_jump_straight_to_critical_is_one_alert() -> None:
    decision = _decide([30.0], previous=EX)
    assert decision.crossing is not None
    assert (decision.crossing.from_band, decision.crossing.to_band) == (EX, CR)


def test_the_same_band_is_not_alerted_again() -> None:
    assert _decide([50.0], State(NA)) == Decision(7)
    assert _decide([20.0], State(CR)) == Decision(7)


def test_consecutive_days_are_required_before_an_alert() -> None:
    assert _decide([57.0], days=3).crossing is None  # not enough history yet
    assert _decide([70.0, 57.0, 56.0], days=3).crossing is None
    assert _decide([57.0, 56.0, 30.0], days=3).new_band is NA  # all three inside NA; one is CR
    assert _replay([57.0, 56.0, 55.0, 70.0, 70.0, 70.0], days=3) == [
        ("crossing", NA),
        ("recovered", G),
    ]


def test_a_snooze_holds_worse_alerts_until_it_ends() -> None:
    snoozed = State(NA, snoozed_until=DAY + timedelta(days=7))
    assert _decide([30.0], snoozed) == Decision(7)
    after = _decide([30.0], snoozed, day=DAY + timedelta(days=7))
    assert after.crossing is not None
    assert after.crossing.to_band is CR


def test_a_recovery_goes_through_a_snooze() -> None:
    snoozed = State(NA, snoozed_until=DAY + timedelta(days=7))
    decision = _decide([65.0], snoozed)
    assert decision.crossing is not None
    assert decision.crossing.kind is Kind.RECOVERED


def test_decide_all_keeps_only_changes() -> None:
    decisions = decide_all(
        {1: [70.0], 2: [50.0], 3: [50.0], 4: [65.0]},
        day=DAY,
        states={3: State(NA), 4: State(CR)},
        previous_bands={2: G},
        edges=EDGES,
        policy=AlertPolicy(),
    )
    assert [(d.group_id, d.new_band) for d in decisions] == [(2, NA), (4, G)]


def test_a_policy_refuses_nonsense() -> None:
    message = r"^an alert policy needs margin >= 0 and consecutive_days >= 1$"
    with pytest.raises(ValueError, match=message):
        AlertPolicy(margin=-1)
    with pytest.raises(ValueError, match=message):
        AlertPolicy(consecutive_days=0)


def test_too_little_history_decides_nothing_for_that_group() -> None:
    assert _decide([30.0, 30.0], days=3) == Decision(7)


def test_a_further_slide_starts_from_the_band_last_alerted() -> None:
    # Alerted Needs Attention; yesterday's snapshot read Good (inside the margin, no recovery).
    decision = _decide([30.0], State(NA), previous=G)
    assert decision.crossing is not None
    assert (decision.crossing.from_band, decision.crossing.to_band) == (NA, CR)
    assert _decide([30.0], State(NA)).crossing == decision.crossing


def test_a_recovery_names_its_band_by_the_configured_edges() -> None:
    edges = BandThresholds(excellent=70, good=55, needs_attention=35)
    decision = decide(
        7, day=DAY, recent=[75.0], state=State(CR), previous_band=None, edges=edges,
        policy=AlertPolicy(),
    )  # fmt: skip
    assert decision.crossing is not None
    assert decision.crossing.to_band is EX  # Good under the default edges
    assert decision.new_band is EX


def test_decide_all_reads_each_groups_previous_band_and_keeps_state_only_changes() -> None:
    decisions = decide_all(
        {1: [30.0], 2: [30.0], 3: [45.0]},
        day=DAY,
        states={3: State(CR)},
        previous_bands={1: EX},
        edges=EDGES,
        policy=AlertPolicy(),
    )
    assert [(d.group_id, d.new_band) for d in decisions] == [(1, CR), (2, CR), (3, NA)]
    crossings = [d.crossing for d in decisions]
    # Group 2's band before is not known here: the job looks further back (bands_slid_from).
    assert [(c.from_band, c.to_band) for c in crossings if c is not None] == [(EX, CR), (None, CR)]
    assert crossings[2] is None  # Critical -> Needs Attention only lowers the state


@pytest.mark.parametrize(
    ("previous", "scores", "came_from"),
    [
        (None, [30.0], None),  # no snapshot before: nobody knows
        (CR, [30.0], None),  # already Critical yesterday: not an invented "Good -> Critical"
        (NA, [30.0], NA),
        (EX, [57.0], EX),
        (NA, [57.0], None),  # inside Needs Attention's margin yesterday, past it today
        (G, [57.0], G),
    ],
)
def test_a_first_alert_names_the_band_before_only_when_yesterday_was_better(
    previous: Band | None, scores: list[float], came_from: Band | None
) -> None:
    decision = _decide(scores, previous=previous)
    assert decision.crossing is not None
    assert decision.crossing.from_band is came_from
    assert decision.crossing.to_band is band_for(scores[-1], EDGES)


def test_a_state_made_only_by_a_snooze_does_not_name_good_as_the_band_before() -> None:
    snoozed = State(G, snoozed_until=DAY, last_alert_id=None)  # from a renewal reminder
    decision = _decide([30.0], snoozed, previous=CR)
    assert decision.crossing is not None
    assert (decision.crossing.from_band, decision.crossing.to_band) == (None, CR)
    decision = _decide([30.0], snoozed, previous=EX)
    assert decision.crossing is not None and decision.crossing.from_band is EX
    alerted = _decide([30.0], State(G), previous=CR)  # a real Good state: from Good
    assert alerted.crossing is not None and alerted.crossing.from_band is G


@given(
    st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=60),
    st.floats(min_value=0, max_value=10),
)
def test_every_alert_changes_the_remembered_band(scores: list[float], margin: float) -> None:
    """Whatever the scores: an alert always moves away from the band last remembered (so the
    same band is never alerted twice in a row), a recovery only follows an alert, and every
    alert is inside its band by the margin."""
    state: State | None = None
    for n in range(len(scores)):
        decision = _decide(scores[: n + 1], state, margin=margin)
        crossing = decision.crossing
        remembered = state.band if state is not None else G
        if crossing is not None:
            assert crossing.to_band != remembered
            if crossing.kind is Kind.RECOVERED:
                assert remembered in (NA, CR)
                assert crossing.score >= EDGES.good + margin
            else:
                assert crossing.to_band.is_worse_than(remembered)
                assert band_for(crossing.score, EDGES).rank >= crossing.to_band.rank
                upper = EDGES.good if crossing.to_band is NA else EDGES.needs_attention
                assert crossing.score <= upper - margin
        if decision.new_band is not None:
            state = State(decision.new_band)


# the edges, and the edges less or plus the margins
_EDGY = [37.5, 38.0, 39.5, 40.0, 42.0, 57.5, 58.0, 59.5, 60.0, 60.5, 62.0, 65.0]
_SCORES = st.lists(
    st.one_of(st.floats(min_value=0, max_value=100), st.sampled_from(_EDGY)), max_size=4
)
_STATES = st.one_of(
    st.none(),
    st.builds(
        State,
        st.sampled_from(list(Band)),
        st.one_of(st.none(), st.sampled_from([DAY, DAY + timedelta(days=1)])),
        st.sampled_from([None, 1]),
    ),
)


@given(
    groups=st.dictionaries(
        st.integers(min_value=1, max_value=50),
        st.tuples(_SCORES, _STATES, st.one_of(st.none(), st.sampled_from(list(Band)))),
        max_size=12,
    ),
    margin=st.sampled_from([0.0, 2.0, 5.0]),
    days=st.integers(min_value=1, max_value=3),
)
def test_decide_all_is_decide_for_each_group_keeping_changes(
    groups: dict[int, tuple[list[float], State | None, Band | None]], margin: float, days: int
) -> None:
    """The groups decide_all passes over without asking `decide` (no state, best score not
    below Good's edge) are exactly ones `decide` has nothing to say about."""
    policy = AlertPolicy(margin=margin, consecutive_days=days)
    states = {gid: state for gid, (_, state, _) in groups.items() if state is not None}
    previous = {gid: band for gid, (_, _, band) in groups.items() if band is not None}
    each = [
        decide(gid, day=DAY, recent=scores, state=state, previous_band=band, edges=EDGES,
               policy=policy)
        for gid, (scores, state, band) in sorted(groups.items())
    ]  # fmt: skip
    changes = [d for d in each if d.crossing is not None or d.new_band is not None]
    recent = {gid: scores for gid, (scores, _, _) in groups.items()}
    assert decide_all(recent, day=DAY, states=states, previous_bands=previous, edges=EDGES,
                      policy=policy) == changes  # fmt: skip


def test_decide_all_alerts_a_group_without_state_just_inside_the_margin() -> None:
    """Good's edge less the margin is the last score a group with no state is alerted at."""
    decisions = decide_all(
        {1: [58.0], 2: [58.01], 3: [59.99], 4: [60.0], 5: [57.0, 61.0], 6: [61.0, 57.0]},
        day=DAY, states={}, previous_bands={}, edges=EDGES, policy=AlertPolicy(2.0, 1),
    )  # fmt: skip
    assert [(d.group_id, d.new_band) for d in decisions] == [(1, NA), (6, NA)]
    no_margin = decide_all(
        {1: [59.5], 2: [60.0]}, day=DAY, states={}, previous_bands={}, edges=EDGES,
        policy=AlertPolicy(0.0, 1),
    )  # fmt: skip
    assert [(d.group_id, d.new_band) for d in no_margin] == [(1, NA)]
