"""The one pipeline every surface shares: parse -> load -> score -> present (DESIGN.md).

`answer` takes a parsed `/cs` request and returns a `CardResult`: the card (blocks plus the
chart to render), or a picker when several groups match, or did-you-mean when none does.
`show` and `show_list` redraw from a control's state. Nothing here talks to Slack: the Slack
listener, `csbot ask`, App Home and alerts all call these and deliver the result their way.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from csbot.commands.card import CardState, frame
from csbot.commands.grammar import ListRequest, PanelRequest, RenewalsRequest, ScorecheckRequest
from csbot.commands.listing import ListState, list_card
from csbot.commands.panels import PanelView, build_panel
from csbot.commands.renewals import RenewalRow, RenewalsState, renewal_rows, renewals_card
from csbot.commands.scorecheck import load_audit
from csbot.commands.scorecheck_card import scorecheck_card
from csbot.scoring import GroupScore, score_group, score_groups
from csbot.scoring.panel_inputs import PanelData
from csbot.services import Sources
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, BlockId, action_id
from csbot.slack.matching import Ambiguous, Matched, NoMatch, match_groups
from csbot.slack.message import Card
from csbot.store.db import transaction
from csbot.store.groups import group_names
from csbot.store.loading import load_scoring_inputs
from csbot.store.panel_data import load_panel_data
from csbot.store.renewals import active_plan_group_ids, renewing_group_ids

__all__ = [
    "MAX_PICKS",
    "CardResult",
    "answer",
    "built_panel",
    "load_renewals",
    "score_portfolio",
    "show",
    "show_list",
    "show_renewals",
    "show_scorecheck",
]

log = logging.getLogger(__name__)

MAX_PICKS = 10
Kind = Literal["card", "list", "renewals", "scorecheck", "pick", "no_match"]


@dataclass(frozen=True)
class CardResult:
    """An answer ready to deliver. `personal` answers (pickers, did-you-mean) go only to the
    person who asked; cards and lists go where they asked."""

    kind: Kind
    card: Card
    state: CardState | None = None
    list_state: ListState | None = None
    renewals_state: RenewalsState | None = None

    @property
    def personal(self) -> bool:
        return self.kind in ("pick", "no_match")

    @property
    def filename(self) -> str:
        """The chart's file name in Slack and in `csbot ask --out`."""
        if self.state is None:
            return "csbot-chart.png"
        s = self.state
        return f"csbot-{s.group_id}-{s.panel.value}-{s.window_days}d.png"


def answer(
    sources: Sources,
    request: PanelRequest | ListRequest | RenewalsRequest | ScorecheckRequest,
    *,
    user_id: str,
    as_of: date,
) -> CardResult:
    """The answer to a typed `/cs` request (help and log requests never get here)."""
    started = time.perf_counter()
    if isinstance(request, ListRequest):
        result = show_list(sources, ListState.from_request(request), as_of=as_of)
    elif isinstance(request, RenewalsRequest):
        result = show_renewals(sources, RenewalsState.from_request(request), as_of=as_of)
    elif isinstance(request, ScorecheckRequest):
        result = show_scorecheck(sources, horizon_days=request.horizon_days)
    else:
        result = _panel_answer(sources, request, as_of=as_of)
    log.debug(
        "answered /cs",
        extra={
            "kind": result.kind,
            "user": user_id,
            "ms": _ms(started),
            "group": result.state.group_id if result.state else None,
        },
    )
    return result


def _panel_answer(sources: Sources, request: PanelRequest, *, as_of: date) -> CardResult:
    with transaction(sources.sessions) as session:
        match = match_groups(request.group_query, group_names(session))
    if isinstance(match, NoMatch):
        return _no_match(match)
    state = CardState(0, request.panel, request.window_days, request.private)
    if isinstance(match, Ambiguous):
        return _picker(match, state)
    assert isinstance(match, Matched)
    return show(sources, state.but(group_id=match.group.id), as_of=as_of)


def built_panel(
    sources: Sources, state: CardState, *, as_of: date
) -> tuple[PanelData, GroupScore, PanelView]:
    """One group's panel data, its score and the built panel: what its card and CSV both show."""
    with transaction(sources.sessions) as session:
        data = load_panel_data(
            session,
            group_id=state.group_id,
            window_days=state.window_days,
            as_of=as_of,
            rules=sources.scoring.factors,
        )
    score = score_group(data.inputs, sources.scoring)
    return data, score, build_panel(state.panel, data, score)


