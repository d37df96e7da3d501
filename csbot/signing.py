"""Timestamped HMAC request signatures, checked on the raw body bytes before anything parses them.

Slack signs `v0:{timestamp}:{body}` and csbot's webhook senders `v1:{timestamp}:{body}`, both
HMAC-SHA256 under a shared secret, hex, prefixed with the version (`v0=…`). A request more than
five minutes off the clock is refused, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["MAX_AGE_SECONDS", "SLACK", "WEBHOOK", "Scheme"]

MAX_AGE_SECONDS = 300


@dataclass(frozen=True)
class Scheme:
    """One signing scheme: its version tag and the two headers that carry timestamp and
    signature (named as senders write them; looked up lower-case)."""

    version: str
    timestamp_header: str
    signature_header: str

    def sign(self, secret: str, timestamp: str, body: bytes) -> str:
        """`{version}=<hex HMAC-SHA256(secret, "{version}:" + timestamp + ":" + body)>`."""
        message = self.version.encode() + b":" + timestamp.encode() + b":" + body
        digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
        return f"{self.version}={digest}"

    def refusal(
        self, headers: Mapping[str, str], body: bytes, *, secret: str, now: float
    ) -> str | None:
        """Why the request is not authentic (for a 401), or None when it is. `now`: Unix time."""
        stamp = headers.get(self.timestamp_header.lower())
        given = headers.get(self.signature_header.lower())
        if not stamp or not given:
            return f"unsigned: send {self.timestamp_header} and {self.signature_header}"
        if not stamp.isascii() or not stamp.isdigit():
            return f"{self.timestamp_header} must be Unix seconds"
        if abs(now - int(stamp)) > MAX_AGE_SECONDS:
            return (
                f"stale: {self.timestamp_header} is more than 5 minutes from now; check the clock"
            )
        expected = self.sign(secret, stamp, body)
        if not hmac.compare_digest(given.strip().encode(), expected.encode()):
            return "the signature does not match the body and timestamp"
        return None


SLACK = Scheme("v0", "X-Slack-Request-Timestamp", "X-Slack-Signature")
WEBHOOK = Scheme("v1", "X-Csbot-Timestamp", "X-Csbot-Signature")
