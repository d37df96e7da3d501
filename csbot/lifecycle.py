"""Start-up checks and shutdown signals for `csbot run`: what a long-running process needs."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from csbot.config import Settings
from csbot.errors import ConfigError

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