def score_portfolio(sources: Sources, *, window_days: int, as_of: date) -> list[GroupScore]:
    """Every group scored set-based: what `/cs list`, its CSV and the report show."""
    with transaction(sources.sessions) as session:
        inputs = load_scoring_inputs(
            session, as_of=as_of, window_days=window_days, rules=sources.scoring.factors
        )
    return list(score_groups(inputs, sources.scoring).values())


def show(sources: Sources, state: CardState, *, as_of: date) -> CardResult:
    """One panel of one group's card: load its data, score it, frame the panel."""
    data, score, view = built_panel(sources, state, as_of=as_of)
    latest = max((u.day for u in data.usage if u.day <= as_of), default=None)
    card = frame(
        view,
        state=state,
        score=score,
        data_as_of=latest,
        computed_at=sources.clock(),
        tz=sources.settings.tz,
    )
    return CardResult("card", card, state=state)


def show_list(sources: Sources, state: ListState, *, as_of: date) -> CardResult:
    """The portfolio list: every group scored set-based, worst first."""
    scores = score_portfolio(sources, window_days=state.window_days, as_of=as_of)
    card = list_card(
        scores, state=state, as_of=as_of, computed_at=sources.clock(), tz=sources.settings.tz
    )
    return CardResult("list", card, list_state=state)


def load_renewals(sources: Sources, *, days: int, as_of: date) -> list[RenewalRow]:
    """Groups renewing in the next `days` days, scored over the default window: what the
    renewals card and its CSV show. Only those groups are loaded."""
    with transaction(sources.sessions) as session:
        ids = renewing_group_ids(session, start=as_of, end=as_of + timedelta(days=days))
        inputs = load_scoring_inputs(
            session,
            as_of=as_of,
            window_days=sources.scoring.default_window_days,
            group_ids=ids,
            rules=sources.scoring.factors,
        )
        plans = active_plan_group_ids(session, as_of=as_of, group_ids=ids)
    scores = score_groups(inputs, sources.scoring)
    return renewal_rows(inputs, scores, as_of=as_of, days=days, plans=plans)


def show_scorecheck(sources: Sources, *, horizon_days: int) -> CardResult:
    """The score audit card: how well the snapshots before past renewals foresaw them."""
    checked = load_audit(sources.sessions, horizon_days=horizon_days,
                         window_days=sources.scoring.default_window_days)  # fmt: skip
    return CardResult("scorecheck", scorecheck_card(checked))


def show_renewals(sources: Sources, state: RenewalsState, *, as_of: date) -> CardResult:
    """The renewals card: who renews in the window, at-risk groups first."""
    rows = load_renewals(sources, days=state.days, as_of=as_of)
    card = renewals_card(
        rows,
        state=state,
        as_of=as_of,
        computed_at=sources.clock(),
        tz=sources.settings.tz,
        window_days=sources.scoring.default_window_days,
    )
    return CardResult("renewals", card, renewals_state=state)


def _picker(match: Ambiguous, state: CardState) -> CardResult:
    shown = match.groups[:MAX_PICKS]
    buttons = [
        bk.button(
            g.name, action_id(ActionId.PICK_GROUP, g.id), value=state.but(group_id=g.id).encode()
        )
        for g in shown
    ]
    blocks = [
        bk.section(bk.escape(match.message), block_id=BlockId.STATUS.value),
        bk.actions(*buttons, block_id=BlockId.PICK_GROUP.value),
    ]
    more = len(match.groups) - len(shown)
    if more:
        blocks.append(bk.context(f"and {more} more: type more of the name to narrow it down"))
    return CardResult("pick", Card(text=match.message, head=tuple(blocks)), state=None)


def _no_match(match: NoMatch) -> CardResult:
    blocks = [
        bk.section(bk.escape(match.message), block_id=BlockId.STATUS.value),
        bk.context("`/cs list` shows every group; `/cs help` shows what csbot understands."),
    ]
    return CardResult("no_match", Card(text=match.message, head=tuple(blocks)))


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
