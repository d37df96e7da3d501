"""Delivery against the fake Slack: the image race, failed uploads, ephemeral redraws, errors in
plain words; and the global error handler's apology. Waits are recorded, never slept."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, wait
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from csbot.config import Settings
from csbot.slack import blockkit as bk
from csbot.slack.delivery import FILE_RETRY_WAITS, Delivery, Where
from csbot.slack.message import Card
from csbot.slack.render import ChartSpec
from csbot.slack.slackwords import plain_words
from csbot.slack.webclient import retry_handlers
from csbot.slack.workqueue import BUSY_MESSAGE
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import cs_settings, load_demo_db
from tests.e2e.fakeslack import Call, FakeSlack

PNG = b"\x89PNG\r\n\x1a\nfake"
CARD = Card(
    text="Acme · Health: health 47.4",
    head=(bk.header("Acme · Health"), bk.section("*Health 47.4*")),
    tail=(bk.context("30 days to 31 Mar 2026"),),
    chart=ChartSpec("health_trend", {}, "Health of Acme", title="Health trend"),
)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.stop()


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def delivery(fake: FakeSlack, waits: list[float]) -> Delivery:
    client = WebClient(token="xoxb-test", base_url=fake.api_url,
                       retry_handlers=retry_handlers(sleep=waits.append))  # fmt: skip
    return Delivery(client, sleep=waits.append)


def _where(fake: FakeSlack, **kw: Any) -> Where:
    return Where("C1", "U1", fake.response_url("r"), **kw)


def _images(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in message["blocks"] if b["type"] == "image"]


def test_the_card_shows_the_privately_uploaded_chart(fake: FakeSlack, delivery: Delivery) -> None:
    sent = delivery.post(CARD, PNG, _where(fake), filename="c.png")
    [message] = fake.messages("C1")
    [image] = _images(message)
    assert sent.via == "message" and image["slack_file"] == {"id": sent.file_id}
    assert fake.state.uploads[str(sent.file_id)] == PNG
    assert fake.calls_to("files.completeUploadExternal")[0].params.get("channel_id") is None


def test_an_image_slack_never_accepts_goes_into_the_thread(
    fake: FakeSlack, delivery: Delivery, waits: list[float]
) -> None:
    fake.fail("chat.postMessage", error="invalid_blocks", times=len(FILE_RETRY_WAITS) + 1)
    sent = delivery.post(CARD, PNG, _where(fake), filename="c.png")
    assert waits == list(FILE_RETRY_WAITS)
    [message] = fake.messages("C1")
    assert _images(message) == [] and sent.ts == message["ts"]
    shared = fake.calls_to("files.completeUploadExternal")[-1]
    assert shared.params["channel_id"] == "C1" and shared.params["thread_ts"] == message["ts"]


def test_a_failed_upload_still_posts_the_card(fake: FakeSlack, delivery: Delivery) -> None:
    fake.fail("files.getUploadURLExternal", error="missing_scope")
    sent = delivery.post(CARD, PNG, _where(fake), filename="c.png")
    [message] = fake.messages("C1")
    assert sent.via == "message" and _images(message) == []


def test_an_upload_url_that_fails_over_plain_http_still_posts_the_card(
    fake: FakeSlack, delivery: Delivery
) -> None:
    """The bytes go to a plain HTTP upload URL: its failure is an OSError, not a Slack error."""
    fake.fail("upload", status=500, times=5)
    sent = delivery.post(CARD, PNG, _where(fake), filename="c.png")
    [post] = fake.calls_to("chat.postMessage")
    assert sent.ts and sent.file_id is None
    assert all(b["type"] != "image" for b in post.json_param("blocks"))


def test_a_redraw_updates_the_message_with_a_fresh_upload(
    fake: FakeSlack, delivery: Delivery
) -> None:
    first = delivery.post(CARD, PNG, _where(fake), filename="c.png")
    again = delivery.redraw(CARD, PNG, _where(fake, message_ts=first.ts), filename="c.png")
    [message] = fake.messages("C1")
    assert again.via == "update" and again.ts == first.ts and again.file_id != first.file_id
    assert _images(message)[0]["slack_file"]["id"] == again.file_id


def test_an_ephemeral_card_is_redrawn_through_its_response_url(
    fake: FakeSlack, delivery: Delivery
) -> None:
    sent = delivery.redraw(CARD, PNG, _where(fake, message_ts="1.2", ephemeral=True), filename="c")
    [reply] = fake.calls_to("response_url")
    assert sent.via == "response_url" and reply.params["replace_original"] is True
    assert fake.calls_to("chat.update") == [] and fake.calls_to("files.getUploadURLExternal") == []


def test_a_private_answer_opens_a_dm(fake: FakeSlack, delivery: Delivery) -> None:
    sent = delivery.post(CARD, None, _where(fake, private=True), filename="c.png")
    assert sent.channel == "D1" and fake.messages("D1")


def test_a_dm_slack_will_not_open_is_explained(fake: FakeSlack, delivery: Delivery) -> None:
    fake.fail("conversations.open", error="missing_scope")
    assert delivery.post(CARD, PNG, _where(fake, private=True), filename="c").via == "failed"
    [reply] = fake.calls_to("response_url")
    assert "lacks a Slack permission" in reply.params["text"]
    assert fake.calls_to("chat.postMessage") == [] and fake.state.uploads == {}


def test_an_unknown_slack_failure_is_told_with_its_code(
    fake: FakeSlack, delivery: Delivery
) -> None:
    fake.fail("chat.postMessage", error="restricted_action")
    assert delivery.post(CARD, None, _where(fake), filename="c").via == "failed"
    [reply] = fake.calls_to("response_url")
    assert reply.params["text"] == (
        ":warning: Slack refused the card (restricted_action). Try again, or run `/cs help`."
    )


@pytest.mark.parametrize(
    ("error", "words"),
    [("ratelimited", "Try again in a minute"), ("invalid_auth", "reinstall csbot"),
     ("not_in_channel", "/invite @csbot"), ("missing_scope", "permission")],
)  # fmt: skip
def test_slack_errors_in_plain_words(error: str, words: str) -> None:
    exc = SlackApiError("x", {"ok": False, "error": error})
    assert words in plain_words(exc)


# the global error handler --------------------------------------------------------------------


def test_a_listener_crash_before_the_ack_gets_an_apology_with_an_error_id(
    app_server: AppServer, caplog: pytest.LogCaptureFixture
) -> None:
    @app_server.runtime.app.command("/boom")
    def boom(ack: Ack) -> None:
        raise RuntimeError("secret detail")

    with caplog.at_level(logging.ERROR, logger="csbot.slack.errorhandler"):
        response = app_server.slash_command("x", command="/boom")
    assert response.status_code == 200
    text = response.json()["text"]
    assert text.startswith(":warning: Sorry, something went wrong on csbot's side (error id `")
    error_id = text.split("`")[1]
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    assert record.__dict__["command"] == "/boom" and record.__dict__["user"] == "U0000000001"
    logged = record.getMessage() + str(record.__dict__)
    assert "fake-verification-token" not in logged and app_server.fake.url not in logged


def test_a_listener_crash_after_the_ack_apologises_through_the_response_url(
    app_server: AppServer,
) -> None:
    @app_server.runtime.app.command("/boom")
    def boom(ack: Ack) -> None:
        ack()
        raise RuntimeError("late")

    assert app_server.slash_command("x", command="/boom").status_code == 200
    [reply] = app_server.fake.wait_for("response_url")
    assert "error id" in reply.params["text"] and reply.params["response_type"] == "ephemeral"


def test_an_ack_stays_given_when_the_listener_crashes_before_bolt_looks_at_it(
    app_server: AppServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bolt's request thread hands the listener to the pool, then polls the ack every 10 ms; on a
    crash after ack() Bolt cleared it. A request thread that looked only after the crash (a busy
    machine) found no ack, waited 3 s and answered 404, and Slack showed "dispatch_failed". Here
    the request thread looks only once the listener is done: the loaded machine's worst case."""
    runner = app_server.runtime.app.listener_runner
    pool = runner.listener_executor

    class DoneBeforeLooking:
        def submit(self, fn: Callable[[], None]) -> Future[None]:
            future = pool.submit(fn)
            wait([future], timeout=10)
            return future

    monkeypatch.setattr(runner, "listener_executor", DoneBeforeLooking())

    @app_server.runtime.app.command("/boom")
    def boom(ack: Ack) -> None:
        ack()
        raise RuntimeError("late")

    response = app_server.slash_command("x", command="/boom")
    assert (response.status_code, response.text) == (200, "")
    [reply] = app_server.fake.wait_for("response_url")
    assert "error id" in reply.params["text"]


