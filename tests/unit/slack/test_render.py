"""The render pool draws charts in other processes and shuts down cleanly."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Iterator

import pytest

from csbot.config import Settings
from csbot.slack.render import ChartSpec, InlineRenderer, ProcessRenderer, make_renderer, render_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BANDS = {"Excellent": 3, "Good": 5, "Needs Attention": 2, "Critical": 1}


@pytest.fixture(scope="module")
def pool() -> Iterator[ProcessRenderer]:
    renderer = ProcessRenderer(1)
    yield renderer
    renderer.close()


def test_pool_renders_in_a_warmed_worker_process(pool: ProcessRenderer) -> None:
    pids = pool.start()
    assert len(pids) == 1 and os.getpid() not in pids
    png = pool.render("health_distribution", band_counts=BANDS).result(timeout=60)
    assert png.startswith(PNG_SIGNATURE)


def test_pool_hands_back_the_charts_own_error(pool: ProcessRenderer) -> None:
    future = pool.render("churn_factors", names=["a"], points=[1.0, 2.0])
    with pytest.raises(ValueError, match="different lengths"):
        future.result(timeout=60)


def test_unknown_chart_is_refused_before_queueing(pool: ProcessRenderer) -> None:
    with pytest.raises(ValueError, match="no chart named 'pie'; known: health_trend"):
        pool.render("pie")


def test_closed_pool_refuses_work_and_closing_twice_is_fine() -> None:
    renderer = ProcessRenderer(1)
    renderer.close()
    renderer.close()
    with pytest.raises(RuntimeError, match="closed"):
        renderer.render("health_distribution", band_counts=BANDS)


def test_pool_shuts_down_its_workers() -> None:
    with ProcessRenderer(1) as renderer:
        (pid,) = renderer.start()
        assert renderer.render("health_distribution", band_counts={}).result(timeout=60)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_inline_renderer_has_the_same_interface() -> None:
    renderer = InlineRenderer()
    assert (
        renderer.render("health_distribution", band_counts=BANDS).result().startswith(PNG_SIGNATURE)
    )
    failed = renderer.render("churn_factors", names=["a"], points=[])
    assert isinstance(failed.exception(), ValueError)
    renderer.close()


def test_a_chart_that_fails_is_logged_and_its_message_goes_without_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    renderer = InlineRenderer()
    good = ChartSpec("health_distribution", {"band_counts": BANDS}, alt_text="bands")
    broken = ChartSpec("churn_factors", {"names": ["a"], "points": []}, alt_text="factors")
    assert (render_png(renderer, good) or b"").startswith(PNG_SIGNATURE)
    assert render_png(renderer, None) is None
    with caplog.at_level(logging.ERROR, logger="csbot.slack.render"):
        assert render_png(renderer, broken) is None
    assert "chart churn_factors failed" in caplog.text


def test_fork_is_never_used() -> None:
    with pytest.raises(ValueError, match="forkserver or spawn"):
        ProcessRenderer(1, start_method="fork")


def test_workers_come_from_settings() -> None:
    renderer = make_renderer(Settings(render_workers=3))
    assert renderer.workers == 3
    renderer.close()


def test_a_killed_worker_costs_a_retry_not_a_chart() -> None:
    with ProcessRenderer(1) as renderer:
        (pid,) = renderer.start()
        os.kill(pid, signal.SIGKILL)
        png = renderer.render("health_distribution", band_counts=BANDS).result(timeout=60)
        assert png.startswith(PNG_SIGNATURE)
        (new_pid,) = renderer.start()
        assert new_pid != pid
