"""The renewal alert as Block Kit: pure builders from the facts stored with its outbox row.

`RenewalFacts` is fixed when the lead time is reached (the row's payload), so a reminder posted
late, or redrawn when someone acknowledges it, shows the numbers of its day. It has the risk
alert's buttons and goes out through the same delivery (csbot.alerts.delivery).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from csbot.alerts.messages import AlertBody, Handled, alert_frame, bullet_sections, day_label
from csbot.commands.card import window_label
from csbot.commands.panels.overview import money, recommended, trend_chart
from csbot.scoring.config import BandThresholds
from csbot.scoring.types import Band, GroupScore, fmt, signed
from csbot.slack import blockkit as bk
from csbot.slack.message import Card
from csbot.slack.render import ChartSpec

__all__ = [
    "RenewalFacts",
    "posted_renewal_chart",
    "renewal_card",
    "renewal_chart",
    "renewal_facts",
    "with_score",
]

REASONS = 3


class RenewalFacts(BaseModel):
    """What a renewal reminder says, as stored in the outbox row's payload."""

    model_config = ConfigDict(frozen=True)

    group_id: int
    group: str
    renewal_date: date
    lead_days: int  # the lead time reached (120, 90, ...)
    day: date  # the day it was reached
    window_days: int
    arr: float
    csm: str | None = None
    scored: bool = False  # the score below added (at delivery: detection stays cheap)
    score: str | None = None  # health as displayed; None without usage data
    band: Band | None = None
    change: float | None = None
    trend: str = ""  # e.g. "falling, -0.42 pts/day over 28 days"
    churn_level: str = ""
    churn_score: float = 0.0
    arr_at_risk: float = 0.0
    reasons: tuple[str, ...] = ()  # top churn factors with their points
    actions: tuple[str, ...] = ()  # the playbook's recommended steps (mrkdwn)
    chart_file_id: str | None = None  # set once delivered, so redraws keep the chart

    @property
    def days_left(self) -> int:
        return (self.renewal_date - self.day).days


def _trend(score: GroupScore) -> str:
    trend = score.trend
    if trend.slope_per_day is None:
        return trend.direction
    days = f"{signed(trend.slope_per_day, 2)} pts/day over {trend.snapshots} days"
    return f"{trend.direction}, {days}"


def renewal_facts(
    group_id: int, name: str, *, renewal: date, lead: int, day: date, window_days: int,
    arr: float, csm: str | None, score: GroupScore | None = None,
) -> RenewalFacts:  # fmt: skip
    """The facts of a renewal reminder; without `score` they wait for `with_score`."""
    base = RenewalFacts(
        group_id=group_id, group=name, renewal_date=renewal, lead_days=lead, day=day,
        window_days=window_days, arr=arr, csm=csm,
    )  # fmt: skip
    return with_score(base, score) if score is not None else base


def with_score(facts: RenewalFacts, score: GroupScore | None) -> RenewalFacts:
    """The facts with the group's full score of their day: health, trend, churn risk and its
    reasons, the playbook (`score` None or without data: no usage data yet)."""
    if score is None or not score.health.has_data:
        return facts.model_copy(update={"scored": True})
    health, churn = score.health, score.churn
    update = {
        "scored": True,
        "score": health.display,
        "band": health.band,
        "change": health.change,
        "trend": _trend(score),
        "churn_level": churn.level.value,
        "churn_score": churn.score,
        "arr_at_risk": churn.arr_at_risk,
        "reasons": tuple(f.text for f in churn.factors[:REASONS]),
        "actions": recommended(churn.actions),
    }
    return facts.model_copy(update=update)


def _headline(facts: RenewalFacts) -> str:
    owner = bk.mention(facts.csm) if facts.csm else "no CSM owner on record"
    left = facts.days_left
    when = "today" if left == 0 else f"in {left} day{'s' * (left != 1)}"
    return (
        f"Renews *{day_label(facts.renewal_date)}* ({when}) · *{money(facts.arr)}* ARR\n"
        f"Owner: {owner}"
    )


def _fields(facts: RenewalFacts) -> list[str]:
    if facts.score is None or facts.band is None:
        return ["*Health*\nno usage data yet"]
    change = f" ({signed(facts.change)} pts)" if facts.change is not None else ""
    return [
        f"*Health*\n{facts.band.slack_emoji} {facts.score} {facts.band.value}{change}",
        f"*Trend*\n{facts.trend}",
        f"*Churn risk*\n{facts.churn_level} ({fmt(facts.churn_score, 0)}/100)",
        f"*ARR at risk*\n{money(facts.arr_at_risk)} of {money(facts.arr)}",
    ]


def _sections(facts: RenewalFacts) -> list[bk.Block]:
    return bullet_sections((), facts.reasons, facts.actions, risks_index=0)


def renewal_card(
    facts: RenewalFacts,
    *,
    alert_id: int,
    tz: ZoneInfo,
    handled: Handled | None = None,
    chart: ChartSpec | None = None,
) -> Card:
    """The renewal reminder: when and how much, health, trend, churn risk with its reasons,
    ARR at risk, what to do, the health chart, the risk alert's buttons, who handled it."""
    body = AlertBody(
        header=f":calendar: {facts.group}: renews in {facts.days_left} days",
        headline=_headline(facts),
        fields=_fields(facts),
        sections=_sections(facts),
        context=(f"{facts.lead_days}-day renewal reminder",
                 f"health over {window_label(facts.window_days)} to {day_label(facts.day)}"),
        text=(f"{facts.group} renews on {day_label(facts.renewal_date)}, "
              f"in {facts.days_left} days ({money(facts.arr)} ARR)"),
    )  # fmt: skip
    return alert_frame(body, group_id=facts.group_id, window_days=facts.window_days,
                       alert_id=alert_id, tz=tz, handled=handled, chart=chart)  # fmt: skip


def renewal_chart(
    facts: RenewalFacts, points: Sequence[tuple[date, float]], edges: BandThresholds
) -> ChartSpec | None:
    """The group's daily health up to the reminder's day; None under 2 days."""
    if len(points) < 2:
        return None
    now = f", now {facts.score}" if facts.score else ""
    return trend_chart(
        points, edges, title=f"Health, last {len(points)} days",
        alt_text=f"Health of {facts.group} over {len(points)} days{now}",
    )  # fmt: skip


def posted_renewal_chart(facts: RenewalFacts) -> ChartSpec | None:
    """The chart already uploaded with the reminder, to show it again when it is redrawn."""
    if facts.chart_file_id is None:
        return None
    alt = f"Health of {facts.group} up to {day_label(facts.day)}"
    return ChartSpec(name="health_trend", kwargs={}, alt_text=alt, title="Health trend")
