"""The HTTP server: waitress with explicit limits, and a shutdown that finishes what is in flight.

waitress reads requests asynchronously and hands only complete ones to its threads, so an idle
or half-sent connection costs a socket, not a thread; csbot sets its connection limit, idle
timeout and body limit from settings (csbot.app.http_limits) rather than waitress's defaults
(100 connections, 2 idle minutes), which 99 silent connections were enough to exhaust.
"""

from __future__ import annotations

import contextlib
import logging
import resource
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import waitress.server
from waitress import wasyncore

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

__all__ = ["DRAIN_SECONDS", "HttpLimits", "HttpServer"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HttpLimits:
    """What one process takes at the HTTP edge (Settings' CSBOT_HTTP_*; these are its defaults).

    waitress reads requests asynchronously and hands only complete ones to its `threads`, so an
    idle connection costs a socket, not a thread: `connections` can be generous. A connection
    that sends nothing for `idle_timeout` seconds is closed; a body over `max_body` bytes gets 413.
    """

    threads: int = 8
    connections: int = 1000
    idle_timeout: int = 30
    max_body: int = 1024 * 1024


DRAIN_SECONDS = 3.0
"""How long requests in flight get at shutdown: Slack gives up on an answer after 3 s anyway."""
LOOP_SECONDS = 1.0
DRAIN_POLL_SECONDS = 0.05
MAX_HEADER_BYTES = 64 * 1024
BACKLOG = 1024
SPARE_FILES = 256
"""Descriptors kept free besides connections: database, render pool pipes, logs, Slack calls."""


class HttpServer:
    """waitress serving one WSGI application; `stop()` may be called from any thread."""

    def __init__(
        self, app: WSGIApplication, *, host: str, port: int, limits: HttpLimits = HttpLimits()
    ) -> None:
        self.limits = limits
        self._stopping = False
        self._server: Any = waitress.server.create_server(
            app,
            host=host,
            port=port,
            ident="csbot",
            clear_untrusted_proxy_headers=True,
            threads=limits.threads,
            connection_limit=_connection_limit(limits.connections),
            channel_timeout=limits.idle_timeout,
            cleanup_interval=1,  # idle connections close within a second of their timeout
            max_request_body_size=limits.max_body,
            max_request_header_size=MAX_HEADER_BYTES,
            backlog=BACKLOG,
            asyncore_use_poll=True,  # select() cannot watch more than 1,024 descriptors
        )

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    @property
    def host(self) -> str:
        return str(self._server.effective_host)

    def serve_forever(self, *, drain: float = DRAIN_SECONDS) -> None:
        """Serve until `stop()`; then refuse new connections, give requests in flight up to
        `drain` seconds to be answered, and close every connection."""
        log.info("listening on http://%s:%d", self.host, self.port)
        while not self._stopping:
            self._loop_once(LOOP_SECONDS)
        self._finish(time.monotonic() + drain)

    def stop(self) -> None:
        """Ask `serve_forever` to finish; safe from any thread and from a signal handler."""
        self._stopping = True
        with contextlib.suppress(OSError):  # the pipe is gone: the loop sees the flag in 1 s
            self._server.trigger.pull_trigger()  # a byte down a pipe: wakes the loop at once

    def _loop_once(self, timeout: float) -> None:
        wasyncore.loop(timeout=timeout, map=self._server._map, use_poll=True, count=1)

    def _finish(self, deadline: float) -> None:
        wasyncore.dispatcher.close(self._server)  # the listening socket: connecting is refused
        busy = self._close_idle()
        log.info("stopped accepting connections", extra={"requests_in_flight": busy})
        while busy and time.monotonic() < deadline:
            self._loop_once(DRAIN_POLL_SECONDS)
            busy = self._close_idle()
        for dispatcher in list(self._server._map.values()):
            dispatcher.close()  # what is still busy after the drain, and the wake-up pipe
        self._server.task_dispatcher.shutdown(cancel_pending=True, timeout=DRAIN_POLL_SECONDS)

    def _close_idle(self) -> int:
        """Close connections with nothing in flight; returns how many are still answering."""
        busy = 0
        for channel in list(self._server.active_channels.values()):
            if channel.requests or channel.total_outbufs_len:
                busy += 1
            else:
                channel.handle_close()
        return busy


def _connection_limit(wanted: int) -> int:
    """waitress counts its listening socket and wake-up pipe as connections; and every
    connection needs a file descriptor, so raise the soft limit (`ulimit -n`) if it is short,
    or take fewer connections (with a warning) when the hard limit does not allow them."""
    limit = wanted + 2
    needed = limit + SPARE_FILES
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
        if raised < needed:
            limit = max(raised - SPARE_FILES, 10)
            log.warning("only %d connections: the open-file limit is %d", limit - 2, raised)
    return limit
