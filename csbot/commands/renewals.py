"""`/cs renewals [window]`: every group renewing in the window, at-risk ones first, soonest first.

Pure: scoring inputs and scores in, rows and a Card (or CSV rows) out. The pipeline loads them
(`csbot.commands.pipeline.show_renewals`); App Home shows the same rows for 90 days.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from csbot.commands.card import MAX_WINDOW_DAYS, CardState, day_label, when_line, window_label
from csbot.commands.grammar import DEFAULT_RENEWAL_DAYS, RenewalsRequest
from csbot.commands.panels.base import Panel
from csbot.commands.panels.overview import money
from csbot.errors import InputError
from csbot.scoring.inputs import GroupInputs
from csbot.scoring.types import Band, GroupScore, fmt, half_up, signed
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, BlockId, action_id
from csbot.slack.message import Card

__all__ = [
    "HOME_RENEWAL_DAYS",
    "HORIZONS",
    "MAX_ROWS",
    "RENEWAL_COLUMNS",
    "RenewalRow",
    "RenewalsState",
    "renewal_csv_rows",
    "renewal_line",
    "renewal_rows",
    "renewals_card",
]

HORIZONS = (30, 60, 90, 120, 180, 365)
HOME_RENEWAL_DAYS = 90  # App Home's "renewing in the next 90 days"
MAX_ROWS = 20  # two blocks a group: 40 of a message's 50
AT_RISK = (Band.CRITICAL, Band.NEEDS_ATTENTION)
RENEWAL_COLUMNS = (
    "group",
    "renewal_date",
    "days_left",
    "arr",
    "band",
    "health",
    "change",
    "churn_risk",
    "churn_level",
    "arr_at_risk",
    "open_high_priority_tickets",
    "last_cs_touch",
    "success_plan_active",
)
_PREFIX = "renewals"
_SEP = "."


@dataclass(frozen=True)
class RenewalsState:
    """What the renewals card shows; encoded as "renewals.120" (".p" when private)."""

    days: int = DEFAULT_RENEWAL_DAYS
    private: bool = False

    def encode(self) -> str:
        return _SEP.join((_PREFIX, str(self.days))) + (f"{_SEP}p" if self.private else "")

    @classmethod
    def from_request(cls, request: RenewalsRequest) -> RenewalsState:
        return cls(request.days, request.private)

    @classmethod
    def decode(cls, value: str) -> RenewalsState:
        parts = value.split(_SEP)
        private = parts[-1:] == ["p"]
        parts = parts[:-1] if private else parts
        if len(parts) != 2 or parts[0] != _PREFIX or not parts[1].isdigit():
            raise InputError("That renewals card is from an older csbot; run `/cs renewals`.")
        days = int(parts[1])
        if not 1 <= days <= MAX_WINDOW_DAYS:
            raise InputError("That renewals card's window is out of range; run `/cs renewals`.")
        return cls(days, private)


@dataclass(frozen=True)
class RenewalRow:
    """A group renewing soon: its contract, its score on the day, and what a CSM checks first.
    `plan_active` None: not loaded (App Home does not show it)."""

    score: GroupScore
    renewal_date: date
    arr: float
    open_high_priority: int = 0
    last_touch: date | None = None
    plan_active: bool | None = None

    @property
    def group_id(self) -> int:
        return self.score.group_id

    @property
    def name(self) -> str:
        return self.score.name

    @property
    def days_left(self) -> int:
        return (self.renewal_date - self.score.as_of).days

    @property
    def at_risk(self) -> bool:
        return self.score.health.has_data and self.score.health.band in AT_RISK


def _order(row: RenewalRow) -> tuple[bool, date, str]:
    return not row.at_risk, row.renewal_date, row.name.casefold()


def renewal_rows(
    inputs: Mapping[int, GroupInputs],
    scores: Mapping[int, GroupScore],
    *,
    as_of: date,
    days: int,
    plans: Collection[int] | None = None,
) -> list[RenewalRow]:
    """Groups renewing from `as_of` to `days` days later: at-risk first, then soonest first.
    `plans` holds the groups with an active success plan (None: not known)."""
    rows = []
    for gid, i in inputs.items():
        renewal = i.profile.renewal_date
        if renewal is None or not 0 <= (renewal - as_of).days <= days or gid not in scores:
            continue
        plan = None if plans is None else gid in plans
        support = i.support.open_high_priority
        rows.append(RenewalRow(scores[gid], renewal, i.profile.arr, support, i.last_touch, plan))
    return sorted(rows, key=_order)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' * (n != 1)}"


def _when(row: RenewalRow) -> str:
    return "today" if row.days_left == 0 else f"in {_count(row.days_left, 'day')}"


def _health(score: GroupScore) -> str:
    health = score.health
    if not health.has_data:
        return ":white_circle: no usage data yet"
    change = f" ({signed(health.change)})" if health.change is not None else ""
    return f"{health.band.slack_emoji} Health *{health.display}* {health.band.value}{change}"


def _touch(row: RenewalRow) -> str:
    if row.last_touch is None:
        return "no CS touch on record"
    ago = (row.score.as_of - row.last_touch).days
    when = "today" if ago == 0 else f"{_count(ago, 'day')} ago"
    return f"last CS touch {day_label(row.last_touch)} ({when})"


def renewal_line(row: RenewalRow) -> str:
    """The first line of a renewal (mrkdwn): who, when, how much."""
    return (
        f"*{bk.escape(row.name)}* · renews *{day_label(row.renewal_date)}* ({_when(row)}) · "
        f"{money(row.arr)} ARR"
    )


def _row_text(row: RenewalRow) -> str:
    churn = row.score.churn
    second = (
        f"{_health(row.score)} · churn risk {churn.level.value} ({fmt(churn.score, 0)}/100) · "
        f"*{money(churn.arr_at_risk)} at risk*"
    )
    tickets = _count(row.open_high_priority, "open high-priority ticket")
    third = [tickets.replace("0 open", "no open", 1) if not row.open_high_priority else tickets]
    third.append(_touch(row))
    if row.plan_active is not None:
        third.append("success plan active" if row.plan_active else "no active success plan")
    return "\n".join((renewal_line(row), second, " · ".join(third)))


def _row_blocks(row: RenewalRow, state: RenewalsState, window_days: int) -> list[bk.Block]:
    gid = row.group_id
    card = CardState(gid, Panel.OVERVIEW, window_days, state.private).encode()
    buttons = bk.actions(
        bk.button("Open card", action_id(ActionId.OPEN_CARD, gid), value=card),
        bk.button("Log meeting", action_id(ActionId.LOG_MEETING, gid), value=card),
        bk.button("Record outcome", action_id(ActionId.RECORD_OUTCOME, gid), value=card),
        block_id=f"{BlockId.RENEWAL_BUTTONS}{_SEP}{gid}",
    )
    return [bk.section(_row_text(row), block_id=f"{BlockId.RENEWAL_ROW}{_SEP}{gid}"), buttons]


def _summary(rows: Sequence[RenewalRow], days: int) -> str:
    arr = sum(r.arr for r in rows)
    at_risk = sum(r.score.churn.arr_at_risk for r in rows)
    risky = sum(r.at_risk for r in rows)
    verb = "renews" if len(rows) == 1 else "renew"
    return (
        f"*{_count(len(rows), 'group')}* {verb} in the next {window_label(days)} · "
        f"{money(arr)} ARR · *{money(at_risk)} at risk* · {risky} in Needs Attention or Critical"
    )


def _horizon(state: RenewalsState) -> bk.Block:
    choices = sorted({*HORIZONS, state.days})
    options = [
        bk.option(f"Next {window_label(d)}", RenewalsState(d, state.private).encode())
        for d in choices
    ]
    select = bk.static_select(
        ActionId.RENEWALS_SELECT.value,
        options,
        placeholder="How far ahead",
        initial=options[choices.index(state.days)],
    )
    export = bk.button("Export CSV", action_id(ActionId.EXPORT, "renewals"), value=state.encode())
    return bk.actions(select, export, block_id=f"{BlockId.RENEWALS_FILTER}{_SEP}{state.encode()}")


def renewals_card(
    rows: Sequence[RenewalRow],
    *,
    state: RenewalsState,
    as_of: date,
    computed_at: datetime,
    tz: ZoneInfo,
    window_days: int,
) -> Card:
    """The renewals card: a summary, the horizon select, then MAX_ROWS groups, two blocks each."""
    blocks: list[bk.Block] = [
        bk.header(f"Renewals · next {window_label(state.days)}", block_id=BlockId.HEADER.value),
        bk.section(_summary(rows, state.days), block_id=BlockId.HEADLINE.value),
        _horizon(state),
    ]
    for row in rows[:MAX_ROWS]:
        blocks += _row_blocks(row, state, window_days)
    if not rows:
        text = f"No group renews in the next {window_label(state.days)}."
        blocks.append(bk.section(text, block_id=BlockId.STATUS.value))
    notes = []
    if len(rows) > MAX_ROWS:
        notes.append(f"and {len(rows) - MAX_ROWS} more: `/cs export renewals {state.days}d`")
    when = when_line(as_of=as_of, window_days=window_days, data_as_of=None,
                     computed_at=computed_at, tz=tz)  # fmt: skip
    blocks.append(bk.context(*notes, f"health over {when[0]}", when[2],
                             block_id=BlockId.CONTEXT.value))  # fmt: skip
    text = f"Renewals in the next {window_label(state.days)}: {len(rows)} groups"
    return Card(text=text, head=tuple(blocks))


def renewal_csv_rows(rows: Sequence[RenewalRow]) -> list[dict[str, Any]]:
    """One CSV row per renewal, in the card's order, with the card's numbers."""
    out = []
    for r in rows:
        health, churn = r.score.health, r.score.churn
        out.append(
            {
                "group": r.name,
                "renewal_date": r.renewal_date,
                "days_left": r.days_left,
                "arr": round(r.arr, 2),
                "band": health.band.value if health.has_data else "",
                "health": float(health.display) if health.has_data else None,
                "change": None if health.change is None else half_up(health.change, 1),
                "churn_risk": half_up(churn.score, 1),
                "churn_level": churn.level.value,
                "arr_at_risk": round(churn.arr_at_risk, 2),
                "open_high_priority_tickets": r.open_high_priority,
                "last_cs_touch": r.last_touch,
                "success_plan_active": r.plan_active,
            }
        )
    return out
