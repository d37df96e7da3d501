"""What to tell a person when Slack or csbot fails: plain words, never a stack trace.

Slack's error codes (`not_in_channel`, `ratelimited`, ...) mean nothing to a CS manager; each
known one becomes a sentence saying what happened and what to do. Unexpected failures get a
short apology with an error id that also appears in the log line, so support can find it.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from slack_sdk.errors import SlackApiError

from csbot.slack import blockkit as bk

__all__ = ["NOT_IN_CHANNEL", "apology", "logged_failure", "new_error_id", "notice", "plain_words"]

NOT_IN_CHANNEL = (
    ":information_source: I can't post in this channel, so only you see this card (without "
    "its chart). Invite me with `/invite @csbot` and ask again, or add `private` to get "
    "cards in a DM."
)

_WORDS: dict[str, str] = {
    "ratelimited": "Slack is limiting how fast csbot may post right now. Try again in a minute.",
    "not_in_channel": "csbot is not in this channel. Invite it with `/invite @csbot`.",
    "channel_not_found": "csbot cannot see this conversation. Invite it with `/invite @csbot`.",
    "is_archived": "This channel is archived, so csbot cannot post in it.",
    "msg_too_long": "The card was too long for Slack. Try a shorter window or another panel.",
    "invalid_auth": "csbot's Slack token is not valid. Ask your Slack admin to reinstall csbot.",
    "not_authed": "csbot's Slack token is missing. Ask your Slack admin to reinstall csbot.",
    "token_revoked": "csbot's Slack token was revoked. Ask your Slack admin to reinstall csbot.",
    "account_inactive": "csbot's Slack app is deactivated. Ask your Slack admin to reinstall it.",
    "missing_scope": (
        "csbot lacks a Slack permission it needs. Ask your Slack admin to reinstall csbot "
        "from its manifest."
    ),
    "cannot_dm_bot": "csbot cannot send you a DM here. Try again without `private`.",
    "user_not_found": "Slack does not know that user, so csbot cannot DM them.",
    "expired_url": "This card is too old to change. Run `/cs` again.",
    "message_not_found": "That card is gone. Run `/cs` again.",
    "cant_update_message": "csbot cannot change that message. Run `/cs` again.",
}
_SERVER = "Slack had a problem ({error}) and the card could not be sent. Try again in a moment."


def notice(emoji: str, message: str) -> bk.Mrkdwn:
    """':warning: <a CsbotError message>' as mrkdwn: the message escaped (it may quote what
    a person typed), unless it is mrkdwn already (a refusal naming who can help)."""
    return bk.Mrkdwn(f"{emoji} {bk.escape(message)}")


def new_error_id() -> str:
    """A short id for one failure, shown to the person and written to the log."""
    return secrets.token_hex(4)


def logged_failure(logger: logging.Logger, what: str, exc: BaseException, **context: Any) -> str:
    """Log an unexpected failure with its traceback under a new error id; returns the id, for
    the apology. `context` (user, channel, ...) goes in the record's extra fields."""
    error_id = new_error_id()
    logger.error(
        "%s failed (error id %s): %s",
        what,
        error_id,
        exc.__class__.__name__,
        exc_info=exc,
        extra={"error_id": error_id, **context},
    )
    return error_id


def apology(error_id: str) -> str:
    return (
        f":warning: Sorry, something went wrong on csbot's side (error id `{error_id}`). "
        "Try again, and if it keeps happening, tell your csbot admin the error id."
    )


def plain_words(exc: Exception) -> str:
    """A sentence for a Slack failure; anything that is not a Slack API answer is 'unreachable'."""
    if not isinstance(exc, SlackApiError):
        return ":warning: csbot could not reach Slack to send the card. Try again in a moment."
    error = str(exc.response.get("error", "unknown_error"))
    if error in _WORDS:
        return f":warning: {_WORDS[error]}"
    status = getattr(exc.response, "status_code", 200)
    if status >= 500 or error in ("internal_error", "fatal_error", "service_unavailable"):
        return ":warning: " + _SERVER.format(error=error)
    return f":warning: Slack refused the card ({error}). Try again, or run `/cs help`."
