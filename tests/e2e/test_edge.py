"""The HTTP edge: health, routing, Slack signature checks, and `csbot run` as people start it."""

from __future__ import annotations

import json
import time

from tests.e2e.conftest import SIGNING_SECRET, AppServer
from tests.e2e.fakeslack import FakeSlack
from tests.e2e.slackreq import FORM, JSON, Samples, event_body


def test_healthz_is_ok(app_server: AppServer) -> None:
    response = app_server.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_path_is_404_and_wrong_method_405(app_server: AppServer) -> None:
    assert app_server.get("/nope").status_code == 404
    assert app_server.get("/slack/events").status_code == 405
    assert app_server.http.post(app_server.url + "/healthz").status_code == 405


def test_url_verification_returns_the_challenge(
    app_server: AppServer, slack_samples: Samples
) -> None:
    sample = slack_samples.json("url_verification.json")
    response = app_server.event(sample)
    assert response.status_code == 200
    assert response.json() == {"challenge": sample["challenge"]}


def test_wrong_signature_is_401_and_nothing_reaches_slack(
    app_server: AppServer, slack_samples: Samples
) -> None:
    body = slack_samples.slash_command("health Acme 30d")
    response = app_server.post_signed(body, FORM, secret="not-" + SIGNING_SECRET)
    assert response.status_code == 401
    assert app_server.fake.calls == []


def test_tampered_body_is_401(app_server: AppServer, slack_samples: Samples) -> None:
    challenge = slack_samples.json("url_verification.json")
    signed = app_server.post_signed(event_body(challenge), JSON)
    assert signed.status_code == 200
    headers = {
        k: v
        for k, v in signed.request.headers.items()
        if k.startswith("x-slack-") or k == "content-type"
    }
    tampered = event_body({**challenge, "challenge": "forged"})
    url = app_server.url + "/slack/events"
    response = app_server.http.post(url, content=tampered, headers=headers)
    assert response.status_code == 401


def test_stale_timestamp_is_401(app_server: AppServer, slack_samples: Samples) -> None:
    body = event_body(slack_samples.json("url_verification.json"))
    six_minutes_ago = int(time.time()) - 6 * 60
    response = app_server.post_signed(body, JSON, timestamp=six_minutes_ago)
    assert response.status_code == 401
    assert app_server.fake.calls == []


def test_ssl_check_probe_is_answered(app_server: AppServer) -> None:
    response = app_server.post_signed(b"ssl_check=1&token=fake-verification-token", FORM)
    assert response.status_code == 200


def test_fake_slack_answers_files_upload_v2_end_to_end(fake_slack: FakeSlack) -> None:
    from slack_sdk import WebClient

    client = WebClient(token="xoxb-x", base_url=fake_slack.api_url)
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    result = client.files_upload_v2(channel="C0000000001", content=png, filename="chart.png")
    assert result["file"]["size"] == len(png)
    assert fake_slack.state.uploads[result["file"]["id"]] == png
    methods = [c.method for c in fake_slack.calls]
    assert methods == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]


def test_fake_slack_records_json_and_form_params(fake_slack: FakeSlack) -> None:
    from slack_sdk import WebClient

    client = WebClient(token="xoxb-x", base_url=fake_slack.api_url)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
    posted = client.chat_postMessage(channel="C1", text="hi", blocks=blocks)
    client.chat_update(channel="C1", ts=posted["ts"], text="bye")
    call = fake_slack.calls_to("chat.postMessage")[0]
    assert call.json_param("blocks") == blocks
    assert call.token == "xoxb-x"
    assert [m["text"] for m in fake_slack.messages("C1")] == ["bye"]
    assert json.loads(fake_slack.calls_to("chat.update")[0].body)["ts"] == posted["ts"]
