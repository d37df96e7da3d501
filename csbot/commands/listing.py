"""`/cs list [band] [window]`: the portfolio, worst first, one line per group with an Open button.

`list_card` is pure (scores in, a Card out); `portfolio` loads and scores every group set-based
(a handful of queries whatever the portfolio's size) and frames the card.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from csbot.commands.card import CardState, when_line, window_label
from csbot.commands.grammar import ListRequest
from csbot.commands.panels.base import Panel
from csbot.errors import InputError
from csbot.scoring.types import Band, GroupScore, signed
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, BlockId, action_id
from csbot.slack.message import Card

__all__ = ["MAX_ROWS", "ListState", "list_card", "ranked", "row_text", "top_risk"]

MAX_ROWS = 20
_SEP = "."
_ALL = "all"


@dataclass(frozen=True)
class ListState:
    """What a list shows; encoded as "critical.30" (".p" when private) into the band select."""

    band: Band | None = None
    window_days: int = 30
    private: bool = False

    def encode(self) -> str:
        key = self.band.name.lower() if self.band else _ALL
        return f"{key}{_SEP}{self.window_days}" + (f"{_SEP}p" if self.private else "")

    @classmethod
    def from_request(cls, request: ListRequest) -> ListState:
        band = Band(request.band) if request.band else None
        return cls(band, request.window_days, request.private)

    @classmethod
    def decode(cls, value: str) -> ListState:
        parts = value.split(_SEP)
        private = parts[-1:] == ["p"]
        parts = parts[:-1] if private else parts
        try:
            key, days = parts
            band = None if key == _ALL else Band[key.upper()]
            return cls(band, int(days), private)
        except (ValueError, KeyError):
            raise InputError("That list is from an older csbot; run `/cs list` again.") from None


def ranked(scores: Sequence[GroupScore], band: Band | None) -> list[GroupScore]:
    """Groups with data, worst health first (ties: bigger drop first, then name)."""
    kept = [s for s in scores if s.health.has_data and (band is None or s.health.band is band)]
    return sorted(kept, key=lambda s: (s.health.score, s.health.change or 0.0, s.name.casefold()))


def top_risk(score: GroupScore) -> str | None:
    """The most telling reason a group is at risk, beside its band (which its row shows): the
    biggest churn factor other than the band, else, when the band is its only factor, the part
    of health that moved most. None when nothing puts it at risk."""
    beyond, health = score.churn.beyond_band, score.health
    if beyond:
        return f"{beyond[0].title}: {beyond[0].evidence}"
    if score.churn.factors and health.reasons:
        return health.reasons[0].text
    return None


def row_text(score: GroupScore) -> str:
    """A group's line in a list (mrkdwn): name, health and its change, then its top risk."""
    health = score.health
    change = f" · {signed(health.change)} pts" if health.change is not None else ""
    text = f"*{bk.escape(score.name)}*  {health.display}{change}"
    risk = top_risk(score)
    return text + (f"\n_{bk.escape(risk)}_" if risk else "")


def _row(score: GroupScore, state: ListState) -> bk.Block:
    text = f"{score.health.band.slack_emoji} {row_text(score)}"
    card = CardState(score.group_id, Panel.OVERVIEW, state.window_days, state.private)
    button = bk.button("Open", action_id(ActionId.OPEN_CARD, score.group_id), value=card.encode())
    return bk.section(text, accessory=button, block_id=f"{BlockId.LIST_ROW}{_SEP}{score.group_id}")


def _band_counts(scores: Sequence[GroupScore]) -> str:
    counts = {band: 0 for band in Band}
    for s in scores:
        if s.health.has_data:
            counts[s.health.band] += 1
    return "   ".join(f"{band.slack_emoji} {n} {band.value}" for band, n in counts.items())


def _filter(state: ListState) -> bk.Block:
    choices = [None, *reversed(Band)]
    options = [
        bk.option(
            band.value if band else "All bands",
            ListState(band, state.window_days, state.private).encode(),
        )
        for band in choices
    ]
    initial = options[choices.index(state.band)]
    select = bk.static_select(
        ActionId.LIST_BAND_SELECT.value, options, placeholder="Band", initial=initial
    )
    return bk.actions(select, block_id=f"{BlockId.LIST_FILTER}{_SEP}{state.encode()}")


def list_card(
    scores: Sequence[GroupScore],
    *,
    state: ListState,
    as_of: date,
    computed_at: datetime,
    tz: ZoneInfo,
) -> Card:
    """The portfolio card: counts per band, a band filter, then the worst MAX_ROWS groups."""
    rows = ranked(scores, state.band)
    what = state.band.value if state.band else "all groups"
    blocks: list[bk.Block] = [
        bk.header(f"Portfolio · {what}", block_id=BlockId.HEADER.value),
        bk.section(_band_counts(scores), block_id=BlockId.HEADLINE.value),
        _filter(state),
    ]
    blocks += [_row(s, state) for s in rows[:MAX_ROWS]]
    if not rows:
        blocks.append(bk.section(f"No group is in {what} over this window.", block_id="empty"))
    notes = []
    if len(rows) > MAX_ROWS:
        hint = "" if state.band else "; use `/cs list critical` to narrow it"
        notes.append(f"and {len(rows) - MAX_ROWS} more{hint}")
    without = sum(not s.health.has_data for s in scores)
    if without:
        notes.append(f"{without} group{'s' if without != 1 else ''} without usage data yet")
    when = when_line(
        as_of=as_of, window_days=state.window_days, data_as_of=None, computed_at=computed_at, tz=tz
    )
    blocks.append(bk.context(*notes, when[0], when[2], block_id=BlockId.CONTEXT.value))
    text = f"Portfolio ({what}, {window_label(state.window_days)}): {len(rows)} groups"
    return Card(text=text, head=tuple(blocks))
