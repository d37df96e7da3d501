"""Make the demo's batches one ahead in another process, while this one writes the last.

`csbot demo` on SQLite is one core busy: the rows' generation and history scoring (numpy) and
the driver's writes hold the interpreter in turn, so a thread overlaps nothing. A process does:
it makes batch N+1 while the caller writes batch N. The process is started with 'spawn' (a
fork would copy the caller's open database connection), ignores Ctrl-C (the caller's
KeyboardInterrupt stops it), and holds one batch at a time, so memory stays bounded.

It pays only with a core idle for the child: on 2 cores shared with other jobs the child's
work (and its start, pickling, a busier memory) slows the writes it should overlap, so
`spare_core` tells the caller whether to start one.

A batch comes back pickled in shared memory, its pipe carrying only the block's name: a child
killed while it sends (the OOM killer) then cuts no message in half, which would leave the
pool waiting for the rest for ever instead of raising BrokenProcessPool.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pickle
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["Ahead", "made_ahead", "spare_core"]

In = TypeVar("In")
Out = TypeVar("Out")
Stored = tuple[str, int]  # a shared memory block's name, and how many of its bytes are data
PROC_STAT = "/proc/stat"  # the kernel's CPU time counters (Linux)


def spare_core(*, sample: float = 0.2) -> bool:
    """Whether a core is idle for a child process: the cores other processes keep busy, this
    process's own added, below the cores this process may run on.

    The 1-min load average says so at no cost; where it does not, the CPUs' idle time over
    `sample` seconds (/proc/stat, while this process sleeps) decides: the load average still
    counts a job that ended up to a minute before (the demo script's own install, a
    benchmark's floors) and kept the child off on an idle machine. Without /proc/stat the load
    average alone decides."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cores = len(cpus) if cpus else os.cpu_count() or 1
    if os.getloadavg()[0] + 1 < cores:
        return True
    try:
        idle, ticks = _cpu_ticks(cpus)
        time.sleep(sample)
        idle_after, ticks_after = _cpu_ticks(cpus)
    except OSError:
        return False
    if ticks_after <= ticks:  # no clock tick in between
        return False
    busy = cores * (1 - (idle_after - idle) / (ticks_after - ticks))
    return busy + 1 < cores


def _cpu_ticks(cpus: Sequence[int] | None) -> tuple[int, int]:
    """The clock ticks these CPUs (all if None) spent idle, waiting for I/O included, and in
    all, since the machine started (/proc/stat; OSError where there is none)."""
    names = {"cpu"} if cpus is None else {f"cpu{n}" for n in cpus}
    idle = ticks = 0
    for line in Path(PROC_STAT).read_text().splitlines():
        name, *fields = line.split()
        if name in names:  # user nice system idle iowait irq softirq steal (guests are in user)
            counts = [int(field) for field in fields[:8]]
            idle, ticks = idle + counts[3] + counts[4], ticks + sum(counts)
    if not ticks:
        raise OSError(f"no ticks of CPUs {sorted(names)} in {PROC_STAT}")
    return idle, ticks


def _start(module: str) -> None:
    """The child's start: ignore Ctrl-C, import what `make` needs while the caller gets ready."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    importlib.import_module(module)


def _stored(make: Callable[[Any], Any], item: Any) -> Stored:
    """In the child: `make(item)` pickled into a new shared memory block, left for `_taken`."""
    data = pickle.dumps(make(item), protocol=pickle.HIGHEST_PROTOCOL)
    block = SharedMemory(create=True, size=max(1, len(data)))
    _buffer(block)[: len(data)] = data
    block.close()
    return block.name, len(data)


def _buffer(block: SharedMemory) -> memoryview:
    assert block.buf is not None  # None only once closed
    return block.buf


def _taken(stored: Stored) -> Any:
    """The object `_stored` left, its block freed."""
    name, size = stored
    block = SharedMemory(name)
    try:
        view = _buffer(block)[:size]
        try:
            return pickle.loads(view)
        finally:
            view.release()
    finally:
        block.close()
        block.unlink()


class Ahead:
    """`each(make, items)`: `make(item)` for each item in order, made here or one ahead in the
    child process (`made_ahead`)."""

    def __init__(self, pool: ProcessPoolExecutor | None = None) -> None:
        self._pool = pool
        self._pending: Future[Stored] | None = None

    def each(self, make: Callable[[In], Out], items: Sequence[In]) -> Iterator[Out]:
        if self._pool is None or not items:
            yield from map(make, items)
            return
        self._pending = self._pool.submit(_stored, make, items[0])
        for item in items[1:]:
            done = self._pending.result()
            self._pending = self._pool.submit(_stored, make, item)
            yield _taken(done)
        done, self._pending = self._pending.result(), None
        yield _taken(done)

    def _drop(self) -> None:
        """Free what the child made for a caller that left before asking for it."""
        pending, self._pending = self._pending, None
        if pending is not None and not pending.cancelled() and pending.exception() is None:
            _taken(pending.result())


@contextmanager
def made_ahead(module: str, *, process: bool) -> Iterator[Ahead]:
    """An `Ahead`: with `process`, making in a child process started at once, which imports
    `module` (where the `make` functions to come are) while the caller gets ready. `make` and
    the items must pickle (a module-level function or a partial of one, plain data). The
    child's error is raised where its result is asked for. On leaving the block the child is
    told to exit: after an error it is waited for (an item it is making is let finish and
    dropped); otherwise it exits on its own while the caller goes on (its interpreter's
    shutdown took a quarter of a second of the demo's; the interpreter's exit waits for it)."""
    if not process:
        yield Ahead()
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(1, mp_context=context, initializer=_start, initargs=(module,))
    ahead = Ahead(pool)
    try:
        pool.submit(int)  # starts the child now
        yield ahead
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        ahead._drop()
        raise
    pool.shutdown(wait=False, cancel_futures=True)
    ahead._drop()  # nothing left to drop when every item was asked for
