"""Roles from settings: every action allowed or refused for every role, refusals that name who can,
user groups resolved through Slack and kept briefly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from csbot.commands import blockkit as bk
from csbot.commands.permissions import (
    Action,
    PermissionDenied,
    Role,
    RoleConfig,
    UsergroupCache,
    allowed,
    refusal,
    require,
    role_of,
)
from csbot.commands.slackwords import notice
from csbot.config import Settings, load_settings
from csbot.errors import ConfigError, CsbotError

ADMIN, LEAD, MEMBER, GROUPIE = "U0ADMIN01", "U0LEAD001", "U0MEMBER1", "U0GROUPIE"
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
    """Answers usergroups.users.list from a dict; records which groups were asked for."""

    def __init__(self, groups: dict[str, list[str]], *, error: str | None = None) -> None:
        super().__init__(token="xoxb-test")
        self.groups = groups
        self.error = error
        self.asked: list[str] = []

    def usergroups_users_list(self, *, usergroup: str, **kwargs: Any) -> SlackResponse:
        self.asked.append(usergroup)
        if self.error:
            response = _response(self, {"ok": False, "error": self.error})
            raise SlackApiError(self.error, response)  # type: ignore[no-untyped-call]
        return _response(self, {"ok": True, "users": self.groups.get(usergroup, [])})


@dataclass
class Sources:
    settings: Settings
    client: GroupsClient
    usergroups: UsergroupCache = field(default_factory=UsergroupCache)
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
        assert refused.value.message.startswith(f"Only {RULES[action].value}s can ")


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (Action.SNOOZE, "Only leads can snooze alerts: ask <@U0LEAD001> or an admin."),
        (Action.ACKNOWLEDGE, "Only leads can acknowledge alerts: ask <@U0LEAD001> or an admin."),
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
        "Only leads can snooze alerts: ask <!subteam^S0LEADS01>, <@U0000001>, <@U0000002> "
        "or an admin."
    )


def test_a_refusal_told_in_slack_keeps_its_mentions_live_and_other_errors_are_escaped() -> None:
    told = notice(":no_entry:", refusal(Action.SNOOZE, RoleConfig(leads=(LEAD,))))
    assert told == f":no_entry: Only leads can snooze alerts: ask <@{LEAD}> or an admin."
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
        "Only leads can acknowledge alerts, and csbot has none yet: ask an admin (<@U0ADMIN01>) "
        "to do it or to add leads to CSBOT_LEADS."
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
