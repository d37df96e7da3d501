"""What is wrong with a record, said the way a person fixes it: where, which column, what, value.

`FILE line 12, patients_billable: must not exceed patients_total (130 > 120)`. Values are cut
short, and free text is never repeated, so an error never carries a long note into a log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from csbot.errors import InputError

MAX_VALUE_CHARS = 30
QUIET_COLUMNS = frozenset({"notes", "description", "initiative", "text", "reason"})
"""Free-text columns whose values are never shown in an error."""

_MESSAGES = {
    "missing": "is required",
    "int_parsing": "is not a whole number",
    "int_from_float": "is not a whole number",
    "float_parsing": "is not a number (use a dot for decimals, no thousands separators)",
    "finite_number": "is not a finite number",
    "bool_parsing": "is not true or false",
    "date_parsing": "is not a date (use YYYY-MM-DD)",
    "date_from_datetime_parsing": "is not a date (use YYYY-MM-DD)",
    "date_from_datetime_inexact": "is not a date (use YYYY-MM-DD, without a time)",
    "datetime_parsing": "is not a date and time (use ISO 8601, e.g. 2026-03-01T09:30:00Z)",
    "datetime_from_date_parsing": "is not a date and time (use ISO 8601, e.g. 2026-03-01T09:30)",
    "string_pattern_mismatch": "may hold only lower-case letters, digits, '.', '_' and '-' "
    "(at most 20)",
    "extra_forbidden": "is not a known field",
    "string_type": "must be text",
    "list_type": "must be a list",
}


def shown(column: str | None, value: Any) -> str:
    """A value as an error shows it: short, and never the contents of a free-text column."""
    if column in QUIET_COLUMNS:
        return "text not shown"
    text = repr(value) if isinstance(value, str) else str(value)
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 1] + "…"
    return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one record (or with the file itself, when `column` is None)."""

    where: str
    column: str | None
    message: str
    value: Any = None
    has_value: bool = False

    def __str__(self) -> str:
        head = f"{self.where}, {self.column}" if self.column else self.where
        tail = f" ({shown(self.column, self.value)})" if self.has_value else ""
        return f"{head}: {self.message}{tail}"


def problem(where: str, column: str | None, message: str, *value: Any) -> Problem:
    """A Problem; give the offending value as a last argument to have it shown."""
    return Problem(where, column, message, value[0] if value else None, bool(value))


def _message(error: Any) -> str:
    kind = error["type"]
    if error.get("input") is None and kind.endswith("_type"):
        return "is required"
    ctx = error.get("ctx") or {}
    bounds = {"greater_than_equal": ("at least", "ge"), "greater_than": ("more than", "gt"),
              "less_than_equal": ("at most", "le"), "less_than": ("less than", "lt")}  # fmt: skip
    if kind in bounds:
        return f"must be {bounds[kind][0]} {ctx.get(bounds[kind][1])}"
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_long":
        return f"has more than {ctx.get('max_length')} items"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}".replace("'", "")
    return _MESSAGES.get(kind) or str(error["msg"]).removeprefix("Value error, ")


def from_validation(where: str, exc: ValidationError) -> list[Problem]:
    """pydantic's errors for one record, one Problem per field, in the person's words."""
    found = []
    for error in exc.errors(include_url=False):
        column = str(error["loc"][0]) if error["loc"] else None
        has_value = error["type"] != "missing" and error.get("input") is not None
        found.append(Problem(where, column, _message(error), error.get("input"), has_value))
    return found


class IngestError(InputError):
    """Records that cannot be stored. Nothing of the batch was written.

    `str()` is a headline and then one problem per line, ready for a terminal; `problems` holds
    the lines alone (for an HTTP answer).
    """

    def __init__(self, headline: str, problems: Sequence[Problem | str]) -> None:
        self.problems = [str(p) for p in problems]
        super().__init__("\n".join([headline, *self.problems]))


def count_phrase(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def headline(
    subject: str, problems: Iterable[object], *, limit_hit: bool,
    outcome: str = "nothing was imported",
) -> str:  # fmt: skip
    """`usage.csv: 3 errors; nothing was imported` (or `, stopped after 100`)."""
    count = sum(1 for _ in problems)
    stopped = f", stopped after {count:,}" if limit_hit else ""
    return f"{subject}: {count_phrase(count, 'error')}{stopped}; {outcome}"
