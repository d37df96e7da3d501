"""Alert messages as Block Kit: pure builders from the facts stored with each outbox row.

`AlertFacts` is fixed when the crossing is detected (it is the row's payload), so an alert
posted a day late, or redrawn when someone acknowledges it, shows the numbers of its day.
The alert is a `Card` (csbot.commands.card), so it goes out through the cards' delivery:
chart uploaded privately, then shown with a `slack_file` image block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from csbot.commands.card import CardState, day_label, window_label
from csbot.commands.panels.overview import money, recommended, trend_chart
from csbot.scoring.config import BandThresholds
from csbot.scoring.types import Band, GroupScore, fmt, signed
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, BlockId, action_id
from csbot.slack.message import Card
from csbot.slack.render import ChartSpec

__all__ = [
    "SNOOZE_DAYS",
    "AlertBody",
    "AlertFacts",
    "Handled",
    "alert_buttons",
    "alert_card",
    "alert_frame",
    "day_label",
    "facts_for",
    "handled_lines",
    "health_chart",
    "posted_chart",
    "recovered_message",
]

SNOOZE_DAYS = (7, 30)
REASONS = 3


class AlertFacts(BaseModel):
    """What an alert says, as stored in the outbox row's payload."""

    model_config = ConfigDict(frozen=True)

    group_id: int
    group: str
    kind: str  # crossing / recovered
    from_band: Band | None
    to_band: Band
    day: date
    window_days: int
    score: str  # as displayed, e.g. "58.2"
    change: float | None  # points against the previous window
    reasons: tuple[str, ...] = ()  # what moved, with its points
    risks: tuple[str, ...] = ()  # churn factors beyond the band itself, with their points
    actions: tuple[str, ...] = ()  # recommended next steps (mrkdwn)
    arr: float = 0.0
    arr_at_risk: float = 0.0
    churn_level: str = ""
    churn_score: float = 0.0
    csm: str | None = None  # the CSM owner's Slack user id
    chart_file_id: str | None = None  # set once delivered, so redraws keep the chart
    renewal_date: date | None = None  # set when the group renews soon (renewal_soon_days)


class Handled(BaseModel):
    """Who acknowledged or snoozed an alert, shown under it after the click."""

    model_config = ConfigDict(frozen=True)

    acknowledged_by: str | None = None
    acknowledged_at: datetime | None = None
    snoozed_by: str | None = None
    snoozed_until: date | None = None


def facts_for(
    score: GroupScore,
    *,
    kind: str,
    from_band: Band | None,
    to_band: Band,
    csm: str | None,
    renewal: date | None = None,
) -> AlertFacts:
    """The facts of a group's alert from its score on the alert's day; `renewal` is the
    group's renewal date when it is soon enough to flag."""
    health, churn = score.health, score.churn
    risks = [f.text for f in churn.beyond_band]
    return AlertFacts(
        group_id=score.group_id,
        group=score.name,
        kind=kind,
        from_band=from_band,
        to_band=to_band,
        day=score.as_of,
        window_days=score.window_days,
        score=health.display,
        change=health.change,
        reasons=tuple(r.text for r in health.reasons[:REASONS]),
        risks=tuple(risks[:REASONS]),
        actions=recommended(churn.actions),
        arr=churn.arr,
        arr_at_risk=churn.arr_at_risk,
        churn_level=churn.level.value,
        churn_score=churn.score,
        csm=csm,
        renewal_date=renewal,
    )


def _headline(facts: AlertFacts) -> str:
    move = f"{facts.from_band.value} → {facts.to_band.value}" if facts.from_band else None
    parts = [f"*{move}*" if move else f"*Now {facts.to_band.value}*", f"Health *{facts.score}*"]
    if facts.change is not None:
        parts.append(f"{signed(facts.change)} pts vs previous {window_label(facts.window_days)}")
    owner = bk.mention(facts.csm) if facts.csm else "no CSM owner on record"
    text = " · ".join(parts) + f"\nOwner: {owner}"
    if facts.renewal_date is not None:
        left = (facts.renewal_date - facts.day).days
        text += f"\n:calendar: *Renews {day_label(facts.renewal_date)}*, in {left} days"
    return text


def handled_lines(handled: Handled, tz: ZoneInfo) -> list[str]:
    """Who acknowledged and who snoozed an alert, for the context line under it."""
    lines = []
    if handled.acknowledged_by and handled.acknowledged_at:
        local = handled.acknowledged_at.astimezone(tz)
        when = f"{day_label(local.date())} at {local:%H:%M} {local.tzname() or tz.key}"
        who = bk.mention(handled.acknowledged_by)
        lines.append(f":white_check_mark: Acknowledged by {who} on {when}")
    if handled.snoozed_by and handled.snoozed_until:
        who = bk.mention(handled.snoozed_by)
        until = day_label(handled.snoozed_until)
        lines.append(f":zzz: Snoozed by {who}: no new alerts for this group until {until}")
    return lines


def alert_buttons(group_id: int, window_days: int, alert_id: int, handled: Handled) -> bk.Block:
    """Open card, Log meeting, Snooze 7 and 30 days, and Acknowledge until someone has."""
    card = CardState(group_id, window_days=window_days, private=True).encode()
    elements = [
        bk.button("Open card", action_id(ActionId.OPEN_CARD, group_id), value=card),
        bk.button("Log meeting", ActionId.LOG_MEETING.value, value=card),
        *(
            bk.button(f"Snooze {days} days", action_id(ActionId.SNOOZE, days), value=str(alert_id))
            for days in SNOOZE_DAYS
        ),
    ]
    if not handled.acknowledged_by:
        elements.append(
            bk.button(
                "Acknowledge", ActionId.ACKNOWLEDGE.value, value=str(alert_id), style="primary"
            )
        )
    return bk.actions(*elements)


