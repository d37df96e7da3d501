"""No text from people or imports reaches Slack as a mention, a broadcast or a link.

The hostile app (hostile_fixtures) holds `<!channel>`, `<@U0HOSTILE>`, a disguised link and `&`
in every text field the importers take. Each surface below is driven through the real app and
the fake Slack; then every string of every call it made (and of the answers csbot gave Slack's
requests) is scanned with mrkdwn_scan: no raw `<` (`<!channel>`, `<@U…>`, `<https://…|…>`) in
anything Slack reads as mrkdwn (a message's `text`, a file's `initial_comment`, blocks, views)
but csbot's own: the CSM's mention in an alert, who acknowledged it, `<!date^…>`, mailto and
tel links; nothing escaped twice; nothing escaped where Slack shows text as it is; and the
hostile fields the surface is about did show, so the scan cannot pass on an empty answer.

A new surface is one entry in SURFACES: how to drive it and which hostile fields it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from csbot.alerts.book_run import run_book_digest
from csbot.alerts.digest import run_digest
from csbot.commands.panels.base import Panel
from csbot.demo.catalog import CSMS
from csbot.modals.reminders import remind_upcoming_meetings
from csbot.slack.ids import ActionId, ModalBlock, action_id
from tests.e2e.cs_fixtures import AS_OF, NOW, USER, click, element
from tests.e2e.fakeslack import Call
from tests.e2e.hostile_fixtures import (  # noqa: F401  (fixtures)
    Hostile,
    hostile,
    hostile_app,
    hostile_fixture,
    seen,
)
from tests.e2e.mrkdwn_scan import Shown, double_escaped, over_escaped, raw_markup, shown
from tests.e2e.portfolio_fixtures import LEAD
from tests.e2e.slackviews import submission, suggestion

Drive = Callable[[Hostile], list[Call]]


@dataclass(frozen=True)
class Surface:
    drive: Drive
    shows: tuple[str, ...] = ()  # labels of the hostile fields it must show (hostile_fixtures)
    live: tuple[str, ...] = ()  # csbot's own mentions it must keep live; "{csm}": Acme's CSM
    may: tuple[str, ...] = ()  # csbot's own mentions it may make too (other groups' CSMs)


def _answered(response: httpx.Response) -> list[Call]:
    """csbot's answer to a request from Slack, scanned like a call (Slack renders it too)."""
    assert response.status_code == 200, response.text
    if not response.content:
        return []
    return [Call("answer", "", response.json(), {}, response.content)]


def _calls(h: Hostile, answered: list[Call]) -> list[Call]:
    assert h.server.runtime.services.work.wait_idle(20)
    return answered + h.fake.calls


def _command(text: str) -> Drive:
    def drive(h: Hostile) -> list[Call]:
        return _calls(h, _answered(h.server.slash_command(text)))

    return drive


def _form(kind_and_group: str) -> Drive:
    """`/cs log ticket|meeting <group>`: the form Slack opens, with its notice."""

    def drive(h: Hostile) -> list[Call]:
        answered = _answered(h.server.slash_command(f"log {kind_and_group}"))
        h.fake.wait_for("views.open")
        return _calls(h, answered)

    return drive


def _redraw(h: Hostile) -> list[Call]:
    """A card's Support button: the same message redrawn with chat.update."""
    answered = _answered(h.server.slash_command("acme"))
    [posted] = h.fake.wait_for("chat.postMessage")
    assert h.server.runtime.services.work.wait_idle(20)
    message = h.fake.messages(posted.params["channel"])[-1]
    button, block_id = element(message["blocks"], action_id(ActionId.PANEL, Panel.SUPPORT.value))
    answered += _answered(click(h.server, message, button, block_id))
    h.fake.wait_for("chat.update")
    return _calls(h, answered)


def _home(user: str | None = None) -> Drive:
    """App Home opened by `user` (None: Acme's CSM)."""

    def drive(h: Hostile) -> list[Call]:
        payload = h.server.samples.json("app_home_opened.json")
        payload["event"].update(user=user or h.csm, tab="home")
        answered = _answered(h.server.event(payload))
        h.fake.wait_for("views.publish")
        return _calls(h, answered)

    return drive


def _acknowledge(h: Hostile) -> list[Call]:
    """A lead acknowledges Acme's alert: redrawn in place, saying who."""
    alert = h.acme_alert()
    payload = h.server.samples.json("block_actions_button.json")
    payload["user"]["id"] = LEAD
    payload["channel"]["id"] = alert.channel
    payload["container"].update(message_ts=alert.slack_ts, channel_id=alert.channel)
    payload["message"]["ts"] = alert.slack_ts
    payload["actions"] = [{"type": "button", "action_id": ActionId.ACKNOWLEDGE.value,
                           "block_id": "alert_buttons", "value": str(alert.id),
                           "action_ts": "1774936800.000200",
                           "text": {"type": "plain_text", "text": "Acknowledge"}}]  # fmt: skip
    answered = _answered(h.server.interaction(payload))
    h.fake.wait_for("chat.update")
    return _calls(h, answered)


def _opened(h: Hostile) -> dict[str, Any]:
    h.fake.wait_for("views.open")
    return list(h.fake.state.views.values())[-1]


def _ticket(h: Hostile) -> list[Call]:
    """`/cs log ticket acme`, a hostile subject and description typed in, submitted."""
    answered = _answered(h.server.slash_command("log ticket acme"))
    answers = {"subject": hostile("Typed subject", 150), "category": "billing",
               "priority": "urgent", "description": hostile("Typed text")}  # fmt: skip
    payload = submission(h.server.samples, _opened(h), answers, user=USER)
    answered += _answered(h.server.interaction(payload))
    h.fake.wait_for("chat.postEphemeral")
    return _calls(h, answered)


