"""The tables. One row per thing that happened; scores are derived and kept as snapshots.

Indexes follow the panels' queries: a group and a date range.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from csbot.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(14, 2, asdecimal=False)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


def _group_fk() -> Any:
    return ForeignKey("physician_group.id", ondelete="CASCADE")


class PhysicianGroup(Base):
    __tablename__ = "physician_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    specialty: Mapped[str] = mapped_column(String(80))
    region: Mapped[str] = mapped_column(String(80))
    plan: Mapped[str] = mapped_column(String(40))
    seats: Mapped[int] = mapped_column(Integer)
    contract_start: Mapped[date] = mapped_column(Date)
    renewal_date: Mapped[date] = mapped_column(Date)
    arr: Mapped[float] = mapped_column(Money)
    csm_owner: Mapped[str | None] = mapped_column(String(32))
    csm_team: Mapped[str | None] = mapped_column(String(80))
    alert_channel: Mapped[str | None] = mapped_column(String(32))
    onboarding_phase: Mapped[str | None] = mapped_column(String(40))
    go_live_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]


class DailyUsage(Base):
    __tablename__ = "daily_usage"

    group_id: Mapped[int] = mapped_column(_group_fk(), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    active_users: Mapped[int] = mapped_column(Integer)
    sessions: Mapped[int] = mapped_column(Integer)
    session_minutes: Mapped[float] = mapped_column(Float)
    documents_processed: Mapped[int] = mapped_column(Integer)
    patients_total: Mapped[int] = mapped_column(Integer)
    patients_billable: Mapped[int] = mapped_column(Integer)

    # SQLite: WITHOUT ROWID (0011), a group's days read in the key's b-tree, not row by rowid.
    __table_args__ = (Index(None, "day"), {"sqlite_with_rowid": False})


class Revenue(Base):
    __tablename__ = "revenue"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(_group_fk())
    month: Mapped[date] = mapped_column(Date)  # first day of the month
    service_type: Mapped[str] = mapped_column(String(60))
    amount: Mapped[float] = mapped_column(Money)

    # (month, group_id, amount): the recompute's sums of a few months read only the index,
    # already in (group, month) order (migration 0009).
    __table_args__ = (
        UniqueConstraint("group_id", "month", "service_type"),
        Index(None, "month", "group_id", "amount"),
    )


class Ticket(Base):
    __tablename__ = "ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(_group_fk())
    source: Mapped[str] = mapped_column(String(20))  # slack / import / api / demo
    external_id: Mapped[str | None] = mapped_column(String(100))
    submission_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    opened_at: Mapped[datetime]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    created_by: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        # Panels read a group's tickets by when they were opened; the daily recompute reads
        # first responses and open high-priority tickets from these indexes alone, the open
        # ones as two ranges of the second (not resolved, or resolved after the day).
        Index(None, "group_id", "opened_at", "first_response_at"),
        Index(None, "priority", "resolved_at", "group_id", "opened_at", "status"),
    )


class Survey(Base):
    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(_group_fk())
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(8))  # nps (0-10) / csat (1-5)
    score: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20), default="demo")
    external_id: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index(None, "group_id", "day", "kind", "score"),  # covers the recompute's NPS and CSAT
    )


class FeatureUsage(Base):
    __tablename__ = "feature_usage"

    group_id: Mapped[int] = mapped_column(_group_fk(), primary_key=True)
    feature: Mapped[str] = mapped_column(String(80), primary_key=True)
    tier: Mapped[str] = mapped_column(String(10))  # core / advanced
    first_used: Mapped[date | None] = mapped_column(Date)
    last_used: Mapped[date | None] = mapped_column(Date)
    uses: Mapped[int] = mapped_column(Integer, default=0)


class OnboardingTask(Base):
    __tablename__ = "onboarding_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(_group_fk())
    phase: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10), default="task")  # task / module
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    due: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None]
    owner: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("group_id", "phase", "name"),
        Index(None, "group_id", "done_at", "due"),  # the recompute's onboarding facts
    )


class Activity(Base):
    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(_group_fk())
    kind: Mapped[str] = mapped_column(String(20))  # meeting / call / email / note / milestone
    subtype: Mapped[str | None] = mapped_column(String(40))  # e.g. qbr, check-in
    title: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime]
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    organizer: Mapped[str | None] = mapped_column(String(64))
    attendees: Mapped[list[Any]] = mapped_column(default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="demo")
    external_id: Mapped[str | None] = mapped_column(String(100))
    submission_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    reminded_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index(None, "group_id", "occurred_at"),
        # The recompute's last CS touch: on PostgreSQL the touch kinds' ranges of this index.
        Index(None, "kind", "group_id", "occurred_at"),
    )


class SuccessPlan(Base):
    __tablename__ = "success_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(_group_fk())
    title: Mapped[str] = mapped_column(String(200))
    initiative: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active")
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    external_id: Mapped[str | None] = mapped_column(String(100))  # natural key for imports

    __table_args__ = (Index(None, "group_id"), Index(None, "external_id", unique=True))


class Goal(Base):
    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("success_plan.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str] = mapped_column(String(80))
    baseline: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    current: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20), default="")
    owner: Mapped[str | None] = mapped_column(String(64))
    due: Mapped[date | None] = mapped_column(Date)
    external_id: Mapped[str | None] = mapped_column(String(100))  # natural key for imports

    __table_args__ = (Index(None, "plan_id"), Index(None, "external_id", unique=True))


class ActionItem(Base):
    __tablename__ = "action_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(_group_fk())
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="SET NULL"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str | None] = mapped_column(String(64))
    due: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None]
    external_id: Mapped[str | None] = mapped_column(String(100))  # natural key for imports

    # goal_id and activity_id are indexed so deleting goals or activities needs no scans
    __table_args__ = (
        Index(None, "group_id", "due"),
        Index(None, "goal_id"),
        Index(None, "activity_id"),
        Index(None, "external_id", unique=True),
    )


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(_group_fk())
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(80))
    internal: Mapped[bool] = mapped_column(Boolean, default=False)  # our team vs the group's people
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    primary: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (UniqueConstraint("group_id", "name"),)


class HealthSnapshot(Base):
    __tablename__ = "health_snapshot"

    group_id: Mapped[int] = mapped_column(_group_fk(), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    window_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    billability: Mapped[float | None] = mapped_column(Float)
    engagement: Mapped[float | None] = mapped_column(Float)
    revenue: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(20))
    churn_risk: Mapped[float | None] = mapped_column(Float)
    churn_level: Mapped[str | None] = mapped_column(String(20))
    arr_at_risk: Mapped[float | None] = mapped_column(Money)
    factors: Mapped[list[Any]] = mapped_column(default=list)
    computed_at: Mapped[datetime]

    # (day, group_id), not (day): a day's 10,000s of rows then have distinct keys, which
    # PostgreSQL adds at the index's end instead of deduplicating one key (migration 0009).
    __table_args__ = (Index(None, "day", "group_id"),)


class Alert(Base):
    """The outbox. A crossing is written here with the snapshot; delivery posts and records ts.
    A digest's row belongs to no group (its recipient is in the payload)."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(_group_fk())
    kind: Mapped[str] = mapped_column(String(20))  # crossing / recovered / renewal / digest
    from_band: Mapped[str | None] = mapped_column(String(20))
    to_band: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending / sent / dead
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    channel: Mapped[str | None] = mapped_column(String(32))
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None]

    __table_args__ = (Index(None, "state", "created_at"), Index(None, "group_id", "day"))


