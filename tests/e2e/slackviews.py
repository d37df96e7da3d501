"""What Slack sends back when a person submits a modal: `view.state.values` built from the view
the app posted to `views.open`, shaped per element as Slack shapes it (samples README).

Untouched inputs keep their initial values, as in Slack; `answers` sets the rest by block_id:
a select takes an option value (or a whole option, for external selects), a datetimepicker a
datetime, a datepicker a date, a text input its text, user selects user ids.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from tests.e2e.slackreq import Samples


def _selected_option(element: dict[str, Any], answer: Any) -> dict[str, Any] | None:
    if answer is None:
        initial: dict[str, Any] | None = element.get("initial_option")
        return initial
    if isinstance(answer, Mapping):
        return dict(answer)
    found: list[dict[str, Any]] = [o for o in element.get("options", []) if o["value"] == answer]
    if found:
        return found[0]
    return {"text": {"type": "plain_text", "text": str(answer), "emoji": True}, "value": answer}


def _state_of(element: dict[str, Any], answer: Any) -> dict[str, Any]:
    kind = element["type"]
    state: dict[str, Any] = {"type": kind}
    if kind in ("static_select", "external_select"):
        state["selected_option"] = _selected_option(element, answer)
    elif kind == "multi_external_select":
        state["selected_options"] = list(answer or element.get("initial_options", []))
    elif kind == "datetimepicker":
        at = answer if answer is not None else element.get("initial_date_time")
        state["selected_date_time"] = int(at.timestamp()) if isinstance(at, datetime) else at
    elif kind == "datepicker":
        day = answer if answer is not None else element.get("initial_date")
        state["selected_date"] = day.isoformat() if isinstance(day, date) else day
    elif kind in ("plain_text_input", "number_input"):
        state["value"] = answer if answer is not None else element.get("initial_value")
    elif kind == "multi_users_select":
        state["selected_users"] = list(
            answer if answer is not None else element.get("initial_users", [])
        )
    elif kind == "users_select":
        state["selected_user"] = answer if answer is not None else element.get("initial_user")
    else:
        raise AssertionError(f"no state shape for {kind}")
    return state


def state_values(view: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    """`view.state.values` for `view`'s input blocks with these answers."""
    unknown = set(answers) - {b.get("block_id") for b in view["blocks"]}
    assert not unknown, f"the view has no blocks {sorted(unknown)}"
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        values[block["block_id"]] = {
            element["action_id"]: _state_of(element, answers.get(block["block_id"]))
        }
    return values


def submission(
    samples: Samples, view: Mapping[str, Any], answers: Mapping[str, Any], *, user: str
) -> dict[str, Any]:
    """A view_submission payload (the fixture's envelope) for `view` as the app posted it and
    the fake Slack stored it (with its id and hash)."""
    payload = samples.json("view_submission.json")
    payload["user"]["id"] = user
    sent = copy.deepcopy(dict(view))
    sent["state"] = {"values": state_values(view, answers)}
    payload["view"].update(sent)
    payload["view"]["root_view_id"] = sent["id"]
    return payload


def suggestion(
    samples: Samples,
    view: Mapping[str, Any],
    *,
    block_id: str,
    action_id: str,
    value: str,
    answers: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A block_suggestion from inside a modal: the fixture's fields, a `view` container, the
    view with its state so far (Slack sends it), the typed `value`."""
    payload = samples.json("block_suggestion_modal.json")
    payload["container"]["view_id"] = view["id"]
    sent = copy.deepcopy(dict(view))
    sent["state"] = {"values": state_values(view, answers or {})}
    payload["view"].update(sent, root_view_id=sent["id"])
    payload.update(block_id=block_id, action_id=action_id, value=value)
    return payload
