"""Who may do what: roles from Settings (`CSBOT_ADMINS`, `CSBOT_LEADS`), checked before a write.

Members (everyone in the workspace) read, log tickets, meetings and notes, and export one
group's numbers; leads also snooze and acknowledge alerts and export the portfolio; admins may
do everything, including changing settings. Roles are given as Slack user ids or user-group
ids (S...): a user group's members come from `usergroups.users.list` (scope
`usergroups:read`) and are kept for a few minutes, so a check costs no Slack call most times.

    require(services, user_id, Action.SNOOZE)   # raises PermissionDenied saying who can
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from csbot.commands import blockkit as bk
from csbot.config import Settings
from csbot.errors import CsbotError

__all__ = [
    "Action",
    "PermissionDenied",
    "Role",
    "RoleConfig",
    "UsergroupCache",
    "allowed",
    "refusal",
    "require",
    "role_of",
]

log = logging.getLogger(__name__)

MEMBERSHIP_TTL = timedelta(minutes=5)
MAX_NAMED = 3


class Role(StrEnum):
    """A person's role; each role may do everything the ones before it may."""

    MEMBER = "member"
    LEAD = "lead"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def covers(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class Action(StrEnum):
    """Things people do from Slack that a role decides. The value is what the audit shows."""

    READ = "read"
    LOG = "log"  # a ticket, meeting or note
    EXPORT_GROUP = "export_group"  # one group's panel as CSV: the numbers the card shows
    SNOOZE = "snooze"
    ACKNOWLEDGE = "acknowledge"
    EXPORT_PORTFOLIO = "export_portfolio"
    CHANGE_SETTINGS = "change_settings"

    @property
    def needs(self) -> Role:
        return _NEEDS[self]

    @property
    def phrase(self) -> str:
        """What a refusal says the person tried: 'snooze alerts'."""
        return _PHRASES[self]


_NEEDS = {
    Action.READ: Role.MEMBER,
    Action.LOG: Role.MEMBER,
    Action.EXPORT_GROUP: Role.MEMBER,
    Action.SNOOZE: Role.LEAD,
    Action.ACKNOWLEDGE: Role.LEAD,
    Action.EXPORT_PORTFOLIO: Role.LEAD,
    Action.CHANGE_SETTINGS: Role.ADMIN,
}
_PHRASES = {
    Action.READ: "read cards",
    Action.LOG: "log tickets, meetings and notes",
    Action.EXPORT_GROUP: "export a group's numbers",
    Action.SNOOZE: "snooze alerts",
    Action.ACKNOWLEDGE: "acknowledge alerts",
    Action.EXPORT_PORTFOLIO: "export the portfolio",
    Action.CHANGE_SETTINGS: "change csbot's settings",
}


class PermissionDenied(CsbotError):
    """The person's role does not allow the action; the message says who can do it."""

    def __init__(self, message: str, *, action: Action, role: Role) -> None:
        super().__init__(message)
        self.action = action
        self.role = role


@dataclass(frozen=True)
class RoleConfig:
    """Configured admins and leads: Slack user ids (U.../W...) and user-group ids (S...)."""

    admins: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> RoleConfig:
        return cls(admins=settings.admin_ids, leads=settings.lead_ids)

    def holders(self, role: Role) -> tuple[str, ...]:
        return {Role.ADMIN: self.admins, Role.LEAD: self.leads}.get(role, ())


class UsergroupCache:
    """Members of Slack user groups, asked of Slack at most once per `ttl` per group.

    Thread-safe. A failed lookup (missing `usergroups:read`, unknown group) counts as no
    members and is not kept, so fixing the scope takes effect at once.
    """

    def __init__(self, ttl: timedelta = MEMBERSHIP_TTL) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._members: dict[str, tuple[datetime, frozenset[str]]] = {}

    def members(self, client: WebClient, usergroup: str, *, now: datetime) -> frozenset[str]:
        with self._lock:
            kept = self._members.get(usergroup)
        if kept is not None and now - kept[0] < self.ttl:
            return kept[1]
        try:
            users = client.usergroups_users_list(usergroup=usergroup).get("users") or []
        except (SlackApiError, SlackClientError) as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else None
            log.warning(
                "cannot read user group members; treating it as empty",
                extra={"usergroup": usergroup, "error": error or exc.__class__.__name__},
            )
            return frozenset()
        found = frozenset(str(u) for u in users)
        with self._lock:
            self._members[usergroup] = (now, found)
        return found

    def clear(self) -> None:
        with self._lock:
            self._members.clear()


class RoleSources(Protocol):
    """What a role check reads: csbot.services.Services has all of it."""

    @property
    def settings(self) -> Settings: ...

    @property
    def client(self) -> WebClient: ...

    @property
    def usergroups(self) -> UsergroupCache: ...

    def clock(self) -> datetime: ...


def _holds(sources: RoleSources, user_id: str, ids: Sequence[str]) -> bool:
    if user_id in ids:
        return True
    now = sources.clock()
    return any(
        user_id in sources.usergroups.members(sources.client, gid, now=now)
        for gid in ids
        if gid.startswith("S")
    )


def role_of(sources: RoleSources, user_id: str) -> Role:
    """The person's highest role: admin, then lead, else member."""
    config = RoleConfig.from_settings(sources.settings)
    if _holds(sources, user_id, config.admins):
        return Role.ADMIN
    if _holds(sources, user_id, config.leads):
        return Role.LEAD
    return Role.MEMBER


def allowed(sources: RoleSources, user_id: str, action: Action) -> bool:
    return role_of(sources, user_id).covers(action.needs)


def require(sources: RoleSources, user_id: str, action: Action) -> Role:
    """The person's role if it allows `action`; else PermissionDenied saying who can do it."""
    role = role_of(sources, user_id)
    if not role.covers(action.needs):
        message = refusal(action, RoleConfig.from_settings(sources.settings))
        raise PermissionDenied(message, action=action, role=role)
    return role


def _who(ids: Sequence[str]) -> str:
    return ", ".join(bk.mention(i) for i in ids[:MAX_NAMED])


def refusal(action: Action, config: RoleConfig) -> bk.Mrkdwn:
    """'Only leads can snooze alerts: ask <@U…> or an admin.' and its variants: mrkdwn whose
    mentions stay live wherever it is shown (slackwords.notice)."""
    return bk.Mrkdwn(_refusal(action, config))


def _refusal(action: Action, config: RoleConfig) -> str:
    needed = action.needs
    what = f"Only {needed.value}s can {action.phrase}"
    holders, admins = config.holders(needed), config.admins
    if holders and needed is Role.ADMIN:
        return f"{what}: ask {_who(holders)}."
    if holders:
        return f"{what}: ask {_who(holders)} or an admin."
    if admins:
        return (
            f"{what}, and csbot has none yet: ask an admin ({_who(admins)}) to do it "
            f"or to add {needed.value}s to CSBOT_{needed.value.upper()}S."
        )
    return (
        f"{what}, and csbot has none yet: whoever runs csbot sets "
        f"CSBOT_{needed.value.upper()}S (Slack user or user-group ids)."
    )
