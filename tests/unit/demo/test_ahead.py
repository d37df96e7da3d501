"""csbot.demo.ahead: the demo's batches made one ahead in a child process, in order, with the
child's errors raised to the caller and the child gone when the block is left (waited for
after an error, exiting on its own otherwise)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from functools import partial
from multiprocessing.connection import wait
from pathlib import Path

import pytest

from csbot.demo import ahead
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


def _new_children(
    before: set[multiprocessing.process.BaseProcess],
) -> list[multiprocessing.process.BaseProcess]:
    """This process's children not among `before` (an earlier test's child, told to exit and
    not waited for, may still be ending)."""
    return [child for child in multiprocessing.active_children() if child not in before]


def test_items_are_made_in_order_in_one_child_process() -> None:
    before, children_before = _blocks(), set(multiprocessing.active_children())
    with made_ahead(__name__, process=True) as ahead:
        made = list(ahead.each(partial(_made, times=10), [1, 2, 3, 4]))
    assert [value for value, _ in made] == [10, 20, 30, 40]
    assert len({pid for _, pid in made}) == 1 and made[0][1] != os.getpid()
    assert _blocks() == before  # each result's block freed once taken
    children = _new_children(children_before)
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


@pytest.mark.parametrize(("load", "cores"), [(0.3, 2), (0.9, 2), (2.5, 4)])
def test_a_child_is_started_when_the_load_average_leaves_a_core_idle(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, load: float, cores: int
) -> None:
    monkeypatch.setattr(os, "getloadavg", lambda: (load, 0.0, 0.0))
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(cores)))
    monkeypatch.setattr(ahead, "PROC_STAT", str(tmp_path / "absent"))  # not read
    assert spare_core() is True


def _stat(*cpus: tuple[int, int, int]) -> str:
    """/proc/stat as Linux writes it, each CPU's (busy, idle, iowait) ticks spread over its
    fields as a real one's are."""
    lines = []
    for n, (busy, idle, iowait) in enumerate(cpus):
        user, system = busy - busy // 4, busy // 4 - 3
        lines.append(f"cpu{n} {user} 0 {system} {idle} {iowait} 0 2 1 5 0")  # guest 5, in user
    total = [sum(int(line.split()[k]) for line in lines) for k in range(1, 11)]
    return "\n".join([f"cpu  {' '.join(map(str, total))}", *lines,
                      "intr 1163617 0 9 0", "ctxt 2148790", "btime 1795892348",
                      "processes 13297", "procs_running 1", "procs_blocked 0"]) + "\n"  # fmt: skip


# Each CPU's (busy, idle, iowait) ticks before the sample and 20 ticks on.
BEFORE = [(31036, 213617, 1031), (14386, 233697, 106), (9000, 90000, 0), (9000, 90000, 0)]
OTHERS_IDLE = [(b + 1, i + 19, w) for b, i, w in BEFORE]
CPU1_BUSY = [(b, i + 20, w) for b, i, w in BEFORE[:1]] + [(b + 20, i, w) for b, i, w in BEFORE[1:]]
CPU1_WAITS = [*OTHERS_IDLE[:1], (BEFORE[1][0], BEFORE[1][1] + 4, BEFORE[1][2] + 16),
              *OTHERS_IDLE[2:]]  # fmt: skip
CPU1_A_THIRD = [*OTHERS_IDLE[:1], (BEFORE[1][0] + 7, BEFORE[1][1] + 13, BEFORE[1][2]),
                *OTHERS_IDLE[2:]]  # fmt: skip
CPU1_IDLE_REST_BUSY = [*CPU1_BUSY[:1], OTHERS_IDLE[1], *CPU1_BUSY[2:]]


