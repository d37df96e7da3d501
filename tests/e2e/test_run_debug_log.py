"""`csbot run --http` at CSBOT_LOG_LEVEL=DEBUG: a card, a card answered through its response
URL, a ticket, a meeting and a note, each carrying a marker, with marked credentials. Nothing
of it may reach the log: no token, no secret, no response URL, no word anyone typed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e import fakeslack_methods
from tests.e2e.cli_forms import ACME, CHANNEL, log_meeting, log_note, log_ticket
from tests.e2e.cli_run import RunningCsbot, csbot_run, run_csbot, user_env
from tests.e2e.fakeslack import Call, FakeSlack

MARK = "q7zmark"  # lower case, as it would appear in a URL, a body or a log line
BOT_TOKEN = f"xoxb-{MARK}-bot-token"
APP_TOKEN = f"xapp-{MARK}-app-token"
SIGNING_SECRET = f"{MARK}-signing-secret"
WEBHOOK_SECRET = f"{MARK}-webhook-secret"
SYNC_TOKEN = f"{MARK}-sync-token"
NOT_A_MEMBER = "C0000000099"


def _cards(csbot: RunningCsbot) -> None:
    """A card posted in the channel, and one where the bot is not a member: it comes back
    privately through the command's response URL."""
    fake = csbot.fake
    fake.answer("chat.postMessage", _not_in(NOT_A_MEMBER, fake))
    url = fake.response_url(f"{MARK}-a")
    assert csbot.slash_command(f"health {ACME} 30d", response_url=url).status_code == 200
    fake.wait_for("chat.postMessage", where=lambda c: c.params["channel"] == CHANNEL, timeout=30)
    url = fake.response_url(f"{MARK}-b")
    answer = csbot.slash_command(f"support {ACME}", channel_id=NOT_A_MEMBER, response_url=url)
    assert answer.status_code == 200
    [answered] = fake.wait_for("response_url", timeout=30)
    assert answered.path.endswith(f"{MARK}-b")


def _not_in(channel: str, fake: FakeSlack) -> Callable[[Call], dict[str, Any]]:
    """chat.postMessage as usual, but `not_in_channel` for `channel`."""

    def answer(call: Call) -> dict[str, Any]:
        if call.params.get("channel") == channel:
            return {"ok": False, "error": "not_in_channel"}
        return fakeslack_methods.api(fake.state, call, base_url=fake.url)

    return answer


def test_debug_logs_no_secret_response_url_or_typed_text(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    env = user_env(
        fake_slack,
        f"sqlite:///{tmp_path / 'csbot.sqlite3'}",
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        CSBOT_WEBHOOK_SECRET=WEBHOOK_SECRET,
        CSBOT_SYNC_TOKEN=SYNC_TOKEN,
        CSBOT_LOG_LEVEL="DEBUG",
    )
    run_csbot(["demo", "--groups", "5", "--days", "60"], env)
    with csbot_run(env, fake_slack) as csbot:
        _cards(csbot)
        log_ticket(csbot, subject=f"Claims export {MARK} subject", description=f"{MARK} body")
        log_meeting(csbot, notes=f"Met about {MARK} notes")
        log_note(csbot, text=f"Staffing {MARK} note")
    log_text = csbot.log_text()
    assert " DEBUG csbot." in log_text  # csbot's own debug lines are there: the level was on
    assert MARK not in log_text.lower(), [line for line in log_text.splitlines() if MARK in line]
