"""What a panel builder returns: the panel's own content, before the card frames it.

A panel builder is a pure function `build(data, score) -> PanelView`. The card frame
(csbot.commands.card) adds the header, the controls, the chart block and the context line,
so every panel looks and behaves the same and only says what is its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from csbot.slack.render import ChartSpec


@dataclass(frozen=True)
class Fact:
    """One field of the facts grid: a short label and its value (mrkdwn)."""

    label: str
    value: str

    @property
    def mrkdwn(self) -> str:
        return f"*{self.label}*\n{self.value}"


@dataclass(frozen=True)
class PanelView:
    """A panel's content.

    `headline` is the one number the header shows (e.g. "Health 47.4 · Needs Attention"),
    `facts` at most 10, `sections` are mrkdwn paragraphs in order (reasons, insights,
    lists), `actions` the recommended next steps, `chart` at most one.
    """

    title: str
    headline: str
    facts: tuple[Fact, ...] = ()
    sections: tuple[tuple[str, str], ...] = ()  # (heading, mrkdwn body)
    actions: tuple[str, ...] = ()
    chart: ChartSpec | None = None
    log_buttons: bool = False  # show "Log ticket" / "Log meeting" on this panel
    export_rows: tuple[dict[str, Any], ...] = field(default=())  # the panel's numbers, flat
