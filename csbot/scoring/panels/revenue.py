"""Revenue panel: total, MRR, ARR, by service type, growth, monthly trend, opportunities."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from csbot.scoring.components import revenue_figures, window_revenue
from csbot.scoring.config import ScoringConfig
from csbot.scoring.inputs import MonthAmount
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.panels._common import plural, share, signed_pct
from csbot.scoring.trend import slope_of
from csbot.scoring.types import fmt


@dataclass(frozen=True)
class ServiceAmount:
    service_type: str
    amount: float  # in the window
    share_pct: float


@dataclass(frozen=True)
class MonthServiceAmount:
    month: date
    service_type: str
    amount: float


@dataclass(frozen=True)
class RevenueMetrics:
    window_days: int
    total: float | None  # booked in the window (months spread over their days)
    previous_total: float | None
    growth_pct: float | None  # per month of revenue, against the previous window
    mrr: float | None  # the window's revenue per month
    arr: float | None  # mrr x 12
    contract_arr: float
    target: float | None
    attainment_pct: float | None
    by_service: tuple[ServiceAmount, ...]  # largest first
    monthly: tuple[MonthServiceAmount, ...]  # last 12 months x service type, for a stacked chart
    monthly_totals: tuple[MonthAmount, ...]
    trend: str  # growing / shrinking / flat, from the monthly totals
    opportunities: tuple[str, ...]
    insights: tuple[str, ...]

    @property
    def months(self) -> tuple[date, ...]:
        return tuple(m.month for m in self.monthly_totals)

    @property
    def service_types(self) -> tuple[str, ...]:
        return tuple(s.service_type for s in self.by_service) or tuple(
            dict.fromkeys(m.service_type for m in self.monthly)
        )


def _monthly_totals(data: PanelData) -> tuple[MonthAmount, ...]:
    totals: dict[date, float] = defaultdict(float)
    for entry in data.revenue:
        totals[entry.month] += entry.amount
    return tuple(MonthAmount(month, amount) for month, amount in sorted(totals.items()))


def _by_service(data: PanelData) -> tuple[ServiceAmount, ...]:
    per_type: dict[str, list[MonthAmount]] = defaultdict(list)
    for entry in data.revenue:
        per_type[entry.service_type].append(MonthAmount(entry.month, entry.amount))
    amounts = {}
    for kind, months in per_type.items():
        got = window_revenue(tuple(months), data.window)
        if got is not None:
            amounts[kind] = got.amount
    whole = sum(amounts.values())
    return tuple(
        ServiceAmount(kind, amount, share(amount, whole) or 0.0)
        for kind, amount in sorted(amounts.items(), key=lambda kv: -kv[1])
    )


def _trend(totals: tuple[MonthAmount, ...]) -> str:
    recent = totals[-6:]
    slope = slope_of([(m.month, m.amount) for m in recent])
    if slope is None:  # fewer than two months
        return "flat"
    mean = sum(m.amount for m in recent) / len(recent)
    if not mean or abs(slope * 30 / mean) < 0.01:
        return "flat"
    return "growing" if slope > 0 else "shrinking"


def _opportunities(data: PanelData, m: RevenueMetrics) -> tuple[str, ...]:
    out = []
    seats = data.profile.seats
    usage = [u for u in data.usage if data.window.contains(u.day)]
    if seats and usage:
        avg = sum(u.active_users for u in usage) / len(usage)
        idle = round(seats - avg)
        if avg / seats < 0.6 and idle > 0:
            out.append(f"{idle} of {seats} seats unused on an average day: re-engage users")
        elif avg / seats >= 0.9:
            out.append(f"Seats nearly full ({fmt(avg, 0)} of {seats} in use): room to expand")
    missing = [f.feature for f in data.features if f.tier == "advanced" and not f.uses]
    if missing:
        named = ", ".join(missing[:3]) + ("\u2026" if len(missing) > 3 else "")
        out.append(f"{plural(len(missing), 'advanced feature')} not adopted ({named})")
    if m.attainment_pct is not None and m.attainment_pct < 90:
        out.append(f"Revenue at {fmt(m.attainment_pct, 0)}% of target: review billing gaps")
    return tuple(out)


def _insights(m: RevenueMetrics) -> tuple[str, ...]:
    out = []
    if m.growth_pct is not None:
        out.append(f"Revenue {signed_pct(m.growth_pct)} against the previous {m.window_days} days")
    if m.by_service:
        top = m.by_service[0]
        out.append(f"{top.service_type} is {fmt(top.share_pct, 0)}% of revenue")
    if m.trend != "flat":
        out.append(f"Monthly revenue has been {m.trend} over the last six months")
    return tuple(out)


def revenue_metrics(data: PanelData, config: ScoringConfig) -> RevenueMetrics:
    """The revenue panel's numbers and series for `data.window`, against `config`'s plan target."""
    totals = _monthly_totals(data)
    figures = revenue_figures(
        totals, data.window, arr=data.profile.arr, targets=config.plan(data.profile.plan)
    )
    current, previous = figures.current, figures.previous
    mrr = current.per_month if current else None
    metrics = RevenueMetrics(
        window_days=data.window.days,
        total=current.amount if current else None,
        previous_total=previous.amount if previous else None,
        growth_pct=figures.growth_pct,
        mrr=mrr,
        arr=mrr * 12 if mrr is not None else None,
        contract_arr=data.profile.arr,
        target=figures.target,
        attainment_pct=figures.attainment_pct,
        by_service=_by_service(data),
        monthly=tuple(
            MonthServiceAmount(e.month, e.service_type, e.amount)
            for e in sorted(data.revenue, key=lambda e: (e.month, e.service_type))
        ),
        monthly_totals=totals,
        trend=_trend(totals),
        opportunities=(),
        insights=(),
    )
    return replace(
        metrics, opportunities=_opportunities(data, metrics), insights=_insights(metrics)
    )
