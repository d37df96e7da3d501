"""Panel metrics on a hand-built group, against numbers worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from scoring_builders import AS_OF, steady

from csbot.scoring.config import default_config
from csbot.scoring.panel_inputs import (
    ActionEntry,
    FeatureEntry,
    GoalEntry,
    PanelData,
    RevenueEntry,
    SurveyEntry,
    TaskEntry,
    TicketEntry,
    UsageDay,
)
from csbot.scoring.panels import (
    adoption_metrics,
    engagement_metrics,
    onboarding_metrics,
    plan_metrics,
    revenue_metrics,
    support_metrics,
)
from csbot.scoring.panels._common import Change, Count, percentile, signed_pct
from csbot.scoring.panels.engagement import WeekPoint


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _usage() -> tuple[UsageDay, ...]:
    # previous 30 days: 10 users a day; the window: 6 users a day
    return tuple(
        UsageDay(AS_OF - timedelta(days=i), 6 if i < 30 else 10, 10, 100.0, 40, 30, 24)
        for i in range(60)
    )


def data(**changes: object) -> PanelData:
    inputs = steady()
    values: dict[str, object] = {
        "profile": inputs.profile,
        "window": inputs.window,
        "inputs": inputs,
        "usage": _usage(),
    }
    values.update(changes)
    return PanelData(**values)  # type: ignore[arg-type]


def test_percentile_and_change() -> None:
    assert percentile([1.0, 2.0, 30.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(i) for i in range(1, 11)], 90) == pytest.approx(9.1)
    assert percentile([], 50) is None
    assert Change(6, 10).pct == pytest.approx(-40)
    assert Change(6, 10).text("Active users", 30) == (
        "Active users down 40% against the previous 30 days (10.0\u21926.0)"
    )
    assert Change(6, None).pct is None


def test_engagement_panel() -> None:
    features = (
        FeatureEntry("Charge capture", "core", date(2025, 1, 1), AS_OF, 100),
        FeatureEntry("Forecasting", "advanced", date(2025, 1, 1), date(2025, 6, 1), 3),
    )
    m = engagement_metrics(data(features=features))
    assert m.active_users == Change(6.0, 10.0)
    assert m.seat_utilization_pct == pytest.approx(60.0)  # 6 of 10 seats
    assert len(m.daily_active_users) == 30
    assert m.daily_active_users[0].day == AS_OF - timedelta(days=29)
    assert sum(w.sessions for w in m.weekly) == 300
    assert m.avg_session_minutes == Change(10.0, 10.0)
    assert (m.features_used, m.features_total, m.feature_adoption_pct) == (1, 2, 50.0)
    assert m.insights[0] == (
        "Active users a day down 40% against the previous 30 days (10.0\u21926.0) "
        "\u2014 the biggest change"
    )


def _usage_days(now: tuple[int, int, float, int], before: tuple[int, int, float, int]) -> PanelData:
    """60 days of usage: (users, sessions, session minutes, documents) a day in the window,
    then in the 30 days before it."""
    return data(
        usage=tuple(
            UsageDay(AS_OF - timedelta(days=i), *(now if i < 30 else before), 0, 0)
            for i in range(60)
        )
    )


@pytest.mark.parametrize(
    ("now", "insight"),
    [
        ((5, 13, 130.0, 40), "Sessions up 30% against the previous 30 days (300\u2192390)"),
        (
            (5, 10, 125.0, 40),
            "Minutes a session up 25% against the previous 30 days (10.0\u219212.5)",
        ),
        (
            (5, 10, 100.0, 50),
            "Documents processed up 25% against the previous 30 days (1200\u21921500)",
        ),
        (
            (3, 6, 60.0, 40),
            "Active users a day down 40% against the previous 30 days (5.0\u21923.0)",
        ),
    ],
)
def test_engagement_names_the_biggest_change_with_its_figures(
    now: tuple[int, int, float, int], insight: str
) -> None:
    # the last case ties users and sessions at -40%: the first listed, active users, is named
    m = engagement_metrics(_usage_days(now, before=(5, 10, 100.0, 40)))
    assert m.insights[0] == insight + " \u2014 the biggest change"


def test_engagement_seat_use_line_below_60_percent_with_seats_idle() -> None:
    def seat_line(users: int, seats: int, days: int = 30) -> tuple[str, ...]:
        profile = replace(steady().profile, seats=seats)
        usage = tuple(
            UsageDay(AS_OF - timedelta(days=i), users, 0, 0.0, 0, 0, 0) for i in range(days)
        )
        return engagement_metrics(data(usage=usage, profile=profile)).insights

    assert seat_line(6, 10) == ()  # 60% is not below 60%
    assert seat_line(0, 10) == ("Seat use 0%: 10 of 10 seats idle on an average day",)
    assert seat_line(5, 10) == ("Seat use 50%: 5 of 10 seats idle on an average day",)
    # 0.55 users a day on 1 seat: 55%, yet no whole seat idle on an average day
    profile = replace(steady().profile, seats=1)
    usage = tuple(
        UsageDay(AS_OF - timedelta(days=i), int(i < 11), 0, 0.0, 0, 0, 0) for i in range(20)
    )
    m = engagement_metrics(data(usage=usage, profile=profile))
    assert m.seat_utilization_pct == pytest.approx(55.0)
    assert m.insights == ()


def test_engagement_series_weeks_and_an_empty_window() -> None:
    start = AS_OF - timedelta(days=29)
    features = (
        FeatureEntry("From the first day", "core", start, start, 2),
        FeatureEntry("The day before", "core", start, start - timedelta(days=1), 2),
    )
    m = engagement_metrics(_usage_days((4, 2, 30.0, 1), (5, 10, 100.0, 40)))
    assert [(p.day, p.value) for p in m.daily_sessions[:2]] == [
        (start, 2),
        (start + timedelta(1), 2),
    ]
    monday = AS_OF - timedelta(days=AS_OF.weekday())
    assert m.weekly[-1] == WeekPoint(monday, 4.0, 2 * 2, 2, 60.0)  # Monday 30 March and 31 March
    m = engagement_metrics(
        data(usage=_usage_days((0,) * 4, (5, 10, 100.0, 40)).usage[30:], features=features)
    )
    assert (m.sessions.current, m.documents.current, m.peak_daily_active_users) == (None, None, 0)
    assert (m.features_used, m.features_total) == (1, 2)
    assert m.insights == ("1 of 2 features used in the last 30 days",)


def test_revenue_panel() -> None:
    revenue = tuple(
        RevenueEntry(date(2026, m, 1), kind, amount)
        for m in (1, 2, 3)
        for kind, amount in (("Professional billing", 7_000.0), ("Coding", 3_000.0))
    )
    features = (FeatureEntry("Forecasting", "advanced"),)
    m = revenue_metrics(data(revenue=revenue, features=features), default_config())
    # March 2-31 is 30/31 of March's 10,000; the rate is 10,000 a month
    assert m.total == pytest.approx(10_000 * 30 / 31)
    assert m.mrr == pytest.approx(10_000)
    assert m.arr == pytest.approx(120_000)
    assert m.growth_pct == pytest.approx(0.0)
    # the plan's target over the same 30 days: the group is on target
    assert m.target == pytest.approx(10_000 * 30 / 31)
    assert m.attainment_pct == pytest.approx(100.0)
    assert [(s.service_type, round(s.share_pct)) for s in m.by_service] == [
        ("Professional billing", 70),
        ("Coding", 30),
    ]
    assert m.months == (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1))
    assert len(m.monthly) == 6
    assert m.trend == "flat"
    assert m.opportunities == ("1 advanced feature not adopted (Forecasting)",)
    assert m.insights == (  # a flat trend is not worth a line
        "Revenue \u00b10% against the previous 30 days",
        "Professional billing is 70% of revenue",
    )


def test_support_panel() -> None:
    tickets = (
        TicketEntry(
            1,
            "Export fails",
            "technical",
            "high",
            "open",
            at(date(2026, 3, 10)),
            first_response_at=at(date(2026, 3, 11), 15),
        ),
        TicketEntry(
            2,
            "Invoice",
            "billing",
            "normal",
            "resolved",
            at(date(2026, 3, 5)),
            at(date(2026, 3, 5), 10),
            at(date(2026, 3, 6), 9),
        ),
        TicketEntry(
            3,
            "SSO",
            "technical",
            "urgent",
            "pending",
            at(date(2026, 3, 20)),
            at(date(2026, 3, 20), 11),
        ),
        TicketEntry(4, "Old one", "data", "low", "open", at(date(2026, 1, 5))),
    )
    surveys = (
        SurveyEntry(date(2026, 3, 1), "nps", 10),
        SurveyEntry(date(2026, 3, 2), "nps", 5),
        SurveyEntry(date(2026, 3, 3), "nps", 8),
        SurveyEntry(date(2026, 3, 4), "nps", 9),
        SurveyEntry(date(2026, 3, 5), "csat", 3),
        SurveyEntry(date(2026, 3, 6), "csat", 4),
    )
    m = support_metrics(data(tickets=tickets, surveys=surveys), default_config().factors)
    assert (m.opened, m.resolved, m.open_now) == (3, 1, 3)
    assert [(c.name, c.count) for c in m.open_by_priority] == [
        ("urgent", 1),
        ("high", 1),
        ("low", 1),
    ]
    assert [(c.name, c.count) for c in m.by_category] == [("technical", 2), ("billing", 1)]
    assert m.first_response_median_h == pytest.approx(2.0)  # 30, 1, 2 hours
    assert m.resolution_median_h == pytest.approx(24.0)
    assert m.nps == pytest.approx(25.0)  # 2 promoters, 1 detractor of 4
    assert m.csat == pytest.approx(3.5)
    assert m.oldest_open[0].id == 3 and m.oldest_open[-1].id == 4
    assert m.oldest_open[-1].age_days == 85
    assert "2 high-priority tickets open" in m.insights


def test_adoption_panel() -> None:
    features = (
        FeatureEntry("Charge capture", "core", date(2025, 2, 1), AS_OF, 500),
        FeatureEntry("Claims scrubber", "core", date(2025, 3, 1), date(2025, 12, 1), 60),
        FeatureEntry("Denials", "core"),
        FeatureEntry("Forecasting", "advanced", date(2026, 3, 20), AS_OF, 4),
    )
    m = adoption_metrics(data(features=features))
    assert (m.core_adopted, m.core_total, m.advanced_adopted, m.advanced_total) == (2, 3, 1, 1)
    assert m.core_adopted_pct == pytest.approx(200 / 3)
    assert [(c.name, c.count) for c in m.funnel] == [
        ("Available", 4),
        ("Tried", 3),
        ("Used in the last 30 days", 2),
        ("Used 50+ times", 2),
    ]
    assert [f.feature for f in m.recommendations] == ["Denials", "Claims scrubber"]
    reached = {s.name: s.day for s in m.milestones if s.reached}
    assert reached["First feature used"] == date(2025, 2, 1)
    assert reached["All advanced features adopted"] == date(2026, 3, 20)
    assert "All core features adopted" not in reached
    assert m.projected_impact == (
        "Adopting the 1 recommended feature would lift adoption from 75% to 100%."
    )


def test_onboarding_panel() -> None:
    tasks = (
        TaskEntry(
            "Kickoff",
            "Kickoff call",
            sort_order=1,
            due=date(2026, 2, 1),
            done_at=at(date(2026, 2, 1)),
        ),
        TaskEntry("Kickoff", "Team named", sort_order=2, due=date(2026, 3, 1)),
        TaskEntry(
            "Training",
            "Claims basics",
            kind="module",
            sort_order=3,
            due=date(2026, 3, 25),
            done_at=at(date(2026, 3, 20)),
        ),
        TaskEntry("Training", "Reporting", kind="module", sort_order=4, due=date(2026, 4, 10)),
    )
    m = onboarding_metrics(data(tasks=tasks), stalled_days=14)
    assert [(p.phase, p.done, p.total, p.pct_done) for p in m.phases] == [
        ("Kickoff", 1, 2, 50.0),
        ("Training", 1, 2, 50.0),
    ]
    assert m.current_phase == "Kickoff"
    assert (m.modules_done, m.modules_total) == (1, 2)
    assert [(t.name, t.days_overdue) for t in m.overdue] == [("Team named", 30)]
    assert [t.name for t in m.next_steps] == ["Team named", "Reporting"]
    assert m.pct_done == 50.0
    assert m.insights[1] == "1 item overdue, the oldest 'Team named' by 30 days"


def test_success_plan_panel() -> None:
    goals = (
        GoalEntry(
            "Plan",
            "Cut denials",
            "denial_rate",
            12.0,
            6.0,
            9.0,
            "%",
            due=date(2026, 6, 30),
            plan_start=date(2026, 1, 1),
        ),
        GoalEntry("Plan", "Grow users", "wau", 50.0, 90.0, 50.0, "%"),
    )
    actions = (
        ActionEntry("Review denials", due=date(2026, 3, 1)),
        ActionEntry("Share report", due=date(2026, 4, 15)),
        ActionEntry("Kickoff", due=date(2026, 1, 15), done_at=at(date(2026, 1, 14))),
    )
    m = plan_metrics(data(goals=goals, actions=actions))
    assert [g.pct for g in m.goals] == [50.0, 0.0]  # 12 -> 9 of the way to 6 is half
    assert m.goals[0].on_track is True  # 50% done, 49% of the time gone
    assert m.goals[1].on_track is None
    assert (m.open_actions, m.done_actions) == (2, 1)
    assert [(a.text, a.days_overdue) for a in m.overdue_actions] == [("Review denials", 30)]
    assert [a.text for a in m.upcoming_actions] == ["Share report"]


def test_empty_group_panels_do_not_crash() -> None:
    empty = data(usage=())
    assert engagement_metrics(empty).active_users == Change(None, None)
    assert revenue_metrics(empty, default_config()).total is None
    assert support_metrics(empty, default_config().factors).nps is None
    assert adoption_metrics(empty).projected_impact == "No feature usage recorded yet."
    assert onboarding_metrics(empty, stalled_days=14).insights == ("No onboarding plan on record",)
    assert plan_metrics(empty).insights == ("No success plan on record",)


def _goal(baseline: float, target: float, current: float, **dates: date) -> GoalEntry:
    return GoalEntry("Plan", "Goal", "metric", baseline, target, current, "%", **dates)


def test_goal_progress_at_its_edges() -> None:
    goals = (
        _goal(5.0, 5.0, 5.0),  # target is the baseline and reached: done
        _goal(5.0, 5.0, 4.0),  # target is the baseline, not reached: nothing
        _goal(10.0, 11.0, 10.5),  # a span of one: half way
        _goal(10.0, 20.0, 25.0),  # beyond the target: 100, not more
        _goal(10.0, 20.0, 5.0),  # moved away from the target: 0, not less
    )
    m = plan_metrics(data(goals=goals))
    assert [g.pct for g in m.goals] == [100.0, 0.0, 50.0, 100.0, 0.0]


def test_goal_pace_at_its_edges() -> None:
    # AS_OF is 31 March: 1 March to 30 April is exactly half gone.
    half = {"plan_start": date(2026, 3, 1), "due": date(2026, 4, 30)}
    past_due = {"plan_start": date(2026, 1, 1), "due": date(2026, 3, 1)}
    goals = (
        _goal(0.0, 10.0, 5.0, **half),  # half done at half time: on track
        _goal(0.0, 10.0, 4.9, **half),  # just behind
        _goal(0.0, 10.0, 10.0, **past_due),  # done, past its date: on track
        _goal(0.0, 10.0, 5.0, due=date(2026, 4, 30)),  # no start: no pace
        _goal(0.0, 10.0, 5.0, plan_start=date(2026, 3, 1)),  # no due date: no pace
        _goal(0.0, 10.0, 5.0, plan_start=date(2026, 3, 1), due=date(2026, 3, 1)),  # no span
    )
    m = plan_metrics(data(goals=goals))
    assert [g.on_track for g in m.goals] == [True, False, True, None, None, None]


def _ticket(
    n: int, opened: datetime, priority: str = "normal", status: str = "open", **more: datetime
) -> TicketEntry:
    return TicketEntry(n, f"Ticket {n}", "billing", priority, status, opened, **more)


def test_support_window_ends_at_midnight_after_its_last_day() -> None:
    midnight = datetime(2026, 4, 1, tzinfo=UTC)  # AS_OF is 31 March
    tickets = (
        _ticket(1, midnight),  # opened as the window closed: not in it, not open in it
        _ticket(2, midnight + timedelta(minutes=30)),
        _ticket(3, at(date(2026, 3, 30)), status="resolved", resolved_at=midnight),
        _ticket(4, at(date(2026, 3, 30)), status="closed", resolved_at=midnight - timedelta(1)),
    )
    m = support_metrics(data(tickets=tickets), default_config().factors)
    assert (m.opened, m.resolved, m.open_now) == (2, 1, 1)
    # ticket 3 was resolved only after the window: it was open at its end
    assert [(t.id, t.status) for t in m.oldest_open] == [(3, "open")]
    assert m.open_by_status == (Count("open", 1),)


def test_support_window_starts_at_midnight_before_its_first_day() -> None:
    first = datetime(2026, 3, 2, tzinfo=UTC)  # 30 days to 31 March begin on 2 March
    tickets = (
        _ticket(1, first, status="resolved", resolved_at=first),
        _ticket(2, first - timedelta(hours=12)),  # 1 March: before the window
        _ticket(3, first - timedelta(days=3), status="resolved", resolved_at=first),
    )
    m = support_metrics(data(tickets=tickets), default_config().factors)
    assert (m.opened, m.resolved) == (1, 2)
    # surveys count from the day the lookback (180 days) began to the window's last day
    surveys = (
        SurveyEntry(AS_OF - timedelta(days=180), "csat", 5),
        SurveyEntry(AS_OF - timedelta(days=181), "csat", 1),
        SurveyEntry(AS_OF, "csat", 3),
    )
    m = support_metrics(data(surveys=surveys), default_config().factors)
    assert (m.csat, m.csat_responses) == (4.0, 2)
    assert m.insights[-1] == "CSAT 4.0/5 from 2 responses"


def test_support_orders_unknown_priorities_last_and_lists_five_oldest() -> None:
    critical = [_ticket(n, at(date(2026, 3, n + 1)), "critical") for n in range(1, 5)]
    tickets = (
        *critical,
        _ticket(5, at(date(2026, 3, 9)), "low"),
        _ticket(6, at(date(2026, 3, 8)), "high"),
    )
    m = support_metrics(data(tickets=tickets), default_config().factors)
    assert [(c.name, c.count) for c in m.by_priority] == [("high", 1), ("low", 1), ("critical", 4)]
    assert [t.id for t in m.oldest_open] == [6, 5, 1, 2, 3]


def test_support_response_times_in_hours_and_nps_bands() -> None:
    opened = at(date(2026, 3, 10))
    tickets = (
        _ticket(1, opened, first_response_at=opened),
        _ticket(2, opened, first_response_at=opened + timedelta(minutes=30)),
        _ticket(3, opened, first_response_at=opened),
    )
    surveys = tuple(SurveyEntry(date(2026, 3, 1), "nps", s) for s in (6, 7, 9))
    m = support_metrics(data(tickets=tickets, surveys=surveys), default_config().factors)
    assert (m.first_response_median_h, m.first_response_p90_h) == (0.0, pytest.approx(0.4))
    assert (m.nps, m.promoters, m.detractors) == (0.0, 1, 1)  # 6 detracts, 7 is passive
    assert m.nps_responses == 3
    resolved = tuple(
        _ticket(n, opened, status="resolved", resolved_at=opened + timedelta(hours=h))
        for n, h in ((1, 1), (2, 2), (3, 12))
    )
    with_csat = (*surveys, SurveyEntry(date(2026, 3, 2), "csat", 4))
    m = support_metrics(data(tickets=resolved, surveys=with_csat), default_config().factors)
    assert (m.resolution_median_h, m.resolution_p90_h) == (2.0, pytest.approx(10.0))
    assert (m.nps_responses, m.csat_responses) == (3, 1)
    quick = (_ticket(1, opened, first_response_at=opened),)
    m = support_metrics(data(tickets=quick), default_config().factors)
    assert m.insights == (
        "Median first response 0.0 h (p90 0 h)",
        "Most tickets are billing (100%)",
    )


def test_a_change_is_worded_as_its_rounded_figure() -> None:
    assert Change(10.03, 10.0).text("Active users", 30) == (
        "Active users unchanged against the previous 30 days (10.0\u219210.0)"
    )
    assert Change(10.0, 10.0).text("Sessions", 7, 0) == (
        "Sessions unchanged against the previous 7 days (10\u219210)"
    )
    assert Change(10.1, 10.0).text("Active users", 30) == (
        "Active users up 1% against the previous 30 days (10.0\u219210.1)"
    )
    assert [signed_pct(v) for v in (12.4, 0.6, 0.4, 0.0, -0.4, -0.5, -29.0)] == [
        "+12%",
        "+1%",
        "\u00b10%",
        "\u00b10%",
        "\u00b10%",
        "\u22121%",
        "\u221229%",
    ]


def _months(*amounts: float, last: date = date(2026, 3, 1)) -> tuple[RevenueEntry, ...]:
    """One service's monthly revenue, the last amount in `last`'s month."""
    index = last.year * 12 + last.month - 1
    firsts = [index - back for back in range(len(amounts) - 1, -1, -1)]
    return tuple(
        RevenueEntry(date(i // 12, i % 12 + 1, 1), "Billing", a)
        for i, a in zip(firsts, amounts, strict=True)
    )


def _daily_users(*users: int) -> tuple[UsageDay, ...]:
    """The window's days (newest first), cycling through `users` active users a day."""
    return tuple(
        UsageDay(AS_OF - timedelta(days=i), users[i % len(users)], 1, 10.0, 1, 1, 1)
        for i in range(30)
    )


