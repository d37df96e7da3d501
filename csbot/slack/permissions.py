"""Who may do what: roles from Settings (`CSBOT_ADMINS`, `CSBOT_LEADS`) and Slack, checked
before a write.

Members (everyone in the workspace) read, log tickets, meetings and notes, and export one
group's numbers; a group's CSM owner also acknowledges and snoozes that group's alerts; leads
do so for every group and export the portfolio; admins may do everything, including changing
settings. Roles are given as Slack user ids or user-group ids (S...). While `CSBOT_ADMINS` is
unset, the workspace's owners and admins (Slack's `users.info`) are csbot's admins, so a new
install has someone who can act. Slack's answers are kept a few minutes
(csbot.slack.directory), so a check costs no Slack call most times.

    require(services, user_id, Action.SNOOZE, owner=group_csm)   # PermissionDenied says who can
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from slack_sdk import WebClient

from csbot.config import Settings
from csbot.errors import CsbotError
from csbot.slack import blockkit as bk
from csbot.slack.directory import UsergroupCache, WorkspaceAdmins

__all__ = [
    "OWNER_MAY",
    "Action",
    "PermissionDenied",
    "Role",
    "RoleConfig",
    "UsergroupCache",
    "WorkspaceAdmins",
    "allowed",
    "refusal",
    "require",
    "role_of",
]

MAX_NAMED = 3
WORKSPACE_ADMINS = "a Slack workspace admin (csbot's admins while CSBOT_ADMINS is unset)"


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


OWNER_MAY = frozenset({Action.SNOOZE, Action.ACKNOWLEDGE})
"""What a group's CSM owner may do to that group whatever their role (members already export
a group's numbers)."""

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


class RoleSources(Protocol):
    """What a role check reads: csbot.services.Services has all of it."""

    @property
    def settings(self) -> Settings: ...

    @property
    def client(self) -> WebClient: ...

    @property
    def usergroups(self) -> UsergroupCache: ...

    @property
    def workspace_admins(self) -> WorkspaceAdmins: ...

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


def _is_admin(sources: RoleSources, user_id: str, config: RoleConfig) -> bool:
    """Named in CSBOT_ADMINS; while it is unset, an owner or admin of the Slack workspace."""
    if config.admins:
        return _holds(sources, user_id, config.admins)
    return sources.workspace_admins.is_admin(sources.client, user_id, now=sources.clock())


def role_of(sources: RoleSources, user_id: str) -> Role:
    """The person's highest role: admin, then lead, else member."""
    config = RoleConfig.from_settings(sources.settings)
    if _is_admin(sources, user_id, config):
        return Role.ADMIN
    if _holds(sources, user_id, config.leads):
        return Role.LEAD
    return Role.MEMBER


def allowed(
    sources: RoleSources, user_id: str, action: Action, *, owner: str | None = None
) -> bool:
    """Whether the person may; `owner` as for `require`."""
    return (action in OWNER_MAY and owner == user_id) or role_of(sources, user_id).covers(
        action.needs
    )


def require(
    sources: RoleSources, user_id: str, action: Action, *, owner: str | None = None
) -> Role:
    """The person's role if it allows `action`, or if they are `owner` (the CSM owning the group
    acted on) and the action is one its CSM may take; else PermissionDenied saying who can."""
    role = role_of(sources, user_id)
    if role.covers(action.needs) or (action in OWNER_MAY and owner == user_id):
        return role
    message = refusal(action, RoleConfig.from_settings(sources.settings), owner=owner)
    raise PermissionDenied(message, action=action, role=role)


def _who(ids: Sequence[str]) -> str:
    return ", ".join(bk.mention(i) for i in ids[:MAX_NAMED])


def refusal(action: Action, config: RoleConfig, *, owner: str | None = None) -> bk.Mrkdwn:
    """'Only leads and the group's CSM can snooze alerts: ask <@CSM> (its CSM), <@U…> or an
    admin.' and its variants: mrkdwn whose mentions stay live wherever it is shown
    (slackwords.notice). `owner` is the group's CSM, named when the action is theirs to take."""
    csm = [f"{bk.mention(owner)} (its CSM)"] if owner and action in OWNER_MAY else []
    return bk.Mrkdwn(_refusal(action, config, csm))


def _refusal(action: Action, config: RoleConfig, csm: list[str]) -> str:
    needed = action.needs
    who = f"{needed.value}s and the group's CSM" if action in OWNER_MAY else f"{needed.value}s"
    what = f"Only {who} can {action.phrase}"
    holders, admins = config.holders(needed), config.admins
    if needed is Role.ADMIN:
        return f"{what}: ask {_who(admins) if admins else WORKSPACE_ADMINS}."
    if holders:
        admin = "an admin" if admins else "a workspace admin"
        return f"{what}: ask {', '.join([*csm, _who(holders)])} or {admin}."
    ask = f"an admin ({_who(admins)})" if admins else WORKSPACE_ADMINS
    return (
        f"{what}, and csbot has no {needed.value}s yet: ask {' or '.join([*csm, ask])} to do it "
        f"or to add {needed.value}s to CSBOT_{needed.value.upper()}S."
    )
