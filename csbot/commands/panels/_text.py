"""Numbers, dates and lists as a person reads them on a card: $12,345 · 45% · 18 h · 3 Mar.

Every builder formats through these, so the same number looks the same on every panel.
Text from the data or from people goes through `clip`, which escapes it for mrkdwn. Cards name
people but never mention them: a `<@U…>` in a card would notify that person every time anyone
opens the card in a channel.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from csbot.scoring import panels as scoring_panels
from csbot.scoring.panel_inputs import ContactEntry
from csbot.scoring.types import fmt
from csbot.slack.blockkit import escape, truncate

SECTION_LIMIT = 2900  # a section body; the frame adds a heading within Slack's 3000
LIST_LIMIT = 5
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,20}")


def dollars(amount: float) -> str:
    """'$12,345', '\u2212$1,200' (whole dollars, a real minus sign)."""
    text = f"${abs(amount):,.0f}"
    return f"\u2212{text}" if round(amount) < 0 else text


def pct(value: float | None, *, none: str = "no data") -> str:
    return none if value is None else f"{fmt(value, 0)}%"


def signed_pct(value: float | None, *, none: str = "no earlier data") -> str:
    """'+12%', '\u221229%', '\u00b10%'."""
    return none if value is None else scoring_panels.signed_pct(value)


def hours(value: float | None, *, none: str = "no data") -> str:
    """'0.5 h', '18 h', '2.5 d': hours up to two days, then days."""
    if value is None:
        return none
    if value < 10:
        return f"{fmt(value, 1).removesuffix('.0')} h"
    if value < 48:
        return f"{fmt(value, 0)} h"
    return f"{fmt(value / 24, 1).removesuffix('.0')} d"


def count(n: float) -> str:
    return f"{n:,.0f}"


def day(value: date | None, *, none: str = "none") -> str:
    """'3 Mar 2026'."""
    return none if value is None else f"{value.day} {value:%b %Y}"


def short_day(value: date) -> str:
    """'3 Mar'."""
    return f"{value.day} {value:%b}"


def days_ago(value: date | None, as_of: date, *, none: str = "none on record") -> str:
    """'3 Mar (4 days ago)', '2 Jan 2027 (in 277 days)', '31 Mar (today)'."""
    if value is None:
        return none
    days = (as_of - value).days
    when = "today" if days == 0 else f"in {-days} days" if days < 0 else f"{days} days ago"
    shown = short_day(value) if value.year == as_of.year else day(value)
    return f"{shown} ({when})"


def clip(text: str, limit: int = 80) -> str:
    """Data or user text, escaped for mrkdwn and cut to `limit` characters at a word."""
    return truncate(escape(" ".join(text.split())), limit)


def slack_user(user_id: str) -> str | None:
    """'a Slack user (U012AB3CD)' for what looks like a Slack user id, else None: a reference
    that notifies no one (never a mention, never a broadcast)."""
    return f"a Slack user ({user_id})" if _SLACK_USER.fullmatch(user_id) else None


def names_by_slack_id(contacts: Iterable[ContactEntry]) -> dict[str, str]:
    return {c.slack_user_id: c.name for c in contacts if c.slack_user_id}


def who(value: str, names: Mapping[str, str]) -> str:
    """A person as stored (a name, a Slack user id or `<@U…>`) as a person reads it, without
    notifying them: a contact's name for a known id, 'a Slack user (U…)' for an unknown one,
    else the name, escaped."""
    value = value.strip()
    if value.startswith("<@") and value.endswith(">"):  # stored as Slack wrote it (modals)
        value = value[2:-1].split("|", 1)[0]
    if value in names:
        return clip(names[value], 40)
    return slack_user(value) or clip(value, 40)


def bullets(lines: Sequence[str], *, limit: int = LIST_LIMIT, empty: str = "None") -> str:
    """'• a' lines, the first `limit` of them, then '…and N more'; within a section's limit."""
    if not lines:
        return empty
    shown = [f"\u2022 {line}" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"_\u2026and {len(lines) - limit} more_")
    return truncate("\n".join(shown), SECTION_LIMIT)


def body(text: str) -> str:
    """A section body within the limit (for text built without `bullets`)."""
    return truncate(text, SECTION_LIMIT)
