"""A hand-made group for the panel builder tests, a brand-new one with no rows, and helpers that
frame a panel into a card, check it and render its chart.

Acme Family Practice on 31 March 2026 (30-day window 2-31 March): 12 seats, 6 active users a
day (10 the month before), revenue down from $10,000 to $8,000 a month, an open high-priority
ticket, an NPS detractor, renewal in 45 days, onboarding in Training with one overdue task.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from csbot.commands.card import CardState, frame
from csbot.commands.charts import render_chart
from csbot.commands.panels.base import Panel, PanelView
from csbot.scoring import GroupScore, score_group
from csbot.scoring.config import default_config
from csbot.scoring.inputs import (
    GroupInputs,
    GroupProfile,
    MonthAmount,
    OnboardingFacts,
    SupportFacts,
    UsageTotals,
    Window,
)
from csbot.scoring.panel_inputs import (
    ActionEntry,
    ActivityEntry,
    ContactEntry,
    FeatureEntry,
    GoalEntry,
    PanelData,
    RevenueEntry,
    SurveyEntry,
    TaskEntry,
    TicketEntry,
    UsageDay,
)
from csbot.slack import blockkit as bk

AS_OF = date(2026, 3, 31)
WINDOW = Window(AS_OF, 30)
COMPUTED = datetime(2026, 3, 31, 12, 5, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
PNG = b"\x89PNG\r\n\x1a\n"


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def ago(days: int, hour: int = 15) -> datetime:
    return at(AS_OF - timedelta(days=days), hour)


PROFILE = GroupProfile(
    id=7,
    name="Acme Family Practice",
    plan="growth",
    seats=12,
    arr=120_000.0,
    renewal_date=date(2026, 5, 15),
    contract_start=date(2024, 1, 15),
    onboarding_phase="Training",
    go_live_date=date(2026, 4, 20),
)

USAGE = tuple(
    UsageDay(AS_OF - timedelta(days=i), 6 if i < 30 else 10, 10, 100.0, 40, 30, 24)
    for i in range(59, -1, -1)
)
MONTHS = [date(2025, m, 1) for m in range(4, 13)] + [date(2026, m, 1) for m in range(1, 4)]
REVENUE = tuple(
    entry
    for month in MONTHS
    for entry in (
        RevenueEntry(month, "Billing", 6_000.0 if month >= date(2026, 2, 1) else 8_000.0),
        RevenueEntry(month, "Coding", 2_000.0),
    )
)
TICKETS = (
    TicketEntry(5, "Payer rejected batch", "billing", "normal", "resolved",
                at(date(2026, 2, 10)), at(date(2026, 2, 10), 11), at(date(2026, 2, 12))),
    TicketEntry(4, "Training request", "training", "normal", "closed",
                at(date(2026, 3, 3)), at(date(2026, 3, 3), 11), at(date(2026, 3, 5))),
    TicketEntry(2, "Login fails for new user", "technical", "normal", "resolved",
                at(date(2026, 3, 10)), at(date(2026, 3, 10), 13), at(date(2026, 3, 11))),
    TicketEntry(3, "Export to CSV <broken>", "technical", "low", "in_progress",
                at(date(2026, 3, 20), 8), at(date(2026, 3, 21), 14)),
    TicketEntry(1, "Claims stuck in queue", "billing", "high", "open", at(date(2026, 3, 25))),
)  # fmt: skip
SURVEYS = (
    SurveyEntry(date(2026, 2, 1), "nps", 9),
    SurveyEntry(date(2026, 3, 5), "csat", 3),
    SurveyEntry(date(2026, 3, 11), "csat", 4),
    SurveyEntry(date(2026, 3, 15), "nps", 5),
)
FEATURES = (
    FeatureEntry("Charge capture", "core", date(2024, 2, 1), date(2026, 3, 30), 900),
    FeatureEntry("Document upload", "core", date(2024, 2, 1), date(2026, 3, 29), 400),
    FeatureEntry("Eligibility check", "core"),
    FeatureEntry("Forecasting", "advanced", date(2025, 6, 1), date(2025, 12, 1), 12),
    FeatureEntry("Denial analytics", "advanced"),
)
TASKS = (
    TaskEntry("Kickoff", "Kickoff call held", "task", 1, date(2026, 1, 20), at(date(2026, 1, 19))),
    TaskEntry("Setup", "Connect the EHR", "task", 2, date(2026, 2, 10), at(date(2026, 2, 9))),
    TaskEntry("Training", "Billing basics", "module", 3, date(2026, 3, 1), at(date(2026, 3, 2))),
    TaskEntry("Training", "Coding workflow", "module", 4, date(2026, 3, 10), at(date(2026, 3, 12))),
    TaskEntry("Training", "Reports and exports", "module", 5, date(2026, 3, 20), None, "Ana Diaz"),
    TaskEntry("Go-live", "Cut over claims", "task", 6, date(2026, 4, 15), None, "Cara Lin"),
)  # fmt: skip
PHASES = ("Kickoff", "Setup", "Training", "Go-live")
GOALS = (
    GoalEntry("2026 growth plan", "Raise billability", "billable share", 70.0, 85.0, 76.0, "%",
              "Ana Diaz", date(2026, 6, 30), date(2026, 1, 1)),
    GoalEntry("2026 growth plan", "Faster first response", "first response", 24.0, 8.0, 10.0,
              "h", "Eli Moss", date(2026, 4, 30), date(2026, 1, 1)),
)  # fmt: skip
ACTIONS = (
    ActionEntry("Send the billability report", "U0CSM", date(2026, 3, 20), None,
                "Raise billability"),
    ActionEntry("Book refresher training", "U0AE42", date(2026, 4, 10)),
    ActionEntry("Share the Q1 summary", "Cara Lin", date(2026, 3, 25), at(date(2026, 3, 24))),
)  # fmt: skip
ACTIVITIES = (
    ActivityEntry("milestone", "Contract signed", at(date(2024, 1, 15))),
    ActivityEntry("meeting", "Quarterly business review", ago(50), "qbr", 60, "U0CSM",
                  ("Cara Lin", "Ana Diaz")),
    ActivityEntry("call", "Billing follow-up", ago(40), "follow-up", 20),
    ActivityEntry("call", "Claims question", ago(35), "follow-up", 15),
    ActivityEntry("email", "Release notes", ago(12), attendees=("Ana Diaz",)),
    ActivityEntry("note", "Internal note", ago(9), has_notes=True),
    ActivityEntry("meeting", "Monthly check-in", ago(6), "check-in", 30, "U0CSM",
                  ("Cara Lin", "Ana Diaz"), True),
    ActivityEntry("milestone", "Training started", ago(2)),
    ActivityEntry("meeting", "Go-live readiness review", ago(-9), "go-live", 45, "U0CSM",
                  ("Cara Lin", "Ben Okafor")),
)  # fmt: skip
CONTACTS = (
    ContactEntry("Ana Diaz", "Practice Manager", False, "ana.diaz@acme.example.com",
                 "(415) 555-0101", None, True),
    ContactEntry("Ben Okafor", "Physician Lead", False, "ben.okafor@acme.example.com"),
    ContactEntry("Dee Park", "Billing Lead", phone="(415) 555-0123"),
    ContactEntry("Cara Lin", "Customer Success Manager", True, "cara@csbot.example.com",
                 None, "U0CSM", True),
    ContactEntry("Eli Moss", "Support Engineer", True, slack_user_id="U0SUPPORT"),
)  # fmt: skip


def _totals(days: Sequence[UsageDay]) -> UsageTotals:
    return UsageTotals(
        days=len(days),
        active_users=sum(u.active_users for u in days),
        sessions=sum(u.sessions for u in days),
        session_minutes=sum(u.session_minutes for u in days),
        documents=sum(u.documents for u in days),
        patients_total=sum(u.patients_total for u in days),
        patients_billable=sum(u.patients_billable for u in days),
    )


def _months(entries: Sequence[RevenueEntry]) -> tuple[MonthAmount, ...]:
    totals: dict[date, float] = {}
    for e in entries:
        totals[e.month] = totals.get(e.month, 0.0) + e.amount
    return tuple(MonthAmount(m, a) for m, a in sorted(totals.items()) if m >= date(2025, 12, 1))


def acme(**changes: Any) -> PanelData:
    """The Acme group's rows, with any PanelData field replaced."""
    inputs = GroupInputs(
        profile=PROFILE,
        window=WINDOW,
        usage=_totals([u for u in USAGE if WINDOW.contains(u.day)]),
        previous_usage=_totals([u for u in USAGE if WINDOW.previous().contains(u.day)]),
        revenue_months=_months(REVENUE),
        support=SupportFacts(1, (2.0, 4.0, 30.0), 5, date(2026, 3, 15), 3.5, 2),
        onboarding=OnboardingFacts(total=6, done=4, overdue=1, last_done=date(2026, 3, 12)),
        last_touch=(AS_OF - timedelta(days=6)),
    )
    values: dict[str, Any] = dict(
        profile=PROFILE, window=WINDOW, inputs=inputs, usage=USAGE, revenue=REVENUE,
        tickets=TICKETS, surveys=SURVEYS, features=FEATURES, tasks=TASKS, goals=GOALS,
        actions=ACTIONS, phases=PHASES, activities=ACTIVITIES, contacts=CONTACTS,
    )  # fmt: skip
    values.update(changes)
    return PanelData(**values)


