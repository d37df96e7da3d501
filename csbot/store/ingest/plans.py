"""Record kinds for working with a group: onboarding, contacts, success plans, goals, actions.

Plans, goals and action items carry their own `external_id`; a goal names its plan, and an
action item its group and (optionally) its goal, by those ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import Field, FiniteFloat, field_validator

from csbot.store.ingest.base import Check, Record, Resolver, Row, UnknownRef, after
from csbot.store.ingest.fields import (
    GroupRef,
    LongText,
    Moment,
    Str20,
    Str32,
    Str40,
    Str64,
    Str80,
    Str100,
    Str120,
    Str200,
    Str300,
)


class OnboardingRecord(Record):
    """A task or training module of an onboarding phase; keyed by group, phase and name."""

    group: GroupRef
    phase: Str40
    name: Str200
    kind: Literal["task", "module"] = "task"
    sort_order: int = Field(default=0, ge=0, le=100_000)
    due: date | None = None
    done_at: Moment | None = None
    owner: Str64 | None = None


class ContactRecord(Record):
    """A person at the group, or on our team for it (`internal`); keyed by group and name."""

    group: GroupRef
    name: Str120
    role: Str80
    internal: bool = False
    email: Str200 | None = None
    phone: Str40 | None = None
    slack_user_id: Str32 | None = None
    primary: bool = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and ("@" not in value or " " in value):
            raise ValueError("is not an email address")
        return value


class PlanRecord(Record):
    """A success plan for a group."""

    external_id: Str100
    group: GroupRef
    title: Str200
    initiative: LongText | None = None
    status: Literal["active", "completed", "paused", "cancelled"] = "active"
    start: date
    end: date | None = None

    def checks(self) -> Iterator[Check]:
        yield from after(self.end, self.start, "end", "start")


class GoalRecord(Record):
    """A goal of a success plan: a metric, where it started, where it should get, where it is."""

    REFS: ClassVar[dict[str, tuple[str, str]]] = {"plan": ("plan", "plan_id")}

    external_id: Str100
    plan: Str100
    title: Str200
    metric: Str80
    baseline: FiniteFloat
    target: FiniteFloat
    current: FiniteFloat
    unit: Str20 | None = None
    owner: Str64 | None = None
    due: date | None = None

    def row(self, refs: Resolver) -> Row:
        row = super().row(refs)
        row["unit"] = self.unit or ""
        return row


class ActionRecord(Record):
    """A to-do for a group, optionally towards one of its plan's goals."""

    REFS: ClassVar[dict[str, tuple[str, str]]] = {
        "group": ("group", "group_id"),
        "goal": ("goal", "goal_id"),
    }

    external_id: Str100
    group: GroupRef
    goal: Str100 | None = None
    text: Str300
    owner: Str64 | None = None
    due: date | None = None
    done_at: Moment | None = None

    def row(self, refs: Resolver) -> Row:
        row: dict[str, Any] = super().row(refs)
        goal_id = row["goal_id"]
        if goal_id is not None and refs.goal_group(goal_id) != row["group_id"]:
            raise UnknownRef("goal", "belongs to another group's success plan", self.goal)
        return row
