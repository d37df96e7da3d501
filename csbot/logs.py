"""csbot's logging for the `csbot` command: one stderr handler on the root logger that keeps
tokens, secrets, response URLs and what people typed out of the log, at DEBUG too.

- csbot's own loggers log at CSBOT_LOG_LEVEL.
- Every other library logs at INFO at most: at DEBUG slack_sdk and Bolt log whole request and
  response bodies (notes, ticket subjects: possibly patient data) and response URLs, urllib3
  the paths it calls. SQLAlchemy (statements with their parameters) and httpx (every URL) log
  at WARNING at most. A handler filter drops other libraries' DEBUG records too.
- The formatter redacts what might slip through anyway, in messages and tracebacks alike: the
  configured secrets, anything shaped like a Slack token, Slack response URLs, URL passwords.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from pydantic import SecretStr

from csbot.config import Settings

__all__ = [
    "FORMAT",
    "THIRD_PARTY_CAPS",
    "RedactingFormatter",
    "configure_logging",
    "is_csbots",
    "redact",
    "secrets_of",
]

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
THIRD_PARTY_CAPS = {  # logger -> the lowest level it may log at
    "slack_sdk": logging.INFO,
    "slack_bolt": logging.INFO,
    "csbot.slack_api": logging.INFO,  # slack_sdk's WebClient, under csbot's name
    "urllib3": logging.INFO,
    "httpcore": logging.INFO,
    "waitress": logging.INFO,
    "apscheduler": logging.INFO,
    "httpx": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "alembic": logging.WARNING,
}
# Library logging under csbot's names. csbot.bolt gets no level cap (the handler's filter
# drops its DEBUG records): Bolt copies its logger's level onto the logger named after the
# app, "csbot", which would turn csbot's own DEBUG off.
_NOT_OURS = ("csbot.slack_api", "csbot.bolt")
_SLACK_TOKEN = re.compile(r"\bx(?:ox[abcdeprs]|app)-[A-Za-z0-9-]+")  # bot, user, app, ... tokens
_RESPONSE_URL = re.compile(r"https://hooks\.slack(?:-gov)?\.com/\S+")
_URL_PASSWORD = re.compile(r"(://[^/\s:@]+:)[^@\s/]+@")
_MIN_SECRET = 6  # shorter "secrets" would redact ordinary words


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without the given secrets, Slack tokens, response URLs or URL passwords."""
    for secret in secrets:
        text = text.replace(secret, "[secret]")
    text = _SLACK_TOKEN.sub("[slack-token]", text)
    text = _RESPONSE_URL.sub("[response-url]", text)
    return _URL_PASSWORD.sub(r"\1[secret]@", text)


class RedactingFormatter(logging.Formatter):
    """The usual format, redacted (see `redact`) after the message and traceback are in."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        kept = {s for s in secrets if len(s) >= _MIN_SECRET}
        self.secrets = tuple(sorted(kept, key=len, reverse=True))

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def secrets_of(settings: Settings) -> list[str]:
    """Every secret setting's value (tokens, signing and webhook secrets), to redact."""
    values = (getattr(settings, name) for name in type(settings).model_fields)
    return [v.get_secret_value() for v in values if isinstance(v, SecretStr)]


def is_csbots(name: str) -> bool:
    """A logger of csbot's own code (not a library's logging under a csbot name)."""
    own = name == "csbot" or name.startswith("csbot.")
    return own and not name.startswith(_NOT_OURS)


def _own_debug_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.INFO or is_csbots(record.name)


def configure_logging(level: str, *, secrets: Iterable[str] = ()) -> None:
    """Log to stderr at `level` (DEBUG, INFO, ...), libraries capped, secrets redacted.

    Does nothing when the root logger already has a handler (a test runner or a host program
    set logging up): csbot never raises a level someone else lowered.
    """
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter(FORMAT, secrets))
    handler.addFilter(_own_debug_only)
    root.addHandler(handler)
    root.setLevel(level)
    for name, cap in THIRD_PARTY_CAPS.items():
        logging.getLogger(name).setLevel(max(root.level, cap))