def test_revenue_trend_is_the_last_six_months_slope() -> None:
    config = default_config()
    # Three big months, then six that rise and dip back: the last six grow overall.
    bumpy = _months(50e3, 50e3, 50e3, 10e3, 14e3, 18e3, 22e3, 20e3, 18e3)
    m = revenue_metrics(data(revenue=bumpy), config)
    assert m.trend == "growing"
    assert m.insights[-1] == "Monthly revenue has been growing over the last six months"
    small = _months(100.0, 110.0, 120.0, 130.0, 140.0, 150.0)  # 8% a month on small sums
    assert revenue_metrics(data(revenue=small), config).trend == "growing"
    slow = _months(10_000.0, 10_050.0, 10_100.0, 10_150.0, 10_200.0, 10_250.0)  # 0.5% a month
    assert revenue_metrics(data(revenue=slow), config).trend == "flat"
    falling = _months(15e3, 14e3, 13e3, 12e3, 11e3, 10e3)
    assert revenue_metrics(data(revenue=falling), config).trend == "shrinking"
    assert revenue_metrics(data(revenue=_months(9e3)), config).trend == "flat"


def test_revenue_trend_is_flat_below_one_percent_per_30_days() -> None:
    config = default_config()
    # December to January is 31 days: +101 on a mean of 10,000 is 1.01 % a month but
    # 0.98 % per 30 days, so flat.
    january = _months(9_949.5, 10_050.5, last=date(2026, 1, 1))
    assert revenue_metrics(data(revenue=january), config).trend == "flat"
    # April to May is 30 days: +2 on a mean of 200 is exactly 1 %, which counts as growing.
    may = _months(199.0, 201.0, last=date(2026, 5, 1))
    assert revenue_metrics(data(revenue=may), config).trend == "growing"


