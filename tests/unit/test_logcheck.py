"""The test-suite guard: a log call that breaks fails its test, even in a thread that hides it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytest_plugins = ["pytester"]

INNER = """
import logging
import threading

log = logging.getLogger("csbot.inner")


def in_a_thread_that_swallows(call):
    def run():
        try:
            call()
        except Exception:
            pass
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def test_extra_clashing_with_a_record_attribute():
    in_a_thread_that_swallows(lambda: log.info("stored", extra={"created": True}))


def test_bad_format_arguments():
    log.debug("%d rows", "many")


def test_bad_format_arguments_in_a_thread():
    in_a_thread_that_swallows(lambda: log.warning("%s of %s", "one"))


def test_a_good_call():
    log.debug("%d rows", 3, extra={"first_time": True})
"""


def test_broken_log_calls_fail_and_good_ones_pass(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeini("[pytest]\nlog_level = DEBUG\n")
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess("-p", "tests.logcheck", "-rfE")
    summary = [line for line in result.outlines if line.startswith(("FAILED ", "ERROR "))]
    failed = {line.split("::")[1].split(" ")[0] for line in summary}
    assert failed == {
        "test_extra_clashing_with_a_record_attribute",
        "test_bad_format_arguments",
        "test_bad_format_arguments_in_a_thread",
    }, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*logger csbot.inner: \"Attempt to overwrite 'created' in LogRecord\"",
            "*test_inner.py:*'%s of %s': TypeError(*",
        ],
        consecutive=False,
    )
