"""csbot's own bounded work queue: what a listener hands over after `ack()`.

Bolt's listener threads only ack; loading, scoring, rendering and posting run here, so a burst
of commands never makes acks wait (DESIGN.md measured ack p99 2.4 s with work on the listener
threads, 89 ms with this queue plus a render process pool). The queue is bounded: when it is
full, `submit` says no at once and the listener tells the person to try again, rather than
letting answers arrive minutes late.

On shutdown `stop(grace)` takes no more work, gives the running jobs the grace, and tells the
people behind jobs that will not finish (each job's `on_drop`) that csbot is restarting. The
threads are daemons, so a job still stuck when the process exits cannot hold the exit up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["BUSY_MESSAGE", "RESTARTING_MESSAGE", "Stopped", "WorkQueue"]

log = logging.getLogger(__name__)

BUSY_MESSAGE = "csbot is busy answering other requests; try again in a minute."
RESTARTING_MESSAGE = (
    ":arrows_counterclockwise: csbot is restarting and could not finish this; "
    "try again in a minute."
)
NOTICE_THREADS = 8
NOTICE_SHARE = 0.25
"""Of the grace, what is kept at its end to tell the people behind jobs that did not finish."""

Job = Callable[[], None]
Notify = Callable[[str], object]
"""Tells the person behind a job something (e.g. `partial(delivery.tell, where)`)."""


@dataclass(eq=False)
class _Entry:
    job: Job
    label: str
    on_drop: Notify | None


@dataclass(frozen=True)
class Stopped:
    """How `stop` ended: jobs finished in the grace, dropped unstarted, abandoned running."""

    finished: int
    dropped: int
    abandoned: int


class WorkQueue:
    """`workers` threads and room for `capacity` jobs waiting; `submit` never blocks."""

    def __init__(self, *, workers: int, capacity: int, name: str = "csbot-work") -> None:
        if workers < 1 or capacity < 0:
            raise ValueError("a work queue needs at least one worker and a capacity of 0 or more")
        self.workers = workers
        self.capacity = capacity
        self._name = name
        self._cond = threading.Condition()
        self._waiting: deque[_Entry] = deque()
        self._running: set[_Entry] = set()
        self._threads: list[threading.Thread] = []
        self._closed = False

    def submit(self, job: Job, *, label: str = "job", on_drop: Notify | None = None) -> bool:
        """Run `job` on a worker; False (and nothing queued) when the queue is full or closed.

        `job` should tell the person about its own failures; anything it lets escape is logged
        here with `label` (never the job's arguments, which may hold tokens). `on_drop` is
        called with RESTARTING_MESSAGE if shutdown leaves the job unfinished.
        """
        with self._cond:
            accepted = not self._closed and self.pending < self.workers + self.capacity
            if accepted:
                self._waiting.append(_Entry(job, label, on_drop))
                self._start_worker()
                self._cond.notify()
        if not accepted:
            log.warning("work queue full; refused %s", label, extra={"pending": self.pending})
        return accepted

    def _start_worker(self) -> None:
        if len(self._threads) < min(self.workers, self.pending):
            name = f"{self._name}_{len(self._threads)}"
            thread = threading.Thread(target=self._work, name=name, daemon=True)
            self._threads.append(thread)
            thread.start()

    def _work(self) -> None:
        while (entry := self._next()) is not None:
            self._run(entry)
            with self._cond:
                self._running.discard(entry)
                self._cond.notify_all()

    def _next(self) -> _Entry | None:
        """The next job (now running), or None once the queue is closed and empty."""
        with self._cond:
            self._cond.wait_for(lambda: self._waiting or self._closed)
            if not self._waiting:
                return None
            entry = self._waiting.popleft()
            self._running.add(entry)
            return entry

    @staticmethod
    def _run(entry: _Entry) -> None:
        started = time.perf_counter()
        try:
            entry.job()
        except Exception:
            log.exception("%s failed", entry.label)
        finally:
            log.debug("%s done in %.0f ms", entry.label, (time.perf_counter() - started) * 1000)

    @property
    def pending(self) -> int:
        """Jobs running or waiting."""
        return len(self._waiting) + len(self._running)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no job is running or waiting (tests, shutdown); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self.pending == 0, timeout)

    def close(self, *, wait: bool = True) -> None:
        """Refuse new jobs; with `wait`, finish the ones already taken, else forget the waiting."""
        with self._cond:
            self._closed = True
            if not wait:
                self._waiting.clear()
            self._cond.notify_all()
        if wait:
            self.wait_idle()

    def stop(self, grace: float) -> Stopped:
        """Shutdown within `grace` seconds: refuse new jobs, drop the waiting ones, let the
        running ones finish in the first 3/4 of it, and tell the people behind every job
        dropped or still running; returns what happened."""
        deadline = time.monotonic() + grace
        with self._cond:
            self._closed = True
            dropped, before = list(self._waiting), len(self._running)
            self._waiting.clear()
            self._cond.notify_all()
        notices = _Notices()
        notices.send(dropped)
        self.wait_idle(grace * (1 - NOTICE_SHARE))
        with self._cond:
            abandoned = list(self._running)
        notices.send(abandoned)
        unsent = notices.wait(max(0.0, deadline - time.monotonic()))
        stopped = Stopped(before - len(abandoned), len(dropped), len(abandoned))
        log.info("work queue stopped", extra={**stopped.__dict__, "unsent_notices": unsent})
        return stopped


class _Notices:
    """Restart notices sent on a few daemon threads, so a slow Slack cannot hold the exit up."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._todo: deque[_Entry] = deque()
        self._unsent = 0
        self._threads = 0

    def send(self, entries: list[_Entry]) -> None:
        added = [entry for entry in entries if entry.on_drop is not None]
        with self._cond:
            self._todo.extend(added)
            self._unsent += len(added)
            while self._threads < min(NOTICE_THREADS, len(self._todo)):
                self._threads += 1
                threading.Thread(target=self._loop, name="csbot-notice", daemon=True).start()

    def _loop(self) -> None:
        while True:
            with self._cond:
                if not self._todo:
                    self._threads -= 1
                    return
                entry = self._todo.popleft()
            _tell(entry)
            with self._cond:
                self._unsent -= 1
                self._cond.notify_all()

    def wait(self, timeout: float) -> int:
        """Wait up to `timeout` seconds for every notice to go; returns how many did not."""
        with self._cond:
            self._cond.wait_for(lambda: self._unsent == 0, timeout)
            return self._unsent


def _tell(entry: _Entry) -> None:
    assert entry.on_drop is not None
    try:
        entry.on_drop(RESTARTING_MESSAGE)
    except Exception:
        log.exception("could not tell the person behind %s that csbot is restarting", entry.label)