def test_revenue_shares_of_a_window_without_revenue_are_zero() -> None:
    m = revenue_metrics(data(revenue=_months(0.0)), default_config())
    assert [(s.service_type, s.amount, s.share_pct) for s in m.by_service] == [
        ("Billing", 0.0, 0.0)
    ]


def test_revenue_opportunities_at_their_edges() -> None:
    def opportunities(seats: int, users: tuple[int, ...], **more: object) -> tuple[str, ...]:
        profile = replace(steady().profile, seats=seats)
        m = revenue_metrics(
            data(profile=profile, usage=_daily_users(*users), **more), default_config()
        )
        return m.opportunities

    assert opportunities(1, (0, 1)) == ()  # half a seat idle rounds to none
    assert opportunities(2, (1,)) == ("1 of 2 seats unused on an average day: re-engage users",)
    assert opportunities(10, (6,)) == ()  # 60% in use: neither
    assert opportunities(10, (9,)) == ("Seats nearly full (9 of 10 in use): room to expand",)
    assert opportunities(10, (8, 9)) == ()  # 85%
    unused = tuple(FeatureEntry(name, "advanced") for name in "ABCD")
    assert opportunities(10, (6,), features=unused[:3]) == (
        "3 advanced features not adopted (A, B, C)",
    )
    assert opportunities(10, (6,), features=unused) == (
        "4 advanced features not adopted (A, B, C\u2026)",
    )
    # ARR 120,000 is 10,000 a month: 9,000 is 90% of target, 8,999 under it
    assert opportunities(10, (6,), revenue=_months(9_000.0)) == ()
    assert opportunities(10, (6,), revenue=_months(8_950.0)) == (
        "Revenue at 90% of target: review billing gaps",
    )


