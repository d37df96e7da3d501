"""csbot.demo.ahead: the demo's batches made one ahead in a child process, in order, with the
child's errors raised to the caller and the child gone when the block is left (waited for
after an error, exiting on its own otherwise)."""

from __future__ import annotations

import multiprocessing
import os
import signal
from functools import partial
from multiprocessing.connection import wait
from pathlib import Path

import pytest

from csbot.demo.ahead import made_ahead, spare_core


def _blocks() -> set[str]:
    """The shared memory blocks there are (Linux keeps them in /dev/shm)."""
    return {p.name for p in Path("/dev/shm").glob("psm_*")}


def _made(item: int, *, times: int) -> tuple[int, int]:
    return item * times, os.getpid()


def _failing(item: int) -> int:
    if item == 3:
        raise ValueError(f"cannot make {item}")
    return item


def _interrupt_handler(_: int) -> object:
    return signal.getsignal(signal.SIGINT)


def _new_children(before: set[multiprocessing.process.BaseProcess]) -> list[int | None]:
    """The pids of this process's children not among `before` (an earlier test's child, told
    to exit and not waited for, may still be ending)."""
    return [child.pid for child in multiprocessing.active_children() if child not in before]


def test_items_are_made_in_order_in_one_child_process() -> None:
    before, children_before = _blocks(), set(multiprocessing.active_children())
    with made_ahead(__name__, process=True) as ahead:
        made = list(ahead.each(partial(_made, times=10), [1, 2, 3, 4]))
    assert [value for value, _ in made] == [10, 20, 30, 40]
    assert len({pid for _, pid in made}) == 1 and made[0][1] != os.getpid()
    assert _blocks() == before  # each result's block freed once taken
    children = [c for c in multiprocessing.active_children() if c not in children_before]
    assert [child.pid for child in children] in ([made[0][1]], [])  # told to exit, not waited for
    ended = wait([child.sentinel for child in children], timeout=60)  # ready once it ended
    assert len(ended) == len(children)


def test_without_a_process_items_are_made_here() -> None:
    with made_ahead(__name__, process=False) as ahead:
        made = list(ahead.each(partial(_made, times=2), [1, 2]))
    assert made == [(2, os.getpid()), (4, os.getpid())]


def test_the_childs_error_is_raised_after_the_items_before_it() -> None:
    got, children = [], set(multiprocessing.active_children())
    with pytest.raises(ValueError, match="cannot make 3"), made_ahead(__name__, process=True) as a:
        for value in a.each(_failing, [1, 2, 3, 4]):
            got.append(value)
    assert got == [1, 2]
    assert _new_children(children) == []  # waited for after an error


def test_the_child_is_stopped_when_the_caller_fails() -> None:
    """The item made ahead, which nobody asks for, is freed too."""
    before, children = _blocks(), set(multiprocessing.active_children())
    with pytest.raises(RuntimeError), made_ahead(__name__, process=True) as ahead:
        for _ in ahead.each(_failing, [1, 2]):
            raise RuntimeError("the write failed")
    assert _new_children(children) == []
    assert _blocks() == before


def test_the_child_leaves_ctrl_c_to_the_caller() -> None:
    """A terminal's Ctrl-C reaches both processes: the caller's KeyboardInterrupt stops the
    child, which must not print its own traceback meanwhile."""
    # as on a terminal (a background job starts with Ctrl-C ignored, which a child inherits)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with made_ahead(__name__, process=True) as ahead:
            handlers = list(ahead.each(_interrupt_handler, [1, 2]))
    finally:
        signal.signal(signal.SIGINT, before)
    assert handlers == [signal.SIG_IGN, signal.SIG_IGN]


@pytest.mark.parametrize(
    ("load", "cores", "spare"),
    [(0.3, 2, True), (0.9, 2, True), (1.0, 2, False), (1.4, 2, False), (2.5, 4, True)],
)
def test_a_child_is_started_only_with_a_core_idle(
    monkeypatch: pytest.MonkeyPatch, load: float, cores: int, spare: bool
) -> None:
    """On 2 cores shared with other jobs a child slows the writes it should overlap."""
    monkeypatch.setattr(os, "getloadavg", lambda: (load, 0.0, 0.0))
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(cores)))
    assert spare_core() is spare
