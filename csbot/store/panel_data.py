"""One group's rows for the panels: a few narrow queries, each bounded by the group and window."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from csbot.errors import NotFoundError
from csbot.scoring.config import FactorRules
from csbot.scoring.inputs import Window
from csbot.scoring.panel_inputs import (
    ActionEntry,
    ActivityEntry,
    ContactEntry,
    FeatureEntry,
    GoalEntry,
    PanelData,
    RevenueEntry,
    SnapshotEntry,
    SurveyEntry,
    TaskEntry,
    TicketEntry,
    UsageDay,
)
from csbot.store._query import day_end
from csbot.store.loading import load_scoring_inputs
from csbot.store.models import (
    ActionItem,
    Activity,
    Contact,
    DailyUsage,
    FeatureUsage,
    Goal,
    OnboardingTask,
    Revenue,
    SuccessPlan,
    Survey,
    Ticket,
)
from csbot.store.snapshots import snapshot_series

REVENUE_MONTHS = 12
ACTIVITY_LOOKAHEAD_DAYS = 30  # scheduled meetings the timeline and contacts panels show


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _usage(session: Session, group_id: int, window: Window) -> tuple[UsageDay, ...]:
    u = DailyUsage
    stmt = (
        select(
            u.day,
            u.active_users,
            u.sessions,
            u.session_minutes,
            u.documents_processed,
            u.patients_total,
            u.patients_billable,
        )
        .where(u.group_id == group_id, u.day.between(window.previous().start, window.as_of))
        .order_by(u.day)
    )
    return tuple(UsageDay(*row) for row in session.execute(stmt))


def _revenue(session: Session, group_id: int, window: Window) -> tuple[RevenueEntry, ...]:
    first = min(
        _months_back(window.as_of, REVENUE_MONTHS - 1),
        window.previous().previous().start.replace(day=1),
    )
    stmt = (
        select(Revenue.month, Revenue.service_type, Revenue.amount)
        .where(Revenue.group_id == group_id, Revenue.month.between(first, window.as_of))
        .order_by(Revenue.month, Revenue.service_type)
    )
    return tuple(RevenueEntry(m, kind, float(amount)) for m, kind, amount in session.execute(stmt))


def _tickets(session: Session, group_id: int, window: Window) -> tuple[TicketEntry, ...]:
    """Tickets opened in this or the previous window, or still open at its start."""
    t = Ticket
    since, end = day_end(window.previous().start - timedelta(days=1)), day_end(window.as_of)
    stmt = (
        select(
            t.id,
            t.subject,
            t.category,
            t.priority,
            t.status,
            t.opened_at,
            t.first_response_at,
            t.resolved_at,
        )
        .where(
            t.group_id == group_id,
            t.opened_at < end,
            or_(t.opened_at >= since, t.resolved_at.is_(None), t.resolved_at >= since),
        )
        .order_by(t.opened_at)
    )
    return tuple(TicketEntry(*row) for row in session.execute(stmt))


def _surveys(session: Session, group_id: int, as_of: date, days: int) -> tuple[SurveyEntry, ...]:
    stmt = (
        select(Survey.day, Survey.kind, Survey.score)
        .where(Survey.group_id == group_id, Survey.day.between(as_of - timedelta(days=days), as_of))
        .order_by(Survey.day)
    )
    return tuple(SurveyEntry(*row) for row in session.execute(stmt))


def _features(session: Session, group_id: int) -> tuple[FeatureEntry, ...]:
    f = FeatureUsage
    stmt = (
        select(f.feature, f.tier, f.first_used, f.last_used, f.uses)
        .where(f.group_id == group_id)
        .order_by(f.tier, f.feature)
    )
    return tuple(FeatureEntry(*row) for row in session.execute(stmt))


def _tasks(session: Session, group_id: int) -> tuple[TaskEntry, ...]:
    t = OnboardingTask
    stmt = (
        select(t.phase, t.name, t.kind, t.sort_order, t.due, t.done_at, t.owner)
        .where(t.group_id == group_id)
        .order_by(t.sort_order, t.id)
    )
    return tuple(TaskEntry(*row) for row in session.execute(stmt))


def _goals(session: Session, group_id: int) -> tuple[GoalEntry, ...]:
    g, p = Goal, SuccessPlan
    stmt = (
        select(
            p.title,
            g.title,
            g.metric,
            g.baseline,
            g.target,
            g.current,
            g.unit,
            g.owner,
            g.due,
            p.start,
        )
        .join(p, g.plan_id == p.id)
        .where(p.group_id == group_id)
        .order_by(p.start, p.id, g.id)
    )
    return tuple(
        GoalEntry(plan, title, metric, baseline, target, current, unit, owner, due, start)
        for plan, title, metric, baseline, target, current, unit, owner, due, start in (
            session.execute(stmt)
        )
    )


def _actions(session: Session, group_id: int) -> tuple[ActionEntry, ...]:
    a = ActionItem
    stmt = (
        select(a.text, a.owner, a.due, a.done_at, Goal.title)
        .outerjoin(Goal, a.goal_id == Goal.id)
        .where(a.group_id == group_id)
        .order_by(a.due, a.id)
    )
    return tuple(ActionEntry(*row) for row in session.execute(stmt))


def _activities(session: Session, group_id: int, window: Window) -> tuple[ActivityEntry, ...]:
    """The previous window, this one and the lookahead; milestones whenever they were."""
    a = Activity
    since = day_end(window.previous().start - timedelta(days=1))
    until = day_end(window.as_of + timedelta(days=ACTIVITY_LOOKAHEAD_DAYS))
    has_notes = a.notes.is_not(None)
    columns = (a.kind, a.title, a.occurred_at, a.subtype, a.duration_minutes, a.organizer)
    stmt = (
        select(*columns, a.attendees, has_notes)
        .where(
            a.group_id == group_id,
            a.occurred_at < until,
            or_(a.occurred_at >= since, a.kind == "milestone"),
        )
        .order_by(a.occurred_at, a.id)
    )
    return tuple(
        ActivityEntry(
            kind, title, at, subtype, minutes, organizer, tuple(str(p) for p in people or ()), notes
        )
        for kind, title, at, subtype, minutes, organizer, people, notes in session.execute(stmt)
    )


def _contacts(session: Session, group_id: int) -> tuple[ContactEntry, ...]:
    c = Contact
    stmt = (
        select(c.name, c.role, c.internal, c.email, c.phone, c.slack_user_id, c.primary)
        .where(c.group_id == group_id)
        .order_by(c.internal, c.primary.desc(), c.name)
    )
    return tuple(ContactEntry(*row) for row in session.execute(stmt))


def load_panel_data(
    session: Session,
    *,
    group_id: int,
    window_days: int,
    as_of: date,
    rules: FactorRules,
) -> PanelData:
    """Everything the panels show for one group, its scoring inputs loaded under `rules` (the
    running config's, as the recompute loads them); NotFoundError if there is no such group."""
    window = Window(as_of, window_days)
    inputs = load_scoring_inputs(
        session, as_of=as_of, window_days=window_days, group_ids=[group_id], rules=rules
    )
    if group_id not in inputs:
        raise NotFoundError(f"there is no physician group with id {group_id}")
    series = snapshot_series(
        session, group_id=group_id, window_days=window_days, start=window.start, end=as_of
    )
    return PanelData(
        profile=inputs[group_id].profile,
        window=window,
        inputs=inputs[group_id],
        usage=_usage(session, group_id, window),
        revenue=_revenue(session, group_id, window),
        tickets=_tickets(session, group_id, window),
        surveys=_surveys(session, group_id, as_of, rules.survey_lookback_days),
        features=_features(session, group_id),
        tasks=_tasks(session, group_id),
        goals=_goals(session, group_id),
        actions=_actions(session, group_id),
        activities=_activities(session, group_id, window),
        contacts=_contacts(session, group_id),
        snapshots=tuple(SnapshotEntry(p.day, p.score, p.band.value, p.churn_risk) for p in series),
    )
