"""The card frame: the same header, controls and context around every panel's own content.

`frame(...)` is pure: a PanelView and the group's score in, a `Card` out. Every control carries
the state it needs in its value (`CardState.encode()`), so a click redraws the card without any
state kept on the server. The chart block is added when the PNG has been uploaded
(`Card.blocks(chart_file_id=...)`); Slack wants a fresh block_id for each image.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from csbot.commands.panels.base import Panel, PanelView
from csbot.errors import InputError
from csbot.scoring.types import GroupScore, signed
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, BlockId, action_id
from csbot.slack.message import Card

__all__ = [
    "DEFAULT_WINDOW_DAYS",
    "MAX_WINDOW_DAYS",
    "STANDARD_WINDOWS",
    "CardState",
    "day_label",
    "frame",
    "headline",
    "when_line",
    "window_label",
]

STANDARD_WINDOWS = (7, 30, 90)
DEFAULT_WINDOW_DAYS = 30
MAX_WINDOW_DAYS = 365
MAX_SECTIONS = 30
_SEP = "."
_PRIVATE = "p"


@dataclass(frozen=True)
class CardState:
    """What a card shows: group, panel, window, and whether it goes only to the person.

    Encoded as "42.health.30" (".p" appended when private) into button and option values, which
    Slack limits to 150 characters in options.
    """

    group_id: int
    panel: Panel = Panel.OVERVIEW
    window_days: int = 30
    private: bool = False

    def encode(self) -> str:
        text = _SEP.join((str(self.group_id), self.panel.value, str(self.window_days)))
        return text + (_SEP + _PRIVATE if self.private else "")

    @classmethod
    def decode(cls, value: str) -> CardState:
        """The state in a control's value; InputError for anything csbot did not write."""
        parts = value.split(_SEP)
        private = parts[-1:] == [_PRIVATE]
        parts = parts[:-1] if private else parts
        try:
            gid, panel, days = parts
            state = cls(int(gid), Panel(panel), int(days), private)
        except ValueError:
            raise InputError("That button is from an older csbot card; run `/cs` again.") from None
        if not 1 <= state.window_days <= MAX_WINDOW_DAYS:
            raise InputError("That card's window is out of range; run `/cs` again.")
        return state

    def but(
        self, *, group_id: int | None = None, panel: Panel | None = None, days: int | None = None
    ) -> CardState:
        """This state with some parts changed: what a control switches to."""
        return replace(
            self,
            group_id=self.group_id if group_id is None else group_id,
            panel=panel or self.panel,
            window_days=days or self.window_days,
        )


def window_label(days: int) -> str:
    """How a window reads on a card: "7 days", "4 weeks", "1 day"."""
    if days % 7 == 0 and days >= 14:
        return f"{days // 7} weeks"
    return "1 day" if days == 1 else f"{days} days"


def headline(score: GroupScore) -> str:
    """':large_orange_circle: *Health 47.4* · Needs Attention · -12.4 pts vs previous 30 days'."""
    health = score.health
    if not health.has_data:
        return ":white_circle: *No usage data yet* for this window"
    text = f"{health.band.slack_emoji} *Health {health.display}* · {health.band.value}"
    change = health.change
    if change is not None:
        text += f" · {signed(change)} pts vs previous {window_label(score.window_days)}"
    return text


def when_line(
    *, as_of: date, window_days: int, data_as_of: date | None, computed_at: datetime, tz: ZoneInfo
) -> tuple[str, str, str]:
    """The context line: window, data as of, computed at (in the configured time zone)."""
    local = computed_at.astimezone(tz)
    data = f"data as of {day_label(data_as_of)}" if data_as_of else "no usage data yet"
    return (
        f"{window_label(window_days)} to {day_label(as_of)}",
        data,
        f"computed at {local:%H:%M} {local.tzname() or tz.key}",
    )


def day_label(day: date) -> str:
    """'21 Mar 2026': how a day reads on cards, alerts and digests."""
    return f"{day.day} {day:%b %Y}"