def brand_new() -> PanelData:
    """A group signed yesterday: a profile and nothing else."""
    profile = GroupProfile(8, "New Clinic", "starter", 5, 30_000.0, date(2027, 3, 30),
                           date(2026, 3, 30))  # fmt: skip
    return PanelData(profile=profile, window=WINDOW, inputs=GroupInputs(profile, WINDOW))


def score(data: PanelData) -> GroupScore:
    return score_group(data.inputs, default_config())


def blocks(panel: Panel, view: PanelView, group_score: GroupScore) -> list[bk.Block]:
    """The framed card's blocks, chart included when there is one; checked against Slack's
    limits by `Card.blocks` and again here."""
    card = frame(view, state=CardState(PROFILE.id, panel, 30), score=group_score,
                 data_as_of=AS_OF, computed_at=COMPUTED, tz=BERLIN)  # fmt: skip
    out = card.blocks(chart_file_id="F0000000001" if view.chart else None)
    bk.validate_blocks(out)
    assert len(out) <= 50
    return out


def all_text(out: list[bk.Block]) -> str:
    """Every piece of text a person sees on the card, joined."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(out)
    return "\n".join(found)


def section(view: PanelView, heading: str) -> str:
    return dict(view.sections)[heading]


def chart_png(view: PanelView) -> bytes:
    assert view.chart is not None
    png = render_chart(view.chart.name, **view.chart.kwargs)
    assert png.startswith(PNG) and len(png) > 5_000
    return png


def facts(view: PanelView) -> dict[str, str]:
    assert len(view.facts) <= 10
    return {f.label: f.value for f in view.facts}
