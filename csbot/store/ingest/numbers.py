"""Record kinds for the group itself and its numbers: groups, usage, revenue, features."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import ClassVar, Literal

from pydantic import Field, field_validator

from csbot.store.ingest.base import Check, Record, Resolver, Row, after
from csbot.store.ingest.fields import (
    Amount,
    ChannelId,
    Count,
    GroupRef,
    Month,
    Names,
    Str32,
    Str40,
    Str60,
    Str64,
    Str80,
    Str200,
)
from csbot.store.records import fold

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug_for(name: str) -> str:
    """The slug csbot derives from a name: `Zürich Pädiatrie` -> `zurich-padiatrie`."""
    return fold(name).replace(" ", "-")[:200] or "group"


class GroupRecord(Record):
    """A physician group, keyed by `external_id`: the only kind that creates groups."""

    REFS: ClassVar[dict[str, tuple[str, str]]] = {}

    external_id: Str64
    name: Str200
    slug: Str200 | None = None
    aliases: Names = Field(default_factory=list)
    specialty: Str80
    region: Str80
    plan: Str40
    seats: Count
    contract_start: date
    renewal_date: date
    arr: Amount
    csm_owner: Str32 | None = None
    csm_team: Str80 | None = None
    alert_channel: ChannelId | None = None
    onboarding_phase: Str40 | None = None
    go_live_date: date | None = None

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and not _SLUG.match(value):
            raise ValueError("must be lower-case words joined by '-', e.g. acme-family-medicine")
        return value

    def checks(self) -> Iterator[Check]:
        yield from after(self.renewal_date, self.contract_start, "renewal_date", "contract_start")

    def row(self, refs: Resolver) -> Row:
        row = self.model_dump()
        row["slug"] = self.slug or slug_for(self.name)
        row["arr"] = round(self.arr, 2)
        return row


class UsageRecord(Record):
    """One group's usage on one day; keyed by group and day."""

    group: GroupRef
    day: date
    active_users: Count
    sessions: Count
    session_minutes: Amount
    documents_processed: Count
    patients_total: Count
    patients_billable: Count

    def checks(self) -> Iterator[Check]:
        if self.patients_billable > self.patients_total:
            yield ("patients_billable", f"must not exceed patients_total ({self.patients_total})",
                   self.patients_billable)  # fmt: skip


class RevenueRecord(Record):
    """What a group paid in a month for one service type; keyed by group, month and service."""

    group: GroupRef
    month: Month
    service_type: Str60
    amount: Amount

    def row(self, refs: Resolver) -> Row:
        row = super().row(refs)
        row["amount"] = round(self.amount, 2)
        return row


class FeatureRecord(Record):
    """How much a group uses one feature; keyed by group and feature."""

    group: GroupRef
    feature: Str80
    tier: Literal["core", "advanced"]
    first_used: date | None = None
    last_used: date | None = None
    uses: Count = Field(default=0)

    def checks(self) -> Iterator[Check]:
        yield from after(self.last_used, self.first_used, "last_used", "first_used")
