"""One progress bar for long CLI work (demo, backfill, import, sync), on a terminal only.

tqdm draws it on stderr, rewritten in place; when stderr is a pipe or a log file the bar is
off, so logs and scripts see only the commands' own lines.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm

__all__ = ["Tick", "progress_bar"]

Tick = Callable[[int], None]
"""Reports how much is done so far (an absolute count, in the bar's unit)."""


@contextmanager
def progress_bar(
    label: str, *, total: int, unit: str, stream: TextIO | None = None
) -> Iterator[Tick]:
    """A bar from 0 to `total` `unit`s, cleared when done; a no-op unless `stream` (default
    stderr) is a terminal."""
    out = stream or sys.stderr
    bar = tqdm(total=total, desc=label, unit=f" {unit}", file=out, leave=False,
               disable=not out.isatty(), dynamic_ncols=True, mininterval=0)  # fmt: skip

    def tick(done: int) -> None:
        bar.update(max(0, min(done, total) - bar.n))

    try:
        yield tick
    finally:
        bar.close()
