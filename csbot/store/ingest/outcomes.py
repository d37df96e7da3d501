"""The `outcomes` record kind: what happened at a group's renewal, keyed by group and date.

Renewed and contracted carry the new ARR; churned carries when, a reason category and the
reason in words. These are what the score audit (csbot backtest, /cs scorecheck) measures.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Literal, get_args

from csbot.store.ingest.base import Check, Record
from csbot.store.ingest.fields import Amount, GroupRef, LongText, Source

Outcome = Literal["renewed", "contracted", "churned"]
ReasonCategory = Literal[
    "price", "product", "support", "competitor", "budget", "consolidation", "closure", "other"
]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
REASON_CATEGORIES: tuple[str, ...] = get_args(ReasonCategory)


class OutcomeRecord(Record):
    """One renewal's outcome. Churned needs `churned_on` and `reason_category` and no new ARR;
    renewed and contracted need `new_arr` and no churn fields."""

    group: GroupRef
    renewal_date: date
    outcome: Outcome
    new_arr: Amount | None = None
    churned_on: date | None = None
    reason_category: ReasonCategory | None = None
    reason: LongText | None = None
    source: Source

    def checks(self) -> Iterator[Check]:
        if self.outcome == "churned":
            yield from _required(self, ("churned_on", "reason_category"), "churned")
            if self.new_arr is not None:
                yield "new_arr", "must be empty when the outcome is churned", self.new_arr
            return
        yield from _required(self, ("new_arr",), self.outcome)
        for name in ("churned_on", "reason_category"):
            if getattr(self, name) is not None:
                yield name, "must be empty unless the outcome is churned", getattr(self, name)


def _required(record: OutcomeRecord, names: tuple[str, ...], outcome: str) -> Iterator[Check]:
    for name in names:
        if getattr(record, name) is None:
            yield name, f"is required when the outcome is {outcome}", None
