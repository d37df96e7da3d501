"""Alert buttons and roles end to end: leads and admins acknowledge or snooze any alert, a
group's CSM that group's alerts; a refusal tells the clicker who can, and every acknowledgement
and snooze lands in the audit trail."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.alert_rows import click_alert, group_row, handled, posted_alert, said
from tests.e2e.conftest import AppServer
from tests.e2e.portfolio_fixtures import (  # noqa: F401  (fixtures)
    CSM,
    GROUPIE,
    LEAD,
    MEMBER,
    audit_rows,
    last_audit_id,
    portfolio_app,
    portfolio_fixture,
)

ACME = "Acme Family Medicine"


@pytest.fixture
def alert(portfolio: AppServer) -> Iterator[tuple[int, int]]:
    """A delivered Critical alert for Acme, with its alert state; (alert id, group id)."""
    with posted_alert(portfolio, ACME, key="e2e-alert-roles") as ids:
        yield ids


def test_a_member_may_not_acknowledge_and_is_told_who_can(
    portfolio: AppServer, alert: tuple[int, int]
) -> None:
    before = last_audit_id(portfolio)
    assert click_alert(portfolio, MEMBER, "acknowledge", alert[0]).status_code == 200
    _, acme_csm = group_row(portfolio, ACME)
    assert said(portfolio) == [
        ":no_entry: Only leads and the group's CSM can acknowledge alerts: "
        f"ask <@{acme_csm}> (its CSM), <@U0LEAD0001> or an admin."
    ]
    assert handled(portfolio, alert[0]) == (None, None)
    assert portfolio.fake.calls_to("chat.update") == []
    assert audit_rows(portfolio, after=before) == []


def test_a_lead_acknowledges_once_and_it_is_audited(
    portfolio: AppServer, alert: tuple[int, int]
) -> None:
    before = last_audit_id(portfolio)
    click_alert(portfolio, LEAD, "acknowledge", alert[0])
    assert handled(portfolio, alert[0])[0] == LEAD
    assert portfolio.fake.calls_to("chat.update")  # the alert redrawn with who has it
    click_alert(portfolio, GROUPIE, "acknowledge", alert[0])  # an admin, later: the first stands
    assert handled(portfolio, alert[0])[0] == LEAD
    [entry] = audit_rows(portfolio, after=before)
    assert (entry.actor, entry.action, entry.group_id) == (LEAD, "acknowledge", alert[1])
    assert entry.detail == {"alert_id": alert[0]}


def test_snooze_needs_a_lead_and_is_audited(portfolio: AppServer, alert: tuple[int, int]) -> None:
    before = last_audit_id(portfolio)
    click_alert(portfolio, MEMBER, "snooze:7", alert[0])
    _, acme_csm = group_row(portfolio, ACME)
    assert said(portfolio) == [
        ":no_entry: Only leads and the group's CSM can snooze alerts: "
        f"ask <@{acme_csm}> (its CSM), <@U0LEAD0001> or an admin."
    ]
    assert handled(portfolio, alert[0])[1] is None
    click_alert(portfolio, GROUPIE, "snooze:30", alert[0])
    until = handled(portfolio, alert[0])[1]
    assert until is not None and until.isoformat() == "2026-04-30"
    [entry] = audit_rows(portfolio, after=before)
    assert (entry.actor, entry.action, entry.group_id) == (GROUPIE, "snooze", alert[1])
    assert entry.detail == {"alert_id": alert[0], "until": "2026-04-30"}


def test_the_groups_csm_acknowledges_and_snoozes_its_alert(
    portfolio: AppServer, alert: tuple[int, int]
) -> None:
    """Out of the box the CSM the alert mentions can handle it, without being a lead."""
    _, acme_csm = group_row(portfolio, ACME)
    assert acme_csm is not None and acme_csm not in (LEAD, GROUPIE)
    before = last_audit_id(portfolio)
    click_alert(portfolio, acme_csm, "acknowledge", alert[0])
    click_alert(portfolio, acme_csm, "snooze:7", alert[0])
    assert said(portfolio) == []  # nothing refused
    until = handled(portfolio, alert[0])
    assert until[0] == acme_csm and until[1] is not None and until[1].isoformat() == "2026-04-07"
    actions = [(e.actor, e.action, e.group_id) for e in reversed(audit_rows(portfolio, before))]
    assert actions == [(acme_csm, "acknowledge", alert[1]), (acme_csm, "snooze", alert[1])]
    assert len(portfolio.fake.calls_to("chat.update")) == 2  # redrawn after each


def test_another_groups_csm_may_not_handle_this_alert(
    portfolio: AppServer, alert: tuple[int, int]
) -> None:
    _, acme_csm = group_row(portfolio, ACME)
    assert acme_csm != CSM  # CSM owns three other groups
    click_alert(portfolio, CSM, "acknowledge", alert[0])
    assert said(portfolio) == [
        ":no_entry: Only leads and the group's CSM can acknowledge alerts: "
        f"ask <@{acme_csm}> (its CSM), <@U0LEAD0001> or an admin."
    ]
    assert handled(portfolio, alert[0]) == (None, None)
