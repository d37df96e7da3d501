"""Block Kit builders that stay inside Slack's limits, and the checks that prove it.

Builders take plain strings and return dicts. Text that may be too long (names, notes, reasons)
is cut with "…" at a word boundary, never mid-entity or mid-link; counts that are too big
(fields, elements) are a programming error and raise ValueError.

Escaping: Slack reads `<…>` in mrkdwn as mentions, broadcasts and links, so text from people,
imports or the database must never reach it raw. Where each kind of text goes:

- mrkdwn (section text and fields, context elements): the builder writes csbot's own marks
  (`*bold*`, `:emoji:`) and passes every piece of data through `escape()` (panels: `clip()`).
  csbot's own `<…>` come only from `mention()` and `slack_time()`.
- plain_text (headers, buttons, options, placeholders, modal titles and labels), image alt
  text, file titles and input initial values: raw text, never escaped (people would read
  `&lt;`).
- A message's top-level `text` (the notification fallback) and a file's `initial_comment`:
  plain words with data in raw, escaped once where the payload is assembled: `message()` for
  every chat.postMessage / chat.update / chat.postEphemeral / response_url, `escape()` for
  `initial_comment`. Never escape them yourself; hand over a `Mrkdwn` only when the text holds
  csbot's own `<…>` (a mention), every piece of data in it escaped.

`escape()` returns `Mrkdwn` and leaves `Mrkdwn` as it is, so text is never escaped twice.
tests/e2e/test_escaping.py drives every surface with hostile data; add new surfaces there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from csbot.slack._blockcheck import (
    ACTIONS_ELEMENTS,
    ALT_TEXT,
    BUTTON_TEXT,
    BUTTON_VALUE,
    CONTEXT_ELEMENTS,
    FIELD_TEXT,
    FIELDS,
    HEADER_TEXT,
    OPTION_TEXT,
    OPTION_VALUE,
    OPTIONS,
    PLACEHOLDER,
    SECTION_TEXT,
    validate_blocks,
    validate_message,
    validate_view,
)

__all__ = [
    "Block",
    "Mrkdwn",
    "actions",
    "button",
    "context",
    "divider",
    "escape",
    "external_select",
    "field_sections",
    "header",
    "image",
    "mention",
    "message",
    "mrkdwn",
    "option",
    "plain",
    "section",
    "static_select",
    "truncate",
    "validate_blocks",
    "validate_message",
    "validate_view",
]

Block = dict[str, Any]
ELLIPSIS = "…"
_DANGLING = re.compile(r"(&[a-z#0-9]*|<[^>]*)$")


_SLACK_ID = re.compile(r"[UWS][A-Z0-9]{2,20}")


class Mrkdwn(str):
    """Text that is mrkdwn already: its data escaped, its `<…>` csbot's own. `escape()` leaves
    it as it is. Wrap a string in it only after escaping every piece of data in it."""

    __slots__ = ()


def escape(text: str) -> Mrkdwn:
    """Make text safe for mrkdwn: Slack needs &, < and > escaped, or it reads links and mentions.

    Text that is `Mrkdwn` already comes back unchanged, so nothing is escaped twice."""
    if isinstance(text, Mrkdwn):
        return text
    return Mrkdwn(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def mention(slack_id: str) -> Mrkdwn:
    """csbot's own mention of a person (`<@U…>`) or user group (`<!subteam^S…>`) by Slack id;
    anything that is not an id (a name typed into an import) comes back escaped, never live."""
    slack_id = slack_id.strip()
    if not _SLACK_ID.fullmatch(slack_id):
        return escape(slack_id)
    return Mrkdwn(f"<!subteam^{slack_id}>" if slack_id[0] == "S" else f"<@{slack_id}>")


def message(text: str, blocks: Sequence[Block] | None = None) -> dict[str, Any]:
    """`text` and `blocks` of a message to send (chat.postMessage, chat.update,
    chat.postEphemeral, a response_url): `text`, the notification fallback in plain words, is
    escaped here, once. Blocks go as built (their builders check them)."""
    payload: dict[str, Any] = {"text": escape(text)}
    if blocks:
        payload["blocks"] = list(blocks)
    return payload


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters: cut at a word boundary near the end and end with "…".

    Never leaves half an `&amp;` entity or half a `<link|label>` behind.
    """
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - 1)]
    space = cut.rfind(" ")
    if space >= limit * 0.8:
        cut = cut[:space]
    cut = _DANGLING.sub("", cut).rstrip()
    return cut + ELLIPSIS


def plain(text: str, limit: int = SECTION_TEXT, *, emoji: bool = True) -> dict[str, Any]:
    return {"type": "plain_text", "text": truncate(text, limit) or " ", "emoji": emoji}


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": truncate(text, limit) or " "}


def _with_id(block: Block, block_id: str | None) -> Block:
    if block_id:
        block["block_id"] = block_id
    return block


def header(text: str, *, block_id: str | None = None) -> Block:
    return _with_id({"type": "header", "text": plain(text, HEADER_TEXT)}, block_id)


