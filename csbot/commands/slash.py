"""The `/cs` listeners: the command, the card's buttons and selects, and the group type-ahead.

Each listener acks at once and hands the work to csbot's queue (csbot.commands.jobs); only
parsing, which is pure and cheap, happens before the ack. Help and typing mistakes are answered
in the ack itself. When the queue is full the person is told so instead of waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Literal, Protocol, TypeVar

from slack_bolt import Ack, App
from slack_sdk import WebClient

from csbot.commands.card import CardState
from csbot.commands.grammar import (
    ExportRequest,
    HelpRequest,
    ListRequest,
    LogRequest,
    PanelRequest,
    RenewalsRequest,
    ScorecheckRequest,
    parse_command,
)
from csbot.commands.help import help_blocks, help_text
from csbot.commands.jobs import CardJobs
from csbot.commands.listing import ListState
from csbot.commands.renewals import RenewalsState
from csbot.errors import InputError
from csbot.services import Services
from csbot.slack import blockkit as bk
from csbot.slack.delivery import Delivery, Where
from csbot.slack.ids import ActionId, BlockId, action_pattern
from csbot.slack.slackwords import notice
from csbot.slack.workqueue import BUSY_MESSAGE
from csbot.store.db import transaction
from csbot.store.groups import search_group_options

__all__ = ["WORKING_ON_LIST", "WORKING_ON_RENEWALS", "register"]

WORKING_ON_LIST = ":hourglass_flowing_sand: Working on the portfolio…"
WORKING_ON_RENEWALS = ":hourglass_flowing_sand: Working on the renewals…"
WORKING_ON_SCORECHECK = ":hourglass_flowing_sand: Checking the scores against past renewals…"
Listener = Callable[..., None]


class _Routed(Protocol):
    @property
    def private(self) -> bool: ...


_S = TypeVar("_S", bound=_Routed)


class OpenLog(Protocol):
    """`/cs log ticket|meeting [group]`: open the form (csbot.modals.listeners.open_log_modal)."""

    def __call__(
        self,
        client: WebClient,
        *,
        trigger_id: str,
        kind: Literal["ticket", "meeting"],
        group_query: str | None,
        services: Services,
        user_id: str,
        channel_id: str | None = None,
    ) -> bool: ...


SubmitExport = Callable[[Services, ExportRequest, dict[str, Any]], dict[str, Any]]
"""`/cs export ...`: queue the CSV and return what to ack with (csbot.exports.jobs)."""


def register(
    app: App, services: Services, *, open_log: OpenLog, submit_export: SubmitExport
) -> None:
    """Wire `/cs`, its controls and the group picker's options to `app`. `/cs log` and
    `/cs export` are answered by the modals and exports rooms: csbot.app passes them in."""
    jobs = CardJobs(services)
    app.command("/cs")(_command(services, jobs, open_log, submit_export))
    redraw = _control(services, CardState.decode, jobs.redraw)
    for control in (action_pattern(ActionId.PANEL), ActionId.WINDOW_SELECT, ActionId.GROUP_SELECT):
        app.action(control)(redraw)
    app.action(action_pattern(ActionId.OPEN_CARD))(_control(services, CardState.decode, jobs.open))
    app.action(action_pattern(ActionId.PICK_GROUP))(
        _control(services, CardState.decode, partial(jobs.open, dismiss=True))
    )
    app.action(ActionId.LIST_BAND_SELECT)(_control(services, ListState.decode, jobs.relist))
    app.action(ActionId.RENEWALS_SELECT)(_control(services, RenewalsState.decode, jobs.rerenewals))
    app.options(ActionId.GROUP_SELECT)(_group_options(services))


def _help(reason: str | None) -> dict[str, Any]:
    return {**bk.message(help_text(reason), help_blocks(reason)), "response_type": "ephemeral"}


def _command(
    services: Services, jobs: CardJobs, open_log: OpenLog, submit_export: SubmitExport
) -> Listener:
    def on_cs(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        try:
            request = parse_command(str(command.get("text") or ""))
        except InputError as exc:
            ack(**_help(exc.message))
            return
        if isinstance(request, HelpRequest):
            ack(**_help(request.reason))
            return
        if isinstance(request, LogRequest):  # a form: views.open while the trigger lives
            ack()
            open_log(
                client,
                trigger_id=command["trigger_id"],
                kind=request.kind,
                group_query=request.group_query,
                services=services,
                user_id=command["user_id"],
                channel_id=command.get("channel_id"),
            )
            return
        if isinstance(request, ExportRequest):  # a CSV to the person's DMs (csbot.exports)
            ack(**submit_export(services, request, command))
            return
        ack(**_queue_answer(services, jobs, request, command))

    return on_cs


def _queue_answer(
    services: Services,
    jobs: CardJobs,
    request: PanelRequest | ListRequest | RenewalsRequest | ScorecheckRequest,
    command: dict[str, Any],
) -> dict[str, Any]:
    """Queue a card, list, renewals or scorecheck answer; returns what to ack with."""
    where = Where(
        command["channel_id"],
        command["user_id"],
        command.get("response_url"),
        private=request.private,
    )
    job, tell = jobs.command(request, where), partial(jobs.delivery.tell, where)
    if not services.work.submit(job, label="/cs", on_drop=tell):
        return {"text": BUSY_MESSAGE, "response_type": "ephemeral"}
    if isinstance(request, ListRequest):  # every group is scored: may take a moment
        return {"text": WORKING_ON_LIST, "response_type": "ephemeral"}
    if isinstance(request, RenewalsRequest):
        return {"text": WORKING_ON_RENEWALS, "response_type": "ephemeral"}
    if isinstance(request, ScorecheckRequest):
        return {"text": WORKING_ON_SCORECHECK, "response_type": "ephemeral"}
    return {}


def _where(body: dict[str, Any], *, private: bool) -> Where:
    """Where a click came from: its message (to redraw), its channel, its person."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
    return Where(
        channel,
        body["user"]["id"],
        body.get("response_url"),
        private=private,
        message_ts=container.get("message_ts"),
        ephemeral=bool(container.get("is_ephemeral")),
    )


