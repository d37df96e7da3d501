"""The global Bolt error handler: a short apology with an error id, never a stack trace; and an
ack that stays given when a listener crashes after it.

The log line carries the same id and the request's shape (type, command, action ids, user,
team), never its body: a body holds the verification token and a response_url, which is a
credential for posting, and text a person typed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_bolt.context.respond import Respond

from csbot.slack import blockkit as bk
from csbot.slack.slackwords import apology, logged_failure

__all__ = ["KeptAck", "describe_request", "register"]

log = logging.getLogger(__name__)


def describe_request(body: dict[str, Any]) -> dict[str, Any]:
    """What may be logged about a Slack request: ids and names, nothing a person wrote."""
    user = body.get("user")
    actions = body.get("actions") or []
    return {
        "type": body.get("type") or ("command" if "command" in body else None),
        "command": body.get("command"),
        "actions": [a.get("action_id") for a in actions if isinstance(a, dict)],
        "callback_id": body.get("callback_id") or (body.get("view") or {}).get("callback_id"),
        "user": user.get("id") if isinstance(user, dict) else body.get("user_id"),
        "team": (body.get("team") or {}).get("id")
        if isinstance(body.get("team"), dict)
        else body.get("team_id"),
    }


def on_error(
    error: Exception,
    body: dict[str, Any],
    response: BoltResponse | None,
    respond: Respond | None = None,
) -> BoltResponse | None:
    """Log with an id; answer the request with the apology if it was not acked yet, else say it
    through the response_url."""
    error_id = logged_failure(log, "listener", error, **describe_request(body or {}))
    text = apology(error_id)
    if response is not None:
        payload = json.dumps({"response_type": "ephemeral", **bk.message(text)})
        return BoltResponse(
            status=200, body=payload, headers={"content-type": "application/json;charset=utf-8"}
        )
    if respond is not None and (body or {}).get("response_url"):
        try:
            respond(**bk.message(text), response_type="ephemeral", replace_original=False)
        except Exception:  # the apology itself failing must not raise inside Bolt
            log.warning("could not send the apology for error id %s", error_id)
    return None


class KeptAck(Ack):
    """An ack that, once given, stays given.

    Bolt (1.30, process_before_response=False) runs a listener in the pool while the request
    thread polls `ack.response` every 10 ms; when the listener raises after ack(), Bolt sets
    `ack.response` back to None. A request thread that first looked after that (a busy machine)
    saw no ack, waited its 3 s and answered 404, and Slack showed the person "dispatch_failed"
    beside the apology. Keeping the first answer makes it the HTTP answer, as the ack said."""

    def __init__(self) -> None:
        self._given: BoltResponse | None = None
        super().__init__()  # type: ignore[no-untyped-call]

    @property
    def response(self) -> BoltResponse | None:
        return self._given

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if self._given is None:
            self._given = value


def _keep_the_ack(context: BoltContext, next: Callable[[], BoltResponse]) -> BoltResponse:
    if context.ack.response is None:  # not given yet (Bolt made it to offer it as an argument)
        context["ack"] = KeptAck()
    return next()


def register(app: App) -> None:
    app.error(on_error)
    app.middleware(_keep_the_ack)
