"""The chart render pool: Matplotlib holds the GIL, so charts render in worker processes.

`ProcessRenderer` keeps a `ProcessPoolExecutor` of `Settings.render_workers` processes started
with forkserver (spawn where there is none), never fork: the app has threads, and forking a
threaded process can deadlock. Workers import Matplotlib once, at start. `InlineRenderer` has
the same interface and renders in the calling thread, for `csbot ask` and tests.

This module does not import Matplotlib, so the main process stays small.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from csbot.config import Settings

__all__ = [
    "RENDER_TIMEOUT",
    "ChartName",
    "ChartSpec",
    "InlineRenderer",
    "ProcessRenderer",
    "Renderer",
    "make_renderer",
    "render_png",
]

log = logging.getLogger(__name__)
_CHARTS_MODULE = "csbot.commands.charts"
RENDER_TIMEOUT = 30.0


class ChartName(StrEnum):
    """The charts a renderer can draw: function names in csbot.commands.charts."""

    HEALTH_TREND = "health_trend"
    COMPONENT_BREAKDOWN = "component_breakdown"
    ACTIVE_USERS_SESSIONS = "active_users_sessions"
    REVENUE_BY_MONTH = "revenue_by_month"
    TICKETS_BY_WEEK = "tickets_by_week"
    CHURN_FACTORS = "churn_factors"
    ADOPTION_FUNNEL = "adoption_funnel"
    ONBOARDING_PROGRESS = "onboarding_progress"
    TIMELINE = "timeline"
    HEALTH_DISTRIBUTION = "health_distribution"
    BAND_SHIFT = "band_shift"
    ROC_CURVES = "roc_curves"


@dataclass(frozen=True)
class ChartSpec:
    """A chart to render off the request thread: a function name in csbot.commands.charts,
    its keyword arguments (plain, picklable data), and the alt text a screen reader gets."""

    name: str
    kwargs: dict[str, Any]
    alt_text: str
    title: str = ""


class Renderer(Protocol):
    """Renders a chart by name to PNG bytes; the future carries the chart's own exception."""

    def render(self, chart: str, /, **kwargs: Any) -> Future[bytes]: ...

    def close(self) -> None: ...


def _chart_name(chart: str) -> ChartName:
    try:
        return ChartName(chart)
    except ValueError:
        known = ", ".join(c.value for c in ChartName)
        raise ValueError(f"no chart named {chart!r}; known: {known}") from None


def _render_in_worker(name: str, kwargs: dict[str, Any]) -> bytes:
    from csbot.commands.charts import render_chart

    return render_chart(name, **kwargs)


def _watch_parent() -> None:
    """In each render worker: exit as soon as the csbot process that started it is gone, even
    killed with SIGKILL. (A worker's parent is the forkserver, and each worker holds pipes that
    keep the forkserver and its own call queue open, so without this they wait forever.)"""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_after, args=(parent,), name="csbot-parent", daemon=True
        ).start()


def _exit_after(parent: Any) -> None:
    parent.join()  # returns when the parent's end of the pipe closes: the parent has exited
    os._exit(0)


def _warm_worker() -> int:
    """Import Matplotlib and draw once (fonts, caches), so the first real chart is fast."""
    from csbot.commands.charts import health_distribution

    health_distribution({})
    return os.getpid()


class InlineRenderer:
    """Renders in the calling thread; same interface as ProcessRenderer."""

    def render(self, chart: str, /, **kwargs: Any) -> Future[bytes]:
        name = _chart_name(chart)
        future: Future[bytes] = Future()
        try:
            future.set_result(_render_in_worker(name.value, kwargs))
        except Exception as exc:  # handed to the caller through the future, as the pool does
            future.set_exception(exc)
        return future

    def close(self) -> None:
        return None


def _start_method(preferred: str | None) -> str:
    methods = multiprocessing.get_all_start_methods()
    if preferred:
        if preferred not in methods or preferred == "fork":
            raise ValueError(f"start method {preferred!r} not usable here; use forkserver or spawn")
        return preferred
    return "forkserver" if "forkserver" in methods else "spawn"


