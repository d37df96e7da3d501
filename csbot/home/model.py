"""What App Home shows for one person, as plain data: the home view's input (csbot.home.view).

Built by csbot.home.publish.load_portfolio from the store and scoring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from csbot.commands.renewals import RenewalRow
from csbot.scoring.config import BandThresholds
from csbot.scoring.types import Band, GroupScore
from csbot.slack.permissions import Role

__all__ = ["AlertLine", "MeetingLine", "OnboardingLine", "Portfolio"]


@dataclass(frozen=True)
class AlertLine:
    """A crossing nobody has acknowledged yet."""

    id: int
    group_id: int
    group: str
    from_band: Band | None
    to_band: Band
    day: date


@dataclass(frozen=True)
class MeetingLine:
    """A meeting booked with one of the groups in the coming week."""

    group_id: int
    group: str
    title: str
    at: datetime
    minutes: int | None = None


@dataclass(frozen=True)
class OnboardingLine:
    """A group in onboarding: its phase and tasks done of all."""

    group_id: int
    group: str
    phase: str
    done: int
    total: int
    overdue: int = 0


@dataclass(frozen=True)
class Portfolio:
    """Everything App Home shows for one person. `everyone`: a lead's view of every group."""

    user_id: str
    scores: tuple[GroupScore, ...]
    as_of: date
    computed_at: datetime
    bands: BandThresholds  # the running config's: the trend chart's zones
    window_days: int = 30
    everyone: bool = False
    can_export: bool = False
    can_acknowledge: bool = False
    role: Role = Role.MEMBER
    workspace_admin: bool = False  # an admin because they administer the Slack workspace
    alerts: tuple[AlertLine, ...] = ()
    alerts_total: int = 0
    meetings: tuple[MeetingLine, ...] = ()
    meetings_total: int = 0
    onboarding: tuple[OnboardingLine, ...] = ()
    renewals: tuple[RenewalRow, ...] = ()  # renewing within HOME_RENEWAL_DAYS, at risk first
    trend: tuple[tuple[date, float], ...] = field(default=())  # mean health by day
