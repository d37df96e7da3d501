"""The alert outbox: rows written with the day's snapshots, read and marked by delivery.

Each row has an idempotency key (group, kind, band, day) with a unique constraint, and is
inserted with `ON CONFLICT DO NOTHING`, so two runs of the same day (two replicas, a rerun,
a catch-up) write it once. Delivery claims one pending row at a time with
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (on SQLite the transaction holds the database's
write lock from its start, see csbot.store.db), posts it, and marks it sent with the Slack channel
and ts in the same transaction: a row is posted once.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session

from csbot.errors import NotFoundError
from csbot.store.dialect import insert_for
from csbot.store.models import Alert, PhysicianGroup

__all__ = [
    "AlertRecord",
    "GroupTarget",
    "NewAlert",
    "acknowledge",
    "alert_targets",
    "claim_alert",
    "get_alert",
    "known_keys",
    "list_alerts",
    "mark_failed",
    "mark_sent",
    "pending_alert_ids",
    "thread_of",
    "write_alerts",
]

PENDING, SENT = "pending", "sent"
ERROR_LIMIT = 500


@dataclass(frozen=True)
class NewAlert:
    """An alert to write; `payload` holds what the message shows, fixed on the day. A digest
    has no group: its recipient is in the payload, its key is `unique`."""

    group_id: int | None
    kind: str
    from_band: str | None
    to_band: str
    day: date
    payload: dict[str, Any] = field(default_factory=dict)
    unique: str | None = None  # the key, when the alert is not one per band and day

    @property
    def key(self) -> str:
        """The idempotency key: the same crossing on the same day is the same alert (a
        renewal reminder gives its own: group, renewal date, lead time)."""
        return self.unique or f"{self.group_id}:{self.kind}:{self.to_band}:{self.day.isoformat()}"


@dataclass(frozen=True)
class AlertRecord:
    """An outbox row as delivery and the CLI read it (a digest's has no group)."""

    id: int
    group_id: int | None
    kind: str
    from_band: str | None
    to_band: str
    day: date
    state: str
    payload: dict[str, Any]
    channel: str | None
    slack_ts: str | None
    thread_ts: str | None
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class GroupTarget:
    """What routing needs of a group: its name, CSM, team and own alert channel."""

    group_id: int
    name: str
    csm_owner: str | None
    csm_team: str | None
    alert_channel: str | None
    renewal_date: date | None = None


_COLUMNS = tuple(Alert.__table__.c[name] for name in AlertRecord.__dataclass_fields__)


def _record(row: Sequence[Any]) -> AlertRecord:
    return AlertRecord(*row)


def write_alerts(
    session: Session, alerts: Iterable[NewAlert], *, created_at: datetime
) -> tuple[dict[str, int], int]:
    """Insert the alerts not in the outbox yet. Returns every given key's row id, and how many
    rows this call added (a concurrent writer's rows are skipped by the unique key). The
    INSERT returns the new rows' keys and ids; only the keys it skipped are looked up."""
    given = {a.key: a for a in alerts}
    if not given:
        return {}, 0
    if session.get_bind().dialect.name == "postgresql":
        added = _insert_rows(session, given, created_at)
    else:
        stmt = insert_for(session, Alert.__table__).on_conflict_do_nothing(
            index_elements=["idempotency_key"]
        )
        rows = [{"group_id": a.group_id, "kind": a.kind, "from_band": a.from_band,
                 "to_band": a.to_band, "day": a.day, "idempotency_key": key, "state": PENDING,
                 "payload": a.payload, "attempts": 0, "created_at": created_at}
                for key, a in given.items()]  # fmt: skip
        new = session.execute(stmt.returning(Alert.idempotency_key, Alert.id), rows).all()
        added = {key: alert_id for key, alert_id in new}
    skipped = [key for key in given if key not in added]
    found = session.execute(
        select(Alert.idempotency_key, Alert.id).where(Alert.idempotency_key.in_(skipped))
    ).all() if skipped else []  # fmt: skip
    return {**added, **{key: alert_id for key, alert_id in found}}, len(added)


# PostgreSQL: every row in one statement whose one parameter is the rows as a JSON array
# (thousands of rows as VALUES lists cost more to build and parse than to write; as one text
# array per column psycopg escaped every quote of every payload with a regex, 0.35 s for the
# 7,126 alerts of a first run over 10,000 demo groups, where json.dumps takes a few ms)
_INSERT_ROWS = text("""
INSERT INTO alert (group_id, kind, from_band, to_band, day, state, attempts, idempotency_key,
                   payload, created_at)
SELECT g, k, f, t, d, :state, 0, key, p, :created_at
FROM json_to_recordset(CAST(:rows AS json))
     AS new (n integer, g integer, k varchar, f varchar, t varchar, d date, key varchar, p json)
ORDER BY n
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING idempotency_key, id
""").bindparams(bindparam("created_at", type_=Alert.__table__.c.created_at.type))  # UTC only


def _insert_rows(session: Session, given: dict[str, NewAlert], created_at: datetime
                   ) -> dict[str, int]:  # fmt: skip
    """The alerts as one INSERT of a JSON array of rows; the keys and ids of the rows it added,
    numbered in the order given."""
    rows = json.dumps([
        {"n": n, "g": a.group_id, "k": a.kind, "f": a.from_band, "t": a.to_band,
         "d": a.day.isoformat(), "key": key, "p": a.payload}
        for n, (key, a) in enumerate(given.items())
    ])  # fmt: skip
    found = session.execute(_INSERT_ROWS, {"state": PENDING, "created_at": created_at,
                                           "rows": rows})  # fmt: skip
    return {key: alert_id for key, alert_id in found}


def known_keys(session: Session, keys: Collection[str]) -> set[str]:
    """Which of these idempotency keys the outbox holds already."""
    if not keys:
        return set()
    stmt = select(Alert.idempotency_key).where(Alert.idempotency_key.in_(list(keys)))
    return set(session.scalars(stmt))


def pending_alert_ids(session: Session) -> list[int]:
    """Ids of the alerts waiting to be posted, oldest first (a group's alerts keep order)."""
    stmt = select(Alert.id).where(Alert.state == PENDING).order_by(Alert.id)
    return list(session.scalars(stmt))


def claim_alert(session: Session, alert_id: int) -> AlertRecord | None:
    """Lock a pending alert for posting; None when it is sent already or another replica is
    posting it right now (PostgreSQL skips rows locked by others; on SQLite the transaction
    waited for theirs to commit, so it reads the row as sent)."""
    stmt = (
        select(*_COLUMNS)
        .where(Alert.id == alert_id, Alert.state == PENDING)
        .with_for_update(skip_locked=True)
    )
    row = session.execute(stmt).first()
    return _record(row) if row is not None else None


def mark_sent(
    session: Session,
    alert_id: int,
    *,
    channel: str,
    ts: str,
    thread_ts: str | None,
    sent_at: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    """Record where the alert went; `payload` replaces the stored one (e.g. with the chart's
    file id, so a later update of the message shows the same chart)."""
    values: dict[str, Any] = {
        "state": SENT,
        "channel": channel,
        "slack_ts": ts,
        "thread_ts": thread_ts,
        "sent_at": sent_at,
        "attempts": Alert.attempts + 1,
        "last_error": None,
    }
    if payload is not None:
        values["payload"] = payload
    session.execute(update(Alert).where(Alert.id == alert_id).values(**values))


def mark_failed(session: Session, alert_id: int, *, error: str) -> None:
    """Count a failed attempt; the alert stays pending for the next run."""
    session.execute(
        update(Alert)
        .where(Alert.id == alert_id)
        .values(attempts=Alert.attempts + 1, last_error=error[:ERROR_LIMIT])
    )


def thread_of(session: Session, *, group_id: int, before_id: int) -> tuple[str, str] | None:
    """The channel and ts of the group's latest posted crossing alert before `before_id`: where
    its recovered note goes."""
    stmt = (
        select(Alert.channel, Alert.slack_ts)
        .where(
            Alert.group_id == group_id,
            Alert.kind == "crossing",
            Alert.state == SENT,
            Alert.id < before_id,
        )
        .order_by(Alert.id.desc())
        .limit(1)
    )
    row = session.execute(stmt).first()
    if row is None or row[0] is None or row[1] is None:
        return None
    return str(row[0]), str(row[1])


def get_alert(session: Session, alert_id: int) -> AlertRecord:
    row = session.execute(select(*_COLUMNS).where(Alert.id == alert_id)).first()
    if row is None:
        raise NotFoundError(f"there is no alert with id {alert_id}")
    return _record(row)


def acknowledge(session: Session, alert_id: int, *, user_id: str, at: datetime) -> AlertRecord:
    """Record who acknowledged the alert and when; the first acknowledgement stands."""
    session.execute(
        update(Alert)
        .where(Alert.id == alert_id, Alert.acknowledged_by.is_(None))
        .values(acknowledged_by=user_id, acknowledged_at=at)
    )
    return get_alert(session, alert_id)


def list_alerts(
    session: Session, *, pending_only: bool = False, limit: int = 50
) -> list[tuple[AlertRecord, str]]:
    """The newest alerts (or only the pending ones) with their group's name (a digest's: ""),
    newest first."""
    stmt = (
        select(*_COLUMNS, PhysicianGroup.name)
        .outerjoin(PhysicianGroup, PhysicianGroup.id == Alert.group_id)
        .order_by(Alert.id.desc())
        .limit(limit)
    )
    if pending_only:
        stmt = stmt.where(Alert.state == PENDING)
    return [(_record(row[:-1]), str(row[-1] or "")) for row in session.execute(stmt)]


def count_pending(session: Session) -> int:
    stmt = select(func.count()).select_from(Alert).where(Alert.state == PENDING)
    return int(session.scalar(stmt) or 0)


def alert_targets(session: Session, *, group_ids: Iterable[int]) -> dict[int, GroupTarget]:
    """Routing facts of these groups, in one query."""
    g = PhysicianGroup
    stmt = select(g.id, g.name, g.csm_owner, g.csm_team, g.alert_channel, g.renewal_date).where(
        g.id.in_(list(group_ids))
    )
    return {row[0]: GroupTarget(*row) for row in session.execute(stmt)}
