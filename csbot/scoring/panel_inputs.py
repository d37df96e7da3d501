"""One group's rows for the panels, as plain frozen data (the store fills these in).

Only group-level aggregates and work items: never anything about a patient.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from csbot.scoring.inputs import GroupInputs, GroupProfile, Window


@dataclass(frozen=True)
class UsageDay:
    day: date
    active_users: int
    sessions: int
    session_minutes: float
    documents: int
    patients_total: int
    patients_billable: int


@dataclass(frozen=True)
class RevenueEntry:
    month: date  # first day of the month
    service_type: str
    amount: float


@dataclass(frozen=True)
class TicketEntry:
    id: int
    subject: str
    category: str
    priority: str
    status: str
    opened_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class SurveyEntry:
    day: date
    kind: str  # nps (0-10) / csat (1-5)
    score: int


@dataclass(frozen=True)
class FeatureEntry:
    feature: str
    tier: str  # core / advanced
    first_used: date | None = None
    last_used: date | None = None
    uses: int = 0


@dataclass(frozen=True)
class TaskEntry:
    phase: str
    name: str
    kind: str = "task"  # task / module
    sort_order: int = 0
    due: date | None = None
    done_at: datetime | None = None
    owner: str | None = None


@dataclass(frozen=True)
class GoalEntry:
    plan: str
    title: str
    metric: str
    baseline: float
    target: float
    current: float
    unit: str = ""
    owner: str | None = None
    due: date | None = None
    plan_start: date | None = None


@dataclass(frozen=True)
class ActionEntry:
    text: str
    owner: str | None = None
    due: date | None = None
    done_at: datetime | None = None
    goal: str | None = None


@dataclass(frozen=True)
class SnapshotEntry:
    day: date
    score: float
    band: str
    churn_risk: float | None = None


@dataclass(frozen=True)
class ActivityEntry:
    """A timeline entry, past or scheduled. Its notes stay in the store (they are free text a
    person typed); `has_notes` only says there are some."""

    kind: str  # meeting / call / email / note / milestone
    title: str
    occurred_at: datetime
    subtype: str | None = None  # e.g. qbr, check-in
    duration_minutes: int | None = None
    organizer: str | None = None  # a Slack user id or a name
    attendees: tuple[str, ...] = ()  # names
    has_notes: bool = False


@dataclass(frozen=True)
class ContactEntry:
    """One of the group's people, or of the internal team that serves it."""

    name: str
    role: str
    internal: bool = False
    email: str | None = None
    phone: str | None = None
    slack_user_id: str | None = None
    primary: bool = False


@dataclass(frozen=True)
class PanelData:
    """Everything the panels show for one group and window.

    `usage` covers the window and the previous one; `revenue` the last 12 months to `as_of`;
    `tickets` those opened in the window or still open at its end; `surveys` the lookback.
    """

    profile: GroupProfile
    window: Window
    inputs: GroupInputs  # what score_group needs, so a card shows the same health as alerts
    usage: tuple[UsageDay, ...] = ()
    revenue: tuple[RevenueEntry, ...] = ()
    tickets: tuple[TicketEntry, ...] = ()
    surveys: tuple[SurveyEntry, ...] = ()
    features: tuple[FeatureEntry, ...] = ()
    tasks: tuple[TaskEntry, ...] = ()
    goals: tuple[GoalEntry, ...] = ()
    actions: tuple[ActionEntry, ...] = ()
    snapshots: tuple[SnapshotEntry, ...] = ()  # this window length's daily health, oldest first
    phases: tuple[str, ...] = field(default=())  # onboarding phases in order, when known
    # the previous window, this one and scheduled ones up to the lookahead; milestones of any date
    activities: tuple[ActivityEntry, ...] = ()
    contacts: tuple[ContactEntry, ...] = ()  # all of the group's, and its internal team