class ProcessRenderer:
    """A bounded pool of render processes. Thread-safe; restarts itself once if a worker dies."""

    def __init__(self, workers: int, *, start_method: str | None = None) -> None:
        if workers < 1:
            raise ValueError("a render pool needs at least one worker")
        self.workers = workers
        self.start_method = _start_method(start_method)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _new_pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context(self.start_method)
        if self.start_method == "forkserver":
            context.set_forkserver_preload([_CHARTS_MODULE])
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context, initializer=_watch_parent
        )

    def _ensure_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the render pool is closed")
            if self._pool is None:
                self._pool = self._new_pool()
            return self._pool

    def start(self, *, timeout: float = 60.0) -> tuple[int, ...]:
        """Start every worker and warm it up; returns their process ids. Call once at start-up."""
        pool = self._ensure_pool()
        warming = [pool.submit(_warm_worker) for _ in range(self.workers)]
        pids = tuple(sorted({f.result(timeout=timeout) for f in warming}))
        log.info("render pool ready", extra={"workers": len(pids), "method": self.start_method})
        return pids

    def render(self, chart: str, /, **kwargs: Any) -> Future[bytes]:
        """Queue a chart; the future resolves to PNG bytes or raises the chart's exception.

        If a worker dies (killed, out of memory), the pool is replaced and the chart is tried
        once more, so one crash costs a retry, not a card.
        """
        name = _chart_name(chart)
        outer: Future[bytes] = Future()
        outer.set_running_or_notify_cancel()  # settled only by this pool, never cancelled
        self._submit(outer, name.value, kwargs, retry=True)
        return outer

    def _submit(self, outer: Future[bytes], name: str, kwargs: dict[str, Any], *,
                retry: bool) -> None:  # fmt: skip
        pool = self._ensure_pool()
        try:
            inner = pool.submit(_render_in_worker, name, kwargs)
        except BrokenProcessPool:
            if not retry:
                raise
            self._restart(pool)
            self._submit(outer, name, kwargs, retry=False)
            return
        inner.add_done_callback(lambda done: self._settle(outer, done, pool, name, kwargs, retry))

    def _settle(self, outer: Future[bytes], inner: Future[bytes], pool: ProcessPoolExecutor,
                name: str, kwargs: dict[str, Any], retry: bool) -> None:  # fmt: skip
        if inner.cancelled():
            outer.set_exception(RuntimeError("the render pool closed before the chart was drawn"))
            return
        error = inner.exception()
        if isinstance(error, BrokenProcessPool) and retry and not self._closed:
            log.warning("render worker died; restarting the pool", extra={"chart": name})
            try:
                self._restart(pool)
                self._submit(outer, name, kwargs, retry=False)
            except Exception as exc:  # the pool closed meanwhile, or broke again
                outer.set_exception(exc)
            return
        if error is not None:
            outer.set_exception(error)
        else:
            outer.set_result(inner.result())

    def _restart(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the render pool is closed")
            if self._pool is broken:
                broken.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
            assert self._pool is not None
            return self._pool

    def close(self, *, wait: bool = True, timeout: float | None = None) -> None:
        """Stop the workers; queued charts are cancelled. With a `timeout`, a worker still
        drawing after it is killed. Safe to call twice."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is None:
            return
        workers = list((pool._processes or {}).values())  # shutdown() forgets them
        pool.shutdown(wait=wait and timeout is None, cancel_futures=True)
        if timeout is not None:
            _end(workers, deadline=time.monotonic() + timeout)

    def __enter__(self) -> ProcessRenderer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _end(workers: list[Any], *, deadline: float) -> None:
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
    for worker in workers:
        if worker.is_alive():
            log.warning(
                "render worker still busy at shutdown; killing it", extra={"worker_pid": worker.pid}
            )
            worker.kill()
            worker.join(1.0)


def render_png(renderer: Renderer, chart: ChartSpec | None) -> bytes | None:
    """The chart's PNG; None when there is no chart or it failed (logged), so the message
    it belongs to goes without it rather than not at all."""
    if chart is None:
        return None
    started = time.perf_counter()
    try:
        png = renderer.render(chart.name, **chart.kwargs).result(RENDER_TIMEOUT)
    except Exception:
        log.exception("chart %s failed; sending without it", chart.name)
        return None
    log.debug("chart %s rendered in %.0f ms", chart.name, (time.perf_counter() - started) * 1e3)
    return png


def make_renderer(settings: Settings) -> ProcessRenderer:
    """The app's pool, one worker per `CSBOT_RENDER_WORKERS` (default: one per core)."""
    return ProcessRenderer(settings.render_workers)
