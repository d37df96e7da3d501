"""Block Kit checks: slack-sdk's models plus the limits Slack enforces that they leave out.

Slack answers a bad block with `invalid_blocks` and no hint; these checks name the block and
the limit instead, so a card that would be rejected fails in tests, not in a channel.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

Surface = Literal["message", "modal", "home"]

MAX_BLOCKS: dict[str, int] = {"message": 50, "modal": 100, "home": 100}
MAX_MESSAGE_TEXT = 40_000
SECTION_TEXT = 3000
FIELDS = 10
FIELD_TEXT = 2000
HEADER_TEXT = 150
BUTTON_TEXT = 75
ACTION_ID = 255
BLOCK_ID = 255
BUTTON_VALUE = 2000
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTIONS = 100
PLACEHOLDER = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
ALT_TEXT = 2000
URL = 3000

_SELECTS = frozenset({"static_select", "multi_static_select"})


class _Checker:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, problem: str) -> None:
        raise ValueError(f"{self.where}: {problem}")

    def too_long(self, what: str, size: int, limit: int) -> None:
        if size > limit:
            self.fail(f"{what} has {size} characters; the limit is {limit}")

    def too_many(self, what: str, count: int, limit: int) -> None:
        if count > limit:
            self.fail(f"{count} {what}; the limit is {limit}")


def _text(obj: Any) -> str:
    if isinstance(obj, Mapping):
        return str(obj.get("text", ""))
    return "" if obj is None else str(obj)


def _walk(node: Any) -> Iterator[Mapping[str, Any]]:
    """Every dict inside a block, depth first (the block itself included)."""
    if isinstance(node, Mapping):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _walk(item)


def _check_node(node: Mapping[str, Any], check: _Checker) -> None:
    kind = node.get("type")
    if kind in ("plain_text", "mrkdwn") and not _text(node).strip():
        check.fail(f"a {kind} text object is empty; Slack rejects empty text")
    if "action_id" in node:
        check.too_long("action_id", len(str(node["action_id"])), ACTION_ID)
    if kind == "button":
        check.too_long("button text", len(_text(node.get("text"))), BUTTON_TEXT)
        check.too_long("button value", len(str(node.get("value", ""))), BUTTON_VALUE)
        check.too_long("button url", len(str(node.get("url", ""))), URL)
    if "placeholder" in node:
        check.too_long("placeholder", len(_text(node["placeholder"])), PLACEHOLDER)
    if kind in _SELECTS:
        check.too_many("options", len(node.get("options") or ()), OPTIONS)
    if "value" in node and "text" in node and kind is None:  # an option object
        check.too_long("option text", len(_text(node["text"])), OPTION_TEXT)
        check.too_long("option value", len(str(node["value"])), OPTION_VALUE)


def _check_block(block: Mapping[str, Any], check: _Checker) -> None:
    kind = block.get("type")
    if kind == "section":
        if "text" not in block and not block.get("fields"):
            check.fail("a section needs text or fields")
        check.too_long("section text", len(_text(block.get("text"))), SECTION_TEXT)
        fields = block.get("fields") or []
        check.too_many("fields", len(fields), FIELDS)
        for n, field in enumerate(fields):
            check.too_long(f"field {n} text", len(_text(field)), FIELD_TEXT)
    elif kind == "header":
        check.too_long("header text", len(_text(block.get("text"))), HEADER_TEXT)
    elif kind == "context":
        check.too_many("context elements", len(block.get("elements") or ()), CONTEXT_ELEMENTS)
    elif kind == "actions":
        elements = block.get("elements") or []
        check.too_many("actions elements", len(elements), ACTIONS_ELEMENTS)
        ids = [
            str(e["action_id"]) for e in elements if isinstance(e, Mapping) and e.get("action_id")
        ]
        if len(ids) != len(set(ids)):
            check.fail(f"action_ids repeat inside one block: {sorted(ids)}")
    elif kind == "image":
        check.too_long("image alt_text", len(str(block.get("alt_text", ""))), ALT_TEXT)
        if not block.get("image_url") and not block.get("slack_file"):
            check.fail("an image needs image_url or slack_file")
    for node in _walk(block):
        _check_node(node, check)


def _parse(block: Mapping[str, Any], check: _Checker) -> None:
    parsed = Block.parse(dict(block))
    if parsed is None:
        check.fail(f"unknown block type {block.get('type')!r}")
        return
    unknown = set(block) - set(parsed.attributes)
    if unknown:
        check.fail(f"unknown keys {sorted(unknown)}")
    try:
        parsed.validate_json()
        parsed.to_dict()  # validates nested elements and text objects too
    except (SlackObjectFormationError, TypeError, ValueError, KeyError) as exc:
        check.fail(f"slack-sdk rejects it: {exc}")


def validate_blocks(blocks: Sequence[Mapping[str, Any]], *, surface: Surface = "message") -> None:
    """Raise ValueError naming the first block (index, type, block_id) that Slack would reject."""
    if not blocks:
        raise ValueError(f"a {surface} needs at least one block")
    _Checker(surface).too_many("blocks", len(blocks), MAX_BLOCKS[surface])
    seen: set[str] = set()
    for index, block in enumerate(blocks):
        if not isinstance(block, Mapping):
            raise ValueError(f"block {index}: is a {type(block).__name__}, not a dict")
        block_id = block.get("block_id")
        check = _Checker(f"block {index} ({block.get('type')}, block_id={block_id!r})")
        if block_id is not None:
            check.too_long("block_id", len(str(block_id)), BLOCK_ID)
            if block_id in seen:
                check.fail("block_id repeats an earlier block's; Slack rejects duplicates")
            seen.add(str(block_id))
        _check_block(block, check)
        _parse(block, check)


def validate_message(text: str, blocks: Sequence[Mapping[str, Any]]) -> None:
    """A chat.postMessage payload: the notification `text` fallback plus valid blocks."""
    if not text.strip():
        raise ValueError("message: the text fallback is empty; notifications would show nothing")
    _Checker("message").too_long("text fallback", len(text), MAX_MESSAGE_TEXT)
    validate_blocks(blocks, surface="message")


def validate_view(view: Mapping[str, Any]) -> None:
    """A modal or App Home view: slack-sdk's View model plus every block check."""
    kind = view.get("type")
    if kind not in ("modal", "home"):
        raise ValueError(f"view: type must be 'modal' or 'home', not {kind!r}")
    try:
        View(**dict(view)).validate_json()
    except (SlackObjectFormationError, TypeError) as exc:
        raise ValueError(f"view ({kind}): slack-sdk rejects it: {exc}") from None
    if kind == "modal" and not _text(view.get("title")).strip():
        raise ValueError("view (modal): a modal needs a title")
    validate_blocks(view.get("blocks") or [], surface=kind)
