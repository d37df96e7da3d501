"""csbot's own bounded work queue: what a listener hands over after `ack()`.

Bolt's listener threads only ack; loading, scoring, rendering and posting run here, so a burst
of commands never makes acks wait (DESIGN.md measured ack p99 2.4 s with work on the listener
threads, 89 ms with this queue plus a render process pool). The queue is bounded: when it is
full, `submit` says no at once and the listener tells the person to try again, rather than
letting answers arrive minutes late.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

__all__ = ["BUSY_MESSAGE", "WorkQueue"]

log = logging.getLogger(__name__)

BUSY_MESSAGE = "csbot is busy answering other requests; try again in a minute."

Job = Callable[[], None]


class WorkQueue:
    """`workers` threads and room for `capacity` jobs waiting; `submit` never blocks."""

    def __init__(self, *, workers: int, capacity: int, name: str = "csbot-work") -> None:
        if workers < 1 or capacity < 0:
            raise ValueError("a work queue needs at least one worker and a capacity of 0 or more")
        self.workers = workers
        self.capacity = capacity
        self._slots = threading.BoundedSemaphore(workers + capacity)
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix=name)
        self._idle = threading.Condition()
        self._pending = 0
        self._closed = False

    def submit(self, job: Job, *, label: str = "job") -> bool:
        """Run `job` on a worker; False (and nothing queued) when the queue is full or closed.

        `job` should tell the person about its own failures; anything it lets escape is logged
        here with `label` (never the job's arguments, which may hold tokens).
        """
        if self._closed or not self._slots.acquire(blocking=False):
            log.warning("work queue full; refused %s", label, extra={"pending": self._pending})
            return False
        with self._idle:
            self._pending += 1
        try:
            self._pool.submit(self._run, job, label)
        except RuntimeError:  # shut down between the check and the submit
            self._done()
            return False
        return True

    def _run(self, job: Job, label: str) -> None:
        started = time.perf_counter()
        try:
            job()
        except Exception:
            log.exception("%s failed", label)
        finally:
            log.debug("%s done in %.0f ms", label, (time.perf_counter() - started) * 1000)
            self._done()

    def _done(self) -> None:
        self._slots.release()
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    @property
    def pending(self) -> int:
        """Jobs running or waiting."""
        return self._pending

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no job is running or waiting (tests, shutdown); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self, *, wait: bool = True) -> None:
        """Refuse new jobs; with `wait`, finish the ones already taken."""
        self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
