"""Record kinds that happen at a time and come from another system: tickets, surveys, activities.

Each is keyed by `source` and `external_id`, the id the other system gave it, so a helpdesk
pushing the same ticket twice updates it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Literal

from pydantic import Field

from csbot.store.ingest.base import Check, Record, after
from csbot.store.ingest.fields import (
    GroupRef,
    LongText,
    Moment,
    Names,
    Source,
    Str40,
    Str64,
    Str100,
    Str200,
)

SCORE_RANGES = {"nps": (0, 10), "csat": (1, 5)}


class TicketRecord(Record):
    """A support ticket. Its times must be in order: opened, first response, resolved."""

    group: GroupRef
    source: Source
    external_id: Str100
    subject: Str200
    description: LongText | None = None
    category: Literal["billing", "data", "technical", "training", "other"]
    priority: Literal["low", "normal", "high", "urgent"]
    status: Literal["open", "pending", "resolved", "closed"]
    opened_at: Moment
    first_response_at: Moment | None = None
    resolved_at: Moment | None = None
    created_by: Str64 | None = None

    def checks(self) -> Iterator[Check]:
        yield from after(self.first_response_at, self.opened_at, "first_response_at", "opened_at")
        yield from after(self.resolved_at, self.opened_at, "resolved_at", "opened_at")


class SurveyRecord(Record):
    """One answer to an NPS (0-10) or CSAT (1-5) survey."""

    group: GroupRef
    source: Source
    external_id: Str100
    day: date
    kind: Literal["nps", "csat"]
    score: int

    def checks(self) -> Iterator[Check]:
        low, high = SCORE_RANGES[self.kind]
        if not low <= self.score <= high:
            yield "score", f"must be {low}-{high} for {self.kind}", self.score


class ActivityRecord(Record):
    """A timeline entry: a meeting, call, email, note or milestone, past or scheduled."""

    group: GroupRef
    source: Source
    external_id: Str100
    kind: Literal["meeting", "call", "email", "note", "milestone"]
    subtype: Str40 | None = None
    title: Str200
    occurred_at: Moment
    duration_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    organizer: Str64 | None = None
    attendees: Names = Field(default_factory=list)
    notes: LongText | None = None
