"""Block Kit as a person reads it in a terminal: header, headline, facts,
sections, context; mrkdwn marks dropped, links spelt out, Slack's emoji codes as real emoji.

`csbot ask` prints cards this way; digests use it for their dry runs.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from csbot.scoring.types import Band

__all__ = ["card_as_text", "plain"]

_EMOJI = {band.slack_emoji: band.emoji for band in Band} | {
    ":white_circle:": "\u26aa",
    ":warning:": "\u26a0\ufe0f",
    ":information_source:": "\u2139\ufe0f",
}
_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]+))?>")
_MARKUP = re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])")


def _link(match: re.Match[str]) -> str:
    """`<mailto:a@b|email>` -> 'a@b', `<tel:1|(1)>` -> '(1)', `<https://x|docs>` -> 'docs
    (https://x)', `<@U1>` -> '@U1'."""
    target, label = match.group(1), match.group(2)
    if target.startswith("mailto:"):
        return target.removeprefix("mailto:")
    if target.startswith("tel:"):
        return label or target.removeprefix("tel:")
    if label is None or target.startswith(("@", "#", "!")):
        return target
    return f"{label} ({target})"


def plain(mrkdwn: str) -> str:
    """mrkdwn as terminal text: no bold/italic marks, links spelt out, real emoji, &amp; &lt;
    &gt; undone."""
    text = _MARKUP.sub(r"\1", _LINK.sub(_link, mrkdwn))
    for code, emoji in _EMOJI.items():
        text = text.replace(code, emoji)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _block_lines(block: dict[str, Any], chart: Path | None) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = plain(block["text"]["text"])
        return [title, "=" * len(title)]
    if kind == "section":
        lines = [plain(block["text"]["text"])] if "text" in block else []
        fields = [plain(f["text"]).replace("\n", ": ", 1) for f in block.get("fields", [])]
        return [*lines, *fields, ""] if fields or lines else []
    if kind == "context":
        return [" · ".join(plain(e["text"]) for e in block["elements"])]
    if kind == "image" and chart is not None:
        return [f"[chart: {block['alt_text']} -> {chart}]", ""]
    return []  # buttons and selects have no terminal version


def card_as_text(blocks: list[dict[str, Any]], *, chart: Path | None = None) -> str:
    """The card as a person would read it: header, headline, facts, sections, context."""
    lines: list[str] = []
    for block in blocks:
        lines.extend(_block_lines(block, chart))
    return "\n".join(lines).strip() + "\n"