def test_a_task_counts_as_done_by_midnight_after_the_window() -> None:
    midnight = datetime(2026, 4, 1, tzinfo=UTC)  # AS_OF is 31 March
    done_at = (midnight - timedelta(minutes=1), midnight, midnight + timedelta(minutes=30))
    tasks = [
        TaskEntry("Kickoff", f"Task {i}", sort_order=i, due=AS_OF, done_at=when)
        for i, when in enumerate(done_at)
    ]
    tasks.append(TaskEntry("Kickoff", "Due today", sort_order=9, due=AS_OF))
    m = onboarding_metrics(data(tasks=tuple(tasks)), stalled_days=14)
    assert (m.done, m.total) == (1, 4)
    assert m.last_done == AS_OF
    assert m.overdue == ()  # due today is not late yet
    assert m.phases[0].overdue == 0
    assert [t.name for t in m.next_steps] == ["Task 1", "Task 2", "Due today"]


def test_onboarding_orders_phases_items_and_says_where_it_stands() -> None:
    def task(phase: str, name: str, order: int, due: date | None, **more: object) -> TaskEntry:
        return TaskEntry(phase, name, sort_order=order, due=due, **more)  # type: ignore[arg-type]

    tasks = (
        task("Training", "Module A", 1, date(2026, 3, 20), kind="module"),
        task("Go-live", "Cut over", 2, None),
        task("Kickoff", "Late", 3, date(2026, 3, 25)),
        task("Kickoff", "Later", 4, date(2026, 3, 10)),
        task("Kickoff", "Due today", 5, AS_OF),
        *(task("Kickoff", f"Soon {d}", 5 + d, AS_OF + timedelta(days=d)) for d in range(1, 5)),
    )
    phases = ("Kickoff", "Design", "Training")  # Design has no tasks; Go-live is not listed
    m = onboarding_metrics(data(tasks=tasks, phases=phases), stalled_days=14)
    assert [p.phase for p in m.phases] == ["Kickoff", "Training", "Go-live"]
    assert m.current_phase == "Kickoff"
    assert (m.modules_done, m.modules_total) == (0, 1)
    assert [t.name for t in m.overdue] == ["Later", "Module A", "Late"]  # most overdue first
    assert [t.name for t in m.next_steps] == ["Later", "Module A", "Late", "Due today", "Soon 1"]
    assert m.insights == (
        "0% of onboarding done; now in Kickoff",
        "3 items overdue, the oldest 'Later' by 21 days",
        "Training: 0 of 1 modules completed",
    )
    # The phase the profile names is current, though Kickoff, before it, is unfinished.
    named = replace(steady().profile, onboarding_phase="Training")
    at_training = onboarding_metrics(
        data(tasks=tasks, phases=phases, profile=named), stalled_days=14
    )
    assert at_training.current_phase == "Training"
    assert [p.phase for p in at_training.phases if p.current] == ["Training"]


