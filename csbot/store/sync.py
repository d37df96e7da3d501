"""`csbot sync`: pull each record kind from the customer platform, one transaction per kind.

A kind's pages are fed through the same `Ingest` as a CSV file, inside one transaction that
also moves the kind's watermark. So a bad record or a failed page anywhere rolls the whole
kind back and leaves the watermark where it was: the next run asks for the same changes again
and ends with exactly the platform's records (upserts make the repeat harmless). The next sync
asks for records changed since the watermark (minus a small overlap for clock skew).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TextIO

import httpx
from sqlalchemy.orm import Session

from csbot.config import Settings
from csbot.errors import ConfigError
from csbot.progress import progress_bar
from csbot.store.db import SessionFactory, make_engine, session_factory, transaction, upgrade
from csbot.store.ingest import KINDS, Counts, Ingest, IngestError, Kind, TooManyErrors
from csbot.store.ingest.problems import shown
from csbot.store.models import SyncWatermark
from csbot.store.sync_http import Clock, Page, PlatformClient, Sleep, SyncError

__all__ = ["SyncError", "SyncPlan", "plan_from", "run_sync", "sync_before_recompute", "sync_kinds"]

DEFAULT_PATH = "/v1/{kind}"
PAGE_SIZE = 500
OVERLAP = timedelta(minutes=5)
SOURCE = "api"


@dataclass(frozen=True)
class SyncPlan:
    """What to pull from where: the base URL, its token, and each kind's path, in load order."""

    base_url: str
    token: str | None
    paths: dict[str, str]
    timeout: float = 30.0


def plan_from(settings: Settings, kinds: Sequence[str] = ()) -> SyncPlan:
    """The plan the settings describe (`kinds` narrows it); ConfigError naming the variable."""
    if not settings.sync_url:
        raise ConfigError("CSBOT_SYNC_URL is not set; set it to the platform's API base URL, "
                          "e.g. https://api.example.com")  # fmt: skip
    unknown = sorted(set(settings.sync_endpoints) - set(KINDS))
    if unknown:
        raise ConfigError(f"CSBOT_SYNC_ENDPOINTS: {', '.join(unknown)} is not a record kind; "
                          f"use {', '.join(KINDS)}")  # fmt: skip
    chosen = list(kinds) or [k.strip() for k in settings.sync_kinds.split(",") if k.strip()]
    if bad := [k for k in chosen if k not in KINDS]:
        where = "csbot sync" if kinds else "CSBOT_SYNC_KINDS"
        raise ConfigError(f"{where}: {', '.join(bad)} is not a record kind; use {', '.join(KINDS)}")
    paths = {
        name: settings.sync_endpoints.get(name, DEFAULT_PATH.format(kind=name))
        for name in KINDS
        if not chosen or name in chosen
    }
    token = settings.sync_token.get_secret_value() if settings.sync_token else None
    return SyncPlan(settings.sync_url, token, paths, settings.sync_timeout)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _label(kind: Kind, page: Page, index: int, raw: object) -> str:
    """`tickets page 3 record 2 (source api, external_id T-33)`: enough to find the record."""
    found = raw if isinstance(raw, dict) else {}
    keys = [f"{f} {shown(f, found[f])}" for f in kind.record_key if found.get(f) is not None]
    return f"{kind.name} page {page.number} record {index}" + (f" ({', '.join(keys)})" * bool(keys))


def _query(session: Session, kind: Kind) -> dict[str, str]:
    params = {"limit": str(PAGE_SIZE)}
    mark = session.get(SyncWatermark, kind.name)
    if mark is not None:
        params["updated_since"] = _stamp(mark.watermark - OVERLAP)
    return params


def _feed(ingest: Ingest, pages: Iterable[Page], progress: Callable[[int], None]) -> None:
    n = 0
    for page in pages:
        for index, raw in enumerate(page.records, start=1):
            n += 1
            ingest.add(raw, where=_label(ingest.kind, page, index, raw), n=n)
        progress(n)
        if ingest.problems:
            return  # the page is reported whole; later pages need not be fetched


