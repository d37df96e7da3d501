"""`csbot audit [--group G] [--since D]`: the audit trail in a terminal, newest first.

Times show in `CSBOT_TIMEZONE`; people show as Slack user ids (the CLI does not ask Slack).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TextIO

from csbot.config import Settings
from csbot.errors import InputError
from csbot.slack.matching import Matched, match_groups
from csbot.store.audit import AuditEntry, list_audit
from csbot.store.db import make_engine, session_factory, transaction, upgrade
from csbot.store.groups import group_names
from csbot.store.records import GroupName

__all__ = ["DEFAULT_LIMIT", "audit_lines", "run_audit"]

DEFAULT_LIMIT = 500
_HEADER = ("when", "who", "what", "group", "detail")


def _detail(entry: AuditEntry) -> str:
    return " ".join(f"{k}={v}" for k, v in entry.detail.items())


def audit_lines(entries: Sequence[AuditEntry], *, settings: Settings) -> list[str]:
    """Aligned columns: when (local time), who, what, group, detail."""
    rows = [
        (
            f"{e.at.astimezone(settings.tz):%Y-%m-%d %H:%M}",
            e.actor,
            e.action,
            e.group_name or ("-" if e.group_id is None else f"#{e.group_id}"),
            _detail(e),
        )
        for e in entries
    ]
    widths = [max(len(r[i]) for r in [_HEADER, *rows]) for i in range(len(_HEADER) - 1)]
    return [
        "  ".join([*(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)), r[-1]]).rstrip()
        for r in [_HEADER, *rows]
    ]


def _group_id(query: str, names: Sequence[GroupName]) -> int:
    match = match_groups(query, names)
    if not isinstance(match, Matched):
        raise InputError(match.message.replace("*", ""))
    return match.group.id


def run_audit(
    settings: Settings,
    *,
    group: str | None = None,
    since: date | None = None,
    limit: int = DEFAULT_LIMIT,
    out: TextIO | None = None,
) -> int:
    """Print the trail (of one group, from a day on); exit code 0."""
    out = out or sys.stdout
    start = datetime.combine(since, time(0), tzinfo=settings.tz) if since else None
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        with transaction(session_factory(engine)) as session:
            gid = _group_id(group, group_names(session)) if group else None
            entries = list_audit(session, group_id=gid, since=start, limit=limit)
    finally:
        engine.dispose()
    if not entries:
        print("no audit entries" + (" for that group" if gid else "") + ".", file=out)
        return 0
    print("\n".join(audit_lines(entries, settings=settings)), file=out)
    if len(entries) == limit:
        print(f"(the newest {limit}; use --since or --limit to see others)", file=out)
    return 0