def test_onboarding_stalls_after_its_days_and_completes() -> None:
    def done(day: date) -> TaskEntry:
        return TaskEntry("Kickoff", "Done", sort_order=1, done_at=at(day))

    open_task = TaskEntry("Kickoff", "Open", sort_order=2)
    fourteen = onboarding_metrics(
        data(tasks=(done(AS_OF - timedelta(days=14)), open_task)), stalled_days=14
    )
    assert fourteen.insights[-1] == "Nothing completed for 14 days"
    thirteen = onboarding_metrics(
        data(tasks=(done(AS_OF - timedelta(days=13)), open_task)), stalled_days=14
    )
    assert thirteen.insights == ("50% of onboarding done; now in Kickoff",)
    finished = onboarding_metrics(data(tasks=(done(AS_OF),)), stalled_days=14)
    assert finished.insights == ("Onboarding complete",)


def test_success_plan_orders_actions_and_names_goals_behind() -> None:
    behind = {"plan_start": date(2026, 1, 1), "due": date(2026, 6, 30)}
    goals = tuple(
        GoalEntry("Plan", name, "m", 0.0, 10.0, 1.0, **behind)  # type: ignore[arg-type]
        for name in ("A", "B", "C", "D")
    )
    actions = (
        ActionEntry("Late", due=date(2026, 3, 25)),
        ActionEntry("Later", due=date(2026, 3, 10)),
        ActionEntry("Due today", due=AS_OF),
        ActionEntry("Undated"),
        *(ActionEntry(f"Soon {d}", due=AS_OF + timedelta(days=d)) for d in (3, 1, 2, 4)),
        ActionEntry("Done at midnight", due=AS_OF, done_at=datetime(2026, 4, 1, tzinfo=UTC)),
    )
    m = plan_metrics(data(goals=goals, actions=actions))
    assert [(a.text, a.days_overdue) for a in m.overdue_actions] == [("Later", 21), ("Late", 6)]
    # done only at midnight after the window: still open then
    assert [a.text for a in m.upcoming_actions] == [
        "Due today",
        "Done at midnight",
        "Soon 1",
        "Soon 2",
        "Soon 3",
    ]
    assert m.insights == (
        "Goals 10% of the way on average",
        "Behind schedule: A, B, C",
        "2 action items overdue",
    )
    all_done = (ActionEntry("Kickoff", done_at=at(date(2026, 3, 1))),)
    assert plan_metrics(data(goals=goals[:1], actions=all_done)).insights[0] == (
        "Goals 10% of the way on average"
    )


