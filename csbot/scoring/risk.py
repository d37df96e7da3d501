"""Churn risk: named factors, each with its evidence and points, summed and capped.

Each `_check_*` looks at one thing and returns a factor or None; the factors, most points
first, are the "why" a card shows, and the playbook turns the top ones into actions.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from csbot.scoring.components import RevenueFigures
from csbot.scoring.config import FactorId, FactorRules, ScoringConfig
from csbot.scoring.inputs import GroupInputs
from csbot.scoring.types import (
    MINUS,
    Band,
    ChurnRisk,
    HealthScore,
    RecommendedAction,
    RiskFactor,
    RiskLevel,
    fmt,
)

TITLES: dict[FactorId, str] = {
    FactorId.HEALTH_BAND: "Low health",
    FactorId.HEALTH_FALLING: "Health falling",
    FactorId.ACTIVE_USERS_FALLING: "Active users falling",
    FactorId.BILLABILITY_FALLING: "Billability falling",
    FactorId.REVENUE_FALLING: "Revenue falling",
    FactorId.OPEN_HIGH_PRIORITY: "Open high-priority tickets",
    FactorId.SLOW_FIRST_RESPONSE: "Slow first response",
    FactorId.NPS_DETRACTOR: "NPS detractor",
    FactorId.LOW_CSAT: "Low CSAT",
    FactorId.ONBOARDING_STALLED: "Onboarding stalled",
    FactorId.RENEWAL_SOON: "Renewal coming up",
    FactorId.NO_CS_TOUCH: "No recent CS touch",
}


@dataclass(frozen=True)
class RiskContext:
    """What the factor checks look at."""

    inputs: GroupInputs
    health: HealthScore
    revenue: RevenueFigures
    rules: FactorRules

    @property
    def as_of(self) -> date:
        return self.inputs.window.as_of


def _factor(fid: FactorId, evidence: str, points: float) -> RiskFactor | None:
    return RiskFactor(fid.value, TITLES[fid], evidence, points) if points > 0 else None


def _check_band(ctx: RiskContext) -> RiskFactor | None:
    health, rules = ctx.health, ctx.rules
    if not health.has_data:
        return None
    points = {
        Band.CRITICAL: rules.critical_points,
        Band.NEEDS_ATTENTION: rules.needs_attention_points,
    }
    if health.band not in points:
        return None
    return _factor(
        FactorId.HEALTH_BAND, f"Health {health.display} is {health.band.value}", points[health.band]
    )


def _check_health_falling(ctx: RiskContext) -> RiskFactor | None:
    change = ctx.health.change
    if change is None or -change < ctx.rules.health_falling_drop:
        return None
    days = ctx.inputs.window.days
    return _factor(
        FactorId.HEALTH_FALLING,
        f"Health fell {fmt(-change)} points against the previous {days} days",
        ctx.rules.health_falling_points,
    )


def _check_users_falling(ctx: RiskContext) -> RiskFactor | None:
    now = ctx.inputs.usage.avg_daily_active_users
    before = ctx.inputs.previous_usage.avg_daily_active_users
    if now is None or not before:
        return None
    drop = 100.0 * (before - now) / before
    if drop < ctx.rules.active_users_falling_pct:
        return None
    return _factor(
        FactorId.ACTIVE_USERS_FALLING,
        f"Average daily active users {fmt(before)}\u2192{fmt(now)} ({MINUS}{fmt(drop, 0)}%)",
        ctx.rules.active_users_falling_points,
    )


def _check_billability_falling(ctx: RiskContext) -> RiskFactor | None:
    part = ctx.health.billability
    if part.value is None or part.previous_value is None:
        return None
    drop = part.previous_value - part.value
    if drop < ctx.rules.billability_falling_drop:
        return None
    return _factor(
        FactorId.BILLABILITY_FALLING,
        f"Billability {fmt(part.previous_value, 0)}%\u2192{fmt(part.value, 0)}% "
        f"({MINUS}{fmt(drop, 0)} points)",
        ctx.rules.billability_falling_points,
    )


def _check_revenue_falling(ctx: RiskContext) -> RiskFactor | None:
    figures = ctx.revenue
    growth = figures.growth_pct
    if growth is None or -growth < ctx.rules.revenue_falling_pct:
        return None
    before, now = figures.previous, figures.current
    assert before is not None and now is not None  # a growth needs revenue in both windows
    return _factor(
        FactorId.REVENUE_FALLING,
        f"Revenue ${before.amount:,.0f}\u2192${now.amount:,.0f} "
        f"({MINUS}{fmt(-growth, 0)}% a month) against the previous {ctx.inputs.window.days} days",
        ctx.rules.revenue_falling_points,
    )


def _check_open_tickets(ctx: RiskContext) -> RiskFactor | None:
    count = ctx.inputs.support.open_high_priority
    if count <= 0:
        return None
    kinds = "/".join(ctx.rules.high_priorities)
    noun = "ticket" if count == 1 else "tickets"
    return _factor(
        FactorId.OPEN_HIGH_PRIORITY,
        f"{count} open {kinds} {noun}",
        ctx.rules.open_high_priority_points,
    )


def _check_first_response(ctx: RiskContext) -> RiskFactor | None:
    hours = ctx.inputs.support.first_response_hours
    if not hours:
        return None
    median = statistics.median(hours)
    limit = ctx.rules.slow_first_response_hours
    if median <= limit:
        return None
    return _factor(
        FactorId.SLOW_FIRST_RESPONSE,
        f"Median first response {fmt(median, 0)} h over {len(hours)} tickets (target {limit:g} h)",
        ctx.rules.slow_first_response_points,
    )


def _check_nps(ctx: RiskContext) -> RiskFactor | None:
    support = ctx.inputs.support
    if support.latest_nps is None or support.latest_nps > ctx.rules.nps_detractor_max:
        return None
    when = f" on {support.latest_nps_day.isoformat()}" if support.latest_nps_day else ""
    return _factor(
        FactorId.NPS_DETRACTOR,
        f"Latest NPS response {support.latest_nps}/10{when}",
        ctx.rules.nps_detractor_points,
    )


def _check_csat(ctx: RiskContext) -> RiskFactor | None:
    support = ctx.inputs.support
    if support.csat_average is None or support.csat_average >= ctx.rules.low_csat_below:
        return None
    responses = "response" if support.csat_count == 1 else "responses"
    return _factor(
        FactorId.LOW_CSAT,
        f"CSAT {fmt(support.csat_average)}/5 over {support.csat_count} {responses} "
        f"(below {ctx.rules.low_csat_below:g})",
        ctx.rules.low_csat_points,
    )


def _overdue(overdue: int, open_tasks: int) -> str:
    """'2 of 5 open tasks overdue', 'all 3 open tasks overdue', 'the only open task overdue'."""
    if overdue < open_tasks:
        return f"{overdue} of {open_tasks} open tasks overdue"
    return (
        "the only open task overdue" if open_tasks == 1 else f"all {open_tasks} open tasks overdue"
    )


def _check_onboarding(ctx: RiskContext) -> RiskFactor | None:
    facts, rules = ctx.inputs.onboarding, ctx.rules
    if facts.open <= 0:
        return None
    since = facts.last_done or ctx.inputs.profile.contract_start
    idle = (ctx.as_of - since).days if since else None
    evidence = []
    if facts.overdue:
        evidence.append(_overdue(facts.overdue, facts.open))
    if idle is not None and idle >= rules.onboarding_stalled_days:
        what = "task done" if facts.last_done else "task done since the contract start"
        evidence.append(f"no {what} in {idle} days")
    if not evidence:
        return None
    text = "; ".join(evidence)
    return _factor(
        FactorId.ONBOARDING_STALLED, text[0].upper() + text[1:], rules.onboarding_stalled_points
    )


def _check_renewal(ctx: RiskContext) -> RiskFactor | None:
    renewal = ctx.inputs.profile.renewal_date
    if renewal is None:
        return None
    days = (renewal - ctx.as_of).days
    if not 0 <= days <= ctx.rules.renewal_soon_days:
        return None
    return _factor(
        FactorId.RENEWAL_SOON,
        f"Renews {renewal.isoformat()}, in {days} days",
        ctx.rules.renewal_soon_points,
    )


def _check_touch(ctx: RiskContext) -> RiskFactor | None:
    last, rules = ctx.inputs.last_touch, ctx.rules
    kinds = " or ".join(rules.touch_kinds)
    if last is None:
        evidence = f"No {kinds} logged"
    elif (idle := (ctx.as_of - last).days) >= rules.no_cs_touch_days:
        evidence = f"No {kinds} in {idle} days (last {last.isoformat()})"
    else:
        return None
    return _factor(FactorId.NO_CS_TOUCH, evidence, rules.no_cs_touch_points)


CHECKS: tuple[Callable[[RiskContext], RiskFactor | None], ...] = (
    _check_band,
    _check_health_falling,
    _check_users_falling,
    _check_billability_falling,
    _check_revenue_falling,
    _check_open_tickets,
    _check_first_response,
    _check_nps,
    _check_csat,
    _check_onboarding,
    _check_renewal,
    _check_touch,
)


def risk_factors(ctx: RiskContext) -> tuple[RiskFactor, ...]:
    """Every factor that applies, most points first (ties in the order of CHECKS)."""
    found = [f for check in CHECKS if (f := check(ctx)) is not None]
    return tuple(sorted(found, key=lambda f: -f.points))


def churn_level(score: float, config: ScoringConfig) -> RiskLevel:
    levels = config.churn_levels
    if score >= levels.very_high:
        return RiskLevel.VERY_HIGH
    if score >= levels.high:
        return RiskLevel.HIGH
    if score >= levels.medium:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def recommended_actions(
    factors: tuple[RiskFactor, ...], config: ScoringConfig
) -> tuple[RecommendedAction, ...]:
    """The playbook entries of the top factors (those that have one), in factor order."""
    chosen = []
    for factor in factors:
        entry = config.playbook.get(FactorId(factor.id))
        if entry is not None:
            chosen.append(RecommendedAction(factor.id, entry.strategy, entry.actions))
    return tuple(chosen[: config.recommended_actions])


def churn_risk(factors: tuple[RiskFactor, ...], *, arr: float, config: ScoringConfig) -> ChurnRisk:
    """Sum of factor points, capped; the level; and the share of ARR that level puts at risk."""
    score = min(config.churn_levels.cap, sum(f.points for f in factors))
    level = churn_level(score, config)
    share = getattr(config.arr_at_risk, level.name.lower())
    return ChurnRisk(
        score=score,
        level=level,
        arr=arr,
        arr_at_risk=round(arr * share, 2),
        factors=factors,
        actions=recommended_actions(factors, config),
    )
