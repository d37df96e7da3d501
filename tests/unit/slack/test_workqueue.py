"""The work queue runs jobs off the caller's thread, says no at once when full, and survives
a job that raises."""

from __future__ import annotations

import logging
import threading

import pytest

from csbot.slack.workqueue import RESTARTING_MESSAGE, Stopped, WorkQueue


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

    with caplog.at_level(logging.ERROR, logger="csbot.slack.workqueue"):
        assert queue.submit(fail, label="/cs")
        assert queue.wait_idle(5)
    assert "/cs failed" in caplog.text
    assert queue.submit(lambda: None)
    queue.close()


def test_a_closed_queue_takes_nothing() -> None:
    queue = WorkQueue(workers=1, capacity=1)
    queue.close()
    assert not queue.submit(lambda: None)


def _blocked(queue: WorkQueue, release: threading.Event, told: list[str], who: str) -> None:
    started = threading.Event()

    def job() -> None:
        started.set()
        release.wait(10)

    assert queue.submit(job, label=who, on_drop=lambda text: told.append(f"{who}: {text}"))
    assert started.wait(5)


def test_stop_drops_the_waiting_jobs_and_tells_their_people_at_once() -> None:
    queue, release, told = WorkQueue(workers=1, capacity=3), threading.Event(), []
    _blocked(queue, release, told, "running")
    ran: list[str] = []

    def tell(who: str) -> None:
        told.append(who)
        release.set()  # meanwhile the running job ends, within the grace

    for who in ("a", "b"):
        queue.submit(lambda who=who: ran.append(who), on_drop=lambda _, who=who: tell(who))
    queue.submit(lambda: ran.append("c"))  # nobody to tell: dropped quietly
    stopped = queue.stop(grace=5)
    assert stopped == Stopped(finished=1, dropped=3, abandoned=0)
    assert sorted(told) == ["a", "b"] and ran == []
    assert not queue.submit(lambda: None)


def test_stop_gives_up_on_a_stuck_job_after_the_grace_and_tells_its_person() -> None:
    queue, release, told = WorkQueue(workers=1, capacity=0), threading.Event(), []
    _blocked(queue, release, told, "stuck")
    stopped = queue.stop(grace=0.4)
    release.set()
    assert stopped == Stopped(finished=0, dropped=0, abandoned=1)
    assert told == [f"stuck: {RESTARTING_MESSAGE}"]


def test_a_notice_that_fails_is_logged_and_the_others_still_go(
    caplog: pytest.LogCaptureFixture,
) -> None:
    queue, release, told = WorkQueue(workers=1, capacity=2), threading.Event(), []
    _blocked(queue, release, told, "running")

    def broken(text: str) -> None:
        raise OSError("Slack is unreachable")

    queue.submit(lambda: None, label="first", on_drop=broken)
    queue.submit(lambda: None, label="second", on_drop=told.append)
    release.set()
    with caplog.at_level(logging.DEBUG):
        queue.stop(grace=5)
    assert told == [RESTARTING_MESSAGE]
    assert "could not tell the person behind first that csbot is restarting" in caplog.text


def test_close_without_waiting_forgets_the_waiting_jobs() -> None:
    queue, release, told = WorkQueue(workers=1, capacity=1), threading.Event(), []
    _blocked(queue, release, told, "running")
    ran: list[str] = []
    queue.submit(lambda: ran.append("waiting"))
    queue.close(wait=False)
    release.set()
    assert queue.wait_idle(5)
    assert ran == [] and told == []