# a full work queue ---------------------------------------------------------------------------


@pytest.fixture
def e2e_settings(fake_slack: FakeSlack, tmp_path: Path) -> Settings:
    """One worker and no waiting room, over a small demo, so a second command finds it full."""
    settings = cs_settings(fake_slack, tmp_path / "busy.sqlite3")
    settings = settings.model_copy(update={"work_workers": 1, "work_queue": 0})
    load_demo_db(settings, groups=7, days=40)
    return settings


def test_a_full_queue_tells_the_person_to_try_again(app_server: AppServer) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_dm(call: Call) -> dict[str, Any]:  # holds the only worker (and the fake's lock)
        entered.set()
        release.wait(10)
        return {"ok": True, "channel": {"id": "D0000000001"}}

    app_server.fake.answer("conversations.open", slow_dm)
    assert app_server.slash_command("Acme private").text == ""
    assert entered.wait(10)
    busy = app_server.slash_command("Acme")
    release.set()
    assert busy.json() == {"text": BUSY_MESSAGE, "response_type": "ephemeral"}
    app_server.fake.wait_for("chat.postMessage")
    assert app_server.runtime.services.work.wait_idle(10)
    assert [c.params["channel"] for c in app_server.fake.calls_to("chat.postMessage")] == [
        "D0000000001"
    ]
