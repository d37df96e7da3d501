"""What a panel builder returns: the panel's own content, before the card frames it.

A panel builder is a pure function `build(data, score) -> PanelView`. The card frame
(csbot.commands.card) adds the header, the controls, the chart block and the context line,
so every panel looks and behaves the same and only says what is its own. `Panel` names the
panels there are, and the words people type for each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
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


class Panel(StrEnum):
    """What a card shows. The value is the word people type; aliases are in PANEL_ALIASES."""

    OVERVIEW = "overview"
    HEALTH = "health"
    ENGAGEMENT = "engagement"
    REVENUE = "revenue"
    SUPPORT = "support"
    CHURN = "churn"
    ADOPTION = "adoption"
    ONBOARDING = "onboarding"
    TIMELINE = "timeline"
    PLANS = "plans"
    CONTACTS = "contacts"

    @property
    def label(self) -> str:
        """The name on buttons and headers."""
        return _TITLES.get(self, self.value.capitalize())

    @property
    def aliases(self) -> tuple[str, ...]:
        """Short words that mean this panel, as documented in the help card."""
        return tuple(word for word, panel in PANEL_ALIASES.items() if panel is self)

    @classmethod
    def lookup(cls, word: str) -> Panel | None:
        """The panel a typed word names (its value or an alias, any case), else None."""
        word = word.casefold()
        return PANEL_ALIASES.get(word) or next((p for p in cls if p.value == word), None)


_TITLES = {Panel.CHURN: "Churn risk", Panel.PLANS: "Success plans"}

PANEL_ALIASES: dict[str, Panel] = {
    "ov": Panel.OVERVIEW,
    "summary": Panel.OVERVIEW,
    "hs": Panel.HEALTH,
    "score": Panel.HEALTH,
    "eng": Panel.ENGAGEMENT,
    "usage": Panel.ENGAGEMENT,
    "rev": Panel.REVENUE,
    "arr": Panel.REVENUE,
    "sup": Panel.SUPPORT,
    "tickets": Panel.SUPPORT,
    "risk": Panel.CHURN,
    "retention": Panel.CHURN,
    "adopt": Panel.ADOPTION,
    "features": Panel.ADOPTION,
    "onb": Panel.ONBOARDING,
    "onboard": Panel.ONBOARDING,
    "tl": Panel.TIMELINE,
    "history": Panel.TIMELINE,
    "plan": Panel.PLANS,
    "success": Panel.PLANS,
    "goals": Panel.PLANS,
    "comms": Panel.CONTACTS,
    "people": Panel.CONTACTS,
    "contact": Panel.CONTACTS,
}
