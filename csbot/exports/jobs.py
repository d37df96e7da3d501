"""Exports on csbot's work queue: check the role, build the CSV, send it to the person's DMs,
record it in the audit trail, and say where it went.

Exports stay inside Slack's own access model: the file goes only to the person who asked (a
DM with csbot), and the answer in the channel is ephemeral. Members may export one group's
panel; the portfolio needs a lead (csbot.slack.permissions).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError

from csbot.commands.card import CardState
from csbot.commands.grammar import ExportRequest
from csbot.commands.listing import ListState
from csbot.commands.pipeline import MAX_PICKS
from csbot.commands.renewals import RenewalsState
from csbot.errors import CsbotError
from csbot.exports.export import Export, group_export, portfolio_export, renewals_export
from csbot.scoring.types import Band
from csbot.services import Services, today
from csbot.slack import blockkit as bk
from csbot.slack.delivery import Delivery, Where
from csbot.slack.ids import ActionId, BlockId, action_id
from csbot.slack.matching import Ambiguous, Matched, match_groups
from csbot.slack.permissions import Action, require
from csbot.slack.slackwords import apology, logged_failure, notice, plain_words
from csbot.slack.workqueue import BUSY_MESSAGE
from csbot.store import audit
from csbot.store.db import transaction
from csbot.store.groups import group_names

__all__ = ["ExportJobs", "submit_export"]

log = logging.getLogger(__name__)

Job = Callable[[], None]


class ExportJobs:
    """The jobs behind `/cs export`, a card's Export button and App Home's Export CSV."""

    def __init__(self, services: Services, delivery: Delivery | None = None) -> None:
        self.services = services
        self.delivery = delivery or Delivery(services.client)

    def group(self, state: CardState, where: Where) -> Job:
        """One group's panel, as on its card."""

        def job() -> None:
            with self._guard(where):
                self._send(where, Action.EXPORT_GROUP, lambda: self._group(state))

        return job

    def portfolio(self, state: ListState, where: Where) -> Job:
        """Every group (or one band), one row each, as `/cs list` ranks them."""

        def job() -> None:
            with self._guard(where):
                self._send(where, Action.EXPORT_PORTFOLIO, lambda: self._portfolio(state))

        return job

    def renewals(self, state: RenewalsState, where: Where) -> Job:
        """The groups renewing in the window, as the renewals card orders them (leads)."""

        def job() -> None:
            with self._guard(where):
                self._send(where, Action.EXPORT_PORTFOLIO, lambda: self._renewals(state))

        return job

    def command(self, request: ExportRequest, where: Where) -> Job:
        """`/cs export ...`: find the group first; several matches get a picker."""
        if request.renewals:
            return self.renewals(RenewalsState(request.window_days, private=True), where)
        if request.group_query is None:
            band = Band(request.band) if request.band else None
            return self.portfolio(ListState(band, request.window_days, private=True), where)

        def job() -> None:
            with self._guard(where):
                state = CardState(0, request.panel, request.window_days, private=True)
                chosen = self._match(str(request.group_query), state, where)
                if chosen is not None:
                    self._send(where, Action.EXPORT_GROUP, lambda: self._group(chosen))

        return job

    # -----------------------------------------------------------------------------------------
    def _group(self, state: CardState) -> Export:
        return group_export(self.services, state, as_of=today(self.services))

    def _portfolio(self, state: ListState) -> Export:
        return portfolio_export(self.services, state, as_of=today(self.services))

    def _renewals(self, state: RenewalsState) -> Export:
        return renewals_export(self.services, state, as_of=today(self.services))

    def _match(self, query: str, state: CardState, where: Where) -> CardState | None:
        with transaction(self.services.sessions) as session:
            match = match_groups(query, group_names(session))
        if isinstance(match, Matched):
            return state.but(group_id=match.group.id)
        blocks = [bk.section(bk.escape(match.message), block_id=BlockId.STATUS.value)]
        if isinstance(match, Ambiguous):
            buttons = [
                bk.button(
                    g.name,
                    action_id(ActionId.EXPORT, f"group.{g.id}"),
                    value=state.but(group_id=g.id).encode(),
                )
                for g in match.groups[:MAX_PICKS]
            ]
            blocks.append(bk.actions(*buttons, block_id=BlockId.PICK_GROUP.value))
        self._notify(where, match.message, blocks)
        return None

    def _send(self, where: Where, action: Action, build: Callable[[], Export]) -> None:
        require(self.services, where.user_id, action)
        export = build()
        client = self.services.client
        channel = str(client.conversations_open(users=where.user_id)["channel"]["id"])
        uploaded = client.files_upload_v2(
            channel=channel,
            content=export.content,
            filename=export.filename,
            title=export.title,
            initial_comment=bk.escape(export.comment),
        )
        with transaction(self.services.sessions) as session:
            audit.record(
                session,
                actor=where.user_id,
                action=audit.AuditAction.EXPORT,
                group_id=export.group_id,
                at=self.services.clock(),
                detail={
                    "what": action.value,
                    "file": export.filename,
                    "rows": export.rows,
                    "file_id": str(uploaded["file"]["id"]),
                },
            )
        log.info("export sent", extra={"user": where.user_id, "rows": export.rows})
        if where.response_url:
            rows = f"{export.rows} row{'s' if export.rows != 1 else ''}"
            text = f":page_facing_up: Sent *{export.filename}* ({rows}) to your DMs."
            self.delivery.tell(where, text)

    def _notify(self, where: Where, text: str, blocks: list[bk.Block] | None = None) -> None:
        """Ephemeral when there is a response_url (commands, messages); else a DM (App Home)."""
        if where.response_url:
            self.delivery.tell(where, text, blocks)
            return
        try:
            client = self.services.client
            channel = str(client.conversations_open(users=where.user_id)["channel"]["id"])
            client.chat_postMessage(channel=channel, **bk.message(text, blocks))
        except SlackClientError as exc:
            log.warning("could not tell about an export: %s", exc.__class__.__name__)

    @contextmanager
    def _guard(self, where: Where) -> Iterator[None]:
        try:
            yield
        except CsbotError as exc:
            self._notify(where, notice(":no_entry:", exc.message))
        except SlackApiError as exc:
            log.warning("export not delivered: %s", exc.response.get("error"))
            self._notify(where, plain_words(exc).replace("the card", "the export"))
        except Exception as exc:
            error_id = logged_failure(log, "export", exc, user=where.user_id)
            self._notify(where, apology(error_id))


def submit_export(
    services: Services, request: ExportRequest, command: dict[str, Any]
) -> dict[str, Any]:
    """Queue `/cs export ...` typed as `command`; returns what the slash listener acks with."""
    where = Where(
        command["channel_id"], command["user_id"], command.get("response_url"), private=True
    )
    jobs = ExportJobs(services)
    tell = partial(jobs.delivery.tell, where)
    if not services.work.submit(jobs.command(request, where), label="/cs export", on_drop=tell):
        return {"text": BUSY_MESSAGE, "response_type": "ephemeral"}
    return {"text": ":hourglass_flowing_sand: Preparing the CSV…", "response_type": "ephemeral"}
