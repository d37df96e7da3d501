"""What listeners and jobs are given to work with, built once by `csbot.app.create_app`.

This module holds only the types (`Services`; `Sources`, what the pipeline reads, and
`LocalSources`, the same without Slack) and the clock (`today`), so every surface can name them
without importing the composition root (which the import walls forbid).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from slack_sdk import WebClient

from csbot.config import Settings
from csbot.scoring.config import ScoringConfig
from csbot.slack.directory import UsergroupCache, WorkspaceAdmins
from csbot.slack.render import InlineRenderer, Renderer
from csbot.slack.workqueue import WorkQueue
from csbot.store.db import SessionFactory

Clock = Callable[[], datetime]
"""Returns the current time as an aware UTC datetime; tests pass a fixed one."""


def utc_now() -> datetime:
    """The production clock."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """Everything a surface's `register(app, services)` may use; no globals, no env reads.

    `sessions` opens database sessions (use `csbot.store.db.transaction(services.sessions)`),
    `client` is the same retrying Web API client Bolt injects into listeners, `clock` is the one
    place listeners read the time from. `work` is where listeners hand heavy work after
    `ack()`; `renderer` draws charts (a process pool in the app, inline in tests and
    `csbot ask`); `scoring` is the scoring config, read once at start (required: every score,
    band zone and churn figure any surface shows comes from it).
    """

    settings: Settings
    sessions: SessionFactory
    client: WebClient
    scoring: ScoringConfig
    clock: Clock = utc_now
    work: WorkQueue = field(default_factory=lambda: WorkQueue(workers=2, capacity=16))
    renderer: Renderer = field(default_factory=InlineRenderer)
    usergroups: UsergroupCache = field(default_factory=UsergroupCache)  # for role checks
    workspace_admins: WorkspaceAdmins = field(default_factory=WorkspaceAdmins)  # ditto

    def close(self) -> None:
        """Finish the queued answers, then stop the render workers."""
        self.work.close(wait=True)
        self.renderer.close()


class Sources(Protocol):
    """What the pipeline reads: csbot.services.Services, or what `csbot ask` builds."""

    @property
    def settings(self) -> Settings: ...

    @property
    def sessions(self) -> SessionFactory: ...

    @property
    def scoring(self) -> ScoringConfig: ...

    def clock(self) -> datetime: ...


@dataclass(frozen=True)
class LocalSources:
    """What the pipeline reads, without Slack: settings, the database, scoring config, clock."""

    settings: Settings
    sessions: SessionFactory
    scoring: ScoringConfig
    clock: Callable[[], datetime] = utc_now


def today(sources: Sources) -> date:
    """Today in the configured time zone: the last day of every window csbot shows."""
    return sources.clock().astimezone(sources.settings.tz).date()
