"""csbot's own check of Slack's request signature (csbot.signing.SLACK), on raw body bytes.

Known answers: Slack's documented example, and vectors computed with openssl, e.g.
`printf 'v0:1700000000:\\xff\\xfe' | openssl dgst -sha256 -hmac csbot-known-answer-secret`.
"""

from __future__ import annotations

import pytest

from csbot.signing import SLACK

DOCS_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
DOCS_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmi"
    b"bIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
DOCS_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
SECRET = "csbot-known-answer-secret"
STAMP = 1_700_000_000
VECTORS = [
    (b"payload=%7B%22type%22%3A%22block_actions%22%7D",
     "v0=0f1f1019d7fb077b99d27b0caa21cd77941ce9faff23e704ac4c8cbbbacbd6be"),
    (b"\xff\xfe",  # not UTF-8: signed and checked as bytes, never decoded first
     "v0=fa6a243fd69119fae7e156b7c0dedb4ce13b1efa78c545328fa5fedc0b858eff"),
]  # fmt: skip


def _headers(stamp: int | str, signature: str) -> dict[str, str]:
    return {"x-slack-request-timestamp": str(stamp), "x-slack-signature": signature}


def test_slacks_documented_example() -> None:
    assert SLACK.sign(DOCS_SECRET, "1531420618", DOCS_BODY) == DOCS_SIGNATURE
    headers = _headers(1531420618, DOCS_SIGNATURE)
    assert SLACK.refusal(headers, DOCS_BODY, secret=DOCS_SECRET, now=1531420618.0) is None


@pytest.mark.parametrize(("body", "expected"), VECTORS)
def test_openssl_vectors(body: bytes, expected: str) -> None:
    assert SLACK.sign(SECRET, str(STAMP), body) == expected
    assert SLACK.refusal(_headers(STAMP, expected), body, secret=SECRET, now=STAMP) is None


@pytest.mark.parametrize(
    ("headers", "now", "reason"),
    [
        ({}, STAMP, "unsigned: send X-Slack-Request-Timestamp and X-Slack-Signature"),
        ({"x-slack-signature": VECTORS[0][1]}, STAMP,
         "unsigned: send X-Slack-Request-Timestamp and X-Slack-Signature"),
        ({"x-slack-request-timestamp": str(STAMP)}, STAMP,
         "unsigned: send X-Slack-Request-Timestamp and X-Slack-Signature"),
        (_headers("17e8", VECTORS[0][1]), STAMP, "X-Slack-Request-Timestamp must be Unix seconds"),
        (_headers("\u0661\u0667", VECTORS[0][1]), STAMP,  # Arabic-Indic digits
         "X-Slack-Request-Timestamp must be Unix seconds"),
        (_headers(STAMP, VECTORS[0][1]), STAMP + 301,
         "stale: X-Slack-Request-Timestamp is more than 5 minutes from now; check the clock"),
        (_headers(STAMP, VECTORS[0][1]), STAMP - 301,
         "stale: X-Slack-Request-Timestamp is more than 5 minutes from now; check the clock"),
        (_headers(STAMP, VECTORS[1][1]), STAMP,
         "the signature does not match the body and timestamp"),
        (_headers(STAMP + 1, VECTORS[0][1]), STAMP,
         "the signature does not match the body and timestamp"),
    ],
)  # fmt: skip
def test_refusals_say_why(headers: dict[str, str], now: int, reason: str) -> None:
    assert SLACK.refusal(headers, VECTORS[0][0], secret=SECRET, now=now) == reason


@pytest.mark.parametrize("offset", [-300, 300])
def test_five_minutes_either_way_is_still_fresh(offset: int) -> None:
    body, signature = VECTORS[0]
    assert (
        SLACK.refusal(_headers(STAMP, signature), body, secret=SECRET, now=STAMP + offset) is None
    )


def test_another_secret_does_not_verify() -> None:
    body, signature = VECTORS[0]
    refused = SLACK.refusal(_headers(STAMP, signature), body, secret=SECRET + "x", now=STAMP)
    assert refused == "the signature does not match the body and timestamp"
