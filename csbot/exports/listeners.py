"""The Export button of every card, list, renewals card and App Home.

It acks at once and hands the work to csbot's queue, as the `/cs` listeners do; `/cs export`
itself reaches csbot.exports.jobs through the `/cs` listener (one listener owns `/cs`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Ack, App

from csbot.commands.card import CardState
from csbot.commands.listing import ListState
from csbot.commands.renewals import RenewalsState
from csbot.errors import InputError
from csbot.exports.jobs import ExportJobs
from csbot.services import Services
from csbot.slack.delivery import Where
from csbot.slack.ids import ActionId, action_pattern, split_action_id
from csbot.slack.slackwords import notice

__all__ = ["register"]

Listener = Callable[..., None]


def register(app: App, services: Services) -> None:
    """Wire the Export buttons of cards, pickers and Home."""
    app.action(action_pattern(ActionId.EXPORT))(_export(services, ExportJobs(services)))


def _where(body: dict[str, Any]) -> Where:
    """The clicker, and where an ephemeral answer can go (none from App Home)."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
    return Where(str(channel), str(body["user"]["id"]), body.get("response_url"), private=True)


def _export(services: Services, jobs: ExportJobs) -> Listener:
    """`export:list` carries a list's state, `export:renewals` the renewals card's; anything
    else (`export`, `export:group.<id>`) a card's."""

    def on_export(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        where = _where(body)
        _, suffix = split_action_id(str(action["action_id"]))
        try:
            job = _export_job(jobs, suffix, str(action.get("value") or ""), where)
        except InputError as exc:
            jobs.delivery.tell(where, notice(":warning:", exc.message))
            return
        if not services.work.submit(
            job, label="export", on_drop=partial(jobs.delivery.tell, where)
        ):
            jobs.delivery.tell(where, "csbot is busy; try the export again in a minute.")

    return on_export


def _export_job(
    jobs: ExportJobs, suffix: str | None, value: str, where: Where
) -> Callable[[], None]:
    if suffix == "list":
        return jobs.portfolio(ListState.decode(value), where)
    if suffix == "renewals":
        return jobs.renewals(RenewalsState.decode(value), where)
    return jobs.group(CardState.decode(value), where)
