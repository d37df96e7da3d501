"""csbot: a Slack app that gives customer-success teams a live view of their physician groups."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
