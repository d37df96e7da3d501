"""Panel metrics: pure functions from one group's `PanelData` to the numbers, series and
insights a panel card shows. Each returns a frozen dataclass; nothing here draws or queries."""

from __future__ import annotations

from csbot.scoring.panels._common import Change, Count, DayPoint, plural, signed_pct, week_start
from csbot.scoring.panels.adoption import AdoptionMetrics, adoption_metrics
from csbot.scoring.panels.contacts import ContactMetrics, contact_metrics
from csbot.scoring.panels.engagement import EngagementMetrics, engagement_metrics
from csbot.scoring.panels.onboarding import OnboardingMetrics, onboarding_metrics
from csbot.scoring.panels.plans import PlanMetrics, plan_metrics
from csbot.scoring.panels.revenue import RevenueMetrics, revenue_metrics
from csbot.scoring.panels.support import SupportMetrics, support_metrics
from csbot.scoring.panels.timeline import TimelineMetrics, timeline_metrics

__all__ = [
    "AdoptionMetrics",
    "Change",
    "ContactMetrics",
    "Count",
    "DayPoint",
    "EngagementMetrics",
    "OnboardingMetrics",
    "PlanMetrics",
    "RevenueMetrics",
    "SupportMetrics",
    "TimelineMetrics",
    "adoption_metrics",
    "contact_metrics",
    "engagement_metrics",
    "onboarding_metrics",
    "plan_metrics",
    "plural",
    "revenue_metrics",
    "signed_pct",
    "support_metrics",
    "timeline_metrics",
    "week_start",
]
