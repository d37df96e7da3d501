"""The `/cs` grammar: text as typed in Slack -> a typed request, or an InputError saying what works.

    /cs [panel] <group> [window] [private]      /cs list [band] [window] [private]
    /cs log ticket|meeting [group]              /cs help
    /cs export [panel] <group> [window]         /cs export list [band] [window]
    /cs renewals [window] [private]             /cs export renewals [window]
    /cs scorecheck [horizon] [private]

A quoted phrase is always part of the group name, so a group called "Revenue Partners" is
`/cs "revenue partners"`. `private` may stand anywhere; a window anywhere after the panel.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from csbot.commands._tokens import Token, tokenize
from csbot.commands.card import DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS
from csbot.commands.panels.base import Panel
from csbot.errors import InputError

__all__ = [
    "BANDS",
    "DEFAULT_HORIZON_DAYS",
    "DEFAULT_RENEWAL_DAYS",
    "MAX_GROUP_QUERY",
    "WINDOW_HELP",
    "CsRequest",
    "ExportRequest",
    "HelpRequest",
    "ListRequest",
    "LogRequest",
    "PanelRequest",
    "RenewalsRequest",
    "ScorecheckRequest",
    "parse_command",
    "parse_window",
]

DEFAULT_RENEWAL_DAYS = 120
DEFAULT_HORIZON_DAYS = 90
"""How long before each renewal `/cs scorecheck` and `csbot backtest` look by default."""
MAX_GROUP_QUERY = 200
WINDOW_HELP = (
    "Windows: `7d`, `30d` (the default), `90d`, or any number of days or weeks up to a year, "
    "e.g. `14d` or `6w`."
)
RENEWAL_WINDOW_HELP = (
    "`/cs renewals` looks 120 days ahead by default, or any number of days or weeks up to a year, "
    "e.g. `/cs renewals 90d` or `/cs renewals 26w`."
)
SCORECHECK_WINDOW_HELP = (
    "`/cs scorecheck` looks 90 days before each renewal by default, or any number of days or "
    "weeks up to a year, e.g. `/cs scorecheck 60d` or `/cs scorecheck 13w`."
)


# Typed band words -> the band names scoring uses (csbot.scoring.Band values).
BANDS: dict[str, str] = {
    "excellent": "Excellent",
    "good": "Good",
    "needs attention": "Needs Attention",
    "attention": "Needs Attention",
    "needs": "Needs Attention",
    "critical": "Critical",
    "crit": "Critical",
}


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PanelRequest(_Request):
    """Show one panel of one group's card."""

    panel: Panel = Panel.OVERVIEW
    group_query: str = Field(min_length=1, max_length=MAX_GROUP_QUERY)
    window_days: int = Field(default=DEFAULT_WINDOW_DAYS, ge=1, le=MAX_WINDOW_DAYS)
    private: bool = False


class ListRequest(_Request):
    """List groups, optionally only those in one band (a csbot.scoring.Band value)."""

    band: str | None = None
    window_days: int = Field(default=DEFAULT_WINDOW_DAYS, ge=1, le=MAX_WINDOW_DAYS)
    private: bool = False


class RenewalsRequest(_Request):
    """Groups renewing in the next `days` days, at-risk ones first."""

    days: int = Field(default=DEFAULT_RENEWAL_DAYS, ge=1, le=MAX_WINDOW_DAYS)
    private: bool = False


class ScorecheckRequest(_Request):
    """How well the scores `horizon_days` before each recorded renewal foresaw its outcome."""

    horizon_days: int = Field(default=DEFAULT_HORIZON_DAYS, ge=1, le=MAX_WINDOW_DAYS)
    private: bool = False


class HelpRequest(_Request):
    """Show the help card; `reason` (fit to show) says why when the input was not understood."""

    reason: str | None = None


class LogRequest(_Request):
    """Open the modal to log a ticket or a meeting, with the group filled in when given."""

    kind: Literal["ticket", "meeting"]
    group_query: str | None = Field(default=None, min_length=1, max_length=MAX_GROUP_QUERY)


class ExportRequest(_Request):
    """Send a CSV to the person's DMs: one group's panel, or (no group) the portfolio list, or
    (`renewals`) the groups renewing within `window_days`."""

    panel: Panel = Panel.OVERVIEW
    group_query: str | None = Field(default=None, min_length=1, max_length=MAX_GROUP_QUERY)
    band: str | None = None
    window_days: int = Field(default=DEFAULT_WINDOW_DAYS, ge=1, le=MAX_WINDOW_DAYS)
    renewals: bool = False


CsRequest = (PanelRequest | ListRequest | RenewalsRequest | ScorecheckRequest | HelpRequest
             | LogRequest | ExportRequest)  # fmt: skip

