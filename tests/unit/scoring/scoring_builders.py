"""Hand-built group inputs for scoring tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from csbot.scoring.inputs import (
    GroupInputs,
    GroupProfile,
    MonthAmount,
    OnboardingFacts,
    SupportFacts,
    UsageTotals,
    Window,
)

AS_OF = date(2026, 3, 31)

# A steady 10-seat growth group: 8 users a day, half the expected documents, 10-minute
# sessions, 80% billable, revenue on target and flat.
STEADY_USAGE = UsageTotals(
    days=30,
    active_users=240,
    sessions=300,
    session_minutes=3000.0,
    documents=1200,
    patients_total=1000,
    patients_billable=800,
)
MONTHS = tuple(MonthAmount(date(2025, m, 1), 10_000.0) for m in range(9, 13)) + tuple(
    MonthAmount(date(2026, m, 1), 10_000.0) for m in range(1, 4)
)


def steady(**changes: Any) -> GroupInputs:
    """The steady group, with any field replaced (profile fields via `profile=`)."""
    base = GroupInputs(
        profile=GroupProfile(
            id=1,
            name="Steady Clinic",
            plan="growth",
            seats=10,
            arr=120_000.0,
            renewal_date=date(2027, 1, 1),
            contract_start=date(2024, 1, 1),
        ),
        window=Window(AS_OF, 30),
        usage=STEADY_USAGE,
        previous_usage=STEADY_USAGE,
        revenue_months=MONTHS,
        support=SupportFacts(),
        onboarding=OnboardingFacts(),
        last_touch=date(2026, 3, 20),
    )
    return replace(base, **changes)