def bullet_sections(
    why: Sequence[str], risks: Sequence[str], actions: Sequence[str], *, risks_index: int = 1
) -> list[bk.Block]:
    """An alert's "Why", "Top risks" (escaped: they carry imported text) and "Recommended
    actions" (csbot's own playbook mrkdwn) as bulleted sections, each only when it has lines."""
    parts: list[tuple[str, list[str], str]] = [
        ("Why", [bk.escape(r) for r in why], f"{BlockId.REASONS}.0"),
        ("Top risks", [bk.escape(r) for r in risks], f"{BlockId.REASONS}.{risks_index}"),
        ("Recommended actions", list(actions), BlockId.ACTIONS.value),
    ]
    return [
        bk.section(f"*{title}*\n" + "\n".join(f"• {line}" for line in lines), block_id=block_id)
        for title, lines, block_id in parts
        if lines
    ]


def _sections(facts: AlertFacts) -> list[bk.Block]:
    return bullet_sections(facts.reasons, facts.risks, facts.actions)


@dataclass(frozen=True)
class AlertBody:
    """What a risk alert and a renewal reminder say differently; `alert_frame` adds the rest."""

    header: str  # plain text
    headline: str  # mrkdwn
    fields: Sequence[str]  # mrkdwn
    sections: Sequence[bk.Block]
    context: Sequence[str]  # mrkdwn
    text: str  # the notification text


def alert_frame(
    body: AlertBody,
    *,
    group_id: int,
    window_days: int,
    alert_id: int,
    tz: ZoneInfo,
    handled: Handled | None = None,
    chart: ChartSpec | None = None,
) -> Card:
    """An alert's card: header, headline, facts, the body's sections, the chart, the buttons,
    the context line and who acknowledged or snoozed it."""
    handled = handled or Handled()
    head = [
        bk.header(body.header, block_id=BlockId.HEADER.value),
        bk.section(body.headline, block_id=BlockId.HEADLINE.value),
        bk.section(fields=list(body.fields), block_id=BlockId.FACTS.value),
        *body.sections,
    ]
    tail = [
        alert_buttons(group_id, window_days, alert_id, handled),
        bk.context(*body.context, block_id=BlockId.CONTEXT.value),
    ]
    status = handled_lines(handled, tz)
    if status:
        tail.append(bk.context(*status, block_id=BlockId.STATUS.value))
    return Card(text=body.text, head=tuple(head), tail=tuple(tail), chart=chart)


def alert_card(
    facts: AlertFacts,
    *,
    alert_id: int,
    tz: ZoneInfo,
    handled: Handled | None = None,
    chart: ChartSpec | None = None,
) -> Card:
    """The alert for a crossing: header, move and owner, money, why, what to do, the chart,
    buttons, and who acknowledged or snoozed it."""
    band = facts.to_band
    body = AlertBody(
        header=f"{band.slack_emoji} {facts.group}: {band.value}",
        headline=_headline(facts),
        fields=(
            f"*ARR at risk*\n{money(facts.arr_at_risk)} of {money(facts.arr)}",
            f"*Churn risk*\n{facts.churn_level} ({fmt(facts.churn_score, 0)}/100)",
        ),
        sections=_sections(facts),
        context=(
            f"{window_label(facts.window_days)} to {day_label(facts.day)}",
            f"alert of {day_label(facts.day)}",
        ),
        text=f"{facts.group} is now {band.value} (health {facts.score})",
    )
    return alert_frame(body, group_id=facts.group_id, window_days=facts.window_days,
                       alert_id=alert_id, tz=tz, handled=handled, chart=chart)  # fmt: skip


def recovered_message(facts: AlertFacts) -> tuple[str, list[bk.Block]]:
    """The short note in the alert's thread when a group is back to Good or better."""
    was = facts.from_band.value if facts.from_band else "an alert"
    text = f"{facts.group} recovered: {was} → {facts.to_band.value} (health {facts.score})"
    line = (
        f"{facts.to_band.slack_emoji} *{bk.escape(facts.group)} recovered*: "
        f"{was} → {facts.to_band.value} · Health *{facts.score}* on {day_label(facts.day)}"
    )
    blocks = [bk.section(line, block_id=BlockId.HEADLINE.value)]
    bk.validate_message(text, blocks)
    return text, blocks


def posted_chart(facts: AlertFacts) -> ChartSpec | None:
    """The chart already uploaded with the alert, to show it again when the message is redrawn."""
    if facts.chart_file_id is None:
        return None
    alt = f"Health of {facts.group} up to {day_label(facts.day)}, then {facts.score}"
    return ChartSpec(name="health_trend", kwargs={}, alt_text=alt, title="Health trend")


def health_chart(
    facts: AlertFacts, points: Sequence[tuple[date, float]], edges: BandThresholds
) -> ChartSpec | None:
    """The group's daily health up to the alert's day over its band zones; None under 2 days."""
    if len(points) < 2:
        return None
    return trend_chart(
        points,
        edges,
        title=f"Health, last {len(points)} days",
        alt_text=f"Health of {facts.group} over {len(points)} days, now {facts.score}",
    )