def _controls(state: CardState, group_name: str) -> bk.Block:
    current = bk.option(group_name, state.encode())
    days = sorted({*STANDARD_WINDOWS, state.window_days})
    windows = [bk.option(window_label(d), state.but(days=d).encode()) for d in days]
    initial = windows[days.index(state.window_days)]
    return bk.actions(
        bk.external_select(
            ActionId.GROUP_SELECT.value, placeholder="Switch group", initial=current
        ),
        bk.static_select(
            ActionId.WINDOW_SELECT.value, windows, placeholder="Window", initial=initial
        ),
        block_id=f"{BlockId.CONTROLS}{_SEP}{state.encode()}",
    )


def _panel_buttons(state: CardState) -> bk.Block:
    buttons = [
        bk.button(
            panel.label,
            action_id(ActionId.PANEL, panel.value),
            value=state.but(panel=panel).encode(),
            style="primary" if panel is state.panel else None,
        )
        for panel in Panel
    ]
    return bk.actions(*buttons, block_id=BlockId.PANELS.value)


def _sections(view: PanelView) -> list[bk.Block]:
    blocks = []
    shown = view.sections[:MAX_SECTIONS]
    for n, (heading, body) in enumerate(shown):
        text = f"*{bk.escape(heading)}*\n{body}" if heading else body
        blocks.append(bk.section(text, block_id=f"{BlockId.REASONS}{_SEP}{n}"))
    if view.actions:
        lines = "\n".join(f"• {a}" for a in view.actions)
        blocks.append(bk.section(f"*Recommended actions*\n{lines}", block_id=BlockId.ACTIONS.value))
    return blocks


def _log_buttons(state: CardState, *, log: bool = True) -> bk.Block:
    """Log ticket / Log meeting (open the modal with this card's group filled in), when the
    panel logs, and Export CSV (this panel's numbers to the person's DM) on every card."""
    value = state.encode()
    logs = [
        bk.button("Log ticket", ActionId.LOG_TICKET.value, value=value),
        bk.button("Log meeting", ActionId.LOG_MEETING.value, value=value),
    ]
    export = bk.button("Export CSV", action_id(ActionId.EXPORT, "card"), value=value)
    outcome = bk.button("Record renewal outcome", ActionId.RECORD_OUTCOME.value, value=value)
    return bk.actions(*(logs if log else []), export, outcome, block_id=BlockId.LOG.value)


def frame(
    view: PanelView,
    *,
    state: CardState,
    score: GroupScore,
    data_as_of: date | None,
    computed_at: datetime,
    tz: ZoneInfo,
) -> Card:
    """The whole card for one panel of one group. Pure; the chart is rendered elsewhere."""
    name = score.name
    title = view.title or state.panel.label
    lines = [headline(score)]
    if view.headline:
        lines.append(view.headline)
    head: list[bk.Block] = [
        bk.header(f"{name} · {title}", block_id=BlockId.HEADER.value),
        bk.section("\n".join(lines), block_id=BlockId.HEADLINE.value),
        _controls(state, name),
        _panel_buttons(state),
    ]
    if view.facts:
        head.append(
            bk.section(fields=[f.mrkdwn for f in view.facts[:10]], block_id=BlockId.FACTS.value)
        )
    when = when_line(
        as_of=score.as_of,
        window_days=state.window_days,
        data_as_of=data_as_of,
        computed_at=computed_at,
        tz=tz,
    )
    logs = _log_buttons(state, log=view.log_buttons)
    tail = [*_sections(view), logs, bk.context(*when, block_id=BlockId.CONTEXT.value)]
    return Card(text=_fallback(score, title), head=tuple(head), tail=tuple(tail), chart=view.chart)


def _fallback(score: GroupScore, title: str) -> str:
    """The notification's text: 'Acme · Health 52.8 (Needs Attention)', or for another panel
    'Acme · Engagement: health 52.8 (Needs Attention)'."""
    health = score.health
    if not health.has_data:
        return f"{score.name} · {title}: no usage data yet"
    figure = f"{health.display} ({health.band.value})"
    if title == Panel.HEALTH.label:
        return f"{score.name} · {title} {figure}"
    return f"{score.name} · {title}: health {figure}"
