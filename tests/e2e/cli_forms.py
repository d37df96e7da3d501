"""The three logging forms filled in through a running `csbot run` (tests/e2e/cli_run.py), as a
person does in Slack: slash command or message shortcut, the view csbot opened with
`views.open`, a signed `view_submission`. Each returns the form's submission key once the
modal closed and the private confirmation arrived.
"""

from __future__ import annotations

from typing import Any

from csbot.modals.views import ModalMeta
from csbot.slack.ids import ActionId, ModalBlock
from tests.e2e.cli_run import RunningCsbot
from tests.e2e.slackviews import submission, suggestion

ACME = "Acme Family Medicine"  # the first demo group
USER = "U0000000001"  # the samples' user
CHANNEL = "C0000000001"  # the samples' channel


def _next(csbot: RunningCsbot, method: str) -> int:
    return len(csbot.fake.calls_to(method)) + 1


def _opened(csbot: RunningCsbot, count: int) -> dict[str, Any]:
    """The view opened by the `count`-th views.open, as the fake Slack stored it (with its id)."""
    csbot.fake.wait_for("views.open", count, timeout=30)
    return list(csbot.fake.state.views.values())[count - 1]


def _submit(csbot: RunningCsbot, view: dict[str, Any], answers: dict[str, Any]) -> str:
    """Submit the modal as Slack would; its submission key. The modal must close (empty 200)."""
    response = csbot.interaction(submission(csbot.samples, view, answers, user=USER))
    assert (response.status_code, response.text) == (200, ""), response.text
    return ModalMeta.decode(view["private_metadata"]).key


def _confirmation(csbot: RunningCsbot, count: int) -> str:
    """The text of the `count`-th private confirmation, after checking who got it where."""
    call = csbot.fake.wait_for("chat.postEphemeral", count, timeout=30)[count - 1]
    assert (call.params["channel"], call.params["user"]) == (CHANNEL, USER)
    return str(call.json_param("blocks")[0]["text"]["text"])


def log_ticket(csbot: RunningCsbot, *, subject: str, description: str = "") -> str:
    opened, confirmed = _next(csbot, "views.open"), _next(csbot, "chat.postEphemeral")
    assert csbot.slash_command(f"log ticket {ACME}").status_code == 200
    view = _opened(csbot, opened)
    answers = {"subject": subject, "category": "billing", "priority": "urgent"}
    key = _submit(csbot, view, answers | ({"description": description} if description else {}))
    assert subject in _confirmation(csbot, confirmed)
    return key


def log_meeting(csbot: RunningCsbot, *, notes: str) -> str:
    opened, confirmed = _next(csbot, "views.open"), _next(csbot, "chat.postEphemeral")
    assert csbot.slash_command(f"log meeting {ACME}").status_code == 200
    view = _opened(csbot, opened)
    key = _submit(csbot, view, {"meeting_type": "qbr", "duration": "45", "notes": notes})
    assert "QBR" in _confirmation(csbot, confirmed)
    return key


def log_note(csbot: RunningCsbot, *, text: str) -> str:
    """The "Log as CS note" shortcut on a message saying `text`; the group picked by typing."""
    opened, confirmed = _next(csbot, "views.open"), _next(csbot, "chat.postEphemeral")
    payload = csbot.samples.json("message_action.json")
    payload["callback_id"] = "log_cs_note"
    payload["message"].update(text=text, blocks=[])
    assert csbot.interaction(payload).status_code == 200
    view = _opened(csbot, opened)
    typed = suggestion(
        csbot.samples,
        view,
        block_id=ModalBlock.GROUP.value,
        action_id=ActionId.GROUP_SELECT.value,
        value="acme",
    )
    options = csbot.interaction(typed).json()["options"]
    acme = next(o for o in options if o["text"]["text"] == ACME)
    key = _submit(csbot, view, {"group": acme})
    assert ACME in _confirmation(csbot, confirmed)
    return key
