"""Score one group: health with reasons, trend, risk factors, churn risk and actions.

`score_group` is what the recompute, the cards and the alerts all call, so a number shown
anywhere comes from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from csbot.scoring import components
from csbot.scoring.components import RevenueFigures
from csbot.scoring.config import ScoringConfig
from csbot.scoring.health import health_score
from csbot.scoring.inputs import GroupInputs, UsageTotals, Window
from csbot.scoring.risk import RiskContext, churn_risk, risk_factors
from csbot.scoring.trend import trend
from csbot.scoring.types import Component, ComponentValues, GroupScore

_PARTS = (Component.BILLABILITY, Component.ENGAGEMENT, Component.REVENUE)


@dataclass(frozen=True)
class WindowParts:
    """The three parts over one window, the notes on missing data, and the revenue figures."""

    values: ComponentValues
    notes: dict[Component, str]
    revenue: RevenueFigures


def window_parts(
    inputs: GroupInputs, usage: UsageTotals, window: Window, config: ScoringConfig
) -> WindowParts:
    """Billability, engagement and revenue (0-100 or None) for `window`."""
    profile = inputs.profile
    targets = config.plan(profile.plan)
    figures = components.revenue_figures(
        inputs.revenue_months, window, arr=profile.arr, targets=targets
    )
    billability = components.billability(usage)
    engagement = components.engagement(
        usage, seats=profile.seats, targets=targets, weights=config.engagement
    )
    revenue = components.revenue(figures, weights=config.revenue)
    values = ComponentValues(billability.value, engagement.value, revenue.value)
    notes = {
        c: p.note for c, p in zip(_PARTS, (billability, engagement, revenue), strict=True) if p.note
    }
    return WindowParts(values, notes, figures)


def score_group(inputs: GroupInputs, config: ScoringConfig) -> GroupScore:
    """Everything scoring says about one group for `inputs.window`, under `config` (the running
    one: `Services.scoring`; tests pass `default_config()`)."""
    window = inputs.window
    now = window_parts(inputs, inputs.usage, window, config)
    before = window_parts(inputs, inputs.previous_usage, window.previous(), config)
    health = health_score(
        now.values.billability,
        now.values.engagement,
        now.values.revenue,
        previous=before.values,
        weights=config.weights,
        bands=config.bands,
        notes=now.notes,
    )
    moving = trend(
        change=health.change,
        history=inputs.history,
        today=health.score if health.has_data else None,
        window_days=window.days,
    )
    factors = risk_factors(RiskContext(inputs, health, now.revenue, config.factors))
    return GroupScore(
        group_id=inputs.profile.id,
        name=inputs.profile.name,
        as_of=window.as_of,
        window_days=window.days,
        health=health,
        trend=moving,
        churn=churn_risk(factors, arr=inputs.profile.arr, config=config),
        config=config,
    )


def score_groups(inputs: Mapping[int, GroupInputs], config: ScoringConfig) -> dict[int, GroupScore]:
    """`score_group` for many groups (as the recompute loads them), keyed by group id."""
    return {group_id: score_group(one, config) for group_id, one in inputs.items()}
