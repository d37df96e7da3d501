"""The "Record renewal outcome" modal, from a group's card and the renewals card.

The fields are the `outcomes` record kind's, checked by the same model as an import (so a
churn without a date is refused the same way), and each problem goes back onto its field.
Renewed or contracted sets the group's ARR and rolls its renewal date a year on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from csbot.modals.views import PRIVACY_LINE, group_id_of
from csbot.services import Services
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, CallbackId, ModalBlock, action_pattern
from csbot.store.db import transaction
from csbot.store.ingest.outcomes import OUTCOMES, REASON_CATEGORIES
from csbot.store.models import PhysicianGroup
from csbot.store.outcomes import Recorded, record_outcome

__all__ = ["outcome_view", "register"]

log = logging.getLogger(__name__)
Listener = Callable[..., None]
_FIELDS = (ModalBlock.OUTCOME, ModalBlock.RENEWAL_DATE, ModalBlock.NEW_ARR, ModalBlock.CHURNED_ON,
           ModalBlock.REASON_CATEGORY, ModalBlock.REASON)  # fmt: skip


class OutcomeMeta(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    group_id: int
    channel: str | None = None


def _input(block: ModalBlock, label: str, element: dict[str, Any], *, optional: bool = False,
           hint: str | None = None) -> dict[str, Any]:  # fmt: skip
    element = {**element, "action_id": block.value}
    out = {"type": "input", "block_id": block.value, "label": bk.plain(label, 2000),
           "element": element, "optional": optional}  # fmt: skip
    return {**out, "hint": bk.plain(hint, 2000)} if hint else out


def _select(block: ModalBlock, values: tuple[str, ...]) -> dict[str, Any]:
    options = [bk.option(v.capitalize(), v) for v in values]
    return {k: v for k, v in bk.static_select(block.value, options, placeholder="Choose").items()
            if k != "action_id"}  # fmt: skip


def outcome_view(*, group_id: int, name: str, renewal: date, channel: str | None
                 ) -> dict[str, Any]:  # fmt: skip
    """The modal for one group, its renewal date filled in."""
    meta = OutcomeMeta(group_id=group_id, channel=channel).model_dump_json(exclude_none=True)
    day = {"type": "datepicker", "initial_date": renewal.isoformat()}
    blocks = [
        bk.context(f"*{bk.escape(name)}*: what happened at this renewal?"),
        _input(ModalBlock.OUTCOME, "Outcome", _select(ModalBlock.OUTCOME, OUTCOMES)),
        _input(ModalBlock.RENEWAL_DATE, "Renewal date", day),
        _input(ModalBlock.NEW_ARR, "New ARR", {"type": "number_input", "is_decimal_allowed": True,
               "min_value": "0"}, optional=True, hint="Renewed or contracted: the ARR from now."),
        _input(ModalBlock.CHURNED_ON, "Churned on", {"type": "datepicker"}, optional=True),
        _input(ModalBlock.REASON_CATEGORY, "Reason",
               _select(ModalBlock.REASON_CATEGORY, REASON_CATEGORIES), optional=True,
               hint="Churned: why, in a word; and in your own words below."),
        _input(ModalBlock.REASON, "Reason in words", {"type": "plain_text_input",
               "multiline": True, "max_length": 4000}, optional=True),
        bk.context(PRIVACY_LINE),
    ]  # fmt: skip
    view = {"type": "modal", "callback_id": CallbackId.RECORD_OUTCOME.value,
            "title": bk.plain("Renewal outcome", 24), "submit": bk.plain("Record", 24),
            "close": bk.plain("Cancel", 24), "private_metadata": meta,
            "blocks": blocks}  # fmt: skip
    bk.validate_view(view)
    return view


def read_outcome(values: Mapping[str, Any]) -> dict[str, Any]:
    """The submitted fields by the outcomes kind's names (absent ones left out)."""
    out: dict[str, Any] = {}
    for block in _FIELDS:
        state = (values.get(block.value) or {}).get(block.value) or {}
        chosen = state.get("selected_option") or {}
        value = chosen.get("value") or state.get("selected_date") or state.get("value")
        if isinstance(value, str) and value.strip():
            out[block.value] = value
    return out


def register(app: App, services: Services) -> None:
    app.action(action_pattern(ActionId.RECORD_OUTCOME))(_button(services))
    app.view(CallbackId.RECORD_OUTCOME.value)(_submission(services))


def _button(services: Services) -> Listener:
    def on_click(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient
                 ) -> None:  # fmt: skip
        ack()
        group_id = group_id_of(str(action.get("value") or ""))
        with transaction(services.sessions) as session:
            group = session.get(PhysicianGroup, group_id) if group_id is not None else None
            found = (group.id, group.name, group.renewal_date) if group else None
        if found is None:
            return
        channel = (body.get("channel") or {}).get("id")
        view = outcome_view(group_id=found[0], name=found[1], renewal=found[2], channel=channel)
        try:
            client.views_open(trigger_id=body["trigger_id"], view=view)
        except SlackClientError:
            log.warning("views.open failed", extra={"kind": "outcome"})

    return on_click


def _submission(services: Services) -> Listener:
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
                  ) -> None:  # fmt: skip
        try:
            meta = OutcomeMeta.model_validate_json(str(view.get("private_metadata") or "{}"))
        except ValidationError:
            ack(response_action="errors", errors={ModalBlock.OUTCOME.value:
                "This form is from an older csbot; close it and open it again."})  # fmt: skip
            return
        fields = read_outcome((view.get("state") or {}).get("values") or {})
        user = body["user"]["id"]
        with transaction(services.sessions) as session:
            done = record_outcome(session, group_id=meta.group_id, fields=fields,
                                  now=services.clock(), actor=user)  # fmt: skip
        if not isinstance(done, Recorded):
            errors = {(p.column or ModalBlock.OUTCOME.value): p.message for p in done}
            ack(response_action="errors", errors=errors)
            return
        ack()
        if not services.work.submit(lambda: _confirm(client, user, done), label="outcome"):
            _confirm(client, user, done)

    return on_submit


def _confirm(client: WebClient, user: str, done: Recorded) -> None:
    text = (f"Recorded: *{bk.escape(done.group)}* {done.outcome} at the renewal of "
            f"{done.renewal_date}; next renewal {done.next_renewal}.")  # fmt: skip
    try:
        client.chat_postMessage(channel=user, **bk.message(text))
    except SlackClientError:
        log.info("could not confirm the outcome", extra={"user": user})
