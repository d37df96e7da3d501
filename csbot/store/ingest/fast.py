"""Checking a batch of CSV rows a column at a time, for kinds whose fields are plain numbers,
days and group references (usage): the common, valid row never builds a pydantic model.

Each check accepts only values it is sure the record model accepts the same way (plain ASCII
digits, an ISO day, a group named exactly); every other row (a blank, a sign, a typo, an
unknown group, billable above total) goes through the model one by one, so its problems are
reported exactly as before, on its own line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from csbot.store.ingest.base import packed_day_key
from csbot.store.ingest.kinds import Kind
from csbot.store.ingest.refs import Refs

__all__ = ["Checked", "Checker", "FastKind", "checker_for", "row_columns"]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_COUNT = 2_000_000_000  # the models' Count and Amount limits
MAX_AMOUNT = 1e12


@dataclass(frozen=True)
class FastKind:
    """Which fields are what, and the rule across them (True where a row keeps it)."""

    group: str
    day: str
    counts: tuple[str, ...]
    amounts: tuple[str, ...]
    rule: Callable[[dict[str, list[object]]], list[bool]]


_FAST = {
    "usage": FastKind(
        group="group",
        day="day",
        counts=("active_users", "sessions", "documents_processed", "patients_total",
                "patients_billable"),
        amounts=("session_minutes",),
        rule=lambda c: [
            b is None or t is None or b <= t  # type: ignore[operator]
            for b, t in zip(c["patients_billable"], c["patients_total"], strict=True)
        ],
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Checked:
    """The batch's rows that passed (None: check it through the model), in `columns` order,
    with each one's packed (group, day) key."""

    columns: list[str]
    rows: list[tuple[object, ...] | None]
    keys: list[int]


def _ordinal(value: str) -> int | None:
    """The day of an ISO date (YYYY-MM-DD, a real date) as an ordinal; else None."""
    if not _DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value).toordinal()
    except ValueError:
        return None


class Checker:
    """Checks batches of one kind's rows; remembers the days and groups it has seen."""

    def __init__(self, spec: FastKind, header: list[str], columns: list[str], refs: Refs,
                 *, dates: bool) -> None:  # fmt: skip
        self.spec, self.columns, self.refs, self._dates = spec, columns, refs, dates
        self.index = {name: header.index(name) for name in header}
        self._days: dict[str, int | None] = {}
        self._stored: dict[str, object] = {}
        self._groups: dict[str, int | None] = {}

    def _group(self, value: str) -> int | None:
        found = self._groups.get(value, -1)
        if found == -1:
            name = value.strip()
            ok = 1 <= len(name) <= 200
            found = (self.refs.groups.get(name) or self.refs.group_names.get(name)) if ok else None
            self._groups[value] = found
        return found

    def _day(self, value: str) -> object:
        """The day as the upsert takes it (a date, or on SQLite the ISO text), if it is one."""
        if value not in self._days:
            day = self._days[value] = _ordinal(value)
            if day is None:
                self._stored[value] = None  # not a day: the model checks the row
            elif self._dates:
                self._stored[value] = date.fromordinal(day)
            else:
                self._stored[value] = value
        return self._stored[value]

    def check(self, rows: Sequence[Sequence[str]]) -> Checked:
        """Each row as the tuple the upsert takes (None: let the model check it), with its key."""
        spec, index = self.spec, self.index
        cells = list(zip(*rows, strict=True))
        days = cells[index[spec.day]]
        values: dict[str, list[object]] = {
            spec.day: [self._day(v) for v in days],
            "group_id": [self._group(v) for v in cells[index[spec.group]]],
        }
        # Counts: plain ASCII digits within Count's limit; amounts: digits with at most one
        # dot within Amount's. Inlined: a function call per cell costs a million calls.
        for name in spec.counts:
            values[name] = [
                n if v.isdigit() and v.isascii() and len(v) <= 10 and (n := int(v)) <= MAX_COUNT
                else None
                for v in cells[index[name]]
            ]  # fmt: skip
        for name in spec.amounts:
            values[name] = [
                x if v.replace(".", "", 1).isdigit() and v.isascii() and len(v) <= 24
                and (x := float(v)) < MAX_AMOUNT else None
                for v in cells[index[name]]
            ]  # fmt: skip
        tuples = list(zip(*(values[c] for c in self.columns), strict=True))
        gi, ordinals = self.columns.index("group_id"), self._days
        keeps = spec.rule(values)
        passed: list[tuple[object, ...] | None] = [
            row if keep and None not in row else None
            for row, keep in zip(tuples, keeps, strict=True)
        ]
        keys = [
            0 if row is None else packed_day_key(row[gi], ordinals[day])  # type: ignore[arg-type]
            for row, day in zip(passed, days, strict=True)
        ]
        return Checked(self.columns, passed, keys)


def row_columns(kind: Kind) -> list[str]:
    """The columns of the rows a kind's records become (`Record.row`), in that order."""
    refs = kind.model.REFS
    fields = [name for name in kind.model.model_fields if name not in refs]
    return fields + [column for _, column in refs.values()] + list(kind.insert_only)


def checker_for(kind: Kind, header: list[str], refs: Refs, *, dates: bool) -> Checker | None:
    """A column-at-a-time checker for this kind and header, if the kind has one; `dates`: its
    rows hold days as dates (PostgreSQL's binary COPY), else as ISO text (SQLite)."""
    spec = _FAST.get(kind.name)
    fields = {spec.group, spec.day, *spec.counts, *spec.amounts} if spec else set()
    if spec is None or set(header) != fields:
        return None
    return Checker(spec, header, row_columns(kind), refs, dates=dates)
