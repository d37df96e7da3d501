"""Long CLI work shows one progress bar on a terminal and nothing in a pipe or a log."""

from __future__ import annotations

import io

from csbot.progress import progress_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_one_bar_that_reaches_the_total() -> None:
    screen = Terminal()
    with progress_bar("demo", total=40, unit="groups", stream=screen) as tick:
        for done in (10, 25, 40):
            tick(done)
    drawn = screen.getvalue()
    assert "demo" in drawn and "40/40" in drawn and "groups/s" in drawn
    assert "\n" not in drawn.rstrip("\n")  # redrawn in place, not a line per update


def test_a_pipe_gets_nothing() -> None:
    pipe = io.StringIO()
    with progress_bar("import usage", total=1_000, unit="rows", stream=pipe) as tick:
        tick(500)
        tick(1_000)
    assert pipe.getvalue() == ""


def test_counts_beyond_the_total_or_going_back_are_clamped() -> None:
    screen = Terminal()
    with progress_bar("sync", total=10, unit="records", stream=screen) as tick:
        tick(25)
        tick(3)
    assert "10/10" in screen.getvalue() and "11/10" not in screen.getvalue()
