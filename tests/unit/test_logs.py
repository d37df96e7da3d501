"""csbot's log handler: libraries capped below csbot's own DEBUG, secrets redacted everywhere."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from csbot.config import load_settings
from csbot.logs import (
    FORMAT,
    THIRD_PARTY_CAPS,
    RedactingFormatter,
    configure_logging,
    is_csbots,
    redact,
    secrets_of,
)


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
    formatter = RedactingFormatter(FORMAT, secrets=["zz-secret", "abc-zz-secret", "abcde"])
    try:
        raise ValueError("bad signature abc-zz-secret")
    except ValueError:
        record = logging.LogRecord(
            "csbot.x", logging.ERROR, __file__, 1, "posting with %s to %s", None, sys.exc_info()
        )
    record.args = ("xoxb-1-2-3", "https://hooks.slack.com/app/T0/1/s")
    first, *traceback = formatter.format(record).splitlines()
    assert re.fullmatch(
        r"\S+ \S+ ERROR csbot.x posting with \[slack-token] to \[response-url]", first
    )
    assert traceback[-1] == "ValueError: bad signature [secret]"  # the longer secret first
    # five characters are too few to redact without mangling words; six are enough
    assert formatter.secrets == ("abc-zz-secret", "zz-secret")
    assert RedactingFormatter(FORMAT, secrets=["abcdef"]).secrets == ("abcdef",)


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


@contextmanager
def bare_logging() -> Iterator[logging.Logger]:
    """The root logger as `csbot` finds it at start (no handler), put back afterwards: pytest's
    handlers (attached once the test runs), its DEBUG level and every logger's level."""
    root = logging.getLogger()
    names = ["", *THIRD_PARTY_CAPS]
    levels = {name: logging.getLogger(name).level for name in names}
    handlers, root.handlers = root.handlers, []
    try:
        yield root
    finally:
        root.handlers = handlers
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)  # also clears logging's level cache


def _log_one_of_each() -> None:
    logging.getLogger("csbot.commands.pipeline").debug("answered /cs with sig-secret-1")
    logging.getLogger("csbot").debug("bolt's listener logger")
    for name in ("slack_sdk.webhook.client", "csbot.slack_api", "csbot.bolt", "csbot:Runner",
                 "urllib3.connectionpool", "apscheduler.scheduler", "other.library"):  # fmt: skip
        logging.getLogger(name).debug("DEBUG-BODY from %s", name)
        logging.getLogger(name).info("info from %s", name)
    for name in ("sqlalchemy.engine.Engine", "httpx", "alembic.runtime.migration"):
        logging.getLogger(name).info("INFO-PARAMS from %s", name)
        logging.getLogger(name).warning("warning from %s", name)


LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING) \S+ .+")


def test_configure_logging_caps_libraries_and_keeps_csbots_debug(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As `csbot` starts: csbot's DEBUG is kept, no library's; secrets are redacted."""
    with bare_logging() as root:
        configure_logging("DEBUG", secrets=["sig-secret-1"])
        assert len(root.handlers) == 1 and root.level == logging.DEBUG
        levels = {name: logging.getLogger(name).level for name in THIRD_PARTY_CAPS}
        _log_one_of_each()
    assert levels["slack_sdk"] == levels["csbot.slack_api"] == logging.INFO  # slack_sdk reads it
    assert levels["sqlalchemy"] == levels["httpx"] == levels["alembic"] == logging.WARNING
    err = capsys.readouterr().err
    assert all(LINE.fullmatch(line) for line in err.splitlines()), err
    assert " DEBUG csbot.commands.pipeline answered /cs with [secret]" in err
    assert " DEBUG csbot bolt's listener logger" in err
    assert "DEBUG-BODY" not in err and "INFO-PARAMS" not in err, err
    assert err.count(" INFO ") == 7 and err.count(" WARNING ") == 3, err


def test_at_warning_libraries_are_not_turned_up() -> None:
    with bare_logging():
        configure_logging("WARNING")
        levels = {logging.getLogger(name).level for name in THIRD_PARTY_CAPS}
    assert levels == {logging.WARNING}


def test_a_configured_logging_is_left_alone() -> None:
    mine = logging.NullHandler()
    with bare_logging() as root:
        root.addHandler(mine)
        configure_logging("ERROR")
        assert root.handlers == [mine]
        assert logging.getLogger("slack_sdk").level == logging.NOTSET
