"""App Home listeners: `app_home_opened` and Home's Refresh.

Each hands the work to csbot's queue, as the `/cs` listeners do. The Export button on Home is
wired in csbot.exports.listeners.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from csbot.home.publish import ChartFiles, home_job
from csbot.services import Services
from csbot.slack.ids import ActionId

__all__ = ["register"]

log = logging.getLogger(__name__)

Listener = Callable[..., None]


def register(app: App, services: Services) -> None:
    """Wire App Home: opened, and its Refresh button."""
    charts = ChartFiles()
    app.event("app_home_opened")(_home_opened(services, charts))
    app.action(ActionId.REFRESH.value)(_refresh(services, charts))


def _queue_home(services: Services, user_id: str, charts: ChartFiles) -> None:
    if not services.work.submit(home_job(services, user_id, charts), label="app_home"):
        log.warning("work queue full; App Home not refreshed", extra={"user": user_id})


def _home_opened(services: Services, charts: ChartFiles) -> Listener:
    def on_home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home" and event.get("user"):
            _queue_home(services, str(event["user"]), charts)

    return on_home_opened


def _refresh(services: Services, charts: ChartFiles) -> Listener:
    def on_refresh(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        _queue_home(services, str(body["user"]["id"]), charts)

    return on_refresh
