"""The Web API client retries what Slack asks it to, as long as Slack asks, and no longer."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from csbot.config import Settings, load_settings
from csbot.errors import ConfigError
from csbot.slack.webclient import CONNECTION_RETRIES, RATE_LIMIT_RETRIES, make_web_client
from tests.e2e.fakeslack import FakeSlack


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def client(e2e_settings: Settings, waits: list[float]) -> WebClient:
    return make_web_client(e2e_settings, sleep=waits.append)


def test_429_is_retried_after_retry_after(
    client: WebClient, fake_slack: FakeSlack, waits: list[float]
) -> None:
    fake_slack.fail("chat.postMessage", status=429, retry_after=7, times=2)
    result = client.chat_postMessage(channel="C0000000001", text="hello")
    assert result["ok"]
    assert waits == [7.0, 7.0]
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [429, 429, 200]
    assert [m["text"] for m in fake_slack.messages("C0000000001")] == ["hello"]


def test_rate_limit_retries_are_bounded(
    client: WebClient, fake_slack: FakeSlack, waits: list[float]
) -> None:
    fake_slack.fail("chat.postMessage", status=429, retry_after=1, times=10)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0000000001", text="hello")
    assert raised.value.response.status_code == 429
    assert len(fake_slack.calls_to("chat.postMessage")) == RATE_LIMIT_RETRIES + 1
    assert fake_slack.messages("C0000000001") == []


def test_long_retry_after_is_left_to_the_caller(
    client: WebClient, fake_slack: FakeSlack, waits: list[float]
) -> None:
    fake_slack.fail("chat.postMessage", status=429, retry_after=3600)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0000000001", text="hello")
    assert waits == []


def test_server_errors_back_off_then_succeed(
    client: WebClient, fake_slack: FakeSlack, waits: list[float]
) -> None:
    fake_slack.fail("chat.update", status=503, times=2)
    assert client.chat_update(channel="C0000000001", ts="1700000000.000001", text="x")["ok"]
    assert len(waits) == 2
    assert waits[0] < waits[1]  # exponential backoff: [0.25, 0.5) then [0.5, 1.0)


def test_a_dropped_connection_is_retried_with_waits_recorded_not_slept(
    client: WebClient, fake_slack: FakeSlack, waits: list[float]
) -> None:
    fake_slack.fail("chat.postMessage", drop=True, times=CONNECTION_RETRIES)
    result = client.chat_postMessage(channel="C0000000001", text="hello")
    assert result["ok"]
    assert len(waits) == CONNECTION_RETRIES
    assert all(w > 0 for w in waits)
    statuses = [c.status for c in fake_slack.calls_to("chat.postMessage")]
    assert statuses == [0] * CONNECTION_RETRIES + [200]  # 0: dropped without an answer
    assert [m["text"] for m in fake_slack.messages("C0000000001")] == ["hello"]


def test_connection_retries_are_bounded(
    client: WebClient, fake_slack: FakeSlack, waits: list[float]
) -> None:
    fake_slack.fail("chat.postMessage", drop=True, times=10)
    with pytest.raises(ConnectionError):
        client.chat_postMessage(channel="C0000000001", text="hello")
    assert len(fake_slack.calls_to("chat.postMessage")) == CONNECTION_RETRIES + 1
    assert len(waits) == CONNECTION_RETRIES
    assert fake_slack.messages("C0000000001") == []


def test_slack_errors_are_not_retried(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", error="not_in_channel")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0000000001", text="hello")
    assert raised.value.response["error"] == "not_in_channel"
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_every_kth_call_fails(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.fail("users.info", error="user_not_found", every=2, times=None)
    outcomes = []
    for _ in range(4):
        try:
            outcomes.append(client.users_info(user="U0000000001")["ok"])
        except SlackApiError:
            outcomes.append(False)
    assert outcomes == [True, False, True, False]


def test_client_needs_a_bot_token() -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        make_web_client(load_settings())
