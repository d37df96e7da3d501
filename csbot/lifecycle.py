"""Start-up checks and shutdown signals for `csbot run`: what a long-running process needs."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from csbot.config import Settings
from csbot.errors import ConfigError

log = logging.getLogger(__name__)

TRY_LOCALLY = 'to try csbot without Slack: csbot demo && csbot ask "/cs health Acme 30d"'


def require_credentials(settings: Settings, *, http: bool) -> None:
    """Fail before anything starts, naming each missing variable and where to find it."""
    missing = []
    if settings.slack_bot_token is None:
        missing.append("SLACK_BOT_TOKEN (the app's Bot User OAuth Token, xoxb-...)")
    if http and settings.slack_signing_secret is None:
        missing.append("SLACK_SIGNING_SECRET (Basic Information > App Credentials)")
    if not http and settings.slack_app_token is None:
        missing.append(
            "SLACK_APP_TOKEN (an app-level token, xapp-..., with connections:write) for Socket "
            "Mode, or use --http with SLACK_SIGNING_SECRET to serve Slack over HTTP"
        )
    if missing:
        raise ConfigError(
            f"csbot run needs Slack credentials; missing {'; '.join(missing)}. "
            f"Create the Slack app from manifest.yml (see README). Or, {TRY_LOCALLY}"
        )
    app_token = settings.slack_app_token
    if not http and app_token is not None and not app_token.get_secret_value().startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")


class Terminated(SystemExit):
    """SIGTERM, raised in the main thread so a container stop exits cleanly."""


@contextmanager
def exit_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into `Terminated` while the block runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Terminated(0)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Shutdown:
    """The stop csbot was asked for: the first SIGTERM or SIGINT starts `grace` seconds (Docker
    kills at 10), a second one ends the process at once, as people expect of a second Ctrl-C."""

    def __init__(self, grace: float, on_stop: Callable[[], None]) -> None:
        self.grace = grace
        self._on_stop = on_stop
        self._began: float | None = None

    @property
    def requested(self) -> bool:
        return self._began is not None

    def remaining(self) -> float:
        """Seconds left of the grace (all of it before a stop was asked for)."""
        if self._began is None:
            return self.grace
        return max(0.0, self._began + self.grace - time.monotonic())

    def _handle(self, signum: int, frame: object) -> None:
        if self._began is not None:
            os._exit(128 + signum)  # the render workers notice and exit too
        self._began = time.monotonic()
        self._on_stop()  # must be safe in a signal handler: set a flag, write to a pipe

    @contextmanager
    def signals(self) -> Iterator[Shutdown]:
        """Handle SIGTERM and SIGINT this way while the block runs (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {
            sig: signal.signal(sig, self._handle) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def leave_within(seconds: float) -> None:
    """Give csbot's other non-daemon threads (a scheduled job, a Slack call on a listener
    thread) `seconds` to end; if one is still busy then, exit now rather than past the grace."""
    deadline = time.monotonic() + seconds
    for thread in threading.enumerate():
        if thread.daemon or thread is threading.current_thread():
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            log.warning(
                "still busy after the shutdown grace; exiting", extra={"busy_thread": thread.name}
            )
            logging.shutdown()
            os._exit(0)
