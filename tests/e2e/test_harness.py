"""The harness itself: every kind of Slack request reaches a listener of the running app, and what
listeners send comes back to the fake Slack. Listeners are added here to the app under test, as
`csbot/commands` will add theirs; nothing in csbot is patched."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from tests.e2e.conftest import AppServer


def test_slash_command_acks_then_responds_and_posts(app_server: AppServer) -> None:
    app = app_server.runtime.app

    @app.command("/harness")
    def cs(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack(text="working on it")
        respond(text=f"you asked for {command['text']}")
        client.chat_postMessage(channel=command["channel_id"], text="card")

    response = app_server.slash_command("health Acme 30d", command="/harness")
    assert response.status_code == 200
    assert response.text == "working on it"
    [reply] = app_server.fake.wait_for("response_url")
    assert reply.params["text"] == "you asked for health Acme 30d"
    app_server.fake.wait_for("chat.postMessage")
    assert [m["text"] for m in app_server.fake.messages("C0000000001")] == ["card"]


def test_button_click_reaches_its_action_listener(app_server: AppServer) -> None:
    payload = app_server.samples.json("block_actions_button.json")
    action_id = payload["actions"][0]["action_id"]
    app = app_server.runtime.app

    @app.action(action_id)
    def clicked(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.chat_update(
            channel=body["channel"]["id"], ts=body["container"]["message_ts"], text="redrawn"
        )

    assert app_server.interaction(payload).status_code == 200
    [update] = app_server.fake.wait_for("chat.update")
    assert update.params["ts"] == payload["container"]["message_ts"]


def test_options_load_answers_with_options(app_server: AppServer) -> None:
    payload = app_server.samples.json("block_suggestion.json")
    options = [{"text": {"type": "plain_text", "text": "Acme"}, "value": "acme"}]
    app = app_server.runtime.app

    @app.options(payload["action_id"])
    def suggest(ack: Ack) -> None:
        ack(options=options)

    response = app_server.interaction(payload)
    assert response.status_code == 200
    assert response.json() == {"options": options}


def test_view_submission_errors_come_back_inline(app_server: AppServer) -> None:
    payload = app_server.samples.json("view_submission.json")
    app = app_server.runtime.app
    block_id = next(iter(payload["view"]["state"]["values"]))
    payload["view"]["callback_id"] = "harness_view"  # csbot's own modals own log_ticket

    @app.view("harness_view")
    def submitted(ack: Ack) -> None:
        ack(response_action="errors", errors={block_id: "no such group"})

    response = app_server.interaction(payload)
    assert response.json() == {"response_action": "errors", "errors": {block_id: "no such group"}}


def test_message_shortcut_opens_a_modal(app_server: AppServer) -> None:
    payload = app_server.samples.json("message_action.json")
    payload["callback_id"] = "harness_shortcut"  # csbot's own listener owns log_cs_note
    app = app_server.runtime.app

    @app.shortcut("harness_shortcut")
    def log_note(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
        ack()
        view = {"type": "modal", "title": {"type": "plain_text", "text": "Log"}, "blocks": []}
        client.views_open(trigger_id=shortcut["trigger_id"], view=view)

    assert app_server.interaction(payload).status_code == 200
    [opened] = app_server.fake.wait_for("views.open")
    assert opened.params["trigger_id"] == payload["trigger_id"]


def test_app_home_opened_publishes_a_home(app_server: AppServer) -> None:
    payload = app_server.samples.json("app_home_opened.json")
    app = app_server.runtime.app

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": []})

    assert app_server.event(payload).status_code == 200
    [published] = app_server.fake.wait_for("views.publish")
    assert published.params["user_id"] == payload["event"]["user"]