def divider() -> Block:
    return {"type": "divider"}


def section(
    text: str | None = None,
    *,
    fields: Sequence[str] = (),
    accessory: Mapping[str, Any] | None = None,
    block_id: str | None = None,
) -> Block:
    """A mrkdwn section with text and/or up to 10 mrkdwn fields."""
    if len(fields) > FIELDS:
        raise ValueError(f"a section holds at most {FIELDS} fields, got {len(fields)}")
    block: Block = {"type": "section"}
    if text is not None or not fields:
        block["text"] = mrkdwn(text or " ", SECTION_TEXT)
    if fields:
        block["fields"] = [mrkdwn(f, FIELD_TEXT) for f in fields]
    if accessory is not None:
        block["accessory"] = dict(accessory)
    return _with_id(block, block_id)


def field_sections(pairs: Iterable[tuple[str, str]], *, block_id: str | None = None) -> list[Block]:
    """Label/value facts as "*label*\\nvalue" fields, ten to a section (labels are escaped)."""
    fields = [f"*{escape(label)}*\n{value}" for label, value in pairs]
    chunks = [fields[i : i + FIELDS] for i in range(0, len(fields), FIELDS)]
    return [
        section(fields=chunk, block_id=f"{block_id}_{n}" if block_id and n else block_id)
        for n, chunk in enumerate(chunks)
    ]


def context(*texts: str, block_id: str | None = None) -> Block:
    """Small grey mrkdwn lines under a block: sources, timestamps, hints."""
    if not texts or len(texts) > CONTEXT_ELEMENTS:
        raise ValueError(
            f"a context block holds 1 to {CONTEXT_ELEMENTS} elements, got {len(texts)}"
        )
    return _with_id({"type": "context", "elements": [mrkdwn(t) for t in texts]}, block_id)


def actions(*elements: Mapping[str, Any], block_id: str | None = None) -> Block:
    if not elements or len(elements) > ACTIONS_ELEMENTS:
        raise ValueError(
            f"an actions block holds 1 to {ACTIONS_ELEMENTS} elements, got {len(elements)}"
        )
    return _with_id({"type": "actions", "elements": [dict(e) for e in elements]}, block_id)


def button(
    text: str,
    action_id: str,
    *,
    value: str | None = None,
    style: Literal["primary", "danger"] | None = None,
    url: str | None = None,
) -> Block:
    element: Block = {"type": "button", "text": plain(text, BUTTON_TEXT), "action_id": action_id}
    if value is not None:
        if len(value) > BUTTON_VALUE:
            raise ValueError(f"a button value holds at most {BUTTON_VALUE} characters")
        element["value"] = value
    if style is not None:
        element["style"] = style
    if url is not None:
        element["url"] = url
    return element


def option(text: str, value: str) -> dict[str, Any]:
    if len(value) > OPTION_VALUE:
        raise ValueError(f"an option value holds at most {OPTION_VALUE} characters: {value[:40]!r}")
    return {"text": plain(text, OPTION_TEXT), "value": value}


def static_select(
    action_id: str,
    options: Sequence[Mapping[str, Any]],
    *,
    placeholder: str,
    initial: Mapping[str, Any] | None = None,
) -> Block:
    if not options or len(options) > OPTIONS:
        raise ValueError(f"a select holds 1 to {OPTIONS} options, got {len(options)}")
    element: Block = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder, PLACEHOLDER),
        "options": [dict(o) for o in options],
    }
    if initial is not None:
        element["initial_option"] = dict(initial)
    return element


def external_select(
    action_id: str,
    *,
    placeholder: str,
    initial: Mapping[str, Any] | None = None,
    min_query_length: int = 1,
) -> Block:
    """A type-ahead select; Slack asks the app's options endpoint for what matches."""
    element: Block = {
        "type": "external_select",
        "action_id": action_id,
        "placeholder": plain(placeholder, PLACEHOLDER),
        "min_query_length": min_query_length,
    }
    if initial is not None:
        element["initial_option"] = dict(initial)
    return element


def image(
    alt_text: str,
    *,
    image_url: str | None = None,
    slack_file_id: str | None = None,
    slack_file_url: str | None = None,
    title: str | None = None,
    block_id: str | None = None,
) -> Block:
    """An image from a public URL or an uploaded Slack file (give exactly one source)."""
    sources = [s for s in (image_url, slack_file_id, slack_file_url) if s]
    if len(sources) != 1:
        raise ValueError("give exactly one of image_url, slack_file_id or slack_file_url")
    block: Block = {"type": "image", "alt_text": truncate(alt_text, ALT_TEXT) or "chart"}
    if image_url:
        block["image_url"] = image_url
    elif slack_file_id:
        block["slack_file"] = {"id": slack_file_id}
    else:
        block["slack_file"] = {"url": slack_file_url}
    if title:
        block["title"] = plain(title, ALT_TEXT)
    return _with_id(block, block_id)
