"""csbot's logging set-up for the `csbot` command: one stream handler on the root logger."""

from __future__ import annotations

import logging

__all__ = ["FORMAT", "configure_logging"]

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging(level: str) -> None:
    """Log to stderr at `level` (a name: DEBUG, INFO, ...).

    Does nothing when the root logger already has a handler (a test runner or a host program
    set logging up): csbot never raises a level someone else lowered.
    """
    root = logging.getLogger()
    if root.handlers:
        return
    logging.basicConfig(level=level, format=FORMAT)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # "Running upgrade ..." per step
