"""Field types shared by the record kinds: what one CSV cell or JSON value may hold.

Every door (CSV, sync, webhooks) hands the same raw values to the same models, so a date or a
group reference means the same thing wherever it comes from.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, ValidationInfo
from pydantic_core import PydanticCustomError

_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _localize(value: datetime, info: ValidationInfo) -> datetime:
    """A time without an offset is read in the configured time zone (`tz` in the context)."""
    if value.tzinfo is None:
        zone: tzinfo = (info.context or {}).get("tz", UTC)
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def _month(value: Any) -> Any:
    if isinstance(value, str) and _MONTH.match(value.strip()):
        return value.strip() + "-01"
    return value


def _first_of_month(value: date) -> date:
    if value.day != 1:
        raise PydanticCustomError("month", "must be a month: YYYY-MM or the first day, YYYY-MM-01")
    return value


_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,31}$")


def _channel_id(value: str) -> str:
    if not _CHANNEL_ID.match(value):
        raise PydanticCustomError(
            "channel_id",
            "must be a Slack channel ID such as C0123ABCDEF (in Slack: open the channel's "
            "details; the ID is at the bottom of About), not the channel's name",
        )
    return value


def _split_pipes(value: Any) -> Any:
    """CSV cells hold lists as `a|b|c`; JSON gives a real list."""
    if isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    return [] if value is None else value


Moment = Annotated[datetime, AfterValidator(_localize)]
"""An ISO 8601 date and time, stored in UTC."""
Month = Annotated[date, BeforeValidator(_month), AfterValidator(_first_of_month)]
"""A month: `2026-03` or `2026-03-01`."""
Names = Annotated[
    list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]],
    BeforeValidator(_split_pipes),
    Field(max_length=50),
]
"""A short list of names, `|`-separated in a CSV cell."""
Count = Annotated[int, Field(ge=0, le=2_000_000_000)]
Amount = Annotated[float, Field(ge=0, lt=1e12, allow_inf_nan=False)]  # numeric(14, 2) holds less
Source = Annotated[
    str,
    BeforeValidator(lambda v: v.strip().lower() if isinstance(v, str) else v),
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,19}$"),
]
"""Which system a record comes from (`zendesk`, `import`, `api`): part of its natural key."""
# Non-empty, trimmed strings of at most N characters (the column's width).
Str20 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Str32 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
Str40 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Str60 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Str64 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Str80 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Str100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Str120 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Str200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Str300 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
ChannelId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32),
    AfterValidator(_channel_id),
]  # fmt: skip
"""A Slack channel's ID (`C…`; `G…` for an old private channel), where a group's alerts go. A
name like `#cs-alerts` would break when the channel is renamed, and csbot links the channel by
its ID; refused on import rather than found out when the first alert is due."""
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
GroupRef = Str200
"""A group by external id or exact name."""
