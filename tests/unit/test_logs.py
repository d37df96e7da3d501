"""csbot's log handler: libraries capped below csbot's own DEBUG, secrets redacted everywhere."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest

from csbot.config import load_settings
from csbot.logs import FORMAT, RedactingFormatter, is_csbots, redact, secrets_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("token xoxb-123-456-abcDEF here", "token [slack-token] here"),
        ("app xapp-1-A0-99-ff0e", "app [slack-token]"),
        ("user xoxp-1-2-3, bot xoxe.xoxb-9", "user [slack-token], bot xoxe.[slack-token]"),
        (
            "POST https://hooks.slack.com/commands/T0/1111/fakeSecret0001 failed",
            "POST [response-url] failed",
        ),
        ("url: https://hooks.slack-gov.com/actions/T0/1/x", "url: [response-url]"),
        ("postgresql://csbot:s3cr3t@db:5432/csbot", "postgresql://csbot:[secret]@db:5432/csbot"),
        ("the signing secret is sssh-longer", "the signing secret is [secret]"),
        (
            "nothing to hide: xoxo-gossip, slack.com/api",
            "nothing to hide: xoxo-gossip, slack.com/api",
        ),
    ],
)
def test_redact(text: str, expected: str) -> None:
    assert redact(text, ["sssh-longer"]) == expected


def test_the_formatter_redacts_messages_arguments_and_tracebacks() -> None:
    formatter = RedactingFormatter(FORMAT, secrets=["sig-secret-1", "abc"])
    try:
        raise ValueError("bad signature sig-secret-1")
    except ValueError:
        record = logging.LogRecord(
            "csbot.x", logging.ERROR, __file__, 1, "posting with %s to %s", None, sys.exc_info()
        )
    record.args = ("xoxb-1-2-3", "https://hooks.slack.com/app/T0/1/s")
    text = formatter.format(record)
    assert "posting with [slack-token] to [response-url]" in text
    assert "ValueError: bad signature [secret]" in text and "sig-secret-1" not in text
    assert "abc" not in formatter.secrets  # too short to redact without mangling words


@pytest.mark.parametrize(
    ("name", "ours"),
    [
        ("csbot", True),
        ("csbot.commands.pipeline", True),
        ("csbot.slack_api", False),
        ("csbot.bolt", False),
        ("csbot:ListenerRunner", False),
        ("csbotx", False),
        ("slack_sdk.web.base_client", False),
    ],
)
def test_which_loggers_are_csbots_own(name: str, ours: bool) -> None:
    assert is_csbots(name) is ours


def test_every_secret_setting_is_redacted() -> None:
    settings = load_settings(
        SLACK_BOT_TOKEN="xoxb-b",
        SLACK_APP_TOKEN="xapp-a",
        SLACK_SIGNING_SECRET="signing",
        CSBOT_WEBHOOK_SECRET="webhook",
        CSBOT_SYNC_TOKEN="sync",
    )
    assert sorted(secrets_of(settings)) == ["signing", "sync", "webhook", "xapp-a", "xoxb-b"]


PROGRAM = textwrap.dedent(
    """
    import logging
    from csbot.logs import configure_logging

    configure_logging("DEBUG", secrets=["sig-secret-1"])
    logging.getLogger("csbot.commands.pipeline").debug("answered /cs with sig-secret-1")
    logging.getLogger("csbot").debug("bolt's listener logger")
    for name in ("slack_sdk.webhook.client", "csbot.slack_api", "csbot.bolt", "csbot:Runner",
                 "urllib3.connectionpool", "apscheduler.scheduler", "other.library"):
        logging.getLogger(name).debug("DEBUG-BODY from " + name)
        logging.getLogger(name).info("info from " + name)
    for name in ("sqlalchemy.engine.Engine", "httpx", "alembic.runtime.migration"):
        logging.getLogger(name).info("INFO-PARAMS from " + name)
        logging.getLogger(name).warning("warning from " + name)
    print(logging.getLogger("slack_sdk").level, logging.getLogger("csbot.slack_api").level)
    """
)


def test_configure_logging_caps_libraries_and_keeps_csbots_debug() -> None:
    """In a fresh interpreter, as `csbot` starts: csbot's DEBUG is kept, no library's is."""
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["20", "20"]  # slack_sdk checks its logger's own level
    err = done.stderr
    assert " DEBUG csbot.commands.pipeline answered /cs with [secret]" in err
    assert " DEBUG csbot bolt's listener logger" in err
    assert "DEBUG-BODY" not in err and "INFO-PARAMS" not in err, err
    assert err.count(" INFO ") == 7 and err.count(" WARNING ") == 3, err