def _sampled(monkeypatch: pytest.MonkeyPatch, stat: Path, after: list[tuple[int, int, int]],
             cpus: set[int] | None, **sample: float) -> tuple[bool, list[float]]:  # fmt: skip
    """`spare_core(**sample)` with the load average one core short of an idle one, on these
    CPUs (None: a system without affinity, its cpu_count 2), while /proc/stat's ticks go from
    BEFORE (as many) to `after`; and the seconds it waited."""
    stat.write_text(_stat(*BEFORE[: len(after)]))
    waited = []

    def wait(seconds: float) -> None:  # the kernel counts on meanwhile
        waited.append(seconds)
        stat.write_text(_stat(*after))

    cores = len(cpus) if cpus is not None else 2
    monkeypatch.setattr(os, "getloadavg", lambda: (cores - 0.5, 0.0, 0.0))
    if cpus is None:
        monkeypatch.delattr(os, "sched_getaffinity")
        monkeypatch.setattr(os, "cpu_count", lambda: 2)
    else:
        monkeypatch.setattr(os, "sched_getaffinity", {0: cpus}.__getitem__)  # pid 0: this one
    monkeypatch.setattr(ahead, "PROC_STAT", str(stat))
    monkeypatch.setattr(time, "sleep", wait)
    return spare_core(**sample), waited


@pytest.mark.parametrize(
    ("cpus", "after", "spare"),
    [
        ({0, 1}, OTHERS_IDLE, True),
        ({0, 1}, CPU1_BUSY, False),  # another job holds the other core: 1 + 1 cores busy of 2
        ({0, 1}, CPU1_WAITS, True),  # waiting for I/O is idle
        ({0, 1}, CPU1_A_THIRD, True),
        ({0, 1}, BEFORE, False),  # no tick in between: nothing measured
        ({0, 1}, CPU1_IDLE_REST_BUSY, True),  # CPUs 2 and 3 are not this process's
        ({0, 2}, CPU1_IDLE_REST_BUSY, False),
        ({0, 1, 2, 3}, CPU1_IDLE_REST_BUSY, True),  # 3 cores busy of 4: one idle
    ],
    ids=[
        "idle",
        "busy",
        "iowait",
        "a-third-busy",
        "no-tick",
        "others-ignored",
        "affinity",
        "four-cores",
    ],
)
def test_a_load_average_without_an_idle_core_is_checked_on_the_cpus_now(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, cpus: set[int],
    after: list[tuple[int, int, int]], spare: bool,
) -> None:  # fmt: skip
    """A job that ended within the last minute still weighs on the load average: the CPUs'
    idle ticks while this process waits decide then."""
    assert _sampled(monkeypatch, tmp_path / "stat", after, cpus, sample=0.3) == (spare, [0.3])


@pytest.mark.parametrize(("after", "spare"), [(OTHERS_IDLE[:2], True), (CPU1_BUSY[:2], False)])
def test_without_affinity_all_the_cpus_are_checked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, after: list[tuple[int, int, int]],
    spare: bool,
) -> None:  # fmt: skip
    assert _sampled(monkeypatch, tmp_path / "stat", after, None)[0] is spare


def test_the_check_costs_a_fraction_of_a_second(monkeypatch: pytest.MonkeyPatch, tmp_path: Path
                                                ) -> None:  # fmt: skip
    (waited,) = _sampled(monkeypatch, tmp_path / "stat", OTHERS_IDLE, {0, 1})[1]
    assert 0.1 <= waited <= 0.25  # ~20 clock ticks a core: enough to tell a busy one


def test_one_cpu_of_unknown_count_has_no_idle_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    monkeypatch.setattr(ahead, "PROC_STAT", "/nonexistent/stat")
    assert spare_core() is False


def test_without_proc_stat_the_load_average_decides(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:  # fmt: skip
    monkeypatch.setattr(os, "getloadavg", lambda: (1.0, 0.0, 0.0))
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
    monkeypatch.setattr(ahead, "PROC_STAT", str(tmp_path / "absent"))
    assert spare_core() is False


def test_the_cpus_ticks_are_read_as_linux_writes_them(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:  # fmt: skip
    stat = tmp_path / "stat"
    stat.write_text(_stat(*BEFORE[:2]))
    monkeypatch.setattr(ahead, "PROC_STAT", str(stat))
    (busy0, idle0, wait0), (busy1, idle1, wait1) = BEFORE[:2]
    assert ahead._cpu_ticks([1]) == (idle1 + wait1, busy1 + idle1 + wait1)
    both = (idle0 + wait0 + idle1 + wait1, busy0 + idle0 + wait0 + busy1 + idle1 + wait1)
    assert ahead._cpu_ticks([0, 1]) == ahead._cpu_ticks(None) == both
    with pytest.raises(OSError, match="no ticks of CPUs"):
        ahead._cpu_ticks([5])