def test_a_feature_is_adopted_once_used_by_the_window_end() -> None:
    start = AS_OF - timedelta(days=29)
    features = (
        FeatureEntry("On the last day", "core", AS_OF, AS_OF, 1),
        FeatureEntry("Last used as the window began", "core", date(2025, 1, 1), start, 5),
        FeatureEntry("Dated but never counted", "core", date(2025, 1, 1), start, 0),
        FeatureEntry("Counted but undated", "core", None, None, 3),
    )
    m = adoption_metrics(data(features=features))
    got = {f.feature: (f.adopted, f.active) for f in m.features}
    assert got == {
        "On the last day": (True, True),
        "Last used as the window began": (True, True),
        "Dated but never counted": (False, False),
        "Counted but undated": (False, False),
    }


def test_adoption_orders_features_recommends_and_names_the_lapsed() -> None:
    old, recent = date(2025, 1, 1), AS_OF - timedelta(days=3)
    features = (
        FeatureEntry("Z", "advanced", old, old, 10),  # lapsed
        FeatureEntry("A", "core", old, recent, 50),  # in use
        FeatureEntry("W", "beta"),  # unused, of no known tier
        FeatureEntry("D", "core", old, old, 49),  # lapsed
        FeatureEntry("X", "advanced"),  # unused
        FeatureEntry("C", "core"),  # unused
        FeatureEntry("V", "advanced", old, old, 5),  # lapsed
        FeatureEntry("B", "core", old, old, 7),  # lapsed
    )
    m = adoption_metrics(data(features=features))
    assert [f.feature for f in m.features] == ["A", "B", "C", "D", "V", "W", "X", "Z"]
    core_last_by_name = (FeatureEntry("Alerts", "advanced"), FeatureEntry("Billing", "core"))
    listed = adoption_metrics(data(features=core_last_by_name)).features
    assert [f.feature for f in listed] == ["Billing", "Alerts"]  # core first, then by name
    assert [f.feature for f in m.recommendations] == ["C", "X", "W", "B", "D"]
    assert m.funnel[-1] == Count("Used 50+ times", 1)
    assert m.insights == (
        "Core features: 3 of 4 adopted",
        "Advanced features: 2 of 3 adopted",  # W is of neither tier
        "Not used lately: B, D, V",
    )
    everything = tuple(FeatureEntry(f.feature, f.tier, old, old, 5) for f in features)
    assert adoption_metrics(data(features=everything)).projected_impact == (
        "Every feature is adopted; keep lapsed ones in use."
    )


def test_adoption_milestones_count_only_features_in_use() -> None:
    profile = replace(steady().profile, go_live_date=AS_OF)
    features = (
        FeatureEntry("Charges", "core", date(2025, 2, 1), AS_OF, 500),
        FeatureEntry("Claims", "core", date(2025, 3, 1), AS_OF, 60),
        FeatureEntry("Forecasting", "advanced", date(2024, 6, 1), date(2024, 6, 1), 0),  # never
        FeatureEntry("Denials", "advanced", date(2025, 5, 1), AS_OF, 4),
    )
    m = adoption_metrics(data(features=features, profile=profile))
    assert [(s.name, s.day, s.reached) for s in m.milestones] == [
        ("Contract signed", date(2024, 1, 1), True),
        ("Went live", AS_OF, True),
        ("First feature used", date(2025, 2, 1), True),
        ("All core features adopted", date(2025, 3, 1), True),
        ("First advanced feature", date(2025, 5, 1), True),
        ("All advanced features adopted", None, False),
    ]
