"""The work queue runs jobs off the caller's thread, says no at once when full, and survives
a job that raises."""

from __future__ import annotations

import logging
import threading

import pytest

from csbot.commands.workqueue import WorkQueue


def test_jobs_run_on_the_queues_own_threads() -> None:
    queue = WorkQueue(workers=2, capacity=4)
    ran: list[str] = []
    assert queue.submit(lambda: ran.append(threading.current_thread().name))
    assert queue.wait_idle(5)
    queue.close()
    assert ran and ran[0].startswith("csbot-work")


def test_a_full_queue_refuses_at_once_and_takes_work_again_when_drained() -> None:
    queue = WorkQueue(workers=1, capacity=1)
    release = threading.Event()
    started = threading.Event()

    def blocker() -> None:
        started.set()
        release.wait(5)

    assert queue.submit(blocker)
    assert started.wait(5)
    assert queue.submit(lambda: None)  # waits in the one free slot
    assert not queue.submit(lambda: None)  # full: refused, not queued
    assert queue.pending == 2
    release.set()
    assert queue.wait_idle(5)
    assert queue.submit(lambda: None)
    queue.close()


def test_a_failing_job_is_logged_and_frees_its_slot(caplog: pytest.LogCaptureFixture) -> None:
    queue = WorkQueue(workers=1, capacity=0)

    def fail() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="csbot.commands.workqueue"):
        assert queue.submit(fail, label="/cs")
        assert queue.wait_idle(5)
    assert "/cs failed" in caplog.text
    assert queue.submit(lambda: None)
    queue.close()


def test_a_closed_queue_takes_nothing() -> None:
    queue = WorkQueue(workers=1, capacity=1)
    queue.close()
    assert not queue.submit(lambda: None)
