"""The revenue panel: what was booked in the window, its run rate against the contract, where it
comes from, how it moved month by month, and where it could grow. The chart stacks each
month's revenue by service type."""

from __future__ import annotations

from datetime import date
from typing import Any

from csbot.commands.panels import _text as t
from csbot.commands.panels._steps import playbook, steps
from csbot.commands.panels.base import Fact, PanelView
from csbot.scoring.config import FactorId
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.panels import RevenueMetrics, revenue_metrics
from csbot.scoring.types import GroupScore
from csbot.slack.render import ChartSpec

__all__ = ["build"]


def _month(day: date) -> str:
    return f"{day:%b %Y}"


def _money(value: float | None) -> str:
    return t.dollars(value) if value is not None else "none booked"


def _changed(m: RevenueMetrics) -> str:
    """MRR and its change: the window's revenue per month against the previous window's."""
    if m.growth_pct is None:
        return _money(m.mrr)
    return f"{_money(m.mrr)} ({t.signed_pct(m.growth_pct)})"


def _facts(m: RevenueMetrics) -> tuple[Fact, ...]:
    facts = [
        Fact(f"Revenue, {m.window_days} days", _money(m.total)),
        Fact("Previous window", _money(m.previous_total)),
        Fact("MRR", _changed(m)),
        Fact("ARR run rate", _money(m.arr)),
        Fact("Contract ARR", t.dollars(m.contract_arr)),
        Fact("Target attainment", t.pct(m.attainment_pct, none="no target")),
        Fact("Six-month trend", m.trend if m.monthly_totals else "no history"),
    ]
    if m.by_service:
        top = m.by_service[0]
        facts.append(
            Fact("Largest service", f"{t.clip(top.service_type, 40)} ({t.pct(top.share_pct)})")
        )
    return tuple(facts)


def _services(m: RevenueMetrics) -> str:
    lines = [
        f"{t.clip(s.service_type, 60)}: {t.dollars(s.amount)} ({t.pct(s.share_pct)})"
        for s in m.by_service
    ]
    return t.bullets(lines, limit=6, empty="No revenue booked in this window.")


def _months(m: RevenueMetrics) -> str:
    lines = [f"{_month(x.month)}: {t.dollars(x.amount)}" for x in reversed(m.monthly_totals)]
    return t.bullets(lines, limit=6, empty="No monthly revenue on record.")


def _derived(m: RevenueMetrics) -> list[str]:
    if m.total is None:
        return ["Check that billing data reaches csbot: no revenue booked in the window"]
    out = []
    if m.attainment_pct is not None and m.attainment_pct < 90:
        share = t.pct(m.attainment_pct)
        out.append(f"Review billing gaps with the billing lead: revenue is at {share} of target")
    if m.trend == "shrinking":
        out.append("Walk through the monthly revenue trend at the next check-in")
    return out


def _series(m: RevenueMetrics) -> dict[str, list[float]]:
    """Each service type's amount per month of `m.months`, 0 where it booked nothing."""
    amounts = {(x.month, x.service_type): x.amount for x in m.monthly}
    kinds = list(dict.fromkeys([*m.service_types, *(x.service_type for x in m.monthly)]))
    return {kind: [amounts.get((month, kind), 0.0) for month in m.months] for kind in kinds}


def _chart(m: RevenueMetrics, score: GroupScore) -> ChartSpec | None:
    totals = m.monthly_totals
    if not totals:
        return None
    first, last = totals[0], totals[-1]
    alt = (
        f"Monthly revenue of {score.name} over {len(totals)} months, from "
        f"{t.dollars(first.amount)} in {_month(first.month)} to {t.dollars(last.amount)} in "
        f"{_month(last.month)}"
    )
    if m.by_service:
        top = m.by_service[0]
        alt += f"; {top.service_type} is {t.pct(top.share_pct)} of this window's revenue"
    return ChartSpec(
        name="revenue_by_month",
        kwargs={
            "months": list(m.months),
            "by_service": _series(m),
            "title": "Revenue by month and service type",
        },
        alt_text=alt,
        title="Revenue by month",
    )


def _headline(m: RevenueMetrics) -> str:
    if m.total is None:
        return f"No revenue booked in the last {m.window_days} days"
    text = f"*{t.dollars(m.total)} revenue in {m.window_days} days*"
    if m.growth_pct is not None:
        text += f" · MRR {t.signed_pct(m.growth_pct)} vs previous {m.window_days} days"
    if m.arr is not None:
        text += f" · ARR run rate {t.dollars(m.arr)}"
    return text


def _rows(m: RevenueMetrics) -> tuple[dict[str, Any], ...]:
    return tuple(
        {"month": x.month, "service_type": x.service_type, "amount": x.amount} for x in m.monthly
    )


def build(data: PanelData, score: GroupScore) -> PanelView:
    """Totals and run rates, by service type and by month, opportunities, next steps."""
    m = revenue_metrics(data, score.config)
    insights = [t.clip(i, 300) for i in m.insights]
    chances = [t.clip(o, 300) for o in m.opportunities]
    return PanelView(
        title="Revenue",
        headline=_headline(m),
        facts=_facts(m),
        sections=(
            ("What moved", t.bullets(insights, empty="No revenue to compare yet.")),
            ("By service type", _services(m)),
            ("By month", _months(m)),
            ("Growth opportunities", t.bullets(chances, empty="None found in this window.")),
        ),
        actions=steps(
            playbook(score, FactorId.REVENUE_FALLING, FactorId.BILLABILITY_FALLING), _derived(m)
        ),
        chart=_chart(m, score),
        export_rows=_rows(m),
    )