_HELP_WORDS = frozenset({"help", "?", "-h", "--help", "-help"})
_LIST_WORDS = frozenset({"list", "ls", "all", "portfolio"})
_RENEWAL_WORDS = frozenset({"renewals", "renewal", "renew", "renewing"})
_SCORECHECK_WORDS = frozenset({"scorecheck", "score-check", "backtest"})
_LOG_KINDS: dict[str, Literal["ticket", "meeting"]] = {
    "ticket": "ticket",
    "tickets": "ticket",
    "issue": "ticket",
    "meeting": "meeting",
    "meetings": "meeting",
    "mtg": "meeting",
}
_PRIVATE_WORDS = frozenset({"private", "--private", "-p", "privately", "only-me"})
_WINDOW = re.compile(r"(\d+)(d|w|days?|weeks?|wks?)", re.IGNORECASE)
_WINDOW_LIKE = re.compile(r"[+\-\u2212]?\d+(?:[.,]\d+)?([a-z]*)", re.IGNORECASE)
_UNITS = frozenset({"d", "day", "days", "w", "wk", "wks", "week", "weeks"})
_CLEAR_UNITS = _UNITS | {"mo", "mos", "month", "months", "y", "yr", "yrs", "year", "years"}


def _show(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_window(token: str, hint: str = WINDOW_HELP) -> int:
    """Days in a window such as `30d`, `4w` or `30 days`; an InputError says what is allowed
    (`hint`: the windows of the command at hand)."""
    text = "".join(token.split())
    match = _WINDOW.fullmatch(text)
    if not match:
        raise InputError(f"“{_show(token)}” is not a window. {hint}")
    digits, unit = match.groups()
    # Five significant digits are out of range anyway, and int() refuses thousands of them.
    significant = digits.lstrip("0") or "0"
    count = int(significant) if len(significant) <= 4 else MAX_WINDOW_DAYS + 1
    days = count * (7 if unit[0].lower() == "w" else 1)
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise InputError(f"“{_show(token)}” is outside 1 to {MAX_WINDOW_DAYS} days. {hint}")
    return days


def parse_command(text: str) -> CsRequest:
    """The request in `/cs` text. Raises only InputError (whose message says what to type)."""
    tokens = _merge_spaced_windows(tokenize(text))
    if tokens and _is_word(tokens[0], {"/cs", "cs"}):  # pasted with the command itself
        tokens = tokens[1:]
    private = any(_is_word(t, _PRIVATE_WORDS) for t in tokens)
    tokens = [t for t in tokens if not _is_word(t, _PRIVATE_WORDS)]
    if not tokens or _is_word(tokens[0], _HELP_WORDS):
        return HelpRequest()
    if _is_word(tokens[0], _LIST_WORDS):
        return _list_request(tokens[1:], private)
    if _is_word(tokens[0], _RENEWAL_WORDS):
        return RenewalsRequest(days=_renewal_days(tokens[1:]), private=private)
    if _is_word(tokens[0], _SCORECHECK_WORDS):
        return ScorecheckRequest(horizon_days=_horizon_days(tokens[1:]), private=private)
    if _is_word(tokens[0], {"log"}):
        return _log_request(tokens[1:])
    if _is_word(tokens[0], {"export"}):
        return _export_request(tokens[1:])
    panel = None if tokens[0].quoted else Panel.lookup(tokens[0].text)
    rest = tokens[1:] if panel else tokens
    return _panel_request(panel, rest, private)


def _is_word(token: Token, words: frozenset[str] | set[str]) -> bool:
    return not token.quoted and token.text.casefold() in words


def _merge_spaced_windows(tokens: list[Token]) -> list[Token]:
    """`30 days` / `4 w` -> one token `30days` / `4w`, so odd spacing still reads as a window."""
    merged: list[Token] = []
    for token in tokens:
        prev = merged[-1] if merged else None
        if (
            prev is not None
            and not prev.quoted
            and not token.quoted
            and prev.text.isdigit()
            and token.text.casefold() in _UNITS
        ):
            merged[-1] = Token(prev.text + token.text)
        else:
            merged.append(token)
    return merged


def _looks_like_window(token: Token, last: bool) -> bool:
    """A number with a unit, or a signed number: meant as a window even if it is not a valid one.

    Bare numbers belong to group names ("Clinic 42"); an unknown unit counts only at the end,
    so "3M Dermatology" is still a name.
    """
    match = None if token.quoted else _WINDOW_LIKE.fullmatch(token.text)
    if not match:
        return False
    unit = match.group(1).casefold()
    signed = token.text[0] in "+-\u2212"
    return signed or unit in _CLEAR_UNITS or (last and bool(unit))


def _take_window(tokens: Sequence[Token], hint: str = WINDOW_HELP) -> tuple[int, list[Token]]:
    windows: list[tuple[str, int]] = []
    rest: list[Token] = []
    for i, token in enumerate(tokens):
        if _looks_like_window(token, last=i == len(tokens) - 1):
            windows.append((token.text, parse_window(token.text, hint)))
        else:
            rest.append(token)
    if len(windows) > 1:
        given = " and ".join(f"`{_show(w)}`" for w, _ in windows)
        raise InputError(f"Give one window, not {given}. {hint}")
    return (windows[0][1] if windows else DEFAULT_WINDOW_DAYS), rest


def _group_query(tokens: Sequence[Token]) -> str | None:
    query = " ".join(t.text for t in tokens).strip()
    if not query:
        return None
    if len(query) > MAX_GROUP_QUERY:
        raise InputError(
            f"That group name is {len(query)} characters long; type part of it "
            f"(at most {MAX_GROUP_QUERY}), e.g. `/cs health Acme`."
        )
    return query


def _panel_request(panel: Panel | None, tokens: Sequence[Token], private: bool) -> CsRequest:
    window, rest = _take_window(tokens)
    query = _group_query(rest)
    if query is None or not any(ch.isalnum() for ch in query):
        example = f"/cs {(panel or Panel.HEALTH).value} Acme"
        return HelpRequest(reason=f"Which group? Add part of its name, e.g. `{example}`.")
    return PanelRequest(
        panel=panel or Panel.OVERVIEW, group_query=query, window_days=window, private=private
    )


def _list_request(tokens: Sequence[Token], private: bool) -> ListRequest:
    window, rest = _take_window(tokens)
    words = " ".join(t.text for t in rest).casefold().replace("-", " ").replace("_", " ")
    words = " ".join(words.split())
    if not words or words == "all":
        return ListRequest(window_days=window, private=private)
    band = BANDS.get(words)
    if band is None:
        raise InputError(
            f"“{_show(words)}” is not a band; use `excellent`, `good`, `attention` or "
            "`critical`, e.g. `/cs list critical`."
        )
    return ListRequest(band=band, window_days=window, private=private)


def _horizon_days(tokens: Sequence[Token]) -> int:
    """The horizon after `scorecheck`: a window, or nothing (DEFAULT_HORIZON_DAYS)."""
    if not tokens:
        return DEFAULT_HORIZON_DAYS
    if len(tokens) == 1 and tokens[0].text.isdigit():  # `/cs scorecheck 60`: days
        return parse_window(tokens[0].text + "d", SCORECHECK_WINDOW_HELP)
    if len(tokens) == 1 and not tokens[0].quoted:
        return parse_window(tokens[0].text, SCORECHECK_WINDOW_HELP)
    raise InputError(
        "`/cs scorecheck` takes only how long before each renewal to look, e.g. "
        "`/cs scorecheck 90d`. For a group whose name starts with “scorecheck”, quote it."
    )


def _renewal_days(tokens: Sequence[Token]) -> int:
    """The horizon after `renewals`: a window, or nothing (DEFAULT_RENEWAL_DAYS)."""
    if not tokens:
        return DEFAULT_RENEWAL_DAYS
    if len(tokens) == 1 and tokens[0].text.isdigit():  # `/cs renewals 90`: days
        return parse_window(tokens[0].text + "d", RENEWAL_WINDOW_HELP)
    days, rest = _take_window(tokens, RENEWAL_WINDOW_HELP)
    if rest:
        raise InputError(
            f"`/cs renewals` takes only how far ahead to look, e.g. `/cs renewals 90d`, not "
            f"“{_show(' '.join(t.text for t in rest))}”. For a group whose name starts with "
            '“renewal”, quote it: `/cs "Renewal Health"`.'
        )
    return days


def _log_request(tokens: Sequence[Token]) -> LogRequest:
    kind = _LOG_KINDS.get(tokens[0].text.casefold()) if tokens and not tokens[0].quoted else None
    if kind is None:
        raise InputError("Log what? Use `/cs log ticket Acme` or `/cs log meeting Acme`.")
    return LogRequest(kind=kind, group_query=_group_query(tokens[1:]))


_EXPORT_HELP = (
    "`/cs export Acme` sends a group's numbers, `/cs export list` every group's, "
    "`/cs export renewals` the renewals coming up, as CSV."
)


def _export_request(tokens: Sequence[Token]) -> ExportRequest | HelpRequest:
    if not tokens:
        return HelpRequest(reason=f"Export what? {_EXPORT_HELP}")
    if _is_word(tokens[0], _LIST_WORDS):
        listed = _list_request(tokens[1:], private=True)
        return ExportRequest(band=listed.band, window_days=listed.window_days)
    if _is_word(tokens[0], _RENEWAL_WORDS):
        return ExportRequest(renewals=True, window_days=_renewal_days(tokens[1:]))
    panel = None if tokens[0].quoted else Panel.lookup(tokens[0].text)
    request = _panel_request(panel, tokens[1:] if panel else tokens, private=True)
    if not isinstance(request, PanelRequest):
        return HelpRequest(reason=f"Export which group? {_EXPORT_HELP}")
    return ExportRequest(
        panel=request.panel, group_query=request.group_query, window_days=request.window_days
    )
