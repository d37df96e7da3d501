"""Which builder draws which panel: one module per panel, each with `build(data, score)`.

Builders are pure (csbot.commands.panels.base explains the contract); the card frame
(csbot.commands.card) puts the same header, controls and context around each.
"""

from __future__ import annotations

from collections.abc import Callable

from csbot.commands.panels import (
    adoption,
    churn,
    contacts,
    engagement,
    health,
    onboarding,
    overview,
    plans,
    revenue,
    support,
    timeline,
)
from csbot.commands.panels.base import Fact, Panel, PanelView
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.types import GroupScore
from csbot.slack.render import ChartSpec

__all__ = ["BUILDERS", "ChartSpec", "Fact", "PanelBuilder", "PanelView", "build_panel"]

PanelBuilder = Callable[[PanelData, GroupScore], PanelView]

BUILDERS: dict[Panel, PanelBuilder] = {
    Panel.OVERVIEW: overview.build,
    Panel.HEALTH: health.build,
    Panel.ENGAGEMENT: engagement.build,
    Panel.REVENUE: revenue.build,
    Panel.SUPPORT: support.build,
    Panel.CHURN: churn.build,
    Panel.ADOPTION: adoption.build,
    Panel.ONBOARDING: onboarding.build,
    Panel.TIMELINE: timeline.build,
    Panel.PLANS: plans.build,
    Panel.CONTACTS: contacts.build,
}


def build_panel(panel: Panel, data: PanelData, score: GroupScore) -> PanelView:
    """The view of `panel` for one group: what the card frame shows under its header."""
    return BUILDERS[panel](data, score)
