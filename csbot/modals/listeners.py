"""Logging from Slack: open a modal, answer its type-aheads, store what is submitted.

Entry points: `/cs log ticket|meeting [group]` (the `/cs` listener calls `open_log_modal`), the
"Log ticket" / "Log meeting" buttons on cards and alerts, and the "Log as CS note" message
shortcut. A modal must open within the 3 s a `trigger_id` lives, so `views.open` is called
right in the listener; the group look-up before it is one narrow query. A submission is judged
and stored before the ack (so errors can go back onto the fields); the confirmation is sent
from csbot's work queue after it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from csbot.errors import InputError
from csbot.modals.confirm import send_confirmation
from csbot.modals.submit import Logged, submit_view
from csbot.modals.views import (
    GroupChoice,
    Kind,
    ModalMeta,
    group_id_of,
    meeting_view,
    note_view,
    ticket_view,
)
from csbot.services import Services, today
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, CallbackId, ModalBlock, action_pattern
from csbot.slack.matching import Ambiguous, Matched, match_groups
from csbot.store.db import transaction
from csbot.store.entries import contact_names, find_group, group_for_channel
from csbot.store.groups import group_names

__all__ = ["open_log_modal", "register"]

log = logging.getLogger(__name__)

Listener = Callable[..., None]
CANT_OPEN = "csbot could not open the form ({error}); please try again."
_KINDS: dict[str, Kind] = {
    ActionId.LOG_TICKET.value: "ticket",
    ActionId.LOG_MEETING.value: "meeting",
}


def register(app: App, services: Services) -> None:
    """Wire the log buttons, the note shortcut, the contacts type-ahead and the modals' submits.

    The group picker's type-ahead is the `/cs` one (csbot.commands.slash), registered once.
    """
    for action in (ActionId.LOG_TICKET, ActionId.LOG_MEETING):
        app.action(action_pattern(action))(_log_button(services))
    app.shortcut(CallbackId.LOG_CS_NOTE.value)(_note_shortcut(services))
    app.options(ActionId.CONTACT_SELECT.value)(_contact_options(services))
    for callback in (CallbackId.LOG_TICKET, CallbackId.LOG_MEETING, CallbackId.LOG_NOTE):
        app.view(callback.value)(_submission(services))


def _new_meta(
    kind: Kind, group: GroupChoice | None, channel: str | None, **extra: Any
) -> ModalMeta:
    return ModalMeta(
        kind=kind,
        key=uuid.uuid4().hex,
        group_id=group.id if group else None,
        channel=channel,
        **extra,
    )


def _resolve(services: Services, query: str | None) -> tuple[GroupChoice | None, str | None]:
    """The group a typed name means, or a notice saying why the picker is empty."""
    if not query:
        return None, None
    with transaction(services.sessions) as session:
        match = match_groups(query, group_names(session))
    if isinstance(match, Matched):
        return GroupChoice(id=match.group.id, name=match.group.name), None
    if isinstance(match, Ambiguous):
        return None, bk.escape(f"{match.message} Pick it below.")
    return None, bk.escape(f"{match.message} Pick the group below.")


def _view(
    services: Services,
    kind: Kind,
    meta: ModalMeta,
    group: GroupChoice | None,
    *,
    user_id: str,
    notice: str | None = None,
    text: str = "",
) -> dict[str, Any]:
    now = services.clock()
    if kind == "ticket":
        return ticket_view(meta=meta, group=group, now=now, notice=notice)
    if kind == "meeting":
        day = today(services)
        return meeting_view(
            meta=meta, group=group, now=now, today=day, user_id=user_id, notice=notice
        )
    return note_view(meta=meta, group=group, text=text, notice=notice)


def _open(
    client: WebClient, trigger_id: str, view: dict[str, Any], meta: ModalMeta, user_id: str
) -> bool:
    try:
        client.views_open(trigger_id=trigger_id, view=view)
        return True
    except SlackClientError as exc:
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else "no answer"
        log.warning("views.open failed: %s", error, extra={"kind": meta.kind, "user": user_id})
        if meta.channel:
            try:
                text = CANT_OPEN.format(error=error)
                client.chat_postEphemeral(channel=meta.channel, user=user_id, **bk.message(text))
            except SlackClientError:
                log.info("could not tell the person either")
        return False


def open_log_modal(
    client: WebClient,
    *,
    trigger_id: str,
    kind: Kind,
    group_query: str | None,
    services: Services,
    user_id: str,
    channel_id: str | None = None,
) -> bool:
    """Open the ticket or meeting modal, the group filled in when `group_query` names one."""
    group, notice = _resolve(services, group_query)
    meta = _new_meta(kind, group, channel_id)
    view = _view(services, kind, meta, group, user_id=user_id, notice=notice)
    return _open(client, trigger_id, view, meta, user_id)


def _channel(body: dict[str, Any]) -> str | None:
    container = body.get("container") or {}
    return (body.get("channel") or {}).get("id") or container.get("channel_id")


def _log_button(services: Services) -> Listener:
    """The Log ticket / Log meeting buttons of cards and alerts; the value carries the group."""

    def on_log(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        kind = _KINDS[str(action["action_id"]).partition(":")[0]]
        group_id = group_id_of(str(action.get("value") or ""))
        with transaction(services.sessions) as session:
            ref = find_group(session, group_id=group_id) if group_id is not None else None
        group = GroupChoice(id=ref.id, name=ref.name) if ref else None
        user_id = body["user"]["id"]
        meta = _new_meta(kind, group, _channel(body))
        view = _view(services, kind, meta, group, user_id=user_id)
        _open(client, body["trigger_id"], view, meta, user_id)

    return on_log


def _note_shortcut(services: Services) -> Listener:
    """The Log as CS note message shortcut: the message's text becomes the note."""

    def on_shortcut(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        message = body.get("message") or {}
        channel = _channel(body)
        with transaction(services.sessions) as session:
            ref = group_for_channel(session, channel=channel) if channel else None
        group = GroupChoice(id=ref.id, name=ref.name) if ref else None
        ts = body.get("message_ts") or message.get("ts")
        meta = _new_meta("note", group, channel, message_ts=ts)
        user_id = body["user"]["id"]
        view = _view(
            services, "note", meta, group, user_id=user_id, text=str(message.get("text") or "")
        )
        _open(client, body["trigger_id"], view, meta, user_id)

    return on_shortcut


def _chosen_group(payload: dict[str, Any]) -> int | None:
    """The group picked in the modal so far, else the one it was opened for."""
    view = payload.get("view") or {}
    values = (view.get("state") or {}).get("values") or {}
    picked = (values.get(ModalBlock.GROUP.value) or {}).get(ActionId.GROUP_SELECT.value) or {}
    value = (picked.get("selected_option") or {}).get("value")
    if value:
        return group_id_of(str(value))
    try:
        return ModalMeta.decode(str(view.get("private_metadata") or "")).group_id
    except InputError:
        return None


def _contact_options(services: Services) -> Listener:
    """Type-ahead of the chosen group's people for a meeting's attendees."""

    def on_options(ack: Ack, payload: dict[str, Any]) -> None:
        group_id = _chosen_group(payload)
        if group_id is None:
            ack(options=[])
            return
        with transaction(services.sessions) as session:
            people = contact_names(
                session, group_id=group_id, query=str(payload.get("value") or "")
            )
        ack(options=[bk.option(f"{name} · {role}", str(cid)) for cid, name, role in people])

    return on_options


def _submission(services: Services) -> Listener:
    """Submit of any logging modal: field errors back onto the modal, or store, close, confirm."""

    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        user_id = body["user"]["id"]
        try:
            outcome = submit_view(
                services.sessions,
                view=view,
                user_id=user_id,
                now=services.clock(),
                today=today(services),
            )
        except InputError as exc:  # metadata csbot did not write: say so on the first field
            ack(response_action="errors", errors={ModalBlock.GROUP.value: exc.message})
            return
        if not isinstance(outcome, Logged):
            ack(response_action="errors", errors=outcome.errors)
            return
        ack()
        if outcome.stored.created:
            _confirm_later(services, client, outcome, user_id)

    return on_submit


def _confirm_later(services: Services, client: WebClient, logged: Logged, user_id: str) -> None:
    def job() -> None:
        send_confirmation(client, logged, user_id=user_id)

    if not services.work.submit(job, label="log confirmation"):
        job()  # the queue is full: a short message is still better sent now than never
