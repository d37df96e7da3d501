"""The record kinds: what each accepts, what it refuses, and how a refusal reads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel, Field, ValidationError

from csbot.errors import InputError
from csbot.store.ingest import KINDS, kind_named
from csbot.store.ingest.pipeline import validate
from csbot.store.ingest.problems import IngestError, from_validation, problem

USAGE = {"group": "CVP-001", "day": "2026-06-01", "active_users": "18", "sessions": "41",
         "session_minutes": "612.5", "documents_processed": "230", "patients_total": "180",
         "patients_billable": "171"}  # fmt: skip
TICKET = {"group": "CVP-001", "source": "helpdesk", "external_id": "HD-1", "subject": "Login",
          "category": "technical", "priority": "high", "status": "open",
          "opened_at": "2026-06-02T14:05:00Z"}  # fmt: skip


def _errors(kind: str, raw: dict[str, Any], **kw: Any) -> list[str]:
    record, found = validate(kind_named(kind), raw, where="f.csv line 2", **kw)
    assert (record is None) == bool(found)
    return [str(p) for p in found]


def test_a_good_usage_row_is_typed() -> None:
    record, found = validate(kind_named("usage"), USAGE, where="x")
    assert found == []
    assert record is not None
    assert record.model_dump()["day"] == date(2026, 6, 1)
    assert record.model_dump()["session_minutes"] == 612.5


def test_billable_above_total_names_the_column_and_both_numbers() -> None:
    errors = _errors("usage", {**USAGE, "patients_billable": "181"})
    assert errors == ["f.csv line 2, patients_billable: must not exceed patients_total (180) (181)"]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("active_users", "-1", "must be at least 0"),
        ("sessions", "4.5", "is not a whole number"),
        ("session_minutes", "1,5", "use a dot for decimals"),
        ("day", "01/06/2026", "is not a date (use YYYY-MM-DD)"),
        ("patients_total", "", "is required"),
    ],
)
def test_each_bad_value_is_one_error_on_its_column(column: str, value: str, message: str) -> None:
    (error,) = _errors("usage", {**USAGE, column: value})
    assert error.startswith(f"f.csv line 2, {column}: ")
    assert message in error


def test_every_bad_field_is_reported_not_just_the_first() -> None:
    errors = _errors("usage", {**USAGE, "sessions": "x", "day": "soon", "active_users": "-2"})
    assert [e.split(":")[0] for e in errors] == [
        "f.csv line 2, day", "f.csv line 2, active_users", "f.csv line 2, sessions"]  # fmt: skip


def test_unknown_fields_are_refused_by_name() -> None:
    (error,) = _errors("usage", {**USAGE, "patient_name": "somebody"})
    assert error.startswith("f.csv line 2, patient_name: is not a known field")


@pytest.mark.parametrize(("kind", "score", "ok"), [
    ("nps", 0, True), ("nps", 10, True), ("nps", 11, False),
    ("csat", 1, True), ("csat", 5, True), ("csat", 0, False), ("csat", 6, False),
])  # fmt: skip
def test_survey_scores_are_checked_against_their_kind(kind: str, score: int, ok: bool) -> None:
    raw = {"group": "g", "external_id": "s1", "source": "tool", "day": "2026-01-01",
           "kind": kind, "score": str(score)}  # fmt: skip
    expected = f"f.csv line 2, score: must be {'0-10' if kind == 'nps' else '1-5'} for {kind}"
    assert _errors("surveys", raw) == ([] if ok else [f"{expected} ({score})"])


def test_first_response_before_opening_is_refused() -> None:
    errors = _errors("tickets", {**TICKET, "first_response_at": "2026-06-02T14:00:00Z"})
    assert errors == ["f.csv line 2, first_response_at: is before opened_at "
                      "(2026-06-02T14:05:00+00:00) ('2026-06-02T14:00:00+00:00')"]  # fmt: skip


def test_ticket_choices_are_listed() -> None:
    (error,) = _errors("tickets", {**TICKET, "priority": "p1"})
    assert "priority: must be one of low, normal, high or urgent ('p1')" in error


def test_times_without_offset_are_read_in_the_configured_zone() -> None:
    record, _ = validate(kind_named("tickets"), {**TICKET, "opened_at": "2026-06-02T09:00:00"},
                         where="x", tz=ZoneInfo("America/Chicago"))  # fmt: skip
    assert record is not None
    assert record.model_dump()["opened_at"] == datetime(2026, 6, 2, 14, 0, tzinfo=UTC)


def test_source_is_a_short_lower_case_token() -> None:
    record, _ = validate(kind_named("tickets"), {**TICKET, "source": "ZenDesk"}, where="x")
    assert record is not None and record.model_dump()["source"] == "zendesk"
    (error,) = _errors("tickets", {**TICKET, "source": "my helpdesk"})
    assert "source: may hold only lower-case letters" in error


def test_months_take_year_month_or_the_first_day() -> None:
    raw = {"group": "g", "service_type": "subscription", "amount": "10.5"}
    for month in ("2026-03", "2026-03-01"):
        record, _ = validate(kind_named("revenue"), {**raw, "month": month}, where="x")
        assert record is not None and record.model_dump()["month"] == date(2026, 3, 1)
    (error,) = _errors("revenue", {**raw, "month": "2026-03-15"})
    assert "month: must be a month: YYYY-MM or the first day" in error


def test_lists_are_pipe_separated_in_a_cell() -> None:
    raw = {"external_id": "G1", "name": "Cedar Valley", "aliases": "CV | Cedar|", "specialty": "x",
           "region": "y", "plan": "z", "seats": "3", "contract_start": "2025-01-01",
           "renewal_date": "2025-12-31", "arr": "1000"}  # fmt: skip
    record, _ = validate(kind_named("groups"), raw, where="x")
    assert record is not None and record.model_dump()["aliases"] == ["CV", "Cedar"]
    (error,) = _errors("groups", {**raw, "renewal_date": "2024-12-31"})
    assert "renewal_date: is before contract_start" in error


def test_free_text_is_never_echoed_and_long_values_are_cut() -> None:
    secret = "Called about a claim " * 300
    errors = _errors("tickets", {**TICKET, "description": secret, "subject": "S" * 250})
    joined = "\n".join(errors)
    assert "description: is longer than 4000 characters (text not shown)" in joined
    assert "Called about" not in joined
    assert "subject: is longer than 200 characters ('SSSSSSSSSSSSSSSSSSSSSSSSSSSS…)" in joined


def test_a_problem_without_a_value_shows_none() -> None:
    assert str(problem("a.csv line 3", None, "has 2 values; the header has 8")) == (
        "a.csv line 3: has 2 values; the header has 8"
    )


def test_ingest_error_lists_one_problem_per_line() -> None:
    error = IngestError("a.csv: 2 errors; nothing was imported", ["one", "two"])
    assert str(error).splitlines() == ["a.csv: 2 errors; nothing was imported", "one", "two"]
    assert isinstance(error, InputError)


def test_kinds_are_named_and_unknown_kinds_listed() -> None:
    assert next(iter(KINDS)) == "groups"
    with pytest.raises(InputError, match="'usages' is not a record kind; use one of groups, usage"):
        kind_named("usages")


class _Bounded(BaseModel):
    at_least: int = Field(ge=1)
    more_than: int = Field(gt=1)
    at_most: int = Field(le=9)
    less_than: int = Field(lt=9)


def test_each_kind_of_bound_is_told_as_it_is() -> None:
    """An exclusive bound is not told as an inclusive one: 9 is refused by `lt=9`, so the
    message cannot say "at most 9"."""
    with pytest.raises(ValidationError) as exc:
        _Bounded(at_least=1, more_than=1, at_most=10, less_than=9)
    assert [str(p) for p in from_validation("f.csv line 2", exc.value)] == [
        "f.csv line 2, more_than: must be more than 1 (1)",
        "f.csv line 2, at_most: must be at most 9 (10)",
        "f.csv line 2, less_than: must be less than 9 (9)",
    ]
