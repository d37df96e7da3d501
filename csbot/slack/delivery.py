"""Deliver: the only step of the pipeline that talks to Slack, and the ways that can go wrong.

A chart is uploaded with `files_upload_v2` *without* a channel, so the file stays private to the
bot, then the card is posted (or updated) with an image block pointing at it (`slack_file`).
Slack shows a `slack_file` image to everyone in the conversation when the poster (the bot) can
see the file, so this works the same in public channels, private channels and DMs. Right after
an upload Slack may still answer `invalid_blocks` ("invalid slack file") while it processes the
file: that is retried briefly, then the card goes out without the image and the chart follows
as a file in the card's thread. The card itself is never lost.

429s and 5xx are retried by the Web API client (csbot.slack.webclient); what still fails is told to
the person in plain words through the command's `response_url`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from csbot.slack import blockkit as bk
from csbot.slack.message import Card
from csbot.slack.slackwords import NOT_IN_CHANNEL, plain_words
from csbot.slack.webclient import retry_handlers

__all__ = ["Delivered", "Delivery", "Where"]

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]
FILE_RETRY_WAITS = (0.25, 0.5, 1.0)
"""Waits before re-sending a card whose freshly uploaded image Slack did not know yet."""
ALT_TXT_LIMIT = 1000
_NO_ACCESS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


@dataclass(frozen=True)
class Where:
    """Where an answer goes: the conversation and person it came from, and how to reach them.

    `message_ts` set: redraw that message in place. `ephemeral`: it is an ephemeral message,
    which only its `response_url` can change. `private`: a new answer goes to a DM.
    """

    channel: str
    user_id: str
    response_url: str | None = None
    private: bool = False
    message_ts: str | None = None
    ephemeral: bool = False


@dataclass(frozen=True)
class Delivered:
    """What happened: where the card went and which file holds its chart."""

    via: str  # "message", "update", "response_url" or "failed"
    channel: str | None = None
    ts: str | None = None
    file_id: str | None = None


class Delivery:
    """Posts cards for one bot token. `sleep` is injectable so tests check waits without waiting."""

    def __init__(
        self,
        client: WebClient,
        *,
        sleep: Sleep = time.sleep,
        file_retry_waits: Sequence[float] = FILE_RETRY_WAITS,
    ) -> None:
        self.client = client
        self.sleep = sleep
        self.file_retry_waits = tuple(file_retry_waits)

    # the three ways out ----------------------------------------------------------------------
    def post(self, card: Card, png: bytes | None, where: Where, *, filename: str) -> Delivered:
        """A new message where the person asked (or in their DM when `private`)."""
        return self._out(card, png, where, filename=filename, ts=None)

    def redraw(self, card: Card, png: bytes | None, where: Where, *, filename: str) -> Delivered:
        """Replace the clicked message in place; ephemeral ones through their response_url."""
        if where.ephemeral or where.message_ts is None:
            return self._via_response_url(card, where, replace=True)
        return self._out(card, png, where, filename=filename, ts=where.message_ts)

    def tell(
        self,
        where: Where,
        text: str,
        blocks: Sequence[bk.Block] | None = None,
        *,
        replace: bool = False,
    ) -> Delivered:
        """An ephemeral answer only the person sees (pickers, did-you-mean, errors)."""
        if not where.response_url:
            log.warning("no response_url to answer on", extra={"channel": where.channel})
            return Delivered("failed", where.channel)
        body: dict[str, Any] = {"response_type": "ephemeral", **bk.message(text, blocks)}
        if replace:
            body["replace_original"] = True
        try:
            response = self._webhook(where.response_url).send_dict(body)
        except (SlackClientError, OSError) as exc:
            log.warning("response_url failed: %s", exc.__class__.__name__)
            return Delivered("failed", where.channel)
        if response.status_code != 200:
            log.warning("response_url answered %s", response.status_code)
            return Delivered("failed", where.channel)
        return Delivered("response_url", where.channel)

    def dismiss(self, where: Where) -> None:
        """Delete the clicked ephemeral message (a picker that has done its job)."""
        if where.response_url:
            try:
                self._webhook(where.response_url).send_dict({"delete_original": True})
            except (SlackClientError, OSError) as exc:
                log.info("could not dismiss a picker: %s", exc.__class__.__name__)

    def fail(self, where: Where, exc: Exception) -> Delivered:
        """Tell the person in plain words what went wrong; the details go to the log."""
        error = _error(exc) if isinstance(exc, SlackApiError) else exc.__class__.__name__
        log.warning("slack delivery failed: %s", error, extra={"channel": where.channel})
        self.tell(where, plain_words(exc))
        return Delivered("failed", where.channel)

    # steps ----------------------------------------------------------------------------------
    def _out(
        self, card: Card, png: bytes | None, where: Where, *, filename: str, ts: str | None
    ) -> Delivered:
        """Upload, then post (ts None) or update; whoever cannot be reached gets told why."""
        in_place = ts is not None
        to_dm = where.private and not in_place
        try:
            channel = self._dm(where.user_id) if to_dm else where.channel
            file_id = self._upload(png, card, filename)
            sent_ts, shown = self._send(card, file_id, channel=channel, ts=ts)
        except SlackApiError as exc:
            if _error(exc) in _NO_ACCESS and not to_dm:
                return self._via_response_url(card, where, replace=in_place, note=NOT_IN_CHANNEL)
            return self.fail(where, exc)
        except SlackClientError as exc:
            return self.fail(where, exc)
        if png is not None and file_id is not None and not shown:
            self._thread_chart(card, png, channel=channel, ts=sent_ts, filename=filename)
        via = "update" if in_place else "message"
        return Delivered(via, channel, sent_ts, file_id if shown else None)

    def _dm(self, user_id: str) -> str:
        opened = self.client.conversations_open(users=user_id)
        return str(opened["channel"]["id"])

    def _upload(self, png: bytes | None, card: Card, filename: str) -> str | None:
        """The uploaded chart's file id; None (the card goes without it) when the upload fails."""
        if png is None or card.chart is None:
            return None
        try:
            uploaded = self.client.files_upload_v2(
                content=png,
                filename=filename,
                title=card.chart.title or filename,
                alt_txt=bk.truncate(card.chart.alt_text, ALT_TXT_LIMIT),
            )
        except (SlackClientError, OSError) as exc:  # the upload URL is plain HTTP: OSError
            log.warning("chart upload failed; sending the card without it: %s", _describe(exc))
            return None
        return str(uploaded["file"]["id"])

    def _send(
        self, card: Card, file_id: str | None, *, channel: str, ts: str | None
    ) -> tuple[str, bool]:
        """Post or update; (ts, whether the image made it). Retries while Slack does not know
        the new file yet, then sends the card without it."""
        waits = list(self.file_retry_waits) if file_id else []
        while True:
            try:
                return self._write(card, card.blocks(chart_file_id=file_id), channel, ts), True
            except SlackApiError as exc:
                if file_id is None or _error(exc) != "invalid_blocks":
                    raise
                if not waits:
                    log.warning("slack did not accept the chart image; it goes in the thread")
                    return self._write(card, card.blocks(), channel, ts), False
                self.sleep(waits.pop(0))

    def _write(self, card: Card, blocks: list[bk.Block], channel: str, ts: str | None) -> str:
        sent = bk.message(card.text, blocks)
        if ts is None:
            posted = self.client.chat_postMessage(channel=channel, **sent)
        else:
            posted = self.client.chat_update(channel=channel, ts=ts, **sent)
        return str(posted["ts"])

    def _thread_chart(
        self, card: Card, png: bytes, *, channel: str, ts: str, filename: str
    ) -> None:
        """The chart as a file in the card's thread, when the image block had to go."""
        try:
            self.client.files_upload_v2(
                content=png,
                filename=filename,
                title=card.chart.title if card.chart and card.chart.title else filename,
                channel=channel,
                thread_ts=ts,
            )
        except (SlackClientError, OSError) as exc:  # the card is out: never fail it now
            log.warning("chart could not be shared in the thread either: %s", _describe(exc))

    def _via_response_url(
        self, card: Card, where: Where, *, replace: bool = False, note: str | None = None
    ) -> Delivered:
        blocks = card.blocks()
        if note:
            blocks.append(bk.context(note))
        return self.tell(where, card.text, blocks, replace=replace)

    @staticmethod
    def _webhook(url: str) -> WebhookClient:
        return WebhookClient(url, timeout=10, retry_handlers=retry_handlers())


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error", "unknown_error"))


def _describe(exc: Exception) -> str:
    return _error(exc) if isinstance(exc, SlackApiError) else exc.__class__.__name__
