"""What Slack reads as mrkdwn in the calls the fake Slack recorded, and whether text from people
or imports got there raw.

Slack turns `<!channel>`, `<@U…>`, `<#C…>` and `<https://…|label>` in mrkdwn into broadcasts,
mentions and links: in a message's top-level `text`, a file's `initial_comment`, and every mrkdwn
text object of blocks and views. plain_text objects, alt texts, file titles, values and metadata
are shown as they are (or not at all), so they hold raw text and are skipped. Every other string
in a recorded call counts as mrkdwn, whatever its method or field, so a new surface or field is
scanned without being listed here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from tests.e2e.fakeslack import Call

__all__ = ["Shown", "double_escaped", "over_escaped", "raw_markup", "shown"]

PLAIN_KEYS = frozenset(
    {
        "alt_text",  # an image's text for screen readers
        "alt_txt",  # the same, for an uploaded file
        "title",  # a file's title (a view's or image's title is a plain_text object)
        "filename",
        "value",  # a button's or option's value: never shown
        "initial_value",  # what a text input starts with: shown as typed
        "private_metadata",
        "callback_id",
        "external_id",
    }
)
"""Fields Slack never reads as mrkdwn (besides the text of plain_text objects)."""
RAW = re.compile(r"<(?!mailto:|tel:)", re.IGNORECASE)
"""Any `<` but csbot's own email and phone links (built only from values that are addresses
and numbers): Slack reads it as the start of a mention, a broadcast or a link."""
SLACK_DATE = re.compile(r"<!date\^\d+\^[^|<>]*\|[^<>]*>")
"""csbot's own `<!date^…|fallback>` (each reader sees the time in their own zone)."""
DOUBLE = re.compile(r"&amp;(?:amp|lt|gt);")
ENTITY = re.compile(r"&(?:amp|lt|gt);")


@dataclass(frozen=True)
class Shown:
    """One string sent to Slack: which call, where in it, and whether Slack reads it as mrkdwn."""

    method: str
    where: str
    text: str
    mrkdwn: bool

    def __str__(self) -> str:
        return f"{self.method} {self.where}: {self.text!r}"


def _decoded(text: str) -> Any:
    """A JSON document sent as a form field (blocks, view, files), or None."""
    if text[:1] not in ("[", "{"):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _walk(method: str, node: Any, where: str, plain: bool) -> Iterator[Shown]:
    if isinstance(node, str):
        decoded = _decoded(node)
        if decoded is None:
            yield Shown(method, where, node, mrkdwn=not plain)
        else:
            yield from _walk(method, decoded, where, plain)
    elif isinstance(node, dict):
        plain = plain or node.get("type") == "plain_text"
        for key, value in node.items():
            yield from _walk(method, value, f"{where}.{key}", plain or key in PLAIN_KEYS)
    elif isinstance(node, list):
        for n, item in enumerate(node):
            yield from _walk(method, item, f"{where}[{n}]", plain)


def shown(calls: Iterable[Call]) -> list[Shown]:
    """Every string of every call to Slack (file contents aside: a CSV is not mrkdwn)."""
    return [s for c in calls if c.method != "upload" for s in _walk(c.method, c.params, "", False)]


def raw_markup(texts: Iterable[Shown], allowed: Collection[str] = ()) -> list[Shown]:
    """mrkdwn holding a raw `<` (`<!channel>`, `<@U…>`, `<#C…>`, `<https://…|…>`) that is not
    csbot's own: one of `allowed` (e.g. the CSM's `<@U…>`), a `<!date^…>`, a mailto or tel
    link."""
    found = []
    for s in texts:
        text = SLACK_DATE.sub("", s.text)
        for token in allowed:
            text = text.replace(token, "")
        if s.mrkdwn and RAW.search(text):
            found.append(s)
    return found


def double_escaped(texts: Iterable[Shown]) -> list[Shown]:
    """mrkdwn escaped twice (`&amp;lt;`): people would read `&lt;`."""
    return [s for s in texts if s.mrkdwn and DOUBLE.search(s.text)]


def over_escaped(texts: Iterable[Shown]) -> list[Shown]:
    """Text Slack shows as it is (plain_text, alt text) holding `&lt;`, `&gt;` or `&amp;`:
    people would read the entity (the hostile data holds none)."""
    return [s for s in texts if not s.mrkdwn and ENTITY.search(s.text)]