def _note(h: Hostile) -> list[Call]:
    """ "Log as CS note" on a hostile message, filed under Acme."""
    payload = h.server.samples.json("message_action.json")
    payload["callback_id"] = "log_cs_note"
    payload["message"]["text"] = hostile("Typed note")
    answered = _answered(h.server.interaction(payload))
    view = _opened(h)
    typed = suggestion(h.server.samples, view, block_id=ModalBlock.GROUP.value,
                       action_id=ActionId.GROUP_SELECT.value, value="acme")  # fmt: skip
    options = h.server.interaction(typed)
    answered += _answered(options)
    group = options.json()["options"][0]
    payload = submission(h.server.samples, view, {"group": group}, user=USER)
    answered += _answered(h.server.interaction(payload))
    h.fake.wait_for("chat.postEphemeral")
    return _calls(h, answered)


def _digest(h: Hostile) -> list[Call]:
    run_digest(h.server.runtime.services, force=True, echo=lambda _: None)
    return h.fake.calls


def _book(h: Hostile) -> list[Call]:
    run_book_digest(h.server.runtime.services, day=AS_OF)
    return h.fake.calls


def _reminder(h: Hostile) -> list[Call]:
    assert remind_upcoming_meetings(h.server.runtime.services, now=NOW) >= 1
    return h.fake.calls


ACME, CEDAR = "Acme Hostile", "Cedar Hostile"
DEMO_CSMS = tuple(f"<@{csm.slack_id}>" for csm in CSMS)
NAMES = (ACME, "Birch Hostile", CEDAR)
PANEL_SHOWS = {
    Panel.REVENUE: ("Service",),
    Panel.SUPPORT: ("Ticket subject",),
    Panel.ADOPTION: ("Feature",),
    Panel.TIMELINE: ("Past meeting", "Kind", "Next meeting", "Note title"),
    Panel.PLANS: ("Plan title", "Goal", "Metric", "Unit", "Goal owner", "Step", "Step owner"),
    Panel.CONTACTS: ("Contact", "Role", "Phone", "Guest"),
}  # fmt: skip
SURFACES: dict[str, Surface] = {
    **{
        f"card {p.value}": Surface(_command(f"{p.value} acme"), (ACME, *PANEL_SHOWS.get(p, ())))
        for p in Panel
    },
    "card overview, onboarding group": Surface(_command("cedar"), (CEDAR, "Phase")),
    "card onboarding, onboarding group": Surface(_command("onboarding cedar"), (CEDAR, "Task")),
    "card redrawn by a button": Surface(_redraw, (ACME, "Ticket subject")),
    "list": Surface(_command("list"), NAMES),
    "renewals": Surface(_command("renewals 365d"), (ACME,)),
    "pick list": Surface(_command("health hostile"), NAMES),
    "did-you-mean": Surface(_command("health hostlie"), (ACME, CEDAR)),
    "typed query": Surface(_command(f"health {hostile('Typed query')}"), ("Typed query",)),
    "help": Surface(_command("help")),
    "help for a typed mistake": Surface(_command(f"list {hostile('bad band')}"), ("bad band",)),
    "home of a lead": Surface(_home(LEAD), (*NAMES, "Phase", "Next meeting")),
    "home of a csm": Surface(_home(), (ACME, "Next meeting")),
    "alerts and recovery notes": Surface(
        lambda h: h.alert_calls, NAMES, live=("<@{csm}>",), may=DEMO_CSMS
    ),  # renewal reminders of the demo's other groups mention their CSMs
    "alert acknowledged": Surface(_acknowledge, (ACME,), live=("<@{csm}>", f"<@{LEAD}>")),
    "digest": Surface(_digest, (CEDAR, "Phase", "Task")),
    "book digest": Surface(_book, (ACME, "Birch Hostile")),
    "meeting reminder": Surface(_reminder, ("Next meeting", ACME)),
    "export": Surface(_command("export timeline acme"), (ACME,)),
    "ticket form for a typed name": Surface(
        _form(f"ticket {hostile('Typed group')}"), ("Typed group",)
    ),
    "ticket confirmation": Surface(_ticket, ("Typed subject", ACME)),
    "note confirmation": Surface(_note, ("Typed note", ACME)),
}


def _missing(texts: list[Shown], labels: tuple[str, ...]) -> list[str]:
    """Labels of hostile fields shown neither escaped in mrkdwn nor raw where Slack shows text
    as it is."""
    mrkdwn = "\n".join(s.text for s in texts if s.mrkdwn)
    plain = "\n".join(s.text for s in texts if not s.mrkdwn)
    return [f for f in labels if seen(f) not in mrkdwn and f"{f} <!" not in plain]


@pytest.mark.parametrize("name", SURFACES)
def test_hostile_text_reaches_slack_only_escaped(hostile: Hostile, name: str) -> None:
    surface = SURFACES[name]
    texts = shown(surface.drive(hostile))
    live = [token.format(csm=hostile.csm) for token in surface.live]
    assert [str(s) for s in raw_markup(texts, allowed=[*live, *surface.may])] == []
    assert [str(s) for s in double_escaped(texts)] == []
    assert [str(s) for s in over_escaped(texts)] == []
    assert _missing(texts, surface.shows) == [], f"{name} did not show these hostile fields"
    mrkdwn = "\n".join(s.text for s in texts if s.mrkdwn)
    assert [token for token in live if token not in mrkdwn] == [], "csbot's own mention is gone"
