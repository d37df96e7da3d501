"""Roles from settings and Slack: every action allowed or refused for every role, a group's CSM
handling its alerts, refusals that name who can, user groups and (while CSBOT_ADMINS is unset)
workspace admins resolved through Slack and kept briefly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from csbot.config import Settings, load_settings
from csbot.errors import ConfigError, CsbotError
from csbot.slack import blockkit as bk
from csbot.slack.permissions import (
    Action,
    PermissionDenied,
    Role,
    RoleConfig,
    UsergroupCache,
    WorkspaceAdmins,
    allowed,
    refusal,
    require,
    role_of,
)
from csbot.slack.slackwords import notice

ADMIN, LEAD, MEMBER, GROUPIE = "U0ADMIN01", "U0LEAD001", "U0MEMBER1", "U0GROUPIE"
CSM, OWNER = "U0CSM0001", "U0WSOWNER"  # a group's CSM; an owner of the Slack workspace
NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


def _response(client: WebClient, data: dict[str, Any]) -> SlackResponse:
    return SlackResponse(
        client=client,
        http_verb="GET",
        api_url="https://slack.test/api/usergroups.users.list",
        req_args={},
        data=data,
        headers={},
        status_code=200,
    )


class GroupsClient(WebClient):
    """Answers usergroups.users.list and users.info from dicts; records what was asked."""

    def __init__(self, groups: dict[str, list[str]], *, error: str | None = None) -> None:
        super().__init__(token="xoxb-test")
        self.groups = groups
        self.error = error
        self.asked: list[str] = []
        self.users = {OWNER: {"is_owner": True, "is_admin": True}, ADMIN: {"is_admin": True}}
        self.asked_users: list[str] = []

    def _fail(self) -> None:
        if self.error:
            response = _response(self, {"ok": False, "error": self.error})
            raise SlackApiError(self.error, response)  # type: ignore[no-untyped-call]

    def usergroups_users_list(self, *, usergroup: str, **kwargs: Any) -> SlackResponse:
        self.asked.append(usergroup)
        self._fail()
        return _response(self, {"ok": True, "users": self.groups.get(usergroup, [])})

    def users_info(self, *, user: str, **kwargs: Any) -> SlackResponse:
        self.asked_users.append(user)
        self._fail()
        found = {"id": user, "is_admin": False, "is_owner": False} | self.users.get(user, {})
        return _response(self, {"ok": True, "user": found})


@dataclass
class Sources:
    settings: Settings
    client: GroupsClient
    usergroups: UsergroupCache = field(default_factory=UsergroupCache)
    workspace_admins: WorkspaceAdmins = field(default_factory=WorkspaceAdmins)
    now: datetime = NOW

    def clock(self) -> datetime:
        return self.now


def _sources(
    admins: str = ADMIN,
    leads: str = LEAD,
    groups: dict[str, list[str]] | None = None,
    error: str | None = None,
) -> Sources:
    settings = load_settings(_env_file=None, CSBOT_ADMINS=admins, CSBOT_LEADS=leads)
    return Sources(settings, GroupsClient(groups or {}, error=error))


RULES = {
    Action.READ: Role.MEMBER,
    Action.LOG: Role.MEMBER,
    Action.EXPORT_GROUP: Role.MEMBER,
    Action.SNOOZE: Role.LEAD,
    Action.ACKNOWLEDGE: Role.LEAD,
    Action.EXPORT_PORTFOLIO: Role.LEAD,
    Action.CHANGE_SETTINGS: Role.ADMIN,
}
PEOPLE = {Role.MEMBER: MEMBER, Role.LEAD: LEAD, Role.ADMIN: ADMIN}


def test_every_action_has_a_rule() -> None:
    assert {a: a.needs for a in Action} == RULES


@pytest.mark.parametrize("action", list(Action), ids=lambda a: a.value)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_is_allowed_or_refused_each_action(role: Role, action: Action) -> None:
    sources = _sources()
    user = PEOPLE[role]
    assert role_of(sources, user) is role
    should = role.rank >= RULES[action].rank
    assert allowed(sources, user, action) is should
    if should:
        assert require(sources, user, action) is role
    else:
        with pytest.raises(PermissionDenied) as refused:
            require(sources, user, action)
        assert isinstance(refused.value, CsbotError)
        assert refused.value.action is action and refused.value.role is role
        assert refused.value.message.startswith(f"Only {RULES[action].value}s ")


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (
            Action.SNOOZE,
            "Only leads and the group's CSM can snooze alerts: ask <@U0LEAD001> or an admin.",
        ),
        (
            Action.ACKNOWLEDGE,
            "Only leads and the group's CSM can acknowledge alerts: ask <@U0LEAD001> or an admin.",
        ),
        (
            Action.EXPORT_PORTFOLIO,
            "Only leads can export the portfolio: ask <@U0LEAD001> or an admin.",
        ),
        (Action.CHANGE_SETTINGS, "Only admins can change csbot's settings: ask <@U0ADMIN01>."),
    ],
)
def test_a_refusal_says_who_can(action: Action, expected: str) -> None:
    with pytest.raises(PermissionDenied, match=r"^Only") as refused:
        require(_sources(), MEMBER, action)
    assert refused.value.message == expected


def test_a_refusal_names_user_groups_as_mentions_and_at_most_three() -> None:
    config = RoleConfig(leads=("S0LEADS01", "U0000001", "U0000002", "U0000003"))
    assert refusal(Action.SNOOZE, config) == (
        "Only leads and the group's CSM can snooze alerts: ask <!subteam^S0LEADS01>, <@U0000001>, "
        "<@U0000002> or a workspace admin."  # no CSBOT_ADMINS: the workspace's admins
    )


def test_a_refusal_told_in_slack_keeps_its_mentions_live_and_other_errors_are_escaped() -> None:
    told = notice(":no_entry:", refusal(Action.SNOOZE, RoleConfig(leads=(LEAD,))))
    assert told == (
        f":no_entry: Only leads and the group's CSM can snooze alerts: ask <@{LEAD}> "
        "or a workspace admin."
    )
    assert bk.message(told)["text"] == told  # not escaped again on the way out
    typed = notice(":warning:", "“<!channel> & co” is not a band")
    assert typed == ":warning: “&lt;!channel&gt; &amp; co” is not a band"


def test_by_default_everyone_is_a_member_and_the_refusal_says_what_to_set() -> None:
    sources = _sources(admins="", leads="")
    assert role_of(sources, LEAD) is Role.MEMBER
    assert allowed(sources, LEAD, Action.LOG)
    with pytest.raises(PermissionDenied) as refused:
        require(sources, LEAD, Action.SNOOZE)
    assert "CSBOT_LEADS" in refused.value.message
    assert sources.client.asked == []  # no user group to ask about


def test_without_leads_the_refusal_points_at_the_admins() -> None:
    message = refusal(Action.ACKNOWLEDGE, RoleConfig(admins=("U0ADMIN01",)))
    assert message == (
        "Only leads and the group's CSM can acknowledge alerts, and csbot has no leads yet: "
        "ask an admin (<@U0ADMIN01>) to do it or to add leads to CSBOT_LEADS."
    )


def test_user_group_members_hold_the_groups_role() -> None:
    sources = _sources(admins="S0ADMINS1", leads="S0LEADS01", groups={"S0LEADS01": [GROUPIE]})
    assert role_of(sources, GROUPIE) is Role.LEAD
    assert role_of(sources, MEMBER) is Role.MEMBER
    require(sources, GROUPIE, Action.EXPORT_PORTFOLIO)


def test_user_group_membership_is_kept_briefly() -> None:
    sources = _sources(admins="", leads="S0LEADS01", groups={"S0LEADS01": [GROUPIE]})
    for _ in range(3):
        assert role_of(sources, GROUPIE) is Role.LEAD
    assert sources.client.asked == ["S0LEADS01"]
    sources.client.groups["S0LEADS01"] = []  # removed from the group in Slack
    sources.now = NOW + timedelta(minutes=4)
    assert role_of(sources, GROUPIE) is Role.LEAD
    sources.now = NOW + timedelta(minutes=6)
    assert role_of(sources, GROUPIE) is Role.MEMBER
    assert sources.client.asked == ["S0LEADS01", "S0LEADS01"]


def test_a_failed_user_group_lookup_refuses_and_is_asked_again_next_time() -> None:
    sources = _sources(admins="", leads="S0LEADS01", error="missing_scope")
    with pytest.raises(PermissionDenied):
        require(sources, GROUPIE, Action.SNOOZE)
    assert role_of(sources, GROUPIE) is Role.MEMBER
    assert sources.client.asked == ["S0LEADS01", "S0LEADS01"]


def test_admins_are_checked_before_leads() -> None:
    sources = _sources(admins=LEAD, leads=LEAD)
    assert role_of(sources, LEAD) is Role.ADMIN


@pytest.mark.parametrize("value", ["bob", "U0LEAD001,@carol", "C0000000001", "u0lower"])
def test_roles_that_are_not_slack_ids_fail_at_start(value: str) -> None:
    with pytest.raises(ConfigError, match=r"CSBOT_LEADS: .* is not a Slack user id"):
        load_settings(_env_file=None, CSBOT_LEADS=value)


def test_roles_are_comma_separated_and_deduplicated() -> None:
    settings = load_settings(_env_file=None, CSBOT_ADMINS=" U0ADMIN01 , S0ADMINS1,U0ADMIN01,")
    assert settings.admin_ids == ("U0ADMIN01", "S0ADMINS1")
    assert settings.lead_ids == ()


def test_a_groups_csm_acknowledges_and_snoozes_its_alerts_and_nothing_more() -> None:
    sources = _sources()
    for action in (Action.ACKNOWLEDGE, Action.SNOOZE):
        assert allowed(sources, CSM, action, owner=CSM)
        assert require(sources, CSM, action, owner=CSM) is Role.MEMBER
        assert not allowed(sources, CSM, action, owner=MEMBER)  # another CSM's group
        assert not allowed(sources, CSM, action)  # no group named
    with pytest.raises(PermissionDenied):
        require(sources, CSM, Action.EXPORT_PORTFOLIO, owner=CSM)
    assert allowed(sources, CSM, Action.EXPORT_GROUP, owner=CSM)  # as every member may


def test_a_refusal_on_a_groups_alert_names_its_csm_first() -> None:
    with pytest.raises(PermissionDenied) as refused:
        require(_sources(), MEMBER, Action.SNOOZE, owner=CSM)
    assert refused.value.message == (
        f"Only leads and the group's CSM can snooze alerts: ask <@{CSM}> (its CSM), <@{LEAD}> "
        "or an admin."
    )
    no_roles = refusal(Action.ACKNOWLEDGE, RoleConfig(), owner=CSM)
    assert no_roles == (
        f"Only leads and the group's CSM can acknowledge alerts, and csbot has no leads yet: ask "
        f"<@{CSM}> (its CSM) or a Slack workspace admin (csbot's admins while CSBOT_ADMINS is "
        "unset) to do it or to add leads to CSBOT_LEADS."
    )
    portfolio = refusal(Action.EXPORT_PORTFOLIO, RoleConfig(leads=(LEAD,)), owner=CSM)
    assert str(CSM) not in portfolio  # the CSM cannot export the portfolio either


def test_without_csbot_admins_the_workspace_owners_and_admins_are_admins() -> None:
    sources = _sources(admins="", leads="")
    assert role_of(sources, OWNER) is Role.ADMIN
    assert role_of(sources, ADMIN) is Role.ADMIN
    assert role_of(sources, MEMBER) is Role.MEMBER
    require(sources, OWNER, Action.CHANGE_SETTINGS)
    with pytest.raises(PermissionDenied) as refused:
        require(sources, MEMBER, Action.CHANGE_SETTINGS)
    assert refused.value.message == (
        "Only admins can change csbot's settings: ask a Slack workspace admin (csbot's admins "
        "while CSBOT_ADMINS is unset)."
    )


def test_with_csbot_admins_set_a_workspace_admin_is_not_a_csbot_admin() -> None:
    sources = _sources(admins=LEAD, leads="")
    assert role_of(sources, OWNER) is Role.MEMBER
    assert sources.client.asked_users == []  # Slack is not asked at all


def test_workspace_admin_status_is_kept_briefly_and_a_failure_is_asked_again() -> None:
    sources = _sources(admins="", leads="")
    for _ in range(3):
        assert role_of(sources, OWNER) is Role.ADMIN
    assert sources.client.asked_users == [OWNER]
    sources.client.users[OWNER] = {}  # no longer an owner in Slack
    sources.now = NOW + timedelta(minutes=6)
    assert role_of(sources, OWNER) is Role.MEMBER
    failing = _sources(admins="", leads="", error="missing_scope")
    assert role_of(failing, OWNER) is Role.MEMBER
    assert role_of(failing, OWNER) is Role.MEMBER
    assert failing.client.asked_users == [OWNER, OWNER]


def test_a_primary_owner_is_an_admin_and_a_deactivated_admin_is_not() -> None:
    sources = _sources(admins="", leads="")
    sources.client.users[MEMBER] = {"is_primary_owner": True}
    sources.client.users[ADMIN] = {"is_admin": True, "deleted": True}
    assert role_of(sources, MEMBER) is Role.ADMIN
    assert role_of(sources, ADMIN) is Role.MEMBER
