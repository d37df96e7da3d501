"""Known answers for the webhook signature (`v1:` + timestamp + `:` + raw body, HMAC-SHA256).

Each expected hex was computed once with openssl, not with csbot, e.g. for the empty body:
`printf 'v1:1780660800:' | openssl dgst -sha256 -hmac csbot-webhook-example-secret`
(and `{ printf 'v1:1780660800:'; cat body; } | openssl dgst ...` for the others). README
("Webhooks") lists the same vectors so a sender can check their own implementation.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from csbot.webhooks import refusal, signature, signed_headers

SECRET = "csbot-webhook-example-secret"
STAMP = 1780660800
TICKET = (
    b'{"group": "CVP-001", "source": "zendesk", "external_id": "HD-7", "subject": "SSO loops", '
    b'"category": "technical", "priority": "urgent", "status": "open", '
    b'"opened_at": "2026-06-05T09:00:00Z"}'
)
ACCENTED = (  # UTF-8 on the wire: signed as those bytes, never as decoded text
    '[{"group": "CVP-001", "source": "zendesk", "external_id": "HD-8", '
    '"subject": "Café \u2013 naïve \u2713"}]'
).encode()
VECTORS = [
    (TICKET, "3b376d8271bd34014d23be1541a8295a63711de991b146b6eefd9b708b4a3602"),
    (b"", "653756b4f1cac0a3f7888eeb8fc2d56ed7bebd97bf5f0e0b4277cefef3561a69"),
    (ACCENTED, "79611d5f4e1c4222f5463c69ddde321980e592c3e64506050af87a835ac6f96a"),
]
AT = datetime.fromtimestamp(STAMP, UTC)
README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_shows_these_vectors() -> None:
    readme = README.read_text(encoding="utf-8")
    assert f"secret `{SECRET}`" in readme and f"timestamp `{STAMP}`" in readme
    for body, hexdigest in VECTORS:
        row = f"| `{body.decode()}` ({len(body)} bytes" if body else "| empty (0 bytes)"
        assert row in readme and f"`v1={hexdigest}` |" in readme


@pytest.mark.parametrize(("body", "hexdigest"), VECTORS)
def test_csbot_signs_as_openssl_computes(body: bytes, hexdigest: str) -> None:
    assert signature(SECRET, str(STAMP), body) == "v1=" + hexdigest
    assert signed_headers(SECRET, body, timestamp=STAMP) == {
        "X-Csbot-Timestamp": str(STAMP),
        "X-Csbot-Signature": "v1=" + hexdigest,
    }


@pytest.mark.parametrize(("body", "hexdigest"), VECTORS)
def test_csbot_accepts_a_sender_that_signs_as_openssl_does(body: bytes, hexdigest: str) -> None:
    headers = {"x-csbot-timestamp": str(STAMP), "x-csbot-signature": "v1=" + hexdigest}
    assert refusal(headers, body, secret=SECRET, now=AT) is None


@pytest.mark.parametrize(
    "headers",
    [
        {"x-csbot-timestamp": str(STAMP + 1), "x-csbot-signature": "v1=" + VECTORS[0][1]},
        {"x-csbot-timestamp": str(STAMP), "x-csbot-signature": "v0=" + VECTORS[0][1]},
        {"x-csbot-timestamp": str(STAMP), "x-csbot-signature": VECTORS[0][1]},
        {"x-csbot-timestamp": str(STAMP), "x-csbot-signature": "v1=" + VECTORS[1][1]},
    ],
    ids=["another timestamp", "another version", "no version", "another body's"],
)
def test_a_signature_of_anything_else_is_refused(headers: dict[str, str]) -> None:
    reason = refusal(headers, TICKET, secret=SECRET, now=AT)
    assert reason == "the signature does not match the body and timestamp"


def test_another_secret_is_refused() -> None:
    headers = {"x-csbot-timestamp": str(STAMP), "x-csbot-signature": "v1=" + VECTORS[0][1]}
    reason = refusal(headers, TICKET, secret=SECRET + "x", now=AT)
    assert reason == "the signature does not match the body and timestamp"
