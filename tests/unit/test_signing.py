"""The test signer reproduces Slack's published signatures, so signed e2e tests mean something."""

from __future__ import annotations

from pathlib import Path

from slack_sdk.signature import SignatureVerifier

from tests.e2e.slackreq import Samples, form_body, sign, signed_headers

DOCS_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
DOCS_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmi"
    "bIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)


def test_docs_known_answer() -> None:
    assert (
        sign(DOCS_SECRET, 1531420618, DOCS_BODY.encode())
        == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )


def test_samples_known_answer(shared_dir: Path) -> None:
    body = Samples(shared_dir / "slack-samples").slash_command_bytes()
    assert len(body) == 432
    assert (
        sign("fake-signing-secret", "1700000000", body)
        == "v0=7478ffa84ea50845418b66d668c607d2fdeef14d0789cd0be38dd54bfc9971d9"
    )


def test_rebuilt_sample_is_byte_identical(shared_dir: Path) -> None:
    samples = Samples(shared_dir / "slack-samples")
    assert samples.slash_command("health Acme 30d") == samples.slash_command_bytes()


def test_replaced_text_is_encoded_as_slack_does(shared_dir: Path) -> None:
    body = Samples(shared_dir / "slack-samples").slash_command("log ticket Dr. O'Brien & Co/2")
    assert b"&text=log+ticket+Dr.+O%27Brien+%26+Co%2F2&" in body
    assert form_body({"t": "a~b-c_d.e"}) == b"t=a~b-c_d.e"


def test_headers_verify_with_slack_sdk() -> None:
    body = b'{"type":"url_verification","challenge":"abc"}'
    headers = signed_headers("s3cret", body, "application/json")
    assert SignatureVerifier("s3cret").is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)
