"""The help card: what `/cs` understands, with examples; built from the grammar to stay true."""

from __future__ import annotations

from csbot.commands.card import MAX_WINDOW_DAYS
from csbot.commands.grammar import BANDS, DEFAULT_RENEWAL_DAYS
from csbot.commands.panels.base import Panel
from csbot.slack import blockkit as bk
from csbot.slack.ids import BlockId

__all__ = ["help_blocks", "help_text"]

_EXAMPLES = (
    ("/cs Acme", "the overview card for the group whose name contains “Acme”"),
    ("/cs health Acme 90d", "the health panel over the last 90 days"),
    ("/cs rev acme family 6w private", "revenue over six weeks, shown only to you"),
    ("/cs list critical", "every group in the Critical band"),
    ("/cs renewals 90d", "groups renewing in the next 90 days, at-risk ones first"),
    ("/cs scorecheck 90d", "did the scores 90 days before past renewals foresee who churned?"),
    ("/cs log meeting Acme", "log a meeting (or `ticket`) in a form"),
    ("/cs export health Acme", "the panel's numbers as CSV, in your DMs (`export list`: leads)"),
)


def _panel_lines() -> str:
    lines = []
    for panel in Panel:
        aliases = ", ".join(f"`{a}`" for a in panel.aliases)
        suffix = f" ({aliases})" if aliases else ""
        lines.append(f"• `{panel.value}`{suffix}: {panel.label}")
    return "\n".join(lines)


def _band_words() -> str:
    """One typed word per band, the first BANDS lists for it."""
    first: dict[str, str] = {}
    for word, band in BANDS.items():
        if " " not in word:
            first.setdefault(band, word)
    return ", ".join(f"`{word}`" for word in first.values())


def help_blocks(reason: str | None = None) -> list[bk.Block]:
    """The help card, with `reason` on top when the input was not understood.

    `reason` is a CsbotError message (may hold `code` marks); &, < and > are escaped here, so text
    a person typed can never become a mention or a link.
    """
    blocks: list[bk.Block] = [bk.header("csbot: /cs commands", block_id=BlockId.HELP)]
    if reason:
        blocks.append(bk.section(f":warning: {bk.escape(reason)}", block_id=BlockId.STATUS))
    examples = "\n".join(f"`{cmd}`  {what}" for cmd, what in _EXAMPLES)
    blocks += [
        bk.section(f"*Try*\n{examples}"),
        bk.section(
            bk.escape(
                "*Grammar*\n`/cs [panel] <group> [window] [private]`\n"
                "`/cs list [band] [window]`   `/cs renewals [window]`   `/cs help`\n"
                "`/cs scorecheck [horizon]`\n"
                "`/cs log ticket|meeting [group]`   `/cs export [panel] <group> [window]`\n"
                "`/cs export list [band] [window]`   `/cs export renewals [window]`"
            )
        ),
        bk.section(
            f"*Panels* (the first word; `overview` when it is not a panel)\n{_panel_lines()}"
        ),
        bk.section(
            "*Group*: any part of its name, any case, accents optional; several words are fine. "
            "Quote it when it starts with a panel word, `list`, `renewals`, `scorecheck`, `log`, "
            "`export` or "
            "`help`: "
            '`/cs "Revenue Partners"`.\n'
            "*Window*: `7d`, `30d` (default), `90d`, or any `Nd` / `Nw` "
            f"up to {MAX_WINDOW_DAYS} days; for `renewals`, how far ahead "
            f"({DEFAULT_RENEWAL_DAYS} days by default).\n"
            f"*Bands* for `list`: {_band_words()}.\n"
            "*private*: anywhere in the command; the answer is shown only to you."
        ),
        bk.context("Cards show group totals only, never patient-level data."),
    ]
    return blocks


def help_text(reason: str | None = None) -> str:
    """The plain-text fallback (notifications, `csbot ask`)."""
    head = f"{reason}\n" if reason else ""
    examples = "\n".join(f"  {cmd:<34} {what}" for cmd, what in _EXAMPLES)
    usage = ("/cs [panel] <group> [window] [private]; /cs list; /cs renewals; /cs scorecheck; "
             "/cs log; /cs help")  # fmt: skip
    return f"{head}{usage}\n{examples}"