def sync_kind(
    sessions: SessionFactory, client: PlatformClient, kind: Kind, path: str, *, clock: Clock,
    tz: tzinfo = UTC, progress: Callable[[int], None] = lambda _: None,
) -> Counts:  # fmt: skip
    """Pull one kind and move its watermark, in one transaction: all of it, or nothing.
    `progress` hears how many of its records were read, after each page."""
    with transaction(sessions) as session:
        started = clock()
        ingest = Ingest(session, kind, now=started, tz=tz, source=SOURCE, duplicates="replace")
        with contextlib.suppress(TooManyErrors):
            _feed(ingest, client.pages(path, _query(session, kind)), progress)
        counts = ingest.finish(f"sync {kind.name}", outcome="nothing of it was stored")
        session.merge(SyncWatermark(kind=kind.name, watermark=started, synced_at=clock(),
                                    records=counts.read))  # fmt: skip
    return counts


def sync_kinds(
    sessions: SessionFactory, plan: SyncPlan, *, clock: Clock, tz: tzinfo = UTC,
    sleep: Sleep = time.sleep, transport: httpx.BaseTransport | None = None,
    report: Callable[[Counts], None] | None = None,
    progress: Callable[[int], None] = lambda _: None,
) -> list[Counts]:  # fmt: skip
    """Sync the plan's kinds in order; stops at the first that fails (earlier ones stay).
    `progress` hears how many records were read so far, all kinds together."""
    done: list[Counts] = []
    with PlatformClient(plan.base_url, plan.token, timeout=plan.timeout, sleep=sleep,
                        clock=clock, transport=transport) as client:  # fmt: skip
        for name, path in plan.paths.items():
            try:
                counts = sync_kind(sessions, client, KINDS[name], path, clock=clock, tz=tz,
                                   progress=_after(done, progress))  # fmt: skip
            except SyncError as exc:
                raise SyncError(f"sync {name}: {exc}; nothing of {name} was stored" +
                                _so_far(done)) from None  # fmt: skip
            except IngestError as exc:
                headline = str(exc).splitlines()[0] + _so_far(done)
                raise IngestError(headline, exc.problems) from None
            done.append(counts)
            if report is not None:
                report(counts)
    return done


def _after(done: list[Counts], progress: Callable[[int], None]) -> Callable[[int], None]:
    """Progress of the next kind, counted on from the records of the kinds already done."""
    before = sum(c.read for c in done)
    return lambda n: progress(before + n)


def _so_far(done: list[Counts]) -> str:
    return f" ({', '.join(c.kind for c in done)} synced before)" if done else ""


def sync_before_recompute(settings: Settings, sessions: SessionFactory, *, clock: Clock) -> bool:
    """For the daily job: sync first when CSBOT_SYNC_BEFORE_RECOMPUTE is on. True if it ran."""
    if not settings.sync_before_recompute:
        return False
    sync_kinds(sessions, plan_from(settings), clock=clock, tz=settings.tz)
    return True


def run_sync(
    settings: Settings, *, kinds: Sequence[str] = (), out: TextIO | None = None,
    clock: Clock = lambda: datetime.now(UTC), sleep: Sleep = time.sleep,
    transport: httpx.BaseTransport | None = None,
) -> int:  # fmt: skip
    """The `csbot sync` command: upgrade the schema, sync, print one line per kind."""
    out = out or sys.stdout
    plan = plan_from(settings, kinds)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        with progress_bar("sync", total=None, unit="records") as bar:
            sync_kinds(session_factory(engine), plan, clock=clock, tz=settings.tz, sleep=sleep,
                       transport=transport, report=lambda c: bar.echo(f"sync {c.summary()}", out),
                       progress=bar)  # fmt: skip
    finally:
        engine.dispose()
    return 0
