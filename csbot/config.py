"""Settings from the environment (and an optional `.env`). The only module that reads either."""

from __future__ import annotations

import json
import os
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from csbot.errors import ConfigError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_SLACK_ID_RE = re.compile(r"^[UWS][A-Z0-9]{2,}$")
MAX_LEAD_DAYS = 365


def _parse_hhmm(value: str) -> time:
    match = _TIME_RE.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a time; use HH:MM in 24-hour form, e.g. 06:00")
    return time(int(match.group(1)), int(match.group(2)))


def _json_object(value: Any, of_what: str) -> Any:
    """An env string holding a JSON object, parsed (empty: {}); other values pass to pydantic."""
    if not isinstance(value, str):
        return value
    try:
        parsed = json.loads(value) if value.strip() else {}
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ValueError(f"must be a JSON object of {of_what}")
    return parsed


class Settings(BaseSettings):
    """Everything csbot needs to know about where it runs. Bad values fail at start-up."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    database_url: str = Field(
        default="sqlite:///csbot.sqlite3", validation_alias="CSBOT_DATABASE_URL"
    )
    slack_bot_token: SecretStr | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(
        default=None, validation_alias="SLACK_SIGNING_SECRET"
    )
    slack_app_token: SecretStr | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(
        default=DEFAULT_SLACK_API_URL, validation_alias="CSBOT_SLACK_API_URL"
    )
    timezone: str = Field(default="UTC", validation_alias="CSBOT_TIMEZONE")
    default_channel: str | None = Field(default=None, validation_alias="CSBOT_DEFAULT_CHANNEL")
    scoring_config: Path | None = Field(default=None, validation_alias="CSBOT_SCORING_CONFIG")
    daily_at: str = Field(default="06:00", validation_alias="CSBOT_DAILY_AT")
    digest_at: str = Field(default="mon 09:00", validation_alias="CSBOT_DIGEST_AT")
    render_workers: int = Field(
        default_factory=lambda: max(1, os.cpu_count() or 1),
        ge=1,
        le=32,
        validation_alias="CSBOT_RENDER_WORKERS",
    )
    work_workers: int = Field(default=4, ge=1, le=64, validation_alias="CSBOT_WORK_WORKERS")
    work_queue: int = Field(default=256, ge=0, le=10_000, validation_alias="CSBOT_WORK_QUEUE")
    log_level: str = Field(default="INFO", validation_alias="CSBOT_LOG_LEVEL")
    shutdown_grace: float = Field(
        default=8.0, gt=0, le=600, validation_alias="CSBOT_SHUTDOWN_GRACE"
    )  # seconds csbot run takes to stop after SIGTERM; Docker kills after 10
    # The HTTP server (csbot.server): what one process takes before it refuses or closes.
    http_threads: int = Field(default=8, ge=1, le=64, validation_alias="CSBOT_HTTP_THREADS")
    http_connections: int = Field(
        default=1000, ge=10, le=10_000, validation_alias="CSBOT_HTTP_CONNECTIONS"
    )
    http_idle_timeout: int = Field(
        default=30, ge=1, le=3600, validation_alias="CSBOT_HTTP_IDLE_TIMEOUT"
    )
    http_max_body: int = Field(
        default=1024 * 1024, ge=64 * 1024, le=64 * 1024 * 1024,
        validation_alias="CSBOT_HTTP_MAX_BODY",
    )  # fmt: skip
    # Alerts: routing (group's channel, else its CSM team's, else the default) and noise control.
    team_channels: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, validation_alias="CSBOT_TEAM_CHANNELS"
    )
    alert_margin: float = Field(default=2.0, ge=0, le=20, validation_alias="CSBOT_ALERT_MARGIN")
    alert_days: int = Field(default=1, ge=1, le=14, validation_alias="CSBOT_ALERT_DAYS")
    # Renewal reminders: days before a group's renewal date (empty: none).
    renewal_leads: str = Field(default="120,90,60,30", validation_alias="CSBOT_RENEWAL_LEADS")
    scheduler: bool = Field(default=True, validation_alias="CSBOT_SCHEDULER")
    # Roles (csbot.slack.permissions): Slack user ids (U.../W...) or user-group ids (S...),
    # comma-separated. Everyone else in the workspace is a member.
    admins: str = Field(default="", validation_alias="CSBOT_ADMINS")
    leads: str = Field(default="", validation_alias="CSBOT_LEADS")
    # Real data in (csbot.store.sync, csbot.webhooks): the customer platform's REST API.
    sync_url: str | None = Field(default=None, validation_alias="CSBOT_SYNC_URL")
    sync_token: SecretStr | None = Field(default=None, validation_alias="CSBOT_SYNC_TOKEN")
    sync_endpoints: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=dict, validation_alias="CSBOT_SYNC_ENDPOINTS"
    )
    sync_kinds: str = Field(default="", validation_alias="CSBOT_SYNC_KINDS")
    sync_before_recompute: bool = Field(
        default=False, validation_alias="CSBOT_SYNC_BEFORE_RECOMPUTE"
    )
    sync_timeout: float = Field(default=30.0, gt=0, le=600, validation_alias="CSBOT_SYNC_TIMEOUT")
    webhook_secret: SecretStr | None = Field(default=None, validation_alias="CSBOT_WEBHOOK_SECRET")

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres")):
            raise ValueError(
                f"{value.split(':', 1)[0]!r} is not supported; use sqlite:///path.sqlite3 "
                "or postgresql://user@host:5432/dbname"
            )
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL, e.g. https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a known time zone; use an IANA name such as Europe/Berlin"
            ) from None
        return value

    @field_validator("team_channels", mode="before")
    @classmethod
    def _team_channels(cls, value: Any) -> Any:
        return _json_object(value, 'CSM team to channel id, e.g. {"Team East": "C0123ABCD"}')

    @field_validator("sync_url")
    @classmethod
    def _sync_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL, e.g. https://api.example.com")
        return value.rstrip("/") if value else None

    @field_validator("sync_endpoints", mode="before")
    @classmethod
    def _sync_endpoints(cls, value: Any) -> Any:
        return _json_object(value, 'record kind to path, e.g. {"tickets": "/v2/tickets"}')

    @field_validator("daily_at")
    @classmethod
    def _daily(cls, value: str) -> str:
        _parse_hhmm(value)
        return value

    @field_validator("digest_at")
    @classmethod
    def _digest(cls, value: str) -> str:
        day, _, hhmm = value.strip().lower().partition(" ")
        if day not in _WEEKDAYS:
            raise ValueError(
                f"{value!r} must start with a weekday ({', '.join(_WEEKDAYS)}), e.g. 'mon 09:00'"
            )
        _parse_hhmm(hhmm)
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        allowed = ("DEBUG", "INFO", "WARNING", "ERROR")
        if value.upper() not in allowed:
            raise ValueError(f"{value!r} is not a log level; use one of {', '.join(allowed)}")
        return value.upper()

    @field_validator("renewal_leads")
    @classmethod
    def _renewal_leads(cls, value: str) -> str:
        _parse_leads(value)
        return value

    @field_validator("admins", "leads")
    @classmethod
    def _slack_ids(cls, value: str) -> str:
        for item in _split_ids(value):
            if not _SLACK_ID_RE.match(item):
                raise ValueError(
                    f"{item!r} is not a Slack user id (U... or W...) or user-group id (S...); "
                    "copy it from the person's profile (More > Copy member ID), comma-separated"
                )
        return value

    @property
    def admin_ids(self) -> tuple[str, ...]:
        return _split_ids(self.admins)

    @property
    def lead_ids(self) -> tuple[str, ...]:
        return _split_ids(self.leads)

    @property
    def renewal_lead_days(self) -> tuple[int, ...]:
        """Lead times of renewal reminders, longest first; () when they are off."""
        return _parse_leads(self.renewal_leads)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def daily_time(self) -> time:
        return _parse_hhmm(self.daily_at)

    @property
    def digest_schedule(self) -> tuple[str, time]:
        day, _, hhmm = self.digest_at.strip().lower().partition(" ")
        return day, _parse_hhmm(hhmm)

    @property
    def has_slack(self) -> bool:
        return self.slack_bot_token is not None and (
            self.slack_signing_secret is not None or self.slack_app_token is not None
        )


def _parse_leads(value: str) -> tuple[int, ...]:
    days = set()
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        if not item.isdigit() or not 1 <= int(item) <= MAX_LEAD_DAYS:
            raise ValueError(
                f"{item!r} is not a number of days from 1 to {MAX_LEAD_DAYS}; give the days "
                "before a renewal to remind at, comma-separated, e.g. 120,90,60,30 "
                "(empty: no renewal reminders)"
            )
        days.add(int(item))
    return tuple(sorted(days, reverse=True))


def _split_ids(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item.strip() for item in value.split(",") if item.strip()))


def _env_name(field: str) -> str:
    info = Settings.model_fields.get(field)
    alias = info.validation_alias if info else None
    return alias if isinstance(alias, str) else field


def load_settings(**overrides: Any) -> Settings:
    """Read settings; a bad value becomes a ConfigError naming the variable and what is allowed."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            message = str(err["msg"]).removeprefix("Value error, ")
            problems.append(f"{_env_name(field)}: {message}")
        raise ConfigError("; ".join(problems)) from None