class AlertState(Base):
    """Per group, what was last alerted: the band a new day's score is compared with.

    No row means nothing was ever alerted (the group counts as Good). Written in the same
    transaction as the day's snapshots and outbox rows; the snooze comes from an alert's button.
    """

    __tablename__ = "alert_state"

    group_id: Mapped[int] = mapped_column(_group_fk(), primary_key=True)
    band: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)
    since: Mapped[date] = mapped_column(Date)
    last_alert_id: Mapped[int | None] = mapped_column(Integer)
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    snoozed_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class JobRun(Base):
    """A scheduled job's finished run for a day: what catch-up after downtime starts from."""

    __tablename__ = "job_run"

    job_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="ok")
    detail: Mapped[str | None] = mapped_column(String(500))


class SyncWatermark(Base):
    """Where `csbot sync` got to, per record kind: the next sync asks for changes since then.

    Written in the same transaction as the kind's records, so it moves only when they landed.
    """

    __tablename__ = "sync_watermark"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    watermark: Mapped[datetime]
    synced_at: Mapped[datetime]
    records: Mapped[int] = mapped_column(Integer, default=0)


class Audit(Base):
    """A write made from Slack: who (Slack user id), what, when, which group.

    Written in the same transaction as the write it records (csbot.store.audit.record), so
    neither lands without the other. `group_name` keeps the trail readable after a group goes.
    """

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))  # ticket / meeting / note / acknowledge / ...
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("physician_group.id", ondelete="SET NULL")
    )
    group_name: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)

    __table_args__ = (Index(None, "at"), Index(None, "group_id", "at"))


class RenewalOutcome(Base):
    """What happened at one of a group's renewals: renewed or contracted (new ARR) or churned
    (when, why). What `csbot backtest` and `/cs scorecheck` hold the scores against."""

    __tablename__ = "renewal_outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(_group_fk())
    renewal_date: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(12))  # renewed / contracted / churned
    new_arr: Mapped[float | None] = mapped_column(Money)
    churned_on: Mapped[date | None] = mapped_column(Date)
    reason_category: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))  # import / api / webhook / slack / demo
    recorded_at: Mapped[datetime]

    __table_args__ = (UniqueConstraint("group_id", "renewal_date"), Index(None, "renewal_date"))
