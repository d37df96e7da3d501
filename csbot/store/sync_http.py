"""The customer platform's REST API as `csbot sync` reads it: pages of JSON, bounded retries.

A page is `{"data": [records...]}`; the next one is named by a `next` URL in the body, a
`Link: <...>; rel="next"` header, or a `next_cursor` sent back as `?cursor=`. 429 and 5xx
answers and dropped connections are retried a few times with backoff, waiting exactly the
`Retry-After` asked for (seconds or an HTTP date) when it is given and not too long.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from csbot.errors import CsbotError

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]
Clock = Callable[[], datetime]
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
ATTEMPTS = 5
MAX_RETRY_AFTER = 60.0
"""A Retry-After longer than this is not waited out: the sync fails and the next run retries."""
MAX_PAGES = 100_000


class SyncError(CsbotError):
    """The platform could not be read; nothing of the kind being synced was stored."""


@dataclass(frozen=True)
class Page:
    number: int
    url: str
    records: list[Any]


def backoff(attempt: int) -> float:
    """Seconds to wait before retry `attempt` (1, 2, ...): 0.5, 1, 2, 4 ... at most 30."""
    return min(30.0, 0.5 * (1 << (attempt - 1)))


def retry_after(response: httpx.Response, now: datetime) -> float | None:
    """The wait a response asks for, in seconds, or None when it does not say."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when.astimezone(UTC) - now).total_seconds())


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


class PlatformClient:
    """Reads pages from the platform with a bearer token; `sleep` and `clock` are injectable."""

    def __init__(
        self, base_url: str, token: str | None, *, timeout: float, sleep: Sleep = time.sleep,
        clock: Clock = lambda: datetime.now(UTC), transport: httpx.BaseTransport | None = None,
        attempts: int = ATTEMPTS,
    ) -> None:  # fmt: skip
        headers = {"accept": "application/json", "user-agent": "csbot-sync"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(headers=headers, timeout=timeout, transport=transport)
        self._sleep, self._clock, self._attempts = sleep, clock, attempts

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pages(self, path: str, params: dict[str, str]) -> Iterator[Page]:
        """Every page of `path`, following next links or cursors until there is none."""
        url, query = self.base_url + path, dict(params)
        seen: set[str] = set()
        for number in range(1, MAX_PAGES + 1):
            response = self._get(url, query)
            body = self._json(response, number)
            yield Page(number, str(response.url), body["data"])
            following = self._next(response, body, url, params)
            if following is None:
                return
            url, query = following
            if str(following) in seen:
                raise SyncError(f"{response.url} names an earlier page as its next page")
            seen.add(str(following))
        raise SyncError(f"{self.base_url}{path} has more than {MAX_PAGES:,} pages")

    def _next(
        self, response: httpx.Response, body: dict[str, Any], url: str, params: dict[str, str]
    ) -> tuple[str, dict[str, str]] | None:
        link = body.get("next") or response.links.get("next", {}).get("url")
        if link:
            target = urljoin(str(response.url), str(link))
            if _origin(target) != _origin(self.base_url):
                raise SyncError(f"{response.url} links its next page to another host "
                                f"({_origin(target)[1]}); not sending the token there")  # fmt: skip
            return target, {}
        cursor = body.get("next_cursor")
        if cursor:
            return url, {**params, "cursor": str(cursor)}
        return None

    def _get(self, url: str, query: dict[str, str]) -> httpx.Response:
        for attempt in range(1, self._attempts + 1):
            last = attempt == self._attempts
            try:
                response = self._http.get(url, params=query or None)
            except httpx.TransportError as exc:
                if last:
                    raise SyncError(f"cannot reach {url}: {exc.__class__.__name__} after "
                                    f"{attempt} attempts") from None  # fmt: skip
                self._wait(backoff(attempt), url, exc.__class__.__name__)
                continue
            if response.status_code not in RETRY_STATUSES:
                return self._checked(response)
            if last:
                raise SyncError(f"{response.url} answered {response.status_code} "
                                f"{attempt} times; giving up for now")  # fmt: skip
            self._wait(self._pause(response, attempt), url, str(response.status_code))
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, response: httpx.Response, attempt: int) -> float:
        asked = retry_after(response, self._clock())
        if asked is not None and asked > MAX_RETRY_AFTER:
            raise SyncError(f"{response.url} asked to wait {asked:.0f} s (Retry-After); "
                            "try again later")  # fmt: skip
        return backoff(attempt) if asked is None else asked

    def _wait(self, seconds: float, url: str, why: str) -> None:
        log.info("sync retry", extra={"url": url, "reason": why, "wait_s": seconds})
        self._sleep(seconds)

    @staticmethod
    def _checked(response: httpx.Response) -> httpx.Response:
        status = response.status_code
        if status in (401, 403):
            raise SyncError(f"{response.url} refused CSBOT_SYNC_TOKEN ({status}); check the token")
        if status == 404:
            raise SyncError(f"{response.url} does not exist (404); check CSBOT_SYNC_URL and "
                            "CSBOT_SYNC_ENDPOINTS")  # fmt: skip
        if status >= 400:
            raise SyncError(f"{response.url} answered {status}: {response.text[:200].strip()}")
        return response

    @staticmethod
    def _json(response: httpx.Response, number: int) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise SyncError(f'{response.url} (page {number}) is not JSON with a "data" list')
        return body
