"""Hypothesis strategies for whole groups' scoring inputs, edge cases included: no usage, no
sessions, zero seats, usage over every target, no or partial revenue, no ARR, unknown plans."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from csbot.scoring.inputs import (
    GroupInputs,
    GroupProfile,
    MonthAmount,
    OnboardingFacts,
    SlopeSums,
    SupportFacts,
    UsageTotals,
    Window,
)

AS_OF = date(2026, 3, 31)
counts = st.integers(min_value=0, max_value=50_000)


@st.composite
def usage(draw: st.DrawFn, days: int) -> UsageTotals:
    used = draw(st.integers(min_value=0, max_value=days))
    if used == 0 and draw(st.booleans()):
        return UsageTotals()
    total = draw(counts)
    return UsageTotals(
        days=used,
        active_users=draw(counts),
        sessions=draw(st.one_of(st.just(0), counts)),
        session_minutes=draw(st.floats(min_value=0, max_value=1e6)),
        documents=draw(counts),
        patients_total=total,
        patients_billable=draw(st.integers(min_value=0, max_value=total)),
    )


def _month(as_of: date, back: int) -> date:
    index = as_of.year * 12 + as_of.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


@st.composite
def months(draw: st.DrawFn, as_of: date, days: int) -> tuple[MonthAmount, ...]:
    span = (3 * days) // 28 + 2
    chosen = draw(st.sets(st.integers(min_value=0, max_value=span), max_size=span + 1))
    amount = st.one_of(st.just(0.0), st.floats(min_value=0, max_value=1e6))
    return tuple(MonthAmount(_month(as_of, back), draw(amount)) for back in sorted(chosen)[::-1])


maybe_day = st.one_of(
    st.none(), st.integers(min_value=-400, max_value=400).map(lambda d: AS_OF + timedelta(d))
)


@st.composite
def support(draw: st.DrawFn) -> SupportFacts:
    hours = draw(st.lists(st.floats(min_value=0, max_value=200), max_size=7))
    nps = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=10)))
    csat = draw(st.one_of(st.none(), st.floats(min_value=1, max_value=5)))
    return SupportFacts(
        open_high_priority=draw(st.integers(min_value=0, max_value=5)),
        first_response_hours=tuple(hours),
        latest_nps=nps,
        latest_nps_day=None if nps is None else AS_OF,
        csat_average=csat,
        csat_count=0 if csat is None else 3,
    )


@st.composite
def onboarding(draw: st.DrawFn) -> OnboardingFacts:
    total = draw(st.integers(min_value=0, max_value=20))
    done = draw(st.integers(min_value=0, max_value=total))
    overdue = draw(st.integers(min_value=0, max_value=total - done))
    last = draw(maybe_day)
    return OnboardingFacts(total, done, overdue, None if last is None else min(last, AS_OF))


@st.composite
def history(draw: st.DrawFn, days: int) -> SlopeSums:
    if days == 1:
        return SlopeSums()
    offsets = draw(st.sets(st.integers(min_value=-(days - 1), max_value=-1), max_size=6))
    scores = st.floats(min_value=0, max_value=100)
    return SlopeSums.of([(float(x), draw(scores)) for x in sorted(offsets)])


@st.composite
def group_inputs(draw: st.DrawFn, days: int | None = None) -> GroupInputs:
    days = days or draw(st.sampled_from([1, 7, 30, 31, 90, 365]))
    window = Window(AS_OF, days)
    profile = GroupProfile(
        id=1,
        name="Generated Group",
        plan=draw(st.sampled_from(["default", "starter", "growth", "Enterprise", "custom", ""])),
        seats=draw(st.one_of(st.just(0), st.integers(min_value=1, max_value=500))),
        arr=draw(st.one_of(st.just(0.0), st.floats(min_value=0, max_value=5e6))),
        renewal_date=draw(maybe_day),
        contract_start=draw(maybe_day),
    )
    return GroupInputs(
        profile=profile,
        window=window,
        usage=draw(usage(days)),
        previous_usage=draw(usage(days)),
        revenue_months=draw(months(AS_OF, days)),
        support=draw(support()),
        onboarding=draw(onboarding()),
        last_touch=draw(maybe_day.map(lambda d: None if d is None else min(d, AS_OF))),
        history=draw(history(days)),
    )
