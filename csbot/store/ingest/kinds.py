"""The record kinds by name: their models, tables and natural keys, in the order they load."""

from __future__ import annotations

from dataclasses import dataclass

from csbot.errors import InputError
from csbot.store.ingest.base import Record
from csbot.store.ingest.events import ActivityRecord, SurveyRecord, TicketRecord
from csbot.store.ingest.numbers import FeatureRecord, GroupRecord, RevenueRecord, UsageRecord
from csbot.store.ingest.outcomes import OutcomeRecord
from csbot.store.ingest.plans import (
    ActionRecord,
    ContactRecord,
    GoalRecord,
    OnboardingRecord,
    PlanRecord,
)


@dataclass(frozen=True)
class Kind:
    """One kind of record and where it goes.

    `key` are the table's columns that identify a row (loading a record with the same key
    updates it); `record_key` are the record's fields that make that key, for people.
    `insert_only` columns are set when a row is created and never updated.
    """

    name: str
    model: type[Record]
    table: str
    key: tuple[str, ...]
    record_key: tuple[str, ...]
    insert_only: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """The record's fields, in the order the README lists them."""
        return tuple(self.model.model_fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(n for n, f in self.model.model_fields.items() if f.is_required())

    @property
    def has_source(self) -> bool:
        return "source" in self.model.model_fields


_SOURCED = ("source", "external_id")
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("groups", GroupRecord, "physician_group", ("external_id",), ("external_id",),
             insert_only=("created_at",)),
        Kind("usage", UsageRecord, "daily_usage", ("group_id", "day"), ("group", "day")),
        Kind("revenue", RevenueRecord, "revenue", ("group_id", "month", "service_type"),
             ("group", "month", "service_type")),
        Kind("tickets", TicketRecord, "ticket", _SOURCED, _SOURCED),
        Kind("surveys", SurveyRecord, "survey", _SOURCED, _SOURCED),
        Kind("features", FeatureRecord, "feature_usage", ("group_id", "feature"),
             ("group", "feature")),
        Kind("onboarding", OnboardingRecord, "onboarding_task", ("group_id", "phase", "name"),
             ("group", "phase", "name")),
        Kind("activities", ActivityRecord, "activity", _SOURCED, _SOURCED),
        Kind("contacts", ContactRecord, "contact", ("group_id", "name"), ("group", "name")),
        Kind("plans", PlanRecord, "success_plan", ("external_id",), ("external_id",)),
        Kind("goals", GoalRecord, "goal", ("external_id",), ("external_id",)),
        Kind("actions", ActionRecord, "action_item", ("external_id",), ("external_id",)),
        Kind("outcomes", OutcomeRecord, "renewal_outcome", ("group_id", "renewal_date"),
             ("group", "renewal_date"), insert_only=("recorded_at",)),
    )
}  # fmt: skip
"""Every kind, groups first and each after the kinds it refers to."""


def kind_named(name: str) -> Kind:
    """The kind called `name`; an InputError listing the kinds otherwise."""
    kind = KINDS.get(name.strip().lower())
    if kind is None:
        raise InputError(f"{name!r} is not a record kind; use one of {', '.join(KINDS)}")
    return kind
