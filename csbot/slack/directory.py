"""What csbot asks Slack about people for its role checks, kept for a few minutes so a check
costs no Slack call most times: the members of a user group (`usergroups.users.list`, scope
`usergroups:read`) and whether someone is an owner or admin of the workspace (`users.info`,
scope `users:read`).

A failed lookup (a missing scope, an unknown id, Slack down) counts as "no" and is not kept, so
fixing its cause takes effect at once.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

__all__ = ["MEMBERSHIP_TTL", "UsergroupCache", "WorkspaceAdmins"]

log = logging.getLogger(__name__)

MEMBERSHIP_TTL = timedelta(minutes=5)
K = TypeVar("K")
V = TypeVar("V")


class _Kept(Generic[K, V]):
    """Values by key, each good for `ttl` from when it was asked; thread-safe."""

    def __init__(self, ttl: timedelta) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._values: dict[K, tuple[datetime, V]] = {}

    def get(self, key: K, *, now: datetime) -> V | None:
        with self._lock:
            kept = self._values.get(key)
        return kept[1] if kept is not None and now - kept[0] < self.ttl else None

    def put(self, key: K, value: V, *, now: datetime) -> V:
        with self._lock:
            self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def _failed(what: str, exc: SlackClientError, **context: str) -> None:
    error = exc.response.get("error") if isinstance(exc, SlackApiError) else None
    log.warning(what, extra={**context, "error": error or exc.__class__.__name__})


class UsergroupCache:
    """Members of Slack user groups, asked of Slack at most once per `ttl` per group."""

    def __init__(self, ttl: timedelta = MEMBERSHIP_TTL) -> None:
        self._kept: _Kept[str, frozenset[str]] = _Kept(ttl)

    def members(self, client: WebClient, usergroup: str, *, now: datetime) -> frozenset[str]:
        kept = self._kept.get(usergroup, now=now)
        if kept is not None:
            return kept
        try:
            users = client.usergroups_users_list(usergroup=usergroup).get("users") or []
        except (SlackApiError, SlackClientError) as exc:
            _failed(
                "cannot read user group members; treating it as empty", exc, usergroup=usergroup
            )
            return frozenset()
        return self._kept.put(usergroup, frozenset(str(u) for u in users), now=now)

    def clear(self) -> None:
        self._kept.clear()


class WorkspaceAdmins:
    """Whether a person owns or administers the Slack workspace: csbot's admins while
    `CSBOT_ADMINS` is unset. Asked of Slack at most once per `ttl` per person."""

    def __init__(self, ttl: timedelta = MEMBERSHIP_TTL) -> None:
        self._kept: _Kept[str, bool] = _Kept(ttl)

    def is_admin(self, client: WebClient, user_id: str, *, now: datetime) -> bool:
        kept = self._kept.get(user_id, now=now)
        if kept is not None:
            return kept
        try:
            user: dict[str, Any] = client.users_info(user=user_id).get("user") or {}
        except (SlackApiError, SlackClientError) as exc:
            _failed("cannot read whether a user is a workspace admin; treating as no", exc,
                    user=user_id)  # fmt: skip
            return False
        found = not user.get("deleted") and any(
            user.get(flag) for flag in ("is_primary_owner", "is_owner", "is_admin")
        )
        return self._kept.put(user_id, bool(found), now=now)

    def clear(self) -> None:
        self._kept.clear()