def _value(action: dict[str, Any]) -> str:
    """A button's value or a select's chosen option's value."""
    return str(action.get("value") or (action.get("selected_option") or {}).get("value") or "")


def _control(
    services: Services,
    decode: Callable[[str], _S],
    make_job: Callable[[_S, Where], Callable[[], None]],
) -> Listener:
    """A click on a card or list control: ack, then queue the job its value asks for."""

    def on_control(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        try:
            state = decode(_value(action))
        except InputError as exc:
            _tell(services, _where(body, private=False), notice(":warning:", exc.message))
            return
        where = _where(body, private=state.private)
        tell = partial(_tell, services, where)
        if not services.work.submit(
            make_job(state, where), label=str(action.get("action_id")), on_drop=tell
        ):
            tell(BUSY_MESSAGE)

    return on_control


def _tell(services: Services, where: Where, text: str) -> None:
    Delivery(services.client).tell(where, text)


def _group_options(services: Services) -> Listener:
    """Type-ahead for the card's group picker; each option keeps the card's panel and window."""

    def on_options(ack: Ack, payload: dict[str, Any]) -> None:
        prefix = f"{BlockId.CONTROLS}."
        block_id = str(payload.get("block_id") or "")
        state = (
            CardState.decode(block_id.removeprefix(prefix))
            if block_id.startswith(prefix)
            else CardState(0)
        )
        with transaction(services.sessions) as session:
            groups = search_group_options(session, query=str(payload.get("value") or ""))
        ack(options=[bk.option(g.name, state.but(group_id=g.id).encode()) for g in groups])

    return on_options
