"""The one way csbot builds its Slack Web API client: retrying 429s, 5xx and dropped connections.

Bolt's listeners get this client injected; the CLI jobs that post without Bolt (alerts, digests)
call `make_web_client` themselves. Retries are bounded: what still fails raises, and the caller
(e.g. the alert outbox) keeps it for the next run.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.http_retry import (
    ConnectionErrorRetryHandler,
    HttpRequest,
    HttpResponse,
    RetryHandler,
    RetryState,
)

from csbot.config import Settings
from csbot.errors import ConfigError

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]

RATE_LIMIT_RETRIES = 3
MAX_RETRY_AFTER = 60.0
"""A Retry-After longer than this is not waited out inside a request: the caller gets the error."""
SERVER_ERROR_RETRIES = 2
SERVER_ERROR_STATUSES = frozenset({500, 502, 503, 504})
CONNECTION_RETRIES = 2
TIMEOUT_SECONDS = 30


def _retry_after(response: HttpResponse) -> float | None:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                return None
    return None


class _WaitingHandler(RetryHandler):
    """Waits between attempts through the injected `sleep` (tests record the waits instead)."""

    sleep: Sleep

    def _wait(
        self, state: RetryState, request: HttpRequest, response: HttpResponse | None
    ) -> float:
        """How long to wait before the next attempt."""
        raise NotImplementedError

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        wait = self._wait(state, request, response)
        state.next_attempt_requested = True
        self.sleep(wait)
        state.increment_current_attempt()


class _AnswerHandler(_WaitingHandler):
    """Retries decided by Slack's answer alone (its status and headers)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and self._retries(response)

    def _retries(self, response: HttpResponse) -> bool:
        """Whether this answer is worth another attempt."""
        raise NotImplementedError


class RetryAfterHandler(_AnswerHandler):
    """Retries a 429 after exactly the Retry-After Slack asked for (1 s if it gave none)."""

    def __init__(self, max_retry_count: int, *, max_wait: float, sleep: Sleep) -> None:
        super().__init__(max_retry_count)
        self.max_wait = max_wait
        self.sleep = sleep

    def _retries(self, response: HttpResponse) -> bool:
        if response.status_code != 429:
            return False
        wait = _retry_after(response)
        return wait is None or wait <= self.max_wait

    def _wait(
        self, state: RetryState, request: HttpRequest, response: HttpResponse | None
    ) -> float:
        wait = _retry_after(response) if response is not None else None
        wait = 1.0 if wait is None else wait
        log.warning("slack rate limited; retrying after %.0f s (url=%s)", wait, request.url)
        return wait


class ServerErrorHandler(_AnswerHandler):
    """Retries Slack 5xx answers with exponential backoff and jitter."""

    def __init__(self, max_retry_count: int, *, sleep: Sleep, backoff: float = 0.5) -> None:
        super().__init__(max_retry_count)
        self.sleep = sleep
        self.backoff = backoff

    def _retries(self, response: HttpResponse) -> bool:
        return response.status_code in SERVER_ERROR_STATUSES

    def _wait(
        self, state: RetryState, request: HttpRequest, response: HttpResponse | None
    ) -> float:
        wait: float = self.backoff * (2**state.current_attempt) * (0.5 + random.random() / 2)
        status = response.status_code if response is not None else "?"
        log.warning("slack answered %s; retrying in %.2f s (url=%s)", status, wait, request.url)
        return wait


class ConnectionDropHandler(_WaitingHandler, ConnectionErrorRetryHandler):
    """slack-sdk's retry of a reset or dropped connection (same errors, same backoff), waiting
    through the injected `sleep` instead of `time.sleep`."""

    def __init__(self, max_retry_count: int, *, sleep: Sleep) -> None:
        ConnectionErrorRetryHandler.__init__(self, max_retry_count=max_retry_count)
        self.sleep = sleep

    def _wait(
        self, state: RetryState, request: HttpRequest, response: HttpResponse | None
    ) -> float:
        return self.interval_calculator.calculate_sleep_duration(state.current_attempt)


def retry_handlers(*, sleep: Sleep = time.sleep) -> list[RetryHandler]:
    """The bounded retry policy every csbot Web API client uses."""
    return [
        ConnectionDropHandler(CONNECTION_RETRIES, sleep=sleep),
        RetryAfterHandler(RATE_LIMIT_RETRIES, max_wait=MAX_RETRY_AFTER, sleep=sleep),
        ServerErrorHandler(SERVER_ERROR_RETRIES, sleep=sleep),
    ]


def make_web_client(settings: Settings, *, sleep: Sleep = time.sleep) -> WebClient:
    """A bot-token Web API client for `settings.slack_api_url` with csbot's retry policy.

    `sleep` is for tests, which check the waits without waiting.
    """
    if settings.slack_bot_token is None:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set; csbot needs the bot token (xoxb-...) from your Slack "
            "app's OAuth & Permissions page to talk to Slack"
        )
    return WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=retry_handlers(sleep=sleep),
        logger=logging.getLogger("csbot.slack_api"),
    )
