"""The alert outbox on SQLite and PostgreSQL: rows written once with their ids, claimed only
while pending, attempts counted, recovered notes threaded under the latest posted crossing, and
the listings `csbot alerts` and `csbot recompute --deliver` print."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from csbot.errors import NotFoundError
from csbot.store.db import transaction
from csbot.store.models import PhysicianGroup
from csbot.store.outbox import (
    GroupTarget,
    NewAlert,
    acknowledge,
    alert_targets,
    claim_alert,
    count_pending,
    get_alert,
    known_keys,
    list_alerts,
    mark_failed,
    mark_sent,
    pending_alert_ids,
    thread_of,
    write_alerts,
)

T0 = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
DAY = date(2026, 3, 30)


def _group(session: Session, name: str, **routing: str) -> int:
    group = PhysicianGroup(
        name=name,
        slug=name.lower().replace(" ", "-"),
        aliases=[],
        specialty="Family medicine",
        region="East",
        plan="growth",
        seats=10,
        contract_start=date(2025, 1, 1),
        renewal_date=date(2027, 1, 1),
        arr=120_000.0,
        created_at=T0,
        **routing,
    )
    session.add(group)
    session.flush()
    return group.id


@pytest.fixture
def groups(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with transaction(sessions) as session:
        acme = _group(
            session, "Acme Family Medicine", csm_owner="U0CSM", csm_team="East", alert_channel="C1"
        )
        return acme, _group(session, "Birch Pediatrics")


def _crossing(group_id: int, to_band: str = "Critical", day: date = DAY) -> NewAlert:
    return NewAlert(group_id, "crossing", "Good", to_band, day, {"score": 31.5})


def _write(sessions: sessionmaker[Session], *alerts: NewAlert) -> list[int]:
    with transaction(sessions) as session:
        ids, _ = write_alerts(session, alerts, created_at=T0)
    return [ids[a.key] for a in alerts]


def _send(sessions: sessionmaker[Session], alert_id: int, ts: str) -> None:
    with transaction(sessions) as session:
        mark_sent(session, alert_id, channel="C1", ts=ts, thread_ts=None, sent_at=T0)


def test_a_new_alert_is_pending_with_no_attempts_and_its_id_returned(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    alert = _crossing(groups[0])
    [alert_id] = _write(sessions, alert)
    with transaction(sessions) as session:
        stored = get_alert(session, alert_id)
        again, added = write_alerts(session, [alert], created_at=T0 + timedelta(hours=1))
    assert (stored.state, stored.attempts, stored.payload) == ("pending", 0, {"score": 31.5})
    assert (stored.group_id, stored.to_band, stored.created_at.replace(tzinfo=UTC)) == (
        groups[0],
        "Critical",
        T0,
    )
    assert (again, added) == ({alert.key: alert_id}, 0)


def test_an_unknown_alert_is_a_clear_not_found(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session, pytest.raises(NotFoundError) as caught:
        get_alert(session, 999)
    assert str(caught.value) == "there is no alert with id 999"


def test_only_the_asked_pending_alert_is_claimed(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    first, second = _write(sessions, _crossing(groups[0]), _crossing(groups[1]))
    with transaction(sessions) as session:
        claimed = claim_alert(session, second)
    assert claimed is not None and (claimed.id, claimed.group_id) == (second, groups[1])
    _send(sessions, second, "1.1")
    with transaction(sessions) as session:
        assert claim_alert(session, second) is None  # posted already
        assert claim_alert(session, 999) is None
        assert pending_alert_ids(session) == [first]


def test_attempts_count_failures_and_the_post(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    [alert_id] = _write(sessions, _crossing(groups[0]))
    with transaction(sessions) as session:
        mark_failed(session, alert_id, error="ratelimited " + "x" * 600)
        mark_failed(session, alert_id, error="ratelimited")
        failed = get_alert(session, alert_id)
    assert (failed.state, failed.attempts, failed.last_error) == ("pending", 2, "ratelimited")
    _send(sessions, alert_id, "1.1")
    with transaction(sessions) as session:
        sent = get_alert(session, alert_id)
    assert (sent.state, sent.attempts, sent.last_error) == ("sent", 3, None)
    assert (sent.channel, sent.slack_ts) == ("C1", "1.1")


def test_pending_alerts_come_oldest_first_even_after_failed_attempts(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    ids = _write(sessions, *(_crossing(groups[0], day=DAY + timedelta(d)) for d in range(3)))
    with transaction(sessions) as session:
        mark_failed(session, ids[0], error="timeout")  # the row is rewritten
        mark_failed(session, ids[1], error="timeout")
        assert pending_alert_ids(session) == ids
        assert count_pending(session) == 3
    _send(sessions, ids[1], "1.1")
    with transaction(sessions) as session:
        assert pending_alert_ids(session) == [ids[0], ids[2]]
        assert count_pending(session) == 2


def test_no_pending_alerts_counts_zero(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    with transaction(sessions) as session:
        assert count_pending(session) == 0
    [alert_id] = _write(sessions, _crossing(groups[0]))
    _send(sessions, alert_id, "1.1")
    with transaction(sessions) as session:
        assert count_pending(session) == 0


def test_the_first_acknowledgement_stands_and_touches_only_that_alert(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    first, second = _write(sessions, _crossing(groups[0]), _crossing(groups[1]))
    with transaction(sessions) as session:
        acked = acknowledge(session, first, user_id="U1", at=T0)
        again = acknowledge(session, first, user_id="U2", at=T0 + timedelta(hours=1))
        other = get_alert(session, second)
    assert (acked.acknowledged_by, again.acknowledged_by) == ("U1", "U1")
    assert again.acknowledged_at is not None and again.acknowledged_at.replace(tzinfo=UTC) == T0
    assert (other.acknowledged_by, other.acknowledged_at) == (None, None)


def test_a_recovery_threads_under_the_latest_posted_crossing_before_it(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    acme = groups[0]
    old, note, latest, unsent = _write(
        sessions,
        _crossing(acme, "Needs Attention", DAY),
        NewAlert(acme, "recovered", "Needs Attention", "Good", DAY + timedelta(1)),
        _crossing(acme, "Critical", DAY + timedelta(2)),
        _crossing(acme, "Needs Attention", DAY + timedelta(3)),
    )
    [recovery, later] = _write(
        sessions,
        NewAlert(acme, "recovered", "Critical", "Good", DAY + timedelta(4)),
        _crossing(acme, "Critical", DAY + timedelta(5)),
    )
    for alert_id, ts in ((old, "1.1"), (note, "1.2"), (latest, "1.3"), (later, "1.5")):
        _send(sessions, alert_id, ts)
    with transaction(sessions) as session:
        assert thread_of(session, group_id=acme, before_id=recovery) == ("C1", "1.3")
        assert thread_of(session, group_id=acme, before_id=latest) == ("C1", "1.1")
        assert thread_of(session, group_id=acme, before_id=old) is None
        assert thread_of(session, group_id=groups[1], before_id=recovery) is None
    assert unsent  # pending: never a thread


def test_alerts_are_listed_newest_first_with_the_group_name(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    ids = _write(sessions, *(_crossing(groups[d % 2], day=DAY + timedelta(d)) for d in range(52)))
    _send(sessions, ids[-1], "1.1")
    with transaction(sessions) as session:
        listed = list_alerts(session)
        pending = list_alerts(session, pending_only=True, limit=2)
    assert [a.id for a, _ in listed] == ids[::-1][:50]
    assert listed[0][0].state == "sent" and listed[0][1] == "Birch Pediatrics"
    assert listed[1][1] == "Acme Family Medicine"
    assert [a.id for a, _ in pending] == [ids[-2], ids[-3]]


def test_a_digest_is_listed_without_a_group_name(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    digest = NewAlert(None, "digest", None, "book", DAY, {"recipient": "U0CSM"}, unique="d:U0CSM")
    crossing_id, digest_id = _write(sessions, _crossing(groups[0]), digest)
    with transaction(sessions) as session:
        listed = list_alerts(session)
    assert [(a.id, name) for a, name in listed] == [
        (digest_id, ""),
        (crossing_id, "Acme Family Medicine"),
    ]


def test_a_write_of_stored_and_new_alerts_adds_the_new_ones_in_order_and_returns_every_id(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    held = _crossing(groups[0])
    [held_id] = _write(sessions, held)
    digest = NewAlert(None, "digest", None, "book", DAY, {"recipient": "U0CSM"}, unique="d:U0CSM")
    fresh = [
        NewAlert(groups[1], "crossing", None, "Critical", DAY, {"reasons": ["usage fell"]}),
        digest,
        NewAlert(groups[0], "crossing", "Good", "Critical", DAY, {"score": 1.0}),  # held's key
        NewAlert(groups[1], "renewal", None, "Good", DAY, {"days": 30}, unique="2:r:30"),
    ]
    with transaction(sessions) as session:
        ids, added = write_alerts(session, fresh, created_at=T0 + timedelta(hours=1))
    with transaction(sessions) as session:
        stored = [get_alert(session, ids[a.key]) for a in fresh]
        pending = pending_alert_ids(session)
    assert added == 3 and ids[held.key] == held_id and len(set(ids.values())) == 4
    assert pending == [held_id, ids[fresh[0].key], ids[digest.key], ids["2:r:30"]]
    assert [(a.group_id, a.kind, a.from_band, a.to_band, a.day, a.payload) for a in stored] == [
        (groups[1], "crossing", None, "Critical", DAY, {"reasons": ["usage fell"]}),
        (None, "digest", None, "book", DAY, {"recipient": "U0CSM"}),
        (groups[0], "crossing", "Good", "Critical", DAY, {"score": 31.5}),  # as first written
        (groups[1], "renewal", None, "Good", DAY, {"days": 30}),
    ]
    assert [(a.state, a.attempts, a.created_at.replace(tzinfo=UTC)) for a in stored] == [
        ("pending", 0, T0 + timedelta(hours=1)),
        ("pending", 0, T0 + timedelta(hours=1)),
        ("pending", 0, T0),
        ("pending", 0, T0 + timedelta(hours=1)),
    ]


def test_a_write_of_alerts_at_a_naive_time_is_refused_and_stores_nothing(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    # PostgreSQL writes alerts in one statement of arrays; its time is the model's UTC type too
    naive = T0.replace(tzinfo=None)
    with pytest.raises(Exception, match="naive datetime"), transaction(sessions) as session:
        write_alerts(session, [_crossing(groups[0])], created_at=naive)
    with transaction(sessions) as session:
        assert pending_alert_ids(session) == []


def test_pending_alerts_come_in_the_order_written_even_when_a_clock_was_behind(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    # A replica whose clock is an hour behind writes the later alert: its created_at is earlier.
    with transaction(sessions) as session:
        ids, _ = write_alerts(session, [_crossing(groups[0])], created_at=T0)
        late, _ = write_alerts(session, [_crossing(groups[1])], created_at=T0 - timedelta(hours=1))
    with transaction(sessions) as session:
        assert pending_alert_ids(session) == [*ids.values(), *late.values()]


def test_known_keys_are_the_asked_keys_the_outbox_holds(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    held, other = _crossing(groups[0]), _crossing(groups[1])
    _write(sessions, held, other)
    with transaction(sessions) as session:
        assert known_keys(session, {held.key, "1:renewal:2027-01-01:30"}) == {held.key}
        assert known_keys(session, set()) == set()


def test_routing_facts_of_the_asked_groups(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    acme, birch = groups
    with transaction(sessions) as session:
        targets = alert_targets(session, group_ids=[acme, birch])
        only_birch = alert_targets(session, group_ids=iter([birch]))
    assert targets == {
        acme: GroupTarget(acme, "Acme Family Medicine", "U0CSM", "East", "C1", date(2027, 1, 1)),
        birch: GroupTarget(birch, "Birch Pediatrics", None, None, None, date(2027, 1, 1)),
    }
    assert list(only_birch) == [birch]


def test_a_row_another_replica_is_posting_is_skipped_not_waited_for(
    database_url: str, sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite is one process; row locks are PostgreSQL's")
    first, second = _write(sessions, _crossing(groups[0]), _crossing(groups[1]))
    with sessions() as posting, sessions() as other:
        assert claim_alert(posting, first) is not None  # holds the row lock
        other.execute(text("SET LOCAL lock_timeout = '5s'"))
        assert claim_alert(other, first) is None
        claimed = claim_alert(other, second)
        assert claimed is not None and claimed.id == second
        posting.rollback()
        other.rollback()


def test_payloads_with_awkward_text_are_stored_as_given(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    """What an array literal or a JSON document must escape: quotes, backslashes, braces,
    commas, NULL-like text, line breaks, non-ASCII, nested lists and nulls."""
    awkward = {
        "reasons": ['usage fell "a lot", {fast}', "back\\slash", "NULL", "", "line\nbreak"],
        "group": "Clínica São José \u2212 \U0001f7e0",
        "nested": {"n": None, "list": [1, 2.5, [True, False]], "t": "\t"},
    }
    alerts = [
        NewAlert(groups[0], "crossing", None, "Critical", DAY, awkward),
        NewAlert(groups[1], "renewal", None, "no data", DAY, {}, unique='1:"r":{x}'),
    ]
    ids = _write(sessions, *alerts)
    with transaction(sessions) as session:
        stored = [get_alert(session, i) for i in ids]
    assert [(a.payload, a.from_band, a.to_band) for a in stored] == [
        (awkward, None, "Critical"),
        ({}, None, "no data"),
    ]
    assert ids[1] > ids[0]


def test_many_alerts_get_ids_in_the_order_given(
    sessions: sessionmaker[Session], groups: tuple[int, int]
) -> None:
    alerts = [
        NewAlert(groups[n % 2], "renewal", None, "Good", DAY, {"n": n}, unique=f"k{n:03d}")
        for n in reversed(range(300))
    ]
    with transaction(sessions) as session:
        ids, added = write_alerts(session, alerts, created_at=T0)
    with transaction(sessions) as session:
        pending = pending_alert_ids(session)
        stored = [get_alert(session, i).payload["n"] for i in pending]
    assert added == 300 and pending == [ids[a.key] for a in alerts]
    assert stored == list(reversed(range(300)))
