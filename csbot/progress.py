"""One progress bar for long CLI work (demo, backfill, import, sync), on a terminal only.

tqdm draws it on stderr, rewritten in place; when stderr is a pipe or a log file the bar is
off, so logs and scripts see only the commands' own lines (`Bar.echo` prints those above the
bar while it is drawn).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from tqdm import tqdm

__all__ = ["Bar", "progress_bar"]


class Bar:
    """Reports progress (an absolute count, in the bar's unit) and prints lines around it."""

    def __init__(self, bar: tqdm[Any], total: int | None) -> None:
        self._bar, self._total = bar, total

    def __call__(self, done: int) -> None:
        done = done if self._total is None else min(done, self._total)
        self._bar.update(max(0, done - self._bar.n))

    def echo(self, line: str, stream: TextIO | None = None) -> None:
        """Print `line` (to stdout by default) without tearing the bar."""
        out = stream or sys.stdout
        if self._bar.disable:
            print(line, file=out)
        else:
            self._bar.write(line, file=out)


@contextmanager
def progress_bar(
    label: str, *, total: int | None, unit: str, stream: TextIO | None = None,
    scale: bool = False,
) -> Iterator[Bar]:  # fmt: skip
    """A bar from 0 to `total` `unit`s (a counter when the total is unknown; `scale`: 1.2M
    rather than 1200000), cleared when done; a no-op unless `stream` (default stderr) is a
    terminal."""
    out = stream or sys.stderr
    bar = tqdm(total=total, desc=label, unit=unit if scale else f" {unit}", file=out,
               leave=False, disable=not out.isatty(), dynamic_ncols=True, mininterval=0,
               unit_scale=scale)  # fmt: skip
    try:
        yield Bar(bar, total)
    finally:
        bar.close()
