"""App Home: a person's book of business at a glance. Pure: a `Portfolio` in, a home view out.

Top to bottom: counts per band and ARR at risk, Refresh / Log / Export buttons, the portfolio
charts (health distribution and trend), alerts waiting for acknowledgement, groups renewing in
the next 90 days (at-risk ones first), this week's meetings, onboarding groups and their
progress, then every group by band, worst first, with score, change and top risk, each with an
Open button (the card goes to the person's DM). Slack allows 100 blocks in a home view: when the
groups do not fit, each band shows its worst and says how many more `/cs list <band>` has.
Loading and publishing is csbot.home.publish.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from csbot.commands.card import CardState, when_line
from csbot.commands.listing import ListState, ranked, row_text
from csbot.commands.panels.base import Panel
from csbot.commands.panels.overview import money, trend_chart
from csbot.commands.renewals import HOME_RENEWAL_DAYS, renewal_line
from csbot.home.model import AlertLine, Portfolio
from csbot.scoring.types import Band, GroupScore
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, BlockId, HomeBlock, action_id
from csbot.slack.permissions import Role
from csbot.slack.render import ChartSpec

__all__ = ["LIST_WORD", "MAX_ALERTS", "MAX_HOME_BLOCKS", "MAX_LINES", "home_charts", "home_view"]

MAX_HOME_BLOCKS = 100
MAX_ALERTS = 5
MAX_LINES = 10
LIST_WORD = {
    Band.CRITICAL: "critical",
    Band.NEEDS_ATTENTION: "attention",
    Band.GOOD: "good",
    Band.EXCELLENT: "excellent",
}


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


def _open(group_id: int, window_days: int, text: str = "Open") -> bk.Block:
    state = CardState(group_id, Panel.OVERVIEW, window_days, private=True)
    return bk.button(text, action_id(ActionId.OPEN_CARD, group_id), value=state.encode())


def _counts(p: Portfolio) -> str:
    counts = {band: 0 for band in Band}
    for s in p.scores:
        if s.health.has_data:
            counts[s.health.band] += 1
    line = "   ".join(f"{band.slack_emoji} {n} {band.value}" for band, n in counts.items())
    arr = sum(s.churn.arr for s in p.scores)
    at_risk = sum(s.churn.arr_at_risk for s in p.scores)
    return f"{line}\n*{money(at_risk)}* of {money(arr)} ARR at risk"


def _buttons(p: Portfolio) -> bk.Block:
    elements = [
        bk.button("Refresh", ActionId.REFRESH.value),
        bk.button("Log ticket", ActionId.LOG_TICKET.value),
        bk.button("Log meeting", ActionId.LOG_MEETING.value),
    ]
    if p.can_export:
        state = ListState(window_days=p.window_days, private=True)
        elements.append(
            bk.button("Export CSV", action_id(ActionId.EXPORT, "list"), value=state.encode())
        )
    return bk.actions(*elements, block_id=BlockId.ACTIONS.value)


def _top(p: Portfolio, tz: ZoneInfo) -> list[bk.Block]:
    n = len(p.scores)
    title = f"Portfolio · all {n} groups" if p.everyone else f"Your portfolio · {n} groups"
    when = when_line(
        as_of=p.as_of,
        window_days=p.window_days,
        data_as_of=None,
        computed_at=p.computed_at,
        tz=tz,
    )
    blocks = [
        bk.header(title, block_id=BlockId.HEADER.value),
        bk.section(_counts(p), block_id=BlockId.HEADLINE.value),
        _buttons(p),
        bk.context(when[0], when[2], _role(p), block_id=BlockId.CONTEXT.value),
    ]
    if not p.scores:
        blocks.append(
            bk.section(
                "No group has you as its CSM owner yet. `/cs list` shows every group; "
                "`/cs Acme` shows one.",
                block_id=HomeBlock.EMPTY.value,
            )
        )
    return blocks


_EVERY = "you acknowledge and snooze any alert and export the portfolio"


def _role(p: Portfolio) -> str:
    """What the person may do here, so nobody has to find out by being refused."""
    if p.role is Role.ADMIN:
        why = " (a Slack workspace admin)" if p.workspace_admin else ""
        return f"You are a csbot admin{why}: {_EVERY}"
    if p.role is Role.LEAD:
        return f"You are a lead: {_EVERY}"
    if p.scores:
        return "You are these groups' CSM: you acknowledge and snooze their alerts"
    return "Each group's CSM, the leads and the admins acknowledge and snooze its alerts"


def _charts(files: Sequence[tuple[ChartSpec, str]]) -> list[bk.Block]:
    return [
        bk.image(
            spec.alt_text,
            slack_file_id=file_id,
            title=spec.title or None,
            block_id=f"{BlockId.CHART}.{file_id}",
        )
        for spec, file_id in files
    ]


def _alert(a: AlertLine, p: Portfolio) -> bk.Block:
    move = f"{a.from_band.value} → {a.to_band.value}" if a.from_band else f"now {a.to_band.value}"
    text = f"{a.to_band.slack_emoji} *{bk.escape(a.group)}*: {move} on {_day(a.day)}"
    if p.can_acknowledge:
        button = bk.button("Acknowledge", ActionId.ACKNOWLEDGE.value, value=str(a.id))
    else:
        button = _open(a.group_id, p.window_days)
    return bk.section(text, accessory=button, block_id=f"{HomeBlock.ALERT}.{a.id}")


def _alerts(p: Portfolio) -> list[bk.Block]:
    if not p.alerts:
        return []
    blocks = [
        bk.section(
            f"*Alerts waiting for acknowledgement* ({p.alerts_total})",
            block_id=HomeBlock.ALERTS.value,
        )
    ]
    blocks += [_alert(a, p) for a in p.alerts[:MAX_ALERTS]]
    more = p.alerts_total - min(len(p.alerts), MAX_ALERTS)
    if more > 0:
        blocks.append(
            bk.context(
                f"and {more} more in the alert channels", block_id=f"{HomeBlock.MORE}.alerts"
            )
        )
    return blocks


def _lines(heading: str, lines: Sequence[str], total: int, block_id: str) -> list[bk.Block]:
    if not lines:
        return []
    shown = list(lines[:MAX_LINES])
    if total > len(shown):
        shown.append(f"_and {total - len(shown)} more_")
    return [bk.section(f"*{heading}*\n" + "\n".join(shown), block_id=block_id)]


def _meetings(p: Portfolio, tz: ZoneInfo) -> list[bk.Block]:
    lines = []
    for m in p.meetings:
        local = m.at.astimezone(tz)
        length = f" ({m.minutes} min)" if m.minutes else ""
        lines.append(
            f"• {local:%a} {_day(local.date())} {local:%H:%M} · "
            f"*{bk.escape(m.group)}* · {bk.escape(m.title)}{length}"
        )
    return _lines("Meetings this week", lines, p.meetings_total, HomeBlock.MEETINGS.value)


def _onboarding(p: Portfolio) -> list[bk.Block]:
    lines = []
    for o in p.onboarding:
        share = f" ({o.done / o.total:.0%})" if o.total else ""
        late = f", {o.overdue} overdue" if o.overdue else ""
        lines.append(
            f"• *{bk.escape(o.group)}* · {bk.escape(o.phase)}: "
            f"{o.done} of {o.total} tasks{share}{late}"
        )
    return _lines("Onboarding", lines, len(p.onboarding), HomeBlock.ONBOARDING.value)


def _renewals(p: Portfolio) -> list[bk.Block]:
    lines = []
    for r in p.renewals[:MAX_LINES]:
        health = r.score.health
        band = f"{health.band.slack_emoji} {health.display}" if health.has_data else "no data yet"
        lines.append(f"• {renewal_line(r)} · {band}")
    heading = f"Renewing in the next {HOME_RENEWAL_DAYS} days"
    return _lines(heading, lines, len(p.renewals), HomeBlock.RENEWALS.value)


ROW_BLOCKS = 2  # a group's row: its line with Open, then its Log buttons


def _row(score: GroupScore, window_days: int) -> list[bk.Block]:
    """The group's line with Open, then Log ticket and Log meeting, which open the form with
    this group filled in (their value is the group's card state, as on its card)."""
    gid = score.group_id
    state = CardState(gid, Panel.OVERVIEW, window_days, private=True).encode()
    return [
        bk.section(
            row_text(score), accessory=_open(gid, window_days), block_id=f"{HomeBlock.ROW}.{gid}"
        ),
        bk.actions(
            bk.button("Log ticket", action_id(ActionId.LOG_TICKET, gid), value=state),
            bk.button("Log meeting", action_id(ActionId.LOG_MEETING, gid), value=state),
            block_id=f"{HomeBlock.ROW_LOG}.{gid}",
        ),
    ]


def _bands(p: Portfolio, budget: int) -> list[bk.Block]:
    """Band by band, worst first; rows go to the worst groups while the budget lasts."""
    by_band = [(band, ranked(p.scores, band)) for band in reversed(Band)]
    by_band = [(band, rows) for band, rows in by_band if rows]
    rows_left = max(0, budget - 2 * len(by_band)) // ROW_BLOCKS  # a heading and a "more" line
    blocks: list[bk.Block] = []
    for band, rows in by_band:
        shown, rows_left = rows[:rows_left], rows_left - min(rows_left, len(rows))
        word = LIST_WORD[band]
        blocks.append(
            bk.section(
                f"{band.slack_emoji} *{band.value}* · {len(rows)}",
                block_id=f"{HomeBlock.BAND}.{word}",
            )
        )
        blocks += [block for s in shown for block in _row(s, p.window_days)]
        if len(shown) < len(rows):
            blocks.append(
                bk.context(
                    f"and {len(rows) - len(shown)} more: `/cs list {word}`",
                    block_id=f"{HomeBlock.MORE}.{word}",
                )
            )
    return blocks


def _footer(p: Portfolio) -> bk.Block:
    without = sum(not s.health.has_data for s in p.scores)
    notes: list[str] = [bk.escape("`/cs list` ranks every group; `/cs <group>` opens one")]
    if without:
        notes.append(f"{without} group{'s' if without != 1 else ''} without usage data yet")
    return bk.context(*notes, block_id=HomeBlock.FOOTER.value)


def home_view(
    p: Portfolio, *, tz: ZoneInfo, chart_files: Sequence[tuple[ChartSpec, str]] = ()
) -> dict[str, Any]:
    """The home view, validated against slack-sdk's View model and Slack's 100-block limit.

    `chart_files` pairs each chart (from `home_charts`) with its uploaded Slack file id.
    """
    blocks = [*_top(p, tz), *_charts(chart_files), *_alerts(p), *_renewals(p), *_meetings(p, tz)]
    blocks += _onboarding(p)
    blocks += _bands(p, MAX_HOME_BLOCKS - len(blocks) - 1)
    blocks.append(_footer(p))
    view: dict[str, Any] = {"type": "home", "callback_id": "home", "blocks": blocks}
    bk.validate_view(view)
    return view


def home_charts(p: Portfolio) -> list[ChartSpec]:
    """The portfolio charts: groups per band, and mean health by day when there is history."""
    scored = [s for s in p.scores if s.health.has_data]
    if not scored:
        return []
    counts = {band.value: sum(s.health.band is band for s in scored) for band in Band}
    who = "every group" if p.everyone else "your groups"
    charts = [
        ChartSpec(
            name="health_distribution",
            kwargs={"band_counts": counts, "title": f"Health bands of {who}"},
            alt_text="Groups per band: " + ", ".join(f"{n} {b}" for b, n in counts.items()),
            title="Health distribution",
        )
    ]
    if len(p.trend) >= 2:
        charts.append(_trend_chart(p, who))
    return charts


def _trend_chart(p: Portfolio, who: str) -> ChartSpec:
    last = p.trend[-1][1]
    return trend_chart(
        p.trend,
        p.bands,
        title=f"Mean health of {who}, last {p.window_days} days",
        alt_text=f"Mean health of {who} over {len(p.trend)} days, now {last:.1f}",
    )
