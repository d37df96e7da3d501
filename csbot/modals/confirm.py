"""After a modal is stored: tell the person what was logged, with a button to the group's card.

The confirmation goes as an ephemeral message where the modal was opened; when that is not
possible (no channel, or csbot is not in it) it goes by DM. Times are written with Slack's
`<!date^…>` so each person reads them in their own time zone.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from csbot.commands.card import CardState
from csbot.modals.submit import Logged
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, BlockId

__all__ = ["confirmation", "send_confirmation", "slack_time"]

log = logging.getLogger(__name__)


def slack_time(at: datetime, *, with_time: bool = True) -> str:
    """A time every reader sees in their own zone; the fallback is UTC."""
    stamp = int(at.timestamp())
    token = "{date_short_pretty} at {time}" if with_time else "{date_short_pretty}"
    return f"<!date^{stamp}^{token}|{at:%Y-%m-%d %H:%M} UTC>"


def _headline(logged: Logged) -> str:
    group = f"*{bk.escape(logged.group.name)}*"
    title = bk.escape(logged.title)
    if logged.kind == "ticket":
        return f":white_check_mark: Logged a ticket for {group}: {title}"
    if logged.kind == "note":
        return f":white_check_mark: Saved a CS note to {group}'s timeline: {title}"
    if logged.scheduled:
        return (
            f":calendar: Scheduled a {title} with {group} for {slack_time(logged.when)}. "
            "You'll get a reminder the working day before."
        )
    return f":white_check_mark: Logged a {title} with {group} on {slack_time(logged.when)}"


def _facts(logged: Logged) -> list[str]:
    facts = [f"*{bk.escape(label)}*\n{bk.escape(value)}" for label, value in logged.details]
    if logged.kind == "ticket":
        facts.append(f"*Opened*\n{slack_time(logged.when)}")
    if logged.action_items:
        noun = "action item" if logged.action_items == 1 else "action items"
        facts.append(f"*Next steps*\n{logged.action_items} {noun}")
    return facts


def confirmation(logged: Logged) -> tuple[str, list[dict[str, Any]]]:
    """The text fallback and blocks of the confirmation; the button opens the card that shows
    the new entry (support for tickets, timeline for meetings and notes)."""
    state = CardState(logged.group.id, logged.panel)
    button = bk.button(
        f"Open {logged.panel.label.lower()} card",
        ActionId.OPEN_CARD.value,
        value=state.encode(),
        style="primary",
    )
    facts = _facts(logged)
    blocks = [
        bk.section(_headline(logged), block_id=BlockId.HEADLINE.value),
        *([bk.section(fields=facts, block_id=BlockId.FACTS.value)] if facts else []),
        bk.actions(button, block_id=BlockId.ACTIONS.value),
    ]
    text = f"Logged for {logged.group.name}: {logged.title}"
    bk.validate_message(text, blocks)
    return text, blocks


def send_confirmation(client: WebClient, logged: Logged, *, user_id: str) -> str:
    """Ephemeral in the channel the modal came from, else a DM; returns how it went."""
    text, blocks = confirmation(logged)
    channel = logged.meta.channel
    if channel:
        try:
            client.chat_postEphemeral(channel=channel, user=user_id, **bk.message(text, blocks))
            return "ephemeral"
        except SlackApiError as exc:
            log.info("ephemeral confirmation refused (%s); sending a DM", exc.response.get("error"))
        except SlackClientError as exc:
            log.info("ephemeral confirmation failed (%s); sending a DM", exc.__class__.__name__)
    try:
        dm = client.conversations_open(users=user_id)["channel"]["id"]
        client.chat_postMessage(channel=dm, **bk.message(text, blocks))
    except SlackClientError as exc:
        log.warning("could not confirm a logged entry: %s", exc.__class__.__name__)
        return "failed"
    return "dm"
