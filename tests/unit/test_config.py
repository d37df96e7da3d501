from __future__ import annotations

import pytest

from csbot.config import load_settings
from csbot.errors import ConfigError


def test_defaults_need_no_environment() -> None:
    settings = load_settings()
    assert settings.database_url.startswith("sqlite:///")
    assert settings.slack_api_url == "https://slack.com/api/"
    assert not settings.has_slack


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("CSBOT_TIMEZONE", "Mars/Base", "CSBOT_TIMEZONE: 'Mars/Base' is not a known time zone"),
        ("CSBOT_DATABASE_URL", "mysql://x", "CSBOT_DATABASE_URL: 'mysql' is not supported"),
        ("CSBOT_SLACK_API_URL", "slack.com", "CSBOT_SLACK_API_URL: 'slack.com' is not an http"),
        ("CSBOT_DAILY_AT", "25:00", "CSBOT_DAILY_AT: '25:00' is not a time"),
        ("CSBOT_DIGEST_AT", "someday 09:00", "CSBOT_DIGEST_AT: 'someday 09:00' must start"),
        ("CSBOT_RENDER_WORKERS", "0", "CSBOT_RENDER_WORKERS"),
        ("CSBOT_HTTP_CONNECTIONS", "5", "CSBOT_HTTP_CONNECTIONS: Input should be greater than or"),
        (
            "CSBOT_HTTP_IDLE_TIMEOUT",
            "0",
            "CSBOT_HTTP_IDLE_TIMEOUT: Input should be greater than or",
        ),
        ("CSBOT_HTTP_MAX_BODY", "1MB", "CSBOT_HTTP_MAX_BODY: Input should be a valid integer"),
        ("CSBOT_HTTP_THREADS", "100", "CSBOT_HTTP_THREADS: Input should be less than or equal to"),
        ("CSBOT_TEAM_CHANNELS", "East=C01", "CSBOT_TEAM_CHANNELS: must be a JSON object of CSM"),
        ("CSBOT_SYNC_ENDPOINTS", '["/t"]', "CSBOT_SYNC_ENDPOINTS: must be a JSON object of record"),
        ("CSBOT_RENEWAL_LEADS", "90,sixty", "CSBOT_RENEWAL_LEADS: 'sixty' is not a number of days"),
        ("CSBOT_RENEWAL_LEADS", "0", "CSBOT_RENEWAL_LEADS: '0' is not a number of days from 1"),
        ("CSBOT_RENEWAL_LEADS", "400", "CSBOT_RENEWAL_LEADS: '400' is not a number of days"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith(expected)


def test_secrets_never_show_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-very-secret")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "shh")
    settings = load_settings()
    assert "xoxb-very-secret" not in repr(settings)
    assert "shh" not in str(settings.model_dump())
    assert settings.has_slack


def test_api_url_gets_a_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSBOT_SLACK_API_URL", "http://127.0.0.1:8999/api")
    assert load_settings().slack_api_url == "http://127.0.0.1:8999/api/"


@pytest.mark.parametrize(
    ("value", "leads"),
    [
        ("120,90,60,30", (120, 90, 60, 30)),
        (" 30, 90 ,60,90", (90, 60, 30)),
        ("", ()),
        ("45", (45,)),
    ],
)
def test_renewal_leads_longest_first(
    monkeypatch: pytest.MonkeyPatch, value: str, leads: tuple[int, ...]
) -> None:
    monkeypatch.setenv("CSBOT_RENEWAL_LEADS", value)
    assert load_settings().renewal_lead_days == leads


def test_renewal_leads_default_to_four_months_ahead() -> None:
    assert load_settings().renewal_lead_days == (120, 90, 60, 30)
